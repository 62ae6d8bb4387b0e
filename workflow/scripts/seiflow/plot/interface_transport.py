"""Figure of the Li tracer diffusion at metal | binary interfaces by origin (paper 002 Fig. 4).

Drawing only; the table comes from :func:`seiflow.analysis.interface_transport.origin_diffusion`.
Writes a PNG and the tidy CSV of the plotted table (:func:`seiflow.plot.style.finish_figure`).
Units: D in cm²/s, T in K.
"""

from __future__ import annotations

__all__ = ["plot_origin_diffusion"]

import numpy as np
import pandas as pd

from seiflow.analysis.interface_transport import DIRECTIONS
from seiflow.plot.style import finish_figure, plt

def plot_origin_diffusion(table: pd.DataFrame, png, csv, title: str | None = None) -> None:
    """Bar chart of D* (log scale, 95 % credible intervals) per interface and origin, in-plane
    and out-of-plane panels, for the ``all`` group (paper 002 Fig. 4); hatched bars are
    groups that did not diffuse within the run (their D* is an upper-bound estimate).

    Parameters
    ----------
    table
        :func:`seiflow.analysis.interface_transport.origin_diffusion` rows with
        ``system`` and ``temperature_K`` columns added;
        written to ``csv`` as is.
    png, csv
        Outputs (parent folders created).
    title
        Figure title.

    Raises
    ------
    ValueError
        An empty table or missing columns.
    """
    need = {"system", "temperature_K", "origin", "group", "direction", "D_cm2_s",
            "D_ci95_lo_cm2_s", "D_ci95_hi_cm2_s", "diffusive"}
    if table is None or len(table) == 0 or not need <= set(table.columns):
        raise ValueError(f"table must be non-empty with columns {sorted(need)}")
    data = table[table["group"] == "all"]
    runs = list(dict.fromkeys(zip(data["system"], data["temperature_K"])))
    fig, axes = plt.subplots(1, len(DIRECTIONS), figsize=(4.6 * len(DIRECTIONS), 3.8),
                             squeeze=False)
    colours = {"metal": "tab:blue", "binary": "tab:orange"}
    width = 0.38
    for ax, direction in zip(axes[0], DIRECTIONS):
        for k, o in enumerate(("metal", "binary")):
            for j, (system, T) in enumerate(runs):
                g = data[(data["system"] == system) & (data["temperature_K"] == T)
                         & (data["origin"] == o) & (data["direction"] == direction)]
                if g.empty or not np.isfinite(g["D_cm2_s"].iloc[0]):
                    continue
                r = g.iloc[0]
                x = j + (k - 0.5) * width
                v = max(r["D_cm2_s"], 1e-12)
                ax.bar(x, v, width, color=colours[o], hatch=None if r["diffusive"] else "//",
                       edgecolor="k", lw=0.5, label=f"Li from {o}" if j == 0 else None)
                lo, hi = max(r["D_ci95_lo_cm2_s"], 1e-12), max(r["D_ci95_hi_cm2_s"], 1e-12)
                ax.errorbar(x, v, yerr=[[max(v - lo, 0)], [max(hi - v, 0)]], color="k",
                            capsize=3, lw=0.8)
        ax.set_xticks(range(len(runs)),
                      [f"{s.removeprefix('iface_').removesuffix('_vac')}\n{T:g} K"
                       for s, T in runs], fontsize=7)
        ax.set_yscale("log")
        ax.set_ylabel(r"$D^*$ (cm$^2$ s$^{-1}$)")
        ax.set_title(f"{direction} (d = {len(DIRECTIONS[direction])})", fontsize=9)
        ax.legend(fontsize=7, frameon=False)
    finish_figure(fig, table, png, csv, title)


