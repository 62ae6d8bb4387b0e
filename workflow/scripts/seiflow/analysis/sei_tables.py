"""Tables of the SEI of the termination-interface runs (paper 003 Table 5 and text).

Times of full decomposition and of crystallisation per run, and the SEI composition
Li2S(1-x-y)PxCly over the last window.  Pure pandas on the per-run tables of the structure
analysis (:mod:`seiflow.analysis.sei_structure`).  Units: ps.
"""

from __future__ import annotations

__all__ = ["first_time", "sei_times_table", "composition_numbers"]

import numpy as np
import pandas as pd


def first_time(t, flag) -> float:
    """First time at which ``flag`` holds and keeps holding to the end.

    Parameters
    ----------
    t
        Times (ps), shape (n_frames,), increasing.
    flag
        Booleans, shape (n_frames,).

    Returns
    -------
    float
        Start (ps) of the final run of True of ``flag``; NaN if the last frame is False.
    """
    t, flag = np.asarray(t, float), np.asarray(flag, bool)
    if not flag[-1]:
        return float("nan")
    k = len(flag) - 1
    while k > 0 and flag[k - 1]:
        k -= 1
    return float(t[k])


def sei_times_table(sei: pd.DataFrame, frames: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per run: time of full decomposition and of crystallisation (paper 003 Table 5).

    Full decomposition: no intact PS4 left for good; crystallisation: PTM-crystalline share of
    the SEI anions >= ``threshold`` for good (:func:`first_time`).

    Parameters
    ----------
    sei
        SEI time series: ``run``, ``condition``, ``temperature_K``, ``time_ps``,
        ``n_intact_ps4``.
    frames
        Per-frame structure table: ``run``, ``time_ps``, ``sei_crystalline_share``,
        ``s8li_share`` (fractions 0-1).
    threshold
        Crystalline share (0-1) that counts as crystallised.

    Returns
    -------
    pandas.DataFrame
        One row per run (order of first appearance in ``sei``): ``run``, ``condition``,
        ``temperature_K``, ``t_full_decomposition_ps``, ``t_crystallisation_ps`` (NaN if
        never), ``crystalline_share_final``, ``s8li_share_final``, ``run_length_ps``,
        ``crystalline_threshold``.

    Raises
    ------
    KeyError
        A column listed above is missing.
    IndexError
        A run of ``sei`` without frames in ``frames``.
    """
    rows = []
    for run, s in sei.groupby("run", sort=False):
        f = frames[frames["run"] == run].sort_values("time_ps")
        s = s.sort_values("time_ps")
        rows.append({
            "run": run, "condition": s["condition"].iloc[0],
            "temperature_K": s["temperature_K"].iloc[0],
            "t_full_decomposition_ps": first_time(s["time_ps"], s["n_intact_ps4"] == 0),
            "t_crystallisation_ps": first_time(f["time_ps"],
                                               f["sei_crystalline_share"] >= threshold),
            "crystalline_share_final": float(f["sei_crystalline_share"].iloc[-1]),
            "s8li_share_final": float(f["s8li_share"].iloc[-1]),
            "run_length_ps": float(s["time_ps"].max()),
            "crystalline_threshold": threshold,
        })
    return pd.DataFrame(rows)


def composition_numbers(frames: pd.DataFrame, window_ps: float) -> pd.DataFrame:
    """SEI composition Li2S(1-x-y)PxCly, mean ± std over the frames of the last window.

    Paper 003 text: Li2S0.72P0.14Cl0.14 (x = y = 0.14).

    Parameters
    ----------
    frames
        Per-frame structure table: ``condition``, ``time_ps``, ``sei_x_P``, ``sei_y_Cl``,
        ``sei_li_per_anion``, ``s8li_share``.
    window_ps
        Length of the last window (ps): frames with t >= t_max − window_ps per condition.

    Returns
    -------
    pandas.DataFrame
        One row per (quantity, condition): ``quantity``, ``condition``, ``value`` (mean of the
        finite values, NaN if none), ``std`` (ddof = 1, NaN for fewer than 2), ``n_frames``,
        ``unit``, ``window_ps``, ``paper``.

    Raises
    ------
    KeyError
        A column listed above is missing.
    """
    rows = []
    for cond, f in frames.groupby("condition", sort=False):
        last = f[f["time_ps"] >= f["time_ps"].max() - window_ps]
        for q, col, unit in (("SEI x (P per anion), Li2S(1-x-y)PxCly", "sei_x_P", ""),
                             ("SEI y (Cl per anion), Li2S(1-x-y)PxCly", "sei_y_Cl", ""),
                             ("SEI Li per anion", "sei_li_per_anion", ""),
                             ("SEI S with 8 Li neighbours", "s8li_share", "fraction")):
            v = last[col].to_numpy(float)
            v = v[np.isfinite(v)]
            rows.append({"quantity": q, "condition": cond,
                         "value": float(v.mean()) if v.size else np.nan,
                         "std": float(v.std(ddof=1)) if v.size > 1 else np.nan,
                         "n_frames": int(v.size), "unit": unit, "window_ps": window_ps,
                         "paper": "Li2S0.72P0.14Cl0.14 (x = y = 0.14), paper 003"})
    return pd.DataFrame(rows)
