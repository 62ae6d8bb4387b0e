"""Bi-directional Li flux through fixed-fractional-z membranes (streaming).

[paper 003, Sec. 3.3.2, Figs. 12-13, Table 6] (Baer et al. 2026): "we
calculate the bi-directional flux of Li atoms across a 3 Å-thick membrane ...
which can be placed anywhere within the simulation cell"; "the relative
membrane position within the cell has to be kept constant ... (their positions
are thus defined using fractional coordinates)"; flux "calculated by counting
the number of atoms moving across a 3 Å-thick membrane", reported in
atoms/nm²/ns, L → R (towards +z) and R → L, e.g. ≈65 atoms/nm²/ns at the
(100)/(100) interface and 0.23 in the crystalline SEI at 400 K (Table 6).

Counting rule (made precise here)
---------------------------------
A membrane is the slab |z − z_m| ≤ w/2 around z_m = z0 + u_m h (u_m its
fractional position, h = c_z the current cell height, z0 the box origin), and
its periodic images.  An atom is *left* of it when it is below z_m − w/2 and
*right* when above z_m + w/2 (positions unwrapped along the atom's path, see
below).  A crossing is counted only when an atom that was last outside the
membrane on one side is next seen outside on the other side: entering the
membrane and leaving it on the side it came from is not a crossing, nor is
sitting inside it.  An atom that is inside a membrane in the first frame has
no known origin side; its first exit only sets the side.  Counts are
cumulative from the first frame.

Trajectory unwrapping / NPT
---------------------------
Each atom's path is followed in fractional z, u = (z − z0)/h of the frame it
belongs to (so an affine NPT box change moves neither atoms nor membranes).
Between consecutive frames the displacement is taken as the minimum image,
Δu = ((u_t − u_{t−1} + 1/2) mod 1) − 1/2, and added to an unwrapped
coordinate U.  This assumes |Δz| < h/2 for every atom within one dump
interval (true for any sensible dump frequency); a larger jump would be
aliased.  The membrane half-width in fractional units is w / (2 h_t) with the
current frame's h_t.  Crossing membrane image k (|U − u_m − k| small) is
counted like crossing the membrane itself, so an atom crossing a membrane
that straddles the periodic boundary of z, or crossing after a wrap of its
raw coordinate, is counted once.

Atom identity: if ``atoms.arrays["id"]`` exists atoms are matched by it;
otherwise the atom order must be the same in every frame (ASE's LAMMPS dump
reader sorts atoms by id).
"""

from __future__ import annotations

__all__ = [
    "FLUX_COLUMNS",
    "FLUX_WINDOW_COLUMNS",
    "MembraneFluxAccumulator",
    "cumulative_crossings",
    "flux_per_window",
    "flux_tables",
]

from collections.abc import Sequence

import numpy as np
import pandas as pd
from ase import Atoms
from ase.data import atomic_numbers

from seiflow.analysis.base import FrameAccumulator
from seiflow.analysis.sei_formation import _z_height

#: Columns of :meth:`MembraneFluxAccumulator.result`.
FLUX_COLUMNS = [
    "time_ps",
    "membrane",
    "membrane_frac",
    "n_L_to_R",
    "n_R_to_L",
    "area_nm2",
    "cell_height_A",
]

#: Columns of :func:`flux_per_window`.
FLUX_WINDOW_COLUMNS = [
    "membrane",
    "membrane_frac",
    "t_start_ps",
    "t_end_ps",
    "n_L_to_R",
    "n_R_to_L",
    "area_nm2",
    "flux_L_to_R",
    "flux_R_to_L",
    "flux_net",
    "flux_total",
]

_UNKNOWN = np.iinfo(np.int64).min  # side not yet known (atom started inside a membrane)


class MembraneFluxAccumulator(FrameAccumulator):
    """Cumulative L → R and R → L crossings of species atoms through z-membranes.

    Feed consecutive frames with :meth:`update` (arguments: :meth:`_single_frame`;
    a :class:`seiflow.analysis.base.FrameAccumulator`) and read :meth:`result`;
    memory is O(n_atoms × n_membranes) plus one small row per frame and
    membrane, independent of the trajectory length.  See the module docstring for the counting rule
    [paper 003, Sec. 3.3.2] and the minimum-image assumption |Δz| < h/2 per
    dump interval.

    Parameters
    ----------
    membranes_frac
        Fractional z positions u_m of the membrane centres (relative to the
        box origin, any real number, taken mod 1), e.g. the interface position
        at t = 0 divided by h.
    width_A
        Membrane thickness w in Å (3 Å in the paper); must stay < h/2.
    species
        Chemical symbol of the counted atoms.

    Raises
    ------
    ValueError
        Empty or non-finite ``membranes_frac``, non-positive width, unknown
        species.
    """

    def __init__(
        self, membranes_frac: Sequence[float], width_A: float = 3.0, species: str = "Li"
    ) -> None:
        m = np.asarray(membranes_frac, dtype=float).ravel()
        if m.size == 0 or not np.all(np.isfinite(m)):
            raise ValueError("membranes_frac must be a non-empty list of finite fractions")
        self.membranes_frac = np.mod(m, 1.0)
        w = float(width_A)
        if not np.isfinite(w) or w <= 0:
            raise ValueError(f"width_A must be a positive length in Å, got {width_A!r}")
        self.width_A = w
        if species not in atomic_numbers or species == "X":
            raise ValueError(f"unknown chemical symbol {species!r}")
        self.species = species
        self._z = atomic_numbers[species]
        super().__init__()

    def _prepare(self) -> None:
        """Zero crossing counts per membrane; the tracked atoms are set by the first frame."""
        n_membranes = self.membranes_frac.size
        self._ids: np.ndarray | None = None  # ids (or order) of tracked atoms
        self._u_prev: np.ndarray | None = None  # fractional z of previous frame
        self._U: np.ndarray | None = None  # unwrapped fractional z
        self._gap: np.ndarray | None = None  # (n_membranes, n_tracked) last gap index
        self._n_lr = np.zeros(n_membranes, dtype=np.int64)
        self._n_rl = np.zeros(n_membranes, dtype=np.int64)
        self._rows: list[tuple] = []
        self._t_prev: float | None = None

    # ---------------------------------------------------------------- internals
    def _select(self, atoms: Atoms) -> tuple[np.ndarray, np.ndarray]:
        """(ids, fractional z) of the tracked atoms, sorted by id."""
        sel = np.flatnonzero(atoms.numbers == self._z)
        if "id" in atoms.arrays:
            ids = np.asarray(atoms.arrays["id"])[sel].astype(np.int64)
            if np.unique(ids).size != ids.size:
                raise ValueError("duplicate atom ids in atoms.arrays['id']")
            order = np.argsort(ids, kind="stable")
            sel, ids = sel[order], ids[order]
        else:
            ids = sel.astype(np.int64)
        h = _z_height(atoms)
        z0 = float(np.asarray(atoms.get_celldisp(), dtype=float).ravel()[2])
        u = np.mod((atoms.positions[sel, 2] - z0) / h, 1.0)
        return ids, u

    def _gaps(self, U: np.ndarray, hw: float) -> np.ndarray:
        """Gap index per membrane and atom; ``_UNKNOWN`` where inside a membrane.

        Gap k of membrane m is the interval between image k and image k + 1 of
        the membrane (right of image k); v = U − u_m.
        """
        v = U[None, :] - self.membranes_frac[:, None]
        k = np.floor(v + 0.5)
        off = v - k  # in [-1/2, 1/2)
        gap = np.where(off > hw, k, np.where(off < -hw, k - 1, np.nan))
        out = np.full(gap.shape, _UNKNOWN, dtype=np.int64)
        ok = np.isfinite(gap)
        out[ok] = gap[ok].astype(np.int64)
        return out

    # ---------------------------------------------------------------- FrameAccumulator
    def _single_frame(self, atoms: Atoms, time_ps: float) -> None:
        """Add the next frame (called by :meth:`update`, which counts it in ``n_frames``).

        Parameters
        ----------
        atoms
            Frame with a, b in the xy plane and c along z; same tracked atoms
            (by ``arrays["id"]`` or by order) as the previous frames.
        time_ps
            Frame time in ps (strictly increasing).

        Raises
        ------
        ValueError
            Cell not stacked along z, membrane width ≥ h/2, no atom of the
            species, time not increasing, or the set of tracked atoms changed.
        """
        t = float(time_ps)
        if not np.isfinite(t):
            raise ValueError(f"time_ps must be finite, got {time_ps!r}")
        if self._t_prev is not None and not t > self._t_prev:
            raise ValueError(f"time_ps must increase: {t} after {self._t_prev}")
        h = _z_height(atoms)
        if self.width_A >= 0.5 * h:
            raise ValueError(f"membrane width {self.width_A} Å must be < h/2 = {0.5 * h:.4g} Å")
        ids, u = self._select(atoms)
        if ids.size == 0:
            raise ValueError(f"no {self.species} atoms in the frame")
        hw = 0.5 * self.width_A / h
        if self._U is None:
            self._ids = ids
            self._U = u.copy()
            self._gap = self._gaps(self._U, hw)
        else:
            if ids.shape != self._ids.shape or not np.array_equal(ids, self._ids):
                raise ValueError(
                    f"the set of tracked {self.species} atoms changed between frames "
                    "(atom count, ids or order)"
                )
            du = np.mod(u - self._u_prev + 0.5, 1.0) - 0.5  # minimum image, |Δz| < h/2
            self._U = self._U + du
            new = self._gaps(self._U, hw)
            known_old = self._gap != _UNKNOWN
            known_new = new != _UNKNOWN
            both = known_old & known_new
            diff = np.where(both, new - np.where(both, self._gap, 0), 0)
            self._n_lr += np.clip(diff, 0, None).sum(axis=1)
            self._n_rl += np.clip(-diff, 0, None).sum(axis=1)
            # remember the last side outside the membrane
            self._gap = np.where(known_new, new, self._gap)
        self._u_prev = u
        self._t_prev = t
        cell = np.asarray(atoms.cell[:], dtype=float)
        area_nm2 = float(np.linalg.norm(np.cross(cell[0], cell[1]))) / 100.0
        for k, um in enumerate(self.membranes_frac):
            self._rows.append(
                (t, k, float(um), int(self._n_lr[k]), int(self._n_rl[k]), area_nm2, h)
            )

    def _conclude(self) -> pd.DataFrame:
        """Cumulative crossing counts per membrane and frame (returned by :meth:`result`).

        Returns
        -------
        pandas.DataFrame
            Columns :data:`FLUX_COLUMNS`: ``time_ps``, ``membrane`` (index in
            ``membranes_frac``), ``membrane_frac``, ``n_L_to_R`` and
            ``n_R_to_L`` (cumulative counts since the first frame, int; L → R
            is towards +z), ``area_nm2`` (|a × b| of the frame, nm²),
            ``cell_height_A``.

        :meth:`result` raises ValueError if no frame has been added.
        """
        return pd.DataFrame(self._rows, columns=FLUX_COLUMNS)


def flux_per_window(
    df: pd.DataFrame, window_ps: float, area_nm2: float | None = None
) -> pd.DataFrame:
    """Flux in atoms/nm²/ns averaged over consecutive time windows.

    For each membrane, window k spans [T_k, T_k + window_ps] with T_k = t_0 +
    k window_ps (t_0 the first frame); its start (end) frame is the last frame
    with t ≤ T_k (t ≤ T_k + window_ps), so consecutive windows share their
    boundary frame and every crossing is counted exactly once.  Only complete
    windows are returned.  flux = ΔN / (A Δt) with ΔN the increase of the
    cumulative count, A in nm² and Δt = t_end − t_start in ns
    [paper 003, Table 6 ("average flux ... for one ns"), Fig. 13].

    Parameters
    ----------
    df
        Output of :meth:`MembraneFluxAccumulator.result`.
    window_ps
        Window length in ps (> 0).
    area_nm2
        Membrane area in nm²; default the mean ``area_nm2`` of the window's
        frames (follows NPT changes of the xy area).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FLUX_WINDOW_COLUMNS`: ``membrane``, ``membrane_frac``,
        ``t_start_ps``, ``t_end_ps``, ``n_L_to_R``, ``n_R_to_L`` (crossings in
        the window), ``area_nm2``, ``flux_L_to_R``, ``flux_R_to_L``,
        ``flux_net`` (L → R minus R → L) and ``flux_total`` (sum), fluxes in
        atoms/nm²/ns.  Empty when no complete window fits.

    Raises
    ------
    ValueError
        Missing columns, non-positive ``window_ps`` or ``area_nm2``.
    """
    missing = {"time_ps", "membrane", "n_L_to_R", "n_R_to_L"} - set(df.columns)
    if missing:
        raise ValueError(f"df lacks columns {sorted(missing)}")
    w = float(window_ps)
    if not np.isfinite(w) or w <= 0:
        raise ValueError(f"window_ps must be > 0, got {window_ps!r}")
    if area_nm2 is not None:
        a_fixed = float(area_nm2)
        if not np.isfinite(a_fixed) or a_fixed <= 0:
            raise ValueError(f"area_nm2 must be > 0, got {area_nm2!r}")
    elif "area_nm2" not in df.columns:
        raise ValueError("area_nm2 not given and df has no 'area_nm2' column")
    rows = []
    eps = 1e-9 * max(1.0, w)
    for m, g in df.groupby("membrane", sort=True):
        g = g.sort_values("time_ps")
        t = g["time_ps"].to_numpy(float)
        lr = g["n_L_to_R"].to_numpy(float)
        rl = g["n_R_to_L"].to_numpy(float)
        frac = float(g["membrane_frac"].iloc[0]) if "membrane_frac" in g else float("nan")
        area = g["area_nm2"].to_numpy(float) if area_nm2 is None else None
        n_win = int(np.floor((t[-1] - t[0] + eps) / w))
        for k in range(n_win):
            t_lo, t_hi = t[0] + k * w, t[0] + (k + 1) * w
            i0 = int(np.searchsorted(t, t_lo + eps, side="right") - 1)
            i1 = int(np.searchsorted(t, t_hi + eps, side="right") - 1)
            dt_ns = (t[i1] - t[i0]) / 1000.0
            a = a_fixed if area is None else float(area[i0 : i1 + 1].mean())
            n_lr, n_rl = lr[i1] - lr[i0], rl[i1] - rl[i0]
            if dt_ns > 0:
                f_lr, f_rl = n_lr / (a * dt_ns), n_rl / (a * dt_ns)
            else:
                f_lr = f_rl = float("nan")
            rows.append(
                (int(m), frac, t[i0], t[i1], int(n_lr), int(n_rl), a,
                 f_lr, f_rl, f_lr - f_rl, f_lr + f_rl)
            )
    return pd.DataFrame(rows, columns=FLUX_WINDOW_COLUMNS)


def flux_tables(flux: pd.DataFrame, window_ps: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-window Li flux of several runs in long form and the run-averaged Table 6.

    Each run's cumulative counts go through :func:`flux_per_window`; the table averages the
    windows of all replicas of a condition: mean ± s.e.m., s.e.m. = s / sqrt(n) with s the
    sample standard deviation (ddof = 1) over the n windows [paper 003, Table 6 ("average
    flux ... for one ns"), Figs. 12-13].

    Parameters
    ----------
    flux
        Cumulative crossing counts, one row per (run, frame, membrane): columns ``run``,
        ``condition``, ``time_ps`` (ps), ``membrane`` (int index), ``membrane_name``,
        ``membrane_frac``, ``n_L_to_R``, ``n_R_to_L`` (cumulative counts) and ``area_nm2``
        (nm²), as written by :class:`MembraneFluxAccumulator` plus run labels.
    window_ps
        Window length (ps, > 0).

    Returns
    -------
    long : pandas.DataFrame
        One row per (run, membrane, window, direction): ``run``, ``condition``, ``membrane``
        (name), ``window_start_ps`` (ps), ``direction`` (``"L->R"`` or ``"R->L"``) and
        ``flux_per_nm2_ns`` (atoms nm⁻² ns⁻¹).
    table : pandas.DataFrame
        One row per (condition, membrane, direction) in order of first appearance: ``mean``,
        ``sem`` (NaN for a single window) and ``n_windows``.

    Raises
    ------
    KeyError
        A column listed above is missing.
    ValueError
        From :func:`flux_per_window` (non-positive ``window_ps``).
    """
    wins = []
    cols = ["time_ps", "membrane", "membrane_frac", "n_L_to_R", "n_R_to_L", "area_nm2"]
    for run, f in flux.groupby("run", sort=False):
        w = flux_per_window(f[cols], window_ps)
        names = dict(zip(f["membrane"], f["membrane_name"]))
        w["membrane"] = w["membrane"].map(names)
        w["run"], w["condition"] = run, f["condition"].iloc[0]
        wins.append(w.rename(columns={"t_start_ps": "window_start_ps"}))
    w = pd.concat(wins, ignore_index=True)
    long = w.melt(id_vars=["run", "condition", "membrane", "window_start_ps"],
                  value_vars=["flux_L_to_R", "flux_R_to_L"], var_name="direction",
                  value_name="flux_per_nm2_ns")
    long["direction"] = long["direction"].map({"flux_L_to_R": "L->R", "flux_R_to_L": "R->L"})
    tab = (long.groupby(["condition", "membrane", "direction"], sort=False)["flux_per_nm2_ns"]
           .agg(mean="mean", sem=lambda v: v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1
                else np.nan, n_windows="count").reset_index())
    return long, tab


def cumulative_crossings(flux: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Cumulative crossing counts in wide form, one column per (direction, membrane).

    The data of paper 003 Fig. 13 (cumulative L → R and R → L crossings vs time).

    Parameters
    ----------
    flux
        Long counts with columns ``run``, ``condition``, ``time_ps`` (ps), ``membrane_name``,
        ``n_L_to_R`` and ``n_R_to_L`` (cumulative counts), one row per (run, frame, membrane).

    Returns
    -------
    wide : pandas.DataFrame
        ``run``, ``condition``, ``time_ps`` and ``n_L_to_R_<membrane>`` /
        ``n_R_to_L_<membrane>`` (mean count of the pivot cell; spaces in the membrane name
        become ``_``, parentheses are dropped).
    quantities : dict of str to str
        Count column -> axis label (``"L→R <membrane> (count)"``).

    Raises
    ------
    KeyError
        A column listed above is missing.
    """
    cum = flux.pivot_table(index=["run", "condition", "time_ps"], columns="membrane_name",
                           values=["n_L_to_R", "n_R_to_L"]).reset_index()
    cum.columns = ["_".join(c).strip("_").replace(" ", "_").replace("(", "").replace(")", "")
                   for c in cum.columns]
    qty = {c: f"{'L→R' if 'L_to_R' in c else 'R→L'} {c.split('_', 3)[-1]} (count)"
           for c in cum.columns if c.startswith("n_")}
    return cum, qty
