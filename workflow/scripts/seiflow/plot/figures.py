"""Publication figures of the SEI workflow (seaborn, one style).

Every function writes a PNG (dpi 200) *and* the tidy CSV of exactly the
DataFrame that was plotted, and returns ``None``.  Parent directories of the
outputs are created if missing.  Style: ``sns.set_theme(context="paper",
style="ticks")`` on the non-interactive Agg backend.
"""

from __future__ import annotations

from os import PathLike
from typing import Any, Mapping

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from seiflow.analysis.runs import temperature_label, condition_labels, read_runs, require_columns  # noqa: E402, F401
from seiflow.plot.style import (  # noqa: E402, F401
    DPI,
    apply_style,
    render_table_png,
    save_figure,
)

__all__ = ["plot_ps4_and_thickness", "plot_alpha_fit", "plot_parity", "render_table_png",
           "read_runs", "condition_labels", "DPI"]

_LINESTYLES = ["-", "--", ":", "-."]

_THICKNESS_COLS = {
    "sei_thickness_mean_A": "mean",
    "sei_thickness_lower_A": "lower side",
    "sei_thickness_upper_A": "upper side",
}


def plot_ps4_and_thickness(
    df: pd.DataFrame, png_path: str | PathLike, csv_path: str | PathLike
) -> None:
    """Intact PS4 count and SEI thickness vs time (paper 001, Fig. 2d analogue).

    Left axis (blue): number of intact PS4 units.  Right axis (orange): mean
    SEI thickness (thick line) and lower/upper-side thickness (thin lines).
    If ``df`` has a ``temperature_K`` column with several values, each
    temperature gets its own line style.

    Parameters
    ----------
    df
        Columns of :func:`seiflow.analysis.sei_formation.analyse_trajectory`
        (``time_ps``, ``n_intact_ps4``, ``sei_thickness_{mean,lower,upper}_A``)
        plus optional ``temperature_K`` (number or condition label) and ``run``
        (one line per run: replicas of a temperature share its line style).
    png_path, csv_path
        Outputs.  The CSV is the long-form table plotted: ``time_ps``,
        [``temperature_K``], [``run``], ``quantity`` (column name in ``df``), ``value``
        (count or Å).

    Raises
    ------
    ValueError
        If required columns are missing.
    """
    req = ["time_ps", "n_intact_ps4", *_THICKNESS_COLS]
    require_columns(df, req, "plot_ps4_and_thickness")
    apply_style()
    has_T = "temperature_K" in df.columns
    has_run = "run" in df.columns
    id_vars = ["time_ps"] + (["temperature_K"] if has_T else []) + (["run"] if has_run else [])
    long = df[id_vars + ["n_intact_ps4", *_THICKNESS_COLS]].melt(
        id_vars=id_vars, var_name="quantity", value_name="value"
    )
    sort_cols = (["quantity"] + (["temperature_K"] if has_T else [])
                 + (["run"] if has_run else []) + ["time_ps"])
    long = long.sort_values(sort_cols, kind="stable").reset_index(drop=True)

    pal = sns.color_palette()
    blue, orange = pal[0], pal[1]
    temps = list(pd.unique(df["temperature_K"])) if has_T else [None]

    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    ax2 = ax.twinx()
    for k, T in enumerate(temps):
        ls = _LINESTYLES[k % len(_LINESTYLES)]
        sub = long if T is None else long[long["temperature_K"] == T]
        units = {"units": "run"} if has_run else {}
        sns.lineplot(
            data=sub[sub["quantity"] == "n_intact_ps4"], x="time_ps", y="value",
            ax=ax, color=blue, linestyle=ls, lw=1.6, estimator=None, legend=False, **units,
        )
        for col in _THICKNESS_COLS:
            mean = col == "sei_thickness_mean_A"
            sns.lineplot(
                data=sub[sub["quantity"] == col], x="time_ps", y="value", ax=ax2,
                color=orange, linestyle=ls, lw=1.6 if mean else 0.7,
                alpha=1.0 if mean else 0.6, estimator=None, legend=False, **units,
            )
    ax.set_xlabel("time (ps)")
    ax.set_ylabel(r"intact PS$_4$ units (count)", color=blue)
    ax2.set_ylabel("SEI thickness (Å)", color=orange)
    ax.tick_params(axis="y", colors=blue)
    ax2.tick_params(axis="y", colors=orange)
    ax.set_ylim(bottom=0)
    ax2.set_ylim(bottom=0)

    handles = [
        Line2D([], [], color=blue, lw=1.6, label=r"intact PS$_4$ (left)"),
        Line2D([], [], color=orange, lw=1.6, label="SEI thickness, mean (right)"),
        Line2D([], [], color=orange, lw=0.7, alpha=0.6, label="SEI thickness, lower/upper"),
    ]
    if len(temps) > 1:
        handles += [
            Line2D([], [], color="0.3", linestyle=_LINESTYLES[k % len(_LINESTYLES)],
                   label=temperature_label(T))
            for k, T in enumerate(temps)
        ]
    elif has_T:
        ax.set_title(temperature_label(temps[0]))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
              frameon=False, fontsize="small")
    sns.despine(ax=ax, right=False)
    fig.tight_layout()
    save_figure(fig, long, png_path, csv_path)


def plot_alpha_fit(
    df: pd.DataFrame,
    fits: Mapping[Any, Mapping[str, float]],
    png_path: str | PathLike,
    csv_path: str | PathLike,
) -> None:
    """Reduced-electrolyte fraction α vs log time with a + b ln t fits.

    Paper 004 (Chaney et al. 2024), Fig. 2 analogue.  Points: α per frame, one
    colour per temperature; lines: the fitted α = a + b ln(t / ps) at the
    same times (a straight line on the log-time axis).  The y axis shows α in
    % (tick labels are 100 α); the CSV stores α as a fraction.

    Parameters
    ----------
    df
        Columns ``time_ps``, ``alpha`` (fraction) and ``temperature_K``.  If
        ``temperature_K`` is missing and ``fits`` has exactly one entry, all
        rows are assigned to that temperature.  Rows with t <= 0 cannot be
        shown on a log axis and are dropped.
    fits
        temperature -> result of :func:`seiflow.analysis.sei_formation.fit_log_time`
        on the *fraction* scale (keys ``a``, ``b``, ``a_err``, ``b_err``,
        ``r2``).  Temperatures without a fit are plotted as points only.
    png_path, csv_path
        Outputs; CSV columns ``time_ps``, ``temperature_K``, ``alpha``,
        ``alpha_fit`` (NaN where no fit).

    Raises
    ------
    ValueError
        If required columns are missing or no row has t > 0.
    """
    require_columns(df, ["time_ps", "alpha"], "plot_alpha_fit")
    d = df.copy()
    if "temperature_K" not in d.columns:
        if len(fits) != 1:
            raise ValueError("plot_alpha_fit: df needs a temperature_K column")
        d["temperature_K"] = next(iter(fits))
    d = d.loc[d["time_ps"] > 0, ["time_ps", "temperature_K", "alpha"]]
    if d.empty:
        raise ValueError("plot_alpha_fit: no rows with time_ps > 0")
    d = d.sort_values(["temperature_K", "time_ps"], kind="stable").reset_index(drop=True)

    fit_of = {}
    for key, f in fits.items():
        fit_of[key] = f
        try:
            fit_of[float(key)] = f
        except (TypeError, ValueError):
            pass

    def _lookup(T):
        if T in fit_of:
            return fit_of[T]
        try:
            return fit_of.get(float(T))
        except (TypeError, ValueError):
            return None

    d["alpha_fit"] = np.nan
    for T in pd.unique(d["temperature_K"]):
        f = _lookup(T)
        if f is not None:
            sel = d["temperature_K"] == T
            d.loc[sel, "alpha_fit"] = f["a"] + f["b"] * np.log(d.loc[sel, "time_ps"])

    apply_style()
    temps = list(pd.unique(d["temperature_K"]))
    pal = sns.color_palette(n_colors=max(len(temps), 1))
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    for k, T in enumerate(temps):
        sub = d[d["temperature_K"] == T]
        sns.scatterplot(
            data=sub, x="time_ps", y="alpha", ax=ax, color=pal[k], s=14,
            edgecolor="none", label=f"{temperature_label(T)} MD",
        )
        f = _lookup(T)
        if f is not None:
            lab = (
                f"fit: ({100 * f['a']:.2f} ± {100 * f.get('a_err', np.nan):.2f}) + "
                f"({100 * f['b']:.2f} ± {100 * f.get('b_err', np.nan):.2f}) ln t, "
                f"R² = {f.get('r2', np.nan):.3f}"
            )
            sns.lineplot(
                data=sub, x="time_ps", y="alpha_fit", ax=ax, color=pal[k],
                estimator=None, lw=1.2, label=lab,
            )
    ax.set_xscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{100 * y:g}"))
    ax.set_xlabel("time (ps)")
    ax.set_ylabel("reduced electrolyte α (%)")
    ax.legend(frameon=False, fontsize="x-small", title="α in %, t in ps",
              title_fontsize="x-small")
    sns.despine(ax=ax)
    fig.tight_layout()
    save_figure(fig, d[["time_ps", "temperature_K", "alpha", "alpha_fit"]], png_path, csv_path)


_PARITY_PANELS = [
    ("energy_per_atom", "energy", "eV/atom", "energy_meV_per_atom", "meV/atom"),
    ("force", "force component", "eV/Å", "force_meV_per_A", "meV/Å"),
]


def plot_parity(
    df: pd.DataFrame,
    rmse: Mapping[str, float],
    png_path: str | PathLike,
    csv_path: str | PathLike,
) -> None:
    """Model-vs-reference parity plot: energies per atom and force components.

    Two panels, reference (x) vs model prediction (y), with the y = x line and
    the RMSE in each panel title.  A panel with no rows says "no data".

    Parameters
    ----------
    df
        Columns ``quantity`` (``"energy_per_atom"`` in eV/atom or ``"force"``
        in eV/Å), ``reference``, ``predicted``.
    rmse
        ``{"energy_meV_per_atom": float, "force_meV_per_A": float}``; a
        missing key is shown as "n/a".
    png_path, csv_path
        Outputs; CSV columns ``quantity``, ``reference``, ``predicted``.

    Raises
    ------
    ValueError
        If required columns are missing.
    """
    require_columns(df, ["quantity", "reference", "predicted"], "plot_parity")
    data = df[["quantity", "reference", "predicted"]].reset_index(drop=True)
    apply_style()
    pal = sns.color_palette()
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.4))
    for k, (ax, (q, name, unit, rkey, runit)) in enumerate(zip(axes, _PARITY_PANELS)):
        sub = data[data["quantity"] == q]
        r = rmse.get(rkey)
        rtxt = f"{float(r):.2f} {runit}" if r is not None and np.isfinite(r) else "n/a"
        ax.set_title(f"{name}: RMSE = {rtxt}")
        ax.set_xlabel(f"reference {name} ({unit})")
        ax.set_ylabel(f"model {name} ({unit})")
        if sub.empty:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
            continue
        sns.scatterplot(
            data=sub, x="reference", y="predicted", ax=ax, color=pal[k], s=12 if k == 0 else 6,
            edgecolor="none", alpha=0.5, rasterized=True, legend=False,
        )
        vals = sub[["reference", "predicted"]].to_numpy(dtype=float)
        vals = vals[np.isfinite(vals)]
        lo, hi = (float(vals.min()), float(vals.max())) if vals.size else (0.0, 1.0)
        pad = 0.05 * (hi - lo) if hi > lo else 0.5 * max(abs(lo), 1e-3)
        lim = (lo - pad, hi + pad)
        ax.plot(lim, lim, color="0.3", lw=0.8, ls="--", zorder=0)
        ax.set_xlim(lim)
        ax.set_ylim(lim)
        ax.set_aspect("equal", adjustable="box")
    sns.despine(fig=fig)
    fig.tight_layout()
    save_figure(fig, data, png_path, csv_path)
