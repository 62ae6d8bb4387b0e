"""Figures of the Li | glass slab structure analyses of paper 000 (Zhou, Luo, An 2026): Fig. 1,
Fig. 4 / Figs. S5-S7 and Fig. S4.

Drawing only; the tables come from :mod:`seiflow.analysis.glass_structure`
(:func:`~seiflow.analysis.glass_structure.fig4_table`,
:func:`~seiflow.analysis.glass_structure.rdf_peaks`,
:func:`~seiflow.analysis.glass_structure.snapshot_label_counts`).  Every figure writes a PNG
and the tidy CSV of its table (:func:`seiflow.plot.style.finish_figure`).  Units: Å, ps.
"""

from __future__ import annotations

__all__ = ["plot_fig1", "plot_fig4", "plot_figS4"]

import tempfile
from collections.abc import Mapping
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
from ase import Atoms

from seiflow.analysis.glass_structure import PAPER_FIRST_PEAK_A
from seiflow.analysis.sei_structure import ELEMENT_COLORS
from seiflow.plot.snapshots import render_snapshot
from seiflow.plot.style import finish_figure, plt


def plot_fig4(table: pd.DataFrame, interfaces: pd.DataFrame | None, png, csv,
              title: str | None = None) -> pd.DataFrame:
    """Paper 000 Fig. 4 / Figs. S5-S7: CN(z, t) heat maps, one row per composition and one
    column per pair (x: z in Å, y: window mid-time in ps); the fitted Li|SEI / SEI|SSE
    midpoints (``Li_pe``) of each window as white markers.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`seiflow.analysis.glass_structure.fig4_table` output (``composition``,
        ``pair``, ``window``, ``t_start_ps``, ``t_end_ps``, ``bin``, ``z_A`` in Å, ``cn``,
        ...); written to ``csv`` as is.
    interfaces : pandas.DataFrame or None
        ``interfaces.csv`` rows with ``composition`` (:func:`seiflow.analysis.glass_md.
        analyse_glass_run`); None or empty: no markers.
    png, csv : path
        Outputs (parent folders are created).
    title : str, optional
        Figure title.

    Returns
    -------
    pandas.DataFrame
        ``table``.
    """
    comps = list(dict.fromkeys(table["composition"])) or ["(none)"]
    pairs = list(dict.fromkeys(table["pair"])) or ["(none)"]
    fig, axes = plt.subplots(len(comps), len(pairs), figsize=(2.6 * len(pairs),
                             2.4 * len(comps) + 0.6), squeeze=False, sharey="row")
    for i, comp in enumerate(comps):
        for j, pair in enumerate(pairs):
            ax = axes[i, j]
            g = table[(table["composition"] == comp) & (table["pair"] == pair)]
            if g.empty:
                ax.set_axis_off()
                continue
            g = g.assign(t_mid=0.5 * (g["t_start_ps"] + g["t_end_ps"]))
            piv = g.pivot_table(index="t_mid", columns="bin", values="cn", aggfunc="mean")
            zc = g.groupby("bin")["z_A"].mean().reindex(piv.columns)
            m = ax.pcolormesh(zc.to_numpy(), piv.index.to_numpy(), piv.to_numpy(),
                              shading="nearest", cmap="viridis")
            fig.colorbar(m, ax=ax, pad=0.02).set_label("CN", fontsize=7)
            if interfaces is not None and len(interfaces):
                it = interfaces[(interfaces["composition"] == comp)
                                & (interfaces["profile"] == "Li_pe")
                                & (interfaces["window"] >= 0)]
                for name, mk in (("Li|SEI", "<"), ("SEI|SSE", ">")):
                    s = it[it["interface"] == name]
                    ax.plot(s["z0_A"], 0.5 * (s["t_start_ps"] + s["t_end_ps"]), mk, ms=3,
                            color="w", mec="k", mew=0.3, label=name)
                ax.set_xlim(zc.min() - 1, zc.max() + 1)
            ax.set_title(f"{comp}: {pair.replace('-', '–')}", fontsize=8)
            if i == len(comps) - 1:
                ax.set_xlabel("z (Å)")
            if j == 0:
                ax.set_ylabel("t (ps)")
    finish_figure(fig, table, png, csv, title)
    return table


def plot_figS4(rdf: pd.DataFrame, peaks: pd.DataFrame, png, csv, title: str | None = None
               ) -> None:
    """Paper 000 Fig. S4: partial RDFs g(r) of the SSE and the SEI region (fit window), one
    row per composition, one column per pair, first peaks as dotted lines (published Li–Li
    3.5 Å SSE / 3.0 Å SEI as grey ticks).

    Parameters
    ----------
    rdf : pandas.DataFrame
        :func:`seiflow.analysis.glass_structure.analyse_glass_structure` ``rdf`` rows with
        ``composition`` (``pair``, ``region``, ``r_A`` in Å, ``g_r``); written to ``csv``.
    peaks : pandas.DataFrame
        :func:`seiflow.analysis.glass_structure.rdf_peaks` of ``rdf`` (``r_peak_A``, Å).
    png, csv : path
        Outputs (parent folders are created).
    title : str, optional
        Figure title.
    """
    colours = {"SSE": "tab:blue", "SEI": "tab:red"}
    comps = list(dict.fromkeys(rdf["composition"])) or ["(none)"]
    pairs = list(dict.fromkeys(rdf["pair"])) or ["(none)"]
    fig, axes = plt.subplots(len(comps), len(pairs), figsize=(2.8 * len(pairs),
                             2.4 * len(comps) + 0.5), squeeze=False)
    for i, comp in enumerate(comps):
        for j, pair in enumerate(pairs):
            ax = axes[i, j]
            for region, c in colours.items():
                g = rdf[(rdf["composition"] == comp) & (rdf["pair"] == pair)
                        & (rdf["region"] == region)]
                if g.empty or not np.isfinite(g["g_r"]).any():
                    continue
                ax.plot(g["r_A"], g["g_r"], color=c, lw=1.1, label=region)
                pk = peaks[(peaks["composition"] == comp) & (peaks["pair"] == pair)
                           & (peaks["region"] == region)]
                if len(pk) and np.isfinite(pk["r_peak_A"].iloc[0]):
                    ax.axvline(pk["r_peak_A"].iloc[0], color=c, ls=":", lw=0.9)
                ref = PAPER_FIRST_PEAK_A.get((pair, region))
                if ref is not None:
                    ax.axvline(ref, color="0.6", ls="--", lw=0.7)
            ax.set_title(f"{comp}: {pair.replace('-', '–')}", fontsize=8)
            ax.set_xlabel("r (Å)")
            if j == 0:
                ax.set_ylabel("g(r)")
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=6, frameon=False)
    finish_figure(fig, rdf, png, csv, title)


def plot_fig1(frames: Mapping[str, Atoms], counts: pd.DataFrame, png, csv,
              title: str | None = None) -> pd.DataFrame:
    """Paper 000 Fig. 1: side views (z up) of the Li | glass models, atoms coloured by
    element (OVITO headless, :func:`seiflow.plot.snapshots.render_snapshot`), one panel per
    composition.

    Parameters
    ----------
    frames : mapping of str to ase.Atoms
        Composition -> last frame (``info["time_ps"]``, optional ``frozen`` array).
    counts : pandas.DataFrame
        :func:`seiflow.analysis.glass_structure.snapshot_label_counts` of ``frames``
        (convention of fig_snapshot); written to ``csv`` as is.
    png, csv : path
        Outputs (parent folders are created).
    title : str, optional
        Figure title.

    Returns
    -------
    pandas.DataFrame
        ``counts``.
    """
    comps = list(frames)
    fig, axes = plt.subplots(1, len(comps), figsize=(3.2 * len(comps), 5.0), squeeze=False)
    with tempfile.TemporaryDirectory() as tmp:
        for ax, comp in zip(axes[0], comps, strict=True):
            atoms = frames[comp]
            labels = np.array(atoms.get_chemical_symbols())
            img = render_snapshot(atoms, labels, ELEMENT_COLORS, Path(tmp) / f"{comp}.png",
                                  view="side", size=(500, 900), legend=True,
                                  legend_title="element")
            ax.imshow(mpimg.imread(img))
            ax.set_axis_off()
            t = float(atoms.info.get("time_ps", np.nan))
            ax.set_title(f"Li | {comp}\nt = {t:g} ps", fontsize=8)
    finish_figure(fig, counts, png, csv, title)
    return counts
