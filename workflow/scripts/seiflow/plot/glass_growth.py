"""Figure of the SEI growth of the Li | glass slabs, paper 000 (Zhou, Luo, An 2026): Fig. 3 /
Fig. S2.

Drawing only: the thickness series, the growth-law fits and their curves come from
:mod:`seiflow.analysis.glass_growth` (:func:`~seiflow.analysis.glass_growth.thickness_series`,
:func:`~seiflow.analysis.glass_growth.growth_tables`,
:func:`~seiflow.analysis.glass_growth.fit_curves`).  Units: Å, ps.
"""

from __future__ import annotations

__all__ = ["plot_fig3"]

import numpy as np
import pandas as pd

from seiflow.analysis.glass_growth import fit_curves
from seiflow.plot.style import finish_figure, plt

_LAW_STYLE = {"t^1/2": ("tab:blue", "-"), "t^1/3": ("tab:red", "-"), "t^n": ("tab:green", "--"),
              "ln t": ("tab:purple", ":")}


def plot_fig3(series: pd.DataFrame, tabS1: pd.DataFrame, png, csv,
              title: str | None = None) -> pd.DataFrame:
    """Paper 000 Fig. 3 / Fig. S2: SEI thickness vs time per composition (error bars: 1-sigma
    of the midpoint fits; open symbols: dropped windows, plotted where finite) with the
    fitted growth laws (curves: :func:`seiflow.analysis.glass_growth.fit_curves`).

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`seiflow.analysis.glass_growth.thickness_series` rows (``composition``,
        ``t_ps`` in ps, ``d_A`` and ``d_err_A`` in Å, ``used``).
    tabS1 : pandas.DataFrame
        Table S1 of :func:`seiflow.analysis.glass_growth.growth_tables` (``composition``,
        ``law``, parameters, ``r2``).
    png, csv : path
        Outputs (parent folders are created).
    title : str, optional
        Figure title.

    Returns
    -------
    pandas.DataFrame
        What is written to ``csv``: the ``series`` rows (``kind`` = ``data``) and the fit
        curve rows (``kind`` = ``fit``: ``law``, ``t_ps``, ``d_fit_A``).
    """
    curves = fit_curves(series, tabS1)
    comps = list(dict.fromkeys(series["composition"])) or ["(none)"]
    fig, axes = plt.subplots(1, len(comps), figsize=(4.2 * len(comps), 3.6), squeeze=False)
    for j, comp in enumerate(comps):
        ax = axes[0, j]
        g = series[series["composition"] == comp]
        u = g[g["used"].astype(bool)]
        ax.errorbar(u["t_ps"], u["d_A"], yerr=u["d_err_A"], fmt="o", color="k", ms=4,
                    capsize=2, label="fitted midpoints")
        bad = g[~g["used"].astype(bool) & np.isfinite(g["d_A"])]
        if len(bad):
            ax.plot(bad["t_ps"], bad["d_A"], "o", mfc="none", color="0.5", ms=4,
                    label="dropped (failed fit)")
        r2 = tabS1[tabS1["composition"] == comp].set_index("law")["r2"] \
            if len(tabS1) else pd.Series(dtype=float)
        for law, c in curves[curves["composition"] == comp].groupby("law", sort=False):
            col, ls = _LAW_STYLE.get(law, ("0.3", "-"))
            lab = f"{law} (R²={r2.get(law, np.nan):.3f})"
            ax.plot(c["t_ps"], c["d_fit_A"], ls=ls, color=col, lw=1.2, label=lab)
        ax.set_title(comp, fontsize=9)
        ax.set_xlabel("t (ps)")
        ax.set_ylabel("SEI thickness (Å)")
        ax.set_xlim(left=0)
        ax.legend(fontsize=6.5, frameon=False)
    out = pd.concat([series.assign(kind="data"), curves.assign(kind="fit")],
                    ignore_index=True)
    finish_figure(fig, out, png, csv, title)
    return out
