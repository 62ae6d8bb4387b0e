"""Rule unwrap_run: unwrapped positions of the diffusing ions over the NPT production of one
bulk-MD run (frames streamed, NVT equilibration left out) and their plain MSD."""

import sys
from pathlib import Path

import numpy as np

from seiflow.md.lammps import run_frames
from seiflow.analysis.transport import msd_table
from seiflow.analysis.transport_series import production_trajectory

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    md = p.md
    start_ps = md["nvt_steps"] * md["timestep_fs"] / 1000.0
    frames = run_frames(Path(i.done).parent, list(p.type_map), md)
    traj = production_trajectory(frames, start_ps, p.species)
    np.savez_compressed(o.traj, **traj)
    n = len(traj["times_ps"])
    stride = max(1, -(-(n - 1) // int(p.max_intervals)))
    msd = msd_table(traj["positions"], traj["times_ps"], lag_stride=stride)
    msd.to_csv(o.msd, index=False)
    print(f"{traj['positions'].shape[1]} {p.species}, {n} frames from {start_ps} ps; "
          f"MSD at {msd['dt_ps'].iloc[-1]:.4g} ps: {msd['msd_A2'].iloc[-1]:.4g} A^2")
