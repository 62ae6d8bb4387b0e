"""Rule fig_snapshot: OVITO snapshot of the first or last frame of a run, coloured by a class
scheme (element / Li PTM / crystalline-amorphous phase), with the label counts as CSV."""

import sys
import tempfile
from pathlib import Path

import ase.io
import matplotlib.image as mpimg
import pandas as pd

from seiflow.plot.style import apply_style, plt, save_figure
from seiflow.provenance import write_output_provenance
from seiflow.analysis.sei_structure import ELEMENT_COLORS, snapshot_labels
from seiflow.plot.snapshots import label_colors, render_snapshot


def snapshot_figure(snapshots, which, scheme, title, png, csv, frames_csv=None):
    """Render frame ``which`` (0 = first, -1 = last) of a snapshots file with labels of
    ``scheme``; the CSV holds the label counts (and, for ``li_ptm``, the metal-Li PTM
    fractions vs time from ``frames_csv``)."""
    atoms = ase.io.read(snapshots, index=which)
    labels = snapshot_labels(atoms, scheme)
    # non-Li atoms of the Li-PTM scheme in pale sand, so they stand apart from grey "other" Li
    palette = {**label_colors(), **ELEMENT_COLORS, "excluded": (0.93, 0.86, 0.66)}
    with tempfile.TemporaryDirectory() as tmp:
        img = render_snapshot(atoms, labels, palette, Path(tmp) / "snap.png", view="side",
                              size=(700, 900), legend=True, legend_title=scheme)
        image = mpimg.imread(img)
    counts = pd.Series(labels).value_counts().rename_axis("label").reset_index(name="count")
    counts.insert(0, "time_ps", float(atoms.info.get("time_ps", float("nan"))))
    apply_style()
    series = None
    if frames_csv is not None:
        series = pd.read_csv(frames_csv)
    ncols = 2 if series is not None else 1
    fig, axes = plt.subplots(1, ncols, figsize=(4.0 * ncols, 4.6), squeeze=False)
    axes[0][0].imshow(image)
    axes[0][0].set_axis_off()
    axes[0][0].set_title(f"{title}\nt = {counts['time_ps'].iloc[0]:g} ps, side view (z up)",
                         fontsize="small")
    data = counts
    if series is not None:
        cols = {"li_metal_BCC": "BCC", "li_metal_HCP": "HCP", "li_metal_FCC": "FCC",
                "li_metal_other": "other"}
        long = series.melt(id_vars=["time_ps"], value_vars=list(cols), var_name="type",
                           value_name="fraction")
        long["type"] = long["type"].map(cols)
        ax = axes[0][1]
        for t, sub in long.groupby("type", sort=False):
            ax.plot(sub["time_ps"], 100 * sub["fraction"], color=label_colors()[t], label=t)
        ax.set_xlabel("time (ps)")
        ax.set_ylabel("metal-region Li (%)")
        ax.legend(frameon=False, fontsize="small")
        data = pd.concat([counts.assign(kind="snapshot label count"),
                          long.assign(kind="metal Li PTM fraction vs time")], ignore_index=True)
    fig.tight_layout()
    save_figure(fig, data, png, csv)


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    frames_csv = snakemake.input.get("frames") or None  # noqa: F821 (empty unless li_ptm)
    snapshot_figure(snakemake.input.snapshots, p.which, p.scheme, p.title,  # noqa: F821
                    snakemake.output.png, snakemake.output.csv,  # noqa: F821
                    str(frames_csv) if frames_csv else None)
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
