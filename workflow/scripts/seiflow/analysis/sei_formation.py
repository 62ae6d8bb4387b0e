"""SEI-formation analysis of Li | Li6PS5Cl | Li MD trajectories.

Pure functions: ASE ``Atoms`` / numpy arrays in, numbers / arrays / DataFrames
out.  No file is written here.

Units: lengths in Å, times in ps.  Element identity is taken from
``Atoms.numbers`` (P = 15, S = 16, Cl = 17).

Neighbour search uses :func:`ase.neighborlist.neighbor_list`, which honours
``atoms.pbc`` and handles orthorhombic and triclinic cells (including cutoffs
larger than half a cell length).  A pair (i, j) is a neighbour pair when its
minimum-image (or any-image) distance d satisfies ``d < cutoff`` (strict, as in
ASE).

Sources
-------
* [Ding2024] Paper 001 of this project (Ding et al.): intact PS4 criterion
  ("all four nearest neighbors of P are S atoms within a cutoff distance of
  2.6 Å") and SEI thickness ("distance between the boundary of intact PS4
  tetrahedra and the furthest z-coordinates of S, P, and Cl that diffuse into
  the SEI"), Fig. 2d.
* [Chaney2024] Paper 004 of this project (Chaney et al. 2024), appendix:
  reduced-electrolyte fraction
  α = (8 N(P) + 6 N(PS) + 4 N(PS2) + 2 N(PS3)) / 8Z with a 3 Å P–S cutoff;
  Fig. 2: logarithmic growth α(t) = a + b ln t.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd
from ase import Atoms
from ase.data import atomic_numbers
from ase.neighborlist import neighbor_list
from scipy import stats

__all__ = [
    "ps_coordination",
    "intact_ps4_mask",
    "intact_tetrahedra_mask",
    "reduced_fraction_alpha",
    "sei_thickness",
    "fit_log_time",
    "analyse_frame",
    "analyse_trajectory",
    "iter_lammps_dump",
    "TRAJECTORY_COLUMNS",
]

Z_P, Z_S, Z_CL = 15, 16, 17

#: Column order of the DataFrame returned by :func:`analyse_trajectory`.
TRAJECTORY_COLUMNS = [
    "time_ps",
    "n_intact_ps4",
    "alpha",
    "sei_thickness_lower_A",
    "sei_thickness_upper_A",
    "sei_thickness_mean_A",
]

# Cell-geometry tolerance (Å) for "a and b have no z component".
_CELL_TOL_A = 1e-6


def _p_indices(atoms: Atoms) -> np.ndarray:
    idx = np.flatnonzero(atoms.numbers == Z_P)
    if idx.size == 0:
        raise ValueError("no P atoms in the structure")
    return idx


def _check_cutoff(cutoff: float, name: str = "cutoff") -> float:
    cutoff = float(cutoff)
    if not np.isfinite(cutoff) or cutoff <= 0:
        raise ValueError(f"{name} must be a positive finite length in Å, got {cutoff}")
    return cutoff


def ps_coordination(atoms: Atoms, cutoff: float = 3.0) -> np.ndarray:
    """Number of S atoms within ``cutoff`` of each P atom.

    Parameters
    ----------
    atoms
        Structure (periodicity from ``atoms.pbc``; any cell shape).
    cutoff
        P–S distance cutoff in Å (pair counted when d < cutoff).  3 Å is the
        value used for α in [Chaney2024], appendix.

    Returns
    -------
    np.ndarray, shape (n_P,), int
        S coordination number of each P, in order of increasing atom index.

    Raises
    ------
    ValueError
        If the structure contains no P, or ``cutoff`` is not positive.
    """
    cutoff = _check_cutoff(cutoff)
    p_idx = _p_indices(atoms)
    numbers = atoms.numbers
    # Only P–S pairs are kept by the per-pair cutoff dictionary.
    i, j = neighbor_list("ij", atoms, {(Z_P, Z_S): cutoff})
    sel = (numbers[i] == Z_P) & (numbers[j] == Z_S)
    counts = np.bincount(i[sel], minlength=len(atoms))
    return counts[p_idx].astype(int)


def intact_tetrahedra_mask(
    atoms: Atoms, centre: str = "P", ligand: str = "S", cutoff: float = 2.6,
    search_margin: float = 1.0,
) -> np.ndarray:
    """Which ``centre`` atoms sit in an intact ``centre``-``ligand``4 tetrahedron.

    Criterion [Ding2024] (for PS4): "all four nearest neighbors of P are S atoms within
    a cutoff distance of 2.6 Å"; the same test serves SiS4.  The four nearest neighbours
    (any element, periodic images included) are found with a neighbour list of radius
    ``cutoff + search_margin``; a centre with fewer than four neighbours inside that radius
    is *not* intact.  Ties in distance are broken by the neighbour list order (measure-zero
    in MD).

    Parameters
    ----------
    atoms
        Structure (periodicity from ``atoms.pbc``; any cell shape).
    centre, ligand
        Elements of the tetrahedron centre and its corners.
    cutoff
        Maximum centre–ligand distance in Å for the 4 nearest neighbours (d < cutoff).
    search_margin
        Extra search radius in Å beyond ``cutoff`` used to rank neighbours.

    Returns
    -------
    np.ndarray, shape (n_centre,), bool
        True for intact tetrahedra, centre atoms in order of increasing atom index.

    Raises
    ------
    ValueError
        If the structure contains no ``centre`` atom, or a length is not positive.
    """
    cutoff = _check_cutoff(cutoff)
    search = cutoff + _check_cutoff(search_margin, "search_margin")
    z_centre, z_ligand = atomic_numbers[centre], atomic_numbers[ligand]
    numbers = atoms.numbers
    c_idx = np.flatnonzero(numbers == z_centre)
    if c_idx.size == 0:
        raise ValueError(f"no {centre} atoms in the structure")
    n = len(atoms)
    # Pairs involving the centre element only (centre–X for every element X present).
    cut = {(z_centre, int(z)): search for z in np.unique(numbers)}
    i, j, d = neighbor_list("ijd", atoms, cut)
    sel = numbers[i] == z_centre
    i, j, d = i[sel], j[sel], d[sel]
    # Sort by centre atom, then by distance; rank neighbours within each centre.
    order = np.lexsort((d, i))
    i, j, d = i[order], j[order], d[order]
    n_neigh = np.bincount(i, minlength=n)
    starts = np.cumsum(n_neigh) - n_neigh
    rank = np.arange(i.size) - starts[i]
    first4 = rank < 4
    bad = first4 & ((numbers[j] != z_ligand) | (d >= cutoff))
    n_bad = np.bincount(i[bad], minlength=n)
    return (n_neigh[c_idx] >= 4) & (n_bad[c_idx] == 0)


def intact_ps4_mask(
    atoms: Atoms, cutoff: float = 2.6, search_margin: float = 1.0
) -> np.ndarray:
    """Which P atoms belong to an intact PS4 tetrahedron
    (:func:`intact_tetrahedra_mask` with centre P, ligand S [Ding2024]).

    Parameters
    ----------
    atoms, cutoff, search_margin
        As :func:`intact_tetrahedra_mask` (Å).

    Returns
    -------
    np.ndarray, shape (n_P,), bool
        True for intact PS4, P atoms in order of increasing atom index.

    Raises
    ------
    ValueError
        If the structure contains no P, or a length is not positive.
    """
    return intact_tetrahedra_mask(atoms, "P", "S", cutoff, search_margin)


def reduced_fraction_alpha(ps_cn: np.ndarray | Sequence[int], n_formula_units: float) -> float:
    """Reduced-electrolyte fraction α [Chaney2024, appendix].

    α = (8 N(P) + 6 N(PS) + 4 N(PS2) + 2 N(PS3)) / (8 Z)

    where N(PS_k) is the number of P atoms with exactly k S neighbours within
    the P–S cutoff (3 Å in [Chaney2024]; see :func:`ps_coordination`), i.e. a
    P contributes 2 (4 − k) electrons of the 8 needed to reduce P(+5) to
    P(−3); k ≥ 4 contributes 0.  Z is the number of Li6PS5Cl formula units
    (one P each), so α = 0 for the pristine electrolyte and 1 when every P is
    isolated from S.

    Parameters
    ----------
    ps_cn
        Array, shape (n_P,), of non-negative integer S coordination numbers.
    n_formula_units
        Z, number of Li6PS5Cl formula units in the cell (> 0).

    Returns
    -------
    float
        α (dimensionless fraction, not %).

    Raises
    ------
    ValueError
        If Z <= 0 (or not finite) or any coordination number is negative.
    """
    z = float(n_formula_units)
    if not np.isfinite(z) or z <= 0:
        raise ValueError(f"n_formula_units must be > 0, got {n_formula_units}")
    cn = np.asarray(ps_cn)
    if cn.size and (cn < 0).any():
        raise ValueError("coordination numbers must be non-negative")
    cn = cn.astype(int).ravel()
    weights = 2 * np.clip(4 - cn, 0, None)  # 8, 6, 4, 2 for k = 0..3; 0 for k >= 4
    return float(weights.sum() / (8.0 * z))


def _z_height(atoms: Atoms) -> float:
    cell = np.asarray(atoms.cell[:], dtype=float)
    if abs(cell[0, 2]) > _CELL_TOL_A or abs(cell[1, 2]) > _CELL_TOL_A:
        raise ValueError(
            "cell vectors a and b must lie in the xy plane (stacking along z); "
            f"got a_z={cell[0, 2]:.3g} Å, b_z={cell[1, 2]:.3g} Å"
        )
    if abs(cell[2, 0]) > _CELL_TOL_A or abs(cell[2, 1]) > _CELL_TOL_A:
        raise ValueError(
            "cell vector c must be along z; got "
            f"c = ({cell[2, 0]:.3g}, {cell[2, 1]:.3g}, {cell[2, 2]:.3g}) Å"
        )
    h = cell[2, 2]
    if not h > 0:
        raise ValueError(f"cell height c_z must be > 0, got {h}")
    return float(h)


def sei_thickness(
    atoms: Atoms, intact_mask: np.ndarray, electrolyte_center_frac: float = 0.5
) -> dict[str, float]:
    """SEI thickness on both sides of a symmetric Li | electrolyte | Li cell.

    Definition [Ding2024, Fig. 2d]: "distance between the boundary of intact
    PS4 tetrahedra and the furthest z-coordinates of S, P, and Cl that diffuse
    into the SEI".  Made precise here as follows.

    1. Fractional z: u = (z − z0) / h, with z0 the cell origin
       (``atoms.get_celldisp()[2]``, the LAMMPS ``zlo``) and h = c_z the
       current cell height (so the result follows NPT box changes).  u is
       shifted so that the electrolyte centre sits at 0.5 and wrapped into
       [0, 1): u ← (u − electrolyte_center_frac + 0.5) mod 1.  The Li metal
       (and the periodic boundary) is then around u = 0 ≡ 1.
    2. Boundary of intact PS4: lowest (u_lo) and highest (u_hi) u among intact
       P atoms (P atom position, not its S atoms).
    3. Furthest anion: lowest u among all S, P, Cl atoms with u < 0.5 (lower
       side) and highest u among those with u >= 0.5 (upper side).
    4. lower = (u_lo − u_min) h,  upper = (u_max − u_hi) h, clipped at 0.

    Because the intact P atoms are themselves P atoms, the furthest anion is
    never closer to the electrolyte than the boundary, so with no anion lost
    the thickness is the small z extent of the boundary unit's own S atoms
    below/above its P (≤ the P–S bond, ≈ 1.2 Å for a tetrahedron with a
    2-fold axis along z), not a negative number.  The clip at 0 only guards
    the degenerate cases where an intact boundary lies on the "wrong" half
    (e.g. a mis-set ``electrolyte_center_frac``) and a side has no anion,
    which would otherwise give a negative/undefined distance.

    Anions that have crossed the middle of the Li slab (u = 0 ≡ 1) are
    counted on the other side; a wrong ``electrolyte_center_frac`` gives
    wrong results.

    Parameters
    ----------
    atoms
        Structure; cell vectors a and b in the xy plane and c along z.
    intact_mask
        Bool array, shape (n_P,), from :func:`intact_ps4_mask` (P in order of
        increasing atom index).
    electrolyte_center_frac
        Fractional z of the electrolyte slab centre in the unshifted cell.

    Returns
    -------
    dict
        ``lower_A``, ``upper_A``, ``mean_A`` (thicknesses, Å);
        ``boundary_lower_z_A``, ``boundary_upper_z_A`` (intact boundary),
        ``furthest_lower_z_A``, ``furthest_upper_z_A`` (furthest anions), all
        as z in the shifted frame (u h, Å; equals z − z0 modulo h when
        ``electrolyte_center_frac`` = 0.5); ``cell_height_A`` (h).
        If no intact PS4 remains the thickness is undefined and every value
        except ``cell_height_A`` is NaN.

    Raises
    ------
    ValueError
        If the cell is not stacked along z (a or b with a z component, c not
        along z, c_z <= 0), if ``intact_mask`` has the wrong length, or the
        structure contains no P.
    """
    h = _z_height(atoms)
    p_idx = _p_indices(atoms)
    mask = np.asarray(intact_mask, dtype=bool).ravel()
    if mask.shape != p_idx.shape:
        raise ValueError(
            f"intact_mask has {mask.size} entries but the structure has {p_idx.size} P atoms"
        )
    c = float(electrolyte_center_frac)
    if not np.isfinite(c):
        raise ValueError("electrolyte_center_frac must be finite")

    nan = float("nan")
    out = {
        "lower_A": nan,
        "upper_A": nan,
        "mean_A": nan,
        "boundary_lower_z_A": nan,
        "boundary_upper_z_A": nan,
        "furthest_lower_z_A": nan,
        "furthest_upper_z_A": nan,
        "cell_height_A": h,
    }
    if not mask.any():
        return out

    z0 = float(np.asarray(atoms.get_celldisp(), dtype=float).ravel()[2])
    u = np.mod((atoms.positions[:, 2] - z0) / h - c + 0.5, 1.0)
    u_intact = u[p_idx[mask]]
    b_lo, b_hi = float(u_intact.min()), float(u_intact.max())

    anion = np.isin(atoms.numbers, (Z_P, Z_S, Z_CL))
    u_an = u[anion]
    lower_side = u_an[u_an < 0.5]
    upper_side = u_an[u_an >= 0.5]
    f_lo = float(lower_side.min()) if lower_side.size else b_lo
    f_hi = float(upper_side.max()) if upper_side.size else b_hi

    lower = max(0.0, (b_lo - f_lo) * h)
    upper = max(0.0, (f_hi - b_hi) * h)
    out.update(
        lower_A=lower,
        upper_A=upper,
        mean_A=0.5 * (lower + upper),
        boundary_lower_z_A=b_lo * h,
        boundary_upper_z_A=b_hi * h,
        furthest_lower_z_A=f_lo * h,
        furthest_upper_z_A=f_hi * h,
    )
    return out


def fit_log_time(t_ps: np.ndarray | Sequence[float], y: np.ndarray | Sequence[float]) -> dict[str, float]:
    """Least-squares fit y = a + b ln t ([Chaney2024], Fig. 2).

    Ordinary least squares of y on ln(t / 1 ps) via
    :func:`scipy.stats.linregress`.  Only points with t > 0 and finite t, y are
    used (t = 0, the first frame, cannot enter a log law).

    Parameters
    ----------
    t_ps
        Times in ps, shape (n,).
    y
        Observable (e.g. α), shape (n,).

    Returns
    -------
    dict
        ``a`` (value at t = 1 ps, units of y), ``b`` (per e-fold of t),
        ``a_err``, ``b_err`` (1-sigma standard errors from the OLS covariance),
        ``r2`` (coefficient of determination), ``n`` (points used, int).

    Raises
    ------
    ValueError
        If shapes differ, fewer than 3 usable points remain, or all usable t
        are equal.
    """
    t = np.asarray(t_ps, dtype=float).ravel()
    yy = np.asarray(y, dtype=float).ravel()
    if t.shape != yy.shape:
        raise ValueError(f"t_ps and y must have the same length ({t.size} != {yy.size})")
    ok = np.isfinite(t) & np.isfinite(yy) & (t > 0)
    n = int(ok.sum())
    if n < 3:
        raise ValueError(f"need at least 3 points with t > 0 to fit a + b ln t, got {n}")
    x = np.log(t[ok])
    if np.ptp(x) == 0:
        raise ValueError("all times are equal; cannot fit a + b ln t")
    res = stats.linregress(x, yy[ok])
    r2 = float(res.rvalue**2) if np.isfinite(res.rvalue) else float("nan")
    return {
        "a": float(res.intercept),
        "b": float(res.slope),
        "a_err": float(res.intercept_stderr),
        "b_err": float(res.stderr),
        "r2": r2,
        "n": n,
    }


def analyse_frame(
    atoms: Atoms,
    n_formula_units: float,
    ps4_cutoff: float = 2.6,
    ps_cn_cutoff: float = 3.0,
    electrolyte_center_frac: float = 0.5,
) -> dict[str, float]:
    """All SEI observables of one frame.

    Combines :func:`intact_ps4_mask` (cutoff ``ps4_cutoff``, [Ding2024]),
    :func:`ps_coordination` + :func:`reduced_fraction_alpha` (cutoff
    ``ps_cn_cutoff``, [Chaney2024]) and :func:`sei_thickness`.

    Returns
    -------
    dict
        ``n_intact_ps4`` (int), ``alpha`` (fraction), ``sei_thickness_lower_A``,
        ``sei_thickness_upper_A``, ``sei_thickness_mean_A`` (Å; NaN when no
        intact PS4 remains).

    Raises
    ------
    ValueError
        As the underlying functions (no P, Z <= 0, cell not stacked along z).
    """
    mask = intact_ps4_mask(atoms, cutoff=ps4_cutoff)
    cn = ps_coordination(atoms, cutoff=ps_cn_cutoff)
    thick = sei_thickness(atoms, mask, electrolyte_center_frac=electrolyte_center_frac)
    return {
        "n_intact_ps4": int(mask.sum()),
        "alpha": reduced_fraction_alpha(cn, n_formula_units),
        "sei_thickness_lower_A": thick["lower_A"],
        "sei_thickness_upper_A": thick["upper_A"],
        "sei_thickness_mean_A": thick["mean_A"],
    }


def analyse_trajectory(
    frames: Iterable[Atoms],
    times_ps: Iterable[float],
    n_formula_units: float,
    **kw: Any,
) -> pd.DataFrame:
    """Analyse a trajectory frame by frame (streaming).

    ``frames`` is consumed lazily together with ``times_ps`` (``zip(...,
    strict=True)``), so a generator such as :func:`iter_lammps_dump` is never
    held in memory as a whole.

    Parameters
    ----------
    frames
        Iterable of ASE ``Atoms``.
    times_ps
        Iterable of times in ps, one per frame.
    n_formula_units
        Z, number of Li6PS5Cl formula units.
    **kw
        Passed to :func:`analyse_frame` (``ps4_cutoff``, ``ps_cn_cutoff``,
        ``electrolyte_center_frac``).

    Returns
    -------
    pandas.DataFrame
        One row per frame, columns :data:`TRAJECTORY_COLUMNS`: ``time_ps``,
        ``n_intact_ps4``, ``alpha``, ``sei_thickness_lower_A``,
        ``sei_thickness_upper_A``, ``sei_thickness_mean_A``.

    Raises
    ------
    ValueError
        If ``frames`` and ``times_ps`` have different lengths (raised when the
        shorter one is exhausted), or from :func:`analyse_frame`.
    """
    rows = []
    for atoms, t in zip(frames, times_ps, strict=True):
        row = {"time_ps": float(t)}
        row.update(analyse_frame(atoms, n_formula_units, **kw))
        rows.append(row)
    df = pd.DataFrame(rows, columns=TRAJECTORY_COLUMNS)
    return df.astype({"n_intact_ps4": int}) if len(df) else df


def _dump_has_element_column(path: str | PathLike) -> bool:
    """Whether the first ``ITEM: ATOMS`` header of a text dump lists ``element``."""
    with open(path) as fd:
        for line in fd:
            if line.startswith("ITEM: ATOMS"):
                return "element" in line.split()[2:]
    return False


def iter_lammps_dump(
    path: str | PathLike, type_map: Sequence[str] | None = None
) -> Iterator[Atoms]:
    """Iterate lazily over the frames of a LAMMPS text dump.

    Uses ``ase.io.iread(path, format="lammps-dump-text")``.  ASE (3.29) reads
    the ``element`` column (``dump_modify element Li P S Cl``) into the
    chemical symbols, stores the LAMMPS ``type`` column in
    ``atoms.arrays["type"]`` and the step number in
    ``atoms.info["timestep"]`` (int, MD steps).  Converting steps to time
    (× timestep in ps, minus any offset) is left to the caller.  The box
    origin (xlo, ylo, zlo) is kept as ``atoms.get_celldisp()``; positions are
    the raw dumped coordinates.

    Parameters
    ----------
    path
        Text dump with columns including ``id type element x y z`` (or
        ``id type x y z`` when ``type_map`` is given).
    type_map
        Optional symbols for LAMMPS types 1..n (e.g. ``["Li", "P", "S",
        "Cl"]``).  Used for the symbols when the dump has no ``element``
        column; when it has one, each frame is checked against it.

    Returns
    -------
    Iterator[ase.Atoms]
        Generator yielding one frame at a time, with ``info["timestep"]``.

    Raises
    ------
    ValueError
        At call time if the dump has neither an ``element`` column nor a ``type_map`` is
        given (ASE would silently turn type 1, 2, 3 into H, He, Li); during
        iteration when ``type_map`` disagrees with the ``element`` column / lacks a type.
    """
    has_element = _dump_has_element_column(path)
    tmap = list(type_map) if type_map is not None else None
    if not has_element and tmap is None:
        raise ValueError(
            f"{path}: dump has no 'element' column; pass type_map (symbols of LAMMPS types 1..n)"
        )
    # Checks above run at call time; frames are produced lazily below.
    return _iter_dump_frames(path, tmap, has_element)


def _iter_dump_frames(
    path: str | PathLike, tmap: list[str] | None, has_element: bool
) -> Iterator[Atoms]:
    import ase.io

    kwargs = {"specorder": tmap} if tmap else {}
    for atoms in ase.io.iread(str(path), index=":", format="lammps-dump-text", **kwargs):
        if tmap is not None and "type" in atoms.arrays:
            types = atoms.arrays["type"]
            if types.min() < 1 or types.max() > len(tmap):
                raise ValueError(f"LAMMPS type outside 1..{len(tmap)} in type_map")
            expected = np.array(tmap, dtype=object)[types - 1]
            if has_element and not np.array_equal(
                np.array(atoms.get_chemical_symbols(), dtype=object), expected
            ):
                raise ValueError("type_map disagrees with the dump's element column")
        yield atoms
