"""Window-averaged MSD of Li-metal atoms by local crystal structure (paper 001 Fig. 2b).

At each time origin the Li of the metal region (intact-PS4 regions, the metal region of
paper 001 Fig. 2a) are classified by polyhedral template matching into BCC, HCP, FCC and
other; the MSD of each class is then followed over the window after that origin and pooled
over all origins and atoms: in-plane (xy, d = 2), out-of-plane (z, d = 1) and total (xyz).

Everything is streamed: frames are consumed one at a time by the TOR unwrapping of
:func:`seiflow.analysis.transport.unwrapped_positions` (correct under NPT); the origin frames are
classified on the fly.  The largest object kept is the unwrapped Li positions,
(n_frames, n_Li, 3) float64.

Pure functions: ``(ase.Atoms, time_ps)`` frames in, DataFrames out; nothing is written.
Units: Å, ps; D in cm²/s.

Sources
-------
* [paper 001, Fig. 2b] Ding et al.: "Window-averaged mean square displacements (MSD) for
  BCC and HCP Li within slabs.  Li atoms belonging to the BCC and HCP phases are identified
  based on MD frames at 5, 10, 15, 20, and 25 ns.  The MSD is calculated over the subsequent
  2 ns, averaging over all atoms."  Text: BCC Li only vibrates, HCP Li near the boundary
  diffuses in-plane (Li creep) and, out of plane, into the SEI.  The "slabs" (dashed boxes of
  Fig. 2a) are not defined further; here they are the metal region of
  :func:`seiflow.analysis.sei_structure.frame_regions` (everything outside the SEI and the
  intact-PS4 electrolyte).
* PTM: :func:`seiflow.analysis.crystallinity.ptm_structure_types` on the Li sublattice (OVITO;
  Larsen et al. 2016, ref. [54] of paper 001), as for Fig. 2a.  ICO and SC matches count as
  "other" (paper 001 colours only BCC, HCP, FCC and other).
* MSD: :func:`seiflow.analysis.transport.window_msd` ([window] source there).

The heavy imports (kinisi via :mod:`seiflow.analysis.transport`, OVITO/freud via
:mod:`seiflow.analysis.sei_structure`) happen inside the functions that need them, so that the
workflow can call :func:`check_windows` while it parses its config.
"""

from __future__ import annotations

__all__ = [
    "DIMS_OUT",
    "PHASES",
    "check_windows",
    "classify_metal_li",
    "phase_window_msd",
    "window_msd_of_run",
    "window_summary",
]

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from ase import Atoms

from seiflow.md.lammps import dump_times_ps, run_frames

#: Li classes of paper 001 Fig. 2a/b (PTM ICO and SC are "other").
PHASES = ("BCC", "HCP", "FCC", "other")
#: MSD components reported: total, in-plane, out-of-plane (see seiflow.analysis.transport.DIMS).
DIMS_OUT = ("xyz", "xy", "z")
#: Label of atoms outside the classified set (non-Li, or Li outside the metal region).
EXCLUDED = "excluded"

A2_PS_TO_CM2_S = 1e-4  # 1 Å²/ps = 1e-16 cm² / 1e-12 s


# --------------------------------------------------------------------------- checks
def _origins(origins_ps) -> np.ndarray:
    o = np.atleast_1d(np.asarray(origins_ps, dtype=float))
    if o.ndim != 1 or o.size == 0:
        raise ValueError("origins_ps must be a non-empty list of times (ps)")
    if not np.all(np.isfinite(o)) or np.any(np.diff(o) <= 0):
        raise ValueError(f"origins_ps must be finite and strictly increasing, got {o.tolist()}")
    return o


def check_windows(times_ps: Sequence[float], origins_ps, window_ps: float
                  ) -> tuple[np.ndarray, int]:
    """Check that every origin is a frame and its window fits in the run.

    Parameters
    ----------
    times_ps : array, shape (n_frames,), ps
        Frame times of the run, equally spaced (e.g.
        :func:`seiflow.md.lammps.dump_times_ps`, whose clock starts at the first NVT frame).
    origins_ps : array, shape (n_origins,), ps
        Origin times, strictly increasing; each must be a frame time (to 10⁻⁶ of the frame
        interval).
    window_ps
        Window after each origin (ps): a positive multiple of the frame interval.

    Returns
    -------
    (origin_frames, window_frames)
        Frame index of each origin, shape (n_origins,) int; frames per window (≥ 1).

    Raises
    ------
    ValueError
        Fewer than 2 frames or unequal frame steps, empty / non-increasing origins, an origin
        off the frame grid or before the first frame, a window that is not a positive
        multiple of the frame interval, or a window that runs past the last frame.  The
        message names the offending values and the frame grid.
    """
    t = np.asarray(times_ps, dtype=float)
    if t.ndim != 1 or t.size < 2:
        raise ValueError("the run needs at least 2 frames")
    steps = np.diff(t)
    dt = float(steps.mean())
    if dt <= 0 or np.abs(steps - dt).max() > 1e-6 * dt:
        raise ValueError("frame times must increase in equal steps")
    o = _origins(origins_ps)
    tol = 1e-6 * dt
    grid = f"frames every {dt:g} ps from {t[0]:g} to {t[-1]:g} ps"
    idx = np.rint((o - t[0]) / dt).astype(int)
    off = (np.abs(t[0] + idx * dt - o) > tol) | (idx < 0)
    if off.any():
        raise ValueError(f"origins_ps {o[off].tolist()} are not frame times ({grid})")
    w = float(window_ps)
    m = int(round(w / dt))
    if not np.isfinite(w) or m < 1 or abs(m * dt - w) > tol:
        raise ValueError(f"window_ps={window_ps} must be a positive multiple of the frame "
                         f"interval ({grid})")
    late = idx + m > t.size - 1
    if late.any():
        raise ValueError(f"a {w:g} ps window after origins_ps {o[late].tolist()} runs past "
                         f"the end of the run ({grid})")
    return idx, m


# --------------------------------------------------------------------------- classification
def classify_metal_li(atoms: Atoms, ps4_cutoff_A: float = 2.6, ptm_rmsd_cutoff: float = 0.1,
                      species: str = "Li") -> np.ndarray:
    """PTM class of every Li of the metal region of one raw frame.

    The frame is centred (:func:`seiflow.analysis.sei_structure.centred_frame`: electrolyte centre
    at fractional z 0.5, Li metal around z = 0 ≡ h), split into regions
    (:func:`seiflow.analysis.sei_structure.frame_regions`, intact-PS4 method) and PTM is run on the
    ``species`` sublattice (:func:`seiflow.analysis.crystallinity.ptm_structure_types`, every other
    atom deleted first), exactly as the metal-Li shares of paper 001 Fig. 2a.

    Parameters
    ----------
    atoms
        Raw frame of a Li | electrolyte | Li cell (as read from the dump; box origin
        ``atoms.get_celldisp()``, c along z, the electrolyte centred at fractional z 0.5).
    ps4_cutoff_A
        Intact-PS4 cutoff (Å, paper 001: 2.6).
    ptm_rmsd_cutoff
        PTM RMSD cutoff (OVITO default 0.1).
    species
        Chemical symbol of the metal.

    Returns
    -------
    numpy.ndarray of str, shape (n_atoms,)
        ``"BCC"``, ``"HCP"``, ``"FCC"`` or ``"other"`` (PTM other, ICO, SC) for the
        ``species`` atoms of the metal region, ``"excluded"`` for every other atom (other
        elements, metal atoms in the SEI or the electrolyte).

    Raises
    ------
    ValueError
        No P in the frame (no electrolyte to locate), no ``species`` atom, a cell not
        stacked along z, or a bad PTM cutoff.
    """
    from seiflow.analysis.crystallinity import ptm_structure_types
    from seiflow.analysis.sei_structure import centred_frame, frame_regions

    sym = np.array(atoms.get_chemical_symbols())
    metal = sym == species
    if not metal.any():
        raise ValueError(f"no {species} atoms in the frame")
    frame = centred_frame(atoms)
    region, _ = frame_regions(frame, ps4_cutoff_A)
    ptm = ptm_structure_types(frame, species_mask=metal, rmsd_cutoff=ptm_rmsd_cutoff)
    labels = np.where(np.isin(ptm, PHASES), ptm, "other").astype(object)
    labels[~(metal & (region == "metal"))] = EXCLUDED
    return labels.astype(str)


# --------------------------------------------------------------------------- window MSD
def phase_window_msd(
    frames: Iterable[tuple[Atoms, float]], origins_ps, window_ps: float, *,
    ps4_cutoff_A: float = 2.6, ptm_rmsd_cutoff: float = 0.1, species: str = "Li",
    max_step: float = 0.4,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Window-averaged MSD of the metal Li of each PTM class [paper 001, Fig. 2b].

    One streaming pass: every frame is unwrapped (TOR, :func:`seiflow.analysis.transport.
    unwrapped_positions`, ``species`` atoms only) and each origin frame is classified with
    :func:`classify_metal_li`.  Then, per class c and components ``dims`` (:data:`DIMS_OUT`),
    :func:`seiflow.analysis.transport.window_msd` pools |r_i(o_j + τ) − r_i(o_j)|² over every origin
    o_j and every atom i of class c at o_j, for lags 0 ≤ τ ≤ ``window_ps``.  An atom keeps
    its origin's class for the whole window (the paper's convention).

    Parameters
    ----------
    frames
        ``(atoms, time_ps)`` in time order, equally spaced, same atoms in the same order
        (e.g. :func:`seiflow.md.lammps.run_frames`); consumed once.
    origins_ps : array, shape (n_origins,), ps
        Origin times (frame times, strictly increasing; paper: 5000, 10000, ..., 25000).
    window_ps
        Window after each origin (ps, a multiple of the frame interval; paper: 2000).
    ps4_cutoff_A, ptm_rmsd_cutoff, species
        As :func:`classify_metal_li`.
    max_step
        As :func:`seiflow.analysis.transport.unwrapped_positions`.

    Returns
    -------
    (msd, counts)
        ``msd``: one row per (``phase`` in :data:`PHASES`, ``dims`` in :data:`DIMS_OUT`,
        lag): ``phase``, ``dims``, ``d`` (1, 2, 3), ``lag_ps``, ``msd_A2`` (Å²),
        ``sem_A2`` (Å², every (origin, atom) pair counted as independent), ``n_pairs``
        ((origin, atom) pairs pooled), ``present`` (False: the class had no atom at any
        origin; its MSD is NaN and ``n_pairs`` 0 - reported, not an error).
        ``counts``: one row per (origin, phase): ``origin_ps``, ``phase``, ``n_atoms``
        (metal Li of that class), ``n_metal`` (metal-region Li), ``n_species`` (all Li).

    Raises
    ------
    ValueError
        Origins or window off the frame grid or past the end of the run (as
        :func:`check_windows`; an origin that falls between two frames is reported as soon
        as the stream passes it), unequal frame steps, a frame with different atoms, no metal
        Li at any origin, or an error of the unwrapping / classification.
    """
    from seiflow.analysis.transport import DIMS, unwrapped_positions, window_msd

    origins = _origins(origins_ps)
    times: list[float] = []
    labels: list[np.ndarray] = []

    def stream():
        j = 0
        for atoms, t in frames:
            t = float(t)
            tol = 1e-6 * (t - times[-1]) if times else 1e-9 * max(1.0, abs(t))
            if j < origins.size and origins[j] < t - tol:
                where = (f"between the frames at {times[-1]:g} and {t:g} ps" if times
                         else f"before the first frame at {t:g} ps")
                raise ValueError(f"origins_ps {origins[j]:g} is not a frame time ({where})")
            if j < origins.size and abs(origins[j] - t) <= tol:
                lab = classify_metal_li(atoms, ps4_cutoff_A, ptm_rmsd_cutoff, species)
                labels.append(lab[np.array(atoms.get_chemical_symbols()) == species])
                j += 1
            times.append(t)
            yield atoms

    pos, _cells = unwrapped_positions(stream(), species, max_step)
    _, m = check_windows(times, origins, window_ps)
    lab = np.stack(labels)  # (n_origins, n_species)
    metal = lab != EXCLUDED
    if not metal.any():
        raise ValueError(f"no {species} in the metal region at any origin")

    lags = np.arange(m + 1) * (times[-1] - times[0]) / (len(times) - 1)
    tables, counts = [], []
    for phase in PHASES:
        sel = lab == phase
        for j, o in enumerate(origins):
            counts.append({"origin_ps": float(o), "phase": phase, "n_atoms": int(sel[j].sum()),
                           "n_metal": int(metal[j].sum()), "n_species": int(lab.shape[1])})
        for dims in DIMS_OUT:
            if sel.any():
                df = window_msd(pos, times, origins, window_ps, sel, dims)
                df = df.rename(columns={"n": "n_pairs"}).assign(present=True)
            else:
                df = pd.DataFrame({"lag_ps": lags, "msd_A2": np.nan, "sem_A2": np.nan,
                                   "n_pairs": 0, "present": False})
            df.insert(0, "phase", phase)
            df.insert(1, "dims", dims)
            df.insert(2, "d", len(DIMS[dims]))
            tables.append(df)
    msd = pd.concat(tables, ignore_index=True)
    return msd, pd.DataFrame(counts)


def window_summary(msd: pd.DataFrame, fit_from: float = 0.5) -> pd.DataFrame:
    """End-of-window MSD and an Einstein slope per class and components.

    D_window = s / (2 d), s the least-squares slope of MSD vs lag over lags ≥ ``fit_from`` ×
    window (the vibrational plateau of the first lags left out).  A diagnostic of the
    paper's qualitative statement (diffusing HCP vs vibrating BCC), not a converged D*:
    a bounded vibration gives D_window ≈ 0.

    Parameters
    ----------
    msd
        ``msd`` table of :func:`phase_window_msd`.
    fit_from
        Start of the slope fit as a fraction of the window, in [0, 1).

    Returns
    -------
    DataFrame
        One row per (``phase``, ``dims``): ``d``, ``present``, ``n_pairs``,
        ``msd_end_A2`` (MSD at the last lag), ``D_window_cm2_s`` (NaN when absent or with
        fewer than 2 lags in the fit range).

    Raises
    ------
    ValueError
        ``fit_from`` outside [0, 1) or missing columns.
    """
    if not 0.0 <= fit_from < 1.0:
        raise ValueError(f"fit_from must be in [0, 1), got {fit_from}")
    need = {"phase", "dims", "d", "lag_ps", "msd_A2", "n_pairs", "present"}
    if not need <= set(msd.columns):
        raise ValueError(f"msd table lacks columns {sorted(need - set(msd.columns))}")
    rows = []
    for (phase, dims), g in msd.groupby(["phase", "dims"], sort=False):
        g = g.sort_values("lag_ps")
        lag, y = g["lag_ps"].to_numpy(), g["msd_A2"].to_numpy()
        fit = lag >= fit_from * lag[-1] - 1e-12
        present = bool(g["present"].iloc[0])
        D = np.nan
        if present and fit.sum() >= 2:
            D = float(np.polyfit(lag[fit], y[fit], 1)[0]) / (2 * int(g["d"].iloc[0])) \
                * A2_PS_TO_CM2_S
        rows.append({"phase": phase, "dims": dims, "d": int(g["d"].iloc[0]),
                     "present": present, "n_pairs": int(g["n_pairs"].iloc[0]),
                     "msd_end_A2": float(y[-1]), "D_window_cm2_s": D})
    return pd.DataFrame(rows)


def window_msd_of_run(md_dir, md, type_map, origins_ps, window_ps: float,
                      ps4_cutoff_A: float, ptm_rmsd_cutoff: float
                      ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Window-averaged MSD of the metal Li by PTM class of one production run (paper 001
    Fig. 2b), streamed frame by frame.

    The origins and the window are checked against the run's frame grid
    (:func:`check_windows` on :func:`seiflow.md.lammps.dump_times_ps`) before the trajectory
    is read.

    Parameters
    ----------
    md_dir
        Folder of the run (dump files).
    md
        The run's MD settings (as for :func:`seiflow.md.lammps.run_frames`).
    type_map
        LAMMPS type -> element, in type order.
    origins_ps
        Window origins (ps, frame times).
    window_ps
        Window length (ps).
    ps4_cutoff_A
        P-S cutoff of the metal-region test (Å).
    ptm_rmsd_cutoff
        PTM RMSD cutoff.

    Returns
    -------
    msd, counts, summary : pandas.DataFrame
        ``msd`` and ``counts`` of :func:`phase_window_msd`, ``summary`` of
        :func:`window_summary`.

    Raises
    ------
    ValueError
        From :func:`check_windows` / :func:`phase_window_msd` (origins not on the frame grid,
        windows past the run).
    """
    check_windows(dump_times_ps(md), origins_ps, window_ps)
    msd, counts = phase_window_msd(run_frames(md_dir, type_map, md), origins_ps, window_ps,
                                   ps4_cutoff_A=ps4_cutoff_A, ptm_rmsd_cutoff=ptm_rmsd_cutoff)
    return msd, counts, window_summary(msd)
