"""Li tracer diffusion at metal | binary interfaces by origin (paper 002 Fig. 4, Table S8).

Wang et al. (paper 002) run Li(100)|Li3P(001), Li(110)|Li2S(110) and Li(110)|LiCl(100) at
400 K with ≈1.1 % Li vacancies in the interface region and report the in-plane (xy, d = 2)
and out-of-plane (z, d = 1) D* of the Li that started in the metal and of the Li that started
in the binary.  Here each Li carries its origin (the interface cell's tags,
:func:`seiflow.model.systems.interface_origins`) and whether it started within the interface
region (:func:`seiflow.model.systems.interface_region_mask`); D* comes from kinisi's Bayesian
MSD regression (:func:`seiflow.analysis.transport.diffusion_coefficient`) of each group over one fit
window.  Pure functions; the figure is drawn by :mod:`seiflow.plot.interface_transport`.
Units: Å, ps; D in cm²/s.
"""

from __future__ import annotations

__all__ = ["DIRECTIONS", "GROUPS", "origin_diffusion"]

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from seiflow.analysis.transport import diffusion_coefficient
from seiflow.analysis.transport_series import MIN_MSD_A2

#: direction label -> kinisi dims (paper 002: in-plane d = 2, out-of-plane d = 1)
DIRECTIONS = {"in-plane": "xy", "out-of-plane": "z"}
#: atom groups: all Li of an origin, and those that started in the interface region
GROUPS = ("all", "interface region")


def _check_labels(indices: np.ndarray, origin: Sequence[str], region: Sequence[bool]):
    origin, region = np.asarray(origin), np.asarray(region, dtype=bool)
    if origin.ndim != 1 or region.shape != origin.shape:
        raise ValueError("origin and interface_region must be per-atom lists of one length")
    if indices.size and (indices.min() < 0 or indices.max() >= origin.size):
        raise ValueError(f"trajectory atom indices exceed the {origin.size} labelled atoms")
    bad = set(origin.tolist()) - {"metal", "binary"}
    if bad:
        raise ValueError(f"unknown origins {sorted(bad)} (metal, binary)")
    return origin[indices], region[indices]


def origin_diffusion(traj: Mapping, origin: Sequence[str], interface_region: Sequence[bool],
                     start_fit_ps: float, *, end_fit_ps: float | None = None,
                     mcmc: Mapping | None = None,
                     max_intervals: int = 200, min_msd_A2: float = MIN_MSD_A2,
                     min_atoms: int = 1, seed: int = 0) -> pd.DataFrame:
    """In-plane and out-of-plane D* of the Li of each origin (paper 002 Fig. 4, Table S8).

    For each origin (``metal``, ``binary``), group (all Li of that origin; those that started
    in the interface region) and direction (:data:`DIRECTIONS`), kinisi samples
    MSD = 2 d D* t + c over ``start_fit_ps`` ≤ t ≤ ``end_fit_ps`` with drift correction by
    the framework centroid.  A group is ``diffusive`` when its MSD (along that direction) at the last
    interval reaches ``min_msd_A2`` × d / 3 (the same per-dimension displacement as a
    3D run reaching ``min_msd_A2``); D* is reported either way.

    Parameters
    ----------
    traj
        :func:`seiflow.analysis.transport_series.production_trajectory` output: ``positions``
        (n_frames, n_li, 3) Å unwrapped, ``framework`` (n_frames, 1 or 0, 3) Å, ``cells``
        (n_frames, 3, 3) Å, ``times_ps`` (n_frames,), ``indices`` (n_li,) atom indices.
    origin, interface_region : sequences, length n_atoms
        Per atom of the MD cell (its atom order): ``metal`` / ``binary`` and whether it
        started within the interface region (``bulk_md_cell`` record).
    start_fit_ps
        Start of the fit window (ps).
    end_fit_ps
        Last lag fitted (ps); None: every lag.
    mcmc, max_intervals, seed
        kinisi settings (:func:`seiflow.analysis.transport.diffusion_coefficient`).
    min_msd_A2
        Least 3D-equivalent MSD (Å²) at the last interval of a diffusive group.
    min_atoms
        Groups with fewer Li are reported with NaN D* (e.g. no binary Li in the region).

    Returns
    -------
    DataFrame
        One row per (origin, group, direction): ``n_li``, ``d``, ``D_cm2_s`` (posterior
        mean), ``D_std_cm2_s``, ``D_ci95_lo_cm2_s``, ``D_ci95_hi_cm2_s``, ``msd_end_A2``,
        ``diffusive``, ``start_fit_ps``, ``end_fit_ps`` (last interval fitted, ps; NaN for
        a group left empty).

    Raises
    ------
    ValueError
        Labels not matching the trajectory's atoms, unknown origins, or kinisi's errors
        (bad shapes, a window with fewer than 3 intervals).
    """
    idx = np.asarray(traj["indices"], dtype=int)
    org, reg = _check_labels(idx, origin, interface_region)
    pos, cells, t = traj["positions"], traj["cells"], traj["times_ps"]
    drift = traj.get("framework")
    drift = drift if drift is not None and np.asarray(drift).shape[1] > 0 else None
    rows = []
    for o in ("metal", "binary"):
        for group in GROUPS:
            sel = (org == o) & (reg if group == "interface region" else True)
            for direction, dims in DIRECTIONS.items():
                row = {"origin": o, "group": group, "direction": direction,
                       "n_li": int(sel.sum()), "d": len(dims),
                       "start_fit_ps": float(start_fit_ps), "end_fit_ps": np.nan}
                if sel.sum() < max(min_atoms, 1):
                    rows.append({**row, "D_cm2_s": np.nan, "D_std_cm2_s": np.nan,
                                 "D_ci95_lo_cm2_s": np.nan, "D_ci95_hi_cm2_s": np.nan,
                                 "msd_end_A2": np.nan, "diffusive": False})
                    continue
                r = diffusion_coefficient(pos[:, sel], cells, t, start_fit_ps=start_fit_ps,
                                          end_fit_ps=end_fit_ps,
                                          dims=dims, drift_positions=drift,
                                          max_intervals=max_intervals, seed=seed,
                                          **dict(mcmc or {}))
                msd_end = float(r["msd"]["msd_A2"].iloc[-1])
                lo, hi = np.percentile(r["D_samples_cm2_s"], [2.5, 97.5])
                row["end_fit_ps"] = float(r["end_fit_ps"])
                rows.append({**row, "D_cm2_s": float(r["D_cm2_s"]),
                             "D_std_cm2_s": float(r["D_std_cm2_s"]),
                             "D_ci95_lo_cm2_s": float(lo), "D_ci95_hi_cm2_s": float(hi),
                             "msd_end_A2": msd_end,
                             "diffusive": bool(msd_end >= min_msd_A2 * len(dims) / 3.0)})
    return pd.DataFrame(rows)
