"""Active-learning report: DP-GEN stage wall times, a convergence rule and the report table
(the figure is drawn by :mod:`seiflow.plot.al_report`).

DP-GEN (Zhang et al., Comput. Phys. Commun. 253, 107206 (2020)) runs every iteration as nine
tasks (:data:`DPGEN_TASKS`, numbered as in ``record.dpgen``), grouped here into the stages
training, exploration (LAMMPS model deviation) and labelling (oracle ``fp``).

Stage times come from ``<dpgen workdir>/stage_times.tsv``, a tab-separated file with header
``event iteration task unix_time_s``: every (re)start of ``dpgen run`` appends
``start -1 -1 <t>``, every finished task appends ``done <iteration> <task> <t>`` (t in s since
the Unix epoch).

The convergence rule follows the DP-GEN criterion of Zhang et al., Phys. Rev. Mater. 3, 023804
(2019): exploration has converged when (almost) every explored frame is *accurate*, i.e. the
shares of candidate and failed frames stay below thresholds, here for ``patience`` consecutive
iterations.
"""

from __future__ import annotations

import csv
from os import PathLike

import numpy as np
import pandas as pd

from seiflow.analysis.runs import require_columns

__all__ = ["DPGEN_TASKS", "SHARE_COLUMNS", "STAGES", "STAGE_COLUMNS", "read_stage_times",
           "stage_wall_times", "convergence_state", "merge_report"]

DPGEN_TASKS = ("make_train", "run_train", "post_train", "make_model_devi", "run_model_devi",
               "post_model_devi", "make_fp", "run_fp", "post_fp")
STAGES = {"train": (0, 1, 2), "exploration": (3, 4, 5), "labelling": (6, 7, 8)}
STAGE_COLUMNS = [f"{s}_s" for s in STAGES]
# columns of stage_times.tsv (written by seiflow.model.active_learning.run_dpgen)
STAGE_TIMES_HEADER = ["event", "iteration", "task", "unix_time_s"]
_STAGE_OF = {t: s for s, tasks in STAGES.items() for t in tasks}
#: columns of the explored-frame shares of the report (accurate, candidate, failed)
SHARE_COLUMNS = ("share_accurate", "share_candidate", "share_failed")


def read_stage_times(path: str | PathLike) -> pd.DataFrame:
    """Wall time of every finished DP-GEN task from ``stage_times.tsv``.

    A task's wall time is its ``done`` time minus the time of the line before it (the
    previous ``done``, or the ``start`` of the run it finished in). When a run is killed,
    the time spent in the unfinished task before the kill is lost: it is not recorded
    anywhere, and the resumed task counts from the new ``start`` line (DP-GEN redoes it from
    its beginning; dpdispatcher may recover jobs submitted before the kill, so the resumed
    task can be shorter than a full one). The first task after a ``start`` also includes
    DP-GEN's set-up (reading ``param.json``), a fraction of a second.

    Parameters
    ----------
    path : path
        ``stage_times.tsv`` (tab-separated, header ``event iteration task unix_time_s``;
        empty lines are ignored).

    Returns
    -------
    pandas.DataFrame
        One row per finished task, in file order: ``iteration`` (int), ``task`` (int, 0-8),
        ``task_name`` (:data:`DPGEN_TASKS`), ``stage`` (key of :data:`STAGES`), ``wall_s``
        (s), ``after_restart`` (bool: first task finished after a restart of the run).

    Raises
    ------
    ValueError
        Wrong header, unknown event, malformed fields, a ``done`` line before any ``start``,
        a task number outside 0-8, a repeated ``(iteration, task)``, or a time earlier than
        the previous line's within one ``start`` block; the message gives the line number.
    """
    rows, seen = [], set()
    prev_t = None  # time of the previous line in the current start block
    n_start = 0
    after_restart = header = False
    with open(path, newline="") as fh:
        for lineno, fields in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            where = f"{path}:{lineno}"
            if lineno == 1:
                if [f.strip() for f in fields] != STAGE_TIMES_HEADER:
                    raise ValueError(f"{where}: header must be {STAGE_TIMES_HEADER}, got {fields}")
                header = True
                continue
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != 4:
                raise ValueError(f"{where}: expected 4 tab-separated fields, got {fields}")
            event = fields[0].strip()
            try:
                it, task, t = int(fields[1]), int(fields[2]), float(fields[3])
            except ValueError:
                raise ValueError(f"{where}: iteration/task must be integers and "
                                 f"unix_time_s a number, got {fields[1:]}") from None
            if not np.isfinite(t):
                raise ValueError(f"{where}: unix_time_s is not finite ({t})")
            if event == "start":
                if (it, task) != (-1, -1):
                    raise ValueError(f"{where}: a start line has iteration = task = -1")
                n_start += 1
                after_restart = n_start > 1
                prev_t = t
                continue
            if event != "done":
                raise ValueError(f"{where}: unknown event {event!r} (start or done)")
            if prev_t is None:
                raise ValueError(f"{where}: 'done' before any 'start' line")
            if it < 0 or task not in _STAGE_OF:
                raise ValueError(f"{where}: iteration must be >= 0 and task in 0-8, "
                                 f"got {it}, {task}")
            if (it, task) in seen:
                raise ValueError(f"{where}: iteration {it} task {task} finished twice")
            if t < prev_t:
                raise ValueError(f"{where}: time {t} is earlier than the previous line's "
                                 f"({prev_t}) in the same run")
            seen.add((it, task))
            rows.append({"iteration": it, "task": task, "task_name": DPGEN_TASKS[task],
                         "stage": _STAGE_OF[task], "wall_s": t - prev_t,
                         "after_restart": after_restart})
            prev_t, after_restart = t, False
    if not header:
        raise ValueError(f"{path}:1: empty file, header {STAGE_TIMES_HEADER} missing")
    cols = ["iteration", "task", "task_name", "stage", "wall_s", "after_restart"]
    return pd.DataFrame(rows, columns=cols).astype({"iteration": int, "task": int,
                                                     "wall_s": float, "after_restart": bool})


def stage_wall_times(task_times: pd.DataFrame) -> pd.DataFrame:
    """Sum task wall times per DP-GEN iteration and stage.

    Parameters
    ----------
    task_times : pandas.DataFrame
        Output of :func:`read_stage_times` (columns ``iteration``, ``task``, ``wall_s`` in s).

    Returns
    -------
    pandas.DataFrame
        One row per iteration with a finished task, sorted: ``iteration``, ``train_s``,
        ``exploration_s``, ``labelling_s`` (s; NaN when no task of that stage finished, e.g.
        the last DP-GEN iteration, which only trains), ``total_s`` (s, sum of the recorded
        stages).

    Raises
    ------
    ValueError
        If a required column is missing.
    """
    require_columns(task_times, ["iteration", "task", "wall_s"], "stage_wall_times")
    d = task_times.assign(stage=task_times["task"].map(_STAGE_OF))
    wide = (d.pivot_table(index="iteration", columns="stage", values="wall_s", aggfunc="sum")
            .reindex(columns=list(STAGES)))
    wide.columns = STAGE_COLUMNS
    wide["total_s"] = wide[STAGE_COLUMNS].sum(axis=1, min_count=1)
    out = wide.reset_index().sort_values("iteration", ignore_index=True)
    return out.astype({"iteration": int})


def convergence_state(report: pd.DataFrame, max_candidate_share: float,
                      max_failed_share: float, patience: int) -> dict:
    """Has DP-GEN exploration converged? (rule after Zhang et al. 2019, see module doc).

    An iteration *passes* when ``share_candidate < max_candidate_share`` and
    ``share_failed < max_failed_share`` (an iteration whose frames are all failed never
    passes, nor does one with no explored frame when ``n_frames`` is given). The rule
    *fires* at iteration i when i and the ``patience - 1`` iterations before it (rows sorted
    by iteration) all pass. The run is converged when the rule fires at its last iteration.

    Parameters
    ----------
    report : pandas.DataFrame
        :func:`seiflow.model.active_learning.active_learning_report` table; needs ``iteration``,
        ``share_candidate``, ``share_failed`` (fractions); ``n_frames`` is used if present.
        Rows with NaN shares (iterations without exploration) are ignored.
    max_candidate_share, max_failed_share : float
        Thresholds, in (0, 1].
    patience : int
        Number of consecutive passing iterations required (>= 1).

    Returns
    -------
    dict
        ``converged`` (bool), ``iteration`` (first iteration at which the rule fired, or
        None if it never fired; it can be set while ``converged`` is False when a later
        iteration broke the rule), ``reason`` (str, human-readable).

    Raises
    ------
    ValueError
        Thresholds outside (0, 1], ``patience`` not an integer >= 1, or missing columns.
    """
    for name, v in (("max_candidate_share", max_candidate_share),
                    ("max_failed_share", max_failed_share)):
        if not 0.0 < float(v) <= 1.0:
            raise ValueError(f"convergence_state: {name} must be in (0, 1], got {v}")
    if int(patience) != patience or patience < 1:
        raise ValueError(f"convergence_state: patience must be an integer >= 1, got {patience}")
    patience = int(patience)
    require_columns(report, ["iteration", "share_candidate", "share_failed"], "convergence_state")
    r = (report.dropna(subset=["share_candidate", "share_failed"])
         .sort_values("iteration", ignore_index=True))
    rule = (f"share_candidate < {max_candidate_share:g} and share_failed < "
            f"{max_failed_share:g} for {patience} consecutive iteration(s)")
    if r.empty:
        return {"converged": False, "iteration": None, "reason": f"no explored iteration; {rule}"}
    ok = (r["share_candidate"] < max_candidate_share) & (r["share_failed"] < max_failed_share)
    if "n_frames" in r.columns:
        ok &= r["n_frames"] > 0
    fired = ok.astype(int).rolling(patience, min_periods=patience).sum() == patience
    first = int(r.loc[fired.idxmax(), "iteration"]) if fired.any() else None
    last = int(r["iteration"].iloc[-1])
    if bool(fired.iloc[-1]):
        return {"converged": True, "iteration": first,
                "reason": f"converged: {rule} (first at iteration {first})"}
    if first is not None:
        bad = int(r.loc[~ok, "iteration"].iloc[-1])
        reason = (f"not converged: rule fired at iteration {first}, but iteration {bad} "
                  f"broke it ({rule})")
    elif len(r) < patience:
        reason = f"not converged: only {len(r)} explored iteration(s) < patience ({rule})"
    else:
        reason = f"not converged at iteration {last}: needs {rule}"
    return {"converged": False, "iteration": first, "reason": reason}


def merge_report(report: pd.DataFrame, stage_walls: pd.DataFrame | None) -> pd.DataFrame:
    """Join the AL report and the stage wall times on ``iteration`` (outer join).

    Parameters
    ----------
    report : pandas.DataFrame
        :func:`seiflow.model.active_learning.active_learning_report` table.
    stage_walls : pandas.DataFrame or None
        :func:`stage_wall_times` table; None when no times were recorded.

    Returns
    -------
    pandas.DataFrame
        One row per iteration present in either table, sorted; NaN where a table lacks it;
        the stage columns ``train_s``, ``exploration_s``, ``labelling_s``, ``total_s`` (s)
        are always present.

    Raises
    ------
    ValueError
        If ``iteration`` is missing from, or repeated in, either table.
    """
    require_columns(report, ["iteration"], "merge_report")
    if stage_walls is None:
        stage_walls = pd.DataFrame(columns=["iteration", *STAGE_COLUMNS, "total_s"])
    require_columns(stage_walls, ["iteration"], "merge_report")
    for name, t in (("report", report), ("stage_walls", stage_walls)):
        if t["iteration"].duplicated().any():
            raise ValueError(f"merge_report: repeated iteration in {name}")
    out = report.merge(stage_walls.astype({"iteration": int}), on="iteration", how="outer")
    for c in [*STAGE_COLUMNS, "total_s"]:
        out[c] = pd.to_numeric(out[c], errors="coerce") if c in out else np.nan
    return out.sort_values("iteration", ignore_index=True).astype({"iteration": int})
