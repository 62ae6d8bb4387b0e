"""Figures of the SEI crystallisation of paper 000 (Zhou, Luo, An 2026).

* :func:`plot_fig5` - Fig. 5: crystalline share of the SEI anions, P / S occupancy of the
  crystalline anion (4a) sites and the share of empty Li tetrahedral sites vs time.
* :func:`plot_figS8` - Fig. S8 / Fig. 5d: SEI thickness and Li|SEI midpoint per profile window,
  with the crystallisation onset and the post-onset linear rates.
* :func:`plot_figS9` - Fig. S9: crystalline share of every velocity-seed run and which crystallise.

Inputs are the outputs of rule glass_crystallisation (``crystallisation.csv`` rows of
:func:`seiflow.analysis.glass_crystallisation.analyse_crystallisation` with a ``run`` column, the
``crystallisation.json`` summaries, ``crystalline_conductivity.csv``) and the
``interfaces.csv`` of rule glass_md_analysis.  Units: ps, Å, Å/ns, mS/cm; shares as fractions
in the data, % on the axes.  Drawing only; the text numbers and the per-window table are
:mod:`seiflow.analysis.glass_crystallisation_tables`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from seiflow.analysis.glass_crystallisation_tables import window_table
from seiflow.analysis.runs import require_columns
from seiflow.plot.style import apply_style, finish_figure, plt

__all__ = ["plot_fig5", "plot_figS8", "plot_figS9"]


def _onset_line(ax, onset_ps) -> None:
    if onset_ps is not None and np.isfinite(onset_ps):
        ax.axvline(onset_ps, color="tab:red", ls=":", lw=1, label=f"onset {onset_ps:g} ps")


def plot_fig5(series: pd.DataFrame, onset_ps: float | None, threshold: float, png, csv,
              title: str | None = None) -> pd.DataFrame:
    """Paper 000 Fig. 5: crystalline share, occupancy of the crystalline anion sites by P and S,
    and empty Li tetrahedral sites vs time for one run.

    Parameters
    ----------
    series
        ``crystallisation.csv`` of the run: ``t_ps``, ``crystalline_share``, ``occ_P``,
        ``occ_S``, ``li_vacancy_fraction``, ``n_crystalline``, ``n_sei_anions`` (fractions).
    onset_ps
        Crystallisation onset (ps) or None / NaN.
    threshold
        Share threshold of the onset (fraction).
    png, csv
        Output paths; ``csv`` holds the tidy rows (``t_ps``, ``quantity``, ``value_pct``).

    Returns
    -------
    DataFrame written to ``csv``.

    Raises
    ------
    ValueError
        Missing columns.
    """
    cols = ["t_ps", "crystalline_share", "occ_P", "occ_S", "li_vacancy_fraction"]
    require_columns(series, cols, "plot_fig5")
    apply_style()
    tidy = series.melt(id_vars=["t_ps"], value_vars=cols[1:], var_name="quantity",
                       value_name="value")
    tidy["value_pct"] = 100.0 * tidy["value"]
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.4))
    ax = axes[0]
    ax.plot(series["t_ps"], 100 * series["crystalline_share"], color="k", lw=1)
    ax.axhline(100 * threshold, color="0.5", ls="--", lw=0.8, label=f"threshold {threshold:g}")
    _onset_line(ax, onset_ps)
    ax.set_ylabel("crystalline SEI anions (%)")
    ax = axes[1]
    for col, lab, c in (("occ_P", "P", "tab:orange"), ("occ_S", "S", "tab:olive")):
        ax.plot(series["t_ps"], 100 * series[col], color=c, lw=1, label=lab)
    _onset_line(ax, onset_ps)
    ax.set_ylabel("occupancy of crystalline anion sites (%)")
    ax = axes[2]
    ax.plot(series["t_ps"], 100 * series["li_vacancy_fraction"], color="tab:blue", lw=1)
    _onset_line(ax, onset_ps)
    ax.set_ylabel("empty Li tetrahedral sites (%)")
    for ax in axes:
        ax.set_xlabel("t (ps)")
        ax.set_xlim(left=0)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, frameon=False)
    finish_figure(fig, tidy, png, csv, title)
    return tidy


def plot_figS8(interfaces: pd.DataFrame, onset_ps: float | None, rates: Mapping, profile: str,
               png, csv, title: str | None = None) -> pd.DataFrame:
    """Paper 000 Fig. S8 / Fig. 5d: SEI thickness and Li|SEI midpoint per profile window vs
    time, the crystallisation onset and the post-onset rates (legend, Å/ns).

    Parameters
    ----------
    interfaces
        ``interfaces.csv`` of the run (rule glass_md_analysis).
    onset_ps
        Onset (ps) or None / NaN.
    rates
        :func:`seiflow.analysis.glass_crystallisation.post_onset_rates` (``growth_A_ns``,
        ``growth_err_A_ns``, ``li_boundary_drift_A_ns``, ``li_boundary_drift_err_A_ns``).
    profile
        Fitted profile whose midpoints are used (``Li_pe`` or ``Li_density``).
    png, csv
        Output paths; ``csv`` = per-window table plus ``after_onset``.

    Returns
    -------
    DataFrame written to ``csv``.
    """
    apply_style()

    tab = window_table(interfaces, profile)
    on = onset_ps if onset_ps is not None else np.nan
    tab["after_onset"] = tab["t_ps"] >= on if np.isfinite(on) else False

    def _rate(key):
        v, e = rates.get(key), rates.get(f"{key.replace('_A_ns', '')}_err_A_ns")
        if v is None or not np.isfinite(v):
            return "n/a"
        return f"{v:.3g} ± {e:.2g} Å/ns"

    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.4))
    for ax, col, ylab, key in (
            (axes[0], "sei_thickness_A", "SEI thickness (Å)", "growth_A_ns"),
            (axes[1], "li_sei_z_A", "Li|SEI midpoint z (Å)", "li_boundary_drift_A_ns")):
        ax.errorbar(tab["t_ps"], tab[col], yerr=tab[col.replace("_A", "_err_A")], fmt="o",
                    ms=3, color="k", capsize=2,
                    label=("after onset: " + _rate(key)) if np.isfinite(on) else "per window")
        _onset_line(ax, on)
        ax.set_xlabel("t (ps)")
        ax.set_ylabel(ylab)
        ax.legend(fontsize=7, frameon=False)
    finish_figure(fig, tab, png, csv, title)
    return tab


def plot_figS9(series: pd.DataFrame, summaries: Sequence[Mapping], threshold: float, png, csv,
               title: str | None = None) -> pd.DataFrame:
    """Paper 000 Fig. S9: crystalline SEI share vs time of the main run and its velocity-seed
    replicas; the legend says which crystallise and when.

    Parameters
    ----------
    series
        Concatenated ``crystallisation.csv`` of the runs (``run``, ``t_ps``, ``crystalline_share``).
    summaries
        ``crystallisation.json`` of the runs (``run``, ``crystallised``, ``onset_ps``).
    threshold
        Share threshold (fraction).
    png, csv
        Output paths; ``csv`` = ``run``, ``t_ps``, ``crystalline_share``, ``crystallised``,
        ``onset_ps``.

    Returns
    -------
    DataFrame written to ``csv``.
    """
    require_columns(series, ["run", "t_ps", "crystalline_share"], "plot_figS9")
    apply_style()
    verdict = pd.DataFrame([{"run": s["run"], "crystallised": bool(s["crystallised"]),
                             "onset_ps": s["onset_ps"]} for s in summaries])
    data = series[["run", "t_ps", "crystalline_share"]].merge(verdict, on="run", how="left")
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for run, g in data.groupby("run", sort=False):
        v = verdict.set_index("run").loc[run]
        lab = f"{run}: " + (f"crystallises at {v['onset_ps']:g} ps" if v["crystallised"]
                            else "no crystallisation")
        ax.plot(g["t_ps"], 100 * g["crystalline_share"], lw=1, label=lab)
    ax.axhline(100 * threshold, color="0.5", ls="--", lw=0.8)
    ax.set_xlabel("t (ps)")
    ax.set_ylabel("crystalline SEI anions (%)")
    ax.set_xlim(left=0)
    ax.legend(fontsize=7, frameon=False)
    finish_figure(fig, data, png, csv, title)
    return data
