"""Rule fig_ps4_thickness: paper 001 Fig 2d analogue (intact PS4, SEI thickness vs time)."""

import sys

import pandas as pd

from seiflow.provenance import write_output_provenance
from seiflow.figures import plot_ps4_and_thickness

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    df = pd.concat([pd.read_csv(f) for f in snakemake.input], ignore_index=True)  # noqa: F821
    plot_ps4_and_thickness(df, snakemake.output.png, snakemake.output.csv)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
