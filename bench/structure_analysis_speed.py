"""Throughput of the full SEI structure analysis (seiflow.analysis.sei_structure) on a >= 30,000-atom
frame: a demo frame replicated in plane, rattled per frame, fed to StructureAnalysis.

Run from the repository root after a demo run (uses the first frame of the snapshots file):
    PATH=.venv/bin:$PATH /usr/bin/time -v .venv/bin/python \
        bench/structure_analysis_speed.py --frames 3
It prints the atom count, the per-frame wall time of every frame and frames/s (reading the
dump is not included; the analysis rule streams frames with ase.io.iread).

``--analysis glass_crystallisation`` times instead the per-frame step of rule
glass_crystallisation (seiflow.analysis.glass_crystallisation.crystalline_sei_frame: PTM of the anion
sublattice, occupancies, Li tetrahedral sites, crystalline Li) on the last frame of a demo
Li|glass run, replicated the same way, with the SEI region set to the middle third of the cell:
    .venv/bin/python bench/structure_analysis_speed.py --analysis glass_crystallisation \
        --snapshots results/demo/glass/analysis/LiPS/last_frame.extxyz --frames 3
"""

import argparse
import sys
import time
from pathlib import Path

import ase.io
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))
from seiflow.analysis.sei_structure import StructureAnalysis, StructureSettings  # noqa: E402


def replicated_frame(path, min_atoms):
    """First frame of ``path`` repeated in plane (nx = ny) until it has >= min_atoms atoms."""
    atoms = ase.io.read(path, index=0)
    for k in ("region", "li_ptm", "anion_crystalline"):
        atoms.arrays.pop(k, None)
    n = 1
    while len(atoms) * n * n < min_atoms:
        n += 1
    big = atoms.repeat((n, n, 1))
    big.arrays["c_pe"] = np.full(len(big), -3.0)
    return big


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshots", default="results/demo/two_step/analysis/"
                    "snapshots_T300_p1_v1.extxyz")
    ap.add_argument("--frames", type=int, default=3)
    ap.add_argument("--min-atoms", type=int, default=30000)
    ap.add_argument("--analysis", choices=["sei_structure", "glass_crystallisation"],
                    default="sei_structure")
    args = ap.parse_args(argv)
    frame = replicated_frame(args.snapshots, args.min_atoms)
    if args.analysis == "glass_crystallisation":
        return glass_crystallisation(frame, args.frames)
    settings = StructureSettings(rdf_r_max_A=8.0, window_ps=1.0,
                                 profile_cn_cutoffs_A={("P", "Li"): 2.86, ("S", "Li"): 3.39,
                                                       ("P", "S"): 2.73, ("Li", "Li"): 4.0})
    ana = StructureAnalysis(settings, t_end_ps=float(args.frames - 1))
    rng = np.random.default_rng(0)
    times = []
    for k in range(args.frames):
        f = frame.copy()
        f.positions += rng.normal(0.0, 0.05, f.positions.shape)
        t0 = time.perf_counter()
        ana.update(f, float(k))
        times.append(time.perf_counter() - t0)
    print(f"atoms {len(frame)}; per-frame s: {', '.join(f'{t:.2f}' for t in times)}; "
          f"frames/s {len(times) / sum(times):.3f}")


def glass_crystallisation(frame, n_frames):
    """Time crystalline_sei_frame on ``n_frames`` rattled copies of ``frame``."""
    from seiflow.analysis.glass_crystallisation import crystalline_sei_frame

    frozen = frame.arrays.pop("frozen", np.zeros(len(frame), bool)).astype(bool)
    rng = np.random.default_rng(0)
    times = []
    for _ in range(n_frames):
        f = frame.copy()
        f.positions += rng.normal(0.0, 0.05, f.positions.shape)
        t0 = time.perf_counter()
        res = crystalline_sei_frame(f, frozen, 1 / 3, 2 / 3)
        times.append(time.perf_counter() - t0)
    print(f"atoms {len(frame)}; SEI anions {res['n_sei_anions']}; per-frame s: "
          f"{', '.join(f'{t:.2f}' for t in times)}; frames/s {len(times) / sum(times):.3f}")


if __name__ == "__main__":
    main()
