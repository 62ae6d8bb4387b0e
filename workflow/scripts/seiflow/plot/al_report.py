"""Active-learning report figure: explored-frame shares, labelled data-set size and DP-GEN stage
wall times over the iterations.

Drawing only; the table and the convergence rule come from :mod:`seiflow.model.al_report`
(:func:`~seiflow.model.al_report.merge_report`,
:func:`~seiflow.model.al_report.convergence_state`; DP-GEN: Zhang et al., Comput. Phys.
Commun. 253, 107206 (2020); convergence rule: Zhang et al., Phys. Rev. Mater. 3, 023804 (2019)).
"""

from __future__ import annotations

__all__ = ["plot_al_report"]

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from seiflow.analysis.runs import require_columns
from seiflow.model.al_report import SHARE_COLUMNS, STAGE_COLUMNS, convergence_state
from seiflow.plot.style import apply_style, plt, save_figure, sns

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
        :func:`seiflow.model.al_report.merge_report` table (``iteration``,
        ``share_accurate``, ``share_candidate``,
        ``share_failed``, ``dataset_size``; optional stage columns in s). NaN entries (an
        iteration without exploration or without times) are left blank.
    png_path : path
        Image to write (dpi 200).
    trust_levels : (float, float)
        Trust levels (eV/Å) of the maximum force deviation σ_f^max (Zhang et al. 2019; column
        ``max_devi_f`` of ``model_devi.out``) bounding the accurate/candidate/failed classes.
    convergence : dict, optional
        ``max_candidate_share``, ``max_failed_share``, ``patience`` of
        :func:`seiflow.model.al_report.convergence_state`; without it no threshold is drawn.
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
    require_columns(table, ["iteration", *SHARE_COLUMNS, "dataset_size"], "plot_al_report")
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


