"""Rule fig_glass_diffusion: paper 000 Fig. 6 (MSD of Li, Si, P, S in the SEI, xy and z) and
Table 2 (D_xy with d = 2, D_z with d = 1, Dz/Dxy, published values)."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.analysis.glass_md import tab2_table
from seiflow.plot.glass_md import plot_fig6
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    msd = pd.concat([pd.read_csv(f) for f in i.msd], ignore_index=True)
    diff = pd.concat([pd.read_csv(f, keep_default_na=False, na_values=[""]) for f in i.diffusion],
                     ignore_index=True)
    diff["note"] = diff["note"].fillna("")
    plot_fig6(msd, o.png, o.csv, title=p.title)
    tab = tab2_table(diff)
    Path(o.table).parent.mkdir(parents=True, exist_ok=True)
    tab.to_csv(o.table, index=False)
    print(tab.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
