"""Rule fig_li_melting: symmetric_cell Fig. S5 (paper 001): BCC share of heated bulk Li vs
temperature (model melting check) with the experimental melting point."""

import sys

import pandas as pd

from seiflow.model.melting import melting_summary
from seiflow.plot.melting import plot_melting
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    df = pd.read_csv(snakemake.input.csv)  # noqa: F821
    s = melting_summary(df)
    plot_melting(df, s, snakemake.output.png, snakemake.output.csv)  # noqa: F821
    print(s.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
