"""Rule fig_li_trajectories: Li trajectory lines of the runs of a bulk-MD series, projected on
a plane (terminations Fig 4: ordered vs S/Cl-disordered Li6PS5Cl)."""

import sys

import numpy as np

from seiflow.provenance import write_output_provenance
from seiflow.plot.transport import plot_li_trajectories

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    trajs = {}
    for label, f in zip(p.labels, i.traj):
        with np.load(f) as npz:
            trajs[label] = {k: npz[k] for k in npz.files}
    summary = plot_li_trajectories(trajs, o.png, o.csv, plane=p.plane, max_frames=p.max_frames,
                                   title="Li trajectory lines (paper 003 Fig. 4)")
    print(summary.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
