"""Rule fig_glass_snapshot: paper 000 Fig. 1, OVITO side views of the Li|glass models (last
frame of each production run, coloured by element) with the label counts as CSV."""

import sys

import ase.io

from seiflow.analysis.glass_structure import snapshot_label_counts
from seiflow.plot.glass_structure import plot_fig1
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    frames = {c: ase.io.read(f) for c, f in zip(p.compositions, i.frames, strict=True)}
    counts = snapshot_label_counts(frames)
    print(plot_fig1(frames, counts, o.png, o.csv, title=p.title).to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
