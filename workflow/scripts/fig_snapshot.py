"""Rule fig_snapshot: OVITO snapshot of the first or last frame of a run, coloured by a class
scheme (element / Li PTM / crystalline-amorphous phase), with the label counts as CSV."""

import sys

import ase.io
import pandas as pd

from seiflow.analysis.classification_tables import snapshot_label_counts
from seiflow.analysis.sei_structure import metal_li_ptm_long, snapshot_labels
from seiflow.plot.sei_structure import plot_snapshot, snapshot_palette
from seiflow.plot.snapshots import render_snapshot_image
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    frames_csv = snakemake.input.get("frames") or None  # noqa: F821 (empty unless li_ptm)
    atoms = ase.io.read(snakemake.input.snapshots, index=p.which)  # noqa: F821
    labels = snapshot_labels(atoms, p.scheme)
    image = render_snapshot_image(atoms, labels, snapshot_palette(), view="side",
                                  size=(700, 900), legend=True, legend_title=p.scheme)
    counts = snapshot_label_counts(labels, float(atoms.info.get("time_ps", float("nan"))))
    series = metal_li_ptm_long(pd.read_csv(str(frames_csv))) if frames_csv else None
    plot_snapshot(image, counts[["time_ps", "label", "count"]], p.title,
                  snakemake.output.png, snakemake.output.csv, series)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
