"""Coordination numbers, CN profiles, partial RDFs, SEI composition and S-8-Li crystallinity.

Pure functions over ASE ``Atoms`` (one frame at a time) plus one streaming
accumulator (:class:`PartialRDFAccumulator`); nothing here reads or writes
files.  Units: lengths in Å, volumes in Å^3, number densities in Å^-3.

Neighbour search
----------------
All neighbour queries use freud (:class:`freud.locality.AABBQuery`) on a
:class:`freud.box.Box` built with ``freud.box.Box.from_matrix(cell.T)``:
freud takes the box vectors as the *columns* of the matrix while ASE stores
them as the *rows* of ``atoms.cell``.  ``from_matrix`` re-expresses the box in
freud's own (upper-triangular, origin-centred) frame, so Cartesian positions
are not passed through: each position is converted to fractional coordinates
of the ASE cell relative to the box origin ``atoms.get_celldisp()`` (LAMMPS
``xlo, ylo, zlo``), wrapped into [0, 1) and mapped into freud's centred box
``[-L/2, L/2)`` with :meth:`freud.box.Box.make_absolute`.  Raw LAMMPS
coordinates slightly outside the box are therefore handled, and distances are
those of the periodic cell whatever its orientation.  freud works in single
precision (distances good to ~1e-6 relative).  A pair (i, j) is a neighbour
pair when its minimum-image distance d satisfies ``d < cutoff``; i == j (the
same atom) is never a pair.  The cell must be periodic in x, y and z and every
cutoff / ``r_max`` must be smaller than half the smallest cell width (the
limit of freud's periodic query; one periodic image per pair).

Element order in a pair key ``(center, neighbor)`` follows the papers' labels:
"S–Li" is the number of Li around each S.

Sources
-------
* [paper 000, Methods; Fig. 4, Figs. S4-S7; Table 1] Zhou, Luo, An 2026
  (Li | glass): CN profiles along z with element-pair cutoffs at the first
  minimum of the partial RDFs (:data:`GLASS_CN_CUTOFFS_A`); partial RDFs of
  the SSE vs the SEI region; SEI composition as number densities (Å^-3).
* [paper 003, Sec. 3.3.1; Figs. 9, 11b] Baer et al. 2026 (Li | Li6PS5Cl):
  CN vs time of S–P, S–Li, P–Li and Cl–Li (:data:`TERMINATIONS_CN_CUTOFFS_A`);
  SEI Li = "Li atoms that have a coordination number of 3 or more to S, P, or
  Cl", composition Li2S(1-x-y)PxCly (Li2S0.72P0.14Cl0.14 for (100)/(100));
  degree of crystallisation = S atoms with 8 Li neighbours / all S.
* [paper 001, Fig. 5d] Ding et al.: RDF of the polycrystalline SEI region.
"""

from __future__ import annotations

__all__ = [
    "GLASS_CN_CUTOFFS_A",
    "TERMINATIONS_CN_CUTOFFS_A",
    "RDF_COLUMNS",
    "CN_PROFILE_COLUMNS",
    "coordination_numbers",
    "cn_profile",
    "cn_time_series",
    "PartialRDFAccumulator",
    "sei_li_mask",
    "slab_region_mask",
    "slab_volume_A3",
    "sei_composition",
    "normalised_formula",
    "s8li_crystallinity",
]

from collections.abc import Mapping, Sequence

import freud
import numpy as np
import pandas as pd
from ase import Atoms
from ase.data import atomic_numbers, chemical_symbols

from seiflow.analysis.base import FrameAccumulator
from seiflow.analysis.sei_formation import _z_height

#: Element-pair cutoffs (Å) of the CN profiles of paper 000 (Methods: "first
#: minimum of the partial radial distribution functions"), keyed
#: (center, neighbor) in the order the paper lists the pair.
GLASS_CN_CUTOFFS_A: dict[tuple[str, str], float] = {
    ("P", "Li"): 2.86,
    ("Si", "Li"): 3.49,
    ("S", "Li"): 3.39,
    ("P", "S"): 2.73,
    ("Si", "S"): 2.80,
    ("Li", "Li"): 4.00,
    ("Si", "Si"): 2.64,
}

#: Pairs of paper 003 Fig. 9 (S–P, S–Li, P–Li, Cl–Li) with the 3 Å cutoff
#: (centre first: S–Li → 8 in Li2S, P–Li → ≈10-11 in Li3P-like P).
TERMINATIONS_CN_CUTOFFS_A: dict[tuple[str, str], float] = {
    ("S", "P"): 3.0,
    ("S", "Li"): 3.0,
    ("P", "Li"): 3.0,
    ("Cl", "Li"): 3.0,
}

#: Columns of :func:`cn_profile`.
CN_PROFILE_COLUMNS = ["z_A", "center", "neighbor", "mean_cn", "n_center", "sum_cn", "bin"]
#: Columns of :meth:`PartialRDFAccumulator.result`.
RDF_COLUMNS = ["r_A", "center", "neighbor", "g_r", "cn_r", "n_center_frames"]


# --------------------------------------------------------------------------- helpers
def _check_length(value: float, name: str) -> float:
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite length in Å, got {value!r}")
    return v


def _z_number(symbol: str) -> int:
    if not isinstance(symbol, str) or symbol not in atomic_numbers or symbol == "X":
        raise ValueError(f"unknown chemical symbol {symbol!r}")
    return atomic_numbers[symbol]


def _atom_mask(atoms: Atoms, mask, name: str) -> np.ndarray:
    """Bool mask of shape (n_atoms,) (all True when ``mask`` is None)."""
    n = len(atoms)
    if mask is None:
        return np.ones(n, dtype=bool)
    m = np.asarray(mask)
    if m.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) (one entry per atom), got {m.shape}")
    if m.dtype != bool:
        raise ValueError(f"{name} must be a boolean array, got dtype {m.dtype}")
    return m


def _plane_widths_A(atoms: Atoms) -> np.ndarray:
    """Distances between opposite faces of the cell (Å), shape (3,)."""
    cell = np.asarray(atoms.cell[:], dtype=float)
    vol = abs(np.linalg.det(cell))
    if not vol > 0:
        raise ValueError("the cell has zero volume; a periodic 3-D cell is required")
    return np.array(
        [vol / np.linalg.norm(np.cross(cell[(k + 1) % 3], cell[(k + 2) % 3])) for k in range(3)]
    )


def _freud_frame(atoms: Atoms, r_max: float) -> tuple[freud.box.Box, np.ndarray]:
    """freud box and wrapped positions (float32, shape (n_atoms, 3)) of a frame.

    Raises ValueError when the cell is not periodic in x, y, z, has no volume,
    or ``r_max`` is not below half the smallest cell width.
    """
    if not np.all(atoms.pbc):
        raise ValueError(f"atoms.pbc must be True in x, y and z, got {tuple(atoms.pbc)}")
    widths = _plane_widths_A(atoms)
    if r_max >= 0.5 * widths.min():
        raise ValueError(
            f"cutoff {r_max} Å must be < half the smallest cell width "
            f"({0.5 * widths.min():.4g} Å); use a larger (super)cell"
        )
    cell = np.asarray(atoms.cell[:], dtype=float)
    origin = np.asarray(atoms.get_celldisp(), dtype=float).reshape(3)
    frac = np.linalg.solve(cell.T, (atoms.positions - origin).T).T
    frac = np.mod(frac, 1.0)
    frac[frac >= 1.0] = 0.0  # np.mod(-tiny, 1) == 1.0 in floating point
    box = freud.box.Box.from_matrix(cell.T)
    pos = np.asarray(box.make_absolute(frac.astype(np.float32)), dtype=np.float32)
    return box, pos


def _pairs(
    box: freud.box.Box,
    pos: np.ndarray,
    center_idx: np.ndarray,
    neighbor_idx: np.ndarray,
    r_max: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Global (i_center, j_neighbor, d) of all pairs with d < r_max, self excluded."""
    if center_idx.size == 0 or neighbor_idx.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    aq = freud.locality.AABBQuery(box, pos[neighbor_idx])
    nl = aq.query(pos[center_idx], {"r_max": float(r_max)}).toNeighborList()
    i = center_idx[np.asarray(nl.query_point_indices, dtype=np.int64)]
    j = neighbor_idx[np.asarray(nl.point_indices, dtype=np.int64)]
    d = np.asarray(nl.distances, dtype=float)
    keep = (i != j) & (d < r_max)
    return i[keep], j[keep], d[keep]


def _check_pairs(pairs: Mapping[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    if not isinstance(pairs, Mapping) or len(pairs) == 0:
        raise ValueError("pairs must be a non-empty dict {(center, neighbor): cutoff_A}")
    out = {}
    for key, cut in pairs.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"pair key must be a (center, neighbor) tuple, got {key!r}")
        _z_number(key[0])
        _z_number(key[1])
        out[(str(key[0]), str(key[1]))] = _check_length(cut, f"cutoff of {key}")
    return out


def _cn_all(
    atoms: Atoms, box, pos, center: str, neighbor: str, cutoff: float, center_idx: np.ndarray
) -> np.ndarray:
    """CN (int, shape (len(center_idx),)) of the given centre atoms."""
    neighbor_idx = np.flatnonzero(atoms.numbers == _z_number(neighbor))
    i, _, _ = _pairs(box, pos, center_idx, neighbor_idx, cutoff)
    counts = np.bincount(i, minlength=len(atoms))
    return counts[center_idx].astype(int)


def _shifted_frac_z(atoms: Atoms, center_frac: float) -> tuple[np.ndarray, float]:
    """u = ((z - z0)/h - center_frac + 0.5) mod 1, shape (n_atoms,), and h (Å)."""
    h = _z_height(atoms)
    c = float(center_frac)
    if not np.isfinite(c):
        raise ValueError(f"center_frac must be finite, got {center_frac!r}")
    z0 = float(np.asarray(atoms.get_celldisp(), dtype=float).ravel()[2])
    u = np.mod((atoms.positions[:, 2] - z0) / h - c + 0.5, 1.0)
    u[u >= 1.0] = 0.0
    return u, h


# --------------------------------------------------------------------------- CN
def coordination_numbers(
    atoms: Atoms,
    center: str,
    neighbor: str,
    cutoff_A: float,
    center_mask: np.ndarray | None = None,
) -> np.ndarray:
    """Coordination number of every ``center`` atom: number of ``neighbor`` atoms within a cutoff.

    CN_i = #{ j : species(j) = neighbor, j != i, d_ij < cutoff_A }, minimum-image
    distance in the periodic cell [paper 000, Methods; paper 003, Sec. 3.3.1,
    Fig. 9].  Same-species pairs (e.g. Li–Li) exclude the atom itself.

    Parameters
    ----------
    atoms
        Frame (periodic in x, y, z; any cell shape, box origin from
        ``atoms.get_celldisp()``; positions may lie outside the box).
    center, neighbor
        Chemical symbols, e.g. ``"S"``, ``"Li"``.
    cutoff_A
        Distance cutoff in Å (< half the smallest cell width).
    center_mask
        Optional bool array, shape (n_atoms,); only centre atoms with True are
        returned (neighbours are always all ``neighbor`` atoms of the cell).

    Returns
    -------
    np.ndarray, shape (n_center,), int
        CN of the selected centre atoms in order of increasing atom index.

    Raises
    ------
    ValueError
        Unknown symbol, non-positive cutoff or cutoff ≥ half the smallest cell
        width, non-periodic cell, mask of wrong shape/dtype, or no centre atom
        selected (empty selection).
    """
    cutoff = _check_length(cutoff_A, "cutoff_A")
    zc = _z_number(center)
    _z_number(neighbor)
    mask = _atom_mask(atoms, center_mask, "center_mask")
    center_idx = np.flatnonzero((atoms.numbers == zc) & mask)
    if center_idx.size == 0:
        raise ValueError(f"no {center} centre atoms selected")
    box, pos = _freud_frame(atoms, cutoff)
    return _cn_all(atoms, box, pos, center, neighbor, cutoff, center_idx)


def cn_profile(
    atoms: Atoms,
    pairs: Mapping[tuple[str, str], float],
    bin_width_A: float,
    center_frac: float = 0.5,
    center_mask: np.ndarray | None = None,
    n_bins: int | None = None,
) -> pd.DataFrame:
    """Mean coordination number of each pair binned along z, for ONE frame.

    CN profiles along the interface normal [paper 000, Methods ("computed by
    binning atoms along the z-direction"), Fig. 4, Figs. S5-S7].  Each centre
    atom is binned by its shifted fractional z, the convention of
    :func:`seiflow.analysis.sei_formation.sei_thickness`:
    u = ((z − z0)/h − center_frac + 0.5) mod 1 with z0 = ``atoms.get_celldisp()[2]``
    and h = c_z the current cell height, so the electrolyte centre sits at
    u = 0.5 and NPT box changes are followed.  The [0, 1) range of u is split
    into ``n_bins`` equal bins (default ``max(1, round(h / bin_width_A))``, so
    the actual width is h / n_bins ≈ ``bin_width_A``); ``z_A`` = (k + 0.5) h / n_bins
    is the bin centre in Å of this frame.

    Averaging over frames (done by the caller, per time window): pass a fixed
    ``n_bins`` so the bins are the same fractional slices in every frame, group
    by (``bin``, ``center``, ``neighbor``) and take sum(``sum_cn``) /
    sum(``n_center``) (centre-weighted mean).

    Parameters
    ----------
    atoms
        Frame; cell with a, b in the xy plane and c along z, periodic in x, y, z.
    pairs
        ``{(center, neighbor): cutoff_A}``, e.g. :data:`GLASS_CN_CUTOFFS_A`.
    bin_width_A
        Target bin width in Å (> 0); ignored when ``n_bins`` is given.
    center_frac
        Fractional z of the electrolyte centre in the unshifted cell.
    center_mask
        Optional bool array, shape (n_atoms,): centre atoms to include (e.g.
        exclude the frozen 7 Å boundary layers of paper 000); neighbours are
        always all atoms of the neighbour species.
    n_bins
        Optional fixed number of bins (≥ 1).

    Returns
    -------
    pandas.DataFrame
        One row per bin and pair, columns :data:`CN_PROFILE_COLUMNS`:
        ``z_A`` (Å), ``center``, ``neighbor``, ``mean_cn`` (NaN in a bin with
        no centre atom), ``n_center`` (int), ``sum_cn`` (int, sum of CN over
        the bin), ``bin`` (int, 0..n_bins-1).

    Raises
    ------
    ValueError
        Bad ``pairs`` / cutoffs (see :func:`coordination_numbers`), bin width
        or ``n_bins`` not positive, cell not stacked along z, mask of wrong
        shape.
    """
    pairs = _check_pairs(pairs)
    mask = _atom_mask(atoms, center_mask, "center_mask")
    u, h = _shifted_frac_z(atoms, center_frac)
    if n_bins is None:
        nb = max(1, int(round(h / _check_length(bin_width_A, "bin_width_A"))))
    else:
        nb = int(n_bins)
        if nb < 1 or nb != n_bins:
            raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    box, pos = _freud_frame(atoms, max(pairs.values()))
    bin_of = np.minimum((u * nb).astype(int), nb - 1)
    z_centres = (np.arange(nb) + 0.5) * h / nb
    frames = []
    for (c, n), cut in pairs.items():
        center_idx = np.flatnonzero((atoms.numbers == _z_number(c)) & mask)
        cn = _cn_all(atoms, box, pos, c, n, cut, center_idx)
        b = bin_of[center_idx]
        n_center = np.bincount(b, minlength=nb)
        sum_cn = np.bincount(b, weights=cn, minlength=nb).astype(np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n_center > 0, sum_cn / np.maximum(n_center, 1), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "z_A": z_centres,
                    "center": c,
                    "neighbor": n,
                    "mean_cn": mean,
                    "n_center": n_center.astype(int),
                    "sum_cn": sum_cn,
                    "bin": np.arange(nb),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[CN_PROFILE_COLUMNS]


def cn_time_series(
    atoms: Atoms,
    pairs: Mapping[tuple[str, str], float] = TERMINATIONS_CN_CUTOFFS_A,
    region_mask: np.ndarray | None = None,
) -> dict[tuple[str, str], float]:
    """Mean coordination number of each pair in one frame (one point of a CN-vs-time curve).

    [paper 003, Sec. 3.3.1, Fig. 9]: S–P, S–Li, P–Li and Cl–Li with a 3 Å
    cutoff (the default ``pairs``); in the paper S–Li → ≈8 (Li2S), P–Li →
    ≈10 and S–P → 0 within 500 ps at 400 K.  Call once per frame and collect
    the values with the frame time.

    Parameters
    ----------
    atoms
        Frame (periodic in x, y, z).
    pairs
        ``{(center, neighbor): cutoff_A}``.
    region_mask
        Optional bool array, shape (n_atoms,): centre atoms to average over
        (e.g. the SEI slab); neighbours are always all atoms of the species.

    Returns
    -------
    dict
        ``{(center, neighbor): mean CN}`` (float); NaN for a pair with no
        centre atom in the region.

    Raises
    ------
    ValueError
        Bad pairs / cutoffs, non-periodic cell, mask of wrong shape/dtype.
    """
    pairs = _check_pairs(pairs)
    mask = _atom_mask(atoms, region_mask, "region_mask")
    box, pos = _freud_frame(atoms, max(pairs.values()))
    out = {}
    for (c, n), cut in pairs.items():
        center_idx = np.flatnonzero((atoms.numbers == _z_number(c)) & mask)
        if center_idx.size == 0:
            out[(c, n)] = float("nan")
            continue
        out[(c, n)] = float(_cn_all(atoms, box, pos, c, n, cut, center_idx).mean())
    return out


# --------------------------------------------------------------------------- RDF
class PartialRDFAccumulator(FrameAccumulator):
    """Streaming partial RDFs g_ab(r) of a region (centre atoms) over many frames.

    A :class:`seiflow.analysis.base.FrameAccumulator`: :meth:`update` once per frame
    (arguments: :meth:`_single_frame`), :meth:`result` for the RDFs.

    For each pair (a, b) the accumulator keeps, over frames f, the histogram
    H_f(r_k) of a–b distances (a a centre atom in the region, b any b atom of
    the cell, self pairs excluded) and the normalisation N_a,f ρ_b,f, so the
    memory does not depend on the trajectory length.  The result is

        g_ab(r_k) = Σ_f H_f(r_k) / [ V_k Σ_f N_a,f ρ_b,f ],
        n_ab(r_k) = Σ_f Σ_{k'≤k} H_f(r_k') / Σ_f N_a,f   (running CN),

    with V_k = 4π/3 (r_{k+1}^3 − r_k^3) the exact shell volume of bin k.

    Density normalisation (``normalisation``):

    * ``"cell"`` (default): ρ_b,f = (N_b − δ_ab) / V_cell, the number density
      of species b in the whole cell (δ_ab = 1 for a == b: a centre cannot be
      its own neighbour).  Needs no region volume, so it works with any atom
      mask; for a homogeneous random cell g → 1 at large r.  For a region whose
      b density differs from the cell average, g tends to ρ_b,local / ρ_b,cell
      at large r: peak *positions* (what paper 000 Fig. S4 compares: Li–Li
      3.5 Å in the SSE vs 3.0 Å in the SEI) are unaffected, heights scale.
    * ``"region"``: ρ_b,f = (N_b,region − δ_ab) / V_region with N_b,region the
      b atoms selected by ``region_mask`` and V_region passed to
      :meth:`update` (e.g. :func:`slab_volume_A3`); g → 1 at large r inside a
      homogeneous region (up to boundary effects for centres within r of its
      edge).

    Implementation: freud's :class:`freud.density.RDF` normalises by the
    whole point set and counts the self pair at r = 0 when the query points
    are a subset of the same species, so the histogram is built from a freud
    :class:`~freud.locality.AABBQuery` neighbour list instead.  Sources:
    [paper 000, Fig. S4] (SSE vs SEI region), [paper 001, Fig. 5d].

    Parameters
    ----------
    pairs
        Sequence of ``(center, neighbor)`` symbol tuples, e.g.
        ``[("Li", "Li"), ("Li", "S")]``.
    r_max_A
        Largest distance in Å (< half the smallest cell width of every frame).
    n_bins
        Number of equal-width bins on [0, r_max_A].
    normalisation
        ``"cell"`` or ``"region"`` (see above).

    Raises
    ------
    ValueError
        Empty or malformed ``pairs``, unknown symbol, ``r_max_A`` not
        positive, ``n_bins`` < 1, unknown normalisation.
    """

    def __init__(
        self,
        pairs: Sequence[tuple[str, str]],
        r_max_A: float,
        n_bins: int,
        normalisation: str = "cell",
    ) -> None:
        pairs = [tuple(p) for p in pairs]
        if len(pairs) == 0:
            raise ValueError("pairs must contain at least one (center, neighbor) tuple")
        for p in pairs:
            if len(p) != 2:
                raise ValueError(f"pair must be a (center, neighbor) tuple, got {p!r}")
            _z_number(p[0])
            _z_number(p[1])
        self.pairs: list[tuple[str, str]] = list(dict.fromkeys(pairs))
        self.r_max_A = _check_length(r_max_A, "r_max_A")
        if int(n_bins) != n_bins or int(n_bins) < 1:
            raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
        self.n_bins = int(n_bins)
        if normalisation not in ("cell", "region"):
            raise ValueError(f"normalisation must be 'cell' or 'region', got {normalisation!r}")
        self.normalisation = normalisation
        self.edges_A = np.linspace(0.0, self.r_max_A, self.n_bins + 1)
        super().__init__()

    def _prepare(self) -> None:
        """Empty distance histograms (shape (n_bins,)) and normalisation sums per pair."""
        self._hist = {p: np.zeros(self.n_bins) for p in self.pairs}
        self._norm = dict.fromkeys(self.pairs, 0.0)  # Σ_f N_a,f ρ_b,f  (Å^-3)
        self._n_centre = dict.fromkeys(self.pairs, 0)  # Σ_f N_a,f

    def _single_frame(
        self,
        atoms: Atoms,
        region_mask: np.ndarray | None = None,
        region_volume_A3: float | None = None,
    ) -> None:
        """Add one frame (called by :meth:`update`, which counts it in ``n_frames``).

        Parameters
        ----------
        atoms
            Frame (periodic in x, y, z).
        region_mask
            Bool array, shape (n_atoms,), selecting the CENTRE atoms of the
            region (SSE or SEI); None = all atoms.  With
            ``normalisation="region"`` it also selects the b atoms counted in
            the region density.
        region_volume_A3
            Region volume in Å^3; required with ``normalisation="region"``,
            ignored otherwise.

        Raises
        ------
        ValueError
            Mask of wrong shape/dtype or selecting no atom, non-periodic cell,
            ``r_max_A`` ≥ half the smallest cell width, missing/invalid
            ``region_volume_A3`` with ``normalisation="region"``.
        """
        mask = _atom_mask(atoms, region_mask, "region_mask")
        if not mask.any():
            raise ValueError("region_mask selects no atom")
        if self.normalisation == "region":
            if region_volume_A3 is None:
                raise ValueError("normalisation='region' needs region_volume_A3")
            vol = float(region_volume_A3)
            if not np.isfinite(vol) or vol <= 0:
                raise ValueError(f"region_volume_A3 must be > 0, got {region_volume_A3!r}")
        else:
            vol = float(abs(atoms.cell.volume))
        box, pos = _freud_frame(atoms, self.r_max_A)
        numbers = atoms.numbers
        for a, b in self.pairs:
            za, zb = _z_number(a), _z_number(b)
            center_idx = np.flatnonzero((numbers == za) & mask)
            if center_idx.size == 0:
                continue
            neighbor_idx = np.flatnonzero(numbers == zb)
            if self.normalisation == "region":
                n_b = int(np.count_nonzero((numbers == zb) & mask))
            else:
                n_b = neighbor_idx.size
            n_b -= int(za == zb)
            _, _, d = _pairs(box, pos, center_idx, neighbor_idx, self.r_max_A)
            self._hist[(a, b)] += np.histogram(d, bins=self.edges_A)[0]
            self._norm[(a, b)] += center_idx.size * max(n_b, 0) / vol
            self._n_centre[(a, b)] += center_idx.size

    def _conclude(self) -> pd.DataFrame:
        """Accumulated partial RDFs (returned by :meth:`result`).

        Returns
        -------
        pandas.DataFrame
            Columns :data:`RDF_COLUMNS`: ``r_A`` (bin centre, Å), ``center``,
            ``neighbor``, ``g_r`` (dimensionless), ``cn_r`` (running
            coordination number up to the bin's upper edge), and
            ``n_center_frames`` (Σ_f N_a,f).  NaN for a pair that never had a
            centre atom (or a zero neighbour density).

        :meth:`result` raises ValueError if no frame has been added.
        """
        r = 0.5 * (self.edges_A[1:] + self.edges_A[:-1])
        shell = 4.0 / 3.0 * np.pi * np.diff(self.edges_A**3)
        frames = []
        for p in self.pairs:
            h = self._hist[p]
            norm, nc = self._norm[p], self._n_centre[p]
            g = h / (shell * norm) if norm > 0 else np.full(self.n_bins, np.nan)
            cn = np.cumsum(h) / nc if nc > 0 else np.full(self.n_bins, np.nan)
            frames.append(
                pd.DataFrame(
                    {
                        "r_A": r,
                        "center": p[0],
                        "neighbor": p[1],
                        "g_r": g,
                        "cn_r": cn,
                        "n_center_frames": nc,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)[RDF_COLUMNS]


# --------------------------------------------------------------------------- SEI composition
def sei_li_mask(
    atoms: Atoms,
    cutoff_A: float = 3.0,
    min_anion_neighbours: int = 3,
    anions: Sequence[str] = ("S", "P", "Cl"),
) -> np.ndarray:
    """Li atoms counted as SEI: at least ``min_anion_neighbours`` anions within ``cutoff_A``.

    [paper 003, Sec. 3.3.1]: "classifying all Li atoms that have a
    coordination number of 3 or more to S, P, or Cl as part of the SEI"; the
    paper gives no cutoff for this count, 3 Å (its Fig. 9 CN cutoff) is the
    default.  Note that Li in the intact electrolyte (Li6PS5Cl) also has ≥ 3
    S/Cl neighbours: combine with a region mask (e.g. :func:`slab_region_mask`)
    when the electrolyte is not fully decomposed.

    Parameters
    ----------
    atoms
        Frame (periodic in x, y, z).
    cutoff_A
        Li–anion cutoff in Å.
    min_anion_neighbours
        Minimum number of anion neighbours (≥ 1).
    anions
        Anion symbols counted together.

    Returns
    -------
    np.ndarray, shape (n_atoms,), bool
        True for Li atoms classified as SEI; False for every other atom.

    Raises
    ------
    ValueError
        Bad cutoff, ``min_anion_neighbours`` < 1, empty/unknown ``anions``,
        non-periodic cell, or no Li in the frame.
    """
    cutoff = _check_length(cutoff_A, "cutoff_A")
    if int(min_anion_neighbours) != min_anion_neighbours or min_anion_neighbours < 1:
        raise ValueError(f"min_anion_neighbours must be an integer ≥ 1, got {min_anion_neighbours!r}")
    anions = list(anions)
    if not anions:
        raise ValueError("anions must name at least one element")
    z_an = [_z_number(a) for a in anions]
    li_idx = np.flatnonzero(atoms.numbers == atomic_numbers["Li"])
    if li_idx.size == 0:
        raise ValueError("no Li atoms in the frame")
    box, pos = _freud_frame(atoms, cutoff)
    an_idx = np.flatnonzero(np.isin(atoms.numbers, z_an))
    i, _, _ = _pairs(box, pos, li_idx, an_idx, cutoff)
    counts = np.bincount(i, minlength=len(atoms))
    out = np.zeros(len(atoms), dtype=bool)
    out[li_idx] = counts[li_idx] >= int(min_anion_neighbours)
    return out


def _slab_bounds(atoms: Atoms, z_lo_A: float, z_hi_A: float) -> tuple[float, float, float]:
    h = _z_height(atoms)
    lo, hi = float(z_lo_A), float(z_hi_A)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError("z_lo_A and z_hi_A must be finite")
    if not (0.0 <= lo < hi <= h + 1e-9):
        raise ValueError(
            f"need 0 <= z_lo_A < z_hi_A <= h = {h:.6g} Å (shifted frame), got [{lo}, {hi})"
        )
    return lo, hi, h


def slab_region_mask(
    atoms: Atoms, z_lo_A: float, z_hi_A: float, center_frac: float = 0.5
) -> np.ndarray:
    """Atoms in the z-slab [z_lo_A, z_hi_A) of the shifted frame.

    z is measured as in :func:`cn_profile` / :func:`seiflow.analysis.sei_formation.sei_thickness`:
    z = u h with u = ((z_raw − z0)/h − center_frac + 0.5) mod 1, so the
    electrolyte centre is at h/2 and the bounds are in [0, h].

    Parameters
    ----------
    atoms
        Frame; a, b in the xy plane, c along z.
    z_lo_A, z_hi_A
        Slab bounds in Å, 0 ≤ z_lo_A < z_hi_A ≤ h.
    center_frac
        Fractional z of the electrolyte centre in the unshifted cell.

    Returns
    -------
    np.ndarray, shape (n_atoms,), bool

    Raises
    ------
    ValueError
        Bounds outside [0, h] or not increasing; cell not stacked along z.
    """
    lo, hi, _ = _slab_bounds(atoms, z_lo_A, z_hi_A)
    u, h = _shifted_frac_z(atoms, center_frac)
    z = u * h
    return (z >= lo) & (z < hi)


def slab_volume_A3(atoms: Atoms, z_lo_A: float, z_hi_A: float) -> float:
    """Volume A_xy (z_hi_A − z_lo_A) in Å^3 of a z-slab of the current cell.

    A_xy = |a × b| (Å^2).  Bounds as in :func:`slab_region_mask`.

    Raises
    ------
    ValueError
        Bounds outside [0, h] or not increasing; cell not stacked along z.
    """
    lo, hi, _ = _slab_bounds(atoms, z_lo_A, z_hi_A)
    cell = np.asarray(atoms.cell[:], dtype=float)
    area = float(np.linalg.norm(np.cross(cell[0], cell[1])))
    return area * (hi - lo)


def sei_composition(
    atoms: Atoms,
    region_mask: np.ndarray,
    volume_A3: float,
    elements: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Counts, number densities and atom fractions of the atoms in a region.

    [paper 000, Table 1]: SEI composition as number densities of Li, Si, P,
    S (Å^-3) and atom fractions (LiPS: Li:P:S ≈ 67:7:26 %).  For the paper-003
    style composition pass ``region_mask = slab & (non-Li | sei_li_mask(...))``
    and feed the counts to :func:`normalised_formula`.

    Parameters
    ----------
    atoms
        Frame.
    region_mask
        Bool array, shape (n_atoms,): atoms of the region.
    volume_A3
        Region volume in Å^3 (e.g. :func:`slab_volume_A3`).
    elements
        Symbols to report (rows in this order, zero counts included); default:
        the elements present in the region, by atomic number.

    Returns
    -------
    pandas.DataFrame
        Columns ``element``, ``count`` (int), ``number_density_A3`` (Å^-3),
        ``atom_fraction`` (count / all atoms of the region, all elements).

    Raises
    ------
    ValueError
        Mask of wrong shape/dtype or empty, non-positive volume, unknown symbol.
    """
    mask = _atom_mask(atoms, region_mask, "region_mask")
    if not mask.any():
        raise ValueError("region_mask selects no atom")
    vol = float(volume_A3)
    if not np.isfinite(vol) or vol <= 0:
        raise ValueError(f"volume_A3 must be > 0, got {volume_A3!r}")
    nums = atoms.numbers[mask]
    if elements is None:
        zs = sorted(set(int(z) for z in nums))
        elements = [chemical_symbols[z] for z in zs]
    else:
        elements = list(elements)
        zs = [_z_number(e) for e in elements]
    counts = np.array([np.count_nonzero(nums == z) for z in zs], dtype=int)
    return pd.DataFrame(
        {
            "element": elements,
            "count": counts,
            "number_density_A3": counts / vol,
            "atom_fraction": counts / nums.size,
        }
    )


def normalised_formula(counts: Mapping[str, float] | pd.DataFrame) -> dict[str, float]:
    """Composition Li_n S(1−x−y) P_x Cl_y normalised to one anion site.

    [paper 003, Sec. 3.3.1]: the SEI (Li with ≥ 3 S/P/Cl neighbours plus the
    anions) is written Li2S(1-x-y)PxCly, e.g. Li2S0.72P0.14Cl0.14, i.e. the
    anions S, P, Cl share one anion site of antifluorite Li2S:
    x = N_P / (N_S + N_P + N_Cl), y = N_Cl / (N_S + N_P + N_Cl); the measured
    Li per anion N_Li / (N_S + N_P + N_Cl) is reported too (2 in the nominal
    formula).

    Parameters
    ----------
    counts
        ``{"Li": n, "S": n, "P": n, "Cl": n}`` (missing elements count 0) or
        the DataFrame of :func:`sei_composition` (columns ``element``, ``count``).

    Returns
    -------
    dict
        ``x`` (P share), ``y`` (Cl share), ``s`` (S share = 1 − x − y),
        ``li_per_anion``, ``n_anion`` (S + P + Cl).

    Raises
    ------
    ValueError
        Negative counts, missing columns, or no S, P, Cl at all.
    """
    if isinstance(counts, pd.DataFrame):
        if not {"element", "count"} <= set(counts.columns):
            raise ValueError("DataFrame must have columns 'element' and 'count'")
        c = dict(zip(counts["element"], counts["count"].astype(float), strict=True))
    else:
        c = {k: float(v) for k, v in counts.items()}
    if any(v < 0 or not np.isfinite(v) for v in c.values()):
        raise ValueError("counts must be finite and non-negative")
    n_s, n_p, n_cl, n_li = (c.get(e, 0.0) for e in ("S", "P", "Cl", "Li"))
    n_an = n_s + n_p + n_cl
    if n_an <= 0:
        raise ValueError("no S, P or Cl in counts; formula undefined")
    return {
        "x": n_p / n_an,
        "y": n_cl / n_an,
        "s": n_s / n_an,
        "li_per_anion": n_li / n_an,
        "n_anion": n_an,
    }


# --------------------------------------------------------------------------- crystallinity
def s8li_crystallinity(
    atoms: Atoms, cutoff_A: float = 3.0, s_mask: np.ndarray | None = None
) -> float:
    """Degree of crystallisation: share of S atoms with exactly 8 Li neighbours.

    [paper 003, Sec. 3.3.1, Fig. 11b]: "counting all the S atoms with a
    coordination number of 8 that would be expected in the antifluorite
    structure, and dividing this by the total number of S atoms in the
    system".  The paper does not state the cutoff of this count; the default
    3 Å is the cutoff of its CN analysis (Fig. 9).  In antifluorite Li2S
    (a = 5.71 Å) the 8 Li lie at a√3/4 = 2.47 Å and the next Li shell at
    a√11/4 = 4.73 Å, so any cutoff between ≈2.6 and ≈4.5 Å gives 8.  The paper
    reports 50–55 % for amorphous and just under 80 % for crystallised SEI.

    Parameters
    ----------
    atoms
        Frame (periodic in x, y, z).
    cutoff_A
        S–Li cutoff in Å.
    s_mask
        Optional bool array, shape (n_atoms,): S atoms to consider (default
        all S of the cell, as in the paper).

    Returns
    -------
    float
        Fraction in [0, 1] (not %).

    Raises
    ------
    ValueError
        No S atom selected, bad cutoff, non-periodic cell, mask of wrong shape.
    """
    cn = coordination_numbers(atoms, "S", "Li", cutoff_A, center_mask=s_mask)
    return float(np.count_nonzero(cn == 8) / cn.size)
