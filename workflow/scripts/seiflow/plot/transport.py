"""Figures of the transport of bulk-MD series: Arrhenius panels, MSD / MSCD curves and Li
trajectory lines.

Drawing only; the numbers come from :mod:`seiflow.analysis.transport_series` (per-run kinisi
analysis, Arrhenius tables, trajectory summaries).  Every ``plot_*`` function writes a PNG (dpi
:data:`seiflow.plot.style.DPI`) and the tidy CSV of exactly the plotted table
(:func:`seiflow.plot.style.finish_figure`); matplotlib styling, no seaborn theme.
Units: Å, ps, K, eV; D in cm²/s, σ in S/cm.

Sources: paper 003 (Baer et al.) Fig. 4 (Li trajectory lines), Fig. 5 (Arrhenius of D and
σ), Figs. S6/S7 (MSD and mean squared charge displacement); paper 002 (Wang et al.) Fig. 3
(Arrhenius D*(T) of bulk Li2S, Li3P, LiCl).
"""

from __future__ import annotations

__all__ = [
    "plot_arrhenius",
    "plot_li_trajectories",
    "plot_msd",
]

from collections.abc import Mapping

import numpy as np
import pandas as pd

from seiflow.analysis.transport import KB_EV
from seiflow.analysis.transport_series import FIT_COLUMNS, QUANTITIES, trajectory_summary
from seiflow.plot.style import finish_figure, plt


# --------------------------------------------------------------------------- figures
def _label(system: str) -> str:
    if system.startswith("hull_"):
        return f"ordering {system.removeprefix('hull_')}"
    base, vac = (system[:-4], True) if system.endswith("_vac") else (system, False)
    sub = "".join(f"$_{{{c}}}$" if c.isdigit() else c for c in base)
    return sub + (" (vac.)" if vac else "")


def plot_arrhenius(points: pd.DataFrame, png, csv, panels: Mapping[str, list[str]],
                   title: str | None = None) -> None:
    """Arrhenius panels: value vs 1000/T (log scale) with 95 % credible intervals, the fit
    and its extrapolated point (open symbol with its error bar), E_a in the legend.

    Points left out of the fit (``in_fit`` false) are drawn as grey crosses.  One colour per
    (system, quantity); vacancy systems (``*_vac``) dashed.  A panel whose points were fitted
    over a fallback window (``fit_window_fallback``) says so in its title.

    Parameters
    ----------
    points
        :func:`seiflow.analysis.transport_series.arrhenius_table` points (written to ``csv`` as is).
    png, csv
        Outputs (parent folders created).
    panels
        Panel title -> quantities drawn in it (keys of
        :data:`seiflow.analysis.transport_series.QUANTITIES`).
    title
        Figure title.

    Raises
    ------
    ValueError
        Empty points without the :func:`seiflow.analysis.transport_series.arrhenius_table`
        columns, an unknown quantity, a
        panel quantity absent from ``points``, or a panel mixing units.
    """
    if points is None or len(points) == 0:
        raise ValueError("no points to plot")
    missing = {"in_fit", *FIT_COLUMNS} - set(points.columns)
    if missing:
        raise ValueError(f"points lack the fit columns {sorted(missing)} (arrhenius_table)")
    for qs in panels.values():
        for q in qs:
            if q not in QUANTITIES or q not in set(points["quantity"]):
                raise ValueError(f"quantity {q!r} is unknown or has no points")
        if len({QUANTITIES[q][1] for q in qs}) > 1:
            raise ValueError(f"panel quantities {qs} have different units")
    fig, axes = plt.subplots(1, len(panels), figsize=(4.8 * len(panels), 4.0), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    colour_of: dict = {}  # a compound and its vacancy cell share a colour
    for ax, (ptitle, qs) in zip(axes[0], panels.items()):
        for q in qs:
            for system, g in points[points["quantity"] == q].groupby("system", sort=False):
                key = (system.removesuffix("_vac"), q)
                c = colour_of.setdefault(key, colours[len(colour_of) % len(colours)])
                ls = "--" if system.endswith("_vac") else "-"
                marker = "s" if system.endswith("_vac") else "o"
                g = g.sort_values("temperature_K")
                f = g.iloc[0]
                lab = _label(system) + ("" if len(qs) == 1 else f" {QUANTITIES[q][2]}")
                if np.isfinite(f["Ea_eV"]):
                    lab += f": $E_a$ = {f['Ea_eV']:.3f} ± {f['Ea_err_eV']:.3f} eV"
                    T = np.linspace(f["extrapolate_T_K"], g["temperature_K"].max(), 100)
                    y = f["prefactor"] * np.exp(-f["Ea_eV"] / (KB_EV * T))
                    ax.plot(1000 / T, y, ls=ls, color=c, lw=1.2)
                    ax.errorbar(1000 / f["extrapolate_T_K"], f["extrapolated"],
                                yerr=f["extrapolated_err"], fmt=marker, mfc="white", color=c,
                                capsize=3)
                fit = g[g["in_fit"]]
                yerr = [fit["value"] - fit["ci95_lo"], fit["ci95_hi"] - fit["value"]]
                ax.errorbar(fit["inv_T_1000_K"], fit["value"], yerr=yerr, fmt=marker, color=c,
                            capsize=3, label=lab)
                out = g[~g["in_fit"] & (g["value"] > 0)]
                if len(out):
                    ax.plot(out["inv_T_1000_K"], out["value"], "x", color="0.5",
                            label=None if len(fit) else lab + " (not in fit)")
        ax.set_yscale("log")
        ax.set_xlabel(r"1000 / $T$ (K$^{-1}$)")
        sym = QUANTITIES[qs[0]][2] if len(qs) == 1 else ", ".join(QUANTITIES[q][2] for q in qs)
        ax.set_ylabel(f"{sym} ({QUANTITIES[qs[0]][3]})")
        fallback = "fit_window_fallback" in points and bool(
            points.loc[points["quantity"].isin(qs), "fit_window_fallback"].astype(bool).any())
        ax.set_title(ptitle + (" (fit window: fallback start)" if fallback else ""), fontsize=9)
        temps = sorted({*points["temperature_K"], *points["extrapolate_T_K"].dropna()})
        top = ax.secondary_xaxis("top", functions=(lambda x: 1000 / np.maximum(x, 1e-9),
                                                   lambda T: 1000 / np.maximum(T, 1e-9)))
        top.set_xticks(temps, [f"{T:g}" for T in temps], fontsize=7)
        top.set_xlabel(r"$T$ (K)")
        ax.legend(fontsize=6, frameon=False)
    finish_figure(fig, points, png, csv, title)


def plot_msd(msd: pd.DataFrame, png, csv, start_fit_ps: float | None = None,
             title: str | None = None, end_fit_ps: float | None = None,
             fallback: bool = False) -> None:
    """MSD (paper 003 Fig. S6) and per-ion mean squared charge displacement (Fig. S7) vs time
    of every run, the fit window shaded (its start as a dotted line).

    Parameters
    ----------
    msd
        Columns ``system``, ``temperature_K``, ``dt_ps``, ``msd_A2``, ``msd_std_A2``,
        ``mscd_e2A2``, ``mscd_std_e2A2`` (:func:`seiflow.analysis.transport_series.
        run_transport` tables stacked); written to
        ``csv`` as is.
    png, csv
        Outputs (parent folders created).
    start_fit_ps
        Start of the fit window (ps), drawn if given.
    title
        Figure title.
    end_fit_ps
        Last lag fitted (ps); with ``start_fit_ps`` the window is shaded.
    fallback
        The start is the fallback of a non-linear MSD: said in the legend.

    Raises
    ------
    ValueError
        Empty table or missing columns.
    """
    need = {"system", "temperature_K", "dt_ps", "msd_A2", "msd_std_A2", "mscd_e2A2",
            "mscd_std_e2A2"}
    if msd is None or len(msd) == 0 or not need <= set(msd.columns):
        raise ValueError(f"msd must be a non-empty table with columns {sorted(need)}")
    fig, axes = plt.subplots(1, 2, figsize=(9.6, 3.8))
    for (system, T), g in msd.groupby(["system", "temperature_K"]):
        lab = f"{_label(system)} {T:g} K"
        for ax, col in zip(axes, ("msd", "mscd")):
            unit = "A2" if col == "msd" else "e2A2"
            y, e = g[f"{col}_{unit}"], g[f"{col}_std_{unit}"]
            (line,) = ax.plot(g["dt_ps"], y, label=lab)
            ax.fill_between(g["dt_ps"], y - e, y + e, color=line.get_color(), alpha=0.25, lw=0)
    for ax, ylab in zip(axes, (r"MSD (Å$^2$)", r"MSCD / $N$ ($e^2$ Å$^2$)")):
        if start_fit_ps is not None:
            tag = " (fallback)" if fallback else ""
            ax.axvline(start_fit_ps, ls=":", color="0.4", lw=1,
                       label=f"fit start {start_fit_ps:.3g} ps{tag}")
            if end_fit_ps is not None:
                ax.axvspan(start_fit_ps, end_fit_ps, color="0.85", alpha=0.4, lw=0,
                           label=f"fit window to {end_fit_ps:.3g} ps")
        ax.set_xlabel(r"$\Delta t$ (ps)")
        ax.set_ylabel(ylab)
        ax.legend(fontsize=6, frameon=False)
    finish_figure(fig, msd, png, csv, title)


_PLANES = {"xy": (0, 1), "xz": (0, 2), "yz": (1, 2)}
_ELEMENT_COLOURS = {"Li": "0.55", "P": "tab:purple", "S": "gold", "Cl": "tab:green"}


def plot_li_trajectories(trajs: Mapping[str, Mapping], png, csv, plane: str = "xy",
                         max_frames: int = 400, title: str | None = None) -> pd.DataFrame:
    """Li trajectory lines projected on a Cartesian plane, one panel per system, with the
    starting positions of all atoms and the projected cell of the first frame (paper 003
    Fig. 4).  Unwrapped positions: long-range diffusion shows as lines leaving the cell.

    Parameters
    ----------
    trajs
        Label -> :func:`seiflow.analysis.transport_series.production_trajectory` output
        (``positions``, ``times_ps``, ``cells``,
        ``start_positions``, ``start_symbols``; optional ``origin`` of the drawn cell).
    png, csv
        Outputs; the CSV holds the plotted points: ``system``, ``kind`` ("path" / "start"),
        ``element``, ``atom``, ``time_ps``, ``x_A``, ``y_A`` (projected, Å).
    plane
        "xy", "xz" or "yz".
    max_frames
        At most this many frames per line (evenly strided, last frame kept).
    title
        Figure title.

    Returns
    -------
    DataFrame
        :func:`seiflow.analysis.transport_series.trajectory_summary` of ``trajs`` (per
        system: ``system``, ``n_li``, ``n_frames``, ``duration_ps``, ``msd_end_A2``,
        ``max_displacement_A``).

    Raises
    ------
    ValueError
        No trajectories, an unknown plane, or ``max_frames`` < 2.
    """
    if not trajs:
        raise ValueError("no trajectories")
    if plane not in _PLANES:
        raise ValueError(f"plane must be one of {sorted(_PLANES)}, got {plane!r}")
    if max_frames < 2:
        raise ValueError("max_frames must be >= 2")
    i, j = _PLANES[plane]
    summary = trajectory_summary(trajs)
    fig, axes = plt.subplots(1, len(trajs), figsize=(4.4 * len(trajs), 4.4), squeeze=False)
    rows = []
    for ax, (label, tr), msd_end in zip(axes[0], trajs.items(), summary["msd_end_A2"]):
        pos, t = np.asarray(tr["positions"]), np.asarray(tr["times_ps"])
        n_frames, n_li = pos.shape[:2]
        keep = np.unique(np.r_[np.arange(0, n_frames, max(1, -(-n_frames // max_frames))),
                               n_frames - 1])
        for a in range(n_li):
            ax.plot(pos[keep, a, i], pos[keep, a, j], lw=0.5, color="tab:blue", alpha=0.7)
        rows.append(pd.DataFrame({
            "system": label, "kind": "path", "element": "Li",
            "atom": np.repeat(np.arange(n_li), keep.size), "time_ps": np.tile(t[keep], n_li),
            "x_A": pos[keep][:, :, i].T.ravel(), "y_A": pos[keep][:, :, j].T.ravel()}))
        start, sym = np.asarray(tr["start_positions"]), np.asarray(tr["start_symbols"])
        for el in dict.fromkeys(sym):
            m = sym == el
            ax.scatter(start[m, i], start[m, j], s=12, color=_ELEMENT_COLOURS.get(el, "k"),
                       edgecolor="k", lw=0.3, label=el, zorder=3)
        rows.append(pd.DataFrame({"system": label, "kind": "start", "element": sym,
                                  "atom": np.arange(len(sym)), "time_ps": t[0],
                                  "x_A": start[:, i], "y_A": start[:, j]}))
        cell = np.asarray(tr["cells"])[0]
        corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]) @ cell[[i, j]][:, [i, j]]
        corners = corners + np.asarray(tr.get("origin", np.zeros(3)))[[i, j]]
        ax.plot(corners[:, 0], corners[:, 1], "k-", lw=0.8)
        ax.set_title(f"{label}: {t[-1] - t[0]:.3g} ps, MSD(end) = {msd_end:.3g} Å$^2$",
                     fontsize=9)
        ax.set_aspect("equal")
        ax.set_xlabel(f"{plane[0]} (Å)")
        ax.set_ylabel(f"{plane[1]} (Å)")
        ax.legend(fontsize=6, frameon=False, loc="upper right")
    finish_figure(fig, pd.concat(rows, ignore_index=True), png, csv, title)
    return summary
