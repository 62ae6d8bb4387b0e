"""Li | glass slab MD analyses of paper 000 (Zhou, Luo, An 2026): Fig. 2 and Fig. 6 / Table 2.

One pass over the frames of a production run of a Li(100) | glass slab
(:func:`seiflow.md.lammps.run_frames`) gives

* z-profiles per time window (number / mass density per element, mean per-atom potential
  energy ``c_pe`` per element, :class:`seiflow.analysis.profiles.ZProfileAccumulator`) and their
  two-step logistic fits (:func:`seiflow.analysis.profiles.interface_positions`) -> Li|SEI and
  SEI|SSE midpoints and widths vs time [paper 000, Methods; Fig. 2];
* the "fit window" (the last ``fit_window_ps`` of the run): its own profile and fit define
  the SEI region = atoms whose z at the *first frame of the fit window* lies between the
  Li|SEI and SEI|SSE midpoints (frozen atoms never count); the unwrapped positions of the
  mobile atoms over the fit window give the MSD and, with kinisi, D_xy (d = 2) and D_z
  (d = 1) per species of the atoms selected [paper 000, Methods (MSD with d = 1, 2);
  Fig. 6, Table 2].  Selecting once at the window start (not per origin) follows the
  paper's "MSD of selected atoms"; atoms that leave the SEI during the window stay in.

Geometry (:func:`seiflow.builders.glass.li_glass_slab`): Li metal at low z, glass above, periodic
along z; the lowest and highest ``freeze_A`` (7 Å) are frozen (per-atom ``frozen`` array of
the slab) and are excluded from every profile, fit and MSD [paper 000, Methods].  z is the
unshifted fractional z times the mean cell height of the window (Å), the convention of
:mod:`seiflow.analysis.profiles`.

Pure functions (no file written, no plotting); the figures are drawn by
:mod:`seiflow.plot.glass_md`.
Units: Å, ps, eV; D in cm²/s.
"""

from __future__ import annotations

__all__ = [
    "DIRECTIONS",
    "PUBLISHED_TAB2_1E7_CM2_S",
    "PUBLISHED_WIDTHS_A",
    "analyse_glass_run",
    "fig2_table",
    "fit_profile_interfaces",
    "frozen_atom_ids",
    "profile_z_range",
    "sei_frame_counts",
    "sei_region_mask",
    "species_diffusion",
    "tab2_table",
]

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from ase import Atoms

from seiflow.analysis.profiles import (ZProfileAccumulator, fit_logistic_step,
                                       interface_positions)
from seiflow.analysis.transport import diffusion_coefficient, msd_table, unwrapped_positions

#: direction -> kinisi dims (paper 000: D_xy with d = 2, D_z with d = 1)
DIRECTIONS = {"xy": "xy", "z": "z"}

#: Paper 000 Table 2: (composition, species) -> (D_xy, D_z) in 1e-7 cm²/s.
PUBLISHED_TAB2_1E7_CM2_S = {
    ("LiSiS", "Li"): (1.79, 4.16), ("LiSiPS", "Li"): (2.30, 5.25), ("LiPS", "Li"): (2.30, 5.51),
    ("LiSiS", "Si"): (0.25, 5.23), ("LiSiPS", "Si"): (0.27, 6.79),
    ("LiSiPS", "P"): (0.36, 7.71), ("LiPS", "P"): (0.27, 9.92),
    ("LiSiS", "S"): (0.15, 4.60), ("LiSiPS", "S"): (0.21, 6.43), ("LiPS", "S"): (0.25, 9.94),
}

#: Paper 000 Results (Fig. 2 d-f, Li potential-energy profile at 1 ns): transition widths (Å).
PUBLISHED_WIDTHS_A = {
    ("LiPS", "Li|SEI"): 4.28, ("LiSiS", "Li|SEI"): 5.09, ("LiSiPS", "Li|SEI"): 5.62,
    ("LiPS", "SEI|SSE"): 10.5, ("LiSiS", "SEI|SSE"): 22.0, ("LiSiPS", "SEI|SSE"): 22.0,
}

#: profile columns fitted: label -> (column of ZProfileAccumulator.result, species)
FIT_PROFILES = {"Li_pe": ("mean_c_pe", "Li"), "Li_density": ("number_density_A3", "Li")}

_INTERFACE_COLUMNS = ["z0_A", "z0_err_A", "w_A", "w_err_A", "width_A", "width_err_A",
                      "amplitude", "r2", "sei_thickness_A", "sei_thickness_err_A"]


def frozen_atom_ids(frozen) -> np.ndarray:
    """1-based LAMMPS ids of the frozen atoms of a slab (per-atom bool/int array ``frozen``,
    data-file order = atom order); shape (n_frozen,)."""
    f = np.asarray(frozen).astype(bool).ravel()
    return np.flatnonzero(f) + 1


def profile_z_range(atoms: Atoms, frozen, pad_A: float = 0.5) -> tuple[float, float]:
    """Fractional z range (lo, hi) spanned by the mobile atoms of ``atoms`` ± ``pad_A``,
    clipped to [0, 1]: the binned range of the profiles (frozen layers outside).

    Raises
    ------
    ValueError
        If every atom is frozen or ``frozen`` has the wrong shape.
    """
    f = np.asarray(frozen, dtype=bool)
    if f.shape != (len(atoms),):
        raise ValueError(f"frozen must have shape ({len(atoms)},), got {f.shape}")
    if f.all():
        raise ValueError("every atom is frozen")
    h = float(atoms.cell[2, 2])
    zlo = float(np.asarray(atoms.get_celldisp()).ravel()[2])
    u = np.mod((atoms.positions[~f, 2] - zlo) / h, 1.0)
    return max(0.0, float(u.min()) - pad_A / h), min(1.0, float(u.max()) + pad_A / h)


def fit_profile_interfaces(profile: pd.DataFrame, width_factor: float | None = None
                           ) -> pd.DataFrame:
    """Two-step logistic fits (Li metal at low z) of the Li potential-energy and Li density
    profiles of one window -> Li|SEI and SEI|SSE rows (:func:`seiflow.analysis.profiles.
    interface_positions` columns ``z0_A`` ... ``sei_thickness_err_A``) with ``profile``
    (``Li_pe`` / ``Li_density``) and ``note``.  A profile that cannot be fitted (too few
    bins, no convergence) gives NaN rows and the reason in ``note``, never an error."""
    rows = []
    kw = {} if width_factor is None else {"width_factor": width_factor}
    for label, (column, species) in FIT_PROFILES.items():
        try:
            fit = interface_positions(profile, species=species, column=column, side=None,
                                      metal_side="low", n_steps=2, **kw)
            for r in fit.to_dict("records"):
                rows.append({"profile": label, "interface": r["interface"],
                             **{k: r[k] for k in _INTERFACE_COLUMNS}, "note": ""})
        except (ValueError, RuntimeError) as err:
            for name in ("Li|SEI", "SEI|SSE"):
                rows.append({"profile": label, "interface": name,
                             **{k: np.nan for k in _INTERFACE_COLUMNS},
                             "note": f"fit failed: {err}"})
    return pd.DataFrame(rows)


def sei_region_mask(z_A, z_li_sei_A: float, z_sei_sse_A: float, frozen) -> np.ndarray:
    """Atoms in the SEI: z between the Li|SEI and SEI|SSE midpoints and not frozen.

    Parameters
    ----------
    z_A : array, shape (n_atoms,)
        z of every atom in the profile frame (Å).
    z_li_sei_A, z_sei_sse_A : float
        Fitted midpoints (Å; either order).  NaN selects nothing.
    frozen : array, shape (n_atoms,)
        Frozen flags (always excluded).

    Returns
    -------
    np.ndarray of bool, shape (n_atoms,)
    """
    z = np.asarray(z_A, dtype=float)
    f = np.asarray(frozen, dtype=bool)
    if f.shape != z.shape:
        raise ValueError(f"frozen must have shape {z.shape}, got {f.shape}")
    if not (np.isfinite(z_li_sei_A) and np.isfinite(z_sei_sse_A)):
        return np.zeros(z.shape, dtype=bool)
    lo, hi = sorted((float(z_li_sei_A), float(z_sei_sse_A)))
    return (z >= lo) & (z <= hi) & ~f


def sei_frame_counts(z_frac, volumes_A3, times_ps, symbols, frozen, z_li_sei_A: float,
                     z_sei_sse_A: float, h_mean_A: float, species: Sequence[str]
                     ) -> pd.DataFrame:
    """Atoms of each species in the SEI region, frame by frame [paper 000, Table 1].

    The SEI region of every frame is the slab between the fitted Li|SEI and SEI|SSE
    midpoints (Å on the mean-height z axis of the fit-window profile, :mod:`seiflow.analysis.profiles`
    convention: z = fractional z x ``h_mean_A``); frozen atoms never count.  Its volume in a
    frame of volume V is V (z_hi - z_lo) / ``h_mean_A`` (the fractional slab thickness times
    the frame's cell volume, exact for cells with c along z).

    Parameters
    ----------
    z_frac : array, shape (n_frames, n_atoms)
        Unshifted fractional z of every atom in each frame (in [0, 1)).
    volumes_A3, times_ps : arrays, shape (n_frames,)
        Cell volume (Å³) and time (ps) of each frame.
    symbols, frozen : arrays, shape (n_atoms,)
        Element and frozen flag of every atom.
    z_li_sei_A, z_sei_sse_A : float
        Fitted midpoints (Å; either order).  NaN: NaN counts.
    h_mean_A : float
        Mean cell height (Å) of the fit window (the profile's z axis).
    species
        Elements counted (one ``n_<X>`` column each; absent elements count 0).

    Returns
    -------
    pandas.DataFrame
        One row per frame: ``t_ps``, ``z_lo_A``, ``z_hi_A``, ``volume_sei_A3``, ``n_<X>``.

    Raises
    ------
    ValueError
        On inconsistent shapes or ``h_mean_A`` <= 0.
    """
    zf = np.asarray(z_frac, dtype=float)
    vol = np.asarray(volumes_A3, dtype=float)
    t = np.asarray(times_ps, dtype=float)
    sym = np.asarray(symbols)
    f = np.asarray(frozen, dtype=bool)
    if zf.ndim != 2 or vol.shape != (zf.shape[0],) or t.shape != vol.shape:
        raise ValueError("z_frac must be (n_frames, n_atoms) with volumes/times (n_frames,)")
    if sym.shape != (zf.shape[1],) or f.shape != sym.shape:
        raise ValueError("symbols and frozen must have one entry per atom of z_frac")
    if not h_mean_A > 0:
        raise ValueError(f"h_mean_A must be > 0, got {h_mean_A}")
    out = pd.DataFrame({"t_ps": t})
    if not (np.isfinite(z_li_sei_A) and np.isfinite(z_sei_sse_A)):
        lo = hi = np.nan
        out = out.assign(z_lo_A=lo, z_hi_A=hi, volume_sei_A3=np.nan)
        for s in species:
            out[f"n_{s}"] = np.nan
        return out
    lo, hi = sorted((float(z_li_sei_A), float(z_sei_sse_A)))
    z = zf * h_mean_A
    inside = (z >= lo) & (z <= hi) & ~f[None, :]
    out = out.assign(z_lo_A=lo, z_hi_A=hi, volume_sei_A3=vol * (hi - lo) / h_mean_A)
    for s in species:
        out[f"n_{s}"] = (inside & (sym == s)[None, :]).sum(axis=1).astype(int)
    return out


def _frame_z_A(atoms: Atoms, h_mean: float) -> np.ndarray:
    zlo = float(np.asarray(atoms.get_celldisp()).ravel()[2])
    h = float(atoms.cell[2, 2])
    return np.mod((atoms.positions[:, 2] - zlo) / h, 1.0) * h_mean


def analyse_glass_run(frames: Iterable[tuple[Atoms, float]], frozen, *, window_ps: float,
                      fit_start_ps: float, bin_width_A: float, species: Sequence[str],
                      width_factor: float | None = None) -> dict:
    """One streamed pass over a Li | glass run: windowed profiles, fits, SEI selection and
    the unwrapped trajectory of the mobile atoms over the fit window.

    Parameters
    ----------
    frames
        ``(atoms, time_ps)`` in time order with per-atom ``c_pe`` (eV), e.g.
        :func:`seiflow.md.lammps.run_frames`.
    frozen : array, shape (n_atoms,)
        Frozen flags of the slab (excluded everywhere).
    window_ps
        Profile window length (ps): frames with t in ((k) w, (k + 1) w] form window k (t = 0
        belongs to window 0).
    fit_start_ps
        Start of the fit window (ps): its frames t >= fit_start_ps give the SEI-region profile
        and fit, the SEI selection (first frame) and the MSD.
    bin_width_A
        Profile bin width (Å).
    species
        Elements profiled (the study's type map).

    Returns
    -------
    dict
        ``profiles`` (DataFrame: window rows of :meth:`ZProfileAccumulator.result` with
        ``window`` (int, -1 for the fit window), ``t_start_ps``, ``t_end_ps``);
        ``interfaces`` (DataFrame: :func:`fit_profile_interfaces` rows with ``window``,
        ``t_start_ps``, ``t_end_ps``); ``sei`` (bool (n_atoms,), SEI atoms at the fit-window
        start); ``symbols`` (n_atoms,); ``z_start_A`` (n_atoms,); ``positions``
        (n_fit_frames, n_mobile, 3) Å unwrapped mobile atoms; ``mobile`` (n_mobile,) atom
        indices; ``cells``; ``times_ps`` (fit-window times from 0); ``sei_counts``
        (DataFrame, :func:`sei_frame_counts` of every fit-window frame with the fit
        window's Li potential-energy midpoints, ``t_ps`` on the run clock).

    Raises
    ------
    ValueError
        No frame in the fit window, or as the accumulators / unwrapping.
    """
    f = np.asarray(frozen, dtype=bool)
    if window_ps <= 0:
        raise ValueError("window_ps must be > 0")
    windows: dict[int, ZProfileAccumulator] = {}
    bounds: dict[int, list[float]] = {}
    fit_acc = None
    first: dict = {}
    fit_times: list[float] = []
    fit_zfrac: list[np.ndarray] = []
    fit_volumes: list[float] = []
    z_range = None

    def acc():
        return ZProfileAccumulator(bin_width_A, list(species), z_range_frac=z_range,
                                   quantities=("c_pe",))

    def fit_frames():
        nonlocal fit_acc, z_range
        for atoms, t in frames:
            if f.shape != (len(atoms),):
                raise ValueError(f"frozen has {f.size} flags for {len(atoms)} atoms")
            if z_range is None:
                z_range = profile_z_range(atoms, f)
            k = max(0, int(np.ceil(t / window_ps - 1e-9)) - 1)
            windows.setdefault(k, acc()).update(atoms, mask=~f)
            b = bounds.setdefault(k, [t, t])
            b[1] = t
            if t >= fit_start_ps - 1e-9:
                if fit_acc is None:
                    fit_acc = acc()
                    first.update(atoms=atoms.copy(), t=t)
                fit_acc.update(atoms, mask=~f)
                fit_times.append(float(t))
                fit_zfrac.append(_frame_z_A(atoms, 1.0).astype(np.float32))  # counts later
                fit_volumes.append(float(atoms.get_volume()))
                yield atoms

    try:
        pos, cells = unwrapped_positions(fit_frames(), np.flatnonzero(~f))
    except ValueError as err:
        if not fit_times:
            raise ValueError(f"no frame at t >= fit_start_ps={fit_start_ps}") from err
        raise
    profs, fits = [], []
    items = [(k, windows[k], bounds[k]) for k in sorted(windows)]
    items.append((-1, fit_acc, [fit_times[0], fit_times[-1]]))
    fit_rows = None
    for k, a, (t0, t1) in items:
        p = a.result().assign(window=k, t_start_ps=t0, t_end_ps=t1)
        r = fit_profile_interfaces(p, width_factor).assign(window=k, t_start_ps=t0, t_end_ps=t1)
        profs.append(p)
        fits.append(r)
        if k == -1:
            fit_rows, h_mean = r, a.mean_cell_height_A
    pe = fit_rows[fit_rows["profile"] == "Li_pe"].set_index("interface")["z0_A"]
    z_start = _frame_z_A(first["atoms"], h_mean)
    sei = sei_region_mask(z_start, pe["Li|SEI"], pe["SEI|SSE"], f)
    symbols = np.array(first["atoms"].get_chemical_symbols())
    counts = sei_frame_counts(np.asarray(fit_zfrac), fit_volumes, fit_times, symbols, f,
                              pe["Li|SEI"], pe["SEI|SSE"], h_mean, species)
    return {"profiles": pd.concat(profs, ignore_index=True),
            "interfaces": pd.concat(fits, ignore_index=True), "sei": sei,
            "symbols": symbols, "sei_counts": counts,
            "z_start_A": z_start, "positions": pos, "mobile": np.flatnonzero(~f),
            "cells": cells, "times_ps": np.asarray(fit_times) - fit_times[0]}


def species_diffusion(positions, cells, times_ps, symbols, selected, species: Sequence[str],
                      start_fit_ps: float, *, mcmc: Mapping | None = None,
                      max_intervals: int = 200, min_atoms: int = 2, min_msd_A2: float = 1.0,
                      seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MSD and kinisi D_xy (d = 2), D_z (d = 1) per species of the selected atoms
    [paper 000, Methods; Fig. 6, Table 2].

    Parameters
    ----------
    positions : array, shape (n_frames, n, 3), Å
        Unwrapped positions of the candidate atoms (e.g. the mobile atoms).
    cells : array, shape (n_frames, 3, 3), Å
    times_ps : array, shape (n_frames,)
    symbols, selected : arrays, shape (n,)
        Element and selection flag (SEI region, frozen excluded) of each candidate atom.
    species
        Elements reported (a species absent from the run gives a NaN row, note ``absent``).
    start_fit_ps
        Start of the kinisi fit (ps from the window start).
    mcmc, max_intervals, seed
        kinisi settings (:func:`seiflow.analysis.transport.diffusion_coefficient`).
    min_atoms
        Groups with fewer selected atoms give NaN D with a note.
    min_msd_A2
        3D-equivalent MSD (Å²) the last interval must reach for ``diffusive`` (scaled by
        d / 3 per direction).

    Returns
    -------
    (DataFrame, DataFrame)
        D rows per (species, direction): ``species``, ``direction``, ``d``, ``n_atoms``,
        ``D_cm2_s``, ``D_std_cm2_s``, ``D_ci95_lo_cm2_s``, ``D_ci95_hi_cm2_s``,
        ``msd_end_A2``, ``diffusive``, ``start_fit_ps``, ``note``; and plain MSD rows
        (:func:`seiflow.analysis.transport.msd_table`) with ``species``, ``direction``.
    """
    sym = np.asarray(symbols)
    sel = np.asarray(selected, dtype=bool)
    pos = np.asarray(positions, dtype=float)
    if sym.shape != sel.shape or pos.ndim != 3 or pos.shape[1] != sym.size:
        raise ValueError("symbols, selected and positions[:, i] must describe the same atoms")
    rows, msds = [], []
    for s in species:
        grp = sel & (sym == s)
        n = int(grp.sum())
        for direction, dims in DIRECTIONS.items():
            row = {"species": s, "direction": direction, "d": len(dims), "n_atoms": n,
                   "D_cm2_s": np.nan, "D_std_cm2_s": np.nan, "D_ci95_lo_cm2_s": np.nan,
                   "D_ci95_hi_cm2_s": np.nan, "msd_end_A2": np.nan, "diffusive": False,
                   "start_fit_ps": float(start_fit_ps), "note": ""}
            if not (sym == s).any():
                rows.append({**row, "note": f"absent: no {s} in this composition"})
                continue
            if n < max(int(min_atoms), 1):
                rows.append({**row, "note": f"{n} {s} in the SEI region (< min_atoms={min_atoms})"})
                continue
            m = msd_table(pos[:, grp], times_ps, dims=dims)
            msds.append(m.assign(species=s, direction=direction))
            row["msd_end_A2"] = float(m["msd_A2"].iloc[-1])
            row["diffusive"] = bool(row["msd_end_A2"] >= min_msd_A2 * len(dims) / 3.0)
            try:
                r = diffusion_coefficient(pos[:, grp], cells, times_ps,
                                          start_fit_ps=start_fit_ps, dims=dims,
                                          max_intervals=max_intervals, seed=seed,
                                          **dict(mcmc or {}))
            except ValueError as err:
                rows.append({**row, "diffusive": False, "note": f"no kinisi fit: {err}"})
                continue
            lo, hi = np.percentile(r["D_samples_cm2_s"], [2.5, 97.5])
            rows.append({**row, "D_cm2_s": float(r["D_cm2_s"]),
                         "D_std_cm2_s": float(r["D_std_cm2_s"]),
                         "D_ci95_lo_cm2_s": float(lo), "D_ci95_hi_cm2_s": float(hi)})
    msd = (pd.concat(msds, ignore_index=True) if msds else
           pd.DataFrame(columns=["dt_ps", "msd_A2", "sem_A2", "n", "species", "direction"]))
    return pd.DataFrame(rows), msd


#: Columns that state the kinisi fit window of a D* row (issue 20: every D* table reports it).
FIT_WINDOW_COLUMNS = ("start_fit_ps", "end_fit_ps", "fit_window_method", "fit_window_fallback")


def tab2_table(diffusion: pd.DataFrame) -> pd.DataFrame:
    """Table 2 layout: one row per (composition, species) with D_xy and D_z (cm²/s, std and
    95 % interval), Dz/Dxy, ``diffusive`` (both directions), notes and the published values
    of paper 000 Table 2 (``paper_D_xy_cm2_s``, ``paper_D_z_cm2_s``, ``paper_Dz_over_Dxy``;
    NaN where the paper gives none).

    ``diffusion``: :func:`species_diffusion` rows with a ``composition`` column.  The fit
    window of each row (``start_fit_ps``, ``end_fit_ps`` in ps, ``fit_window_method``,
    ``fit_window_fallback``; :data:`FIT_WINDOW_COLUMNS`) is carried over where present.
    """
    out = []
    for (comp, s), g in diffusion.groupby(["composition", "species"], sort=False):
        d = g.set_index("direction")
        row = {"composition": comp, "species": s, "n_atoms": int(d["n_atoms"].iloc[0])}
        for direction in DIRECTIONS:
            r = d.loc[direction]
            row[f"D_{direction}_cm2_s"] = r["D_cm2_s"]
            row[f"D_{direction}_std_cm2_s"] = r["D_std_cm2_s"]
            row[f"D_{direction}_ci95_lo_cm2_s"] = r["D_ci95_lo_cm2_s"]
            row[f"D_{direction}_ci95_hi_cm2_s"] = r["D_ci95_hi_cm2_s"]
        with np.errstate(divide="ignore", invalid="ignore"):
            row["Dz_over_Dxy"] = (row["D_z_cm2_s"] / row["D_xy_cm2_s"]
                                  if row["D_xy_cm2_s"] > 0 else np.nan)
        row["diffusive"] = bool(d["diffusive"].all())
        for col in FIT_WINDOW_COLUMNS:  # the kinisi fit window (same for both directions)
            if col in d.columns:
                row[col] = d[col].iloc[0]
        row["note"] = "; ".join(sorted({n for n in d["note"] if n}))
        pub = PUBLISHED_TAB2_1E7_CM2_S.get((comp, s))
        row["paper_D_xy_cm2_s"] = pub[0] * 1e-7 if pub else np.nan
        row["paper_D_z_cm2_s"] = pub[1] * 1e-7 if pub else np.nan
        row["paper_Dz_over_Dxy"] = pub[1] / pub[0] if pub else np.nan
        out.append(row)
    return pd.DataFrame(out)


# ----------------------------------------------------------------------------- figure tables
def fig2_table(profiles: pd.DataFrame, interfaces: pd.DataFrame) -> pd.DataFrame:
    """Paper 000 Fig. 2 data: the last profile window of every composition with the two-step
    logistic fit of the mean Li potential energy along z.

    The fit is the deterministic :func:`seiflow.analysis.profiles.fit_logistic_step`
    (``n_steps=2``) of :func:`seiflow.analysis.profiles.interface_positions`, evaluated at
    the Li bins; it is made only where every fitted ``Li_pe`` midpoint of that window is
    finite [paper 000, Methods; Fig. 2].

    Parameters
    ----------
    profiles : pandas.DataFrame
        :func:`analyse_glass_run` ``profiles`` rows with ``composition`` (``window``,
        ``species``, ``z_A`` in Å, ``mean_c_pe`` in eV, ...); windows < 0 are ignored.
    interfaces : pandas.DataFrame
        :func:`analyse_glass_run` ``interfaces`` rows with ``composition``.

    Returns
    -------
    pandas.DataFrame
        The last-window profile rows of each composition (in order of first appearance)
        with ``fit_c_pe_eV`` (eV; the fitted curve at the Li rows, NaN elsewhere or without
        a fit).

    Raises
    ------
    IndexError
        A composition without a profile window >= 0.
    ValueError
        No compositions (nothing to concatenate).
    """
    comps = list(dict.fromkeys(profiles["composition"]))
    keep = []
    for comp in comps:
        p = profiles[(profiles["composition"] == comp) & (profiles["window"] >= 0)]
        last = p[p["window"] == p["window"].max()].copy()
        fits = interfaces[(interfaces["composition"] == comp)
                          & (interfaces["window"] == last["window"].iloc[0])]
        li = last[last["species"] == "Li"]
        pe = fits[fits["profile"] == "Li_pe"].set_index("interface")
        last["fit_c_pe_eV"] = np.nan
        if np.isfinite(pe["z0_A"]).all():
            zz = li["z_A"].to_numpy()
            ok = np.isfinite(li["mean_c_pe"].to_numpy())
            # same deterministic fit as interface_positions, for the curve
            fit = fit_logistic_step(zz[ok], li["mean_c_pe"].to_numpy()[ok], n_steps=2)
            last.loc[li.index, "fit_c_pe_eV"] = fit(zz)
        keep.append(last.assign(composition=comp))
    return pd.concat(keep, ignore_index=True)
