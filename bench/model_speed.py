"""Benchmark: speed of one study's trained DeePMD models against the teacher, and training speed.

Measures for one model folder (``frozen_model.pth``, ``compressed_model.pth``, ``input.json``):

1. LAMMPS ``pair_style deepmd`` MD of the data file, compressed and frozen model, 1 and 2 MPI
   ranks: atom-steps/s from LAMMPS' own "Loop time" (MD loop only, model loading excluded),
   median over ``--repeats`` (``measure`` of bench/md_speed.py: NVT Nosé–Hoover, 1 fs, 400 K).
2. The teacher (CHGNet through ``seiflow.oracle.calculators.get_calculator``) on the SAME cell: ASE
   velocity-Verlet MD (NVE, 1 fs, Maxwell–Boltzmann velocities at 400 K), timed for
   ``--teacher-steps`` steps after 1 warm-up step, with 1 and 2 torch threads. ASE has no MPI
   domain decomposition, so the teacher's "ranks" are torch intra-op threads.
3. Training: ``dp --pt train`` of a copy of the model's ``input.json`` in a temporary folder
   (``numb_steps`` = ``--train-steps``, absolute dataset paths). Steps/s are taken from
   DeePMD-kit's log lines "Batch N: total wall time = X s" (wall time of each display
   interval), leaving out the first line (batch 1: start-up, first-call overheads), so
   steps/s = (N_last - 1) / sum(X after the first line); each interval includes its one
   validation batch.

Writes one row per measurement (what, backend, ranks_or_threads, atoms, steps, seconds,
atom_steps_per_s, steps_per_s) to ``--out`` (.csv or .json) and prints the ratios
compressed/frozen -- to compare with DeePMD-kit's published compression speed-up of more than
10x on GPU (Lu et al., J. Chem. Theory Comput. 18, 5559 (2022)) -- and compressed/teacher.

Usage (from the repository root, venv on PATH, after a run produced the model):
    PATH=$PWD/.venv/bin:$PATH python bench/model_speed.py \
        results/demo/symmetric_cell/structures/md_interface.lmp \
        results/demo/symmetric_cell/model --out model_speed.csv \
        --md-steps 2000 --repeats 3 --teacher-steps 50 --train-steps 2000 --train-disp-freq 500
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from md_speed import measure  # noqa: E402

from seiflow.oracle.calculators import get_calculator  # noqa: E402

MODELS = ("compressed_model.pth", "frozen_model.pth")
COLUMNS = ["what", "backend", "ranks_or_threads", "atoms", "steps", "seconds",
           "atom_steps_per_s", "steps_per_s"]
_BATCH_RE = re.compile(r"Batch\s+(\d+): total wall time = ([0-9.eE+-]+) s")


def _row(what, backend, n, atoms, steps, seconds):
    return {"what": what, "backend": backend, "ranks_or_threads": n, "atoms": atoms,
            "steps": steps, "seconds": seconds,
            "atom_steps_per_s": atoms * steps / seconds if atoms else float("nan"),
            "steps_per_s": steps / seconds}


def lammps_speed(data, model, ranks, steps, type_map, repeats=1):
    """LAMMPS MD speed of one DeePMD model (median of ``repeats`` runs).

    Parameters
    ----------
    data : str or Path
        LAMMPS data file (``atom_style atomic``, types in ``type_map`` order).
    model : str or Path
        DeePMD model file (``.pth``).
    ranks : int
        MPI ranks (1 runs ``lmp`` directly, otherwise ``mpirun -np ranks lmp``).
    steps : int
        MD steps per run (1 fs, NVT at 400 K).
    type_map : list of str
        Element of each LAMMPS atom type.
    repeats : int
        Independent runs; the run with the median loop time is reported.

    Returns
    -------
    dict
        Row with ``seconds`` = LAMMPS "Loop time" (s, model loading excluded) and
        ``atom_steps_per_s`` = atoms * steps / seconds.

    Raises
    ------
    subprocess.CalledProcessError
        If LAMMPS fails.
    """
    recs = [measure(data, model, ranks, steps, type_map) for _ in range(repeats)]
    return _row("md", f"lammps/{Path(model).name}", ranks, recs[0]["atoms"], steps,
                statistics.median_low(r["wall_s"] for r in recs))


def read_cell(data, type_map):
    """Read a LAMMPS data file as ASE atoms with the elements of ``type_map``.

    Parameters
    ----------
    data : str or Path
        ``atom_style atomic`` data file (metal units: Å).
    type_map : list of str
        Element of LAMMPS atom type 1, 2, ...

    Returns
    -------
    ase.Atoms
        The cell (positions in Å, periodic in x, y, z).
    """
    import ase.io
    from ase.data import atomic_numbers

    z_of_type = {i + 1: atomic_numbers[s] for i, s in enumerate(type_map)}
    return ase.io.read(data, format="lammps-data", atom_style="atomic", units="metal",
                       Z_of_type=z_of_type)


def teacher_speed(atoms, n_threads, steps, temperature_K=400.0, oracle="chgnet", seed=1):
    """ASE velocity-Verlet MD speed of the teacher calculator on ``atoms``.

    Parameters
    ----------
    atoms : ase.Atoms
        Cell of n_atoms atoms (not modified; a copy is run).
    n_threads : int
        Torch threads of the calculator (ASE has no MPI parallelism).
    steps : int
        Timed MD steps (1 fs each), after one untimed warm-up step.
    temperature_K : float
        Temperature (K) of the initial Maxwell–Boltzmann velocities (zero total momentum).
    oracle : str
        Teacher name for :func:`seiflow.oracle.calculators.get_calculator`.
    seed : int
        Seed of the initial velocities.

    Returns
    -------
    dict
        Row with ``seconds`` = wall time (s) of the ``steps`` timed steps.
    """
    from ase import units
    from ase.md.velocitydistribution import Stationary, thermalize_momenta
    from ase.md.verlet import VelocityVerlet

    cell = atoms.copy()
    cell.calc = get_calculator(oracle, n_threads)
    thermalize_momenta(cell, temperature_K, rng=np.random.default_rng(seed))
    Stationary(cell)
    dyn = VelocityVerlet(cell, timestep=1.0 * units.fs)
    dyn.run(1)
    t0 = time.perf_counter()
    dyn.run(steps)
    return _row("md", f"ase/{oracle}", n_threads, len(cell), steps, time.perf_counter() - t0)


def train_input(input_json, model_dir, steps, disp_freq):
    """Training input for a short speed run: a copy of the model's ``input.json``.

    Parameters
    ----------
    input_json : dict
        The model's DeePMD-kit input (dataset paths relative to ``model_dir`` or absolute).
    model_dir : str or Path
        Folder the relative dataset paths start from.
    steps : int
        ``numb_steps`` of the speed run.
    disp_freq : int
        ``disp_freq`` (steps between the timed log lines); checkpoints only at the end.

    Returns
    -------
    dict
        New input (``input_json`` is not modified).

    Raises
    ------
    ValueError
        If ``steps < 2 * disp_freq``: fewer than two timed intervals would be left after
        dropping the first.
    """
    if steps < 2 * disp_freq:
        raise ValueError(f"train steps {steps} < 2 * disp_freq {disp_freq}")
    inp = json.loads(json.dumps(input_json))
    tr = inp["training"]
    for key in ("training_data", "validation_data"):
        if key in tr:
            tr[key]["systems"] = [str((Path(model_dir) / s).resolve())
                                  for s in tr[key]["systems"]]
    tr.update(numb_steps=int(steps), disp_freq=int(disp_freq), save_freq=int(steps),
              disp_file="lcurve.out", disp_training=True, time_training=True)
    return inp


def parse_train_log(text):
    """Steady-state training speed from a ``dp --pt train`` log.

    Parameters
    ----------
    text : str
        Log text with DeePMD-kit lines "Batch N: total wall time = X s" (X: wall time in s
        of the display interval ending at batch N).

    Returns
    -------
    tuple of (int, float)
        Steps and wall time (s) after the first log line (batch 1, start-up excluded).

    Raises
    ------
    ValueError
        If the log has fewer than two such lines.
    """
    hits = [(int(b), float(s)) for b, s in _BATCH_RE.findall(text)]
    if len(hits) < 2:
        raise ValueError(f"need >= 2 'Batch N: total wall time' lines, found {len(hits)}")
    return hits[-1][0] - hits[0][0], sum(s for _, s in hits[1:])


def train_speed(model_dir, steps, disp_freq, n_threads):
    """``dp --pt train`` speed of a copy of ``model_dir/input.json`` in a temporary folder.

    Parameters
    ----------
    model_dir : str or Path
        Folder with ``input.json`` (dataset paths relative to it).
    steps, disp_freq : int
        See :func:`train_input`.
    n_threads : int
        OMP / DeePMD intra-op threads (inter-op 1, as in the training rule).

    Returns
    -------
    dict
        Row with ``steps_per_s`` from :func:`parse_train_log`; no atom count (batches mix
        systems of different sizes).

    Raises
    ------
    subprocess.CalledProcessError
        If training fails (log printed).
    """
    inp = train_input(json.loads((Path(model_dir) / "input.json").read_text()), model_dir,
                      steps, disp_freq)
    env = {**os.environ, "OMP_NUM_THREADS": str(n_threads),
           "DP_INTRA_OP_PARALLELISM_THREADS": str(n_threads),
           "DP_INTER_OP_PARALLELISM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "input.json").write_text(json.dumps(inp, indent=2))
        proc = subprocess.run(["dp", "--pt", "train", "input.json"], cwd=tmp, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode:
            print(proc.stdout[-5000:], file=sys.stderr)
            proc.check_returncode()
    n, seconds = parse_train_log(proc.stdout)
    return _row("train", "dp --pt train", n_threads, None, n, seconds)


def ratios(df):
    """Speed ratios of a result table (rows as written by :func:`main`).

    Parameters
    ----------
    df : pandas.DataFrame
        Rows with ``backend``, ``ranks_or_threads`` and ``atom_steps_per_s``.

    Returns
    -------
    dict
        ``{(name, n): ratio}`` for name in ``compressed/frozen``, ``compressed/teacher``
        at n ranks (LAMMPS) vs n threads (teacher); pairs with a missing side are skipped.
    """
    speed = df.set_index(["backend", "ranks_or_threads"])["atom_steps_per_s"].to_dict()
    teacher = next((b for b, _ in speed if b.startswith("ase/")), None)
    out = {}
    for n in sorted({n for _, n in speed}):
        comp = speed.get(("lammps/compressed_model.pth", n))
        for name, other in (("compressed/frozen", ("lammps/frozen_model.pth", n)),
                            ("compressed/teacher", (teacher, n))):
            if comp is not None and speed.get(other) is not None:
                out[name, n] = comp / speed[other]
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", help="LAMMPS data file of the MD cell")
    ap.add_argument("model_dir", help="folder with frozen/compressed_model.pth and input.json")
    ap.add_argument("--out", default="model_speed.csv", help="result table (.csv or .json)")
    ap.add_argument("--type-map", nargs="+", default=["Li", "P", "S", "Cl"])
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2],
                    help="MPI ranks (LAMMPS) and torch threads (teacher)")
    ap.add_argument("--md-steps", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--teacher", default="chgnet")
    ap.add_argument("--teacher-steps", type=int, default=50)
    ap.add_argument("--train-steps", type=int, default=2000)
    ap.add_argument("--train-disp-freq", type=int, default=500)
    ap.add_argument("--train-threads", type=int, nargs="+", default=[1])
    a = ap.parse_args(argv)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # OpenMPI refuses root without these
        os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    rows = []
    for name in MODELS:
        for n in a.ranks:
            rows.append(lammps_speed(a.data, Path(a.model_dir) / name, n, a.md_steps,
                                     a.type_map, a.repeats))
            print(rows[-1])
    cell = read_cell(a.data, a.type_map)
    for n in a.ranks:
        rows.append(teacher_speed(cell, n, a.teacher_steps, oracle=a.teacher))
        print(rows[-1])
    for n in a.train_threads:
        rows.append(train_speed(a.model_dir, a.train_steps, a.train_disp_freq, n))
        print(rows[-1])
    df = pd.DataFrame(rows, columns=COLUMNS).astype({"atoms": "Int64"})
    if a.out.endswith(".json"):
        df.to_json(a.out, orient="records", indent=2)
    else:
        df.to_csv(a.out, index=False)
    print(df.to_string(index=False))
    for (name, n), r in ratios(df).items():
        print(f"{name} speed at {n} rank(s)/thread(s): {r:.2f}x")
    print("published compressed/uncompressed: > 10x on GPU (Lu et al., JCTC 18, 5559 (2022))")


if __name__ == "__main__":
    main()
