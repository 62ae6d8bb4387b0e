"""Rule classification_dataset, step (a) of the Li-environment classification (paper 001 Fig. 4):
Li-centred SOAP descriptors of one production run and of the reference bulk MD, PCA-reduced,
as one dataset ``.npz`` (:func:`seiflow.analysis.phase_classification.build_dataset`), and the last
classified MD frame as an extxyz snapshot.

MD frames: every ``frame_stride``-th frame of the whole run (equilibration included, one clock
from the first contact).  Reference frames: the NPT part of each reference run (after its NVT
equilibration), ``n_reference_frames`` frames evenly spaced in it, so that each reference
phase brings about 1/n_phases of the number of classified MD frames (the references together
weigh about as much as the MD, see :func:`n_reference_frames`).
"""

import sys
from pathlib import Path

import numpy as np

from seiflow.analysis.phase_classification import reference_frames
from seiflow.md.lammps import dump_times_ps, run_frames


if __name__ == "__main__":
    import ase.io

    from seiflow.analysis.phase_classification import build_dataset, save_dataset

    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    run = snakemake.wildcards.run  # noqa: F821
    c = p.classification
    times = dump_times_ps(p.md)
    stride = int(c["frame_stride"])
    n_md = len(range(0, len(times), stride))
    if len(set(p.phases)) != len(p.phases):
        raise ValueError(f"reference series {c['reference_series']!r} has a system at several "
                         f"temperatures ({p.phases}); the phase labels must be unique")
    refs = {}
    for phase, done in zip(p.phases, i.refs):
        refs[phase] = reference_frames(Path(done).parent, p.ref_type_map, p.ref_md, n_md,
                                       len(p.phases))
        print(f"reference {phase}: {len(refs[phase])} frames of {Path(done).parent}")
    last = {}

    def md_frames():
        for f, (atoms, t) in enumerate(run_frames(Path(i.done).parent, p.type_map, p.md)):
            if f % stride == 0:
                last.update(frame=f, time_ps=t, atoms=atoms)
            yield atoms

    ds = build_dataset(
        md_frames(), times, refs, list(p.type_map), soap=c["soap"],
        n_li_per_frame=c["li_per_frame"], frame_stride=stride,
        n_li_per_reference=c["li_per_reference_frame"], n_components=c["pca_components"],
        neighbour_cutoff_A=c["neighbour_cutoff_A"], seed=p.seed)
    save_dataset(o.dataset, ds)
    snap = last["atoms"].copy()  # box origin moved to 0 (extxyz keeps no celldisp)
    snap.calc = None
    snap.positions -= snap.get_celldisp().reshape(1, 3)
    snap.set_celldisp([0.0, 0.0, 0.0])
    snap.wrap()
    snap.info.update(frame=last["frame"], time_ps=last["time_ps"], run=run)
    ase.io.write(o.snapshot, snap, format="extxyz")
    src = ds["source"]
    print(f"{len(src)} points ({(src == 'md').sum()} MD from {n_md} frames), "
          f"X {ds['X'].shape}, PCA variance kept {ds['explained_variance_ratio'].sum():.3f}")
    for s, n in zip(*np.unique(src, return_counts=True)):
        print(f"  {s}: {n}")
