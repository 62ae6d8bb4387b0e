"""Rule fig_cell_variants: paper 001 Fig. 6 (cells with and without a Li2S coating) and
Figs. S17-S18 (SEI thickness vs time for several cell sizes): intact PS4 and SEI thickness of
the study's own cell next to its cell variants."""

import json
import sys

import pandas as pd

from seiflow.analysis.runs import condition_labels
from seiflow.provenance import write_output_provenance
from seiflow.plot.sei_structure import plot_time_series


def cell_label(info, name):
    """'<name>: <n> atoms[, <k> Li2S layers]' from a cell's md_interface.json."""
    label = f"{name}: {info['n_atoms']} atoms"
    if info.get("coating_layers"):
        label += f", {info['coating_layers']} Li2S layers"
    return label


def variant_table(sei_csvs, infos, names):
    """Concatenate per-run SEI tables with a ``cell`` label per (pseudo-)study."""
    frames = []
    for csvs, info_path, name in zip(sei_csvs, infos, names):
        with open(info_path) as fh:
            label = cell_label(json.load(fh), name)
        for csv in csvs:
            frames.append(pd.read_csv(csv).assign(cell=label))
    df = condition_labels(pd.concat(frames, ignore_index=True))
    df["run"] = df["cell"] + " | " + df["run"]
    return df


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    groups = [[f for f in snakemake.input.sei if f"/{s}/" in f] for s in p.studies]  # noqa: F821
    infos = [next(f for f in snakemake.input.info if f"/{s}/" in f) for s in p.studies]  # noqa: F821
    df = variant_table(groups, infos, p.names)
    df = df[df["temperature_K"].isin(p.temperatures_K)]
    plot_time_series(df, {"n_intact_ps4": "intact PS$_4$ (count)",
                          "sei_thickness_mean_A": "SEI thickness, mean of both sides (Å)"},
                     snakemake.output.png, snakemake.output.csv, hue="cell",  # noqa: F821
                     title=p.title)
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
