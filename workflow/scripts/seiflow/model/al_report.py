"""Active-learning report: DP-GEN stage wall times, a convergence rule, and the report figure.

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
from pathlib import Path

import numpy as np
import pandas as pd

from seiflow.plot.style import apply_style, plt, require_columns, save_figure, sns

__all__ = ["DPGEN_TASKS", "STAGES", "read_stage_times", "stage_wall_times",
           "convergence_state", "merge_report", "plot_al_report"]

DPGEN_TASKS = ("make_train", "run_train", "post_train", "make_model_devi", "run_model_devi",
               "post_model_devi", "make_fp", "run_fp", "post_fp")
STAGES = {"train": (0, 1, 2), "exploration": (3, 4, 5), "labelling": (6, 7, 8)}
STAGE_COLUMNS = [f"{s}_s" for s in STAGES]
# columns of stage_times.tsv (written by seiflow.model.active_learning.run_dpgen)
STAGE_TIMES_HEADER = ["event", "iteration", "task", "unix_time_s"]
_STAGE_OF = {t: s for s, tasks in STAGES.items() for t in tasks}
_SHARES = ("share_accurate", "share_candidate", "share_failed")


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


def plot_al_report(table: pd.DataFrame, png_path: str | PathLike,
                   trust_levels: tuple[float, float] = (0.15, 0.5),
                   convergence: dict | None = None, csv_path: str | PathLike | None = None,
                   title: str | None = None) -> None:
    """Three-panel active-learning figure over DP-GEN iterations (shared x axis).

    (a) Stacked shares of explored frames: candidate (bottom), accurate, failed (top), so
    the dashed line at ``max_candidate_share`` (measured from the bottom) and the one at
    ``1 - max_failed_share`` (the failed threshold, measured from the top) can be read
    directly; the iteration at which the convergence rule fired is marked.
    (b) Labelled data-set size (frames). (c) Stacked wall time per stage (min), or the note
    "no stage times recorded".

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`merge_report` table (``iteration``, ``share_accurate``, ``share_candidate``,
        ``share_failed``, ``dataset_size``; optional stage columns in s). NaN entries (an
        iteration without exploration or without times) are left blank.
    png_path : path
        Image to write (dpi 200).
    trust_levels : (float, float)
        Trust levels (eV/Å) of the maximum force deviation σ_f^max (Zhang et al. 2019; column
        ``max_devi_f`` of ``model_devi.out``) bounding the accurate/candidate/failed classes.
    convergence : dict, optional
        ``max_candidate_share``, ``max_failed_share``, ``patience`` of
        :func:`convergence_state`; without it no threshold is drawn.
    csv_path : path, optional
        Table written next to the figure (default: ``png_path`` with suffix ``.csv``); it is
        the plotted ``table``.
    title : str, optional
        Figure title (e.g. the study name).

    Raises
    ------
    ValueError
        Empty table, missing columns, or ``trust_levels`` not increasing.
    """
    require_columns(table, ["iteration", *_SHARES, "dataset_size"], "plot_al_report")
    if table.empty:
        raise ValueError("plot_al_report: empty table")
    lo, hi = map(float, trust_levels)
    if not lo < hi:
        raise ValueError(f"plot_al_report: trust levels need lo < hi, got {lo}, {hi}")
    d = table.sort_values("iteration", ignore_index=True)
    x = d["iteration"].to_numpy(dtype=int)
    apply_style()
    fig, axes = plt.subplots(3, 1, figsize=(5.0, 7.5), sharex=True)
    ax_s, ax_n, ax_t = axes
    pal = sns.color_palette()
    sig = r"$\sigma_f^{\max}$"
    classes = [("share_candidate", f"candidate ({lo:g} ≤ {sig} < {hi:g} eV/Å)", pal[1]),
               ("share_accurate", f"accurate ({sig} < {lo:g} eV/Å)", pal[2]),
               ("share_failed", f"failed ({sig} ≥ {hi:g} eV/Å)", pal[3])]
    bottom = np.zeros(len(d))
    for col, label, color in classes:
        h = d[col].to_numpy(dtype=float)
        ax_s.bar(x, h, bottom=bottom, width=0.8, color=color, label=label)
        bottom = bottom + np.nan_to_num(h)
    ax_s.set_ylim(0, 1)
    ax_s.set_ylabel("share of explored frames")
    if convergence is not None:
        c_max, f_max = convergence["max_candidate_share"], convergence["max_failed_share"]
        ax_s.axhline(c_max, color="k", ls="--", lw=1.0,
                     label=f"converged: candidate < {c_max:g}")
        ax_s.axhline(1 - f_max, color="k", ls=":", lw=1.0,
                     label=f"converged: failed < {f_max:g} (from top)")
        state = convergence_state(d, c_max, f_max, convergence["patience"])
        if state["iteration"] is not None:
            for ax in axes:
                ax.axvline(state["iteration"], color="0.4", ls="-.", lw=0.8)
        it = state["iteration"]
        note = ("not converged" if it is None else f"converged at iteration {it}"
                if state["converged"] else f"rule fired at iteration {it}, broken later")
        ax_s.set_title(f"{note} (patience {convergence['patience']})", fontsize="small")
    ax_s.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="x-small", frameon=False)

    n = d[["iteration", "dataset_size"]].dropna()
    ax_n.plot(n["iteration"], n["dataset_size"], marker="o", color=pal[0])
    ax_n.set_ylabel("labelled data set (frames)")
    ax_n.set_ylim(bottom=0)

    walls = d.reindex(columns=STAGE_COLUMNS).astype(float)
    if walls.notna().to_numpy().any():
        bottom = np.zeros(len(d))
        for k, col in enumerate(STAGE_COLUMNS):
            h = walls[col].to_numpy() / 60.0
            ax_t.bar(x, h, bottom=bottom, width=0.8, color=pal[4 + k], label=col[:-2])
            bottom = bottom + np.nan_to_num(h)
        ax_t.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="x-small",
                    frameon=False)
    else:
        ax_t.text(0.5, 0.5, "no stage times recorded", ha="center", va="center",
                  transform=ax_t.transAxes, bbox={"fc": "white", "ec": "none"})
        ax_t.set_yticks([])
    ax_t.set_ylabel("wall time (min)")
    ax_t.set_xlabel("DP-GEN iteration")
    ax_t.set_xticks(x)
    ax_t.set_xlim(x.min() - 0.6, x.max() + 0.6)
    for label, ax in zip("abc", axes):
        ax.text(-0.2, 1.02, f"({label})", transform=ax.transAxes, fontweight="bold",
                va="bottom")
    if title:
        fig.suptitle(title)
    sns.despine(fig=fig)
    fig.tight_layout()
    csv_path = Path(png_path).with_suffix(".csv") if csv_path is None else csv_path
    save_figure(fig, d, png_path, csv_path)
