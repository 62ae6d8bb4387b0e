"""Rule fig_product_ablation: paper 001 Figs. S3-S4 analogue (errors on the reaction products
before / after adding them to the training data)."""

import sys

import pandas as pd

from seiflow.plot.product_ablation import plot_product_ablation
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    i, o = snakemake.input, snakemake.output  # noqa: F821
    table = pd.read_csv(i.table)
    plot_product_ablation(pd.read_csv(i.parity), table, o.png, o.csv,
                          reference=snakemake.params.oracle)  # noqa: F821
    print(table.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
