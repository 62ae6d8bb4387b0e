"""Figures of the Li | glass slab MD analyses of paper 000 (Zhou, Luo, An 2026): Fig. 2 and Fig. 6.

Drawing only; the tables come from :mod:`seiflow.analysis.glass_md`
(:func:`~seiflow.analysis.glass_md.fig2_table`,
:func:`~seiflow.analysis.glass_md.species_diffusion`).
Every figure writes a PNG and the tidy CSV of the plotted table
(:func:`seiflow.plot.style.finish_figure`).  Units: Å, ps, eV.
"""

from __future__ import annotations

__all__ = ["plot_fig2", "plot_fig6"]

import numpy as np
import pandas as pd

from seiflow.analysis.glass_md import DIRECTIONS
from seiflow.plot.style import finish_figure, plt

_COLOURS = {"Li": "0.45", "Si": "tab:blue", "P": "tab:purple", "S": "goldenrod"}


def plot_fig2(table: pd.DataFrame, interfaces: pd.DataFrame, png, csv,
              title: str | None = None) -> pd.DataFrame:
    """Paper 000 Fig. 2: number density per element (top) and mean Li potential energy with
    its two-step logistic fit (bottom) along z, in the last profile window, one column per
    composition; fitted Li|SEI / SEI|SSE midpoints as dashed lines.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`seiflow.analysis.glass_md.fig2_table` output: last-window profile rows
        (``composition``, ``window``, ``species``, ``z_A`` in Å, ``number_density_A3`` in
        Å⁻³, ``mean_c_pe`` in eV, ``t_start_ps``, ``t_end_ps``) with the fitted curve
        ``fit_c_pe_eV`` (Li rows; NaN where no fit).  Written to ``csv`` as is.
    interfaces : pandas.DataFrame
        :func:`seiflow.analysis.glass_md.analyse_glass_run` ``interfaces`` rows with
        ``composition`` (the ``Li_pe`` midpoints ``z0_A`` and widths ``width_A``, Å).
    png, csv : path
        Outputs (parent folders are created).
    title : str, optional
        Figure title.

    Returns
    -------
    pandas.DataFrame
        ``table``.
    """
    comps = list(dict.fromkeys(table["composition"]))
    fig, axes = plt.subplots(2, len(comps), figsize=(4.2 * len(comps), 6.0), squeeze=False,
                             sharex="col")
    for j, comp in enumerate(comps):
        last = table[table["composition"] == comp]
        fits = interfaces[(interfaces["composition"] == comp)
                          & (interfaces["window"] == last["window"].iloc[0])]
        ax_d, ax_e = axes[0, j], axes[1, j]
        for s, g in last.groupby("species", sort=False):
            ax_d.plot(g["z_A"], g["number_density_A3"], color=_COLOURS.get(s), label=s)
        li = last[last["species"] == "Li"]
        ax_e.plot(li["z_A"], li["mean_c_pe"], "o", ms=2.5, color="0.3", label="Li $E_i$")
        pe = fits[fits["profile"] == "Li_pe"].set_index("interface")
        if np.isfinite(pe["z0_A"]).all():
            ax_e.plot(li["z_A"].to_numpy(), li["fit_c_pe_eV"].to_numpy(), "-", color="tab:red",
                      label="two-step logistic")
            for name, r in pe.iterrows():
                for ax in (ax_d, ax_e):
                    ax.axvline(r["z0_A"], ls="--", lw=0.8, color="k")
                ax_e.text(r["z0_A"], ax_e.get_ylim()[1], f" {name}\n w={r['width_A']:.1f} Å",
                          fontsize=6, va="top")
        ax_d.set_title(comp, fontsize=9)
        ax_d.set_ylabel(r"number density (Å$^{-3}$)")
        ax_e.set_ylabel("mean Li potential energy (eV)")
        ax_e.set_xlabel("z (Å)")
        ax_d.legend(fontsize=7, frameon=False)
        ax_e.legend(fontsize=7, frameon=False)
        t0, t1 = last["t_start_ps"].iloc[0], last["t_end_ps"].iloc[0]
        ax_e.set_title(f"{t0:g}–{t1:g} ps", fontsize=8)
    finish_figure(fig, table, png, csv, title)
    return table


def plot_fig6(msd: pd.DataFrame, png, csv, title: str | None = None) -> None:
    """Paper 000 Fig. 6: MSD of Li, Si, P, S of the SEI region vs time, in-plane (xy) and
    out-of-plane (z) rows, one column per composition (log-log).

    Parameters
    ----------
    msd : pandas.DataFrame
        :func:`seiflow.analysis.glass_md.species_diffusion` MSD rows with ``composition``
        (``direction``, ``species``, ``dt_ps`` in ps, ``msd_A2`` in Å²); written to ``csv``.
    png, csv : path
        Outputs (parent folders are created).
    title : str, optional
        Figure title.
    """
    comps = list(dict.fromkeys(msd["composition"])) or ["(none)"]
    fig, axes = plt.subplots(2, len(comps), figsize=(4.0 * len(comps), 6.0), squeeze=False)
    for j, comp in enumerate(comps):
        for i, direction in enumerate(DIRECTIONS):
            ax = axes[i, j]
            g = msd[(msd["composition"] == comp) & (msd["direction"] == direction)]
            for s, h in g.groupby("species", sort=False):
                h = h[(h["dt_ps"] > 0) & (h["msd_A2"] > 0)]
                ax.plot(h["dt_ps"], h["msd_A2"], color=_COLOURS.get(s), label=s)
            if len(g):
                ax.set_xscale("log")
                ax.set_yscale("log")
            ax.set_title(f"{comp}: {direction} (d = {len(DIRECTIONS[direction])})", fontsize=9)
            ax.set_xlabel("t (ps)")
            ax.set_ylabel(r"MSD (Å$^2$)")
            ax.legend(fontsize=7, frameon=False)
    finish_figure(fig, msd, png, csv, title)
