"""Rule fig_classification: paper 001 Fig. 4 analogue (Figs. S10-S11): OVITO snapshot of the last
classified frame with the sampled Li coloured by phase, phase fractions of the Li environments
vs time (core / non-core), and the cluster table."""

import json
import sys
from pathlib import Path

import ase.io
import pandas as pd

from seiflow.analysis.classification_tables import (
    UNSAMPLED_LI,
    atom_labels,
    snapshot_label_counts,
)
from seiflow.analysis.phase_classification import phase_per_atom
from seiflow.plot.classification import phase_palette, plot_phase_fractions
from seiflow.provenance import write_output_provenance
from seiflow.analysis.sei_structure import ELEMENT_COLORS
from seiflow.plot.snapshots import render_snapshot_image

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    i, o, p = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    points = pd.read_csv(i.points)
    fractions = pd.read_csv(i.fractions)
    clusters = pd.read_csv(i.clusters)
    summary = json.loads(Path(i.summary).read_text())
    print(summary)
    atoms = ase.io.read(i.snapshot)
    frame = int(atoms.info["frame"])
    labels = atom_labels(atoms, phase_per_atom(points, frame, len(atoms)))
    palette = phase_palette(clusters["label"].tolist() + clusters["noncore_label"].tolist())
    palette |= {k: v for k, v in ELEMENT_COLORS.items() if k != "Li"}
    palette[UNSAMPLED_LI] = (0.80, 0.80, 0.80)
    image = render_snapshot_image(atoms, labels, palette, view="side", size=(500, 900),
                                  legend=False)
    counts = snapshot_label_counts(labels, float(atoms.info["time_ps"]))
    title = (f"{p.run}: {summary['n_clusters']} DPA clusters, ID {summary['intrinsic_dim']:.1f}, "
             f"{100 * summary['core_fraction']:.0f} % core points")
    plot_phase_fractions(fractions, o.png, o.csv, snapshot=image, snapshot_counts=counts,
                         palette=palette, title=title)
    Path(o.clusters).parent.mkdir(parents=True, exist_ok=True)
    clusters.to_csv(o.clusters, index=False)
    print(clusters.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
