"""Crystallinity of Li metal and of the reduced electrolyte (SEI).

Structure identification by polyhedral template matching (PTM), the
crystalline share of the anion sublattice, P/Cl substitution on the
crystalline anion sites, Li vacancies on the tetrahedral sites of the
antifluorite lattice, a "does this seed crystallise" test, and powder XRD.

Pure functions: ASE ``Atoms`` / numpy arrays in, numbers / arrays /
DataFrames out; nothing is written to disk.  Frames follow the convention of
:func:`seiflow.analysis.sei_formation.iter_lammps_dump`: the box origin is
``atoms.get_celldisp()``, positions may lie slightly outside the box and are
wrapped here (periodic directions only); element identity comes from
``atoms.numbers``; atom order is arbitrary.

Units: lengths in Å, times in ps, angles in degrees.

Libraries
---------
* PTM: OVITO's ``PolyhedralTemplateMatchingModifier`` (Larsen, Schmidt,
  Schiøtz, Modelling Simul. Mater. Sci. Eng. 24, 055007 (2016) = reference
  [54] of paper 001), applied to a data collection built with
  ``ovito.io.ase.ase_to_ovito``.
* Neighbour queries: ``freud.locality.AABBQuery`` on a
  ``freud.box.Box.from_matrix`` box (positions passed as fractional
  coordinates, so any cell orientation works).
* XRD: pymatgen ``XRDCalculator`` on a ``Structure`` from ``AseAtomsAdaptor``.

Sources
-------
* [paper 001, Fig. 2a] Ding et al.: Li coloured by PTM (BCC/HCP/FCC/other).
* [paper 001, Sec. "crystalline disordered phase", Fig. 5d] P+Cl share of the
  S sites of the polycrystalline Li2S-like region ≈ 14 %; [Fig. S12] XRD of
  the extracted crystalline phase vs ideal Li2S ("broader features").
* [paper 000, Fig. 5b,c] Zhou, Luo, An: P on the 4a (anion) sites of the Li2S
  lattice, occupancy ≈ 18 %, P-induced Li vacancies; [Fig. S9] 2 of 5 extra
  seeds crystallise.
* [paper 004, Figs. 2-4] Chaney et al.: crystalline vs amorphous reduced
  electrolyte (their criterion is the method of their Ref. 34, Golov &
  Carrasco 2023, not restated in the paper); the crystalline product is the
  antifluorite 5Li2S·Li3P·LiCl solid solution, i.e. S, P and Cl share one fcc
  anion sublattice.
* [paper 003, Sec. 3.4] Baer et al. measure crystallisation as the share of S
  with Li coordination 8; they note it "does not capture how many Li2S
  particles are connected" (amorphous SEI already reads 50-55 %).  The PTM
  criterion used here tests the long-range-ordered anion shell instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from ase import Atoms
from ase.build import bulk
from ase.neighborlist import neighbor_list

__all__ = [
    "DEFAULT_PTM_RMSD_CUTOFF",
    "PTM_STRUCTURE_TYPES",
    "ANIONS",
    "ptm_structure_types",
    "structure_type_fractions",
    "anion_fcc_crystalline_mask",
    "crystalline_share",
    "substitution_occupancy",
    "tetrahedral_site_occupancy",
    "li_vacancy_fraction",
    "crystallises",
    "xrd_pattern",
    "ideal_li2s_pattern",
    "peak_positions",
    "li2s_shell_distances",
]

#: Default PTM RMSD cutoff (dimensionless, PTM's scale-invariant RMSD).  This
#: is OVITO's default for ``PolyhedralTemplateMatchingModifier.rmsd_cutoff``
#: (OVITO 3 manual, "Polyhedral template matching"); paper 001 (Fig. 2a) does
#: not state a value, so the library default is used and made explicit.
DEFAULT_PTM_RMSD_CUTOFF = 0.1

#: OVITO PTM structure-type id -> label used here.
PTM_STRUCTURE_TYPES = {
    0: "other",
    1: "FCC",
    2: "HCP",
    3: "BCC",
    4: "ICO",
    5: "SC",
    6: "CUBIC_DIAMOND",
    7: "HEX_DIAMOND",
    8: "GRAPHENE",
}
_PTM_ID = {name: i for i, name in PTM_STRUCTURE_TYPES.items()}

#: Anion species of the antifluorite Li2S(-P-Cl) sublattice [paper 004; paper 001, Fig. 5d].
ANIONS = ("S", "P", "Cl")

_DEFAULT_TYPES = ("FCC", "HCP", "BCC", "ICO", "SC")
_FCC_SHELL = 12  # nearest-neighbour shell of an fcc lattice


# --------------------------------------------------------------------------- helpers
def _check_atoms(atoms: Any) -> None:
    if not isinstance(atoms, Atoms):
        raise ValueError(f"expected an ase.Atoms, got {type(atoms).__name__}")
    if len(atoms) == 0:
        raise ValueError("the structure contains no atoms")


def _cell_matrix(atoms: Atoms) -> np.ndarray:
    cell = np.asarray(atoms.cell.array, dtype=float)
    if abs(np.linalg.det(cell)) < 1e-9:
        raise ValueError("a 3-D cell with non-zero volume is required (atoms.cell is degenerate)")
    return cell


def _require_periodic(atoms: Atoms) -> None:
    if not np.all(atoms.pbc):
        raise ValueError(f"periodic boundaries in x, y and z are required, got pbc={atoms.pbc.tolist()}")


def _fractional(atoms: Atoms, cell: np.ndarray) -> np.ndarray:
    """Fractional coordinates relative to the box origin, wrapped in periodic directions."""
    origin = np.asarray(atoms.get_celldisp(), dtype=float).reshape(3)
    frac = np.linalg.solve(cell.T, (atoms.positions - origin).T).T
    pbc = np.asarray(atoms.pbc, dtype=bool)
    frac[:, pbc] = np.mod(frac[:, pbc], 1.0)
    frac[:, pbc] = np.where(frac[:, pbc] >= 1.0, 0.0, frac[:, pbc])
    return frac


def _clean_copy(atoms: Atoms, mask: np.ndarray | None = None) -> Atoms:
    """Numbers, wrapped positions (origin moved to 0), cell and pbc only."""
    cell = _cell_matrix(atoms)
    frac = _fractional(atoms, cell)
    sel = slice(None) if mask is None else mask
    return Atoms(numbers=atoms.numbers[sel], positions=frac[sel] @ cell, cell=cell, pbc=atoms.pbc)


def _bool_mask(atoms: Atoms, mask: Any, name: str) -> np.ndarray:
    arr = np.asarray(mask)
    if arr.shape != (len(atoms),):
        raise ValueError(f"{name} must have shape ({len(atoms)},), got {arr.shape}")
    if arr.dtype != bool:
        raise ValueError(f"{name} must be a boolean array, got dtype {arr.dtype}")
    return arr


def _symbols(species: Any) -> tuple[str, ...]:
    return (species,) if isinstance(species, str) else tuple(species)


def _species_mask(atoms: Atoms, species: Any, name: str) -> np.ndarray:
    """Boolean mask from None (all), element symbol(s), or a boolean array."""
    if species is None:
        return np.ones(len(atoms), dtype=bool)
    if isinstance(species, str):
        species = (species,)
    arr = np.asarray(species)
    if arr.dtype == bool:
        return _bool_mask(atoms, arr, name)
    if arr.ndim == 1 and arr.size and all(isinstance(s, str) for s in species):
        symbols = np.asarray(atoms.get_chemical_symbols())
        return np.isin(symbols, list(species))
    raise ValueError(f"{name} must be None, element symbol(s) or a boolean array of shape ({len(atoms)},)")


def _check_rmsd(rmsd_cutoff: Any) -> float:
    r = float(rmsd_cutoff)
    if not np.isfinite(r) or r < 0:
        raise ValueError(f"rmsd_cutoff must be a finite number >= 0 (0 disables the cutoff), got {rmsd_cutoff}")
    return r


def _check_positive(value: Any, name: str) -> float:
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return v


def _freud_box_points(atoms: Atoms):
    """freud box and positions (in freud's frame) of all atoms of a periodic cell."""
    import freud

    _require_periodic(atoms)
    cell = _cell_matrix(atoms)
    frac = _fractional(atoms, cell)
    box = freud.box.Box.from_matrix(cell.T)
    points = np.asarray(box.make_absolute(frac), dtype=np.float32)
    return box, points, cell


def _knn(box, points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k nearest neighbours (self excluded) of every point: (query index, neighbour index)."""
    import freud

    if len(points) <= k:
        raise ValueError(f"need more than {k} atoms on the sublattice for a {k}-neighbour shell, got {len(points)}")
    aq = freud.locality.AABBQuery(box, points)
    nl = aq.query(points, {"num_neighbors": k, "exclude_ii": True}).toNeighborList()
    qi = np.asarray(nl.query_point_indices, dtype=np.int64)
    pj = np.asarray(nl.point_indices, dtype=np.int64)
    counts = np.bincount(qi, minlength=len(points))
    if np.any(counts < k):
        raise ValueError(f"could not find {k} neighbours for every atom (cell too small for the neighbour shell)")
    return qi, pj


# --------------------------------------------------------------------------- PTM
def ptm_structure_types(
    atoms: Atoms,
    species_mask: Any = None,
    rmsd_cutoff: float = DEFAULT_PTM_RMSD_CUTOFF,
    types: Sequence[str] = _DEFAULT_TYPES,
) -> np.ndarray:
    """Local structure type of every atom by polyhedral template matching.

    PTM (OVITO ``PolyhedralTemplateMatchingModifier``; Larsen et al. 2016, ref.
    [54] of paper 001) is run on **only the selected sub-lattice**: the atoms
    outside ``species_mask`` are deleted before PTM, so they neither get a
    label nor count as neighbours.  For the Li-metal analysis of [paper 001,
    Fig. 2a] pass ``species_mask="Li"``; for the anion sublattice of Li2S pass
    ``("S", "P", "Cl")``.

    Parameters
    ----------
    atoms
        Structure with a 3-D cell (``atoms.get_celldisp()`` = box origin;
        periodic directions from ``atoms.pbc``; positions are wrapped).
    species_mask
        ``None`` (all atoms), an element symbol or sequence of symbols, or a
        boolean array of shape (n_atoms,) selecting the sub-lattice.
    rmsd_cutoff
        PTM RMSD cutoff (dimensionless, scale-invariant RMSD of PTM); a match
        worse than this is "other".  Default 0.1 = OVITO's default
        (:data:`DEFAULT_PTM_RMSD_CUTOFF`); 0 disables the cutoff.
    types
        Structure templates to test, any of ``"FCC", "HCP", "BCC", "ICO",
        "SC", "CUBIC_DIAMOND", "HEX_DIAMOND", "GRAPHENE"``.  Default enables
        FCC, HCP, BCC, ICO and SC (OVITO's default enables only FCC/HCP/BCC).

    Returns
    -------
    np.ndarray of str, shape (n_atoms,)
        ``"FCC"``, ``"HCP"``, ``"BCC"``, ``"ICO"``, ``"SC"`` (or another
        enabled type), ``"other"`` (no template within the cutoff) and
        ``"excluded"`` for atoms outside ``species_mask``.

    Raises
    ------
    ValueError
        Not an ``Atoms``/no atoms, degenerate cell, bad ``species_mask`` shape
        or dtype, empty selection, negative/non-finite ``rmsd_cutoff``, empty
        or unknown ``types``.
    """
    from ovito.io.ase import ase_to_ovito
    from ovito.modifiers import PolyhedralTemplateMatchingModifier

    _check_atoms(atoms)
    mask = _species_mask(atoms, species_mask, "species_mask")
    if not mask.any():
        raise ValueError("species_mask selects no atoms")
    rmsd = _check_rmsd(rmsd_cutoff)
    types = tuple(types)
    if not types:
        raise ValueError("types must name at least one PTM structure type")
    unknown = [t for t in types if t not in _PTM_ID or t == "other"]
    if unknown:
        raise ValueError(f"unknown PTM structure types {unknown}; known: {list(_PTM_ID)[1:]}")

    sub = _clean_copy(atoms, mask)
    data = ase_to_ovito(sub)
    modifier = PolyhedralTemplateMatchingModifier()
    modifier.rmsd_cutoff = rmsd
    for st in modifier.structures:
        if st.id != 0:
            st.enabled = PTM_STRUCTURE_TYPES.get(st.id) in types
    data.apply(modifier)
    ids = np.asarray(data.particles["Structure Type"], dtype=np.int64)

    names = np.array([PTM_STRUCTURE_TYPES[i] for i in range(len(PTM_STRUCTURE_TYPES))])
    labels = np.full(len(atoms), "excluded", dtype="<U13")
    labels[mask] = names[ids]
    return labels


def structure_type_fractions(labels: Any, exclude: Sequence[str] = ("excluded",)) -> dict[str, float]:
    """Fraction of each structure type among the labelled atoms.

    Parameters
    ----------
    labels
        Array-like of str, shape (n_atoms,), e.g. from :func:`ptm_structure_types`.
    exclude
        Labels left out of the denominator (default ``"excluded"``).

    Returns
    -------
    dict[str, float]
        Keys ``"FCC", "HCP", "BCC", "ICO", "SC", "other"`` always present,
        plus any other label found; values are fractions summing to 1 over the
        non-excluded atoms.

    Raises
    ------
    ValueError
        ``labels`` not 1-D, or no atom left after ``exclude``.
    """
    arr = np.asarray(labels).astype(str)
    if arr.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {arr.shape}")
    arr = arr[~np.isin(arr, list(exclude))]
    if arr.size == 0:
        raise ValueError("no labelled atoms left after excluding " + repr(tuple(exclude)))
    out = {name: 0.0 for name in ("FCC", "HCP", "BCC", "ICO", "SC", "other")}
    values, counts = np.unique(arr, return_counts=True)
    for v, c in zip(values, counts):
        out[str(v)] = float(c) / arr.size
    return out


# --------------------------------------------------------------------------- anion crystallinity
def anion_fcc_crystalline_mask(
    atoms: Atoms,
    anions: Sequence[str] = ANIONS,
    rmsd_cutoff: float = DEFAULT_PTM_RMSD_CUTOFF,
    min_fcc_neighbours: int = 3,
) -> np.ndarray:
    """Anions sitting on a crystalline fcc anion sublattice (antifluorite Li2S-like).

    Criterion.  In antifluorite Li2S (and the Li2S-P-Cl solid solution of
    [paper 004; paper 001, Fig. 5d; paper 000, Fig. 5c]) S, P and Cl share one
    fcc sublattice with Li in its tetrahedral holes.  An anion is crystalline
    when

    1. PTM run on the anion-only sublattice (all other atoms deleted; FCC,
       HCP, BCC, ICO and SC templates competing, RMSD ≤ ``rmsd_cutoff``)
       labels it FCC, and
    2. at least ``min_fcc_neighbours`` of its 12 nearest anion neighbours are
       also FCC.

    Step 2 removes isolated chance hits in the amorphous phase.  The default 3
    keeps every atom of an fcc grain down to the corner atom of a
    {100}-faceted grain (which has exactly 3 fcc neighbours inside the grain;
    a {100} or {111} surface atom has 8 or 9), but drops isolated atoms,
    pairs and triangles of FCC hits, which are not crystals.  Use 0 to keep
    the plain PTM result.  PTM is run on the whole anion sublattice, so a
    region's boundary atoms see their true neighbours.

    Parameters
    ----------
    atoms
        Periodic structure (3-D cell, pbc in x, y, z).
    anions
        Element symbols forming the anion sublattice (default S, P, Cl).
    rmsd_cutoff
        PTM RMSD cutoff, default 0.1 (OVITO default, see :data:`DEFAULT_PTM_RMSD_CUTOFF`).
    min_fcc_neighbours
        Minimum number of FCC atoms among the 12 nearest anion neighbours
        (0..12).

    Returns
    -------
    np.ndarray of bool, shape (n_atoms,)
        True for crystalline anions; False for non-anions and non-crystalline anions.

    Raises
    ------
    ValueError
        No anions, non-periodic or degenerate cell, sublattice with ≤ 12
        atoms (when ``min_fcc_neighbours > 0``), bad ``rmsd_cutoff`` or
        ``min_fcc_neighbours`` outside 0..12.
    """
    _check_atoms(atoms)
    _require_periodic(atoms)
    k = int(min_fcc_neighbours)
    if k != min_fcc_neighbours or not 0 <= k <= _FCC_SHELL:
        raise ValueError(f"min_fcc_neighbours must be an integer in 0..12, got {min_fcc_neighbours}")
    anion_mask = _species_mask(atoms, _symbols(anions), "anions")
    if not anion_mask.any():
        raise ValueError(f"no anions {_symbols(anions)} in the structure")
    labels = ptm_structure_types(atoms, anion_mask, rmsd_cutoff=rmsd_cutoff)
    fcc = labels == "FCC"
    if k == 0 or not fcc.any():
        return fcc

    idx = np.flatnonzero(anion_mask)
    box, points, _ = _freud_box_points(atoms[idx])
    qi, pj = _knn(box, points, _FCC_SHELL)
    fcc_sub = fcc[idx]
    n_fcc_nb = np.bincount(qi, weights=fcc_sub[pj].astype(float), minlength=len(idx))
    out = np.zeros(len(atoms), dtype=bool)
    out[idx] = fcc_sub & (n_fcc_nb >= k)
    return out


def crystalline_share(
    atoms: Atoms,
    region_mask: Any,
    crystalline_mask: Any = None,
    anions: Sequence[str] = ANIONS,
    **kwargs: Any,
) -> float:
    """Share of the anions of a region that are crystalline.

    [paper 004, Fig. 4] reports the polycrystalline part of the reduced
    electrolyte; here it is measured on the anion sublattice:
    ``N(crystalline anions in region) / N(anions in region)``.

    Parameters
    ----------
    atoms
        Periodic structure.
    region_mask
        Boolean array, shape (n_atoms,): the region (e.g. the SEI slab or the
        reduced electrolyte); only its anions are counted.
    crystalline_mask
        Boolean array, shape (n_atoms,), from :func:`anion_fcc_crystalline_mask`;
        computed on the **whole** structure (then restricted to the region) when None.
    anions
        Anion element symbols.
    **kwargs
        Passed to :func:`anion_fcc_crystalline_mask` when ``crystalline_mask`` is None.

    Returns
    -------
    float
        Share in [0, 1].

    Raises
    ------
    ValueError
        Bad mask shape/dtype, or the region contains no anions.
    """
    _check_atoms(atoms)
    region = _bool_mask(atoms, region_mask, "region_mask")
    anion = _species_mask(atoms, _symbols(anions), "anions")
    sel = region & anion
    if not sel.any():
        raise ValueError("region_mask contains no anions")
    if crystalline_mask is None:
        cryst = anion_fcc_crystalline_mask(atoms, anions=anions, **kwargs)
    else:
        cryst = _bool_mask(atoms, crystalline_mask, "crystalline_mask")
    return float(np.count_nonzero(cryst & sel)) / float(np.count_nonzero(sel))


def substitution_occupancy(atoms: Atoms, crystalline_anion_mask: Any) -> dict[str, float]:
    """Occupancy of the crystalline anion sites by P, Cl and S.

    Each crystalline anion is one anion (4a) site of the antifluorite lattice;
    the occupancy of element X is ``N(X on crystalline sites) / N(sites)``.
    Compare [paper 000, Fig. 5c] (P on the 4a sites ≈ 18 %) and [paper 001,
    Fig. 5d] (P+Cl share of the S sites ≈ 14 %).

    Parameters
    ----------
    atoms
        Structure.
    crystalline_anion_mask
        Boolean array, shape (n_atoms,), e.g. from :func:`anion_fcc_crystalline_mask`.

    Returns
    -------
    dict[str, float]
        ``{"P", "Cl", "S", "P+Cl"}`` occupancies in [0, 1] and ``"n_sites"``
        (number of crystalline anion sites, as float).

    Raises
    ------
    ValueError
        Bad mask shape/dtype, empty mask, or the mask selects atoms that are
        not S, P or Cl.
    """
    _check_atoms(atoms)
    mask = _bool_mask(atoms, crystalline_anion_mask, "crystalline_anion_mask")
    n = int(np.count_nonzero(mask))
    if n == 0:
        raise ValueError("crystalline_anion_mask selects no sites")
    symbols = np.asarray(atoms.get_chemical_symbols())[mask]
    bad = sorted(set(symbols) - set(ANIONS))
    if bad:
        raise ValueError(f"crystalline_anion_mask selects non-anion atoms {bad}")
    occ = {el: float(np.count_nonzero(symbols == el)) / n for el in ("P", "Cl", "S")}
    occ["P+Cl"] = occ["P"] + occ["Cl"]
    occ["n_sites"] = float(n)
    return occ


# --------------------------------------------------------------------------- Li vacancies
def tetrahedral_site_occupancy(
    atoms: Atoms,
    crystalline_anion_mask: Any,
    cutoff_A: float = 1.2,
    anions: Sequence[str] = ANIONS,
) -> tuple[np.ndarray, np.ndarray]:
    """Tetrahedral (Li) sites of the crystalline anion lattice and whether Li occupies them.

    In antifluorite Li2S every tetrahedral hole of the fcc anion lattice holds
    one Li (2 sites per anion).  Sites are the 4-cliques (tetrahedra of four
    mutually nearest-neighbour anions) of the 12-nearest-neighbour graph of
    the anion sublattice, restricted to tetrahedra whose four anions are all
    crystalline; the site sits at the centroid of its four anions (minimum
    image).  A site is occupied when at least one Li lies within ``cutoff_A``
    of the centroid.  Interstitial Li (e.g. on octahedral sites) is not
    counted.  [paper 000, Fig. 5b: P-induced Li vacancies in the crystalline
    Li2S domain.]

    Parameters
    ----------
    atoms
        Periodic structure (3-D cell, pbc in x, y, z).
    crystalline_anion_mask
        Boolean array, shape (n_atoms,), from :func:`anion_fcc_crystalline_mask`.
    cutoff_A
        Li-to-site distance in Å.  Default 1.2 Å: below half the distance
        between neighbouring tetrahedral sites (a/2 = 2.86 Å for a = 5.71 Å)
        and well above thermal displacements at 300-400 K, so a Li is never
        attributed to a neighbouring site.  Must be below half the smallest
        cell width.
    anions
        Anion element symbols (the 12-neighbour graph is built on all of them).

    Returns
    -------
    site_positions_A : np.ndarray, shape (n_sites, 3), float
        Site positions in the frame of ``atoms`` (box origin included, wrapped into the box).
    occupied : np.ndarray, shape (n_sites,), bool
        True where a Li is within ``cutoff_A``.

    Raises
    ------
    ValueError
        Bad mask shape/dtype, empty mask, mask selecting non-anions,
        non-periodic or degenerate cell, non-positive ``cutoff_A``, too few
        anions for a 12-neighbour shell.
    """
    import freud

    _check_atoms(atoms)
    mask = _bool_mask(atoms, crystalline_anion_mask, "crystalline_anion_mask")
    cutoff = _check_positive(cutoff_A, "cutoff_A")
    anion = _species_mask(atoms, _symbols(anions), "anions")
    if not mask.any():
        raise ValueError("crystalline_anion_mask selects no sites")
    if np.any(mask & ~anion):
        raise ValueError("crystalline_anion_mask selects atoms that are not anions " + repr(_symbols(anions)))

    a_idx = np.flatnonzero(anion)
    box, points, cell = _freud_box_points(atoms[a_idx])
    qi, pj = _knn(box, points, _FCC_SHELL)
    cryst = mask[a_idx]
    keep = cryst[qi] & cryst[pj]
    lo = np.minimum(qi[keep], pj[keep])
    hi = np.maximum(qi[keep], pj[keep])
    n = len(a_idx)
    keys = np.unique(lo * n + hi)  # undirected edges, union of both k-NN lists
    empty = (np.zeros((0, 3)), np.zeros(0, dtype=bool))
    if keys.size == 0:
        return empty
    e_lo, e_hi = keys // n, keys % n

    # padded list of higher-indexed neighbours of every node (sorted ascending)
    counts = np.bincount(e_lo, minlength=n)
    m = int(counts.max())
    if m < 3:
        return empty
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    higher = np.full((n, m), -1, dtype=np.int64)
    col = np.arange(keys.size) - starts[e_lo]
    higher[e_lo, col] = e_hi
    comb = np.array(list(combinations(range(m), 3)), dtype=np.int64)

    def _is_edge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        q = a * n + b
        pos = np.clip(np.searchsorted(keys, q), 0, keys.size - 1)
        return keys[pos] == q

    # 4-cliques (i < j < k < l) of the neighbour graph, nodes in chunks to bound memory
    tets = []
    chunk = max(1, 2_000_000 // (3 * len(comb)))
    for start in range(0, n, chunk):
        cand = higher[start:start + chunk][:, comb]  # (chunk, C, 3), each row ascending
        node = np.broadcast_to(np.arange(start, start + len(cand))[:, None], cand.shape[:2])
        valid = np.all(cand >= 0, axis=2)
        node, cand = node[valid], cand[valid]
        j, k, l = cand[:, 0], cand[:, 1], cand[:, 2]
        is_tet = _is_edge(j, k) & _is_edge(j, l) & _is_edge(k, l)
        tets.append(np.column_stack([node[is_tet], cand[is_tet]]))
    tet = np.concatenate(tets)
    if tet.shape[0] == 0:
        return empty
    i, j, k, l = tet.T

    pts = points.astype(np.float64)
    d = [np.asarray(box.wrap(pts[x] - pts[i]), dtype=np.float64) for x in (j, k, l)]
    centroid = pts[i] + (d[0] + d[1] + d[2]) / 4.0
    centroid = np.asarray(box.wrap(centroid), dtype=np.float32)

    li = atoms.numbers == 3
    occupied = np.zeros(len(centroid), dtype=bool)
    if li.any():
        cell_full = _cell_matrix(atoms)
        li_frac = _fractional(atoms, cell_full)[li]
        li_points = np.asarray(box.make_absolute(li_frac), dtype=np.float32)
        nl = (
            freud.locality.AABBQuery(box, li_points)
            .query(centroid, {"r_max": cutoff})
            .toNeighborList()
        )
        occupied = np.bincount(np.asarray(nl.query_point_indices), minlength=len(centroid)) > 0

    frac = np.asarray(box.make_fractional(centroid), dtype=np.float64)
    frac = np.mod(frac, 1.0)
    origin = np.asarray(atoms.get_celldisp(), dtype=float).reshape(3)
    return origin + frac @ cell, occupied


def li_vacancy_fraction(
    atoms: Atoms,
    crystalline_anion_mask: Any,
    cutoff_A: float = 1.2,
    anions: Sequence[str] = ANIONS,
) -> float:
    """Fraction of empty Li (tetrahedral) sites of the crystalline antifluorite region.

    ``N(empty sites) / N(sites)`` with the sites of
    :func:`tetrahedral_site_occupancy` (ideal antifluorite: 2 sites = 2 Li per
    anion, so this is the Li deficit relative to ideal Li2S on the crystalline
    lattice).  [paper 000, Fig. 5b; paper 002, Li2S with Li vacancies.]

    Parameters
    ----------
    atoms, crystalline_anion_mask, cutoff_A, anions
        See :func:`tetrahedral_site_occupancy`.

    Returns
    -------
    float
        Vacancy fraction in [0, 1]; NaN (0/0) when no tetrahedral site has
        four crystalline anions (e.g. only a few scattered crystalline anions).

    Raises
    ------
    ValueError
        As :func:`tetrahedral_site_occupancy`.
    """
    _, occupied = tetrahedral_site_occupancy(atoms, crystalline_anion_mask, cutoff_A, anions)
    if occupied.size == 0:
        return float("nan")
    return float(np.count_nonzero(~occupied)) / occupied.size


# --------------------------------------------------------------------------- crystallisation per seed
def crystallises(share_t: Any, threshold: float, min_duration_ps: float, time_ps: Any) -> Any:
    """Whether a trajectory (seed) crystallises.

    A seed crystallises when its crystalline share stays ``>= threshold`` over
    consecutive frames spanning at least ``min_duration_ps`` (time of the last
    minus time of the first frame of the run).  A sustained run, not a single
    frame, separates a crystallisation event from fluctuations; cf. [paper
    000, Fig. S9] (2 of 5 seeds crystallise) and [paper 003, Sec. 3.4]
    (shares above the amorphous baseline indicate a crystalline region).
    NaN shares count as below the threshold.

    Parameters
    ----------
    share_t
        Crystalline share, shape (n_frames,) for one seed or (n_seeds, n_frames).
    threshold
        Share threshold (same units as ``share_t``, e.g. 0-1).
    min_duration_ps
        Minimum duration of the run in ps (>= 0; 0 = a single frame suffices).
    time_ps
        Frame times in ps, shape (n_frames,), strictly increasing.

    Returns
    -------
    bool or np.ndarray of bool, shape (n_seeds,)
        One value per seed.

    Raises
    ------
    ValueError
        Shape mismatch, non-increasing or non-finite times, empty series,
        non-finite threshold or negative duration.
    """
    share = np.asarray(share_t, dtype=float)
    t = np.asarray(time_ps, dtype=float)
    if share.ndim not in (1, 2):
        raise ValueError(f"share_t must have shape (n_frames,) or (n_seeds, n_frames), got {share.shape}")
    if t.ndim != 1 or t.size == 0 or t.size != share.shape[-1]:
        raise ValueError(f"time_ps must have shape ({share.shape[-1]},) matching share_t, got {t.shape}")
    if not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise ValueError("time_ps must be finite and strictly increasing")
    thr = float(threshold)
    if not np.isfinite(thr):
        raise ValueError(f"threshold must be finite, got {threshold}")
    dur = float(min_duration_ps)
    if not np.isfinite(dur) or dur < 0:
        raise ValueError(f"min_duration_ps must be >= 0, got {min_duration_ps}")

    rows = np.atleast_2d(share)
    out = np.zeros(rows.shape[0], dtype=bool)
    for r, row in enumerate(rows):
        above = np.nan_to_num(row, nan=-np.inf) >= thr
        if not above.any():
            continue
        padded = np.concatenate([[False], above, [False]]).astype(np.int8)
        edges = np.diff(padded)
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1) - 1
        out[r] = bool(np.any(t[ends] - t[starts] >= dur))
    return bool(out[0]) if share.ndim == 1 else out


# --------------------------------------------------------------------------- XRD
def xrd_pattern(
    atoms: Atoms,
    wavelength: str | float = "CuKa",
    two_theta_range: tuple[float, float] = (10.0, 80.0),
    region_mask: Any = None,
    fwhm_deg: float | None = None,
    step_deg: float = 0.02,
) -> pd.DataFrame:
    """Powder X-ray diffraction pattern (pymatgen ``XRDCalculator``).

    The structure is converted with ``AseAtomsAdaptor`` and kept periodic.
    For an extracted region (``region_mask``, e.g. the crystalline SEI of
    [paper 001, Fig. S12]) the other atoms are deleted and the region stays
    in the simulation cell: the SEI is periodic in-plane in the simulation,
    so the in-plane periodicity is physical; along z the region is finite and
    the cell periodicity merely samples its scattering on the cell's
    reciprocal lattice, which shows up as finite-size broadening (many
    closely spaced weak reflections; a region much thinner than the cell
    height also gives genuine Laue side lobes of a thin slab next to the
    strong peaks, so pick the strong peaks or use a wide ``fwhm_deg``).
    Atomic displacements of the snapshot
    are kept (no Debye-Waller factor is added).  Use ``fwhm_deg`` to turn the
    stick pattern into a Gaussian-broadened profile for plotting and peak
    picking.

    Parameters
    ----------
    atoms
        Structure with a 3-D cell.
    wavelength
        pymatgen wavelength key (``"CuKa"`` = 1.54184 Å, ``"MoKa"``, ...) or a
        wavelength in Å.
    two_theta_range
        (min, max) of 2θ in degrees, 0 < min < max < 180.
    region_mask
        Optional boolean array, shape (n_atoms,): only these atoms scatter.
    fwhm_deg
        If given (> 0), return a profile on a 2θ grid: sum of Gaussians of this
        FWHM in degrees centred on the sticks.
    step_deg
        Grid step of the profile in degrees.

    Returns
    -------
    pandas.DataFrame
        Sticks (``fwhm_deg=None``): columns ``two_theta_deg``, ``intensity``
        (max 100), ``d_spacing_A``, ``hkl`` (Miller indices of the first
        family, as a string); ``df.attrs["kind"] = "sticks"``.
        Profile: columns ``two_theta_deg``, ``intensity`` (max 100);
        ``df.attrs["kind"] = "profile"``.

    Raises
    ------
    ValueError
        Degenerate cell, bad mask, empty selection, bad range, bad
        ``fwhm_deg``/``step_deg``, or no reflection in the range.
    """
    from pymatgen.analysis.diffraction.xrd import XRDCalculator
    from pymatgen.io.ase import AseAtomsAdaptor

    _check_atoms(atoms)
    lo, hi = (float(x) for x in two_theta_range)
    if not (0 < lo < hi < 180):
        raise ValueError(f"two_theta_range must satisfy 0 < min < max < 180 degrees, got {two_theta_range}")
    mask = None
    if region_mask is not None:
        mask = _bool_mask(atoms, region_mask, "region_mask")
        if not mask.any():
            raise ValueError("region_mask selects no atoms")
    sub = _clean_copy(atoms, mask)
    sub.pbc = True
    structure = AseAtomsAdaptor.get_structure(sub)
    calc = XRDCalculator(wavelength=wavelength)
    pattern = calc.get_pattern(structure, scaled=True, two_theta_range=(lo, hi))
    x = np.asarray(pattern.x, dtype=float)
    y = np.asarray(pattern.y, dtype=float)
    if x.size == 0:
        raise ValueError(f"no reflection in 2θ range {two_theta_range}")
    if fwhm_deg is None:
        hkls = [str(tuple(h[0]["hkl"])) if h else "" for h in pattern.hkls]
        df = pd.DataFrame(
            {"two_theta_deg": x, "intensity": y, "d_spacing_A": np.asarray(pattern.d_hkls, float), "hkl": hkls}
        )
        df.attrs["kind"] = "sticks"
        return df
    fwhm = _check_positive(fwhm_deg, "fwhm_deg")
    step = _check_positive(step_deg, "step_deg")
    grid = np.arange(lo, hi + 0.5 * step, step)
    sigma = fwhm / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    prof = np.zeros_like(grid)
    for x0, y0 in zip(x, y):  # streaming over sticks keeps memory O(n_grid)
        prof += y0 * np.exp(-0.5 * ((grid - x0) / sigma) ** 2)
    prof *= 100.0 / prof.max()
    df = pd.DataFrame({"two_theta_deg": grid, "intensity": prof})
    df.attrs["kind"] = "profile"
    return df


def ideal_li2s_pattern(
    a_A: float = 5.71,
    wavelength: str | float = "CuKa",
    two_theta_range: tuple[float, float] = (10.0, 80.0),
    fwhm_deg: float | None = None,
) -> pd.DataFrame:
    """XRD pattern of ideal antifluorite Li2S (Fm-3m, S 4a, Li 8c).

    Reference for [paper 001, Fig. S12].  Default a = 5.71 Å (experimental
    Li2S lattice constant, ≈ 5.708 Å at room temperature).

    Parameters
    ----------
    a_A
        Cubic lattice constant in Å (> 0).
    wavelength, two_theta_range, fwhm_deg
        As in :func:`xrd_pattern`.

    Returns
    -------
    pandas.DataFrame
        As :func:`xrd_pattern` (conventional 12-atom cell).

    Raises
    ------
    ValueError
        Non-positive ``a_A``, or as :func:`xrd_pattern`.
    """
    from ase.spacegroup import crystal

    a = _check_positive(a_A, "a_A")
    li2s = crystal(["S", "Li"], basis=[(0, 0, 0), (0.25, 0.25, 0.25)], spacegroup=225,
                   cellpar=[a, a, a, 90, 90, 90])
    return xrd_pattern(li2s, wavelength=wavelength, two_theta_range=two_theta_range, fwhm_deg=fwhm_deg)


def peak_positions(df: pd.DataFrame, n: int, profile: bool | None = None) -> np.ndarray:
    """2θ of the ``n`` strongest peaks, in ascending 2θ.

    Sticks: the ``n`` most intense rows.  Profile: the ``n`` highest local
    maxima (``scipy.signal.find_peaks``).

    Parameters
    ----------
    df
        DataFrame with ``two_theta_deg`` and ``intensity`` (from :func:`xrd_pattern`).
    n
        Number of peaks (>= 1).
    profile
        Treat ``df`` as a profile (True) or sticks (False); default from
        ``df.attrs["kind"]`` (sticks when absent).

    Returns
    -------
    np.ndarray, shape (n,), float
        Peak positions in degrees, ascending.

    Raises
    ------
    ValueError
        Missing columns, ``n < 1``, or fewer than ``n`` peaks.
    """
    from scipy.signal import find_peaks

    for c in ("two_theta_deg", "intensity"):
        if c not in df.columns:
            raise ValueError(f"df lacks column {c!r}")
    n_int = int(n)
    if n_int != n or n_int < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
    if profile is None:
        profile = df.attrs.get("kind", "sticks") == "profile"
    x = df["two_theta_deg"].to_numpy(dtype=float)
    y = df["intensity"].to_numpy(dtype=float)
    if profile:
        cand, _ = find_peaks(np.concatenate([[-np.inf], y, [-np.inf]]))
        cand = cand - 1
    else:
        cand = np.arange(len(x))
    if cand.size < n_int:
        raise ValueError(f"only {cand.size} peaks in the pattern, {n_int} requested")
    top = cand[np.argsort(-y[cand], kind="stable")[:n_int]]
    return np.sort(x[top])


def li2s_shell_distances(a_A: float, pairs: Sequence[str], r_max_A: float,
                         tol_A: float = 0.05) -> dict[str, list[float]]:
    """Distinct neighbour distances of ideal antifluorite Li2S per element pair.

    Reference peaks of the region RDFs [paper 001, Fig. 5d; paper 000, Fig. S4]: the
    conventional cubic cell of antifluorite Li2S (Fm-3m, S 4a, Li 8c; ``ase.build.bulk``)
    with lattice constant ``a_A``, all centre-neighbour distances up to ``r_max_A``
    (``ase.neighborlist.neighbor_list``), sorted and merged into shells where consecutive
    distances differ by at most ``tol_A`` (a shell keeps its first distance).

    Parameters
    ----------
    a_A : float
        Cubic lattice constant (Å), e.g. 5.71.
    pairs : sequence of str
        ``"A-B"`` pairs (centre A, neighbour B), e.g. ``["Li-S", "S-S"]``.
    r_max_A : float
        Largest distance (Å).
    tol_A : float
        Shell merging tolerance (Å).

    Returns
    -------
    dict
        Pair -> ascending shell distances (Å); an empty list for a pair without neighbours.

    Raises
    ------
    ValueError
        A pair not of the form ``"A-B"``.
    """
    atoms = bulk("SLi2", "fluorite", a=a_A, cubic=True)
    i, j, d = neighbor_list("ijd", atoms, r_max_A)
    sym = np.array(atoms.get_chemical_symbols())
    out = {}
    for pair in pairs:
        a, b = pair.split("-")
        sel = (sym[i] == a) & (sym[j] == b)
        shells = []
        for x in np.sort(d[sel]):
            if not shells or x - shells[-1] > tol_A:
                shells.append(float(x))
        out[pair] = shells
    return out
