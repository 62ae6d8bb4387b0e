"""Transport of bulk-MD series: per-run kinisi analysis and Arrhenius tables.

Built on :mod:`seiflow.analysis.transport` (unwrapping, MSD, kinisi D* and σ, Arrhenius fit).
Pure functions (no file written, no plotting); the figures are drawn by
:mod:`seiflow.plot.transport`.  Units: Å, ps, K, eV; D in cm²/s, σ in S/cm.

Sources
-------
* paper 003 (Baer et al.) Fig. 4 (Li trajectory lines of ordered vs S/Cl-disordered
  Li6PS5Cl, 600 K), Fig. 5 (Arrhenius of D and σ, 400–1000 K, extrapolated to 300 K, σ fitted
  as σ = σ0 exp(−E_a/k_B T) like D, which is why its E_a(σ) = 0.12 eV is lower than
  E_a(D) = 0.18 eV), Figs. S6/S7 (MSD and mean squared total displacement vs time), Eqs. 1–3.
* paper 002 (Wang et al.) Fig. 3 and Eqs. 6–7: Arrhenius D*(T) of bulk Li2S, Li3P, LiCl,
  pristine and with one Li vacancy, E_a per system.
* the fit start: :func:`seiflow.analysis.transport.diffusive_window` on the fastest run of a
  series, one window for every run of the series (paper 003: "the MSD is only calculated
  within the relevant region where the MSD vs. t curve follows the linear Einstein
  relationship"), judged on lags with at least ``min_origins`` non-overlapping origins.
"""

from __future__ import annotations

__all__ = [
    "FIT_COLUMNS",
    "WINDOW_COLUMNS",
    "MIN_MSD_A2",
    "QUANTITIES",
    "arrhenius_table",
    "production_trajectory",
    "run_transport",
    "series_fit_start",
    "trajectory_summary",
    "transport_points",
]

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from ase import Atoms

from seiflow.analysis.transport import (
    arrhenius_fit,
    conductivity_collective,
    diffusion_coefficient,
    diffusive_window,
    extrapolate_D,
    nernst_einstein,
    unwrapped_positions,
)

#: fit-window columns of every table that reports a D* (start, last lag fitted, how the start
#: was chosen, whether it is the fallback of a non-linear MSD)
WINDOW_COLUMNS = ["start_fit_ps", "end_fit_ps", "fit_window_method", "fit_window_fallback"]

MIN_MSD_A2 = 4.0
"""Default least MSD (Å²) at the last lag of a diffusive run: about one Li hop (≈ 2 Å) per
Li; a pristine crystal at low temperature stays at its vibrational plateau (< 1 Å²)."""


#: quantity -> (summary key prefix, unit suffix, symbol, unit label)
QUANTITIES = {
    "D": ("D", "cm2_s", r"$D^*$", r"cm$^2$ s$^{-1}$"),
    "D_xy": ("D_xy", "cm2_s", r"$D^*_{xy}$", r"cm$^2$ s$^{-1}$"),
    "D_z": ("D_z", "cm2_s", r"$D^*_{z}$", r"cm$^2$ s$^{-1}$"),
    "sigma_NE": ("sigma_NE", "S_cm", r"$\sigma_\mathrm{NE}$", r"S cm$^{-1}$"),
    "sigma_collective": ("sigma_collective", "S_cm", r"$\sigma_\mathrm{coll}$", r"S cm$^{-1}$"),
}
_UNITS = {"cm2_s": "cm2/s", "S_cm": "S/cm"}


def production_trajectory(frames: Iterable[tuple[Atoms, float]], start_ps: float = 0.0,
                          species: str = "Li", max_step: float = 0.4) -> dict:
    """Unwrapped positions of one species over the frames at t ≥ ``start_ps``, streamed.

    The frames (e.g. :func:`seiflow.md.lammps.run_frames`, whose clock includes the NVT
    equilibration) are unwrapped with the TOR scheme (:func:`seiflow.analysis.transport.
    unwrapped_positions`); only the unwrapped positions are kept, never the frames.

    Parameters
    ----------
    frames
        ``(atoms, time_ps)`` pairs in time order.
    start_ps
        First kept time (ps), e.g. nvt_steps × timestep; kept times are shifted to start at 0.
    species
        Chemical symbol of the diffusing ions.
    max_step
        As :func:`seiflow.analysis.transport.unwrapped_positions`.

    Returns
    -------
    dict
        ``positions`` (n_frames, n_ion, 3) Å unwrapped; ``framework`` (n_frames, 1, 3) Å,
        centroid of the unwrapped other atoms (for kinisi's drift correction; shape
        (n_frames, 0, 3) when there are none); ``cells`` (n_frames, 3, 3) Å; ``times_ps``
        (n_frames,); ``indices`` (n_ion,) atom indices; ``start_positions`` (n_atoms, 3) Å and
        ``start_symbols`` (n_atoms,) of the first kept frame (all atoms); ``origin`` (3,) Å,
        its cell origin (LAMMPS xlo, ylo, zlo: ``atoms.get_celldisp()``).

    Raises
    ------
    ValueError
        Fewer than 3 kept frames, no atom of ``species``, or an unwrapping error.
    """
    first: dict = {}
    times: list[float] = []

    def kept():
        for atoms, t in frames:
            if t < start_ps - 1e-9:
                continue
            if not first:
                first.update(positions=atoms.positions.copy(),
                             symbols=np.array(atoms.get_chemical_symbols()),
                             origin=np.array(atoms.get_celldisp(), dtype=float).ravel())
            times.append(float(t) - start_ps)
            yield atoms

    pos, cells = unwrapped_positions(kept(), None, max_step)
    if len(times) < 3:
        raise ValueError(f"{len(times)} frames at t >= {start_ps} ps; at least 3 are needed")
    ion = first["symbols"] == species
    if not ion.any():
        raise ValueError(f"no {species} atoms in the trajectory")
    frame_w = pos[:, ~ion].mean(axis=1, keepdims=True) if (~ion).any() else pos[:, :0]
    return {"positions": pos[:, ion], "framework": frame_w, "cells": cells,
            "times_ps": np.array(times), "indices": np.flatnonzero(ion),
            "start_positions": first["positions"], "start_symbols": first["symbols"],
            "origin": first["origin"]}


def series_fit_start(msd_tables: Mapping[str, pd.DataFrame], start_fit_ps="auto",
                     rtol: float = 0.05, min_origins: int = 3) -> dict:
    """Common start of the MSD fit window of every run of a series.

    ``auto``: :func:`seiflow.analysis.transport.diffusive_window` on the run with the largest
    MSD at its last lag (the fastest run): the earliest lag from which the MSD slope is
    constant within ``rtol`` on lags with at least ``min_origins`` non-overlapping time
    origins, the window ending at the last such lag, T / ``min_origins``.  When that MSD is
    not linear there (short or non-diffusive runs) the latest admissible start is used,
    ``fallback`` is True and a :class:`seiflow.analysis.transport.FitWindowWarning` is
    raised.

    Parameters
    ----------
    msd_tables
        Run name -> MSD table with ``dt_ps`` (ps) and ``msd_A2`` (Å²), n ≥ 3 lags each
        (:func:`seiflow.analysis.transport.msd_table`, every lag to the end of the run).
    start_fit_ps
        ``"auto"`` or a start (ps, ≥ 0) used as given.
    rtol, min_origins
        As :func:`seiflow.analysis.transport.diffusive_window`.

    Returns
    -------
    dict
        ``start_fit_ps`` (ps); ``end_fit_ps`` (ps; None for "config": every lag);
        ``method`` ("config" or "linear_onset"); ``fallback`` (bool); ``reliable_lag_ps``
        (T / min_origins of the reference run, ps; None for "config"); ``reference_run``
        (the fastest run; None for "config"); ``note`` (the fallback's reason, else "").

    Raises
    ------
    ValueError
        No tables, a table without the columns or with < 3 lags, a negative start, a
        reference run too short to judge, or a start that leaves fewer than 3 lags of some
        run.

    Warns
    -----
    FitWindowWarning
        When the fallback start is used.
    """
    if not msd_tables:
        raise ValueError("no MSD tables")
    for name, df in msd_tables.items():
        if not {"dt_ps", "msd_A2"} <= set(df.columns) or len(df) < 3:
            raise ValueError(f"{name}: MSD table needs dt_ps, msd_A2 and >= 3 lags")
    if start_fit_ps != "auto":
        out = {"start_fit_ps": float(start_fit_ps), "end_fit_ps": None,
               "method": "config", "fallback": False,
               "reliable_lag_ps": None, "reference_run": None, "note": ""}
        if out["start_fit_ps"] < 0:
            raise ValueError("start_fit_ps must be >= 0")
    else:
        ref = max(msd_tables, key=lambda k: float(msd_tables[k]["msd_A2"].iloc[-1]))
        t, y = msd_tables[ref]["dt_ps"].to_numpy(), msd_tables[ref]["msd_A2"].to_numpy()
        w = diffusive_window(t, y, rtol, min_origins)
        out = {k: w[k] for k in ("start_fit_ps", "method", "fallback", "reliable_lag_ps")}
        out.update(end_fit_ps=w["reliable_lag_ps"], reference_run=ref,
                   note=f"{ref}: {w['note']}" if w["fallback"] else "")
    for name, df in msd_tables.items():
        if np.count_nonzero(df["dt_ps"].to_numpy() >= out["start_fit_ps"]) < 3:
            raise ValueError(f"{name}: start_fit_ps={out['start_fit_ps']:g} ps leaves fewer "
                             "than 3 lags")
    return out


def _stats(samples: np.ndarray, prefix: str, unit: str) -> dict:
    lo, hi = np.percentile(samples, [2.5, 97.5])
    return {f"{prefix}_{unit}": float(np.mean(samples)),
            f"{prefix}_std_{unit}": float(np.std(samples, ddof=1)),
            f"{prefix}_ci95_{unit}": [float(lo), float(hi)]}


def run_transport(traj: Mapping, temperature_K: float, start_fit_ps: float, *,
                  end_fit_ps: float | None = None, fit_window_method: str = "config", fit_window_fallback: bool = False,
                  charge: float = 1.0, haven_ratio: float = 1.0,
                  mcmc: Mapping | None = None, max_intervals: int = 200,
                  min_msd_A2: float = MIN_MSD_A2, seed: int = 0) -> tuple[dict, pd.DataFrame]:
    """D* (xyz, in-plane xy, out-of-plane z), Nernst–Einstein and collective σ of one run.

    kinisi fits (:func:`seiflow.analysis.transport.diffusion_coefficient`,
    :func:`seiflow.analysis.transport.conductivity_collective`) over t ≥ ``start_fit_ps`` with drift
    correction by the framework centroid; σ_NE = n (z e)² D* / (k_B T H_R) of every posterior
    sample of D* (paper 003 Eq. 2).  The MSD table covers every interval, the fits only
    [``start_fit_ps``, ``end_fit_ps``].  The run is ``diffusive`` when its MSD at the last
    interval reaches ``min_msd_A2``; D* is reported either way (with its 95 % credible
    interval), the flag decides whether it enters an Arrhenius fit.

    Parameters
    ----------
    traj
        :func:`production_trajectory` output (``positions``, ``framework``, ``cells``,
        ``times_ps``).
    temperature_K
        Temperature (K), > 0.
    start_fit_ps
        Start of the fit window (ps), :func:`series_fit_start`.
    end_fit_ps
        Last lag fitted (ps), :func:`series_fit_start`; None: every lag.
    fit_window_method, fit_window_fallback
        How the start was chosen and whether it is a fallback (:func:`series_fit_start`'s
        ``method`` and ``fallback``), recorded in the summary.
    charge, haven_ratio
        Ionic charge (e) and Haven ratio of σ_NE.
    mcmc
        kinisi sampling (``n_samples``, ``n_walkers``, ``n_burn``, ``n_thin``); default
        kinisi's.
    max_intervals
        Time intervals kinisi evaluates.
    min_msd_A2
        Least MSD (Å²) at the last interval of a diffusive run.
    seed
        Seed of the MCMC.

    Returns
    -------
    summary : dict
        JSON-ready: ``n_ions``, ``n_frames``, ``duration_ps``, ``volume_A3``,
        ``temperature_K``, ``start_fit_ps``, ``end_fit_ps`` (last interval fitted, ps),
        ``fit_window_method``, ``fit_window_fallback``, ``msd_end_A2``, ``min_msd_A2``,
        ``diffusive``, ``drift_corrected``; per quantity q of :data:`QUANTITIES`: ``<q>_<unit>`` (posterior
        mean), ``<q>_std_<unit>``, ``<q>_ci95_<unit>`` ([2.5, 97.5] percentiles).
    msd : DataFrame
        Per kinisi interval: ``dt_ps``, ``msd_A2``, ``msd_std_A2``, ``msd_xy_A2``,
        ``msd_xy_std_A2``, ``msd_z_A2``, ``msd_z_std_A2`` (Å²), ``mscd_e2A2``,
        ``mscd_std_e2A2`` (e² Å², per ion).

    Raises
    ------
    ValueError
        Non-positive temperature, or the errors of the kinisi functions (bad shapes, a window
        with fewer than 3 intervals).
    """
    if temperature_K <= 0:
        raise ValueError("temperature_K must be positive")
    pos, cells, t = traj["positions"], traj["cells"], traj["times_ps"]
    drift = traj.get("framework")
    drift = drift if drift is not None and np.asarray(drift).shape[1] > 0 else None
    kw = {"start_fit_ps": float(start_fit_ps), "end_fit_ps": end_fit_ps,
          "drift_positions": drift, "max_intervals": int(max_intervals), "seed": int(seed), **dict(mcmc or {})}
    summary: dict = {}
    msd = None
    for q, dims in (("D", "xyz"), ("D_xy", "xy"), ("D_z", "z")):
        r = diffusion_coefficient(pos, cells, t, dims=dims, **kw)
        summary.update(_stats(r["D_samples_cm2_s"], q, "cm2_s"))
        col = "msd" if dims == "xyz" else f"msd_{dims}"
        part = r["msd"][["dt_ps", "msd_A2", "msd_std_A2"]].rename(
            columns={"msd_A2": f"{col}_A2", "msd_std_A2": f"{col}_std_A2"})
        msd = part if msd is None else msd.merge(part, on="dt_ps", how="outer")
        if q == "D":
            samples_D, volume, n_ions = r["D_samples_cm2_s"], r["volume_A3"], r["n_atoms"]
            end_fit = r["end_fit_ps"]
    ne = nernst_einstein(samples_D, n_ions, volume, temperature_K, charge, haven_ratio)
    summary.update(_stats(np.atleast_1d(ne), "sigma_NE", "S_cm"))
    c = conductivity_collective(pos, cells, t, temperature_K, charge=charge, dims="xyz", **kw)
    summary.update(_stats(c["sigma_samples_S_cm"], "sigma_collective", "S_cm"))
    msd = msd.merge(c["mscd"][["dt_ps", "mscd_e2A2", "mscd_std_e2A2"]], on="dt_ps", how="outer")
    msd_end = float(msd["msd_A2"].iloc[-1])
    summary.update(n_ions=int(n_ions), n_frames=int(len(t)), duration_ps=float(t[-1] - t[0]),
                   volume_A3=float(volume), temperature_K=float(temperature_K),
                   start_fit_ps=float(start_fit_ps), end_fit_ps=float(end_fit),
                   fit_window_method=str(fit_window_method),
                   fit_window_fallback=bool(fit_window_fallback), msd_end_A2=msd_end,
                   min_msd_A2=float(min_msd_A2), diffusive=bool(msd_end >= min_msd_A2),
                   drift_corrected=drift is not None, charge=float(charge),
                   haven_ratio=float(haven_ratio))
    return summary, msd.sort_values("dt_ps", ignore_index=True)


def transport_points(records: Iterable[Mapping], quantities=("D", "sigma_NE",
                                                             "sigma_collective")) -> pd.DataFrame:
    """Long table of per-run results: one row per run and quantity.

    Parameters
    ----------
    records
        Per-run summaries (:func:`run_transport` output plus ``system``).
    quantities
        Keys of :data:`QUANTITIES`.

    Returns
    -------
    DataFrame
        ``system``, ``temperature_K``, ``inv_T_1000_K`` (1000/T, K⁻¹), ``quantity``,
        ``unit``, ``value``, ``std``, ``ci95_lo``, ``ci95_hi``, ``diffusive``,
        ``msd_end_A2`` and the fit window :data:`WINDOW_COLUMNS` (``start_fit_ps``,
        ``end_fit_ps``, ``fit_window_method``, ``fit_window_fallback``).

    Raises
    ------
    ValueError
        An unknown quantity, no records, or a record missing a key.
    """
    rows = []
    for rec in records:
        for q in quantities:
            if q not in QUANTITIES:
                raise ValueError(f"unknown quantity {q!r} (known: {sorted(QUANTITIES)})")
            prefix, unit = QUANTITIES[q][:2]
            try:
                lo, hi = rec[f"{prefix}_ci95_{unit}"]
                rows.append({
                    "system": rec["system"], "temperature_K": float(rec["temperature_K"]),
                    "inv_T_1000_K": 1000.0 / float(rec["temperature_K"]), "quantity": q,
                    "unit": _UNITS[unit], "value": float(rec[f"{prefix}_{unit}"]),
                    "std": float(rec[f"{prefix}_std_{unit}"]), "ci95_lo": float(lo),
                    "ci95_hi": float(hi), "diffusive": bool(rec["diffusive"]),
                    "msd_end_A2": float(rec["msd_end_A2"]),
                    "start_fit_ps": float(rec["start_fit_ps"]),
                    "end_fit_ps": float(rec["end_fit_ps"]),
                    "fit_window_method": str(rec["fit_window_method"]),
                    "fit_window_fallback": bool(rec["fit_window_fallback"])})
            except KeyError as err:
                raise ValueError(f"record of {rec.get('system')!r} lacks {err}") from None
    if not rows:
        raise ValueError("no records")
    return pd.DataFrame(rows)


#: per-group Arrhenius fit columns that :func:`arrhenius_table` adds to every point
FIT_COLUMNS = ["Ea_eV", "Ea_err_eV", "prefactor", "prefactor_err", "chi2_red", "n_fit",
                "extrapolate_T_K", "extrapolated", "extrapolated_err"]


def arrhenius_table(points: pd.DataFrame, extrapolate_T_K: float = 300.0
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Arrhenius fits X = X0 exp(−E_a / k_B T) per system and quantity (paper 002 Eq. 7).

    Weighted by the posterior standard deviations (:func:`seiflow.analysis.transport.arrhenius_fit`);
    non-diffusive runs (and values ≤ 0) are left out with a note; a group with fewer than 2
    temperatures left gets no fit (NaN numbers and a note).  Extrapolated to
    ``extrapolate_T_K`` with the propagated error (:func:`seiflow.analysis.transport.extrapolate_D`).

    Parameters
    ----------
    points
        :func:`transport_points` table.
    extrapolate_T_K
        Extrapolation temperature (K), > 0.

    Returns
    -------
    points : DataFrame
        The input with ``in_fit`` (bool), ``note`` (why a point is out, else ""), and the
        columns of its group's fit: ``Ea_eV``, ``Ea_err_eV``, ``prefactor`` (X0, unit of the
        quantity), ``prefactor_err``, ``chi2_red``, ``n_fit``, ``extrapolate_T_K``,
        ``extrapolated``, ``extrapolated_err``.
    fits : DataFrame
        One row per (system, quantity): ``system``, ``quantity``, ``unit``, the fit columns,
        ``T_min_K``, ``T_max_K``, the fit window (``start_fit_ps``, ``end_fit_ps`` (the
        shortest last lag of the group's runs), ``fit_window_method``,
        ``fit_window_fallback``), ``excluded_T_K`` (e.g. "300;400") and ``note``.

    Raises
    ------
    ValueError
        Missing columns, runs with different ``start_fit_ps``, or a non-positive
        ``extrapolate_T_K``.
    """
    need = {"system", "quantity", "unit", "temperature_K", "value", "std", "diffusive",
            "msd_end_A2", *WINDOW_COLUMNS}
    if not need <= set(points.columns):
        raise ValueError(f"points lack columns {sorted(need - set(points.columns))}")
    if extrapolate_T_K <= 0:
        raise ValueError("extrapolate_T_K must be positive")
    if not np.allclose(points["start_fit_ps"], points["start_fit_ps"].iloc[0]):
        raise ValueError("the runs were fitted over different windows (start_fit_ps differs); "
                         "a series shares one window")
    pts = points.copy()
    ok = pts["diffusive"].astype(bool) & (pts["value"] > 0) & (pts["std"] > 0)
    pts["in_fit"] = ok
    pts["note"] = ""
    nd = ~pts["diffusive"].astype(bool)
    pts.loc[nd, "note"] = [f"not diffusive: MSD at the end {m:.3g} A^2 below the threshold; "
                           "left out of the fit" for m in pts.loc[nd, "msd_end_A2"]]
    pts.loc[~nd & ~ok, "note"] = "non-positive value or error; left out of the fit"
    fits = []
    for (system, q), g in pts.groupby(["system", "quantity"], sort=False):
        use = g[g["in_fit"]]
        row = {"system": system, "quantity": q, "unit": g["unit"].iloc[0],
               **dict.fromkeys(FIT_COLUMNS, np.nan), "extrapolate_T_K": float(extrapolate_T_K),
               "T_min_K": float(use["temperature_K"].min()) if len(use) else np.nan,
               "T_max_K": float(use["temperature_K"].max()) if len(use) else np.nan,
               "start_fit_ps": float(g["start_fit_ps"].iloc[0]),
               "end_fit_ps": float(g["end_fit_ps"].min()),
               "fit_window_method": ";".join(sorted(set(g["fit_window_method"]))),
               "fit_window_fallback": bool(g["fit_window_fallback"].astype(bool).any()),
               "excluded_T_K": ";".join(f"{T:g}" for T in g.loc[~g["in_fit"], "temperature_K"]),
               "note": ""}
        if use["temperature_K"].nunique() >= 2:
            f = arrhenius_fit(use["temperature_K"], use["value"], use["std"])
            x, x_err = extrapolate_D(f, extrapolate_T_K)
            row.update(Ea_eV=f["Ea_eV"], Ea_err_eV=f["Ea_err_eV"], prefactor=f["D0"],
                       prefactor_err=f["D0_err"], chi2_red=f["chi2_red"], n_fit=f["n"],
                       extrapolated=x, extrapolated_err=x_err)
        else:
            row.update(n_fit=len(use), note=f"{use['temperature_K'].nunique()} diffusive "
                       "temperature(s): no Arrhenius fit")
            pts.loc[g.index, "note"] = [n or "no Arrhenius fit (fewer than 2 diffusive "
                                        "temperatures)" for n in pts.loc[g.index, "note"]]
        if row["fit_window_fallback"]:
            row["note"] = "; ".join(filter(None, [
                row["note"], "fit window: fallback start (the MSD is not linear on "
                "well-sampled lags)"]))
        fits.append(row)
    fits = pd.DataFrame(fits)
    pts = pts.merge(fits[["system", "quantity", *FIT_COLUMNS]], on=["system", "quantity"],
                    how="left")
    return pts, fits


# --------------------------------------------------------------------------- trajectories
def trajectory_summary(trajs: Mapping[str, Mapping]) -> pd.DataFrame:
    """Displacement summary of Li trajectories, one row per system (paper 003 Fig. 4).

    Parameters
    ----------
    trajs
        Label -> :func:`production_trajectory` output (``positions`` (n_frames, n_li, 3) Å
        unwrapped, ``times_ps`` (n_frames,) ps).

    Returns
    -------
    DataFrame
        Per system, in the order of ``trajs``: ``system``, ``n_li``, ``n_frames``,
        ``duration_ps``, ``msd_end_A2`` (mean squared displacement of the last frame from
        the first, Å²), ``max_displacement_A`` (largest displacement of any Li from its
        start over all frames, Å).
    """
    summary = []
    for label, tr in trajs.items():
        pos, t = np.asarray(tr["positions"]), np.asarray(tr["times_ps"])
        n_frames, n_li = pos.shape[:2]
        disp = np.linalg.norm(pos - pos[0], axis=-1)
        msd_end = float(np.mean(disp[-1] ** 2))
        summary.append({"system": label, "n_li": n_li, "n_frames": n_frames,
                        "duration_ps": float(t[-1] - t[0]), "msd_end_A2": msd_end,
                        "max_displacement_A": float(disp.max())})
    return pd.DataFrame(summary)
