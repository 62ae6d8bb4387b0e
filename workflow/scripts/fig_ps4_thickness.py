"""Rule fig_ps4_thickness: paper 001 Fig 2d analogue (intact PS4, SEI thickness vs time)."""

import sys

from seiflow.provenance import write_output_provenance
from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.plot.figures import plot_ps4_and_thickness

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    df = condition_labels(read_runs(snakemake.input))  # noqa: F821
    plot_ps4_and_thickness(df.assign(temperature_K=df["condition"]), snakemake.output.png,
                           snakemake.output.csv)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
