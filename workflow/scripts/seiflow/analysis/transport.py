"""Ion transport from MD trajectories: unwrapping, MSD, D*, Arrhenius, conductivity.

Pure functions: ASE ``Atoms`` frames / numpy arrays in, numpy arrays, dicts and
DataFrames out.  No file is written here.  Units: Å, ps, K, eV; diffusion
coefficients in cm²/s, conductivities in S/cm.

Sources
-------
* [TOR] J. T. Bullerjahn, S. von Bülow, M. Heidari, J. Hénin, G. Hummer,
  "Unwrapping NPT simulations to calculate diffusion coefficients",
  J. Chem. Theory Comput. 19, 3406 (2023), doi:10.1021/acs.jctc.3c00308; and
  S. von Bülow, J. T. Bullerjahn, G. Hummer, J. Chem. Phys. 153, 021101 (2020).
  Toroidal-view-preserving unwrapping u(i+1) = u(i) + Δw − L(i+1) round(L(i+1)⁻¹ Δw),
  Δw = w(i+1) − w(i) (wrapped Cartesian positions), L(i+1) the cell of the new frame.
  kinisi implements exactly this step (``Parser.orthorhombic_calculate_displacements``,
  which cites the JCTC paper), and it is used here frame by frame.
* [kinisi] A. R. McCluskey et al., "kinisi: Bayesian analysis of mass transport from
  molecular dynamics simulations", J. Open Source Softw. 9, 5984 (2024); A. R. McCluskey,
  S. W. Coles, B. J. Morgan, "Accurate estimation of diffusion coefficients and their
  uncertainties from computer simulation", J. Chem. Theory Comput. 21, 79 (2025),
  doi:10.1021/acs.jctc.4c01249.  Multiple-origin MSD with its covariance, approximate
  Bayesian (generalised least squares + MCMC) regression MSD = 2 d D* t + c.
* [Einstein] D* = lim MSD(t) / (2 d t), d the number of Cartesian components in the MSD:
  paper 000 (Zhou et al.) Methods, d = 1 (z) and d = 2 (xy), Table 2; paper 002 (Wang et
  al.) Eq. 6, in-plane / out-of-plane D*, Fig. 4 and Table S8; paper 003 (Baer et al.) Eq. 1.
* [NE] Nernst–Einstein σ = n (z e)² D* / (k_B T H_R), n = N / V: paper 003 Eq. 2 (H_R = 1);
  collective conductivity from the mean squared charge displacement (MSCD, "mean squared
  total displacement" of paper 003, Fig. S7), σ = lim ⟨|Σ_i z_i e Δr_i(t)|²⟩ / (2 d V k_B T t),
  with kinisi's ``ConductivityAnalyzer``.
* [Arrhenius] D*(T) = D0 exp(−E_a / k_B T): paper 002 Eq. 7 and Fig. 3, paper 003 Fig. 5
  (extrapolation to 300 K).
* [window-fit] Fit window of D*: paper 003 (Baer et al.) Methods, "the MSD is only calculated
  within the relevant region where the MSD vs. t curve follows the linear Einstein
  relationship"; the linear regime judged on lags with enough independent time origins
  (the last lags have a single origin and are the noisiest points of the MSD [kinisi]).
* [window] Window-averaged MSD of atoms classified at given origins: paper 001 (Ding et
  al.) Fig. 2b (origins 5, 10, 15, 20, 25 ns, MSD over the subsequent 2 ns).

kinisi notes (version 2.1.0)
----------------------------
Its file parsers (ASE, pymatgen, MDAnalysis) prepend a copy of the first frame and
compute interval indices as ``int(k Δt / Δt)``, which truncates for some k (with
Δt = 0.1 ps, k = 43 becomes 42).  The array route used here, a ``kinisi.parser.Parser``
given positions that are already unwrapped, sets the integer intervals explicitly, so
the MSD at every interval is the ordinary multiple-origin MSD (tested against
:func:`msd_table`).
"""

from __future__ import annotations

__all__ = [
    "DIMS",
    "KB_EV",
    "arrhenius_fit",
    "conductivity_collective",
    "diffusion_coefficient",
    "FitWindowWarning",
    "diffusive_window",
    "extrapolate_D",
    "msd_table",
    "nernst_einstein",
    "unwrapped_positions",
    "window_msd",
]

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import scipp as sc
from ase import Atoms
from kinisi.conductivity_analyzer import ConductivityAnalyzer
from kinisi.diffusion_analyzer import DiffusionAnalyzer
from kinisi.displacement import calculate_msd, calculate_mstd
from kinisi.parser import Parser
from scipy import constants
from scipy.optimize import curve_fit

KB_EV = constants.physical_constants["Boltzmann constant in eV/K"][0]  # eV/K
DIMS = {"x": [0], "y": [1], "z": [2], "xy": [0, 1], "xz": [0, 2], "yz": [1, 2], "xyz": [0, 1, 2]}
"""Accepted ``dims`` strings and their Cartesian columns; d = number of columns."""


# --------------------------------------------------------------------------- unwrapping
def _selection(atoms: Atoms, indices) -> np.ndarray:
    n = len(atoms)
    if indices is None:
        return np.arange(n)
    if isinstance(indices, str) or (
        isinstance(indices, Sequence) and len(indices) and isinstance(indices[0], str)
    ):
        symbols = [indices] if isinstance(indices, str) else list(indices)
        sel = np.flatnonzero(np.isin(atoms.get_chemical_symbols(), symbols))
    else:
        arr = np.asarray(indices)
        if arr.dtype == bool:
            if arr.shape != (n,):
                raise ValueError(f"boolean indices must have shape ({n},), got {arr.shape}")
            sel = np.flatnonzero(arr)
        else:
            sel = arr.astype(int).ravel()
            if sel.size and (sel.min() < -n or sel.max() >= n):
                raise ValueError(f"indices outside 0..{n - 1}")
    if sel.size == 0:
        raise ValueError("the selection contains no atoms")
    return sel


def _tor_step(frac_prev: np.ndarray, frac: np.ndarray, cell_prev: np.ndarray,
              cell: np.ndarray) -> np.ndarray:
    """One TOR step (Å) with kinisi's implementation; frac_* (n, 3), cell_* (3, 3)."""
    coords = sc.array(dims=["time", "particle", "dimension"], values=np.stack([frac_prev, frac]))
    latt = sc.array(dims=["time", "dimension1", "dimension2"], values=np.stack([cell_prev, cell]),
                    unit="angstrom")
    return Parser.orthorhombic_calculate_displacements(coords, latt).values[0]


def unwrapped_positions(
    frames: Iterable[Atoms], indices=None, max_step: float = 0.4
) -> tuple[np.ndarray, np.ndarray]:
    """Unwrapped positions of selected atoms, streamed frame by frame (TOR scheme).

    Only the previous frame's fractional coordinates and cell are kept between frames, so
    ``frames`` may be a generator over a long trajectory (e.g. atoms of
    :func:`seiflow.md.lammps.run_frames`).  Each step is the [TOR] minimum-image step
    u(i+1) = u(i) + Δw − L(i+1) round(L(i+1)⁻¹ Δw) on the Cartesian wrapped positions
    (computed by kinisi), which is correct when the cell changes between frames (NPT):
    it keeps the box-rescaling motion of the wrapped trajectory and never adds image
    counts × cell changes.  The rounding is done in fractional coordinates of the new
    cell, valid for orthorhombic and (small-step) triclinic cells.  Positions of frame 0
    are the raw positions of frame 0.

    Parameters
    ----------
    frames
        ASE ``Atoms`` in time order, same atoms in the same order in every frame, with a
        3D cell.  With ``run_frames``: ``(a for a, _ in run_frames(...))`` (keep the times
        from :func:`seiflow.md.lammps.dump_times_ps`).
    indices
        Atoms to keep: ``None`` (all), integer indices, a boolean mask (n_atoms,), or a
        chemical symbol / list of symbols resolved on frame 0.
    max_step
        Largest allowed minimum-image step of any atom between consecutive frames, as a
        fraction of a cell vector; a larger step could be a wrap of a move of more than
        half a cell (aliasing), so it is refused.

    Returns
    -------
    positions : ndarray, shape (n_frames, n_sel, 3), float64, Å
        Unwrapped Cartesian positions.
    cells : ndarray, shape (n_frames, 3, 3), float64, Å
        Cell of each frame (rows are cell vectors).

    Raises
    ------
    ValueError
        No frames, an empty selection, a frame with a different number of atoms (or a
        different ``id`` order), a degenerate cell, or a step larger than ``max_step``.
    """
    pos_out, cell_out = [], []
    sel = ids0 = frac_prev = cell_prev = u = None
    for k, atoms in enumerate(frames):
        if sel is None:
            sel, n_atoms = _selection(atoms, indices), len(atoms)
            ids0 = atoms.arrays.get("id")
        elif len(atoms) != n_atoms:
            raise ValueError(f"frame {k} has {len(atoms)} atoms, frame 0 has {n_atoms}")
        elif ids0 is not None and not np.array_equal(atoms.arrays.get("id"), ids0):
            raise ValueError(f"frame {k}: atom ids differ from frame 0")
        cell = np.array(atoms.cell[:], dtype=float)
        if abs(np.linalg.det(cell)) < 1e-9:
            raise ValueError(f"frame {k} has no 3D cell")
        raw = np.asarray(atoms.positions[sel], dtype=float)
        frac = raw @ np.linalg.inv(cell)
        if u is None:
            u = raw.copy()
        else:
            step = _tor_step(frac_prev, frac, cell_prev, cell)
            big = np.abs(step @ np.linalg.inv(cell)).max()
            if big > max_step:
                raise ValueError(f"frame {k}: an atom moved {big:.2f} of a cell vector since "
                                 f"the previous frame (> max_step={max_step}); "
                                 "frames too far apart to unwrap")
            u = u + step
        pos_out.append(u)
        cell_out.append(cell)
        frac_prev, cell_prev = frac, cell
    if u is None:
        raise ValueError("no frames")
    return np.stack(pos_out), np.stack(cell_out)


# --------------------------------------------------------------------------- input checks
def _trajectory(positions, times_ps) -> tuple[np.ndarray, np.ndarray, float]:
    pos = np.asarray(positions, dtype=float)
    if pos.ndim != 3 or pos.shape[2] != 3:
        raise ValueError(f"positions must have shape (n_frames, n_atoms, 3), got {pos.shape}")
    t = np.asarray(times_ps, dtype=float)
    if t.shape != (pos.shape[0],):
        raise ValueError(f"times_ps must have shape ({pos.shape[0]},), got {t.shape}")
    if pos.shape[0] < 3:
        raise ValueError("at least 3 frames are needed")
    steps = np.diff(t)
    dt = float(steps.mean())
    if dt <= 0 or np.abs(steps - dt).max() > 1e-6 * dt:
        raise ValueError("times_ps must increase in equal steps")
    return pos, t, dt


def _columns(dims: str) -> list[int]:
    if dims not in DIMS:
        raise ValueError(f"dims must be one of {sorted(DIMS)}, got {dims!r}")
    return DIMS[dims]


# --------------------------------------------------------------------------- plain MSD
def msd_table(positions, times_ps, dims: str = "xyz", max_lag_ps: float | None = None,
              lag_stride: int = 1) -> pd.DataFrame:
    """Ordinary multiple-time-origin MSD (numpy, float64), for figures.

    MSD(kΔt) = ⟨|r_i(t + kΔt) − r_i(t)|²⟩ averaged over every origin t and atom i, the
    squared displacement summed over the components in ``dims`` (not divided by d).

    Parameters
    ----------
    positions : array, shape (n_frames, n_atoms, 3), Å
        Unwrapped positions (:func:`unwrapped_positions`).
    times_ps : array, shape (n_frames,), ps
        Equally spaced frame times.
    dims
        Components: "xyz", "xy", "z", ... (see :data:`DIMS`).
    max_lag_ps
        Longest lag (default: the whole trajectory).
    lag_stride
        Use every ``lag_stride``-th lag.

    Returns
    -------
    DataFrame
        ``dt_ps``; ``msd_A2`` (Å²); ``sem_A2`` (Å², standard error over atoms of the
        origin-averaged per-atom MSD; NaN for one atom); ``n`` (number of origins).

    Raises
    ------
    ValueError
        Bad shapes, unequal time steps, unknown ``dims``.
    """
    pos, _, dt = _trajectory(positions, times_ps)
    cols = _columns(dims)
    n_frames, n_atoms = pos.shape[:2]
    k_max = n_frames - 1 if max_lag_ps is None else min(n_frames - 1, int(round(max_lag_ps / dt)))
    lags = np.arange(1, k_max + 1, max(int(lag_stride), 1))
    p = pos[:, :, cols]
    msd, sem = np.empty(lags.size), np.empty(lags.size)
    for j, k in enumerate(lags):
        per_atom = np.square(p[k:] - p[:-k]).sum(-1).mean(0)
        msd[j] = per_atom.mean()
        sem[j] = per_atom.std(ddof=1) / np.sqrt(n_atoms) if n_atoms > 1 else np.nan
    return pd.DataFrame({"dt_ps": lags * dt, "msd_A2": msd, "sem_A2": sem, "n": n_frames - lags})


def window_msd(positions, times_ps, origins_ps, window_ps: float, selection,
               dims: str = "xyz") -> pd.DataFrame:
    """Window-averaged MSD of atoms selected at each time origin [window].

    For origin j (frame o_j) and lag k ≤ window: squared displacements
    |r_i(o_j + k) − r_i(o_j)|² (summed over ``dims``) of the atoms with
    ``selection[j, i]``, pooled over all origins and selected atoms.

    Parameters
    ----------
    positions : array, shape (n_frames, n_atoms, 3), Å
        Unwrapped positions.
    times_ps : array, shape (n_frames,), ps
        Equally spaced frame times.
    origins_ps : array, shape (n_origins,), ps
        Origin times; each must be a frame time (to 1e-6 of a frame interval).
    window_ps
        Window length after each origin (ps); must fit in the trajectory.
    selection : bool array, shape (n_origins, n_atoms)
        Atoms included at each origin (e.g. HCP Li classified on the origin frame).
    dims
        Components (see :data:`DIMS`): "xy" in-plane, "z" out-of-plane.

    Returns
    -------
    DataFrame
        ``lag_ps`` (0 … window), ``msd_A2`` (Å²), ``sem_A2`` (Å², standard error treating
        every (origin, atom) pair as independent), ``n`` (number of pairs).

    Raises
    ------
    ValueError
        Bad shapes, an origin off the frame grid, a window past the end, or no atom
        selected at any origin.
    """
    pos, t, dt = _trajectory(positions, times_ps)
    cols = _columns(dims)
    origins = np.atleast_1d(np.asarray(origins_ps, dtype=float))
    sel = np.asarray(selection, dtype=bool)
    if sel.shape != (origins.size, pos.shape[1]):
        raise ValueError(f"selection must have shape ({origins.size}, {pos.shape[1]}), "
                         f"got {sel.shape}")
    m = int(round(window_ps / dt))
    o_idx = np.rint((origins - t[0]) / dt).astype(int)
    if np.any(np.abs(t[0] + o_idx * dt - origins) > 1e-6 * dt) or np.any(o_idx < 0):
        raise ValueError("origins_ps must lie on the frame grid")
    if np.any(o_idx + m > pos.shape[0] - 1):
        raise ValueError(f"a window of {window_ps} ps after an origin runs past the trajectory")
    s1, s2, n = np.zeros(m + 1), np.zeros(m + 1), 0
    for j, o in enumerate(o_idx):
        atoms = np.flatnonzero(sel[j])
        if atoms.size == 0:
            continue
        seg = pos[o:o + m + 1][:, atoms][:, :, cols]
        sq = np.square(seg - seg[0]).sum(-1)  # (m + 1, n_sel)
        s1 += sq.sum(1)
        s2 += np.square(sq).sum(1)
        n += atoms.size
    if n == 0:
        raise ValueError("no atom selected at any origin")
    msd = s1 / n
    var = np.clip(s2 - n * msd**2, 0.0, None) / (n - 1) if n > 1 else np.full(m + 1, np.nan)
    return pd.DataFrame({"lag_ps": np.arange(m + 1) * dt, "msd_A2": msd,
                         "sem_A2": np.sqrt(var / n), "n": n})


class FitWindowWarning(UserWarning):
    """The diffusive regime was not found and a fallback fit window is used."""


def _ols_slope(t: np.ndarray, y: np.ndarray, lo: float, hi: float) -> float:
    """Least-squares slope of y(t) over lo ≤ t ≤ hi (NaN with fewer than 3 points)."""
    eps = 1e-9 * max(abs(hi), 1.0)
    sel = (t >= lo - eps) & (t <= hi + eps)
    return float(np.polyfit(t[sel], y[sel], 1)[0]) if sel.sum() >= 3 else np.nan


def diffusive_window(dt_ps, msd_A2, rtol: float = 0.05, min_origins: int = 3,
                     duration_ps: float | None = None) -> dict:
    """Fit window of the linear (diffusive) MSD regime, judged on well-sampled lags [window-fit].

    In the diffusive regime MSD(t) = 2 d D* t + c (the model kinisi fits [kinisi]), so the
    slope dMSD/dt no longer changes with t.  Only lags with at least ``min_origins``
    non-overlapping time origins are used: t ≤ t_rel = T / ``min_origins``, T the
    trajectory length (the last lag of a full MSD table); the last lags, with one or two
    independent origins, are the noisiest points of the MSD.  For each candidate start
    t ≤ t_rel / 3 the slope just after it, s_loc (least squares over one octave of lag,
    [t, 2 t]), is compared with the slope of everything after that, s_ref (least squares
    over [2 t, t_rel], a window at least as long); the start is the earliest t with
    s_ref > 0 and |s_loc / s_ref − 1| ≤ ``rtol``: the vibrational / caged rise, steeper
    than the diffusive slope, has died out, and the slope stays the same up to t_rel.  The
    window is [start, t_rel].  When no candidate passes (a short run, or a caged MSD whose
    slope keeps falling), the latest candidate t_rel / 3 is returned with ``fallback``
    True and a :class:`FitWindowWarning` is raised.

    Parameters
    ----------
    dt_ps : array, shape (n,)
        Increasing lags (ps), e.g. ``msd_table(...).dt_ps``.
    msd_A2 : array, shape (n,)
        MSD (Å²) at those lags.
    rtol
        Relative tolerance on s_loc / s_ref − 1.
    min_origins
        Least number of non-overlapping time origins of a lag in the window (≥ 1).
    duration_ps
        Trajectory length T (ps); default the last lag.

    Returns
    -------
    dict
        ``start_fit_ps`` (ps); ``reliable_lag_ps`` (t_rel, ps: the end of the fit window);
        ``method`` ("linear_onset"); ``fallback`` (bool); ``local_slope_A2_ps`` (s_loc) and
        ``reference_slope_A2_ps`` (s_ref) at the start (Å²/ps); ``note`` (why a fallback
        was used, else "").

    Raises
    ------
    ValueError
        Fewer than 3 lags, mismatched shapes, ``min_origins`` < 1, or too few lags below
        t_rel to judge (no candidate start with 3 lags in [t, 2 t]).

    Warns
    -----
    FitWindowWarning
        When the fallback start is returned.
    """
    t, y = np.asarray(dt_ps, dtype=float), np.asarray(msd_A2, dtype=float)
    if t.ndim != 1 or t.size < 3 or y.shape != t.shape:
        raise ValueError("need at least 3 lags with matching MSD values")
    if int(min_origins) < 1:
        raise ValueError("min_origins must be >= 1")
    T = float(t[-1] if duration_ps is None else duration_ps)
    t_rel = T / int(min_origins)
    slopes = [(t0, _ols_slope(t, y, t0, 2.0 * t0), _ols_slope(t, y, 2.0 * t0, t_rel))
              for t0 in t[3.0 * t <= t_rel * (1 + 1e-9)]]
    slopes = [c for c in slopes if np.isfinite(c[1]) and np.isfinite(c[2])]
    if not slopes:
        raise ValueError(f"too few lags below T / min_origins = {t_rel:.4g} ps to judge the "
                         "diffusive regime")
    for t0, loc, ref in slopes:
        if ref > 0 and abs(loc / ref - 1.0) <= rtol:
            return {"start_fit_ps": float(t0), "reliable_lag_ps": t_rel,
                    "method": "linear_onset", "fallback": False, "local_slope_A2_ps": loc,
                    "reference_slope_A2_ps": ref, "note": ""}
    t0, loc, ref = slopes[-1]
    note = (f"no lag <= {t0:.4g} ps (T/{3 * int(min_origins)}) where the MSD slope over "
            f"[t, 2t] matches the slope over [2t, {t_rel:.4g} ps] within {rtol:g}: the MSD "
            f"is not linear on well-sampled lags; fallback start {t0:.4g} ps")
    warnings.warn(note, FitWindowWarning, stacklevel=2)
    return {"start_fit_ps": float(t0), "reliable_lag_ps": t_rel, "method": "linear_onset",
            "fallback": True, "local_slope_A2_ps": loc, "reference_slope_A2_ps": ref,
            "note": note}


# --------------------------------------------------------------------------- kinisi
class _UnwrappedParser(Parser):
    """kinisi ``Parser`` fed with already-unwrapped Cartesian positions (Å).

    ``coords`` holds Cartesian unwrapped positions, so the displacement from frame 0 is
    a plain difference; the cells (``latt``) are used for the mean volume only.
    """

    @staticmethod
    def orthorhombic_calculate_displacements(coords, lattice):
        return sc.array(dims=["obs", *coords.dims[1:]],
                        values=coords.values[1:] - coords.values[0], unit=coords.unit)

    non_orthorhombic_calculate_displacements = orthorhombic_calculate_displacements


def _kinisi_parser(positions, cells, times_ps, dims, drift_positions, max_intervals):
    pos, _, dt = _trajectory(positions, times_ps)
    _columns(dims)
    n_frames, n_sel = pos.shape[:2]
    cells = np.asarray(cells, dtype=float)
    if cells.shape == (3, 3):
        cells = np.broadcast_to(cells, (n_frames, 3, 3))
    if cells.shape != (n_frames, 3, 3):
        raise ValueError(f"cells must have shape ({n_frames}, 3, 3) or (3, 3), got {cells.shape}")
    if drift_positions is not None:
        drift = np.asarray(drift_positions, dtype=float)
        if drift.ndim != 3 or drift.shape[0] != n_frames or drift.shape[2] != 3:
            raise ValueError("drift_positions must have shape (n_frames, n_ref, 3)")
        pos = np.concatenate([pos, drift], axis=1)
    coords = sc.array(dims=["time", "particle", "dimension"], values=pos, unit="angstrom")
    latt = sc.array(dims=["time", "dimension1", "dimension2"], values=cells, unit="angstrom")
    parser = _UnwrappedParser(
        coords, latt, time_step=sc.scalar(dt, unit="ps"), step_skip=sc.scalar(1),
        specie_indices=sc.array(dims=["particle"], values=np.arange(n_sel)),
        drift_indices=sc.array(dims=["particle"], values=np.arange(n_sel, pos.shape[1])),
        dimension=dims)
    k = np.arange(1, n_frames)
    if k.size > max_intervals:
        k = np.unique(np.rint(np.linspace(1, n_frames - 1, int(max_intervals))).astype(int))
    # Exact integer intervals (kinisi's int(kΔt/Δt) truncates for some k).
    parser.dt_index = sc.array(dims=["time interval"], values=k)
    parser.dt = sc.array(dims=["time interval"], values=k * dt, unit="ps")
    return parser


def _mean_volume(cells) -> float:
    """Mean |det| of the cells (Å³), the volume kinisi uses for σ."""
    c = np.asarray(cells, dtype=float)
    return float(np.mean(np.abs(np.linalg.det(c.reshape(-1, 3, 3)))))


def _fit_window(dg: sc.DataGroup, start_fit_ps: float, end_fit_ps: float | None
                ) -> tuple[sc.DataGroup, float, int]:
    """kinisi data limited to intervals ≤ ``end_fit_ps`` (all for None), the last interval
    kept (ps) and the number of intervals in [start, end]; ≥ 3 intervals are required."""
    t = dg["da"].coords["time interval"].values
    keep = t.size if end_fit_ps is None else int(np.count_nonzero(t <= end_fit_ps * (1 + 1e-9)))
    n_fit = int(np.count_nonzero(t[:keep] >= start_fit_ps))
    if end_fit_ps is not None and end_fit_ps <= start_fit_ps:
        raise ValueError(f"end_fit_ps={end_fit_ps} must be after start_fit_ps={start_fit_ps}")
    if n_fit < 3:
        raise ValueError(f"start_fit_ps={start_fit_ps} leaves fewer than 3 MSD points "
                         f"(last interval {t[keep - 1]:.4g} ps)")
    fit = sc.DataGroup({**dg, "da": dg["da"]["time interval", :keep].copy()})
    return fit, float(t[keep - 1]), n_fit


def _summary(samples: np.ndarray, prefix: str, unit: str) -> dict:
    lo, med, hi = np.percentile(samples, [2.5, 50.0, 97.5])
    return {f"{prefix}_{unit}": float(np.mean(samples)),
            f"{prefix}_std_{unit}": float(np.std(samples, ddof=1)),
            f"{prefix}_median_{unit}": float(med),
            f"{prefix}_ci95_{unit}": (float(lo), float(hi)),
            f"{prefix}_samples_{unit}": np.asarray(samples, dtype=float)}


def _mcmc_kwargs(n_samples, n_walkers, n_burn, n_thin, seed) -> dict:
    return {"n_samples": int(n_samples), "n_walkers": int(n_walkers), "n_burn": int(n_burn),
            "n_thin": int(n_thin), "progress": False,
            "random_state": np.random.RandomState(seed)}


def diffusion_coefficient(
    positions, cells, times_ps, *, start_fit_ps: float, end_fit_ps: float | None = None,
    dims: str = "xyz",
    drift_positions=None, max_intervals: int = 200, n_samples: int = 1000,
    n_walkers: int = 32, n_burn: int = 500, n_thin: int = 10, seed: int = 0,
) -> dict:
    """Tracer diffusion coefficient D* from kinisi's Bayesian MSD regression [kinisi].

    kinisi computes the multiple-origin MSD and its covariance and samples
    MSD = 2 d D* t + c (MCMC, emcee) over intervals ``start_fit_ps`` ≤ t ≤ ``end_fit_ps``
    [Einstein]; d = len(dims).  The returned MSD table covers every interval.

    Parameters
    ----------
    positions : array, shape (n_frames, n_atoms, 3), Å
        Unwrapped positions of the diffusing atoms (:func:`unwrapped_positions`).
    cells : array, shape (n_frames, 3, 3) or (3, 3), Å
        Cells (only their mean volume is used, reported as ``volume_A3``).
    times_ps : array, shape (n_frames,), ps
        Equally spaced frame times.
    start_fit_ps
        Start of the diffusive regime (ps); at least 3 intervals must lie in the window.
    end_fit_ps
        Last lag fitted (ps), e.g. :func:`diffusive_window`'s ``reliable_lag_ps``; default
        the last interval.
    dims
        "xyz" (d = 3), "xy" (in-plane, d = 2), "z" (out-of-plane, d = 1), ... (:data:`DIMS`).
    drift_positions : array, shape (n_frames, n_ref, 3), optional
        Unwrapped positions of framework atoms; their mean displacement is subtracted
        (kinisi drift correction).  Default: no correction.
    max_intervals
        At most this many time intervals (evenly spaced frame multiples) enter the MSD;
        kinisi's covariance costs O(n_intervals²).
    n_samples, n_walkers, n_burn, n_thin
        emcee settings (kinisi defaults 1000, 32, 500, 10).
    seed
        Seeds kinisi's MCMC (kinisi seeds numpy's global generator from it).

    Returns
    -------
    dict
        ``D_cm2_s`` (posterior mean), ``D_std_cm2_s``, ``D_median_cm2_s``,
        ``D_ci95_cm2_s`` (2.5 and 97.5 percentiles), ``D_samples_cm2_s`` (array);
        ``msd`` DataFrame (``dt_ps``, ``msd_A2``, ``msd_std_A2`` (standard deviation of the
        mean, kinisi), ``n_samples`` (kinisi's independent-sample count)); ``n_atoms``,
        ``dims``, ``d``, ``start_fit_ps``, ``end_fit_ps`` (last interval fitted, ps),
        ``n_fit_intervals`` (intervals in the fit window), ``volume_A3`` (mean cell volume),
        ``intercept_A2`` (posterior mean of c).

    Raises
    ------
    ValueError
        Bad shapes, unequal time steps, unknown ``dims``, an end before the start, or a
        fit window with fewer than 3 intervals.
    """
    parser = _kinisi_parser(positions, cells, times_ps, dims, drift_positions, max_intervals)
    analyzer = DiffusionAnalyzer(parser)
    full = calculate_msd(parser, progress=False)  # as kinisi's from_* constructors
    analyzer._dg, end, n_fit = _fit_window(full, start_fit_ps, end_fit_ps)
    analyzer.diffusion(sc.scalar(float(start_fit_ps), unit="ps"),
                       **_mcmc_kwargs(n_samples, n_walkers, n_burn, n_thin, seed))
    da = full["da"]
    out = _summary(sc.to_unit(analyzer.D, "cm^2/s").values, "D", "cm2_s")
    out["msd"] = pd.DataFrame({
        "dt_ps": da.coords["time interval"].values, "msd_A2": da.values,
        "msd_std_A2": np.sqrt(da.variances), "n_samples": da.coords["n_samples"].values})
    out.update(n_atoms=int(analyzer.n_atoms), dims=dims, d=len(DIMS[dims]),
               start_fit_ps=float(start_fit_ps),
               end_fit_ps=end, n_fit_intervals=n_fit, volume_A3=_mean_volume(cells),
               intercept_A2=float(np.mean(analyzer.intercept.values)))
    return out


def conductivity_collective(
    positions, cells, times_ps, temperature_K: float, *, start_fit_ps: float,
    end_fit_ps: float | None = None, charge: float = 1.0, dims: str = "xyz",
    drift_positions=None, max_intervals: int = 200,
    n_samples: int = 1000, n_walkers: int = 32, n_burn: int = 500, n_thin: int = 10,
    seed: int = 0,
) -> dict:
    """Ionic conductivity from the mean squared charge displacement [NE], with kinisi.

    σ = lim ⟨|Σ_i z e Δr_i(t)|²⟩ / (2 d V k_B T t) over the selected ions (one centre of
    charge, all ions of charge ``charge``), fitted by kinisi's ``ConductivityAnalyzer``
    regression over ``start_fit_ps`` ≤ t ≤ ``end_fit_ps``.  Includes ion–ion correlations
    (Haven ratio ≠ 1), unlike :func:`nernst_einstein`; it is much noisier than D*.

    Parameters
    ----------
    positions, cells, times_ps, start_fit_ps, end_fit_ps, dims, drift_positions, max_intervals
        As :func:`diffusion_coefficient`; V is the mean cell volume.
    temperature_K
        Temperature (K).
    charge
        Ionic charge z in units of e (Li⁺: 1).
    n_samples, n_walkers, n_burn, n_thin, seed
        MCMC settings as :func:`diffusion_coefficient`.

    Returns
    -------
    dict
        ``sigma_S_cm`` (posterior mean), ``sigma_std_S_cm``, ``sigma_median_S_cm``,
        ``sigma_ci95_S_cm``, ``sigma_samples_S_cm``; ``mscd`` DataFrame (``dt_ps``,
        ``mscd_e2A2`` = ⟨|Σ z e Δr|²⟩ / N, ``mscd_std_e2A2``, ``n_samples``); ``n_ions``,
        ``volume_A3``, ``dims``, ``d``, ``temperature_K``, ``start_fit_ps``, ``end_fit_ps``,
        ``n_fit_intervals``.

    Raises
    ------
    ValueError
        As :func:`diffusion_coefficient`, or a non-positive temperature.
    """
    if temperature_K <= 0:
        raise ValueError("temperature_K must be positive")
    parser = _kinisi_parser(positions, cells, times_ps, dims, drift_positions, max_intervals)
    analyzer = ConductivityAnalyzer(parser)
    full = calculate_mstd(parser, 1, sc.scalar(float(charge), unit="e"), progress=False)
    analyzer._dg, end, n_fit = _fit_window(full, start_fit_ps, end_fit_ps)
    analyzer.conductivity(sc.scalar(float(start_fit_ps), unit="ps"),
                          sc.scalar(float(temperature_K), unit="K"),
                          **_mcmc_kwargs(n_samples, n_walkers, n_burn, n_thin, seed))
    da = full["da"]
    out = _summary(sc.to_unit(analyzer.sigma, "S/cm").values, "sigma", "S_cm")
    out["mscd"] = pd.DataFrame({
        "dt_ps": da.coords["time interval"].values, "mscd_e2A2": da.values,
        "mscd_std_e2A2": np.sqrt(da.variances), "n_samples": da.coords["n_samples"].values})
    out.update(n_ions=int(analyzer.n_atoms), volume_A3=_mean_volume(cells), dims=dims,
               d=len(DIMS[dims]), temperature_K=float(temperature_K),
               start_fit_ps=float(start_fit_ps), end_fit_ps=end, n_fit_intervals=n_fit)
    return out


# --------------------------------------------------------------------------- NE, Arrhenius
def nernst_einstein(D_cm2_s, n_ions: float, volume_A3: float, temperature_K: float,
                    charge: float = 1.0, haven_ratio: float = 1.0):
    """Nernst–Einstein conductivity σ = n (z e)² D* / (k_B T H_R) [NE].

    Parameters
    ----------
    D_cm2_s : float or array
        Tracer diffusion coefficient(s) (cm²/s); a directional D* (d = 1, 2) gives the
        conductivity along those directions.
    n_ions
        Number of mobile ions N in the volume.
    volume_A3
        Volume V (Å³); n = N / V.
    temperature_K
        Temperature (K).
    charge
        Ionic charge z (units of e).
    haven_ratio
        H_R = D* / D_σ (1: uncorrelated ions, as in paper 003).

    Returns
    -------
    float or ndarray
        σ (S/cm), same shape as ``D_cm2_s``.

    Raises
    ------
    ValueError
        Non-positive ``n_ions``, ``volume_A3``, ``temperature_K`` or ``haven_ratio``.
    """
    if min(n_ions, volume_A3, temperature_K, haven_ratio) <= 0:
        raise ValueError("n_ions, volume_A3, temperature_K and haven_ratio must be positive")
    n_cm3 = n_ions / (volume_A3 * 1e-24)
    q = charge * constants.e
    # cm^-3 C^2 (cm^2/s) / J = C^2 / (J s cm) = S/cm
    return n_cm3 * q**2 * np.asarray(D_cm2_s, dtype=float)[()] / (
        constants.k * temperature_K * haven_ratio)


def _ln_arrhenius(inv_T, ln_D0, Ea_eV):
    return ln_D0 - Ea_eV * inv_T / KB_EV


def arrhenius_fit(T_K, D, D_err=None) -> dict:
    """Weighted Arrhenius fit ln D = ln D0 − E_a / (k_B T) [Arrhenius].

    Weighted least squares in ln D with σ(ln D) = D_err / D (``scipy.optimize.curve_fit``,
    ``absolute_sigma=True``); without ``D_err`` an unweighted fit whose parameter errors
    are scaled by the residual scatter.  Works for any Arrhenius-like quantity (D*, σ T).

    Parameters
    ----------
    T_K : array, shape (n,)
        Temperatures (K), n ≥ 2 distinct (n ≥ 3 without ``D_err``).
    D : array, shape (n,)
        Values (> 0, e.g. cm²/s).
    D_err : array, shape (n,), optional
        One-standard-deviation errors of ``D``.

    Returns
    -------
    dict
        ``Ea_eV``, ``Ea_err_eV``, ``D0``, ``D0_err`` (first order, D0 σ(ln D0)), ``ln_D0``,
        ``ln_D0_err``, ``cov`` (2×2 covariance of (ln D0, Ea_eV)), ``chi2_red``, ``n``.

    Raises
    ------
    ValueError
        Mismatched shapes, non-positive T, D or D_err, or too few temperatures.
    """
    T = np.asarray(T_K, dtype=float)
    y = np.asarray(D, dtype=float)
    if T.ndim != 1 or y.shape != T.shape:
        raise ValueError("T_K and D must be 1-D arrays of the same length")
    if np.any(T <= 0) or np.any(y <= 0):
        raise ValueError("T_K and D must be positive")
    if np.unique(T).size < (2 if D_err is not None else 3):
        raise ValueError("too few distinct temperatures for the fit and its errors")
    x, lny = 1.0 / T, np.log(y)
    sigma = None
    if D_err is not None:
        err = np.asarray(D_err, dtype=float)
        if err.shape != T.shape or np.any(err <= 0):
            raise ValueError("D_err must be positive and shaped like D")
        sigma = err / y
    slope, icept = np.polyfit(x, lny, 1)
    p, cov = curve_fit(_ln_arrhenius, x, lny, p0=[icept, -slope * KB_EV], sigma=sigma,
                       absolute_sigma=sigma is not None)
    resid = (lny - _ln_arrhenius(x, *p)) / (1.0 if sigma is None else sigma)
    dof = T.size - 2
    ln_D0_err, Ea_err = np.sqrt(np.diag(cov))
    D0 = float(np.exp(p[0]))
    return {"Ea_eV": float(p[1]), "Ea_err_eV": float(Ea_err), "D0": D0,
            "D0_err": D0 * float(ln_D0_err), "ln_D0": float(p[0]), "ln_D0_err": float(ln_D0_err),
            "cov": cov, "chi2_red": float(resid @ resid / dof) if dof > 0 else np.nan,
            "n": int(T.size)}


def extrapolate_D(fit: dict, T_K):
    """Arrhenius value at temperature(s) T with propagated error.

    ln D(T) = ln D0 − E_a / (k_B T); var(ln D) = J C Jᵀ with J = (1, −1/(k_B T)) and C the
    fit covariance; D_err = D √var(ln D) (first order).

    Parameters
    ----------
    fit
        Result of :func:`arrhenius_fit`.
    T_K : float or array
        Temperature(s) (K), > 0.

    Returns
    -------
    (D, D_err)
        Floats for a scalar ``T_K``, else arrays shaped like it (units of the fitted D).

    Raises
    ------
    ValueError
        Non-positive temperature.
    """
    T = np.asarray(T_K, dtype=float)
    if np.any(T <= 0):
        raise ValueError("T_K must be positive")
    J = np.stack([np.ones_like(T), -1.0 / (KB_EV * T)], axis=-1)
    D = np.exp(_ln_arrhenius(1.0 / T, fit["ln_D0"], fit["Ea_eV"]))
    var = np.einsum("...i,ij,...j->...", J, np.asarray(fit["cov"]), J)
    err = D * np.sqrt(var)
    return (float(D), float(err)) if T.ndim == 0 else (D, err)
