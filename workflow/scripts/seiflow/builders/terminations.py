"""Li6PS5Cl surface terminations, symmetrisation, surface energies and charge balancing.

Baer, Shantsila, Figiel, Karasulu, J. Mater. Chem. A (2026) -- paper 003, section 3.2.1
(surface formation energies, eqs 4-8) and section 3.2.3 (charge balancing).

Pipeline (pure functions; no file is written here, every random choice takes a ``seed``):

1. Planes.  ``enumeration: paper_003`` (default, paper 003 Table 2):
   :func:`paper_miller_indices`, the planes "up to 1" as the paper lists them -- (100),
   (010), (001), (110), (101), (011), (111), each on its own (the S/Cl disorder makes
   them inequivalent).  ``all_faces_signed_indices`` (the earlier definition):
   :func:`distinct_miller_indices`, indices in {-1, 0, 1}, 13 planes.
2. :func:`enumerate_terminations`.  The bulk is first put on the sites of the ideal
   argyrodite framework (:func:`framework_sites`: a relaxed cell is P1, slightly
   triclinic, Li up to 1.7 Å off 48h; the relaxed displacements are carried along), the
   species staying those of the cell.  pymatgen ``SlabGenerator`` finds the cuts that
   break no P-S bond (``bonds={("P", "S"): 2.3}``, PS4 units stay whole).
   paper_003: the cuts are the layer gaps of the cell's own P/S/Cl atoms; every ordered
   pair (bottom cut, top cut) bounds a slab, which is a symmetric termination only when
   its P/S/Cl framework -- with the cell's S/Cl order -- has an operation mapping the top
   surface onto the bottom one (:func:`normal_reversing_operations`, the operations of
   pymatgen's ``Slab.is_symmetric``).  Li, half-occupying 48h at random, is kept
   ``as_cut`` when it is symmetric too, else the Li of the top half are mirrored onto the
   bottom (``mirrored_half``).  Cut pairs giving the same slab (``StructureMatcher``,
   :func:`group_equivalent_slabs`) are one termination.  So a plane may have none
   ((111): -43m has no operation reversing <111>, as paper 003 states: "no symmetric
   surface terminations for this Miller plane"), and (100), (010), (001) may differ.
   all_faces_signed_indices: both faces of every cut are made symmetric by
   :func:`symmetrize_half_slab` with a 2-fold axis / mirror of the parent F-43m
   (:func:`flip_operations`) through a P atom, so every face qualifies.
3. Symmetrisation (paper 003 section 3.2.1: "it is important to symmetrise the surface
   models"): :func:`symmetrize_half_slab` keeps one half and adds its image under the
   slab operation r -> M (r - p) + p + g; the slab is then exactly symmetric, and the
   operation is stored in ``atoms.info`` (``flip_matrix``, ``flip_center_A``,
   ``flip_glide_A``) for the charge balancing.
4. Composition bookkeeping (paper 003 eqs 4-8): a slab Li_a P_b S_c Cl_d is written
   exactly as N formula units of Li6PS5Cl plus an excess n_i of Li3P, Li2S and LiCl
   (:func:`decompose_composition`), and the surface energy is
   gamma = [E_slab - N E(Li6PS5Cl) - sum_i n_i E(i)] / 2A (:func:`surface_energy_J_m2`),
   which equals eq 4 with the elemental mu of eqs 5-8.
5. Charge balancing (paper 003 section 3.2.3): a slab with formal charge q != 0
   (Li +1, P +5, S -2, Cl -1) loses the minimal number of surface atoms that makes it
   neutral, in symmetric pairs (atom + its image on the other surface), so it stays
   symmetric; only an odd remainder (no pair-only solution) is removed as one unpaired
   top-surface atom, and the slab is then flagged as no longer symmetric (the paper did
   not keep symmetry at all).  Atoms are only removed, never added, as in the paper.
   Among the possible choices (capped at ``max_candidates``, seeded sample) the one
   with the lowest oracle energy is kept (the paper's "configuration enumeration").

Units: lengths in Å, energies in eV, areas in Å^2, surface energies in J/m^2 (the
paper's eV/nm^2 = 0.1602 J/m^2 are given alongside).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np
from ase import Atoms

__all__ = [
    "TerminationError",
    "FORMAL_CHARGES",
    "REFERENCE_COMPOUNDS",
    "EXCESS_COMPOUNDS",
    "EV_PER_A2_IN_J_PER_M2",
    "EV_PER_NM2_IN_J_PER_M2",
    "Termination",
    "TerminationSet",
    "RelaxResult",
    "BalanceResult",
    "validate_miller_index",
    "distinct_miller_indices",
    "parent_site_rotations",
    "flip_operations",
    "idealize_lattice",
    "framework_sites",
    "symmetrize_half_slab",
    "symmetry_deviation_A",
    "slab_is_symmetric",
    "termination_label",
    "broken_ps4_units",
    "element_counts",
    "formal_charge",
    "decompose_composition",
    "recompose",
    "elemental_chemical_potentials_eV",
    "energy_per_formula_unit_eV",
    "surface_energy_J_m2",
    "enumerate_terminations",
    "relax_slab",
    "image_partners",
    "balancing_plans",
    "charge_balance_candidates",
    "charge_balance",
    "termination_study",
    "check_terminations_config",
    "tab2_frame",
    "tab4_frame",
    "ENUMERATIONS",
    "paper_miller_indices",
    "normal_reversing_operations",
    "group_equivalent_slabs",
    "load_published_counts",
    "tab2_counts_frame",
]

#: Formal oxidation states used for the slab charge (paper 003 section 3.2.3).
FORMAL_CHARGES: dict[str, int] = {"Li": 1, "P": 5, "S": -2, "Cl": -1}
_ELEMENTS = ("Li", "P", "S", "Cl")

#: Formula units whose energies fix the chemical potentials (paper 003 eqs 5-8).
REFERENCE_COMPOUNDS: dict[str, dict[str, int]] = {
    "Li6PS5Cl": {"Li": 6, "P": 1, "S": 5, "Cl": 1},
    "Li3P": {"Li": 3, "P": 1},
    "Li2S": {"Li": 2, "S": 1},
    "LiCl": {"Li": 1, "Cl": 1},
}
#: Decomposition products that absorb the non-stoichiometry of a slab (paper 003 eq 4).
EXCESS_COMPOUNDS = ("Li3P", "Li2S", "LiCl")

#: 1 eV/Å^2 in J/m^2 (1.602176634e-19 J / 1e-20 m^2).
EV_PER_A2_IN_J_PER_M2 = 16.02176634
#: 1 eV/nm^2 in J/m^2 (the unit of paper 003 Tables 2 and 4).
EV_PER_NM2_IN_J_PER_M2 = 0.1602176634

_DEFAULT_BONDS = {("P", "S"): 2.3}


class TerminationError(ValueError):
    """Bad input to, or an impossible request of, the termination workflow."""


# --------------------------------------------------------------------------- #
# Miller indices and symmetry operations
# --------------------------------------------------------------------------- #
def validate_miller_index(miller: Sequence[int], max_index: int) -> tuple[int, int, int]:
    """Return ``miller`` as a tuple of 3 ints after checking it.

    Raises
    ------
    TerminationError
        Not three integers, (0, 0, 0), an index with ``|i| > max_index``, or a
        non-reduced index (gcd > 1, e.g. (2, 0, 0), which is the (100) plane).
    """
    if max_index < 1 or int(max_index) != max_index:
        raise TerminationError(f"max_index must be a positive integer, got {max_index!r}")
    try:
        hkl = tuple(int(i) for i in miller)
    except (TypeError, ValueError) as err:
        raise TerminationError(f"Miller index must be three integers, got {miller!r}") from err
    if len(hkl) != 3 or any(int(i) != i for i in miller):
        raise TerminationError(f"Miller index must be three integers, got {miller!r}")
    if hkl == (0, 0, 0):
        raise TerminationError("Miller index (0, 0, 0) is not a plane")
    if max(abs(i) for i in hkl) > max_index:
        raise TerminationError(f"Miller index {hkl} has an index above max_index={max_index}")
    if math.gcd(*hkl) != 1:
        raise TerminationError(f"Miller index {hkl} is not reduced (gcd {math.gcd(*hkl)})")
    return hkl  # type: ignore[return-value]


def _to_structure(structure):
    """pymatgen Structure from a Structure or ase.Atoms (copy)."""
    from pymatgen.core import Structure
    from pymatgen.io.ase import AseAtomsAdaptor

    if isinstance(structure, Atoms):
        s = AseAtomsAdaptor.get_structure(structure)
    elif isinstance(structure, Structure):
        s = structure.copy()
    else:
        raise TerminationError(
            f"expected a pymatgen Structure or ase.Atoms, got {type(structure).__name__}"
        )
    for key in list(s.site_properties):
        s.remove_site_property(key)
    return s


def _rotations(structure, symprec: float) -> list[np.ndarray]:
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ops = SpacegroupAnalyzer(structure, symprec=symprec).get_symmetry_operations(
            cartesian=False
        )
    return [np.rint(op.rotation_matrix).astype(int) for op in ops]


def distinct_miller_indices(structure, max_index: int = 1, symprec: float = 0.01):
    """Miller planes (indices in {-max_index..max_index}) not related by the structure's symmetry.

    Parameters
    ----------
    structure
        pymatgen ``Structure`` or ``ase.Atoms`` (the actual, e.g. disordered, cell).
    max_index
        Largest absolute Miller index.
    symprec
        spglib tolerance (Å) for the structure's space group.

    Returns
    -------
    list of (h, k, l)
        One representative per family, first non-zero index positive (hkl and
        -h-k-l are the same set of cuts), ordered as pymatgen orders them (lower
        max index, then lower |h|+|k|+|l|, then descending h, k, l).  Families are
        built from the space-group rotations W of *the structure* (plane normals
        transform as h' = h W^-1), not of its lattice.

    Raises
    ------
    TerminationError
        ``max_index`` < 1.
    """
    if int(max_index) != max_index or max_index < 1:
        raise TerminationError(f"max_index must be a positive integer, got {max_index!r}")
    s = _to_structure(structure)
    rots = _rotations(s, symprec)
    inv = [np.rint(np.linalg.inv(w)).astype(int) for w in rots]
    rng = range(-max_index, max_index + 1)
    cands = [c for c in itertools.product(rng, repeat=3)
             if math.gcd(*c) == 1 and next(i for i in c if i != 0) > 0]
    cands.sort(key=lambda h: (max(map(abs, h)), sum(map(abs, h)), -h[0], -h[1], -h[2]))
    reps: list[tuple[int, int, int]] = []
    seen: set[tuple[int, int, int]] = set()
    for h in cands:
        if h in seen:
            continue
        reps.append(h)
        for w in inv:
            img = tuple(int(x) for x in np.asarray(h) @ w)
            seen.add(img)
            seen.add(tuple(-x for x in img))
    return reps


def parent_site_rotations(parent_structure, species: str = "P", symprec: float = 0.01):
    """Point operations of the parent's site symmetry at the first ``species`` site.

    Parameters
    ----------
    parent_structure
        The parent (average) structure, e.g. ``load_bulk("Li6PS5Cl")`` (F-43m, Li on
        48h at occupancy 0.5), in its conventional setting.
    species
        Element whose site is the centre of the symmetrisation (P on 4b: site
        symmetry -43m, all 24 point operations).

    Returns
    -------
    list of (3, 3) int arrays
        Rotation parts W (acting on fractional column vectors of the parent basis)
        of the space-group operations (W, t) with W f + t = f (mod 1) for that site.

    Raises
    ------
    TerminationError
        No site of ``species`` in the parent.
    """
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    idx = [i for i, site in enumerate(parent_structure)
           if species in {el.symbol for el in site.species.elements}]
    if not idx:
        raise TerminationError(f"parent structure has no {species} site")
    f0 = np.array(parent_structure[idx[0]].frac_coords)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ops = SpacegroupAnalyzer(parent_structure, symprec=symprec).get_symmetry_operations(
            cartesian=False
        )
    out: list[np.ndarray] = []
    for op in ops:
        d = op.operate(f0) - f0
        if np.abs(d - np.rint(d)).max() < 1e-3:
            w = np.rint(op.rotation_matrix).astype(int)
            if not any(np.array_equal(w, u) for u in out):
                out.append(w)
    return out


def flip_operations(miller: Sequence[int], rotations: Sequence[np.ndarray],
                    supercell: Sequence[int] = (1, 1, 1)) -> list[np.ndarray]:
    """Involutive operations that reverse the normal of plane ``miller``.

    Parameters
    ----------
    miller
        (h, k, l) in the basis of the *supercell* (the bulk cell that is cut).
    rotations
        Parent point operations W (parent basis), e.g. from :func:`parent_site_rotations`.
    supercell
        Diagonal repeats (n1, n2, n3) of the parent cell that make the bulk cell.

    Returns
    -------
    list of (3, 3) int arrays
        W_sc = D^-1 W D (D = diag(supercell)), kept when it is integer, W_sc^2 = 1 and
        h W_sc = -h (the plane normal h' = h W^-1 is reversed).  Proper rotations first,
        then by matrix entries (deterministic).  Empty for planes no operation reverses
        (e.g. {111} in -43m).
    """
    h = np.asarray(miller, dtype=int)
    d = np.diag(np.asarray(supercell, dtype=float))
    out = []
    for w in rotations:
        wsc = np.linalg.inv(d) @ np.asarray(w, float) @ d
        if not np.allclose(wsc, np.rint(wsc), atol=1e-8):
            continue
        wsc = np.rint(wsc).astype(int)
        if not np.array_equal(wsc @ wsc, np.eye(3, dtype=int)):
            continue
        if np.array_equal(h @ wsc, -h):
            out.append(wsc)
    out.sort(key=lambda w: (round(np.linalg.det(w)) < 0, tuple(w.ravel())))
    return out


# --------------------------------------------------------------------------- #
# Symmetrisation
# --------------------------------------------------------------------------- #
def symmetrize_half_slab(
    species: Sequence[str],
    positions_A: np.ndarray,
    in_plane_A: np.ndarray,
    flip_cart: np.ndarray,
    center_A: np.ndarray,
    side: str = "top",
    seam_tolerance_A: float = 0.5,
    merge_tolerance_A: float = 1.2,
    site_positions_A: np.ndarray | None = None,
    glide_A: np.ndarray | None = None,
):
    """Rebuild a slab from one half and its image under an involution through ``center_A``.

    Parameters
    ----------
    species : sequence of str, length N
    positions_A : (N, 3) float
        Cartesian positions (Å) of the slab as cut.
    in_plane_A : (2, 3) float
        The two in-plane lattice vectors (Å); the slab is periodic along them.
    flip_cart : (3, 3) float
        Linear part M of the operation r' = M (r - p) + p; must satisfy M M = 1, map
        the in-plane lattice onto itself and reverse the normal a x b.
    center_A : (3,) float
        The fixed point p (a P atom).
    side : "top" or "bottom"
        Which half is kept: atoms with (r - p).n > -seam_tolerance_A for "top"
        (n = unit normal along a x b), < +seam_tolerance_A for "bottom".
    seam_tolerance_A
        Atoms this close below (top) / above (bottom) the centre plane are kept too, so
        that atoms lying on the seam are not lost.
    merge_tolerance_A
        An image closer than this to a kept atom is merged with it: (kept j, image of i)
        -> one atom at their midpoint, and by construction its image is the midpoint of
        (kept i, image of j); the species of the pair is that of the atom farther out on
        the kept side.
    site_positions_A : (N, 3) float, optional
        Framework (ideal-site) positions of the atoms of a relaxed cell; when given,
        the half an atom belongs to is decided by its site, not by its relaxed
        position (images and merges always use ``positions_A``).
    glide_A : (3,) float, optional
        In-plane translation g added to the image, r' = M (r - p) + p + g (a 2-fold screw
        axis or glide plane of the slab); M g = g, and 2 g must be an in-plane lattice
        vector.  Default 0.

    Returns
    -------
    (species list, (M, 3) positions)
        Exactly invariant (as a set, species included) under r -> M (r - p) + p + g, up
        to in-plane lattice translations.

    Raises
    ------
    TerminationError
        Bad shapes, ``flip_cart`` not an involution reversing the normal, or an
        ambiguous seam (an image within ``merge_tolerance_A`` of two kept atoms, or a
        merge that is not mutual).
    """
    pos = np.asarray(positions_A, dtype=float)
    m = np.asarray(flip_cart, dtype=float)
    p = np.asarray(center_A, dtype=float)
    ab = np.asarray(in_plane_A, dtype=float)
    g = np.zeros(3) if glide_A is None else np.asarray(glide_A, dtype=float)
    if g.shape != (3,) or not np.allclose(m @ g, g, atol=1e-6):
        raise TerminationError("glide_A must be a (3,) vector left unchanged by flip_cart")
    if pos.ndim != 2 or pos.shape[1] != 3 or len(species) != len(pos):
        raise TerminationError("positions_A must be (N, 3) with one species per row")
    if ab.shape != (2, 3) or m.shape != (3, 3) or p.shape != (3,):
        raise TerminationError("in_plane_A must be (2, 3), flip_cart (3, 3), center_A (3,)")
    if side not in ("top", "bottom"):
        raise TerminationError(f"side must be 'top' or 'bottom', got {side!r}")
    if not np.allclose(m @ m, np.eye(3), atol=1e-6):
        raise TerminationError("flip_cart is not an involution (M M != 1)")
    normal = np.cross(ab[0], ab[1])
    normal /= np.linalg.norm(normal)
    if not np.isclose(normal @ m @ normal, -1.0, atol=1e-3):
        raise TerminationError("flip_cart does not reverse the plane normal")
    sign = 1.0 if side == "top" else -1.0
    site = pos if site_positions_A is None else np.asarray(site_positions_A, float)
    if site.shape != pos.shape:
        raise TerminationError("site_positions_A must have the shape of positions_A")
    h = (site - p) @ normal
    keep = np.flatnonzero(sign * h > -float(seam_tolerance_A))
    kept = pos[keep]
    kept_sp = [species[i] for i in keep]
    imgs = (kept - p) @ m.T + p + g

    # in-plane minimum-image distances image i -> kept j
    inv2 = np.linalg.pinv(ab)  # (3, 2): cart -> in-plane fractional
    diff = imgs[:, None, :] - kept[None, :, :]
    frac = diff @ inv2
    frac -= np.rint(frac)
    diff = diff - (diff @ inv2) @ ab + frac @ ab
    dist = np.linalg.norm(diff, axis=2)
    close = dist < float(merge_tolerance_A)
    partner = {}
    for i in range(len(kept)):
        js = np.flatnonzero(close[i])
        if len(js) > 1:
            raise TerminationError(
                f"ambiguous seam: image of atom {int(keep[i])} is within "
                f"{merge_tolerance_A} Å of {len(js)} kept atoms"
            )
        if len(js) == 1:
            partner[i] = int(js[0])
    for i, j in partner.items():
        if partner.get(j) != i:
            raise TerminationError("ambiguous seam: a merge across the centre is not mutual")

    def _unwrap(x, ref):
        """x moved by the in-plane lattice vector that brings it nearest to ref."""
        return x - np.rint((x - ref) @ inv2) @ ab

    out_sp: list[str] = []
    out_pos: list[np.ndarray] = []
    hk = sign * h[keep]
    for i in range(len(kept)):
        j = partner.get(i)
        if j is None:
            out_sp += [kept_sp[i], kept_sp[i]]
            out_pos += [kept[i], imgs[i]]
        elif j == i:
            out_sp.append(kept_sp[i])
            out_pos.append(0.5 * (kept[i] + _unwrap(imgs[i], kept[i])))
        elif i < j:
            sp = kept_sp[i] if hk[i] >= hk[j] else kept_sp[j]
            out_sp += [sp, sp]
            out_pos += [0.5 * (kept[j] + _unwrap(imgs[i], kept[j])),
                        0.5 * (kept[i] + _unwrap(imgs[j], kept[i]))]
    return out_sp, np.array(out_pos)


def _slab_atoms(species, positions_A, in_plane_A, vacuum_A: float,
                flip_cart=None, center_A=None, glide_A=None) -> Atoms:
    """Periodic slab with a along x, b in the xy plane, c along z (orthogonal) and the
    slab centred in c; returns the flip operation in the new frame in ``atoms.info``
    (``flip_matrix``, ``flip_center_A``, ``flip_glide_A``)."""
    a, b = np.asarray(in_plane_A, float)
    rot = _frame_rotation(in_plane_A)  # rows: new axes in old frame
    pos = np.asarray(positions_A, float) @ rot.T
    zmin, zmax = pos[:, 2].min(), pos[:, 2].max()
    thick = zmax - zmin
    c = thick + float(vacuum_A)
    offset = np.array([0.0, 0.0, 0.5 * c - 0.5 * (zmin + zmax)])
    pos = pos + offset
    cell = np.array([rot @ a, rot @ b, [0.0, 0.0, c]])
    cell[np.abs(cell) < 1e-12] = 0.0
    atoms = Atoms(symbols=list(species), positions=pos, cell=cell, pbc=True)
    atoms.wrap()
    atoms.info["thickness_A"] = float(thick)
    if flip_cart is not None:
        m_new = rot @ np.asarray(flip_cart, float) @ rot.T
        p_new = rot @ np.asarray(center_A, float) + offset
        atoms.info["flip_matrix"] = m_new.ravel().tolist()
        atoms.info["flip_center_A"] = p_new.tolist()
        g = np.zeros(3) if glide_A is None else rot @ np.asarray(glide_A, float)
        atoms.info["flip_glide_A"] = g.tolist()
    return atoms


def _flip_of(atoms: Atoms):
    try:
        m = np.asarray(atoms.info["flip_matrix"], float).reshape(3, 3)
        p = np.asarray(atoms.info["flip_center_A"], float).reshape(3)
    except KeyError as err:
        raise TerminationError(
            "slab has no flip_matrix / flip_center_A in atoms.info (not built by "
            "enumerate_terminations)"
        ) from err
    g = np.asarray(atoms.info.get("flip_glide_A", np.zeros(3)), float).reshape(3)
    return m, p, g


def _image_distances_A(atoms: Atoms, flip_cart=None, center_A=None, glide_A=None) -> np.ndarray:
    """(N, N) distances (Å, in-plane periodic) from the image M (r_i - p) + p + g of atom i
    to atom j, ``inf`` where i and j are different species. ``flip_cart``/``center_A``/
    ``glide_A`` default to the values stored in ``atoms.info`` (g: 0 when absent)."""
    from ase.geometry import get_distances

    g = np.zeros(3) if glide_A is None else np.asarray(glide_A, float)
    if flip_cart is None or center_A is None:
        flip_cart, center_A, g = _flip_of(atoms)
    m = np.asarray(flip_cart, float)
    p = np.asarray(center_A, float)
    pos = atoms.get_positions()
    imgs = (pos - p) @ m.T + p + g
    _, dist = get_distances(imgs, pos, cell=atoms.cell, pbc=[True, True, False])
    sym = np.array(atoms.get_chemical_symbols())
    return np.where(sym[None, :] == sym[:, None], dist, np.inf)


def image_partners(atoms: Atoms, flip_cart=None, center_A=None, tol_A: float = 0.3) -> np.ndarray:
    """Index of the atom each atom is mapped onto by r -> M (r - p) + p (+ g, the glide
    stored as ``atoms.info["flip_glide_A"]`` when the operation is taken from there).

    Parameters
    ----------
    atoms
        Slab (periodic in-plane).  ``flip_cart``/``center_A`` default to
        ``atoms.info["flip_matrix"]`` / ``["flip_center_A"]``.
    tol_A
        Largest accepted distance (Å) between an image and its partner.

    Returns
    -------
    (N,) int array
        Partner index per atom, or -1 where no atom of the same species lies within
        ``tol_A`` of the image.
    """
    dist = _image_distances_A(atoms, flip_cart, center_A)
    j = np.argmin(dist, axis=1)
    return np.where(dist[np.arange(len(atoms)), j] <= tol_A, j, -1)


def symmetry_deviation_A(atoms: Atoms, flip_cart=None, center_A=None, glide_A=None) -> float:
    """Largest distance (Å) from an atom's image to the nearest atom of its species.

    0 for a slab exactly invariant under r -> M (r - p) + p + g (our own symmetry check,
    independent of spglib); ``inf`` if some species has no atom at all near the image.
    ``flip_cart``/``center_A``/``glide_A`` default to the values stored in ``atoms.info``.
    """
    return float(_image_distances_A(atoms, flip_cart, center_A, glide_A).min(axis=1).max())


def slab_is_symmetric(atoms: Atoms, symprec: float = 0.1) -> bool:
    """pymatgen's ``Slab.is_symmetric``: do the two surfaces of ``atoms`` match?

    ``atoms`` must have its surface normal along the third cell vector (as every slab
    from :func:`enumerate_terminations`).  True when spglib (tolerance ``symprec`` Å)
    finds inversion or an operation whose third row is (0, 0, -1), i.e. one mapping
    the top surface onto the bottom one.
    """
    from pymatgen.core.surface import Slab
    from pymatgen.io.ase import AseAtomsAdaptor

    s = AseAtomsAdaptor.get_structure(atoms)
    slab = Slab(s.lattice, s.species, s.frac_coords, (0, 0, 1), s, 0.0, np.eye(3),
                reorient_lattice=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(slab.is_symmetric(symprec=symprec))


def termination_label(atoms: Atoms, depth_A: float = 2.0) -> str:
    """Elements within ``depth_A`` of the outermost atom on the +z side, e.g. "Li-P-S-Cl".

    Ordered Li, P, S, Cl.  For a symmetric slab the -z side carries the same label.

    Raises
    ------
    TerminationError
        ``depth_A`` not positive or the slab empty.
    """
    if not depth_A > 0 or len(atoms) == 0:
        raise TerminationError("depth_A must be positive and the slab non-empty")
    z = atoms.get_positions()[:, 2]
    sym = np.array(atoms.get_chemical_symbols())
    present = set(sym[z >= z.max() - depth_A])
    order = [e for e in _ELEMENTS if e in present] + sorted(present - set(_ELEMENTS))
    return "-".join(order)


def broken_ps4_units(atoms: Atoms, ps_bond_A: float = 2.3) -> int:
    """Number of P atoms without exactly four S neighbours within ``ps_bond_A`` Å."""
    from ase.neighborlist import neighbor_list

    sym = np.array(atoms.get_chemical_symbols())
    i, j = neighbor_list("ij", atoms, float(ps_bond_A))
    sel = (sym[i] == "P") & (sym[j] == "S")
    n_s = Counter(i[sel].tolist())
    return int(sum(1 for k in np.flatnonzero(sym == "P") if n_s.get(int(k), 0) != 4))


# --------------------------------------------------------------------------- #
# Composition, charge, chemical potentials, surface energy
# --------------------------------------------------------------------------- #
def element_counts(obj) -> dict[str, int]:
    """Element -> count of an ``ase.Atoms``, a pymatgen Structure or a mapping.

    Raises
    ------
    TerminationError
        Non-integer or negative counts.
    """
    if isinstance(obj, Atoms):
        return dict(Counter(obj.get_chemical_symbols()))
    if hasattr(obj, "composition"):
        obj = obj.composition.get_el_amt_dict()
    out = {}
    for el, n in dict(obj).items():
        if float(n) != int(round(float(n))) or float(n) < 0:
            raise TerminationError(f"element count of {el} must be a non-negative integer, got {n}")
        if int(round(float(n))):
            out[str(el)] = int(round(float(n)))
    return out


def formal_charge(obj, charges: Mapping[str, int] = FORMAL_CHARGES) -> int:
    """Formal charge (e) = sum of count x formal oxidation state (paper 003 section 3.2.3).

    Li +1, P +5, S -2, Cl -1 by default; Li40P8S32Cl6 -> +10 as in the paper.

    Raises
    ------
    TerminationError
        An element without a formal charge.
    """
    counts = element_counts(obj)
    missing = set(counts) - set(charges)
    if missing:
        raise TerminationError(f"no formal charge for element(s) {sorted(missing)}")
    return int(sum(int(charges[el]) * n for el, n in counts.items()))


def decompose_composition(obj) -> dict[str, float]:
    """Write Li_a P_b S_c Cl_d as N Li6PS5Cl + n1 Li3P + n2 Li2S + n3 LiCl (exactly).

    Paper 003 eq 4: the non-stoichiometry of a symmetrised slab is carried by the
    decomposition products Li3P, Li2S, LiCl.  The four formula vectors are linearly
    independent, so the solution is unique:
    N = (3b + 2c + d - a) / 8, n1 = b - N, n2 = c - 5N, n3 = d - N
    (fractional or negative values are allowed; a bulk-stoichiometric slab gives
    n1 = n2 = n3 = 0).  With formal charges Li3P carries +8, so n1 = q / 8.

    Returns
    -------
    dict with keys "Li6PS5Cl", "Li3P", "Li2S", "LiCl" (floats, computed with exact
    fractions).

    Raises
    ------
    TerminationError
        Elements other than Li, P, S, Cl.
    """
    c = element_counts(obj)
    extra = set(c) - set(_ELEMENTS)
    if extra:
        raise TerminationError(f"composition has elements outside Li-P-S-Cl: {sorted(extra)}")
    a, b, s, d = (Fraction(c.get(el, 0)) for el in _ELEMENTS)
    n_fu = (3 * b + 2 * s + d - a) / 8
    return {
        "Li6PS5Cl": float(n_fu),
        "Li3P": float(b - n_fu),
        "Li2S": float(s - 5 * n_fu),
        "LiCl": float(d - n_fu),
    }


def recompose(decomposition: Mapping[str, float]) -> dict[str, float]:
    """Element counts of sum_i n_i x formula_i (inverse of :func:`decompose_composition`).

    Raises
    ------
    TerminationError
        A compound not in :data:`REFERENCE_COMPOUNDS`.
    """
    out = dict.fromkeys(_ELEMENTS, 0.0)
    for comp, n in decomposition.items():
        if comp not in REFERENCE_COMPOUNDS:
            raise TerminationError(f"unknown compound {comp!r}")
        for el, k in REFERENCE_COMPOUNDS[comp].items():
            out[el] += float(n) * k
    return out


def elemental_chemical_potentials_eV(energies_per_fu_eV: Mapping[str, float]) -> dict[str, float]:
    """mu_Li, mu_P, mu_S, mu_Cl (eV) from paper 003 eqs 5-8.

    E(Li6PS5Cl) = 6 mu_Li + mu_P + 5 mu_S + mu_Cl, E(Li3P) = 3 mu_Li + mu_P,
    E(Li2S) = 2 mu_Li + mu_S, E(LiCl) = mu_Li + mu_Cl, with E per formula unit (eV).

    Raises
    ------
    TerminationError
        A compound missing or a non-finite energy.
    """
    names = list(REFERENCE_COMPOUNDS)
    missing = [n for n in names if n not in energies_per_fu_eV]
    if missing:
        raise TerminationError(f"energies per formula unit missing for {missing}")
    e = np.array([float(energies_per_fu_eV[n]) for n in names])
    if not np.isfinite(e).all():
        raise TerminationError("energies per formula unit must be finite")
    a = np.array([[REFERENCE_COMPOUNDS[n].get(el, 0) for el in _ELEMENTS] for n in names], float)
    mu = np.linalg.solve(a, e)
    return {el: float(v) for el, v in zip(_ELEMENTS, mu)}


def energy_per_formula_unit_eV(energy_per_atom_eV: float, compound: str) -> float:
    """Energy per formula unit = energy per atom x atoms per formula unit of ``compound``.

    Raises
    ------
    TerminationError
        Unknown compound or non-finite energy.
    """
    if compound not in REFERENCE_COMPOUNDS:
        raise TerminationError(f"unknown compound {compound!r}; known {list(REFERENCE_COMPOUNDS)}")
    if not np.isfinite(energy_per_atom_eV):
        raise TerminationError(f"energy per atom of {compound} is not finite")
    return float(energy_per_atom_eV) * sum(REFERENCE_COMPOUNDS[compound].values())


def surface_energy_J_m2(
    E_slab_eV: float,
    E_bulk_per_fu_eV: float,
    n_fu: float,
    excess: Mapping[str, float],
    mu_eV: Mapping[str, float],
    area_A2: float,
) -> float:
    """Surface formation energy gamma_surf (J/m^2), paper 003 eq 4 with eqs 5-8.

    gamma = [E_slab - n_fu E_bulk_per_fu - sum_i excess_i mu_i] / (2 A)

    Parameters
    ----------
    E_slab_eV
        Energy of the (symmetric, two-surface) slab, eV.
    E_bulk_per_fu_eV
        Bulk Li6PS5Cl energy per formula unit, eV.
    n_fu
        Formula units of Li6PS5Cl in the slab (:func:`decompose_composition`).
    excess
        compound -> n_i (Li3P, Li2S, LiCl; may be fractional or negative).
    mu_eV
        compound -> energy per formula unit, eV (mu_i of eq 4 expressed per compound).
    area_A2
        Cross-sectional area A of one surface, Å^2.

    Returns
    -------
    float, J/m^2 (multiply by 1/0.1602 for the paper's eV/nm^2).

    Raises
    ------
    TerminationError
        Non-finite energies, area <= 0, or an excess compound without mu.
    """
    vals = [E_slab_eV, E_bulk_per_fu_eV, n_fu, area_A2, *excess.values()]
    if not all(np.isfinite(float(v)) for v in vals):
        raise TerminationError("surface_energy_J_m2: all inputs must be finite")
    if not float(area_A2) > 0:
        raise TerminationError(f"area must be positive, got {area_A2}")
    missing = [k for k, v in excess.items() if v != 0 and k not in mu_eV]
    if missing:
        raise TerminationError(f"no chemical potential for {missing}")
    ref = float(n_fu) * float(E_bulk_per_fu_eV) + sum(
        float(v) * float(mu_eV[k]) for k, v in excess.items() if v != 0
    )
    return (float(E_slab_eV) - ref) / (2.0 * float(area_A2)) * EV_PER_A2_IN_J_PER_M2


# --------------------------------------------------------------------------- #
# Enumeration
# --------------------------------------------------------------------------- #
@dataclass
class Termination:
    """One symmetric surface slab.

    ``atoms``: slab with a, b in the xy plane and c along z (vacuum included),
    ``atoms.info`` holding ``flip_matrix`` (9 floats, row-major M), ``flip_center_A``
    (p) and ``flip_glide_A`` (g) of the symmetry r -> M (r - p) + p + g that maps one
    surface onto the other.  ``shift`` / ``shift_top``: fractional positions (along the
    oriented unit cell's c) of the cuts that bound the slab below / above; ``side``: the
    half whose atoms were kept when the slab was symmetrised; ``symmetrisation``:
    ``"as_cut"`` (the cut slab's atoms already sit on a symmetric set of sites; only
    relaxed displacements of the other half are replaced by their images) or
    ``"mirrored_half"`` (one half was rebuilt as the image of the other);
    ``n_equivalent_cuts``: cut pairs that gave this same surface.
    """

    termination_id: str
    miller: tuple[int, int, int]
    shift: float
    side: str
    atoms: Atoms
    label: str
    area_A2: float
    thickness_A: float
    shift_top: float | None = None
    symmetrisation: str = "mirrored_half"
    n_equivalent_cuts: int = 1


@dataclass
class TerminationSet:
    """Result of :func:`enumerate_terminations`: slabs plus one summary row per plane."""

    terminations: list[Termination] = field(default_factory=list)
    planes: list[dict[str, Any]] = field(default_factory=list)


def _miller_str(hkl) -> str:
    return "".join(str(int(i)) for i in hkl)


def _infer_supercell(bulk, parent) -> tuple[int, int, int]:
    lb = np.array(bulk.lattice.matrix)
    lp = np.array(parent.lattice.matrix)
    n = np.rint(np.linalg.norm(lb, axis=1) / np.linalg.norm(lp, axis=1)).astype(int)
    if (n < 1).any():
        raise TerminationError("bulk cell is smaller than the parent cell")
    dev = np.linalg.norm(lb - np.diag(n) @ lp) / np.linalg.norm(lb)
    if dev > 0.1:
        raise TerminationError(
            "bulk cell is not a diagonal supercell of the parent (relative lattice "
            f"deviation {dev:.2f} > 0.1): symmetry operations cannot be transferred"
        )
    return tuple(int(i) for i in n)  # type: ignore[return-value]


def idealize_lattice(bulk_structure, parent_structure, supercell: Sequence[int]):
    """The bulk cell with its lattice replaced by the parent's metric at the bulk's volume.

    A relaxed disordered Li6PS5Cl cell is slightly triclinic (CHGNet: angles 88.3-90.0
    deg).  A point operation of the cubic parent is then only an *affine* map of that
    lattice, not an isometry, and the two surfaces of a slab rebuilt with it would differ
    by that shear.  Keeping the fractional coordinates and replacing the lattice by
    ``diag(supercell) @ L_parent`` scaled to the bulk volume makes the operations exact
    isometries; the price is a homogeneous strain of the order of the relaxed cell's
    deviation from cubic (returned, so it can be reported).

    Parameters
    ----------
    bulk_structure : pymatgen Structure
    parent_structure : pymatgen Structure
    supercell : (3,) int

    Returns
    -------
    (Structure, float)
        The idealised copy and the largest absolute Green-Lagrange strain component
        (dimensionless) between the two lattices.
    """
    from pymatgen.core import Lattice, Structure

    target = np.diag(np.asarray(supercell, float)) @ np.array(parent_structure.lattice.matrix)
    target *= (bulk_structure.volume / abs(np.linalg.det(target))) ** (1.0 / 3.0)
    f = np.linalg.solve(np.array(bulk_structure.lattice.matrix), target)  # L_bulk F = target
    strain = 0.5 * (f.T @ f - np.eye(3))
    ideal = Structure(Lattice(target), bulk_structure.species, bulk_structure.frac_coords)
    return ideal, float(np.abs(strain).max())


def framework_sites(bulk_structure, parent_structure, supercell: Sequence[int],
                    max_displacement_A: float = 2.5):
    """Assign every atom of a (relaxed) bulk cell to a site of the ideal parent framework.

    Layers, cuts and the symmetrisation are defined on the framework (sharp layers,
    exact symmetry operations), while the relaxed local structure is carried along as a
    per-atom displacement.  Li goes to Li (48h) sites, P to P (4b) sites and S/Cl to
    the anion sites (16e, 4a, 4c) by a one-to-one minimum-distance assignment
    (``scipy.optimize.linear_sum_assignment`` on periodic distances) in the idealised
    lattice of :func:`idealize_lattice`.

    Parameters
    ----------
    bulk_structure, parent_structure : pymatgen Structure
    supercell : (3,) int
        Diagonal repeats of the parent cell that make the bulk cell.
    max_displacement_A
        An assigned atom farther than this from its site raises (CHGNet relaxation
        of the 52-atom disordered cell moves Li up to 1.7 Å off 48h, S up to 0.7 Å).

    Returns
    -------
    (ideal, displacements_A, strain, max_displacement)
        ``ideal``: Structure on the idealised lattice with the bulk's species at the
        ideal site positions; ``displacements_A``: (N, 3) Cartesian displacement (Å)
        of each atom from its site (ideal + displacement = bulk atom in the idealised
        lattice, up to a rigid translation: the mean displacement is removed); the
        lattice strain of :func:`idealize_lattice`; the largest |u| (Å).

    Raises
    ------
    TerminationError
        More atoms of a class than sites, or a displacement above the limit.
    """
    from pymatgen.core import Structure
    from scipy.optimize import linear_sum_assignment

    ideal_bulk, strain = idealize_lattice(bulk_structure, parent_structure, supercell)
    lat = ideal_bulk.lattice
    sup = parent_structure.copy()
    sup.make_supercell(list(supercell))
    site_el = [{el.symbol for el in site.species.elements} for site in sup]
    classes = [{"Li"}, {"P"}, {"S", "Cl"}]  # S and Cl share the anion sites (4a/4c disorder)
    species = [site.specie.symbol for site in ideal_bulk]
    frac = np.array(ideal_bulk.frac_coords)
    sites = np.array(sup.frac_coords)
    ideal_frac = np.zeros_like(frac)
    for cls in classes:
        key = ",".join(sorted(cls))
        atoms_idx = [i for i, s in enumerate(species) if s in cls]
        site_idx = [k for k, e in enumerate(site_el) if e & cls]
        if not atoms_idx:
            continue
        if len(atoms_idx) > len(site_idx):
            raise TerminationError(
                f"{len(atoms_idx)} {key} atoms but only {len(site_idx)} framework sites"
            )
        dist = lat.get_all_distances(frac[atoms_idx], sites[site_idx])
        rows, cols = linear_sum_assignment(dist)
        for r, c in zip(rows, cols):
            ideal_frac[atoms_idx[r]] = sites[site_idx[c]]
    d = frac - ideal_frac
    d -= np.rint(d)
    disp = d @ np.array(lat.matrix)
    disp -= disp.mean(axis=0)  # a rigid translation of the relaxed cell is no displacement
    max_u = float(np.linalg.norm(disp, axis=1).max())
    if max_u > max_displacement_A:
        raise TerminationError(
            f"an atom is {max_u:.2f} Å from its framework site (> {max_displacement_A} Å): "
            "the bulk cell is not a distorted argyrodite"
        )
    ideal = Structure(lat, species, ideal_frac)
    return ideal, disp, strain, max_u


@dataclass(frozen=True)
class _FaceSettings:
    """Settings of :func:`enumerate_terminations` used to build one symmetric face."""

    min_slab_A: float
    min_vacuum_A: float
    bonds: dict
    seam_tolerance_A: float
    merge_tolerance_A: float
    label_depth_A: float
    min_distance_A: float
    max_centres: int


def _check_enumeration_sizes(min_slab_A: float, min_vacuum_A: float, layer_tolerance_A: float,
                             merge_tolerance_A: float, seam_tolerance_A: float) -> None:
    """TerminationError unless the sizes / tolerances (Å) are positive (seam: >= 0)."""
    for name, v in (("min_slab_A", min_slab_A), ("min_vacuum_A", min_vacuum_A),
                    ("layer_tolerance_A", layer_tolerance_A),
                    ("merge_tolerance_A", merge_tolerance_A)):
        if not (np.isfinite(v) and v > 0):
            raise TerminationError(f"{name} must be positive, got {v!r}")
    if seam_tolerance_A < 0:
        raise TerminationError("seam_tolerance_A must be >= 0")


def _framework_bulk(bulk_structure, parent_structure):
    """Ordered Li-P-S-Cl bulk moved onto the ideal framework sites of its parent.

    Returns ``(bulk, parent, supercell, lattice_strain, max_site_displacement_A)``; the bulk
    (pymatgen Structure in the idealised lattice) carries each atom's relaxed displacement
    (Å) as the site property ``displacement_A`` (:func:`framework_sites`).  TerminationError
    for a disordered bulk, elements outside Li-P-S-Cl or a non-supercell of the parent.
    """
    from seiflow.builders.cells import load_bulk

    bulk = _to_structure(bulk_structure)
    if not bulk.is_ordered:
        raise TerminationError("bulk structure must be ordered (explicit Li/S/Cl sites)")
    extra = {el.symbol for el in bulk.composition.elements} - set(_ELEMENTS)
    if extra:
        raise TerminationError(f"bulk has elements outside Li-P-S-Cl: {sorted(extra)}")
    parent = parent_structure if parent_structure is not None else load_bulk("Li6PS5Cl")
    supercell = _infer_supercell(bulk, parent)
    bulk, displacements, strain, max_u = framework_sites(bulk, parent, supercell)
    bulk.add_site_property("displacement_A", [np.asarray(u) for u in displacements])
    return bulk, parent, supercell, strain, max_u


def _requested_planes(bulk, max_index: int, miller_indices, symprec: float) -> list:
    """The planes to cut: :func:`distinct_miller_indices` or the validated requested ones."""
    if miller_indices is None:
        return distinct_miller_indices(bulk, max_index, symprec)
    planes = [validate_miller_index(h, max_index) for h in miller_indices]
    if len(set(planes)) != len(planes):
        raise TerminationError(f"duplicate Miller indices in {miller_indices}")
    return planes


def _plane_slabs(bulk, hkl, min_slab_A: float, min_vacuum_A: float, bonds,
                 layer_tolerance_A: float) -> list:
    """Every cut of plane ``hkl`` that breaks none of ``bonds`` (pymatgen Slabs, by shift).

    The slab is made one oriented-cell height thicker than ``min_slab_A`` (Å) so that each
    half left by :func:`symmetrize_half_slab` can still reach ``min_slab_A``.
    """
    from pymatgen.core.surface import SlabGenerator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = SlabGenerator(bulk, hkl, min_slab_A, min_vacuum_A, primitive=False,
                            reorient_lattice=False)
        normal0 = np.cross(*gen.oriented_unit_cell.lattice.matrix[:2])
        normal0 /= np.linalg.norm(normal0)
        height = abs(gen.oriented_unit_cell.lattice.matrix[2] @ normal0)
        gen.min_slab_size = float(min_slab_A) + height
        slabs = gen.get_slabs(bonds=bonds, ftol=layer_tolerance_A,
                              filter_out_sym_slabs=False)
    slabs.sort(key=lambda s: s.shift)
    return slabs


def _symmetric_face(sp, pos, disp, ab, hgt, p_idx, side: str, flip_cart,
                    cfg: _FaceSettings) -> Atoms | None:
    """Symmetric slab of one face of a cut, or None when no P centre gives a valid one.

    The P atoms at least ``min_slab_A / 2`` below the ``side`` surface are tried as
    centre, the ``max_centres`` nearest to that depth first; a centre is rejected when
    :func:`symmetrize_half_slab` fails, two atoms come closer than ``min_distance_A`` or a
    PS4 unit is broken.
    """
    from seiflow.builders.cells import StructureValidationError, validate_structure

    sign = 1.0 if side == "top" else -1.0
    surf = hgt.max() if side == "top" else hgt.min()
    half = [(abs(sign * (surf - hgt[i]) - 0.5 * cfg.min_slab_A), i) for i in p_idx
            if sign * (surf - hgt[i]) >= 0.5 * cfg.min_slab_A]
    half.sort()
    for _, ip in half[:cfg.max_centres]:
        try:
            s_sp, s_pos = symmetrize_half_slab(
                sp, pos + disp, ab, flip_cart, pos[ip], side,
                cfg.seam_tolerance_A, cfg.merge_tolerance_A, site_positions_A=pos)
            atoms = _slab_atoms(s_sp, s_pos, ab, cfg.min_vacuum_A, flip_cart, pos[ip])
            validate_structure(atoms, min_distance=cfg.min_distance_A)
            if broken_ps4_units(atoms, max(cfg.bonds.values())):
                raise TerminationError("PS4 unit broken by the symmetrisation")
        except (TerminationError, StructureValidationError):
            continue
        return atoms
    return None


def _slab_terminations(slab, hkl, flip_cart, cfg: _FaceSettings
                       ) -> tuple[list[Termination], int]:
    """Terminations of the top and bottom face of one cut, and how many faces failed."""
    ab = np.array(slab.lattice.matrix[:2])
    normal = np.cross(ab[0], ab[1])
    normal /= np.linalg.norm(normal)
    pos = np.array(slab.cart_coords)
    disp = np.array([np.asarray(u, float) for u in slab.site_properties["displacement_A"]])
    sp = [site.specie.symbol for site in slab]
    hgt = pos @ normal
    p_idx = [i for i, s in enumerate(sp) if s == "P"]
    terminations, skipped = [], 0
    for side in ("top", "bottom"):
        built = _symmetric_face(sp, pos, disp, ab, hgt, p_idx, side, flip_cart, cfg)
        if built is None:
            skipped += 1
            continue
        tid = f"{_miller_str(hkl)}_s{slab.shift:.3f}_{side}"
        built.info.update({"termination_id": tid, "miller": f"({_miller_str(hkl)})",
                           "shift": float(slab.shift), "side": side})
        area = float(np.linalg.norm(np.cross(ab[0], ab[1])))
        built.info.update({"shift_top": float(slab.shift), "symmetrisation": "mirrored_half",
                           "n_equivalent_cuts": 1})
        terminations.append(Termination(
            tid, hkl, float(slab.shift), side, built,
            termination_label(built, cfg.label_depth_A), area,
            float(built.info["thickness_A"]), float(slab.shift), "mirrored_half", 1))
    return terminations, skipped


def _plane_terminations(bulk, hkl, ops, lat, strain, max_u, layer_tolerance_A: float,
                        cfg: _FaceSettings) -> tuple[dict[str, Any], list[Termination]]:
    """Summary row and symmetric terminations of one Miller plane.

    ``ops``: :func:`flip_operations` of the plane (the first one is used; none: no
    symmetric termination), ``lat``: bulk lattice rows (Å); ``strain`` / ``max_u`` are
    copied into the row (``lattice_strain``, ``max_site_displacement_A``).
    """
    row = {"miller": _miller_str(hkl), "enumeration": "all_faces_signed_indices",
           "n_cuts": 0, "n_cut_pairs": 0, "n_symmetric_cut_pairs": 0, "n_terminations": 0,
           "n_as_cut": 0, "n_mirrored_half": 0, "flip_operation": "", "lattice_strain": strain,
           "max_site_displacement_A": max_u, "note": ""}
    terminations: list[Termination] = []
    if not ops:
        row["note"] = ("no involutive operation of the parent point group reverses the "
                       "plane normal: no symmetric termination")
        return row, terminations
    w = ops[0]
    row["flip_operation"] = str(w.tolist())
    flip_cart = lat.T @ w @ np.linalg.inv(lat.T)  # r' = L^T W L^-T r (column vectors)
    slabs = _plane_slabs(bulk, hkl, cfg.min_slab_A, cfg.min_vacuum_A, cfg.bonds,
                         layer_tolerance_A)
    row["n_cuts"] = len(slabs)
    skipped = 0
    for slab in slabs:
        faces, n_failed = _slab_terminations(slab, hkl, flip_cart, cfg)
        terminations.extend(faces)
        skipped += n_failed
    row["n_cut_pairs"] = row["n_symmetric_cut_pairs"] = len(slabs)
    row["n_terminations"] = row["n_mirrored_half"] = len(terminations)
    if skipped:
        row["note"] = f"{skipped} face(s) could not be symmetrised (seam clash)"
    return row, terminations


def enumerate_terminations(
    bulk_structure,
    max_index: int = 1,
    min_slab_A: float = 10.0,
    min_vacuum_A: float = 12.0,
    bonds: Mapping[tuple[str, str], float] | None = None,
    miller_indices: Sequence[Sequence[int]] | None = None,
    parent_structure=None,
    layer_tolerance_A: float = 0.1,
    seam_tolerance_A: float = 0.5,
    merge_tolerance_A: float = 1.2,
    label_depth_A: float = 2.0,
    min_distance_A: float = 1.2,
    symprec: float = 0.01,
    max_centres: int = 3,
    enumeration: str = "paper_003",
) -> TerminationSet:
    """Every symmetric termination of every (requested) Miller plane of a bulk cell.

    Two definitions (``enumeration``):

    ``"paper_003"`` (default; paper 003 section 3.2.1 and Table 2, "all possible
    symmetric surface terminations" of the "Miller planes up to 1")
        Planes :func:`paper_miller_indices` ((100), (010), (001), (110), (101), (011),
        (111) for ``max_index = 1``).  The cuts are the layer gaps of the cell's P/S/Cl
        atoms (its own S/Cl order) that break no P-S bond.  Each ordered pair of cuts
        (bottom, top) bounds a slab (the thinnest whole number of periods reaching
        ``min_slab_A``, or one more); it is a symmetric termination when its P/S/Cl
        framework has an operation mapping the top surface onto the bottom one
        (:func:`normal_reversing_operations`).  Its Li are kept ``as_cut`` when they are
        symmetric too, otherwise the Li of the top half are mirrored onto the bottom
        (``mirrored_half``).  Pairs that give the same framework slab
        (:func:`group_equivalent_slabs`) are one termination.  A plane can have none
        (paper 003: none for (111)); the S/Cl order can give (100), (010), (001)
        different counts.
    ``"all_faces_signed_indices"`` (the earlier definition)
        Planes :func:`distinct_miller_indices` ({-max..max}: 13 for ``max_index = 1``);
        both faces of every cut, each made symmetric by rebuilding one half with the
        parent's 2-fold axis / mirror (:func:`symmetrize_half_slab`), so every face
        qualifies; duplicates are not removed.

    In both, the bulk's lattice is first idealised and its atoms put on their framework
    sites (:func:`framework_sites`; the species stay those of the cell); the relaxed
    displacements are carried along, one half's replaced by the images of the other's.

    Parameters
    ----------
    bulk_structure
        Ordered Li-P-S-Cl bulk cell (pymatgen Structure or ase.Atoms), a diagonal
        supercell of ``parent_structure`` (e.g. the 52-atom disordered cell, relaxed
        or not).  The lattice strain of the idealisation is reported per plane as
        ``lattice_strain``.
    max_index
        Largest Miller index.
    min_slab_A, min_vacuum_A
        Minimum slab thickness and vacuum (Å) of the symmetric slab.
    bonds
        Bonds a cut must not break (default ``{("P", "S"): 2.3}``: PS4 intact).
    miller_indices
        Restrict to these planes (each validated against ``max_index``; non-negative for
        ``"paper_003"``); default all.
    parent_structure
        Average structure whose sites are the framework (and, for
        ``"all_faces_signed_indices"``, whose site symmetry at P gives the flip
        operations); default ``load_bulk("Li6PS5Cl")``.
    layer_tolerance_A
        SlabGenerator ``ftol``: atoms closer than this along the normal are one layer.
    seam_tolerance_A, merge_tolerance_A
        See :func:`symmetrize_half_slab`.
    label_depth_A
        Depth of the surface layer named by :func:`termination_label`.
    min_distance_A
        A symmetrised slab with a pair closer than this is rejected.
    symprec
        spglib tolerance (Å) for the symmetry of slabs, bulk and parent.
    max_centres
        ``"all_faces_signed_indices"`` only: P atoms tried as centre.
    enumeration
        One of :data:`ENUMERATIONS`.

    Returns
    -------
    TerminationSet
        ``terminations`` (ids ``"<hkl>_s<bottom cut>_t<top cut>"`` for ``"paper_003"``,
        ``"<hkl>_s<shift>_<side>"`` otherwise) and ``planes`` (per plane: ``miller``,
        ``enumeration``, ``n_cuts``, ``n_cut_pairs``, ``n_symmetric_cut_pairs``,
        ``n_terminations``, ``n_as_cut``, ``n_mirrored_half``, ``flip_operation``,
        ``note``).  Every slab is invariant under its stored operation, has whole PS4
        units and no pair closer than ``min_distance_A``.

    Raises
    ------
    TerminationError
        Unknown ``enumeration``, bad Miller index, non-positive sizes, elements outside
        Li-P-S-Cl, or a bulk cell that is not a diagonal supercell of the parent.
    """
    if enumeration not in ENUMERATIONS:
        raise TerminationError(f"enumeration must be one of {ENUMERATIONS}, got {enumeration!r}")
    _check_enumeration_sizes(min_slab_A, min_vacuum_A, layer_tolerance_A, merge_tolerance_A,
                             seam_tolerance_A)
    bulk, parent, supercell, strain, max_u = _framework_bulk(bulk_structure, parent_structure)
    bonds = dict(_DEFAULT_BONDS if bonds is None else bonds)
    cfg = _FaceSettings(min_slab_A, min_vacuum_A, bonds, seam_tolerance_A, merge_tolerance_A,
                        label_depth_A, min_distance_A, max_centres)
    result = TerminationSet()
    if enumeration == "paper_003":
        if miller_indices is None:
            planes = paper_miller_indices(max_index)
        else:
            planes = _requested_planes(bulk, max_index, miller_indices, symprec)
            negative = [h for h in planes if min(h) < 0]
            if negative:
                raise TerminationError(
                    f"enumeration paper_003 takes indices in 0..max_index, got {negative}")
        for hkl in planes:
            row, terminations = _paper_plane_terminations(bulk, hkl, strain, max_u,
                                                          layer_tolerance_A, cfg, symprec)
            result.planes.append(row)
            result.terminations.extend(terminations)
        return result

    rotations = parent_site_rotations(parent, "P", symprec)
    planes = _requested_planes(bulk, max_index, miller_indices, symprec)
    lat = np.array(bulk.lattice.matrix)  # rows
    for hkl in planes:
        ops = flip_operations(hkl, rotations, supercell)
        row, terminations = _plane_terminations(bulk, hkl, ops, lat, strain, max_u,
                                                layer_tolerance_A, cfg)
        result.planes.append(row)
        result.terminations.extend(terminations)
    return result


# --------------------------------------------------------------------------- #
# Enumeration of paper 003 (Table 2): symmetric slabs of the actual disordered cell
# --------------------------------------------------------------------------- #
#: Values of ``terminations.enumeration`` (config) and of ``enumerate_terminations``'s
#: ``enumeration``: ``"paper_003"`` (paper 003 section 3.2.1 / Table 2, the default) and
#: ``"all_faces_signed_indices"`` (every face of every cut of every plane with indices in
#: {-max..max}, each made symmetric by rebuilding one half from the parent's symmetry).
ENUMERATIONS = ("paper_003", "all_faces_signed_indices")

#: Species left out when the anion/P framework decides whether a slab is symmetric: Li
#: half-occupies the 48h sites at random in our cells, the S/Cl order is what paper 003
#: names as the cause of the different counts of (100), (010), (001).
_FRAMEWORK_IGNORED = ("Li",)


def paper_miller_indices(max_index: int = 1) -> list[tuple[int, int, int]]:
    """Miller planes "up to ``max_index``" as paper 003 lists them: indices in {0..max_index}.

    Paper 003 section 3.2.1 and Table 2: "all the surfaces identified with Miller planes
    up to 1" are (100), (010), (001), (110), (101), (011), (111), each listed on its own
    (the S/Cl disorder makes the three of a cubic family inequivalent); no plane with a
    negative index such as (1-10) is considered.

    Parameters
    ----------
    max_index
        Largest index.

    Returns
    -------
    list of (h, k, l)
        Reduced (gcd 1), non-negative, ordered by largest index, then h + k + l, then
        descending h, k, l: ``[(1,0,0), (0,1,0), (0,0,1), (1,1,0), (1,0,1), (0,1,1),
        (1,1,1)]`` for ``max_index = 1``.

    Raises
    ------
    TerminationError
        ``max_index`` not a positive integer.
    """
    if int(max_index) != max_index or max_index < 1:
        raise TerminationError(f"max_index must be a positive integer, got {max_index!r}")
    rng = range(0, int(max_index) + 1)
    out = [h for h in itertools.product(rng, repeat=3) if any(h) and math.gcd(*h) == 1]
    out.sort(key=lambda h: (max(h), sum(h), -h[0], -h[1], -h[2]))
    return out


def normal_reversing_operations(atoms: Atoms, symprec: float = 0.01,
                                ignore_species: Sequence[str] = ()):
    """Symmetry operations of a slab that map its top surface onto its bottom surface.

    The operations pymatgen's ``Slab.is_symmetric`` looks for (inversion, a mirror
    parallel to the surface, a 2-fold axis in it, or a roto-inversion about the normal):
    spglib operations (through pymatgen's ``SpacegroupAnalyzer``) of the periodic slab
    whose rotation part reverses the surface normal.

    Parameters
    ----------
    atoms
        Slab with a, b in the xy plane and c along z (every slab of this module).
    symprec
        spglib tolerance (Å).
    ignore_species
        Species left out before the analysis (e.g. ``("Li",)``: the operations of the
        P/S/Cl framework).

    Returns
    -------
    list of (M, p, g)
        M (3, 3) Cartesian rotation part with M e_z = -e_z, p (3,) a fixed point on the
        slab's central plane and g (3,) the in-plane remainder of the translation (screw
        or glide component, 0 for a point operation): r' = M (r - p) + p + g.
        Involutions (M M = 1) first, proper before improper, shortest glide first.
        Empty when the two surfaces are not equivalent.

    Raises
    ------
    TerminationError
        No atom left after ``ignore_species``, or c not along z.
    """
    from pymatgen.io.ase import AseAtomsAdaptor
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    cell = atoms.cell.array
    if not (np.allclose(cell[2, :2], 0.0, atol=1e-8) and np.allclose(cell[:2, 2], 0.0, atol=1e-8)):
        raise TerminationError("slab must have a, b in the xy plane and c along z")
    keep = [i for i, s in enumerate(atoms.get_chemical_symbols()) if s not in set(ignore_species)]
    if not keep:
        raise TerminationError(f"no atom left after ignoring {list(ignore_species)}")
    sub = atoms[keep]
    z = sub.positions[:, 2]
    zc2 = z.max() + z.min()  # 2 x the height of the central plane
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ops = SpacegroupAnalyzer(AseAtomsAdaptor.get_structure(sub), symprec=symprec
                                 ).get_symmetry_operations(cartesian=True)
    out = []
    for op in ops:
        m = np.array(op.rotation_matrix, float)
        if not np.allclose(m[:, 2], [0.0, 0.0, -1.0], atol=1e-6):
            continue
        t = np.array(op.translation_vector, float)
        n_c = (zc2 - t[2]) / cell[2, 2]
        if abs(n_c - round(n_c)) > 1e-3:  # maps the slab onto a periodic image only
            continue
        t[2] = zc2
        p = np.linalg.pinv(np.eye(3) - m) @ t
        g = t - (np.eye(3) - m) @ p
        out.append((m, p, g))
    out.sort(key=lambda o: (not np.allclose(o[0] @ o[0], np.eye(3), atol=1e-6),
                            np.linalg.det(o[0]) < 0, float(np.linalg.norm(o[2]))))
    return out


def group_equivalent_slabs(slabs: Sequence[Atoms], ignore_species: Sequence[str] = (),
                           ltol: float = 0.2, stol: float = 0.3,
                           angle_tol_deg: float = 5.0) -> list[list[int]]:
    """Group slabs that are the same structure (pymatgen ``StructureMatcher``).

    Two slabs of one plane are one termination when a rotation / translation maps one
    onto the other (for a P1 bulk: a lattice translation of the framework that leaves the
    S/Cl order unchanged); the match uses no scaling, no primitive reduction and no
    supercell, so slabs of different thickness or area never match.

    Parameters
    ----------
    slabs
        ase.Atoms slabs (vacuum included).
    ignore_species
        Species removed before matching (e.g. ``("Li",)``: compare the P/S/Cl framework).
    ltol, stol, angle_tol_deg
        ``StructureMatcher`` tolerances (fractional length, site, degrees).

    Returns
    -------
    list of list of int
        Indices into ``slabs``, one list per distinct structure, ordered by their first
        index; each list ascending.
    """
    from pymatgen.analysis.structure_matcher import StructureMatcher
    from pymatgen.io.ase import AseAtomsAdaptor

    structs = []
    for k, at in enumerate(slabs):
        s = AseAtomsAdaptor.get_structure(at)
        s.remove_species([sp for sp in ignore_species if sp in s.composition])
        s.properties["index"] = k
        structs.append(s)
    if not structs:
        return []
    sm = StructureMatcher(ltol=ltol, stol=stol, angle_tol=angle_tol_deg, primitive_cell=False,
                          scale=False, attempt_supercell=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        groups = sm.group_structures(structs)
    out = [sorted(s.properties["index"] for s in g) for g in groups]
    return sorted(out, key=lambda g: g[0])


def _framework_cuts(bulk, hkl, min_slab_A: float, min_vacuum_A: float, bonds,
                    layer_tolerance_A: float):
    """Oriented unit cell of ``hkl`` and the cut positions of the actual cell.

    The cuts (fractional c of the oriented cell) are the gaps between the layers of the
    P/S/Cl atoms (species as in the cell, so the S/Cl order is that of the cell) that
    break none of ``bonds`` (pymatgen ``SlabGenerator.get_slabs``); Li (random 48h
    half-occupation) does not define layers of its own.
    """
    from pymatgen.core.surface import SlabGenerator

    frame = bulk.copy()
    frame.remove_species([sp for sp in _FRAMEWORK_IGNORED if sp in frame.composition])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = SlabGenerator(bulk, hkl, min_slab_A, min_vacuum_A, primitive=False,
                            reorient_lattice=False)
        gen_f = SlabGenerator(frame, hkl, min_slab_A, min_vacuum_A, primitive=False,
                              reorient_lattice=False)
        slabs = gen_f.get_slabs(bonds=bonds, ftol=layer_tolerance_A, filter_out_sym_slabs=False)
    ouc, ouc_f = gen.oriented_unit_cell, gen_f.oriented_unit_cell
    same = np.allclose(ouc.lattice.matrix, ouc_f.lattice.matrix, atol=1e-6)
    if same:
        fa = np.array([s.frac_coords for s in ouc if s.specie.symbol not in _FRAMEWORK_IGNORED])
        fb = np.array(ouc_f.frac_coords)
        d = fa[:, None, :] - fb[None, :, :]
        same = len(fa) == len(fb) and bool(
            (np.abs(d - np.rint(d)).max(axis=2).min(axis=1) < 1e-6).all())
    if not same:
        raise TerminationError(f"({_miller_str(hkl)}): the oriented cells of the cell and of "
                               "its framework differ; cuts cannot be transferred")
    shifts = sorted({round(float(s.shift), 8) for s in slabs})
    return ouc, shifts


def _frame_rotation(in_plane_A) -> np.ndarray:
    """Rows: x along a, z along a x b, y = z x x (the frame of :func:`_slab_atoms`)."""
    a, b = np.asarray(in_plane_A, float)
    x = a / np.linalg.norm(a)
    z = np.cross(a, b)
    z /= np.linalg.norm(z)
    return np.array([x, np.cross(z, x), z])


def _cut_pair_slab(ouc, shift_bottom: float, shift_top: float, n_periods: int,
                   vacuum_A: float):
    """Atoms of the oriented cell between two cuts, ``n_periods`` (whole) cells apart at
    least: ``(site_slab, displacements_A)`` -- the slab on the framework sites (ase.Atoms,
    :func:`_slab_atoms` frame) and each atom's relaxed displacement in that frame (Å)."""
    lat = np.array(ouc.lattice.matrix)
    f = np.array(ouc.frac_coords)
    disp = np.array([np.asarray(u, float) for u in ouc.site_properties["displacement_A"]])
    sp = [site.specie.symbol for site in ouc]
    span = (shift_top - shift_bottom) % 1.0 + n_periods
    pos, species, d_out = [], [], []
    for k in range(int(math.ceil(span)) + 1):
        u = (f[:, 2] - shift_bottom) % 1.0 + k
        sel = np.flatnonzero((u > 0) & (u < span))
        ff = f[sel].copy()
        ff[:, 2] = shift_bottom + u[sel]
        pos.append(ff @ lat)
        species += [sp[i] for i in sel]
        d_out.append(disp[sel])
    atoms = _slab_atoms(species, np.vstack(pos), lat[:2], vacuum_A)
    return atoms, np.vstack(d_out) @ _frame_rotation(lat[:2]).T


def _symmetric_cut_pair(site_slab: Atoms, disp, cfg: _FaceSettings, symprec: float):
    """Symmetric slab of one cut pair, or ``(None, reason)``.

    ``as_cut`` when the slab's atoms (Li included) sit on a symmetric set of sites,
    ``mirrored_half`` when only the P/S/Cl framework does (the Li of the top half are
    kept, those of the bottom half replaced by their images); not symmetric (None) when
    the framework is not.  Positions are site + relaxed displacement, the bottom half's
    replaced by the images of the top half's, so the slab is exactly symmetric.
    """
    from seiflow.builders.cells import StructureValidationError, validate_structure

    ops = normal_reversing_operations(site_slab, symprec)
    method = "as_cut"
    if not ops:
        ops = normal_reversing_operations(site_slab, symprec, _FRAMEWORK_IGNORED)
        method = "mirrored_half"
    if not ops:
        return None, "framework not symmetric"
    involutions = [o for o in ops if np.allclose(o[0] @ o[0], np.eye(3), atol=1e-6)]
    if not involutions:
        return None, "only non-involutive operations (no half can be mirrored)"
    sp = site_slab.get_chemical_symbols()
    site = site_slab.get_positions()
    ab = site_slab.cell.array[:2]
    for m, p, g in involutions:
        try:
            s_sp, s_pos = symmetrize_half_slab(sp, site + disp, ab, m, p, "top",
                                               cfg.seam_tolerance_A, cfg.merge_tolerance_A,
                                               site_positions_A=site, glide_A=g)
            atoms = _slab_atoms(s_sp, s_pos, ab, cfg.min_vacuum_A, m, p, g)
            validate_structure(atoms, min_distance=cfg.min_distance_A)
            if broken_ps4_units(atoms, max(cfg.bonds.values())):
                raise TerminationError("PS4 unit broken by the symmetrisation")
        except (TerminationError, StructureValidationError):
            continue
        return (atoms, method), ""
    return None, "every mirrored half clashes at the seam"


def _paper_plane_terminations(bulk, hkl, strain, max_u, layer_tolerance_A: float,
                              cfg: _FaceSettings, symprec: float
                              ) -> tuple[dict[str, Any], list[Termination]]:
    """Summary row and distinct symmetric terminations of one plane (paper 003 Table 2).

    Every ordered pair of cuts (bottom, top) of :func:`_framework_cuts` bounds a slab of
    the thinnest whole number of periods that reaches ``min_slab_A``, or one period more;
    the pair is a symmetric termination when the first of the two is symmetric
    (:func:`_symmetric_cut_pair`).  Pairs whose framework slabs are the same structure
    (:func:`group_equivalent_slabs`) are one termination, the first pair kept.
    """
    ouc, shifts = _framework_cuts(bulk, hkl, cfg.min_slab_A, cfg.min_vacuum_A, cfg.bonds,
                                  layer_tolerance_A)
    row = {"miller": _miller_str(hkl), "enumeration": "paper_003", "n_cuts": len(shifts),
           "n_cut_pairs": len(shifts) ** 2, "n_symmetric_cut_pairs": 0, "n_terminations": 0,
           "n_as_cut": 0, "n_mirrored_half": 0, "flip_operation": "",
           "lattice_strain": strain, "max_site_displacement_A": max_u, "note": ""}
    found, frames, reasons = [], [], Counter()
    for sb, st in itertools.product(shifts, shifts):
        n0 = 1 if st <= sb else 0
        while True:  # thinnest slab reaching min_slab_A
            site_slab, disp = _cut_pair_slab(ouc, sb, st, n0, cfg.min_vacuum_A)
            if site_slab.info["thickness_A"] >= cfg.min_slab_A:
                break
            n0 += 1
        for n in (n0, n0 + 1):
            if n > n0:
                site_slab, disp = _cut_pair_slab(ouc, sb, st, n, cfg.min_vacuum_A)
            built, reason = _symmetric_cut_pair(site_slab, disp, cfg, symprec)
            if built is not None:
                found.append((sb, st, *built))
                frames.append(site_slab)
                break
        else:
            reasons[reason] += 1
    row["n_symmetric_cut_pairs"] = len(found)
    terminations: list[Termination] = []
    area = float(np.linalg.norm(np.cross(*np.array(ouc.lattice.matrix)[:2])))
    for group in group_equivalent_slabs(frames, _FRAMEWORK_IGNORED):
        sb, st, atoms, method = found[group[0]]
        tid = f"{_miller_str(hkl)}_s{sb:.3f}_t{st:.3f}"
        atoms.info.update({"termination_id": tid, "miller": f"({_miller_str(hkl)})",
                           "shift": sb, "shift_top": st, "side": "top",
                           "symmetrisation": method, "n_equivalent_cuts": len(group)})
        terminations.append(Termination(
            tid, hkl, sb, "top", atoms, termination_label(atoms, cfg.label_depth_A), area,
            float(atoms.info["thickness_A"]), st, method, len(group)))
        row[f"n_{method}"] += 1
    row["n_terminations"] = len(terminations)
    if terminations:
        row["flip_operation"] = "; ".join(sorted({
            str(np.rint(np.asarray(t.atoms.info["flip_matrix"]).reshape(3, 3)).astype(int)
                .tolist()) for t in terminations}))
    row["note"] = "; ".join(f"{n} cut pair(s): {r}" for r, n in sorted(reasons.items()))
    return row, terminations


# --------------------------------------------------------------------------- #
# Oracle energies
# --------------------------------------------------------------------------- #
@dataclass
class RelaxResult:
    """Energy (eV) after ``n_steps`` fixed-cell optimiser steps (0 = single point)."""

    energy_eV: float
    atoms: Atoms
    n_steps: int
    fmax_eV_A: float
    converged: bool


def relax_slab(atoms: Atoms, calculator, max_steps: int = 0, fmax_eV_A: float = 0.05,
               symprec: float | None = 0.01) -> RelaxResult:
    """Fixed-cell position relaxation (ASE FIRE) or, with ``max_steps = 0``, a single point.

    Parameters
    ----------
    atoms
        Slab; copied, never modified.
    calculator
        ASE calculator (e.g. ``seiflow.oracle.calculators.get_calculator("chgnet")``).
    max_steps
        FIRE steps (0: single point).  FIRE rather than BFGS: BFGS diagonalises a
        3N x 3N Hessian every step, which multithreaded OpenBLAS on 2 shared cores made
        slower than the CHGNet call itself (measured: 1.5 s per eigh for 88 atoms).
    fmax_eV_A
        Convergence criterion (eV/Å) on the largest atomic force.
    symprec
        If not None, an ``ase.constraints.FixSymmetry`` constraint (tolerance Å, cell
        fixed) keeps the slab's symmetry -- hence the equivalence of its two
        surfaces -- during the relaxation.

    Returns
    -------
    RelaxResult (the relaxed copy has no constraint and no calculator attached).

    Raises
    ------
    TerminationError
        ``max_steps`` < 0, ``fmax_eV_A`` <= 0 or a non-finite energy.
    """
    from ase.optimize import FIRE

    if int(max_steps) != max_steps or max_steps < 0:
        raise TerminationError(f"max_steps must be a non-negative integer, got {max_steps!r}")
    if not fmax_eV_A > 0:
        raise TerminationError(f"fmax_eV_A must be positive, got {fmax_eV_A!r}")
    a = atoms.copy()
    a.calc = calculator
    n = 0
    if max_steps > 0:
        if symprec is not None:
            from ase.constraints import FixSymmetry

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a.set_constraint(FixSymmetry(a, symprec=symprec, adjust_cell=False))
        opt = FIRE(a, logfile=None)
        opt.run(fmax=fmax_eV_A, steps=int(max_steps))
        n = int(opt.get_number_of_steps())
    energy = float(a.get_potential_energy())
    forces = a.get_forces()
    fmax = float(np.linalg.norm(forces, axis=1).max())
    if not np.isfinite(energy):
        raise TerminationError("oracle returned a non-finite energy")
    out = a.copy()
    out.set_constraint()
    out.calc = None
    return RelaxResult(energy, out, n, fmax, fmax <= fmax_eV_A)


# --------------------------------------------------------------------------- #
# Charge balancing
# --------------------------------------------------------------------------- #
def balancing_plans(charge: int, pairs_available: Mapping[str, int],
                    singles_available: Mapping[str, int],
                    charges: Mapping[str, int] = FORMAL_CHARGES) -> list[dict[str, Any]]:
    """Minimal-atom removals that make a slab of formal charge ``charge`` neutral.

    Removing a pair of species X changes the charge by -2 z_X.  Symmetric (pair-only)
    plans are always preferred; only when none exists (odd charge) is one unpaired atom
    removed in addition.  Only species whose charge has the sign of ``charge`` are
    removed (Li, P for q > 0; S, Cl for q < 0).

    Parameters
    ----------
    charge
        Formal charge q (e) of the slab.
    pairs_available
        species -> number of removable symmetric pairs.
    singles_available
        species -> number of removable single (top-surface) atoms.

    Returns
    -------
    list of {"pairs": {species: m}, "single": species or None, "n_atoms": int}
        Every plan with the smallest number of removed atoms among the pair-only
        plans, else among the plans with one unpaired atom (empty list when none
        exists; ``[{"pairs": {}, "single": None, "n_atoms": 0}]`` for q = 0).
    """
    q = int(charge)
    if q == 0:
        return [{"pairs": {}, "single": None, "n_atoms": 0}]
    sp = sorted((s for s in pairs_available if charges.get(s, 0) * q > 0),
                key=lambda s: _ELEMENTS.index(s) if s in _ELEMENTS else 99)
    singles = [None] + [s for s in singles_available
                        if singles_available[s] > 0 and charges.get(s, 0) * q > 0]
    best: list[dict[str, Any]] = []
    best_n = math.inf
    ranges = [range(int(pairs_available[s]) + 1) for s in sp]
    for single in singles:
        rest = q - (charges[single] if single else 0)
        for ms in itertools.product(*ranges):
            if sum(2 * m * charges[s] for m, s in zip(ms, sp)) != rest:
                continue
            n = 2 * sum(ms) + (1 if single else 0)
            plan = {"pairs": {s: m for s, m in zip(sp, ms) if m}, "single": single, "n_atoms": n}
            if n < best_n:
                best, best_n = [plan], n
            elif n == best_n:
                best.append(plan)
        if best:  # a plan without an unpaired atom keeps the symmetry: always preferred
            break
    return best


def charge_balance_candidates(
    atoms: Atoms,
    charges: Mapping[str, int] = FORMAL_CHARGES,
    surface_depth_A: float = 3.0,
    ps_bond_A: float = 2.3,
    max_candidates: int = 10,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Sets of surface atoms whose removal makes the slab neutral (paper 003 section 3.2.3).

    Removable atoms lie within ``surface_depth_A`` of the top surface (+z): Li, P, Cl
    and S not bonded to P (free sulfide; PS4 sulfur is never removed).  Each is paired
    with its image on the bottom surface (:func:`image_partners`).  All minimal plans of
    :func:`balancing_plans` are expanded into concrete atom sets; if there are more than
    ``max_candidates`` a seeded sample (``numpy.random.default_rng(seed)``) is returned.

    Returns
    -------
    list of {"remove": sorted atom indices, "description": "2 P" etc., "symmetric": bool}
        Empty for a neutral slab or when no removal plan exists.

    Raises
    ------
    TerminationError
        ``max_candidates`` < 1 or ``surface_depth_A`` <= 0.
    """
    from ase.neighborlist import neighbor_list

    if max_candidates < 1 or int(max_candidates) != max_candidates:
        raise TerminationError(f"max_candidates must be a positive integer, got {max_candidates}")
    if not surface_depth_A > 0:
        raise TerminationError("surface_depth_A must be positive")
    q = formal_charge(atoms, charges)
    if q == 0:
        return []
    sym = np.array(atoms.get_chemical_symbols())
    z = atoms.get_positions()[:, 2]
    zc = 0.5 * (z.max() + z.min())
    partners = image_partners(atoms)
    i, j = neighbor_list("ij", atoms, float(ps_bond_A))
    bonded_s = set(j[(sym[i] == "P") & (sym[j] == "S")].tolist())
    top = [k for k in range(len(atoms))
           if z[k] >= z.max() - surface_depth_A and z[k] > zc and sym[k] in charges
           and not (sym[k] == "S" and k in bonded_s)]
    pairs: dict[str, list[tuple[int, int]]] = {}
    singles: dict[str, list[int]] = {}
    for k in top:
        singles.setdefault(str(sym[k]), []).append(k)
        m = int(partners[k])
        if m >= 0 and m != k and z[m] < zc:
            pairs.setdefault(str(sym[k]), []).append((k, m))
    plans = balancing_plans(q, {s: len(v) for s, v in pairs.items()},
                            {s: len(v) for s, v in singles.items()}, charges)
    combos: list[tuple[tuple[int, ...], str, bool]] = []
    for plan in plans:
        per_species = [list(itertools.combinations(pairs[s], m)) for s, m in plan["pairs"].items()]
        single_opts = singles[plan["single"]] if plan["single"] else [None]
        desc = ", ".join(f"{2 * m} {s}" for s, m in plan["pairs"].items())
        if plan["single"]:
            desc = (desc + ", " if desc else "") + f"1 {plan['single']} (unpaired)"
        for choice in itertools.product(*per_species, single_opts):
            idx = [k for group in choice[:-1] for pair in group for k in pair]
            if choice[-1] is not None:
                if int(choice[-1]) in idx:  # the unpaired atom must not be one of a pair
                    continue
                idx.append(int(choice[-1]))
            combos.append((tuple(sorted(idx)), desc, plan["single"] is None))
    if len(combos) > max_candidates:
        rng = np.random.default_rng(seed)
        pick = np.sort(rng.choice(len(combos), size=int(max_candidates), replace=False))
        combos = [combos[k] for k in pick]
    return [{"remove": list(c[0]), "description": c[1], "symmetric": c[2]} for c in combos]


@dataclass
class BalanceResult:
    """Outcome of :func:`charge_balance` (``atoms`` None when no plan exists)."""

    atoms: Atoms | None
    energy_eV: float
    description: str
    symmetric: bool
    candidate_energies_eV: list[float]
    n_steps: int


def charge_balance(
    atoms: Atoms,
    calculator,
    relax_steps: int = 0,
    fmax_eV_A: float = 0.05,
    charges: Mapping[str, int] = FORMAL_CHARGES,
    surface_depth_A: float = 3.0,
    ps_bond_A: float = 2.3,
    max_candidates: int = 10,
    seed: int = 0,
) -> BalanceResult:
    """Neutralise a charged slab by the lowest-energy minimal atom removal (paper 003 3.2.3).

    Every candidate of :func:`charge_balance_candidates` is evaluated with
    :func:`relax_slab` (same ``relax_steps``/``fmax_eV_A`` as the charged slab) and the
    lowest energy is kept.  A neutral slab is returned unchanged (energy NaN: the
    caller reuses the charged-slab energy).

    Returns
    -------
    BalanceResult
        ``atoms`` (relaxed, neutral), its energy, what was removed, whether the
        symmetry was kept, and every candidate's energy in evaluation order.
    """
    if formal_charge(atoms, charges) == 0:
        return BalanceResult(atoms.copy(), math.nan, "", True, [], 0)
    cands = charge_balance_candidates(atoms, charges, surface_depth_A, ps_bond_A,
                                      max_candidates, seed)
    if not cands:
        return BalanceResult(None, math.nan, "no removal plan", False, [], 0)
    results = []
    for cand in cands:
        trial = atoms.copy()
        del trial[cand["remove"]]
        res = relax_slab(trial, calculator, relax_steps, fmax_eV_A,
                         0.01 if cand["symmetric"] else None)
        results.append(res)
    energies = [r.energy_eV for r in results]
    k = int(np.argmin(energies))
    best = results[k].atoms
    best.info.update(atoms.info)
    if not cands[k]["symmetric"]:
        best.info.pop("flip_matrix", None)
        best.info.pop("flip_center_A", None)
        best.info.pop("flip_glide_A", None)
    return BalanceResult(best, energies[k], cands[k]["description"], cands[k]["symmetric"],
                         energies, results[k].n_steps)


# --------------------------------------------------------------------------- #
# The whole study (wired by workflow/scripts/surface_terminations.py)
# --------------------------------------------------------------------------- #
def termination_study(
    bulk_structure,
    energies_per_fu_eV: Mapping[str, float],
    calculator,
    settings: Mapping[str, Any],
    scale_settings: Mapping[str, Any],
    seed: int,
    min_distance_A: float = 1.2,
    parent_structure=None,
):
    """Enumerate, evaluate and charge-balance the terminations (paper 003 Tables 2 and 4).

    Parameters
    ----------
    bulk_structure
        Relaxed disordered Li6PS5Cl cell (slabs are cut from it).
    energies_per_fu_eV
        Energies per formula unit (eV) of Li6PS5Cl (the same bulk), Li3P, Li2S, LiCl.
    calculator
        Oracle (ASE calculator).
    settings
        ``config["terminations"]``: enumeration, max_index, ps_bond_A,
        layer_tolerance_A, seam_tolerance_A, merge_tolerance_A, label_depth_A,
        surface_depth_A, formal_charges.
    scale_settings
        ``S["terminations"]``: miller_indices ("all" or list), min_slab_A,
        min_vacuum_A, relax_steps, fmax_eV_A, n_balanced, max_balance_candidates.
    seed
        Seed of the candidate sampling.

    Returns
    -------
    (records, planes, slabs, balanced)
        ``records``: one JSON-ready dict per termination (ranked by gamma, Table 2),
        with the charge-balanced results of the ``n_balanced`` lowest added
        (Table 4); ``planes``: per-plane summary; ``slabs``/``balanced``: lists of
        ase.Atoms (relaxed) carrying the record fields in ``atoms.info``.
    """
    mi = scale_settings["miller_indices"]
    charges = dict(settings.get("formal_charges", FORMAL_CHARGES))
    ts = enumerate_terminations(
        bulk_structure,
        max_index=settings["max_index"],
        min_slab_A=scale_settings["min_slab_A"],
        min_vacuum_A=scale_settings["min_vacuum_A"],
        bonds={("P", "S"): settings["ps_bond_A"]},
        miller_indices=None if mi == "all" else mi,
        parent_structure=parent_structure,
        layer_tolerance_A=settings["layer_tolerance_A"],
        seam_tolerance_A=settings["seam_tolerance_A"],
        merge_tolerance_A=settings["merge_tolerance_A"],
        label_depth_A=settings["label_depth_A"],
        min_distance_A=min_distance_A,
        enumeration=settings["enumeration"],
    )
    e_fu = float(energies_per_fu_eV["Li6PS5Cl"])
    mu = {k: float(energies_per_fu_eV[k]) for k in EXCESS_COMPOUNDS}
    steps, fmax = int(scale_settings["relax_steps"]), float(scale_settings["fmax_eV_A"])

    def gamma_of(atoms, energy, area):
        dec = decompose_composition(atoms)
        n_fu = dec.pop("Li6PS5Cl")
        return surface_energy_J_m2(energy, e_fu, n_fu, dec, mu, area), n_fu, dec

    records, slabs = [], []
    for t in ts.terminations:
        res = relax_slab(t.atoms, calculator, steps, fmax)
        g, n_fu, dec = gamma_of(res.atoms, res.energy_eV, t.area_A2)
        counts = element_counts(t.atoms)
        rec = {
            "termination_id": t.termination_id, "miller": f"({_miller_str(t.miller)})",
            "h": t.miller[0], "k": t.miller[1], "l": t.miller[2],
            "shift": round(t.shift, 4),
            "shift_top": round(t.shift if t.shift_top is None else t.shift_top, 4),
            "side": t.side, "termination": t.label,
            "symmetrisation": t.symmetrisation, "n_equivalent_cuts": t.n_equivalent_cuts,
            "n_atoms": len(t.atoms),
            "composition": "".join(f"{el}{counts[el]}" for el in _ELEMENTS if counts.get(el)),
            "n_fu_Li6PS5Cl": n_fu, **{f"n_{k}": v for k, v in dec.items()},
            "formal_charge_e": formal_charge(t.atoms, charges),
            "symmetric": slab_is_symmetric(t.atoms),
            "symmetry_deviation_A": symmetry_deviation_A(t.atoms),
            "symmetric_after_relax": slab_is_symmetric(res.atoms),
            "area_A2": t.area_A2, "thickness_A": t.thickness_A,
            "energy_eV": res.energy_eV, "relax_steps": res.n_steps,
            "fmax_final_eV_A": res.fmax_eV_A,
            "gamma_J_m2": g, "gamma_eV_nm2": g / EV_PER_NM2_IN_J_PER_M2,
        }
        records.append(rec)
        out = res.atoms
        out.info.update(t.atoms.info)
        slabs.append(out)
    order = np.argsort([r["gamma_J_m2"] for r in records], kind="stable")
    records = [records[k] for k in order]
    slabs = [slabs[k] for k in order]
    for rank, (rec, at) in enumerate(zip(records, slabs), start=1):
        rec["rank"] = rank
        at.info.update({k: v for k, v in rec.items() if not isinstance(v, bool)})
        at.info["symmetric"] = int(rec["symmetric"])

    balanced = []
    by_id = {t.termination_id: t for t in ts.terminations}
    for rec in records[: int(scale_settings["n_balanced"])]:
        t = by_id[rec["termination_id"]]
        br = charge_balance(t.atoms, calculator, steps, fmax, charges,
                            settings["surface_depth_A"], settings["ps_bond_A"],
                            int(scale_settings["max_balance_candidates"]), seed)
        if br.atoms is None:
            rec.update({"balanced": br.description, "gamma_neutral_J_m2": math.nan})
            continue
        if rec["formal_charge_e"] == 0:
            g_n, e_n = rec["gamma_J_m2"], rec["energy_eV"]
            b_atoms = slabs[rec["rank"] - 1].copy()
        else:
            g_n, _, _ = gamma_of(br.atoms, br.energy_eV, t.area_A2)
            e_n, b_atoms = br.energy_eV, br.atoms
        rec.update({
            "balanced": br.description or "already neutral",
            "balanced_symmetric": br.symmetric,
            "n_balance_candidates": len(br.candidate_energies_eV),
            "balance_candidate_energies_eV": br.candidate_energies_eV,
            "n_atoms_neutral": len(b_atoms), "energy_neutral_eV": e_n,
            "formal_charge_neutral_e": formal_charge(b_atoms, charges),
            "gamma_neutral_J_m2": g_n, "gamma_neutral_eV_nm2": g_n / EV_PER_NM2_IN_J_PER_M2,
        })
        b_atoms.info.update({"termination_id": rec["termination_id"], "rank": rec["rank"],
                             "removed": rec["balanced"], "gamma_J_m2": g_n,
                             "formal_charge_e": rec["formal_charge_neutral_e"]})
        balanced.append(b_atoms)
    return records, ts.planes, slabs, balanced


# --------------------------------------------------------------------------- #
# Config check and tables
# --------------------------------------------------------------------------- #
def check_terminations_config(cfg: Mapping[str, Any]) -> None:
    """Cross-key checks of ``config["terminations"]`` and every ``scales.*.terminations``.

    Rejects (ValueError naming the key):

    * ``terminations.merge_tolerance_A`` > ``structures.min_distance_A`` (the seam merge
      would fuse atom pairs that the structure validation accepts as real);
    * ``terminations.label_depth_A`` > ``terminations.surface_depth_A``;
    * ``terminations.enumeration`` not one of :data:`ENUMERATIONS`;
    * in ``scales.<s>.terminations.miller_indices`` (unless ``"all"``): (0, 0, 0),
      non-reduced indices, an index above ``terminations.max_index``, duplicates, and
      a negative index with ``enumeration: paper_003`` (paper 003 counts 0..max only).
    """
    t = cfg["terminations"]
    if t["enumeration"] not in ENUMERATIONS:
        raise ValueError(f"terminations.enumeration must be one of {ENUMERATIONS}, "
                         f"got {t['enumeration']!r}")
    dmin = cfg["structures"]["min_distance_A"]
    if t["merge_tolerance_A"] > dmin:
        raise ValueError(
            f"terminations.merge_tolerance_A ({t['merge_tolerance_A']}) must not exceed "
            f"structures.min_distance_A ({dmin})"
        )
    if t["label_depth_A"] > t["surface_depth_A"]:
        raise ValueError("terminations.label_depth_A must not exceed surface_depth_A")
    for name, block in cfg["scales"].items():
        s = block["terminations"]
        if s["miller_indices"] == "all":
            continue
        try:
            hkls = [validate_miller_index(h, t["max_index"]) for h in s["miller_indices"]]
        except TerminationError as err:
            raise ValueError(f"scales.{name}.terminations.miller_indices: {err}") from err
        if len(set(hkls)) != len(hkls):
            raise ValueError(f"scales.{name}.terminations.miller_indices: duplicates")
        negative = [h for h in hkls if min(h) < 0]
        if negative and t["enumeration"] == "paper_003":
            raise ValueError(
                f"scales.{name}.terminations.miller_indices: {negative} has a negative index; "
                "terminations.enumeration paper_003 takes indices in 0..max_index")


_TAB2_COLS = ["rank", "miller", "shift", "shift_top", "side", "termination", "symmetrisation",
              "n_equivalent_cuts", "n_atoms", "composition",
              "n_fu_Li6PS5Cl", "n_Li3P", "n_Li2S", "n_LiCl", "formal_charge_e", "symmetric",
              "symmetry_deviation_A", "symmetric_after_relax", "area_A2", "thickness_A",
              "energy_eV", "relax_steps", "fmax_final_eV_A", "gamma_J_m2", "gamma_eV_nm2",
              "termination_id"]
_TAB4_COLS = ["rank", "miller", "termination", "composition", "formal_charge_e", "gamma_J_m2",
              "gamma_eV_nm2", "balanced", "balanced_symmetric", "n_balance_candidates",
              "n_atoms_neutral", "formal_charge_neutral_e", "gamma_neutral_J_m2",
              "gamma_neutral_eV_nm2", "termination_id"]


def tab2_frame(records: Sequence[Mapping[str, Any]]):
    """Table 2 of paper 003 as a DataFrame (one row per termination, ranked by gamma).

    Raises
    ------
    ValueError
        A record misses a column.
    """
    import pandas as pd

    df = pd.DataFrame(list(records))
    missing = [c for c in _TAB2_COLS if c not in df.columns]
    if missing or df.empty:
        raise ValueError(f"tab2_frame: missing column(s) {missing} or no records")
    return df[_TAB2_COLS].sort_values("rank").reset_index(drop=True)


def load_published_counts(path) -> dict[str, int]:
    """Published number of symmetric terminations per Miller plane (paper 003 Table 2).

    Parameters
    ----------
    path
        YAML file with ``source`` (str) and ``counts`` (``"100": 6`` ...), e.g.
        ``workflow/resources/terminations/paper003_table2_counts.yaml``.

    Returns
    -------
    dict
        Plane (e.g. ``"100"``) -> count.  Shown next to the computed counts only; never
        used by the enumeration.

    Raises
    ------
    ValueError
        No ``source``, or a count that is not a non-negative integer.
    """
    import yaml

    with open(path) as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or not data.get("source") or not isinstance(
            data.get("counts"), dict):
        raise ValueError(f"{path}: needs 'source' and a 'counts' mapping")
    out = {}
    for k, v in data["counts"].items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"{path}: count of {k!r} must be a non-negative integer, got {v!r}")
        out[str(k)] = v
    return out


def tab2_counts_frame(planes: Sequence[Mapping[str, Any]], published: Mapping[str, int]):
    """Symmetric terminations per Miller plane, computed next to published (Table 2).

    Parameters
    ----------
    planes
        Per-plane rows of :func:`enumerate_terminations` (``miller``, ``n_cuts``,
        ``n_symmetric_cut_pairs``, ``n_terminations``, ``n_as_cut``,
        ``n_mirrored_half``, ``enumeration``).
    published
        Plane -> published count (:func:`load_published_counts`); planes missing there
        get NaN.

    Returns
    -------
    pandas.DataFrame
        Columns ``miller, n_terminations, n_published, n_as_cut, n_mirrored_half,
        n_cuts, n_symmetric_cut_pairs, enumeration``, one row per computed plane and a
        last row ``miller = "total"`` (n_published: the sum over the computed planes that
        have a published count, NaN when none has).

    Raises
    ------
    ValueError
        No plane, or a row misses a column.
    """
    import pandas as pd

    cols = ["miller", "n_terminations", "n_as_cut", "n_mirrored_half", "n_cuts",
            "n_symmetric_cut_pairs", "enumeration"]
    df = pd.DataFrame(list(planes))
    missing = [c for c in cols if c not in df.columns]
    if missing or df.empty:
        raise ValueError(f"tab2_counts_frame: missing column(s) {missing} or no planes")
    df = df[cols].copy()
    df["miller"] = df["miller"].astype(str)
    df["n_published"] = [published.get(m, math.nan) for m in df["miller"]]
    total = {c: df[c].sum() for c in cols[1:6]}
    pub = df["n_published"].dropna()
    total.update(miller="total", enumeration=df["enumeration"].iloc[0],
                 n_published=pub.sum() if len(pub) else math.nan)
    df = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
    return df[["miller", "n_terminations", "n_published", *cols[2:]]]


def tab4_frame(records: Sequence[Mapping[str, Any]]):
    """Table 4 (surface part) of paper 003: charged vs charge-balanced gamma_surf.

    Rows: the records that went through charge balancing (``balanced`` key).

    Raises
    ------
    ValueError
        No record was charge-balanced.
    """
    import pandas as pd

    rows = [r for r in records if "balanced" in r]
    if not rows:
        raise ValueError("tab4_frame: no charge-balanced record")
    df = pd.DataFrame(rows)
    for c in _TAB4_COLS:
        if c not in df.columns:
            df[c] = np.nan
    return df[_TAB4_COLS].sort_values("rank").reset_index(drop=True)
