"""Rule fig_cell_variants: paper 001 Fig. 6 (cells with and without a Li2S coating) and
Figs. S17-S18 (SEI thickness vs time for several cell sizes): intact PS4 and SEI thickness of
the study's own cell next to its cell variants."""

import sys

from seiflow.analysis.runs import cell_variant_table
from seiflow.plot.sei_structure import plot_time_series
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    groups = [[f for f in snakemake.input.sei if f"/{s}/" in f] for s in p.studies]  # noqa: F821
    infos = [next(f for f in snakemake.input.info if f"/{s}/" in f) for s in p.studies]  # noqa: F821
    df = cell_variant_table(groups, infos, p.names)
    df = df[df["temperature_K"].isin(p.temperatures_K)]
    plot_time_series(df, {"n_intact_ps4": "intact PS$_4$ (count)",
                          "sei_thickness_mean_A": "SEI thickness, mean of both sides (Å)"},
                     snakemake.output.png, snakemake.output.csv, hue="cell",  # noqa: F821
                     title=p.title)
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
