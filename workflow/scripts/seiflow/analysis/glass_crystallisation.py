"""Crystallisation of the SEI of a Li | glass slab MD run (paper 000, Zhou, Luo, An 2026).

In one Li | LiPS (75Li2S-25P2S5) glass run the SEI crystallised into a defect-rich,
P-containing Li2S (antifluorite) phase [paper 000, Fig. 5]: P sits on the 4a anion sites
(occupancy ≈ 18 %, Fig. 5c) with P-induced Li vacancies (Fig. 5b); after crystallisation the
SEI thickness grew only ≈ 0.0045 Å/ns (Fig. 5d) while the Li|SEI boundary still drifted
≈ 0.04 Å/ns toward the Li anode (Fig. S8); the Li⁺ conductivity of the crystalline SEI
(Nernst–Einstein) is "0.397 mS cm−1" on average (xy 0.329, z 0.534 mS/cm; average
(2 σ_xy + σ_z) / 3); 2 of 5 extra velocity seeds crystallise (Fig. S9).

This module measures those quantities on streamed frames (``(ase.Atoms, time_ps)`` of
:func:`seiflow.md.lammps.run_frames`):

* :func:`crystalline_sei_frame` - one frame: crystalline share of the SEI anions, P/S/Cl
  occupancy of the crystalline anion sites, Li vacancy fraction, the crystalline Li and
  the volume of the crystalline domain;
* :func:`analyse_crystallisation` - the share vs time with the SEI bounds of each frame's
  own profile window (:mod:`seiflow.analysis.glass_md` interfaces);
* :func:`crystallisation_onset_ps` - start of the first sustained crystalline run (the
  definition of :func:`seiflow.analysis.crystallinity.crystallises`, Fig. S9);
* :func:`post_onset_rates` - SEI growth rate and Li|SEI drift after the onset (Fig. 5d,
  Fig. S8);
* :func:`crystalline_sei_conductivity` - kinisi D*_xy, D*_z and Nernst–Einstein σ of the
  crystalline Li after the onset ("0.397 mS/cm").

Crystallinity criterion (documented in :func:`seiflow.analysis.crystallinity.anion_fcc_crystalline_mask`):
polyhedral template matching on the anion sublattice (S, P, Cl; all other atoms deleted),
an anion is crystalline when PTM labels it FCC (RMSD ≤ ``rmsd_cutoff``) and at least
``min_fcc_neighbours`` of its 12 nearest anions are FCC too.  PTM runs on the whole
structure; the result is restricted to the SEI region afterwards, so anions at the region
boundary see their true neighbours.

Geometry conventions as :mod:`seiflow.analysis.glass_structure`: Li metal at low z, glass above,
periodic in x, y, z; box origin ``atoms.get_celldisp()``; the SEI region of a frame is the
non-frozen atoms whose unshifted fractional z lies between the Li|SEI and SEI|SSE
midpoints (:func:`seiflow.analysis.glass_structure.region_masks`); frozen atoms are never analysed.

Pure functions; nothing is written to disk.  Units: Å, ps, K; D in cm²/s, σ in mS/cm,
rates in Å/ns.
"""

from __future__ import annotations

__all__ = [
    "FRAME_COLUMNS",
    "CONDUCTIVITY_COLUMNS",
    "analyse_crystallisation",
    "conductivity_not_computed",
    "frame_settings",
    "crystalline_sei_conductivity",
    "crystalline_sei_frame",
    "onset_crystalline_conductivity",
           "onset_crystalline_conductivity",
    "crystallisation_onset_ps",
    "post_onset_rates",
    "window_bounds_frac",
]

import itertools
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from ase import Atoms
from scipy.stats import linregress

from seiflow.analysis.crystallinity import (
    ANIONS,
    DEFAULT_PTM_RMSD_CUTOFF,
    _freud_box_points,
    anion_fcc_crystalline_mask,
    crystallises,
    li_vacancy_fraction,
    substitution_occupancy,
)
from seiflow.analysis.glass_structure import _frac_z, region_masks, window_index
from seiflow.analysis.transport import diffusion_coefficient, nernst_einstein, unwrapped_positions

#: Columns of :func:`analyse_crystallisation`.
FRAME_COLUMNS = ["t_ps", "window", "sei_lo_frac", "sei_hi_frac", "n_sei_anions",
                 "n_crystalline", "crystalline_share", "occ_P", "occ_S", "occ_Cl",
                 "li_vacancy_fraction", "n_crystalline_li", "nn_distance_A",
                 "crystal_volume_A3", "note"]

#: Columns of :func:`crystalline_sei_conductivity`.
CONDUCTIVITY_COLUMNS = ["direction", "D_cm2_s", "D_std_cm2_s", "sigma_mS_cm",
                        "sigma_std_mS_cm", "n_li", "volume_A3", "t_window_ps", "note"]

_FCC_SHELL = 12  # first neighbour shell of the fcc anion lattice
_MCMC_KEYS = {"n_samples", "n_walkers", "n_burn", "n_thin"}
_T_TOL = 1e-9  # ps, tolerance of time comparisons


def _positive(value, name: str) -> float:
    v = float(value)
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


# --------------------------------------------------------------------------- one frame
def crystalline_sei_frame(atoms: Atoms, frozen, sei_lo_frac: float, sei_hi_frac: float, *,
                          rmsd_cutoff: float = DEFAULT_PTM_RMSD_CUTOFF,
                          min_fcc_neighbours: int = 3, li_anion_cutoff_A: float = 3.0,
                          min_crystalline_neighbours: int = 3,
                          li_site_cutoff_A: float = 1.2) -> dict:
    """Crystalline Li2S-like (antifluorite) part of the SEI in one frame [paper 000, Fig. 5].

    1. SEI region: :func:`seiflow.analysis.glass_structure.region_masks` on the unshifted fractional
       z (non-frozen atoms with ``sei_lo_frac <= z <= sei_hi_frac``); NaN bounds give an
       empty region.
    2. Crystalline anions: :func:`seiflow.analysis.crystallinity.anion_fcc_crystalline_mask` (PTM on
       the anion sublattice S/P/Cl) on the **whole** structure, restricted to the SEI
       anions afterwards (boundary anions keep their true neighbour shell).
    3. On the crystalline SEI anion sites: substitution occupancy of P, S, Cl
       (:func:`seiflow.analysis.crystallinity.substitution_occupancy`; P on the 4a sites ≈ 18 %,
       Fig. 5c) and the fraction of empty tetrahedral Li sites
       (:func:`seiflow.analysis.crystallinity.li_vacancy_fraction`; P-induced vacancies, Fig. 5b).
    4. Crystalline Li: non-frozen Li with at least ``min_crystalline_neighbours``
       crystalline SEI anions within ``li_anion_cutoff_A`` (antifluorite: 4 S at
       √3 a / 4 ≈ 2.47 Å, the next anion shell at ≈ 4.7 Å), for the conductivity of the
       crystalline SEI ("0.397 mS/cm").
    5. Nearest-neighbour anion distance d_nn: the median of the distances from each
       crystalline SEI anion to its 12 nearest anions (the first fcc shell, a / √2); the
       whole shell rather than the single closest anion, whose minimum over 12 thermally
       displaced neighbours is biased low.  Crystal volume = n_crystalline · d_nn³ / √2
       (fcc anion lattice: a = √2 d_nn, a³ / 4 per anion site).

    Parameters
    ----------
    atoms : ase.Atoms
        Frame, periodic in x, y, z (box origin ``atoms.get_celldisp()``; positions may lie
        slightly outside the box).
    frozen : array of bool, shape (n_atoms,)
        Frozen top/bottom layers: never in the region, never crystalline Li (frozen anions
        remain PTM neighbours: they are physically there).
    sei_lo_frac, sei_hi_frac : float
        Fractional z of the Li|SEI and SEI|SSE midpoints (either order; NaN: empty region).
    rmsd_cutoff, min_fcc_neighbours
        PTM criterion, :func:`seiflow.analysis.crystallinity.anion_fcc_crystalline_mask`.
    li_anion_cutoff_A : float
        Li–anion distance (Å) counting a crystalline anion as a neighbour of a Li.
    min_crystalline_neighbours : int
        Crystalline SEI anions a Li needs within ``li_anion_cutoff_A`` (of 4 in the ideal
        lattice).
    li_site_cutoff_A : float
        Li-to-tetrahedral-site distance (Å), :func:`seiflow.analysis.crystallinity.li_vacancy_fraction`.

    Returns
    -------
    dict
        ``n_sei_anions`` (int), ``n_crystalline`` (int, crystalline anions in the SEI),
        ``crystalline_share`` (float, n_crystalline / n_sei_anions; NaN without SEI
        anions), ``occ_P``, ``occ_S``, ``occ_Cl`` (occupancy of the crystalline SEI anion
        sites, NaN when none), ``li_vacancy_fraction`` (empty / all tetrahedral sites of
        the crystalline SEI lattice; NaN when none), ``crystalline_li`` (bool array, shape
        (n_atoms,)), ``n_crystalline_li`` (int), ``nn_distance_A`` (Å, NaN when none),
        ``crystal_volume_A3`` (Å³, NaN when none).

    Raises
    ------
    ValueError
        ``frozen`` of the wrong shape, non-positive cutoffs, negative
        ``min_crystalline_neighbours``, or (when the SEI holds anions) as
        :func:`seiflow.analysis.crystallinity.anion_fcc_crystalline_mask` (non-periodic cell, ≤ 12
        anions, bad PTM settings).
    """
    import freud

    if not isinstance(atoms, Atoms):
        raise ValueError(f"expected an ase.Atoms, got {type(atoms).__name__}")
    n = len(atoms)
    f = np.asarray(frozen)
    if f.shape != (n,):
        raise ValueError(f"frozen must have shape ({n},), got {f.shape}")
    f = f.astype(bool)
    li_cut = _positive(li_anion_cutoff_A, "li_anion_cutoff_A")
    _positive(li_site_cutoff_A, "li_site_cutoff_A")
    k_min = int(min_crystalline_neighbours)
    if k_min != min_crystalline_neighbours or k_min < 0:
        raise ValueError("min_crystalline_neighbours must be an integer >= 0, "
                         f"got {min_crystalline_neighbours!r}")

    masks, _ = region_masks(_frac_z(atoms), f, sei_lo_frac, sei_hi_frac)
    anion = np.isin(atoms.get_chemical_symbols(), ANIONS)
    sei_anion = masks["SEI"] & anion
    n_sei = int(np.count_nonzero(sei_anion))
    nan = float("nan")
    out = {"n_sei_anions": n_sei, "n_crystalline": 0,
           "crystalline_share": nan if n_sei == 0 else 0.0,
           "occ_P": nan, "occ_S": nan, "occ_Cl": nan, "li_vacancy_fraction": nan,
           "crystalline_li": np.zeros(n, dtype=bool), "n_crystalline_li": 0,
           "nn_distance_A": nan, "crystal_volume_A3": nan}
    if n_sei == 0:
        return out

    cryst = anion_fcc_crystalline_mask(atoms, ANIONS, rmsd_cutoff=rmsd_cutoff,
                                       min_fcc_neighbours=min_fcc_neighbours) & sei_anion
    n_cryst = int(np.count_nonzero(cryst))
    out["n_crystalline"] = n_cryst
    out["crystalline_share"] = n_cryst / n_sei
    if n_cryst == 0:
        return out

    occ = substitution_occupancy(atoms, cryst)
    out.update(occ_P=occ["P"], occ_S=occ["S"], occ_Cl=occ["Cl"])
    out["li_vacancy_fraction"] = li_vacancy_fraction(atoms, cryst, cutoff_A=li_site_cutoff_A)

    box, points, _ = _freud_box_points(atoms)
    li = np.flatnonzero((atoms.numbers == 3) & ~f)
    c_idx = np.flatnonzero(cryst)
    if li.size:
        nl = (freud.locality.AABBQuery(box, points[c_idx])
              .query(points[li], {"r_max": li_cut}).toNeighborList())
        counts = np.bincount(np.asarray(nl.query_point_indices, dtype=np.int64),
                             minlength=li.size)
        out["crystalline_li"][li[counts >= k_min]] = True
    out["n_crystalline_li"] = int(np.count_nonzero(out["crystalline_li"]))

    a_idx = np.flatnonzero(anion)  # > 12 anions: anion_fcc_crystalline_mask checked it
    a_pts = points[a_idx]
    nl = (freud.locality.AABBQuery(box, a_pts)
          .query(a_pts, {"num_neighbors": _FCC_SHELL, "exclude_ii": True}).toNeighborList())
    keep = cryst[a_idx][np.asarray(nl.query_point_indices, dtype=np.int64)]
    d_nn = float(np.median(np.asarray(nl.distances, dtype=np.float64)[keep]))
    out["nn_distance_A"] = d_nn
    out["crystal_volume_A3"] = float(n_cryst * d_nn**3 / np.sqrt(2.0))
    return out


# --------------------------------------------------------------------------- onset
def crystallisation_onset_ps(time_ps, share, threshold: float, min_duration_ps: float) -> float:
    """Start time of the first sustained crystalline run [paper 000, Fig. S9].

    The first run of consecutive frames with ``share >= threshold`` spanning at least
    ``min_duration_ps`` (time of its last minus its first frame): the definition of
    :func:`seiflow.analysis.crystallinity.crystallises`, whose input checks apply.  NaN shares count
    as below the threshold.

    Parameters
    ----------
    time_ps : array, shape (n_frames,)
        Frame times (ps), finite, strictly increasing.
    share : array, shape (n_frames,)
        Crystalline share (e.g. ``crystalline_share`` of :func:`analyse_crystallisation`).
    threshold : float
        Share threshold (finite).
    min_duration_ps : float
        Minimum run duration (ps, >= 0; 0: one frame suffices).

    Returns
    -------
    float
        Time (ps) of the first frame of the first qualifying run; NaN when none.

    Raises
    ------
    ValueError
        ``share`` not 1-D, shape mismatch, empty series, non-finite or non-increasing
        times, non-finite threshold, negative duration.
    """
    s = np.asarray(share, dtype=float)
    if s.ndim != 1:
        raise ValueError(f"share must have shape (n_frames,), got {s.shape}")
    if not crystallises(s, threshold, min_duration_ps, time_ps):  # also validates
        return float("nan")
    t = np.asarray(time_ps, dtype=float)
    above = np.nan_to_num(s, nan=-np.inf) >= float(threshold)
    edges = np.diff(np.concatenate([[0], above.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    ok = t[ends] - t[starts] >= float(min_duration_ps)
    return float(t[starts[np.argmax(ok)]])


# --------------------------------------------------------------------------- time series
def window_bounds_frac(interfaces: pd.DataFrame, profiles: pd.DataFrame, window: int,
                       profile: str = "Li_pe") -> tuple[float, float]:
    """Fractional z of the Li|SEI and SEI|SSE midpoints fitted in one profile window.

    :func:`seiflow.analysis.glass_structure.fit_window_bounds_frac` for any ``window`` (not only the
    fit window -1): z0 (Å, on the window's mean-height axis) divided by that window's mean
    cell height h = median(z_A / z_frac) over its profile bins with z_frac > 0.

    Parameters
    ----------
    interfaces, profiles : pandas.DataFrame
        ``interfaces.csv`` / ``profiles.csv`` of rule glass_md_analysis (one run).
    window : int
        Window index (:func:`seiflow.analysis.glass_structure.window_index`).
    profile : str
        Fitted profile, ``"Li_pe"`` or ``"Li_density"``.

    Returns
    -------
    (lo, hi) : tuple of float
        Sorted fractional midpoints; (NaN, NaN) when the window has no fit, a NaN fit or no
        profile bins.
    """
    f = interfaces[(interfaces["window"] == window) & (interfaces["profile"] == profile)]
    z0 = f.groupby("interface")["z0_A"].first()
    p = profiles[(profiles["window"] == window) & (profiles["z_frac"] > 0)]
    nan = (float("nan"), float("nan"))
    if p.empty or not {"Li|SEI", "SEI|SSE"} <= set(z0.index):
        return nan
    h = float(np.median(p["z_A"].to_numpy(float) / p["z_frac"].to_numpy(float)))
    a, b = float(z0["Li|SEI"]) / h, float(z0["SEI|SSE"]) / h
    if not (np.isfinite(a) and np.isfinite(b)):
        return nan
    return tuple(sorted((a, b)))


def analyse_crystallisation(frames: Iterable[tuple[Atoms, float]], frozen,
                            interfaces: pd.DataFrame, profiles: pd.DataFrame, *,
                            window_ps: float, every: int = 1, profile: str = "Li_pe",
                            **frame_kwargs) -> pd.DataFrame:
    """Crystalline share of the SEI vs time in one streamed pass [paper 000, Fig. 5, Fig. S9].

    Frames 0, ``every``, 2 ``every``, ... are analysed with :func:`crystalline_sei_frame`;
    the SEI bounds of a frame are the Li|SEI and SEI|SSE midpoints fitted (profile
    ``profile``) in the frame's own window ``window_index(t, window_ps)``
    (:func:`window_bounds_frac`).  Only one frame is held at a time (memory independent of
    the trajectory length).

    Parameters
    ----------
    frames : iterable of (ase.Atoms, float)
        ``(atoms, time_ps)`` in time order (:func:`seiflow.md.lammps.run_frames`).
    frozen : array of bool, shape (n_atoms,)
        Frozen flags of the slab.
    interfaces, profiles : pandas.DataFrame
        ``interfaces.csv`` / ``profiles.csv`` of rule glass_md_analysis (one run); the fit
        window (-1) is not used.
    window_ps : float
        Profile window length (ps) of glass_md_analysis.
    every : int
        Analyse every ``every``-th frame (>= 1).
    profile : str
        Fitted profile giving the bounds (``"Li_pe"`` or ``"Li_density"``).
    **frame_kwargs
        Passed to :func:`crystalline_sei_frame` (``rmsd_cutoff``, ``min_fcc_neighbours``,
        ``li_anion_cutoff_A``, ``min_crystalline_neighbours``, ``li_site_cutoff_A``).

    Returns
    -------
    pandas.DataFrame
        One row per analysed frame, columns :data:`FRAME_COLUMNS`: ``t_ps``, ``window``,
        ``sei_lo_frac``, ``sei_hi_frac``, ``n_sei_anions``, ``n_crystalline``,
        ``crystalline_share``, ``occ_P``, ``occ_S``, ``occ_Cl``, ``li_vacancy_fraction``,
        ``n_crystalline_li``, ``nn_distance_A`` (Å), ``crystal_volume_A3`` (Å³), ``note``
        ("" or "no interface fit in window k" / "no anions in the SEI region", the row's
        share being NaN).

    Raises
    ------
    ValueError
        ``every`` < 1, ``window_ps`` <= 0, no frame analysed, or as
        :func:`crystalline_sei_frame`.
    """
    step = int(every)
    if step != every or step < 1:
        raise ValueError(f"every must be an integer >= 1, got {every!r}")
    _positive(window_ps, "window_ps")
    bounds: dict[int, tuple[float, float]] = {}
    rows = []
    for i, (atoms, t) in enumerate(frames):
        if i % step:
            continue
        k = window_index(float(t), window_ps)
        if k not in bounds:
            bounds[k] = window_bounds_frac(interfaces, profiles, k, profile)
        lo, hi = bounds[k]
        res = crystalline_sei_frame(atoms, frozen, lo, hi, **frame_kwargs)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            note = f"no interface fit in window {k}"
        elif res["n_sei_anions"] == 0:
            note = "no anions in the SEI region"
        else:
            note = ""
        rows.append({"t_ps": float(t), "window": k, "sei_lo_frac": lo, "sei_hi_frac": hi,
                     **{c: res[c] for c in FRAME_COLUMNS[4:-1]}, "note": note})
    if not rows:
        raise ValueError("no frame analysed (empty trajectory)")
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


# --------------------------------------------------------------------------- after the onset
def post_onset_rates(interfaces: pd.DataFrame, onset_ps: float, profile: str = "Li_pe",
                     min_windows: int = 3) -> dict:
    """SEI growth rate and Li|SEI boundary drift after crystallisation [paper 000, Fig. 5d,
    Fig. S8].

    Windows (``window >= 0``) of ``profile`` with ``t_start_ps >= onset_ps``; windows with a
    NaN SEI thickness or Li|SEI z0 are dropped.  Linear least-squares fits
    (``scipy.stats.linregress``) of ``sei_thickness_A`` (of the Li|SEI row) and of the
    Li|SEI ``z0_A`` against the window mid time (t_start + t_end) / 2; slopes converted
    from Å/ps to Å/ns.  Paper 000: growth ≈ 0.0045 Å/ns, boundary drift ≈ 0.04 Å/ns toward
    the anode.

    Parameters
    ----------
    interfaces : pandas.DataFrame
        ``interfaces.csv`` of rule glass_md_analysis (one run).
    onset_ps : float
        Crystallisation onset (ps, :func:`crystallisation_onset_ps`); NaN: no crystallisation.
    profile : str
        Fitted profile, ``"Li_pe"`` or ``"Li_density"``.
    min_windows : int
        Fewest finite windows for a fit (>= 3, so the slope has a standard error).

    Returns
    -------
    dict
        ``growth_A_ns``, ``growth_err_A_ns`` (slope of the SEI thickness and its standard
        error, Å/ns), ``li_boundary_drift_A_ns``, ``li_boundary_drift_err_A_ns`` (minus the
        slope of the Li|SEI z0, positive when the boundary moves toward the Li metal at low
        z, Å/ns), ``n_windows`` (windows fitted, or found when too few), ``note`` ("",
        "no crystallisation", or "only k windows after the onset"; rates NaN then).

    Raises
    ------
    ValueError
        ``min_windows`` < 3, missing columns, or a window with several Li|SEI rows of
        ``profile`` (several runs mixed).
    """
    m = int(min_windows)
    if m != min_windows or m < 3:
        raise ValueError(f"min_windows must be an integer >= 3, got {min_windows!r}")
    need = {"profile", "interface", "window", "z0_A", "sei_thickness_A", "t_start_ps",
            "t_end_ps"}
    missing = sorted(need - set(interfaces.columns))
    if missing:
        raise ValueError(f"interfaces lacks columns {missing}")
    nan = float("nan")
    out = {"growth_A_ns": nan, "growth_err_A_ns": nan, "li_boundary_drift_A_ns": nan,
           "li_boundary_drift_err_A_ns": nan, "n_windows": 0, "note": ""}
    if not np.isfinite(float(onset_ps)):
        out["note"] = "no crystallisation"
        return out
    f = interfaces[(interfaces["profile"] == profile) & (interfaces["interface"] == "Li|SEI")
                   & (interfaces["window"] >= 0)]
    if f["window"].duplicated().any():
        raise ValueError(f"several Li|SEI rows of profile {profile!r} for one window")
    f = f[f["t_start_ps"] >= float(onset_ps) - _T_TOL]
    t_mid = 0.5 * (f["t_start_ps"].to_numpy(float) + f["t_end_ps"].to_numpy(float))
    d = f["sei_thickness_A"].to_numpy(float)
    z0 = f["z0_A"].to_numpy(float)
    ok = np.isfinite(t_mid) & np.isfinite(d) & np.isfinite(z0)
    n = int(np.count_nonzero(ok))
    out["n_windows"] = n
    if n < m:
        out["note"] = f"only {n} windows after the onset"
        return out
    g = linregress(t_mid[ok], d[ok])
    b = linregress(t_mid[ok], z0[ok])
    out.update(growth_A_ns=1e3 * float(g.slope), growth_err_A_ns=1e3 * float(g.stderr),
               li_boundary_drift_A_ns=-1e3 * float(b.slope),
               li_boundary_drift_err_A_ns=1e3 * float(b.stderr))
    return out


def crystalline_sei_conductivity(frames: Iterable[tuple[Atoms, float]], li_mask, *,
                                 onset_ps: float, temperature_K: float,
                                 crystal_volume_A3: float, start_fit_ps: float,
                                 mcmc: Mapping | None = None, max_intervals: int = 200,
                                 seed: int = 0) -> pd.DataFrame:
    """Li⁺ diffusion and Nernst–Einstein conductivity of the crystalline SEI [paper 000,
    text: "0.397 mS cm−1" on average, xy 0.329, z 0.534].

    The Li of ``li_mask`` (crystalline Li at the onset frame, ``crystalline_li`` of
    :func:`crystalline_sei_frame`) are unwrapped (:func:`seiflow.analysis.transport.unwrapped_positions`,
    streamed) over the frames with t >= ``onset_ps`` (times re-zeroed at the first of them);
    kinisi D* in-plane (dims "xy", d = 2) and out-of-plane (dims "z", d = 1)
    (:func:`seiflow.analysis.transport.diffusion_coefficient`); σ = n e² D* / (k_B T) with
    n = N_Li / V (:func:`seiflow.analysis.transport.nernst_einstein`, N_Li = ``li_mask.sum()``,
    V = ``crystal_volume_A3``).  Average σ = (2 σ_xy + σ_z) / 3 (likewise D), standard
    deviation propagated treating the two directions as independent.

    Parameters
    ----------
    frames : iterable of (ase.Atoms, float)
        ``(atoms, time_ps)`` in time order, equally spaced; frames before ``onset_ps`` are
        skipped.
    li_mask : array of bool, shape (n_atoms,)
        Li atoms followed (all must be Li).
    onset_ps : float
        Crystallisation onset (ps, finite).
    temperature_K : float
        MD temperature (K, > 0).
    crystal_volume_A3 : float
        Volume of the crystalline domain (Å³, > 0; ``crystal_volume_A3`` of
        :func:`crystalline_sei_frame` at the onset).
    start_fit_ps : float
        Start of the diffusive regime, ps after the onset (kinisi fit window).
    mcmc : mapping, optional
        kinisi MCMC settings, keys among ``n_samples``, ``n_walkers``, ``n_burn``,
        ``n_thin`` (as :func:`seiflow.analysis.glass_md.species_diffusion`).
    max_intervals, seed
        :func:`seiflow.analysis.transport.diffusion_coefficient` settings.

    Returns
    -------
    pandas.DataFrame
        Rows ``direction`` = "xy", "z", "avg"; columns :data:`CONDUCTIVITY_COLUMNS`:
        ``D_cm2_s``, ``D_std_cm2_s`` (cm²/s), ``sigma_mS_cm``, ``sigma_std_mS_cm`` (mS/cm),
        ``n_li``, ``volume_A3`` (Å³), ``t_window_ps`` (ps from the onset frame to the last
        frame), ``note``.

    Raises
    ------
    ValueError
        ``li_mask`` not boolean, of the wrong shape, empty or selecting non-Li; non-finite
        ``onset_ps``; non-positive volume or temperature; unknown ``mcmc`` keys; fewer than
        4 frames after the onset; or as :func:`seiflow.analysis.transport.diffusion_coefficient`
        (unequal time steps, too short a fit window).
    """
    mask = np.asarray(li_mask)
    if mask.ndim != 1 or mask.dtype != bool:
        raise ValueError(f"li_mask must be a 1-D boolean array, got dtype {mask.dtype}, "
                         f"shape {mask.shape}")
    n_li = int(np.count_nonzero(mask))
    if n_li == 0:
        raise ValueError("li_mask selects no atoms")
    volume = _positive(crystal_volume_A3, "crystal_volume_A3")
    temperature = _positive(temperature_K, "temperature_K")
    onset = float(onset_ps)
    if not np.isfinite(onset):
        raise ValueError(f"onset_ps must be finite, got {onset_ps!r}")
    kw = dict(mcmc or {})
    bad = sorted(set(kw) - _MCMC_KEYS)
    if bad:
        raise ValueError(f"unknown mcmc keys {bad}; allowed {sorted(_MCMC_KEYS)}")

    it = iter(frames)
    first = next(((a, t) for a, t in it if float(t) >= onset - _T_TOL), None)
    if first is None:
        raise ValueError(f"no frame after the onset ({onset} ps); at least 4 are needed")
    if mask.shape != (len(first[0]),):
        raise ValueError(f"li_mask must have shape ({len(first[0])},), got {mask.shape}")
    if np.any(first[0].numbers[mask] != 3):
        raise ValueError("li_mask selects atoms that are not Li")
    times: list[float] = []

    def _after_onset():  # streams: only the unwrapped Li positions are kept
        for atoms, t in itertools.chain([first], it):
            times.append(float(t))
            yield atoms

    positions, cells = unwrapped_positions(_after_onset(), mask)
    if len(times) < 4:
        raise ValueError(f"{len(times)} frames after the onset ({onset} ps); at least 4 are needed")
    t = np.asarray(times) - times[0]
    rows = []
    res = {}
    for direction in ("xy", "z"):
        r = diffusion_coefficient(positions, cells, t, start_fit_ps=start_fit_ps, dims=direction,
                                  max_intervals=max_intervals, seed=seed, **kw)
        D, D_std = float(r["D_cm2_s"]), float(r["D_std_cm2_s"])
        res[direction] = (D, D_std)
        rows.append({"direction": direction, "D_cm2_s": D, "D_std_cm2_s": D_std,
                     "sigma_mS_cm": 1e3 * float(nernst_einstein(D, n_li, volume, temperature)),
                     "sigma_std_mS_cm": 1e3 * float(nernst_einstein(D_std, n_li, volume,
                                                                    temperature)),
                     "note": f"kinisi D* (d = {r['d']})"})
    (d_xy, s_xy), (d_z, s_z) = res["xy"], res["z"]
    D_avg = (2.0 * d_xy + d_z) / 3.0
    D_avg_std = float(np.hypot(2.0 * s_xy, s_z)) / 3.0
    rows.append({"direction": "avg", "D_cm2_s": D_avg, "D_std_cm2_s": D_avg_std,
                 "sigma_mS_cm": (2.0 * rows[0]["sigma_mS_cm"] + rows[1]["sigma_mS_cm"]) / 3.0,
                 "sigma_std_mS_cm": float(np.hypot(2.0 * rows[0]["sigma_std_mS_cm"],
                                                   rows[1]["sigma_std_mS_cm"])) / 3.0,
                 "note": "(2 xy + z) / 3; std propagated as independent"})
    out = pd.DataFrame(rows)
    out["n_li"] = n_li
    out["volume_A3"] = volume
    out["t_window_ps"] = float(t[-1])
    return out[CONDUCTIVITY_COLUMNS]


def onset_crystalline_conductivity(frames: Iterable[tuple[Atoms, float]], frozen,
                                   series: pd.DataFrame, onset_ps: float, *,
                                   frame_kwargs: Mapping | None = None, temperature_K: float,
                                   start_fit_ps: float, mcmc: Mapping | None = None,
                                   max_intervals: int = 200, seed: int = 0) -> pd.DataFrame:
    """Conductivity of the crystalline SEI of a run from its onset frame on [paper 000, text].

    The crystalline Li and the crystal volume come from :func:`crystalline_sei_frame` on the
    first frame at ``t >= onset_ps``, with the SEI bounds of the ``series`` row at that time
    (:func:`analyse_crystallisation`); that frame and every later one feed
    :func:`crystalline_sei_conductivity`.  Frames are streamed once.

    Parameters
    ----------
    frames
        ``(atoms, time_ps)`` in time order (the whole run; frames before the onset are skipped).
    frozen : array, shape (n_atoms,)
        Frozen flags.
    series
        :func:`analyse_crystallisation` rows; one must have ``t_ps`` equal to ``onset_ps``.
    onset_ps
        Crystallisation onset (ps), :func:`crystallisation_onset_ps`.
    frame_kwargs
        Keyword arguments of :func:`crystalline_sei_frame` (cutoffs).
    temperature_K, start_fit_ps, mcmc, max_intervals, seed
        As :func:`crystalline_sei_conductivity`.

    Returns
    -------
    DataFrame
        :func:`crystalline_sei_conductivity` rows (``xy``, ``z``, ``avg``).

    Raises
    ------
    ValueError
        No ``series`` row or no frame at the onset, no crystalline Li at the onset, or as
        :func:`crystalline_sei_conductivity`.
    """
    rows = series.loc[np.isclose(series["t_ps"].to_numpy(dtype=float), onset_ps)]
    if rows.empty:
        raise ValueError(f"no analysed frame at the onset t = {onset_ps} ps")
    row = rows.iloc[0]
    it = iter(frames)
    first = next(((a, t) for a, t in it if t >= onset_ps - 1e-9), None)
    if first is None:
        raise ValueError(f"no frame at t >= onset {onset_ps} ps")
    res = crystalline_sei_frame(first[0], frozen, float(row["sei_lo_frac"]),
                                float(row["sei_hi_frac"]), **dict(frame_kwargs or {}))
    if res["n_crystalline_li"] == 0:
        raise ValueError(f"no crystalline Li in the SEI at the onset t = {onset_ps} ps")
    return crystalline_sei_conductivity(
        itertools.chain([first], it), res["crystalline_li"], onset_ps=onset_ps,
        temperature_K=temperature_K, crystal_volume_A3=res["crystal_volume_A3"],
        start_fit_ps=start_fit_ps, mcmc=mcmc, max_intervals=max_intervals, seed=seed)


def frame_settings(c: Mapping) -> dict:
    """Keyword arguments of :func:`crystalline_sei_frame` from the config block
    ``glass.md_analysis.crystallisation``.

    Parameters
    ----------
    c
        Config block with ``ptm_rmsd_cutoff``, ``min_fcc_neighbours``, ``li_anion_cutoff_A``
        (Å), ``min_crystalline_neighbours``, ``li_site_cutoff_A`` (Å).

    Returns
    -------
    dict
        ``rmsd_cutoff``, ``min_fcc_neighbours``, ``li_anion_cutoff_A``,
        ``min_crystalline_neighbours``, ``li_site_cutoff_A``.

    Raises
    ------
    KeyError
        A key listed above is missing.
    """
    return {"rmsd_cutoff": c["ptm_rmsd_cutoff"], "min_fcc_neighbours": c["min_fcc_neighbours"],
            "li_anion_cutoff_A": c["li_anion_cutoff_A"],
            "min_crystalline_neighbours": c["min_crystalline_neighbours"],
            "li_site_cutoff_A": c["li_site_cutoff_A"]}


def conductivity_not_computed(note: str) -> pd.DataFrame:
    """Conductivity table of a run without a crystalline SEI: one NaN row per direction
    (``xy``, ``z``, ``avg``) with ``note`` as the reason, columns :data:`CONDUCTIVITY_COLUMNS`."""
    return pd.DataFrame([{**{c: np.nan for c in CONDUCTIVITY_COLUMNS}, "direction": d,
                          "note": note} for d in ("xy", "z", "avg")], columns=CONDUCTIVITY_COLUMNS)
