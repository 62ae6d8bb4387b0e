"""Benchmark: LAMMPS pair_style deepmd speed, compressed vs uncompressed model, 1 and 2 ranks.

Usage (after `make run`, from the repository root, venv on PATH):
    python bench/md_speed.py results/demo/symmetric_cell/structures/md_interface.lmp \
        results/demo/symmetric_cell/model --steps 2000 --repeats 3

Reports LAMMPS' own "Loop time" (MD loop only, model loading excluded) as atom-steps/s,
median over repeats, for every (model, ranks) pair, and the compressed/uncompressed ratio.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))

from seiflow.md.lammps import equilibration_input, run_lammps  # noqa: E402


def measure(data, model, ranks, steps, type_map, temperature=400.0):
    with tempfile.TemporaryDirectory() as tmp:
        text = equilibration_input(str(Path(data).resolve()), str(Path(model).resolve()),
                                   type_map, temperature, 0.001, steps, 1, "restart.bench",
                                   thermo_every=steps)
        cmd = ["lmp"] if ranks == 1 else ["mpirun", "-np", str(ranks), "lmp"]
        (rec,) = run_lammps(text, Path(tmp), "bench", cmd)
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("data")
    ap.add_argument("model_dir")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--type-map", nargs="+", default=["Li", "P", "S", "Cl"])
    a = ap.parse_args()
    rows = {}
    print("model        ranks  atoms  steps  atom-steps/s (median, min, max)")
    for name in ("frozen_model.pth", "compressed_model.pth"):
        for ranks in a.ranks:
            recs = [measure(a.data, Path(a.model_dir) / name, ranks, a.steps, a.type_map)
                    for _ in range(a.repeats)]
            vals = [r["atom_steps_per_s"] for r in recs]
            rec = recs[0]
            rows[name, ranks] = statistics.median(vals)
            print(f"{name:20s} {ranks:3d} {rec['atoms']:6d} {a.steps:6d}  "
                  f"{statistics.median(vals):10.0f} {min(vals):10.0f} {max(vals):10.0f}")
    for ranks in a.ranks:
        ratio = rows["compressed_model.pth", ranks] / rows["frozen_model.pth", ranks]
        print(f"compressed / uncompressed speed, {ranks} rank(s): {ratio:.2f}x")


if __name__ == "__main__":
    main()
