"""Tiny synthetic DeePMD training set for bench/gpu_check.sh (no external data needed).

A bcc Li cell (3x3x3 conventional = 54 atoms by default) is randomly strained and rattled
``--frames`` times and labelled with ASE's smooth Lennard-Jones calculator (parameters put
the LJ minimum near the bcc Li nearest-neighbour distance). The frames are written in the
DeePMD npy format by hand: <out>/{train,valid}/{type.raw,type_map.raw,set.000/{coord,box,
energy,force}.npy}. The physics is meaningless; the set only has to be learnable enough that
a few hundred training steps give a model that keeps a short NVT run stable.
"""

import argparse
from pathlib import Path

import numpy as np
from ase.build import bulk
from ase.calculators.lj import LennardJones

A_LI = 3.51  # bcc Li lattice constant (Angstrom)


def frames(n, rep, rattle, strain, rng):
    base = bulk("Li", "bcc", a=A_LI, cubic=True).repeat((rep, rep, rep))
    # LJ minimum 2^(1/6) sigma at the bcc nearest-neighbour distance sqrt(3)/2 a
    sigma = (np.sqrt(3) / 2 * A_LI) / 2 ** (1 / 6)
    calc = LennardJones(sigma=sigma, epsilon=0.1, rc=2.0 * sigma, smooth=True)
    out = {"coord": [], "box": [], "energy": [], "force": []}
    for _ in range(n):
        at = base.copy()
        eps = rng.uniform(-strain, strain, (3, 3))
        at.set_cell(at.cell.array @ (np.eye(3) + 0.5 * (eps + eps.T)), scale_atoms=True)
        at.positions += rng.normal(0.0, rattle, at.positions.shape)
        at.calc = calc
        out["energy"].append(at.get_potential_energy())
        out["force"].append(at.get_forces().reshape(-1))
        out["coord"].append(at.positions.reshape(-1))
        out["box"].append(at.cell.array.reshape(-1))
    return len(base), {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


def write_system(path, natoms, data):
    s = Path(path) / "set.000"
    s.mkdir(parents=True, exist_ok=True)
    (Path(path) / "type.raw").write_text("0\n" * natoms)
    (Path(path) / "type_map.raw").write_text("Li\n")
    for k, v in data.items():
        np.save(s / f"{k}.npy", v)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", help="output folder (train/ and valid/ are written inside)")
    ap.add_argument("--frames", type=int, default=60, help="training frames")
    ap.add_argument("--valid-frames", type=int, default=10)
    ap.add_argument("--rep", type=int, default=3, help="conventional bcc cells per edge")
    ap.add_argument("--rattle", type=float, default=0.12, help="position noise (Angstrom)")
    ap.add_argument("--strain", type=float, default=0.03, help="max random strain")
    ap.add_argument("--seed", type=int, default=2024)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    for name, n in (("train", a.frames), ("valid", a.valid_frames)):
        natoms, data = frames(n, a.rep, a.rattle, a.strain, rng)
        write_system(Path(a.out) / name, natoms, data)
        print(f"{name}: {n} frames x {natoms} atoms, E/atom "
              f"{data['energy'].mean() / natoms:.4f} eV, |F|max {np.abs(data['force']).max():.3f} eV/A")


if __name__ == "__main__":
    main()
