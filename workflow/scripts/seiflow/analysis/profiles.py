"""Profiles along the interface normal (z) and logistic interface fits.

Streaming z-profiles of number / mass density and of per-atom quantities
(e.g. the per-atom potential energy ``c_pe``) per species, and logistic fits
of such profiles that locate the Li|SEI and SEI|SSE interfaces (positions and
widths) as in paper 000 (Zhou, Luo, An 2026), Methods and Fig. 2.

Conventions
-----------
* Frames are ASE ``Atoms`` with cell vectors a and b in the xy plane and c
  with a positive z component (orthorhombic, or LAMMPS-style triclinic);
  ``atoms.get_celldisp()[2]`` is the box origin ``zlo``; positions are raw
  (may lie slightly outside the box) and are wrapped along z.
* Fractional z: u = (z − zlo) / h with h = c_z of the *current* frame, shifted
  so that the electrolyte centre ``center_frac`` sits at u = 0.5 and wrapped
  into [0, 1): u ← (u − center_frac + 0.5) mod 1.  This is the same frame as
  :func:`seiflow.analysis.sei_formation.sei_thickness` (``electrolyte_center_frac``).
  The Li metal of a symmetric Li|SSE|Li cell is then around u = 0 ≡ 1.
* Bins are uniform in u, so an NPT change of the box height moves the bin
  edges with the material.  Reported positions are z = u · ⟨h⟩ (Å), with ⟨h⟩
  the mean cell height over the accumulated frames.
* Units: lengths Å, number densities Å⁻³, mass densities g cm⁻³, energies eV.

Sources
-------
* [paper 000, Methods] logistic one-step f(z) = a / (1 + exp(−(z − z0)/w)) + c
  and two-step (sum of two logistic terms plus c) fits of atomic density and
  per-atom potential-energy profiles along z; density profiles from atomic
  mass and bin volumes; top/bottom 7 Å frozen layers excluded.
* [paper 000, Results, Fig. 2(d–f)] Li|SEI and SEI|SSE "transition widths"
  (4.28–5.62 Å and ≈10.5–22 Å at 1 ns) from the Li potential-energy profile;
  SEI thickness = distance between the midpoints of the two interfaces
  [paper 000, Results, Fig. 3].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ase import Atoms
from ase.data import atomic_masses, atomic_numbers
from scipy.optimize import curve_fit
from scipy.special import expit

from seiflow.analysis.base import FrameAccumulator

__all__ = [
    "WIDTH_FACTOR_10_90",
    "AMU_PER_A3_TO_G_PER_CM3",
    "ZProfileAccumulator",
    "fractional_z",
    "logistic_step",
    "logistic_two_step",
    "LogisticFit",
    "fit_logistic_step",
    "split_halves",
    "interface_positions",
]

#: Interface width / logistic scale w for the 10–90 % rise of a logistic step:
#: f goes from 10 % to 90 % of its amplitude over Δz = 2 ln 9 · w ≈ 4.394 w.
WIDTH_FACTOR_10_90 = float(2.0 * np.log(9.0))

#: 1 amu Å⁻³ in g cm⁻³ (1.66053906660e-24 g / 1e-24 cm³).
AMU_PER_A3_TO_G_PER_CM3 = 1.66053906660

_CELL_TOL_A = 1e-6


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------
def _cell_geometry(atoms: Atoms) -> tuple[float, float, float]:
    """Return (zlo, h = c_z, A_xy) after checking the cell is stacked along z."""
    cell = np.asarray(atoms.cell[:], dtype=float)
    if cell.shape != (3, 3):
        raise ValueError("atoms must have a 3x3 cell")
    if abs(cell[0, 2]) > _CELL_TOL_A or abs(cell[1, 2]) > _CELL_TOL_A:
        raise ValueError(
            "cell vectors a and b must lie in the xy plane (interface normal along z); "
            f"got a_z={cell[0, 2]:.3g} Å, b_z={cell[1, 2]:.3g} Å"
        )
    h = float(cell[2, 2])
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"cell height c_z must be > 0 Å, got {h}")
    area = float(np.linalg.norm(np.cross(cell[0], cell[1])))
    if not area > 0:
        raise ValueError("cell vectors a and b are degenerate (zero xy area)")
    zlo = float(np.asarray(atoms.get_celldisp(), dtype=float).ravel()[2])
    return zlo, h, area


def fractional_z(atoms: Atoms, center_frac: float = 0.5) -> np.ndarray:
    """Shifted, wrapped fractional z coordinate of every atom.

    u = ((z − zlo) / h − center_frac + 0.5) mod 1, so the electrolyte centre
    (fractional z ``center_frac`` in the unshifted cell) sits at u = 0.5.
    Same convention as :func:`seiflow.analysis.sei_formation.sei_thickness`.

    Parameters
    ----------
    atoms
        Frame; a, b in the xy plane, c_z > 0; ``get_celldisp()[2]`` = zlo.
    center_frac
        Fractional z (unshifted) of the electrolyte centre.

    Returns
    -------
    np.ndarray, shape (n_atoms,), float
        u in [0, 1) (dimensionless).

    Raises
    ------
    ValueError
        If the cell is not stacked along z or ``center_frac`` is not finite.
    """
    c = float(center_frac)
    if not np.isfinite(c):
        raise ValueError("center_frac must be finite")
    zlo, h, _ = _cell_geometry(atoms)
    u = np.mod((atoms.positions[:, 2] - zlo) / h - c + 0.5, 1.0)
    u[u >= 1.0] = 0.0  # np.mod(-tiny, 1) can round to exactly 1.0
    return u


# --------------------------------------------------------------------------
# Streaming z-profile accumulator
# --------------------------------------------------------------------------
class ZProfileAccumulator(FrameAccumulator):
    """Streaming per-species z-profiles (density and mean per-atom quantities).

    One accumulator is one time window: call :meth:`update` once per frame
    (arguments: :meth:`_single_frame`) and :meth:`result` at the end (see
    :class:`seiflow.analysis.base.FrameAccumulator`).  Memory is
    O(n_species × n_bins), independent of the trajectory length.

    Binning is in the shifted fractional coordinate u (see
    :func:`fractional_z`), uniform over ``z_range_frac``.  The number of bins
    is fixed at the first frame: n_bins = max(1, round(Δu · h₀ / bin_width_A))
    with h₀ the first frame's cell height, so the bin width in Å is
    Δu · h / n_bins in every frame (≈ ``bin_width_A``; it follows NPT changes
    of h).  Reported bin centres are z_A = u_centre · ⟨h⟩.

    Per frame, the number density of species s in bin k is
    n_s,k = N_s,k / (A_xy · h · δu) (Å⁻³, δu the fractional bin width,
    A_xy = |a × b|); the result is the mean of this over frames.  The mass
    density [paper 000, Methods] is n_s,k · m_s (amu) converted to g cm⁻³.
    The mean of a per-atom quantity q (e.g. ``c_pe``, eV) is the atom-weighted
    mean over all atoms of species s in bin k in all frames
    (Σ q / Σ N; NaN where no atom was seen).

    Parameters
    ----------
    bin_width_A
        Target bin width in Å (> 0).
    species
        Chemical symbols to profile, e.g. ``["Li", "P", "S", "Cl"]``; atoms
        of other elements are ignored.
    z_range_frac
        (u_lo, u_hi) with 0 <= u_lo < u_hi <= 1: range of the shifted
        fractional coordinate to bin (default the whole cell).  Atoms outside
        are ignored.  Use it (or ``mask`` in :meth:`update`) to exclude frozen
        layers [paper 000, Methods].
    center_frac
        Fractional z (unshifted) of the electrolyte centre; default 0.5 = no
        shift (same meaning as ``electrolyte_center_frac`` of
        :func:`seiflow.analysis.sei_formation.sei_thickness`).
    quantities
        Names of per-atom quantities to average per bin, e.g. ``("c_pe",)``;
        looked up in ``atoms.arrays`` unless given to :meth:`update`.

    Raises
    ------
    ValueError
        On a non-positive/non-finite bin width, empty/duplicate/unknown
        species, a bad ``z_range_frac`` or non-finite ``center_frac``.
    """

    _no_frame_message = "no frame accumulated yet; call update() first"

    def __init__(
        self,
        bin_width_A: float,
        species: Sequence[str],
        z_range_frac: tuple[float, float] | None = None,
        center_frac: float = 0.5,
        quantities: Sequence[str] = (),
    ) -> None:
        bw = float(bin_width_A)
        if not (np.isfinite(bw) and bw > 0):
            raise ValueError(f"bin_width_A must be a positive length in Å, got {bin_width_A}")
        if isinstance(species, str):
            species = [species]
        sp = list(species)
        if not sp:
            raise ValueError("species must contain at least one chemical symbol")
        if len(set(sp)) != len(sp):
            raise ValueError(f"duplicate species in {sp}")
        unknown = [s for s in sp if s not in atomic_numbers or s == "X"]
        if unknown:
            raise ValueError(f"unknown chemical symbols: {unknown}")
        lo, hi = (0.0, 1.0) if z_range_frac is None else map(float, z_range_frac)
        if not (np.isfinite(lo) and np.isfinite(hi) and 0.0 <= lo < hi <= 1.0):
            raise ValueError(f"z_range_frac must satisfy 0 <= lo < hi <= 1, got {z_range_frac}")
        c = float(center_frac)
        if not np.isfinite(c):
            raise ValueError("center_frac must be finite")
        q = [quantities] if isinstance(quantities, str) else list(quantities)
        if len(set(q)) != len(q):
            raise ValueError(f"duplicate quantities in {q}")

        self.bin_width_A = bw
        self.species = sp
        self.z_range_frac = (lo, hi)
        self.center_frac = c
        self.quantities = q
        self._z = np.array([atomic_numbers[s] for s in sp])
        self._mass = np.array([atomic_masses[z] for z in self._z])
        super().__init__()

    def _prepare(self) -> None:
        """Empty sums; the bins are fixed by the first frame (:meth:`_init_bins`)."""
        self.n_bins: int | None = None
        self._sum_h = 0.0
        self._density_sum: np.ndarray | None = None  # (n_species, n_bins), Å^-3 summed over frames
        self._count_sum: np.ndarray | None = None  # (n_species, n_bins)
        self._q_sum: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------
    def _init_bins(self, h: float) -> None:
        lo, hi = self.z_range_frac
        self.n_bins = max(1, int(round((hi - lo) * h / self.bin_width_A)))
        shape = (len(self.species), self.n_bins)
        self._density_sum = np.zeros(shape)
        self._count_sum = np.zeros(shape)
        self._q_sum = {name: np.zeros(shape) for name in self.quantities}

    def _single_frame(
        self,
        atoms: Atoms,
        per_atom: Mapping[str, np.ndarray] | None = None,
        mask: np.ndarray | None = None,
    ) -> None:
        """Add one frame (called by :meth:`update`, which counts it in ``n_frames``).

        Parameters
        ----------
        atoms
            Frame (see module conventions).
        per_atom
            Optional mapping name → array of shape (n_atoms,) for the
            quantities declared at construction; names not given here are
            taken from ``atoms.arrays``.
        mask
            Optional bool array, shape (n_atoms,): only True atoms are counted
            (e.g. to drop frozen boundary layers).

        Raises
        ------
        ValueError
            If the cell is not stacked along z, a declared quantity is
            missing, has the wrong shape or non-finite values for counted
            atoms, an undeclared quantity is passed, or ``mask`` has the wrong
            shape.
        """
        zlo, h, area = _cell_geometry(atoms)
        n = len(atoms)
        per_atom = dict(per_atom or {})
        extra = set(per_atom) - set(self.quantities)
        if extra:
            raise ValueError(
                f"per_atom quantities {sorted(extra)} were not declared (quantities={self.quantities})"
            )
        if mask is None:
            keep = np.ones(n, dtype=bool)
        else:
            keep = np.asarray(mask, dtype=bool)
            if keep.shape != (n,):
                raise ValueError(f"mask must have shape ({n},), got {keep.shape}")

        values = {}
        for name in self.quantities:
            if name in per_atom:
                arr = np.asarray(per_atom[name], dtype=float)
            elif name in atoms.arrays:
                arr = np.asarray(atoms.arrays[name], dtype=float)
            else:
                raise ValueError(f"per-atom quantity {name!r} neither in per_atom nor atoms.arrays")
            arr = arr.reshape(-1) if arr.ndim == 2 and arr.shape[1] == 1 else arr
            if arr.shape != (n,):
                raise ValueError(
                    f"per-atom quantity {name!r} must have shape ({n},), got {arr.shape}"
                )
            values[name] = arr

        if self.n_bins is None:
            self._init_bins(h)
        nb = self.n_bins
        lo, hi = self.z_range_frac
        du = (hi - lo) / nb

        u = np.mod((atoms.positions[:, 2] - zlo) / h - self.center_frac + 0.5, 1.0)
        u[u >= 1.0] = 0.0
        inside = (u >= lo) & (u < hi)
        idx = np.clip(np.floor((u - lo) / du).astype(int), 0, nb - 1)
        numbers = atoms.numbers
        bin_volume = area * h * du  # Å^3
        for k, z in enumerate(self._z):
            sel = keep & inside & (numbers == z)
            counts = np.bincount(idx[sel], minlength=nb).astype(float)
            self._count_sum[k] += counts
            self._density_sum[k] += counts / bin_volume
            for name, arr in values.items():
                v = arr[sel]
                if not np.all(np.isfinite(v)):
                    raise ValueError(f"per-atom quantity {name!r} has non-finite values")
                self._q_sum[name][k] += np.bincount(idx[sel], weights=v, minlength=nb)
        self._sum_h += h

    # ------------------------------------------------------------------
    @property
    def mean_cell_height_A(self) -> float:
        """⟨h⟩, mean cell height c_z over the accumulated frames (Å)."""
        if self.n_frames == 0:
            raise ValueError("no frame accumulated yet")
        return self._sum_h / self.n_frames

    def _conclude(self) -> pd.DataFrame:
        """Time-averaged profiles as a tidy table (returned by :meth:`result`).

        Returns
        -------
        pandas.DataFrame
            One row per (species, bin), species in construction order, bins
            by increasing z.  Columns: ``z_A`` (bin centre u·⟨h⟩, Å),
            ``z_frac`` (bin centre u), ``species``, ``number_density_A3``
            (Å⁻³), ``mass_density_g_cm3`` (g cm⁻³), ``count_per_frame``
            (mean atoms per bin and frame), ``mean_<q>`` for each declared
            quantity (units of q; NaN in empty bins), ``n_frames``.

        :meth:`result` raises ValueError if no frame was accumulated.
        """
        nb = self.n_bins
        lo, hi = self.z_range_frac
        du = (hi - lo) / nb
        u_c = lo + (np.arange(nb) + 0.5) * du
        h_mean = self.mean_cell_height_A
        ns = len(self.species)
        dens = self._density_sum / self.n_frames
        data = {
            "z_A": np.tile(u_c * h_mean, ns),
            "z_frac": np.tile(u_c, ns),
            "species": np.repeat(self.species, nb),
            "number_density_A3": dens.ravel(),
            "mass_density_g_cm3": (dens * self._mass[:, None]).ravel() * AMU_PER_A3_TO_G_PER_CM3,
            "count_per_frame": (self._count_sum / self.n_frames).ravel(),
        }
        with np.errstate(invalid="ignore", divide="ignore"):
            for name in self.quantities:
                m = np.where(self._count_sum > 0, self._q_sum[name] / self._count_sum, np.nan)
                data[f"mean_{name}"] = m.ravel()
        data["n_frames"] = np.full(ns * nb, self.n_frames, dtype=int)
        return pd.DataFrame(data)


# --------------------------------------------------------------------------
# Logistic models
# --------------------------------------------------------------------------
def logistic_step(z, a, z0, w, c):
    """One logistic step f(z) = a / (1 + exp(−(z − z0)/w)) + c [paper 000, Methods].

    Parameters
    ----------
    z
        Positions, any shape (Å).
    a
        Step amplitude (units of f); a > 0 rises, a < 0 falls with z.
    z0
        Midpoint (Å), where f = c + a/2.
    w
        Logistic scale (Å, > 0); the 10–90 % width is 2 ln 9 · w.
    c
        Plateau for z → −∞ (units of f).

    Returns
    -------
    np.ndarray
        f(z), same shape as z.
    """
    return a * expit((np.asarray(z, dtype=float) - z0) / w) + c


def logistic_two_step(z, a1, z01, w1, a2, z02, w2, c):
    """Sum of two logistic steps plus a constant [paper 000, Methods].

    f(z) = a1 / (1 + exp(−(z − z01)/w1)) + a2 / (1 + exp(−(z − z02)/w2)) + c

    Parameters and units as :func:`logistic_step`.  Returns f(z), same shape
    as z.
    """
    z = np.asarray(z, dtype=float)
    return a1 * expit((z - z01) / w1) + a2 * expit((z - z02) / w2) + c


@dataclass(frozen=True)
class LogisticFit:
    """Result of :func:`fit_logistic_step`.

    Per-step arrays have shape (n_steps,) and are ordered by increasing z0.
    Errors are 1-sigma from the curve_fit covariance (NaN if singular).

    Attributes
    ----------
    n_steps : int
    z0_A, z0_err_A : np.ndarray
        Midpoints (Å) and errors.
    w_A, w_err_A : np.ndarray
        Logistic scale w (Å) and errors.
    width_A, width_err_A : np.ndarray
        Interface width = ``width_factor`` · w (Å); default 10–90 % width.
    amplitude, amplitude_err : np.ndarray
        Step amplitudes a_i (units of y; sign = direction).
    offset, offset_err : float
        Constant c (units of y) = plateau at low z.
    r2 : float
        Coefficient of determination 1 − SS_res/SS_tot (unweighted).
    rmse : float
        Root-mean-square residual (units of y).
    width_factor : float
    z_A, y, y_fit : np.ndarray, shape (n,)
        Sorted input positions, data and fitted curve.
    popt, pcov : np.ndarray
        Raw parameters (a, z0, w, c) or (a1, z01, w1, a2, z02, w2, c) in
        step order as reported here, and their covariance (same order).
    """

    n_steps: int
    z0_A: np.ndarray
    z0_err_A: np.ndarray
    w_A: np.ndarray
    w_err_A: np.ndarray
    width_A: np.ndarray
    width_err_A: np.ndarray
    amplitude: np.ndarray
    amplitude_err: np.ndarray
    offset: float
    offset_err: float
    r2: float
    rmse: float
    width_factor: float
    z_A: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    y_fit: np.ndarray = field(repr=False)
    popt: np.ndarray = field(repr=False)
    pcov: np.ndarray = field(repr=False)

    def __call__(self, z) -> np.ndarray:
        """Evaluate the fitted model at z (Å)."""
        if self.n_steps == 1:
            return logistic_step(z, *self.popt)
        return logistic_two_step(z, *self.popt)


def _edge_levels(y: np.ndarray) -> tuple[float, float]:
    k = max(2, y.size // 10)
    return float(np.mean(y[:k])), float(np.mean(y[-k:]))


def _crossing(z: np.ndarray, y: np.ndarray, level: float) -> float | None:
    """First z where y crosses ``level`` (linear interpolation), else None."""
    d = y - level
    s = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) <= 0)
    if s.size == 0:
        return None
    i = s[0]
    if d[i] == d[i + 1]:
        return float(z[i])
    return float(z[i] + (z[i + 1] - z[i]) * d[i] / (d[i] - d[i + 1]))


def _smooth(y: np.ndarray) -> np.ndarray:
    k = max(1, y.size // 25)
    if k == 1:
        return y
    kernel = np.ones(2 * k + 1) / (2 * k + 1)
    pad = np.pad(y, k, mode="edge")
    return np.convolve(pad, kernel, mode="valid")


def _guesses_one(z: np.ndarray, y: np.ndarray) -> list[list[float]]:
    ys = _smooth(y)
    y_lo, y_hi = _edge_levels(ys)
    a = y_hi - y_lo
    span = float(z[-1] - z[0])
    z0 = _crossing(z, ys, y_lo + 0.5 * a)
    if z0 is None:
        z0 = float(np.median(z))
    z10 = _crossing(z, ys, y_lo + 0.1 * a)
    z90 = _crossing(z, ys, y_lo + 0.9 * a)
    w = span / 20.0
    if z10 is not None and z90 is not None and z90 != z10:
        w = abs(z90 - z10) / WIDTH_FACTOR_10_90
    w = float(np.clip(w, span * 1e-3, span / 2))
    return [[a, z0, w * f, y_lo] for f in (1.0, 0.3, 3.0)]


def _guesses_two(z: np.ndarray, y: np.ndarray) -> list[list[float]]:
    ys = _smooth(y)
    y_lo, y_hi = _edge_levels(ys)
    span = float(z[-1] - z[0])
    # Cumulative absolute variation locates where the profile changes.
    var = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(ys)))])
    pairs: list[tuple[float, float]] = []
    if var[-1] > 0:
        s = var / var[-1]
        for q1, q2 in ((0.25, 0.75), (0.1, 0.5), (0.5, 0.9), (0.15, 0.85), (0.35, 0.65)):
            pairs.append((float(np.interp(q1, s, z)), float(np.interp(q2, s, z))))
    # Two largest separated peaks of |dy/dz|.
    g = np.abs(np.gradient(ys, z))
    i1 = int(np.argmax(g))
    far = np.abs(z - z[i1]) > span / 10
    if far.any():
        i2 = int(np.flatnonzero(far)[np.argmax(g[far])])
        pairs.append(tuple(sorted((float(z[i1]), float(z[i2])))))
    pairs.append((z[0] + span / 3, z[0] + 2 * span / 3))
    out = []
    for z1, z2 in pairs:
        if z2 - z1 < span * 1e-3:
            z2 = z1 + span * 1e-3
        y_mid = float(np.interp(0.5 * (z1 + z2), z, ys))
        for w in ((z2 - z1) / 8.0, span / 50.0):
            w = float(np.clip(w, span * 1e-3, span / 2))
            out.append([y_mid - y_lo, z1, w, y_hi - y_mid, z2, w, y_lo])
    return out


def fit_logistic_step(
    z,
    y,
    n_steps: int = 1,
    p0: Sequence[float] | None = None,
    sigma=None,
    absolute_sigma: bool = False,
    width_factor: float = WIDTH_FACTOR_10_90,
    max_amplitude_ratio: float = 3.0,
) -> LogisticFit:
    """Least-squares logistic fit of a profile [paper 000, Methods, Fig. 2].

    One step: f(z) = a / (1 + exp(−(z − z0)/w)) + c; two steps:
    f(z) = Σᵢ aᵢ / (1 + exp(−(z − z0ᵢ)/wᵢ)) + c.  Fitted with
    :func:`scipy.optimize.curve_fit` (trust-region reflective) with bounds
    w ∈ [10⁻³ L, L], z0 ∈ [z_min, z_max] (L = z_max − z_min) and
    |a| ≤ ``max_amplitude_ratio`` · (y_max − y_min); the amplitude sign is
    free, so a rising (a > 0) or falling (a < 0) step is handled
    automatically.  A start that ends on the amplitude bound is discarded:
    that is the degenerate two-step solution (both steps at one z with
    huge, cancelling amplitudes) which otherwise can fit a noisy profile.
    Without ``p0`` several starts are tried, built from the profile's edge
    plateaus, half-height (and 10 %/90 %) crossings, cumulative variation and
    gradient peaks; the start with the lowest residual wins.

    Interface width.  The paper's text quotes "transition widths" (Li|SEI
    4.28–5.62 Å, SEI|SSE ≈10.5–22 Å) without giving their relation to w.
    Here ``width_A`` = ``width_factor`` · w with default 2 ln 9 · w ≈ 4.39 w,
    the 10–90 % width of the step (the transition-region extent; with w
    itself a 22 Å SEI|SSE width would imply a ≈100 Å transition in an 18 nm
    cell).  ``w_A`` is always reported too; pass ``width_factor=1`` (w) or 4
    (12–88 % width) for other conventions.

    Parameters
    ----------
    z
        Positions, shape (n,), Å (any order; sorted internally).
    y
        Profile values, shape (n,) (e.g. Å⁻³ or eV).
    n_steps
        1 or 2.
    p0
        Optional initial guess (a, z0, w, c) or (a1, z01, w1, a2, z02, w2, c).
    sigma
        Optional 1-sigma uncertainties of y, shape (n,), all > 0.
    absolute_sigma
        Passed to curve_fit (True: ``sigma`` are absolute errors).
    width_factor
        width_A = width_factor · w (> 0).
    max_amplitude_ratio
        Bound of every |aᵢ| in units of the profile's range (> 0; default 3).

    Returns
    -------
    LogisticFit
        Steps sorted by z0, with 1-sigma errors, R², RMSE and fitted curve.

    Raises
    ------
    ValueError
        If shapes differ, values are non-finite, n_steps is not 1 or 2, there
        are fewer than 3·n_steps + 3 points, all z are equal, ``p0`` has the
        wrong length, ``sigma`` is not positive, or width_factor <= 0.
    RuntimeError
        If no start converges to a fit off the amplitude bound.
    """
    zz, yy, sig, span, wf = _checked_profile(z, y, n_steps, sigma, width_factor,
                                             max_amplitude_ratio)
    model, lower, upper, starts, a_max = _fit_problem(zz, yy, n_steps, span,
                                                      max_amplitude_ratio, p0)
    popt, pcov = _best_start(model, zz, yy, sig, absolute_sigma, lower, upper, starts, span,
                             a_max, n_steps, max_amplitude_ratio)
    return _logistic_fit(model, zz, yy, n_steps, popt, pcov, wf)


def _checked_profile(z, y, n_steps, sigma, width_factor, max_amplitude_ratio):
    """Validate the inputs of :func:`fit_logistic_step` and sort the profile by z.

    Returns
    -------
    tuple
        (zz, yy, sig, span, wf): z (Å) and y sorted by z, shape (n,); sigma in the same
        order or None; span = z_max − z_min (Å); the width factor as float.

    Raises
    ------
    ValueError
        As :func:`fit_logistic_step`.
    """
    if not max_amplitude_ratio > 0:
        raise ValueError("max_amplitude_ratio must be > 0")
    if n_steps not in (1, 2):
        raise ValueError(f"n_steps must be 1 or 2, got {n_steps}")
    zz = np.asarray(z, dtype=float)
    yy = np.asarray(y, dtype=float)
    if zz.ndim != 1 or yy.ndim != 1 or zz.shape != yy.shape:
        raise ValueError(
            f"z and y must be 1-D arrays of equal length, got {zz.shape} and {yy.shape}"
        )
    if not (np.all(np.isfinite(zz)) and np.all(np.isfinite(yy))):
        raise ValueError("z and y must be finite (drop empty bins / NaN first)")
    n_par = 3 * n_steps + 1
    if zz.size < n_par + 2:
        raise ValueError(
            f"need at least {n_par + 2} points for a {n_steps}-step fit, got {zz.size}"
        )
    wf = float(width_factor)
    if not (np.isfinite(wf) and wf > 0):
        raise ValueError("width_factor must be > 0")
    order = np.argsort(zz, kind="stable")
    zz, yy = zz[order], yy[order]
    sig = None
    if sigma is not None:
        sig = np.asarray(sigma, dtype=float)
        if sig.shape != zz.shape:
            raise ValueError("sigma must have the same shape as y")
        if not (np.all(np.isfinite(sig)) and np.all(sig > 0)):
            raise ValueError("sigma must be finite and > 0")
        sig = sig[order]
    span = float(zz[-1] - zz[0])
    if not span > 0:
        raise ValueError("all z are equal")
    return zz, yy, sig, span, wf


def _fit_problem(zz, yy, n_steps, span, max_amplitude_ratio, p0):
    """Model, parameter bounds and start vectors of a logistic fit.

    Bounds: w ∈ [10⁻³ L, L], z0 ∈ [z_min, z_max] (L = ``span``) and
    |a| ≤ a_max = ``max_amplitude_ratio`` · (y_max − y_min).  Starts: ``[p0]`` when given,
    else :func:`_guesses_one` / :func:`_guesses_two`.

    Returns
    -------
    tuple
        (model, lower, upper, starts, a_max): :func:`logistic_step` or
        :func:`logistic_two_step`, bound lists of length 3·n_steps + 1, list of start
        vectors, a_max (units of y).

    Raises
    ------
    ValueError
        If ``p0`` does not have 3·n_steps + 1 values.
    """
    n_par = 3 * n_steps + 1
    w_lo, w_hi = span * 1e-3, span
    # |a| <= max_amplitude_ratio x the profile's range: two steps at one z with huge opposite
    # amplitudes that cancel (a degenerate two-step fit) cannot be the answer
    a_max = float(max_amplitude_ratio) * max(float(np.ptp(yy)), 1e-12)
    if n_steps == 1:
        model = logistic_step
        lower = [-a_max, zz[0], w_lo, -np.inf]
        upper = [a_max, zz[-1], w_hi, np.inf]
        starts = _guesses_one(zz, yy)
    else:
        model = logistic_two_step
        lower = [-a_max, zz[0], w_lo, -a_max, zz[0], w_lo, -np.inf]
        upper = [a_max, zz[-1], w_hi, a_max, zz[-1], w_hi, np.inf]
        starts = _guesses_two(zz, yy)
    if p0 is not None:
        p = [float(v) for v in p0]
        if len(p) != n_par:
            raise ValueError(f"p0 must have {n_par} values for {n_steps} step(s), got {len(p)}")
        starts = [p]
    return model, lower, upper, starts, a_max


def _inside_bounds(start, lower, upper, span: float) -> np.ndarray:
    """Start vector clipped to the bounds and kept 10⁻⁹ ``span`` inside every finite one."""
    start = np.clip(np.asarray(start, dtype=float), np.array(lower) + 0.0, upper)
    for i in range(len(lower)):
        if np.isfinite(lower[i]) and start[i] <= lower[i]:
            start[i] = lower[i] + 1e-9 * span
        if np.isfinite(upper[i]) and start[i] >= upper[i]:
            start[i] = upper[i] - 1e-9 * span
    return start


def _best_start(model, zz, yy, sig, absolute_sigma, lower, upper, starts, span, a_max,
                n_steps, max_amplitude_ratio):
    """Bounded least-squares fit from every start; the lowest residual wins.

    Each start is fitted with :func:`scipy.optimize.curve_fit` (trust-region reflective,
    ftol = xtol = gtol = 10⁻¹², at most 20000 evaluations).  A start that fails, or ends
    with some |aᵢ| on the amplitude bound (the degenerate two-step solution with huge,
    cancelling amplitudes), is discarded.  The residual is Σ r² (Σ (r/σ)² with ``sig``).

    Returns
    -------
    tuple
        (popt, pcov) of the best start.

    Raises
    ------
    RuntimeError
        If no start converges to a fit off the amplitude bound.
    """
    amplitude_index = np.arange(n_steps) * 3
    best = None
    for start in starts:
        start = _inside_bounds(start, lower, upper, span)
        try:
            popt, pcov = curve_fit(
                model,
                zz,
                yy,
                p0=start,
                sigma=sig,
                absolute_sigma=absolute_sigma,
                bounds=(lower, upper),
                method="trf",
                maxfev=20000,
                ftol=1e-12,
                xtol=1e-12,
                gtol=1e-12,
            )
        except (RuntimeError, ValueError):
            continue
        if np.any(np.abs(popt[amplitude_index]) >= (1.0 - 1e-6) * a_max):
            continue  # stuck at the amplitude bound: degenerate, not a step
        res = yy - model(zz, *popt)
        sse = float(np.sum(res**2 if sig is None else (res / sig) ** 2))
        if best is None or sse < best[0]:
            best = (sse, popt, pcov)
    if best is None:
        raise RuntimeError(
            "logistic fit did not converge from any start to a non-degenerate step "
            f"(|amplitude| < {max_amplitude_ratio:g} x the profile range)"
        )
    return best[1], best[2]


def _logistic_fit(model, zz, yy, n_steps, popt, pcov, wf) -> LogisticFit:
    """:class:`LogisticFit` of the best parameters: steps ordered by z0, 1-sigma errors
    (NaN where the covariance is not finite), R², RMSE and widths ``wf`` · w."""
    pcov = np.asarray(pcov, dtype=float)

    if n_steps == 2 and popt[4] < popt[1]:  # order steps by z0
        perm = [3, 4, 5, 0, 1, 2, 6]
        popt = popt[perm]
        pcov = pcov[np.ix_(perm, perm)]
    with np.errstate(invalid="ignore"):
        perr = np.sqrt(np.diag(pcov))
    perr = np.where(np.isfinite(perr), perr, np.nan)

    y_fit = model(zz, *popt)
    ss_res = float(np.sum((yy - y_fit) ** 2))
    ss_tot = float(np.sum((yy - yy.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")
    steps = np.arange(n_steps) * 3
    w = popt[steps + 2]
    w_err = perr[steps + 2]
    return LogisticFit(
        n_steps=n_steps,
        z0_A=popt[steps + 1].copy(),
        z0_err_A=perr[steps + 1].copy(),
        w_A=w.copy(),
        w_err_A=w_err.copy(),
        width_A=wf * w,
        width_err_A=wf * w_err,
        amplitude=popt[steps].copy(),
        amplitude_err=perr[steps].copy(),
        offset=float(popt[-1]),
        offset_err=float(perr[-1]),
        r2=float(r2),
        rmse=float(np.sqrt(ss_res / zz.size)),
        width_factor=wf,
        z_A=zz,
        y=yy,
        y_fit=y_fit,
        popt=np.asarray(popt, dtype=float),
        pcov=pcov,
    )


def split_halves(z, y, center_z: float):
    """Split a symmetric-cell profile at the electrolyte centre.

    In the shifted frame (:func:`fractional_z`) a symmetric Li|SSE|Li cell has
    the electrolyte centre at ``center_z`` (0.5 ⟨h⟩) and Li metal at both
    ends, so each half holds exactly one Li→SSE transition: the lower half
    (z < center_z) a Li→SSE step, the upper half (z >= center_z) an SSE→Li
    step.  Fit each half separately with :func:`fit_logistic_step`.

    Parameters
    ----------
    z
        Positions, shape (n,), Å.
    y
        Profile values, shape (n,).
    center_z
        Split position (Å).

    Returns
    -------
    tuple
        ((z_lower, y_lower), (z_upper, y_upper)), each sorted by z.

    Raises
    ------
    ValueError
        If shapes differ, ``center_z`` is not finite or a half is empty.
    """
    zz = np.asarray(z, dtype=float)
    yy = np.asarray(y, dtype=float)
    if zz.ndim != 1 or zz.shape != yy.shape:
        raise ValueError("z and y must be 1-D arrays of equal length")
    cz = float(center_z)
    if not np.isfinite(cz):
        raise ValueError("center_z must be finite")
    order = np.argsort(zz, kind="stable")
    zz, yy = zz[order], yy[order]
    lo = zz < cz
    if not lo.any() or lo.all():
        raise ValueError(f"center_z={cz} Å leaves an empty half (z in [{zz.min()}, {zz.max()}] Å)")
    return (zz[lo], yy[lo]), (zz[~lo], yy[~lo])


def interface_positions(
    profile_df: pd.DataFrame,
    species: str = "Li",
    column: str = "number_density_A3",
    side: str | None = "lower",
    center_z_A: float | None = None,
    metal_side: str = "low",
    n_steps: int = 2,
    width_factor: float = WIDTH_FACTOR_10_90,
) -> pd.DataFrame:
    """Li|SEI and SEI|SSE interface positions and widths from a z-profile.

    Fits the ``column`` profile of ``species`` (the Li number density or the
    mean Li potential energy ``mean_c_pe``) with two logistic steps
    [paper 000, Methods, Fig. 2]; the step nearer the Li metal is Li|SEI, the
    other SEI|SSE.  The SEI thickness is the distance between the two
    midpoints [paper 000, Fig. 3], with its 1-sigma error from the fit
    covariance (var(z0₂ − z0₁) = σ₁² + σ₂² − 2 cov₁₂).

    Parameters
    ----------
    profile_df
        Output of :meth:`ZProfileAccumulator.result` (columns ``z_A``,
        ``species`` and ``column``).  Rows with NaN in ``column`` (empty bins)
        are dropped.
    species
        Species whose profile is fitted.
    column
        Profile column, e.g. ``number_density_A3`` or ``mean_c_pe``.
    side
        ``"lower"`` (z < center; Li metal at low z), ``"upper"`` (z >= center;
        Li metal at high z) for a symmetric cell, or None to fit the whole
        profile (single interface; metal position from ``metal_side``).
    center_z_A
        Electrolyte centre (Å) for ``side``; default the middle of the z
        range of the profile (= 0.5 ⟨h⟩ for a full-cell profile).
    metal_side
        ``"low"`` or ``"high"``: where the Li metal is when ``side`` is None.
    n_steps
        2 (Li|SEI and SEI|SSE) or 1 (a single Li|SSE interface, no SEI).
    width_factor
        width_A = width_factor · w (see :func:`fit_logistic_step`).

    Returns
    -------
    pandas.DataFrame
        One row per interface, ordered from the metal outwards.  Columns:
        ``side``, ``interface`` (``"Li|SEI"``, ``"SEI|SSE"``, or ``"Li|SSE"``
        for one step), ``z0_A``, ``z0_err_A``, ``w_A``, ``w_err_A``,
        ``width_A``, ``width_err_A``, ``amplitude``, ``r2``,
        ``sei_thickness_A``, ``sei_thickness_err_A`` (NaN for one step),
        ``species``, ``column``.

    Raises
    ------
    ValueError
        On missing columns, no rows for ``species``, a bad ``side`` /
        ``metal_side`` / ``n_steps``, too few points, or as
        :func:`fit_logistic_step`.
    """
    for col in ("z_A", "species", column):
        if col not in profile_df.columns:
            raise ValueError(f"profile_df has no column {col!r}")
    if n_steps not in (1, 2):
        raise ValueError(f"n_steps must be 1 or 2, got {n_steps}")
    sub = profile_df[profile_df["species"] == species]
    if sub.empty:
        raise ValueError(f"no rows for species {species!r}")
    sub = sub[np.isfinite(sub[column].to_numpy(dtype=float))]
    z = sub["z_A"].to_numpy(dtype=float)
    y = sub[column].to_numpy(dtype=float)
    if z.size == 0:
        raise ValueError(f"column {column!r} has no finite values for {species!r}")

    if side is None:
        if metal_side not in ("low", "high"):
            raise ValueError(f"metal_side must be 'low' or 'high', got {metal_side!r}")
        metal_low = metal_side == "low"
        zs, ys = z, y
    elif side in ("lower", "upper"):
        cz = 0.5 * (z.min() + z.max()) if center_z_A is None else float(center_z_A)
        (zl, yl), (zu, yu) = split_halves(z, y, cz)
        zs, ys = (zl, yl) if side == "lower" else (zu, yu)
        metal_low = side == "lower"
    else:
        raise ValueError(f"side must be 'lower', 'upper' or None, got {side!r}")

    fit = fit_logistic_step(zs, ys, n_steps=n_steps, width_factor=width_factor)
    order = ([0, 1] if metal_low else [1, 0]) if n_steps == 2 else [0]
    names = ["Li|SEI", "SEI|SSE"] if n_steps == 2 else ["Li|SSE"]
    if n_steps == 2:
        d = abs(fit.z0_A[1] - fit.z0_A[0])
        var = fit.pcov[1, 1] + fit.pcov[4, 4] - 2 * fit.pcov[1, 4]
        d_err = float(np.sqrt(var)) if np.isfinite(var) and var >= 0 else float("nan")
    else:
        d, d_err = float("nan"), float("nan")
    rows = []
    for name, i in zip(names, order, strict=True):
        rows.append(
            {
                "side": side if side is not None else metal_side,
                "interface": name,
                "z0_A": fit.z0_A[i],
                "z0_err_A": fit.z0_err_A[i],
                "w_A": fit.w_A[i],
                "w_err_A": fit.w_err_A[i],
                "width_A": fit.width_A[i],
                "width_err_A": fit.width_err_A[i],
                "amplitude": fit.amplitude[i],
                "r2": fit.r2,
                "sei_thickness_A": float(d),
                "sei_thickness_err_A": d_err,
                "species": species,
                "column": column,
            }
        )
    return pd.DataFrame(rows)
