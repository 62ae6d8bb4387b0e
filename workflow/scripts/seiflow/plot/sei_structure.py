"""Figures of the SEI structure analyses (issue 4), in the one style of :mod:`seiflow.plot.figures`.

Every function writes a PNG and the tidy CSV of exactly the data it plotted (same folder,
``<id>.png`` + ``<id>.csv``), labels its axes with units and returns ``None``.  Inputs are
tidy frames produced by :mod:`seiflow.analysis.sei_structure` and the rule scripts.
"""

from __future__ import annotations

from os import PathLike
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from seiflow.analysis.growth import SHARE_LAWS, share_fit_table
from seiflow.analysis.sei_structure import ELEMENT_COLORS
from seiflow.plot.snapshots import label_colors
from seiflow.plot.style import apply_style, plt, require_columns, save_figure, sns

__all__ = [
    "plot_time_series",
    "plot_share_fits",
    "plot_region_rdf",
    "plot_xrd",
    "plot_flux",
    "snapshot_palette",
    "plot_snapshot",
]


def plot_time_series(df: pd.DataFrame, quantities: Mapping[str, str], png_path: str | PathLike,
                     csv_path: str | PathLike, hue: str = "condition", title: str | None = None,
                     logx: bool = False, ncols: int | None = None) -> None:
    """One panel per quantity vs time, one colour per condition, one line per run.

    Parameters
    ----------
    df
        Columns ``time_ps``, ``run``, ``hue`` and every key of ``quantities``.
    quantities
        Column -> axis label with unit, e.g. ``{"cn_Li_S": "Li–S coordination number"}``.
    png_path, csv_path
        Outputs; the CSV is long-form: ``time_ps``, ``run``, ``<hue>``, ``quantity``, ``value``.
    hue
        Column that colours the lines (default the condition label of
        :func:`seiflow.plot.figures.condition_labels`).
    title
        Figure title (optional).
    logx
        Logarithmic time axis (rows with t <= 0 are dropped).
    ncols
        Panels per row (default: all in one row).

    Raises
    ------
    ValueError
        If a column is missing or ``quantities`` is empty.
    """
    if not quantities:
        raise ValueError("plot_time_series: no quantity to plot")
    require_columns(df, ["time_ps", "run", hue, *quantities], "plot_time_series")
    long = df[["time_ps", "run", hue, *quantities]].melt(
        id_vars=["time_ps", "run", hue], var_name="quantity", value_name="value")
    if logx:
        long = long[long["time_ps"] > 0]
    long = long.sort_values(["quantity", hue, "run", "time_ps"], kind="stable")
    apply_style()
    n = len(quantities)
    nc = min(n, ncols or n)
    nr = -(-n // nc)
    fig, axes = plt.subplots(nr, nc, figsize=(3.6 * nc, 3.0 * nr), squeeze=False)
    flat = axes.ravel()
    for ax in flat[n:]:
        ax.set_visible(False)
    for ax, (col, label) in zip(flat, quantities.items()):
        sub = long[long["quantity"] == col]
        sns.lineplot(data=sub, x="time_ps", y="value", hue=hue, units="run", estimator=None,
                     lw=1.2, ax=ax, legend=ax is flat[0])
        ax.set_xlabel("time (ps)")
        ax.set_ylabel(label)
        if logx:
            ax.set_xscale("log")
    if title:
        fig.suptitle(title, fontsize="medium")
    sns.despine(fig)
    fig.tight_layout()
    save_figure(fig, long.reset_index(drop=True), png_path, csv_path)


def plot_share_fits(df: pd.DataFrame, fits: pd.DataFrame, y: str, ylabel: str,
                    png_path: str | PathLike, csv_path: str | PathLike) -> None:
    """A share vs time (points) with the fitted growth laws (lines), paper 004 Fig. 4.

    Parameters
    ----------
    df
        Columns ``time_ps``, ``condition``, ``y`` (share as a fraction).
    fits
        One row per (condition, law) with ``condition``, ``law`` and ``a``, ``b`` such that
        the model is ``a + b * sqrt(t)`` for law ``sqrt_t`` and ``a + b * t`` for ``linear``
        (t in ps), and ``r2``; the curves are :func:`seiflow.analysis.growth.share_fit_table`.
    y, ylabel
        Column to plot and its axis label.
    png_path, csv_path
        Outputs; CSV columns ``time_ps``, ``condition``, ``value``, ``fit_sqrt_t``,
        ``fit_linear``.

    Raises
    ------
    ValueError
        If a column is missing or a law is unknown.
    """
    require_columns(df, ["time_ps", "condition", y], "plot_share_fits")
    require_columns(fits, ["condition", "law", "a", "b", "r2"], "plot_share_fits")
    unknown = set(fits["law"]) - set(SHARE_LAWS)
    if unknown:
        raise ValueError(f"plot_share_fits: unknown law(s) {sorted(unknown)}")
    data = share_fit_table(df, fits, y)
    apply_style()
    conds = list(pd.unique(data["condition"]))
    pal = dict(zip(conds, sns.color_palette(n_colors=max(len(conds), 1))))
    fig, ax = plt.subplots(figsize=(4.6, 3.2))
    for c in conds:
        sub = data[data["condition"] == c]
        ax.scatter(sub["time_ps"], 100 * sub["value"], s=10, color=pal[c], label=f"{c} MD")
        for law, ls in (("sqrt_t", "-"), ("linear", "--")):
            r = fits[(fits["condition"] == c) & (fits["law"] == law)]
            if len(r):
                ax.plot(sub["time_ps"], 100 * sub[f"fit_{law}"], ls, color=pal[c], lw=1.1,
                        label=f"{c} {'√t' if law == 'sqrt_t' else 'linear'} "
                              f"(R² = {float(r['r2'].iloc[0]):.3f})")
    ax.set_xlabel("time (ps)")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize="x-small")
    sns.despine(ax=ax)
    fig.tight_layout()
    save_figure(fig, data, png_path, csv_path)


def plot_region_rdf(rdf: pd.DataFrame, reference_peaks_A: Mapping[str, Sequence[float]],
                    png_path: str | PathLike, csv_path: str | PathLike,
                    title: str | None = None) -> None:
    """Partial RDFs by region with reference peak positions (paper 001 Fig. 5d, paper 000
    Fig. S4).

    Parameters
    ----------
    rdf
        Columns ``pair`` (e.g. ``"Li-S"``), ``region`` (``SSE``/``SEI``), ``r_A``, ``g``.
    reference_peaks_A
        Pair -> peak distances (Å) of a reference crystal (e.g. ideal Li2S), drawn as
        vertical lines; pairs absent from ``rdf`` are ignored.
    png_path, csv_path
        Outputs; the CSV is ``rdf`` as plotted.

    Raises
    ------
    ValueError
        If a column is missing or ``rdf`` is empty.
    """
    require_columns(rdf, ["pair", "region", "r_A", "g"], "plot_region_rdf")
    if rdf.empty:
        raise ValueError("plot_region_rdf: empty RDF table")
    apply_style()
    pairs = list(pd.unique(rdf["pair"]))
    fig, axes = plt.subplots(1, len(pairs), figsize=(3.3 * len(pairs), 2.9), squeeze=False)
    for ax, pair in zip(axes[0], pairs):
        sub = rdf[rdf["pair"] == pair]
        sns.lineplot(data=sub, x="r_A", y="g", hue="region", estimator=None, lw=1.2, ax=ax,
                     legend=ax is axes[0][0])
        for k, r in enumerate(reference_peaks_A.get(pair, [])):
            ax.axvline(r, color="0.5", ls=":", lw=0.9,
                       label="ideal Li$_2$S" if k == 0 and ax is axes[0][0] else None)
        ax.set_title(pair)
        ax.set_xlabel("r (Å)")
        ax.set_ylabel("g(r)")
    axes[0][0].legend(frameon=False, fontsize="x-small")
    if title:
        fig.suptitle(title, fontsize="medium")
    sns.despine(fig)
    fig.tight_layout()
    save_figure(fig, rdf.reset_index(drop=True), png_path, csv_path)


def plot_xrd(patterns: pd.DataFrame, png_path: str | PathLike, csv_path: str | PathLike,
             title: str | None = None) -> None:
    """XRD patterns as stick/line spectra, one panel row per source (paper 001 Fig. S12).

    Parameters
    ----------
    patterns
        Columns ``source`` (e.g. ``"SEI crystalline region (MD)"``, ``"ideal Li2S"``),
        ``two_theta_deg``, ``intensity`` (scaled to 100 per source).
    png_path, csv_path
        Outputs.

    Raises
    ------
    ValueError
        If a column is missing or ``patterns`` is empty.
    """
    require_columns(patterns, ["source", "two_theta_deg", "intensity"], "plot_xrd")
    if patterns.empty:
        raise ValueError("plot_xrd: no pattern")
    apply_style()
    sources = list(pd.unique(patterns["source"]))
    fig, axes = plt.subplots(len(sources), 1, figsize=(4.8, 1.6 * len(sources) + 0.6),
                             sharex=True, squeeze=False)
    for ax, src, color in zip(axes[:, 0], sources, sns.color_palette(n_colors=len(sources))):
        sub = patterns[patterns["source"] == src]
        ax.vlines(sub["two_theta_deg"], 0, sub["intensity"], color=color, lw=1.2)
        ax.set_ylim(0, 110)
        ax.set_ylabel("intensity (a.u.)")
        ax.set_title(src, fontsize="small")
    axes[-1, 0].set_xlabel("2θ (°, Cu Kα)")
    if title:
        fig.suptitle(title, fontsize="medium")
    sns.despine(fig)
    fig.tight_layout()
    save_figure(fig, patterns.reset_index(drop=True), png_path, csv_path)


def plot_flux(windows: pd.DataFrame, png_path: str | PathLike, csv_path: str | PathLike) -> None:
    """Li flux through the membranes, L→R and R→L, per time window (paper 003 Fig. 12).

    Parameters
    ----------
    windows
        Columns ``condition``, ``membrane`` (label of the membrane position), ``direction``
        (``L->R``/``R->L``), ``window_start_ps``, ``flux_per_nm2_ns``.
    png_path, csv_path
        Outputs.

    Raises
    ------
    ValueError
        If a column is missing.
    """
    cols = ["condition", "membrane", "direction", "window_start_ps", "flux_per_nm2_ns"]
    require_columns(windows, cols, "plot_flux")
    apply_style()
    membranes = list(pd.unique(windows["membrane"]))
    fig, axes = plt.subplots(1, len(membranes), figsize=(3.4 * len(membranes), 3.0),
                             squeeze=False, sharey=True)
    for ax, m in zip(axes[0], membranes):
        sub = windows[windows["membrane"] == m]
        sns.lineplot(data=sub, x="window_start_ps", y="flux_per_nm2_ns", hue="condition",
                     style="direction", marker="o", ax=ax, legend=ax is axes[0][0])
        ax.set_title(str(m), fontsize="small")
        ax.set_xlabel("window start (ps)")
        ax.set_ylabel("Li flux (atoms nm$^{-2}$ ns$^{-1}$)")
    sns.despine(fig)
    fig.tight_layout()
    save_figure(fig, windows[cols].reset_index(drop=True), png_path, csv_path)


def snapshot_palette() -> dict[str, tuple[float, float, float]]:
    """Colours of every snapshot label scheme: :func:`seiflow.plot.snapshots.label_colors`,
    the element colours and the non-Li atoms of the Li-PTM scheme (``excluded``) in pale sand,
    so they stand apart from grey "other" Li."""
    return {**label_colors(), **ELEMENT_COLORS, "excluded": (0.93, 0.86, 0.66)}


def plot_snapshot(image: np.ndarray, counts: pd.DataFrame, title: str,
                  png_path: str | PathLike, csv_path: str | PathLike,
                  ptm_fractions: pd.DataFrame | None = None) -> None:
    """A rendered snapshot with, for the Li-PTM scheme, the metal-Li PTM fractions vs time
    beside it (paper 001 Fig. 2a; paper 003 Figs. 8, 10; paper 004 Fig. 3).

    Parameters
    ----------
    image
        Rendered snapshot, shape (height, width, channels)
        (:func:`seiflow.plot.snapshots.render_snapshot_image`).
    counts
        Label counts: ``time_ps`` (ps, the panel title uses the first), ``label``, ``count``.
    title
        Panel title (the time and the view are added).
    png_path, csv_path
        Outputs.  The CSV holds ``counts`` alone, or with ``ptm_fractions`` both tables
        (``kind``: ``snapshot label count``, ``metal Li PTM fraction vs time``).
    ptm_fractions
        Optional :func:`seiflow.analysis.sei_structure.metal_li_ptm_long` table (``time_ps``,
        ``type``, ``fraction`` 0-1), drawn in % in a second panel.

    Raises
    ------
    KeyError
        A column listed above is missing.
    """
    apply_style()
    ncols = 2 if ptm_fractions is not None else 1
    fig, axes = plt.subplots(1, ncols, figsize=(4.0 * ncols, 4.6), squeeze=False)
    axes[0][0].imshow(image)
    axes[0][0].set_axis_off()
    axes[0][0].set_title(f"{title}\nt = {counts['time_ps'].iloc[0]:g} ps, side view (z up)",
                         fontsize="small")
    data = counts
    if ptm_fractions is not None:
        long = ptm_fractions
        ax = axes[0][1]
        for t, sub in long.groupby("type", sort=False):
            ax.plot(sub["time_ps"], 100 * sub["fraction"], color=label_colors()[t], label=t)
        ax.set_xlabel("time (ps)")
        ax.set_ylabel("metal-region Li (%)")
        ax.legend(frameon=False, fontsize="small")
        data = pd.concat([counts.assign(kind="snapshot label count"),
                          long.assign(kind="metal Li PTM fraction vs time")], ignore_index=True)
    fig.tight_layout()
    save_figure(fig, data, png_path, csv_path)
