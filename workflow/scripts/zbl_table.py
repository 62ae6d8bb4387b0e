"""Rule zbl_table: the ZBL pair table of a study's model for DP-ZBL training (seiflow.model.zbl)."""

import sys

import numpy as np

from seiflow.model.zbl import pair_columns, write_zbl_table

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    path = write_zbl_table(snakemake.output[0], p.type_map, r_max_A=p.rcut_A)  # noqa: F821
    table = np.loadtxt(path)
    print(f"{path}: {table.shape[0]} r points in [{table[0, 0]:g}, {table[-1, 0]:g}] A")
    for col, (a, b) in enumerate(pair_columns(p.type_map), start=1):
        k = int(np.argmin(abs(table[:, 0] - 1.0)))
        print(f"{a}-{b}: E_ZBL(1 A) = {table[k, col]:.2f} eV")
