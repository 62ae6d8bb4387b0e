"""Run DP-GEN, stop its jobs on failure, and collect the labelled data it produced.

DP-GEN (Zhang et al., Comput. Phys. Commun. 253, 107206 (2020)) iterates
train -> explore (LAMMPS model deviation) -> label (oracle). A frame explored with the
committee of ``numb_models`` models is *accurate* when the maximum force deviation
``max_devi_f < trust_lo``, a *candidate* (sent to the oracle) when
``trust_lo <= max_devi_f < trust_hi``, and *failed* when ``max_devi_f >= trust_hi``
(Zhang et al. 2020, eq. 3: max_i sqrt(<|F_i - <F_i>|^2>)).
"""

from __future__ import annotations

import glob
import os
import random
import signal
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd


def _kill_dispatched_jobs(remote_root: str | Path) -> list[int]:
    """Kill the background jobs that dpdispatcher's ``Shell`` batch started under a root.

    dpdispatcher records each Shell job's PID in ``<hash>_job_id`` files; the jobs are
    ``nohup`` processes that outlive an interrupted ``dpgen``. Returns the PIDs signalled.
    """
    import psutil

    killed = []
    for id_file in glob.glob(os.path.join(str(remote_root), "**", "*_job_id"), recursive=True):
        try:
            pid = int(Path(id_file).read_text().strip())
            proc = psutil.Process(pid)
        except (ValueError, OSError, psutil.Error):
            continue
        procs = [proc, *proc.children(recursive=True)]
        for p in procs:
            try:
                p.kill()
                killed.append(p.pid)
            except psutil.Error:
                pass
    return killed


_DEFAULT_RNG = np.random.default_rng


def _seeded_default_rng(seed=None):
    """``numpy.random.default_rng`` whose unseeded calls take a seed from ``numpy.random``'s
    global (seeded) state, so DP-GEN's unseeded generators repeat between runs."""
    if seed is None:
        seed = int(np.random.randint(0, 2**31 - 1))
    return _DEFAULT_RNG(seed)


STAGE_TIMES_FILE = "stage_times.tsv"
CONVERGED_FILE = "converged.json"


class ActiveLearningConverged(Exception):
    """Raised inside DP-GEN's task loop when the convergence rule fires (caught by run_dpgen)."""


def _append_stage_time(workdir: Path, event: str, iteration: int, task: int) -> None:
    """Append one ``event iteration task unix_time_s`` line to ``stage_times.tsv``."""
    import time

    from seiflow.model.al_report import STAGE_TIMES_HEADER

    path = workdir / STAGE_TIMES_FILE
    new = not path.exists()
    with open(path, "a") as fh:
        if new:
            fh.write("\t".join(STAGE_TIMES_HEADER) + "\n")
        fh.write(f"{event}\t{iteration}\t{task}\t{time.time():.3f}\n")


def _convergence_after(workdir: Path, iteration: int, trust: tuple[float, float],
                       convergence: dict) -> dict:
    """Convergence state over iterations 0..``iteration`` (seiflow.model.al_report.convergence_state)."""
    from seiflow.model.al_report import convergence_state

    report = active_learning_report(workdir, 0, *trust, with_sizes=False)
    report = report[report["iteration"] <= iteration]
    return convergence_state(report, convergence["max_candidate_share"],
                             convergence["max_failed_share"], convergence["patience"])


#: Machine file of a run whose Shell stages were bounded to the job's cores (written by
#: :func:`run_dpgen` next to ``machine.json``).
RUN_MACHINE_FILE = "machine.run.json"


def bound_shell_concurrency(machine: dict, parallel_tasks: int) -> dict:
    """``machine.json`` whose ``Shell`` stages run at most ``parallel_tasks`` tasks at once.

    dpdispatcher's ``Shell`` batch starts every job of a submission at once ("Due to lack of
    scheduling system, Shell runs all jobs at the same time", dpdispatcher docs): with one
    task per job, DP-GEN's exploration started 12 LAMMPS processes on 2 cores. Each ``Shell``
    stage therefore becomes a single job (``group_size`` 0, no upper limit) that runs its tasks
    ``para_deg`` = ``parallel_tasks`` at a time (every task runs one thread:
    OMP/DP_INTRA/DP_INTER are pinned to 1). Stages of other batch systems (Slurm) are
    returned unchanged: their scheduler bounds them.

    Parameters
    ----------
    machine : dict
        ``machine.json`` content (:func:`seiflow.model.dpgen_inputs.make_machine`).
    parallel_tasks : int
        Cores the DP-GEN driver job holds (Snakemake's ``threads`` of ``dpgen_run``).

    Returns
    -------
    dict
        A new machine dict; ``machine`` is not modified.

    Raises
    ------
    ValueError
        If ``parallel_tasks`` < 1.
    """
    import copy

    if int(parallel_tasks) < 1:
        raise ValueError(f"parallel_tasks must be >= 1, got {parallel_tasks}")
    out = copy.deepcopy(machine)
    for stage in ("train", "model_devi", "fp"):
        res = out[stage]["resources"]
        if res.get("batch_type", out[stage]["machine"]["batch_type"]) == "Shell":
            res.update(group_size=0, para_deg=int(parallel_tasks))
    return out


def run_dpgen(workdir: str | Path, seed: int, remote_root: str | Path,
              convergence: dict | None = None, parallel_tasks: int | None = None) -> dict:
    """Run (or resume) ``dpgen run param.json machine.json`` inside ``workdir``.

    This calls ``dpgen.generator.run.run_iter`` (what ``dpgen run`` calls) after seeding
    Python's ``random`` and NumPy's global RNG, from which DP-GEN draws per-model training
    seeds and the candidate shuffle; the generator DP-GEN creates without a seed (exploration
    velocity seeds) is seeded from the same global RNG (:func:`_seeded_default_rng`). DP-GEN resumes from ``record.dpgen`` by itself, and
    dpdispatcher recovers submitted jobs (finished fp tasks are not redone). A resumed run
    therefore continues the same data set but draws later seeds from a restarted RNG.

    Parameters
    ----------
    workdir : path
        Folder holding ``param.json`` and ``machine.json``.
    seed : int
        Seed for Python's ``random`` and ``numpy.random``.
    remote_root : path
        dpdispatcher root of this run; its background jobs are killed if DP-GEN fails or is
        interrupted (SIGTERM/SIGINT), so no orphan keeps burning cores.
    convergence : dict or None
        ``max_candidate_share``, ``max_failed_share``, ``patience``: after each finished
        iteration (DP-GEN task 8, post_fp) the run stops early when the last ``patience``
        iterations each explored fewer candidates and failed frames than these shares
        (:func:`seiflow.model.al_report.convergence_state`). ``None``: run every configured iteration.
    parallel_tasks : int or None
        Cores of this job: DP-GEN runs with ``machine.run.json``, whose ``Shell`` stages run at
        most this many tasks at once (:func:`bound_shell_concurrency`). ``None``: ``machine.json``
        as written.

    Returns
    -------
    dict
        ``converged`` (bool), ``iteration`` (where the rule fired, or None) and ``reason``;
        also written to ``converged.json`` when the rule fired, so a restarted run stops at once.

    Every finished DP-GEN task appends ``done <iteration> <task> <unix time>`` to
    ``stage_times.tsv`` (and every (re)start a ``start`` line), from which the
    active-learning report takes the wall time per stage.

    Raises
    ------
    Exception
        Whatever DP-GEN raised, after the jobs were stopped.
    """
    import json

    workdir = Path(workdir).resolve()
    check_resumable(workdir)
    if (workdir / CONVERGED_FILE).exists():
        return json.loads((workdir / CONVERGED_FILE).read_text())
    param = json.loads((workdir / "param.json").read_text())
    trust = (float(param["model_devi_f_trust_lo"]), float(param["model_devi_f_trust_hi"]))
    machine_file = "machine.json"
    if parallel_tasks is not None:
        machine = json.loads((workdir / "machine.json").read_text())
        machine_file = RUN_MACHINE_FILE
        (workdir / machine_file).write_text(
            json.dumps(bound_shell_concurrency(machine, parallel_tasks), indent=2) + "\n")
    cwd = os.getcwd()
    os.chdir(workdir)
    # dpgen and dpdispatcher open dpgen.log / dpdispatcher.log in the working directory when
    # first imported: import them inside the run folder, not the repository root.
    import dpgen.generator.run as dpgen_run
    from dpgen.generator.run import run_iter

    record_iter = dpgen_run.record_iter
    state = {"converged": False, "iteration": None, "reason": "all configured iterations ran"}

    def _record_and_check(record, ii, jj):  # DP-GEN calls this after each finished task
        record_iter(record, ii, jj)
        _append_stage_time(workdir, "done", ii, jj)
        if convergence is not None and jj == 8:
            result = _convergence_after(workdir, ii, trust, convergence)
            if result["converged"]:
                state.update(result)
                (workdir / CONVERGED_FILE).write_text(json.dumps(state, indent=1) + "\n")
                raise ActiveLearningConverged(result["reason"])

    _append_stage_time(workdir, "start", -1, -1)

    previous = signal.getsignal(signal.SIGTERM)

    def _on_term(signum, frame):  # turn SIGTERM (snakemake kill) into an exception
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _on_term)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        # DP-GEN 0.14 creates an unseeded ``np.random.default_rng()`` in make_model_devi (the
        # LAMMPS velocity seeds of the exploration); draw its seed from the seeded global RNG.
        with (mock.patch.object(np.random, "default_rng", _seeded_default_rng),
              mock.patch.object(dpgen_run, "record_iter", _record_and_check)):
            run_iter("param.json", machine_file)
    except ActiveLearningConverged:
        pass
    except BaseException:
        _kill_dispatched_jobs(remote_root)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        os.chdir(cwd)
    return state


def check_resumable(workdir: str | Path) -> None:
    """Refuse to resume a DP-GEN run whose inputs changed since it started.

    The first call stores copies ``param.started.json`` / ``machine.started.json``; a later
    call (a resumed run) compares ``param.json`` with them. DP-GEN would otherwise continue
    old iterations under new settings and mix incompatible data.

    Raises
    ------
    RuntimeError
        If ``param.json`` differs from the one the run started with; nothing is deleted.
    """
    import json
    import shutil

    workdir = Path(workdir)
    started = workdir / "param.started.json"
    if not started.exists():
        shutil.copyfile(workdir / "param.json", started)
        shutil.copyfile(workdir / "machine.json", workdir / "machine.started.json")
        return
    if json.loads(started.read_text()) != json.loads((workdir / "param.json").read_text()):
        raise RuntimeError(
            f"{workdir}/param.json differs from the one this DP-GEN run started with "
            f"({started.name}); resuming would mix settings. Restore the config, or move "
            f"{workdir} away to start a new run (nothing was deleted)."
        )


def classify_model_deviation(max_devi_f: np.ndarray, trust_lo: float, trust_hi: float) -> dict:
    """Count explored frames as accurate / candidate / failed.

    Parameters
    ----------
    max_devi_f : ndarray, shape (n_frames,)
        Maximum force model deviation of each frame (eV/Å), column 5 of ``model_devi.out``.
    trust_lo, trust_hi : float
        Trust levels (eV/Å).

    Returns
    -------
    dict
        ``n_frames``, ``n_accurate``, ``n_candidate``, ``n_failed``.

    Raises
    ------
    ValueError
        If ``trust_lo >= trust_hi``.
    """
    if trust_lo >= trust_hi:
        raise ValueError("trust_lo must be < trust_hi")
    f = np.asarray(max_devi_f, dtype=float).ravel()
    return {
        "n_frames": int(f.size),
        "n_accurate": int((f < trust_lo).sum()),
        "n_candidate": int(((f >= trust_lo) & (f < trust_hi)).sum()),
        "n_failed": int((f >= trust_hi).sum()),
    }


def _n_frames(system_dir: str) -> int:
    import dpdata

    return len(dpdata.LabeledSystem(system_dir, fmt="deepmd/npy"))


def active_learning_report(workdir: str | Path, init_frames: int, trust_lo: float,
                           trust_hi: float, with_sizes: bool = True) -> pd.DataFrame:
    """Per DP-GEN iteration: explored-frame shares and labelled data-set size.

    Parameters
    ----------
    workdir : path
        DP-GEN work folder (holds ``iter.*``).
    init_frames : int
        Number of oracle-labelled initial frames.
    with_sizes : bool
        Count the labelled frames of each iteration (reads every ``02.fp`` data set); False
        gives only the model-deviation shares (``n_labelled_new`` = 0).

    Returns
    -------
    pandas.DataFrame
        Columns ``iteration``, ``n_frames``, ``n_accurate``, ``n_candidate``, ``n_failed``,
        ``share_accurate``, ``share_candidate``, ``share_failed``, ``n_labelled_new``,
        ``dataset_size`` (cumulative frames after that iteration).
    """
    rows = []
    size = int(init_frames)
    for it_dir in sorted(glob.glob(os.path.join(str(workdir), "iter.*"))):
        devi = [np.loadtxt(f, ndmin=2)[:, 4]
                for f in sorted(glob.glob(os.path.join(it_dir, "01.model_devi", "task.*",
                                                       "model_devi.out")))]
        if not devi:
            continue
        counts = classify_model_deviation(np.concatenate(devi), trust_lo, trust_hi)
        new = sum(_n_frames(d) for d in fp_data_dirs(it_dir)) if with_sizes else 0
        size += new
        n = max(counts["n_frames"], 1)
        rows.append({
            "iteration": int(it_dir.rsplit(".", 1)[1]),
            **counts,
            "share_accurate": counts["n_accurate"] / n,
            "share_candidate": counts["n_candidate"] / n,
            "share_failed": counts["n_failed"] / n,
            "n_labelled_new": new,
            "dataset_size": size,
        })
    return pd.DataFrame(rows)


def deepmd_system_dirs(root: str | Path) -> list[str]:
    """``deepmd/npy`` system folders (those holding ``type.raw``) at or below ``root``."""
    return sorted(str(p.parent) for p in Path(root).rglob("type.raw"))


def fp_data_dirs(iter_dir: str | Path) -> list[str]:
    """``deepmd/npy`` folders DP-GEN wrote from labelled candidates of one iteration.

    The custom fp style stores a ``dpdata.MultiSystems`` per exploration system in
    ``02.fp/data.<sys>/<formula>/``.
    """
    return sorted(d for data in glob.glob(os.path.join(str(iter_dir), "02.fp", "data.*"))
                  for d in deepmd_system_dirs(data))


def collect_dataset(init_dirs: list[str], workdir: str | Path, type_map: list[str],
                    out_train: str | Path, out_valid: str | Path, validation_fraction: float,
                    seed: int) -> dict:
    """Gather initial and DP-GEN-labelled frames and split them into train / held-out sets.

    Frames are split at random (``numpy.random.default_rng(seed)``), per system, so every
    composition appears in both sets; each system keeps at least one training frame.

    Parameters
    ----------
    init_dirs : list of str
        ``deepmd/npy`` folders of the initial oracle data.
    workdir : path
        DP-GEN work folder.
    out_train, out_valid : path
        Output ``deepmd/npy`` MultiSystems folders.
    validation_fraction : float
        Share of frames held out (0 < f < 0.5).

    Returns
    -------
    dict
        ``n_train``, ``n_valid``, ``n_systems``, ``n_init``, ``n_dpgen`` (frame counts).

    Raises
    ------
    ValueError
        If no labelled frame is found or the fraction is outside (0, 0.5).
    """
    import dpdata

    if not 0.0 < validation_fraction < 0.5:
        raise ValueError("validation_fraction must be in (0, 0.5)")
    rng = np.random.default_rng(seed)
    dp_dirs = [d for it in sorted(glob.glob(os.path.join(str(workdir), "iter.*")))
               for d in fp_data_dirs(it)]
    train = dpdata.MultiSystems(type_map=list(type_map))
    valid = dpdata.MultiSystems(type_map=list(type_map))
    n_init = n_dpgen = 0
    for d in [*init_dirs, *dp_dirs]:
        system = dpdata.LabeledSystem(d, fmt="deepmd/npy", type_map=list(type_map))
        n = len(system)
        if d in init_dirs:
            n_init += n
        else:
            n_dpgen += n
        order = rng.permutation(n)
        n_valid = min(int(round(validation_fraction * n)), n - 1)
        if n_valid > 0:
            valid.append(system.sub_system(np.sort(order[:n_valid])))
        train.append(system.sub_system(np.sort(order[n_valid:])))
    n_train = train.get_nframes()
    if n_train == 0:
        raise ValueError("no labelled frames found: initial data and DP-GEN output are empty")
    train.to_deepmd_npy(str(out_train))
    valid.to_deepmd_npy(str(out_valid))
    Path(out_valid).mkdir(parents=True, exist_ok=True)
    return {
        "n_train": int(n_train),
        "n_valid": int(valid.get_nframes()),
        "n_systems": len(train.systems),
        "n_init": n_init,
        "n_dpgen": n_dpgen,
    }
