"""Bulk phases and Li | Li6PS5Cl | Li interface cells for the SEI-formation workflow.

Pure functions: no file is written here, every random choice takes an explicit
``seed`` (``numpy.random.default_rng``), and pymatgen / ASE do the crystallography
(space-group expansion, supercells, lattice-direction cells, neighbour lists).

Units: lengths in angstrom (Å), fractions dimensionless, mismatches in percent.

Conventions
-----------
* Bulk reference structures live in ``workflow/resources/structures/<name>.cif``;
  each file's header gives the space group, lattice, Wyckoff positions and the
  literature source.
* ``Li6PS5Cl`` (LPSC) is stored as the ordered-anion reference (Cl on 4a, free
  S on 4c, P on 4b, S on 16e) with Li on 48h at occupancy 0.5.
  :func:`disordered_lpsc_supercell` turns it into an explicit, stoichiometric
  supercell following Ding et al. (paper 001, Methods: "24 Li+ were randomly
  removed from the 48h sites ... 50% disorder of Cl-/S2- was also randomly
  generated").
* Interface cells are Li(110) | LPSC(hkl) | Li(110), hkl = 100 (paper 001) or
  110 (paper 004), stacked along z, periodic in x, y and z; the two Li slabs
  are one Li block joined through the z boundary.  Optionally n Li2S layers
  coat the electrolyte on both sides (paper 001, Fig. 6).  Atom tags:
  0 = electrolyte (LPSC), 1 = Li metal, 2 = coating (Li2S).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
from ase import Atoms
from ase.build import bulk, make_supercell
from ase.neighborlist import neighbor_list

__all__ = [
    "StructureValidationError",
    "BULK_PHASES",
    "DEFAULT_RESOURCE_DIR",
    "load_bulk",
    "disordered_lpsc_supercell",
    "bcc_li",
    "build_symmetric_interface",
    "validate_structure",
    "expected_interface_composition",
    "expected_interface_tag_composition",
    "interface_from_config",
    "check_interface_config",
    "coating_match",
    "li2s_coating_block",
    "LPSC_FACETS",
    "INTERFACE_TAGS",
    "rattled_frames",
]

#: ``workflow/resources/structures`` next to this package (workflow/scripts/seiflow).
DEFAULT_RESOURCE_DIR = Path(__file__).resolve().parents[3] / "resources" / "structures"

#: Canonical bulk phase name -> expected international space-group number.
BULK_PHASES: dict[str, int] = {
    "Li6PS5Cl": 216,  # F-43m
    "Li": 229,  # Im-3m (bcc)
    "Li2S": 225,  # Fm-3m (antifluorite)
    "Li3P": 194,  # P6_3/mmc (Na3As type)
    "LiCl": 225,  # Fm-3m (rock salt)
    "Na": 229,  # Im-3m (bcc)
    "Li2O": 225,  # Fm-3m (antifluorite)
    "Na2O": 225,  # Fm-3m (antifluorite)
    "Na2S": 225,  # Fm-3m (antifluorite)
    "Na3P": 194,  # P6_3/mmc (Na3As type)
    "Li3N": 191,  # P6/mmm (alpha-Li3N)
    "SiS2": 72,  # Ibam (edge-sharing SiS4 chains)
}

_ALIASES = {
    "lpsc": "Li6PS5Cl",
    "li6ps5cl": "Li6PS5Cl",
    "li": "Li",
    "bcc_li": "Li",
    "li_bcc": "Li",
    "li2s": "Li2S",
    "li3p": "Li3P",
    "licl": "LiCl",
    "na": "Na",
    "bcc_na": "Na",
    "na_bcc": "Na",
    "li2o": "Li2O",
    "na2o": "Na2O",
    "na2s": "Na2S",
    "na3p": "Na3P",
    "li3n": "Li3N",
    "sis2": "SiS2",
}

# P-S bond cutoff (Å) used to tell PS4 sulfur (16e) from free sulfide (4c);
# the PS4 P-S bond is ~2.05 Å, the next P-S distance in Li6PS5Cl is > 3.5 Å.
_PS_BOND_CUTOFF = 2.6

# Li(110) slab: in-plane directions.  Vectors are in units of the cubic lattice
# parameter a; a/2<111> is the shortest bcc lattice vector along <111>, while
# along <112> the shortest lattice vector is a<112> (|.| = a*sqrt(6)).
# z = [110] (|a[110]| = a*sqrt(2) holds two (110) layers, spacing a/sqrt(2)).
_LI_ORIENTATIONS = (
    # (name along x, vector x, name along y, vector y)
    ("[-1 1 2]", (-1.0, 1.0, 2.0), "[1 -1 1]", (0.5, -0.5, 0.5)),
    ("[1 -1 1]", (0.5, -0.5, 0.5), "[1 -1 -2]", (1.0, -1.0, -2.0)),
    # The rectangular (110) cell [001] x [1-10] (periods a and a*sqrt(2), 2 atoms per
    # layer): it matches one or two LPSC cells far better than the paper's pair, which only
    # matches large cross-sections (6 x 3 LPSC cells).
    ("[0 0 1]", (0.0, 0.0, 1.0), "[1 -1 0]", (1.0, -1.0, 0.0)),
    ("[1 -1 0]", (1.0, -1.0, 0.0), "[0 0 -1]", (0.0, 0.0, -1.0)),
)
_LI_Z = (1.0, 1.0, 0.0)
_LI_Z_NAME = "[1 1 0]"

MISMATCH_DEFINITION = (
    "mismatch = (L_lpsc - L_li) / L_li * 100, with L_lpsc the LPSC cell length "
    "along the axis and L_li = n * p the unstrained Li length (n repeats of the "
    "Li(110) in-plane period p); positive = Li is stretched to fit"
)
PAPER_MISMATCH_DEFINITION = (
    "(L_li - L_lpsc) / L_lpsc * 100, i.e. Li relative to the electrolyte; this "
    "convention reproduces the -0.4 % / -1.4 % of Ding et al. (paper 001) with "
    "their PBE a_Li = 3.420 A, a_LPSC ~ 9.91 A (inferred; not stated in the "
    "paper) and the 6x3 cell"
)


class StructureValidationError(ValueError):
    """A structure is physically invalid or does not match what was expected."""


# --------------------------------------------------------------------------- #
# Bulk phases
# --------------------------------------------------------------------------- #
def _canonical_name(name: str) -> str:
    if name in BULK_PHASES:
        return name
    key = name.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    raise KeyError(
        f"unknown bulk phase {name!r}; known: {sorted(BULK_PHASES)} "
        f"(aliases: {sorted(_ALIASES)})"
    )


def read_cif(path: str | Path):
    """Read one CIF file with pymatgen (``Structure.from_file``).

    CIF values such as 0.333333 are snapped to 1/3 by pymatgen (intended; its warning is
    silenced).

    Raises
    ------
    StructureValidationError
        ``<path>: not a readable CIF (<pymatgen's error>)`` for a truncated or malformed file
        (pymatgen alone says "Invalid CIF file with no structures!" or "zip() argument 2 is
        longer than argument 1", without the file's name).
    """
    from pymatgen.core import Structure

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fractional coordinates rounded.*")
        warnings.filterwarnings("ignore", message=".*[Ii]ssues encountered while parsing.*")
        try:
            return Structure.from_file(path)
        except Exception as err:  # pymatgen raises ValueError, IndexError, KeyError, ...
            raise StructureValidationError(
                f"{path}: not a readable CIF ({type(err).__name__}: {err})") from None


def load_bulk(name: str, resource_dir: str | Path | None = None):
    """Read a bulk reference structure with pymatgen.

    Parameters
    ----------
    name
        ``"Li6PS5Cl"`` (alias ``"LPSC"``), ``"Li"`` (bcc; aliases ``"bcc_Li"``,
        ``"Li_bcc"``), ``"Li2S"``, ``"Li3P"``, ``"LiCl"``, ``"Na"`` (bcc; aliases
        ``"bcc_Na"``, ``"Na_bcc"``), ``"Li2O"``, ``"Na2O"``, ``"Na2S"``, ``"Na3P"``,
        ``"Li3N"`` or ``"SiS2"`` (any keys of :data:`BULK_PHASES`; aliases are
        case-insensitive).
    resource_dir
        Folder holding ``<name>.cif``; defaults to
        ``workflow/resources/structures`` of this repository.

    Returns
    -------
    pymatgen.core.Structure
        Conventional cell expanded from the CIF's space group (Li6PS5Cl: 76
        sites with Li 48h at occupancy 0.5, average composition Li24 P4 S20 Cl4;
        all other phases fully ordered).

    Raises
    ------
    KeyError
        Unknown phase name.
    FileNotFoundError
        ``<resource_dir>/<name>.cif`` does not exist.
    StructureValidationError
        The file does not contain the expected phase: wrong reduced formula,
        a disordered file for an ordered phase, or (ordered phases) a space
        group different from :data:`BULK_PHASES`.

    Sources: see the header comment of each CIF file.
    """
    from pymatgen.core import Composition
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    canon = _canonical_name(name)
    folder = Path(resource_dir) if resource_dir is not None else DEFAULT_RESOURCE_DIR
    path = folder / f"{canon}.cif"
    if not path.is_file():
        raise FileNotFoundError(f"bulk structure file not found: {path}")
    structure = read_cif(path)

    want = Composition(canon).reduced_formula
    got = structure.composition.reduced_formula
    if got != want:
        raise StructureValidationError(f"{path}: composition {got}, expected {want}")
    if canon == "Li6PS5Cl":
        for site in structure:
            if not site.is_ordered:
                occ = dict(site.species.as_dict())
                if set(occ) != {"Li"} or not math.isclose(occ["Li"], 0.5, abs_tol=1e-6):
                    raise StructureValidationError(
                        f"{path}: only Li (48h) may be partially occupied (0.5); "
                        f"found site with occupancy {occ}"
                    )
    else:
        if not structure.is_ordered:
            raise StructureValidationError(f"{path}: {canon} must be an ordered structure")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # spglib error-handling notice
            number = SpacegroupAnalyzer(structure, symprec=1e-3).get_space_group_number()
        if number != BULK_PHASES[canon]:
            raise StructureValidationError(
                f"{path}: space group {number}, expected {BULK_PHASES[canon]}"
            )
    return structure


def bcc_li(a: float = 3.51, cubic: bool = True) -> Atoms:
    """bcc lithium built with :func:`ase.build.bulk`.

    Parameters
    ----------
    a
        Cubic lattice parameter in Å (default 3.51 Å, experimental room
        temperature; Ding et al. used the PBE value 3.420 Å).
    cubic
        ``True`` (default): 2-atom conventional cubic cell; ``False``: 1-atom
        primitive cell.

    Returns
    -------
    ase.Atoms with ``pbc=True``.

    Raises
    ------
    ValueError
        ``a`` is not a finite positive number.
    """
    if not (np.isfinite(a) and a > 0):
        raise ValueError(f"lattice parameter must be positive, got {a!r}")
    return bulk("Li", "bcc", a=float(a), cubic=cubic)


# --------------------------------------------------------------------------- #
# Li6PS5Cl supercell with Li / anion disorder
# --------------------------------------------------------------------------- #
def _lpsc_site_labels(structure) -> list[str]:
    """Wyckoff label (4a, 4b, 4c, 16e, 48h) of every site of the LPSC reference.

    Identified chemically, so it does not depend on the origin choice:
    partially occupied Li -> 48h, P -> 4b, Cl -> 4a, S within the P-S bond
    cutoff of a P -> 16e, other S (free sulfide) -> 4c.
    """
    labels: list[str] = []
    neighbours = structure.get_all_neighbors(_PS_BOND_CUTOFF)
    for site, nbrs in zip(structure, neighbours):
        if not site.is_ordered:
            labels.append("48h")
            continue
        el = site.specie.symbol
        if el == "P":
            labels.append("4b")
        elif el == "Cl":
            labels.append("4a")
        elif el == "S":
            bonded = any(n.species.elements[0].symbol == "P" for n in nbrs)
            labels.append("16e" if bonded else "4c")
        else:
            raise StructureValidationError(
                f"unexpected fully occupied {el} site in the Li6PS5Cl reference; "
                "Li must be on 48h with occupancy 0.5"
            )
    counts = Counter(labels)
    n_cells = counts["4b"] / 4
    want = {"4a": 4, "4b": 4, "4c": 4, "16e": 16, "48h": 48}
    if n_cells < 1 or any(counts[k] != v * n_cells for k, v in want.items()):
        raise StructureValidationError(
            "Li6PS5Cl reference does not have the argyrodite site multiplicities "
            f"per cubic cell {want}; found {dict(counts)}"
        )
    return labels


def disordered_lpsc_supercell(
    lpsc_structure,
    supercell: Sequence[int] = (1, 1, 1),
    s_cl_disorder: float = 0.5,
    seed: int = 0,
) -> Atoms:
    """Explicit, stoichiometric Li6PS5Cl supercell (Ding et al., paper 001 Methods).

    Parameters
    ----------
    lpsc_structure
        pymatgen ``Structure`` of the ordered-anion reference as returned by
        ``load_bulk("Li6PS5Cl")``: Cl 4a, S 4c, P 4b, S 16e, Li 48h with
        occupancy 0.5 (76 sites per cubic cell).
    supercell
        Repeats (nx, ny, nz) of the cubic cell; made with pymatgen.
    s_cl_disorder
        Fraction of the Cl that sits on the "wrong" 4c site, 0 <= s <= 1.
        0.0 -> ordered (all Cl on 4a, all free S on 4c); 0.5 -> 50 % site
        disorder (Cl spread evenly at random over 4a/4c). The number of Cl on
        4c is ``round(s_cl_disorder * n_Cl)``; the same number of S moves to 4a,
        so the composition never changes.  The realised fraction is stored in
        ``atoms.info["s_cl_disorder"]``.
    seed
        Seed for ``numpy.random.default_rng``.  One generator draws, over the
        whole supercell, (1) which half of all 48h sites keep a Li, then
        (2) which 4c sites get Cl and (3) which 4a sites get S.

    Returns
    -------
    ase.Atoms
        ``52 * nx * ny * nz`` atoms (Li24 P4 S20 Cl4 per cubic cell), periodic,
        orthorhombic cell ``(nx a, ny a, nz a)``; atoms ordered Li, P, S, Cl.
        ``atoms.arrays["lpsc_site"]`` holds each atom's Wyckoff site
        ('48h', '4b', '16e', '4a', '4c'); ``atoms.info`` records ``seed``,
        ``supercell``, ``s_cl_disorder`` (realised), ``n_cl_on_4c`` and
        ``n_formula_units``.

    Raises
    ------
    ValueError
        Invalid ``supercell`` or ``s_cl_disorder``.
    StructureValidationError
        The input is not the expected argyrodite reference.
    """
    from pymatgen.core import Structure

    reps = tuple(int(n) for n in supercell)
    if len(reps) != 3 or any(n < 1 for n in reps) or any(
        n != s for n, s in zip(reps, supercell)
    ):
        raise ValueError(f"supercell must be three positive integers, got {supercell!r}")
    if not (0.0 <= float(s_cl_disorder) <= 1.0):
        raise ValueError(f"s_cl_disorder must be in [0, 1], got {s_cl_disorder!r}")

    ref = lpsc_structure.copy()
    ref.add_site_property("lpsc_site", _lpsc_site_labels(ref))
    sup: Structure = ref.make_supercell(reps, in_place=False)
    labels = np.array(sup.site_properties["lpsc_site"])
    frac = np.array(sup.frac_coords)

    rng = np.random.default_rng(seed)
    li_sites = np.flatnonzero(labels == "48h")
    a_sites = np.flatnonzero(labels == "4a")
    c_sites = np.flatnonzero(labels == "4c")
    li_keep = np.sort(rng.choice(li_sites, size=len(li_sites) // 2, replace=False))
    n_cl = len(a_sites)
    n_wrong = int(round(float(s_cl_disorder) * n_cl))
    cl_on_c = set(rng.choice(c_sites, size=n_wrong, replace=False).tolist())
    s_on_a = set(rng.choice(a_sites, size=n_wrong, replace=False).tolist())

    species: dict[int, str] = {int(i): "Li" for i in li_keep}
    for i, lab in enumerate(labels):
        if lab == "4b":
            species[i] = "P"
        elif lab == "16e":
            species[i] = "S"
        elif lab == "4a":
            species[i] = "S" if i in s_on_a else "Cl"
        elif lab == "4c":
            species[i] = "Cl" if i in cl_on_c else "S"
    order = {"Li": 0, "P": 1, "S": 2, "Cl": 3}
    idx = sorted(species, key=lambda i: (order[species[i]], i))

    atoms = Atoms(
        symbols=[species[i] for i in idx],
        scaled_positions=frac[idx],
        cell=np.array(sup.lattice.matrix),
        pbc=True,
    )
    atoms.new_array("lpsc_site", labels[idx].astype("<U3"))
    n_fu = n_cl
    atoms.info.update(
        {
            "seed": int(seed),
            "supercell": list(reps),
            "s_cl_disorder": n_wrong / n_cl,
            "n_cl_on_4c": n_wrong,
            "n_formula_units": n_fu,
        }
    )
    validate_structure(
        atoms,
        min_distance=1.0,
        expected_composition={"Li": 6 * n_fu, "P": n_fu, "S": 5 * n_fu, "Cl": n_fu},
    )
    return atoms


# --------------------------------------------------------------------------- #
# Li(110) | [Li2S(hkl) |] LPSC(hkl) | [Li2S(hkl) |] Li(110) interface
# --------------------------------------------------------------------------- #
#: LPSC facets offered at the Li interface -> rows x, y, z of the orthogonal oriented cell,
#: in units of the cubic lattice parameter a (cubic frame, right-handed, z = surface normal).
#: Both cells hold one cubic-cell volume (4 formula units, 52 atoms), so ``lpsc_repeats``
#: means the same number of atoms for every facet.  "110": x = a[001], y = a[1-10],
#: z = a/2[110] (the face-centring translation along the normal; Chaney et al., paper 004:
#: LPSC(110) on Li(110)).
LPSC_FACETS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "100": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "110": ((0.0, 0.0, 1.0), (1.0, -1.0, 0.0), (0.5, 0.5, 0.0)),
}

#: Li2S coating cell for each LPSC facet: cube-on-cube with the electrolyte (Li2S(hkl) ||
#: LPSC(hkl), Li2S[001] || LPSC[001]).  One coating layer is one repeat of this cell along
#: z: Li2S(100) one cubic cell (a, 4 Li2S per a x a, the "unit cell layer" of Ding et al.,
#: paper 001, Fig. 6); Li2S(110) a/2[110] (a/sqrt(2): two neutral (110) planes, 2 Li2S per
#: a x a/sqrt(2)).
_COATING_CELLS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "100": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "110": ((0.0, 0.0, 1.0), (0.5, -0.5, 0.0), (0.5, 0.5, 0.0)),
}

#: Atom tags of interface cells.
INTERFACE_TAGS: dict[int, str] = {0: "electrolyte", 1: "Li metal", 2: "coating"}

#: Formal ionic charges (e) used to recognise a polar coating block (Tasker type 3).
_FORMAL_CHARGE = {"Li": 1.0, "S": -2.0}

#: Label of coating atoms in ``atoms.arrays["lpsc_site"]``.
COATING_SITE_LABEL = "Li2S"


def _best_repeats(length: float, period: float) -> tuple[int, float]:
    """Integer n >= 1 minimising |(length - n period) / (n period)|; returns (n, %)."""
    guess = length / period
    best = None
    for n in {max(1, math.floor(guess)), max(1, math.ceil(guess))}:
        mis = (length - n * period) / (n * period) * 100.0
        if best is None or abs(mis) < abs(best[1]) or (abs(mis) == abs(best[1]) and n < best[0]):
            best = (n, mis)
    return best


def _direction_label(v: Sequence[float]) -> str:
    """Miller label of a lattice direction: (0.5, 0.5, 0) -> '[1 1 0]', (1, -1, 0) -> '[1 -1 0]'."""
    w = np.rint(np.asarray(v, dtype=float) * 2.0).astype(int)
    g = int(np.gcd.reduce(np.abs(w[w != 0])))
    return "[" + " ".join(str(int(x) // g) for x in w) + "]"


def _check_facet(facet: Any) -> str:
    """Normalise an LPSC facet ("100", "110"; ints accepted) or raise ValueError."""
    key = str(facet) if isinstance(facet, (str, int)) and not isinstance(facet, bool) else None
    if key not in LPSC_FACETS:
        raise ValueError(f"lpsc_facet must be one of {sorted(LPSC_FACETS)}, got {facet!r}")
    return key


def _check_coating_layers(n: Any) -> int:
    """Number of coating layers per side: an integer >= 0, else ValueError."""
    if (isinstance(n, bool) or not isinstance(n, (int, np.integer, float))
            or not np.isfinite(n) or int(n) != n or n < 0):
        raise ValueError(f"coating_layers must be an integer >= 0, got {n!r}")
    return int(n)


def _oriented_cubic_cell(structure, rows):
    """Orthogonal cell of a cubic pymatgen Structure with x, y, z along given lattice vectors.

    ``rows`` are three mutually orthogonal, right-handed lattice vectors in units of the
    cubic lattice parameter (cubic frame); they may be centring translations (e.g.
    a/2[110] of an F lattice).  pymatgen finds the primitive cell
    (``get_primitive_structure``) and makes the supercell with the integer matrix that maps
    it onto ``rows`` (``make_supercell``); the result is then expressed in an axis-aligned
    orthorhombic lattice with the same fractional coordinates (a rigid rotation).  Partial
    occupancies are kept.  Identity rows return a copy.

    Raises
    ------
    ValueError
        ``structure`` is not cubic, or ``rows`` are not orthogonal and right-handed.
    StructureValidationError
        ``rows`` are not lattice vectors of the structure.
    """
    from pymatgen.core import Lattice, Structure

    lat = structure.lattice
    if not (np.allclose(lat.abc, lat.a, rtol=1e-6) and np.allclose(lat.angles, 90.0, atol=1e-4)):
        raise ValueError(f"expected a cubic cell, got lattice {lat.abc} / {lat.angles}")
    vecs = np.asarray(rows, dtype=float) * lat.a
    gram = vecs @ vecs.T
    if not np.allclose(gram - np.diag(np.diag(gram)), 0.0, atol=1e-8) or np.linalg.det(vecs) <= 0:
        raise ValueError(f"oriented cell rows must be orthogonal and right-handed, got {rows!r}")
    if np.allclose(np.asarray(rows, dtype=float), np.eye(3)):
        return structure.copy()
    prim = structure.get_primitive_structure()
    m_float = vecs @ np.linalg.inv(prim.lattice.matrix)
    m_int = np.rint(m_float)
    if not np.allclose(m_float, m_int, atol=1e-6):
        raise StructureValidationError(f"{rows!r} are not lattice vectors of {structure.formula}")
    sup = prim.make_supercell(m_int.astype(int), in_place=False)
    frac = np.mod(np.round(np.array(sup.frac_coords), 10), 1.0)
    return Structure(Lattice.orthorhombic(*np.linalg.norm(vecs, axis=1)),
                     [site.species for site in sup], frac)


def _li110_block(a: float, vx, vy, reps: tuple[int, int], n_layers: int) -> Atoms:
    """Orthogonal bcc Li block with x || vx, y || vy, z || [110] (ASE supercell).

    ``vx``, ``vy`` are lattice vectors in units of ``a`` (cubic frame).  The
    block has ``n_layers`` (110) layers at z = 0, d, 2d, ... (d = a / sqrt(2)).
    """
    prim = bulk("Li", "bcc", a=a)  # primitive cell, 1 atom
    vectors = a * np.array([vx, vy, _LI_Z], dtype=float)
    p_float = vectors @ np.linalg.inv(prim.cell.array)
    p_int = np.rint(p_float)
    if not np.allclose(p_float, p_int, atol=1e-8) or round(np.linalg.det(p_int)) <= 0:
        raise RuntimeError("Li(110) cell vectors are not a right-handed bcc supercell")
    cell = make_supercell(prim, p_int.astype(int))
    lengths = np.linalg.norm(vectors, axis=1)
    gram = vectors @ vectors.T
    if not np.allclose(gram - np.diag(np.diag(gram)), 0.0, atol=1e-8):
        raise RuntimeError("Li(110) cell vectors are not orthogonal")
    # Same fractional coordinates in an axis-aligned cell = rigid rotation.
    cell.set_cell(np.diag(lengths), scale_atoms=True)
    block = cell.repeat((reps[0], reps[1], math.ceil(n_layers / 2)))
    d = a / math.sqrt(2.0)
    layer = np.rint(block.positions[:, 2] / d).astype(int)
    block = block[layer < n_layers]
    block.set_cell([lengths[0] * reps[0], lengths[1] * reps[1], n_layers * d])
    return block


def _match_li110(lx: float, ly: float, a: float) -> dict[str, Any]:
    """Li(110) in-plane cell and repeats with the smallest largest |mismatch| to lx x ly (Å)."""
    best = None
    for name_x, vx, name_y, vy in _LI_ORIENTATIONS:
        px, py = a * np.linalg.norm(vx), a * np.linalg.norm(vy)
        nx_li, mx = _best_repeats(lx, px)
        ny_li, my = _best_repeats(ly, py)
        score = max(abs(mx), abs(my))
        if best is None or score < best["score"] - 1e-12:
            best = dict(score=score, name_x=name_x, vx=vx, name_y=name_y, vy=vy,
                        px=px, py=py, nx=nx_li, ny=ny_li, mx=mx, my=my)
    return best


def _lpsc_slab(lpsc: Atoms) -> tuple[Atoms, float]:
    """Shift a periodic LPSC supercell along z so no PS4 unit is cut by the cell face.

    Candidate cuts are the middles of the periodic z-gaps between non-Li atoms, tried from
    the widest down; the first one that no P-S bond (< 2.6 Å) crosses is used.  For the
    (100) cell this is the widest gap (between an S 16e layer and a 4c anion layer); for
    the (110) cell the widest gaps cut every PS4 (the apex S sit 1.67 Å above/below each
    P plane) and the cut falls between the apex S of neighbouring P planes.  The slab keeps
    full stoichiometry.  Returns the shifted atoms (z in [0, c)) and the cut in fractional
    z of the input.

    Raises
    ------
    StructureValidationError
        Every candidate cut breaks a PS4 tetrahedron.
    """
    slab = lpsc.copy()
    frac = slab.get_scaled_positions(wrap=True)
    sym = np.array(slab.get_chemical_symbols())
    heavy = sym != "Li"
    z = np.sort(np.mod(frac[heavy, 2], 1.0))
    gaps = np.diff(np.concatenate([z, [z[0] + 1.0]]))
    # P-S bonds: fractional z of P and of the bonded S (unwrapped, through the boundary)
    i, j, dvec = neighbor_list("ijD", slab, _PS_BOND_CUTOFF)
    ps = (sym[i] == "P") & (sym[j] == "S")
    z_p = frac[i[ps], 2]
    z_s = z_p + dvec[ps, 2] / slab.cell[2, 2]
    lo, hi = np.minimum(z_p, z_s), np.maximum(z_p, z_s)
    for k in np.argsort(-gaps, kind="stable"):
        if gaps[k] <= 1e-6:
            break
        cut = float(np.mod(z[k] + gaps[k] / 2.0, 1.0))
        if not np.any(np.floor(hi - cut) != np.floor(lo - cut)):  # no bond crosses cut + n
            frac[:, 2] = np.mod(frac[:, 2] - cut, 1.0)
            slab.set_scaled_positions(frac)
            return slab, cut
    raise StructureValidationError("could not find a z cut that keeps all PS4 tetrahedra intact")


def _lpsc_cell(lpsc_atoms_cell, facet: str, reps: tuple[int, int, int], s_cl_disorder: float,
               seed: int) -> tuple[Atoms, float | None]:
    """Disordered, stoichiometric LPSC supercell oriented for ``facet`` (z = normal)."""
    if isinstance(lpsc_atoms_cell, Atoms):
        if facet != "100":
            raise ValueError(
                f"an explicit ase.Atoms LPSC cell is only accepted for lpsc_facet='100'; "
                f"pass the pymatgen reference (load_bulk('Li6PS5Cl')) for {facet!r}"
            )
        return lpsc_atoms_cell.repeat(reps), lpsc_atoms_cell.info.get("s_cl_disorder")
    ref = lpsc_atoms_cell if facet == "100" else _oriented_cubic_cell(
        lpsc_atoms_cell, LPSC_FACETS[facet])
    lpsc = disordered_lpsc_supercell(ref, reps, s_cl_disorder, seed)
    return lpsc, lpsc.info["s_cl_disorder"]


def _formal_dipole_e_A(atoms: Atoms) -> float:
    """Formal-charge dipole along z, sum_i q_i z_i (e Å); KeyError for an unknown element."""
    q = np.array([_FORMAL_CHARGE[s] for s in atoms.get_chemical_symbols()])
    return float(q @ atoms.positions[:, 2])


def _tasker2_block(block: Atoms, tol_A: float = 1e-3) -> tuple[Atoms, bool]:
    """Make a polar (Tasker type 3) slab non-polar by moving half of its top plane to the bottom.

    Tasker, J. Phys. C 12, 4977 (1979): a stack of charged planes (antifluorite (100):
    ... S2- | 2 Li+ | S2- ...) has a dipole; moving every second ion of the outermost plane
    (checkerboard of the square in-plane net) to the opposite face by one block period
    gives a neutral stack with zero dipole and equivalent faces (type 2).  Non-polar input
    (formal dipole ~ 0, e.g. Li2S(110)) is returned unchanged.

    Returns (block, moved?).

    Raises
    ------
    RuntimeError
        The top plane is not an even square net commensurate with the cell, or the
        corrected block still has a dipole.
    """
    n = len(block)
    if abs(_formal_dipole_e_A(block)) < 1e-6 * max(n, 1):
        return block, False
    out = block.copy()
    z = out.positions[:, 2]
    top = np.flatnonzero(z > z.max() - tol_A)
    xy = out.positions[top, :2]
    lx, ly = out.cell[0, 0], out.cell[1, 1]
    d = xy[:, None, :] - xy[None, :, :]
    d[..., 0] -= lx * np.rint(d[..., 0] / lx)
    d[..., 1] -= ly * np.rint(d[..., 1] / ly)
    r = np.hypot(d[..., 0], d[..., 1])
    r[np.eye(len(top), dtype=bool)] = np.inf
    s = float(r.min()) if len(top) > 1 else np.inf
    if not np.isfinite(s) or not all(
        abs(L / s - round(L / s)) < 1e-6 and round(L / s) % 2 == 0 for L in (lx, ly)
    ):
        raise RuntimeError("top plane of the coating is not an even square net; cannot "
                           "apply the Tasker-2 correction")
    parity = (np.rint((xy[:, 0] - xy[0, 0]) / s) + np.rint((xy[:, 1] - xy[0, 1]) / s)) % 2
    move = top[parity == 0]
    if 2 * len(move) != len(top):
        raise RuntimeError("could not split the top plane of the coating in two halves")
    out.positions[move, 2] -= out.cell[2, 2]
    if abs(_formal_dipole_e_A(out)) > 1e-6 * n:
        raise RuntimeError("Tasker-2 corrected coating block still has a dipole")
    return out, True


def coating_match(lx_A: float, ly_A: float, coating_a_A: float,
                  lpsc_facet: str = "100") -> dict[str, Any]:
    """In-plane repeats of the Li2S coating cell on an LPSC cell of lx_A x ly_A.

    The coating cell is cube-on-cube with the LPSC (see ``_COATING_CELLS``): periods
    (a, a) for (100), (a, a/sqrt(2)) for (110), with ``a = coating_a_A``.  Per direction the
    integer repeat minimising |mismatch| is chosen (:func:`_best_repeats`); the coating is
    then strained to the LPSC cell.

    Returns
    -------
    dict with ``coating_repeats`` [mx, my], ``coating_periods`` (Å), ``coating_layer_thickness``
    (Å, one layer along z), ``coating_formula_units_per_layer`` (Li2S units in one layer of
    the mx x my cell), ``coating_mismatch_x_percent`` / ``_y_percent``
    (``(L_lpsc - m p) / (m p) * 100``: positive = coating stretched), ``coating_facet`` and
    ``coating_direction_x/_y/_z``.

    Raises
    ------
    ValueError
        Non-positive lengths or lattice parameter, unknown facet.
    """
    facet = _check_facet(lpsc_facet)
    for name, v in (("lx_A", lx_A), ("ly_A", ly_A), ("coating_a_A", coating_a_A)):
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be positive, got {v!r}")
    rows = np.asarray(_COATING_CELLS[facet], dtype=float)
    px, py, pz = (float(v) for v in np.linalg.norm(rows, axis=1) * coating_a_A)
    mx, mis_x = _best_repeats(float(lx_A), px)
    my, mis_y = _best_repeats(float(ly_A), py)
    fu_per_cell = round(4 * abs(np.linalg.det(rows)))  # 4 Li2S per cubic-cell volume
    return {
        "coating_facet": facet,
        "coating_direction_x": _direction_label(rows[0]),
        "coating_direction_y": _direction_label(rows[1]),
        "coating_direction_z": _direction_label(rows[2]),
        "coating_repeats": [int(mx), int(my)],
        "coating_periods": [px, py],
        "coating_layer_thickness": pz,
        "coating_formula_units_per_layer": int(fu_per_cell * mx * my),
        "coating_mismatch_x_percent": float(mis_x),
        "coating_mismatch_y_percent": float(mis_y),
    }


def li2s_coating_block(coating_structure, lx_A: float, ly_A: float, n_layers: int,
                       lpsc_facet: str = "100") -> tuple[Atoms, dict[str, Any]]:
    """Non-polar Li2S slab of ``n_layers`` layers strained onto an LPSC cell of lx_A x ly_A.

    Ding et al. (paper 001, Fig. 6) insert "two unit cell layers" of Li2S between Li and
    Li6PS5Cl.  The cube-on-cube coating cell of :func:`coating_match` is made with pymatgen
    (:func:`_oriented_cubic_cell`), repeated ``n_layers`` times along z, made non-polar
    (:func:`_tasker2_block`: Li2S(100) ends on half-occupied Li planes on both faces,
    Li2S(110) is non-polar as cut) on the smallest in-plane cell, repeated in plane and
    strained laterally to lx_A x ly_A (z spacing unchanged).

    Parameters
    ----------
    coating_structure
        pymatgen ``Structure`` of antifluorite Li2S (``load_bulk("Li2S")``).
    lx_A, ly_A
        Target in-plane cell lengths (Å).
    n_layers
        Layers (>= 1); one layer = one coating-cell repeat along z (``coating_match``).
    lpsc_facet
        "100" or "110".

    Returns
    -------
    (atoms, info)
        ``atoms``: Li2S block, z from 0 to its thickness, cell (lx_A, ly_A, period);
        ``info``: :func:`coating_match` keys plus ``coating_phase``, ``coating_lattice_a``
        (Å), ``coating_layers``, ``n_coating_formula_units_per_side``,
        ``coating_thickness`` (Å, outermost atom to outermost atom) and
        ``coating_tasker2_corrected``.

    Raises
    ------
    ValueError
        ``n_layers`` < 1, bad lengths/facet, or a coating structure that is not ordered
        cubic Li2S.
    """
    from pymatgen.io.ase import AseAtomsAdaptor

    n_layers = _check_coating_layers(n_layers)
    if n_layers < 1:
        raise ValueError(f"n_layers must be >= 1, got {n_layers}")
    if (coating_structure.composition.reduced_formula != "Li2S"
            or not coating_structure.is_ordered):
        raise ValueError("coating_structure must be ordered Li2S, got "
                         f"{coating_structure.composition.reduced_formula}")
    a_c = float(coating_structure.lattice.a)
    info = coating_match(lx_A, ly_A, a_c, lpsc_facet)
    cell = _oriented_cubic_cell(coating_structure, _COATING_CELLS[info["coating_facet"]])
    unit = AseAtomsAdaptor.get_atoms(cell.make_supercell((1, 1, n_layers), in_place=False))
    unit, moved = _tasker2_block(unit)
    block = unit.repeat((*info["coating_repeats"], 1))
    block.set_cell([lx_A, ly_A, block.cell[2, 2]], scale_atoms=True)  # lateral strain only
    block.positions[:, 2] -= block.positions[:, 2].min()
    n_fu = len(block) // 3
    stoichiometric = Counter(block.get_chemical_symbols()) == {"Li": 2 * n_fu, "S": n_fu}
    if not stoichiometric or n_fu != info["coating_formula_units_per_layer"] * n_layers:
        raise RuntimeError(f"coating block is not {n_layers} stoichiometric Li2S layers")
    block.info.clear()
    info.update({
        "coating_phase": "Li2S",
        "coating_lattice_a": a_c,
        "coating_layers": int(n_layers),
        "n_coating_formula_units_per_side": int(n_fu),
        "coating_thickness": float(np.ptp(block.positions[:, 2])),
        "coating_tasker2_corrected": bool(moved),
    })
    return block, info


_NO_COATING_INFO: dict[str, Any] = {
    "coating_phase": None, "coating_layers": 0, "n_coating_formula_units_per_side": 0,
    "coating_facet": None, "coating_direction_x": None, "coating_direction_y": None,
    "coating_direction_z": None, "coating_repeats": None, "coating_periods": None,
    "coating_layer_thickness": None, "coating_formula_units_per_layer": None,
    "coating_mismatch_x_percent": None, "coating_mismatch_y_percent": None,
    "coating_lattice_a": None, "coating_thickness": None, "coating_tasker2_corrected": None,
}


# Steps of build_symmetric_interface, in the order it calls them.
def _check_interface_args(lpsc_repeats, li_lattice_a, interface_gap, li_to_lpsc_ratio,
                          n_li_layers) -> tuple[int, int, int]:
    """Validate the numeric arguments of :func:`build_symmetric_interface`; return the repeats."""
    reps = tuple(int(n) for n in lpsc_repeats)
    if len(reps) != 3 or any(n < 1 for n in reps):
        raise ValueError(f"lpsc_repeats must be three positive integers, got {lpsc_repeats!r}")
    if not (np.isfinite(li_lattice_a) and li_lattice_a > 0):
        raise ValueError(f"li_lattice_a must be positive, got {li_lattice_a!r}")
    if not (np.isfinite(interface_gap) and interface_gap > 0):
        raise ValueError(f"interface_gap must be positive, got {interface_gap!r}")
    if not (np.isfinite(li_to_lpsc_ratio) and li_to_lpsc_ratio > 0):
        raise ValueError(f"li_to_lpsc_ratio must be positive, got {li_to_lpsc_ratio!r}")
    if n_li_layers is not None and (int(n_li_layers) < 2 or int(n_li_layers) % 2):
        raise ValueError(f"n_li_layers must be an even integer >= 2, got {n_li_layers!r}")
    return reps


def _lpsc_electrolyte(lpsc_atoms_cell, facet: str, reps: tuple[int, int, int],
                      s_cl_disorder: float, seed: int):
    """LPSC supercell checked (orthorhombic, Li6PS5Cl) and cut into a slab with intact PS4.

    Returns (slab, realised S/Cl disorder or None, formula units, (lx, ly, lz) in Å).
    """
    lpsc, realised_disorder = _lpsc_cell(lpsc_atoms_cell, facet, reps, s_cl_disorder, seed)
    cell = lpsc.cell.array
    if not np.allclose(cell - np.diag(np.diag(cell)), 0.0, atol=1e-6):
        raise ValueError("the LPSC cell must be orthorhombic with c along z")
    counts = Counter(lpsc.get_chemical_symbols())
    n_fu = counts.get("P", 0)
    if n_fu == 0 or dict(counts) != {"Li": 6 * n_fu, "P": n_fu, "S": 5 * n_fu, "Cl": n_fu}:
        raise ValueError(f"LPSC input is not Li6PS5Cl: {dict(counts)}")
    lengths = tuple(float(v) for v in np.diag(cell))
    slab, _ = _lpsc_slab(lpsc)
    return slab, realised_disorder, n_fu, lengths


def _li_layer_count(per_layer: int, n_fu: int, li_to_lpsc_ratio: float,
                    n_li_layers: int | None) -> int:
    """Even number of Li(110) layers whose Li / formula-unit ratio is closest to the target."""
    if n_li_layers is not None:
        return int(n_li_layers)
    target = li_to_lpsc_ratio * n_fu / per_layer
    cands = {max(2, 2 * math.floor(target / 2)), max(2, 2 * math.ceil(target / 2))}
    return min(cands, key=lambda n: (abs(n * per_layer / n_fu - li_to_lpsc_ratio), n))


def _li110_metal(a: float, lx: float, ly: float, n_fu: int, li_to_lpsc_ratio: float,
                 n_li_layers: int | None) -> tuple[Atoms, dict[str, Any], int, int]:
    """Li(110) block matched to the lx x ly LPSC cell and strained laterally onto it.

    Returns (block, :func:`_match_li110` result, atoms per layer, number of layers).
    """
    best = _match_li110(lx, ly, a)
    # atoms per layer: rectangle area / area per atom of bcc(110) (a^2 sqrt(2) / 2), i.e.
    # 3 for a*sqrt(6) x a*sqrt(3)/2 and 2 for a x a*sqrt(2)
    per_cell = round(best["px"] * best["py"] / (a * a * math.sqrt(2.0) / 2.0))
    per_layer = per_cell * best["nx"] * best["ny"]
    n_layers = _li_layer_count(per_layer, n_fu, li_to_lpsc_ratio, n_li_layers)
    li = _li110_block(a, best["vx"], best["vy"], (best["nx"], best["ny"]), n_layers)
    if len(li) != per_layer * n_layers:
        raise RuntimeError(f"Li block has {len(li)} atoms, expected {per_layer * n_layers}")
    li.set_cell([lx, ly, li.cell[2, 2]], scale_atoms=True)  # lateral strain only
    return li, best, per_layer, n_layers


def _li2s_coating(n_coat_layers: int, coating_structure, lx: float, ly: float,
                  facet: str) -> tuple[Atoms | None, dict[str, Any], float]:
    """Li2S coating block of one side, its info keys and thickness (Å); no block for 0 layers."""
    if n_coat_layers > 0:
        if coating_structure is None:
            coating_structure = load_bulk("Li2S")
        coat, coat_info = li2s_coating_block(coating_structure, lx, ly, n_coat_layers, facet)
        return coat, coat_info, coat_info["coating_thickness"]
    return None, dict(_NO_COATING_INFO), 0.0


def _stack_interface(slab: Atoms, li: Atoms, coat: Atoms | None, t_coat: float, n_layers: int,
                     d: float, interface_gap: float, lx: float, ly: float) -> tuple[Atoms, float]:
    """Stack LPSC [0, t], gap, [coating, gap,] Li block, gap, [coating, gap] along z.

    The blocks are tagged (0 LPSC, 1 Li, 2 coating), their ``lpsc_site`` labels joined, and
    the cell shifted so that the LPSC centre is at z = c/2.  Returns (atoms, LPSC slab
    thickness in Å).
    """
    z = slab.positions[:, 2]
    thickness = float(z.max() - z.min())
    slab.positions[:, 2] -= z.min()
    slab.set_tags(0)
    li.set_tags(1)
    z_li = thickness + interface_gap + (t_coat + interface_gap if coat is not None else 0.0)
    li.positions[:, 2] += z_li
    parts = [slab, li]
    labels = [np.asarray(slab.arrays["lpsc_site"]), np.full(len(li), "bcc")]
    z_top = z_li + (n_layers - 1) * d  # last Li layer
    if coat is not None:
        coat.set_tags(2)
        upper, lower = coat.copy(), coat.copy()
        upper.positions[:, 2] += thickness + interface_gap  # on the LPSC top face
        lower.positions[:, 2] += z_top + interface_gap  # above the Li; below LPSC once wrapped
        z_top += interface_gap + t_coat
        parts += [lower, upper]
        labels += [np.full(len(coat), COATING_SITE_LABEL)] * 2
    c_total = z_top + interface_gap
    atoms = Atoms(pbc=True, cell=[lx, ly, c_total])
    for part in parts:
        part.set_cell([lx, ly, c_total])
        part.arrays.pop("lpsc_site", None)
        atoms += part
    atoms.arrays["lpsc_site"] = np.concatenate(labels).astype(str)
    atoms.positions[:, 2] += 0.5 * c_total - 0.5 * thickness  # LPSC centre at z = c/2
    atoms.wrap()
    atoms.info.clear()
    return atoms, thickness


def _li_metal_info(best: Mapping[str, Any], a: float, d: float, n_layers: int, per_layer: int,
                   lx: float, ly: float) -> dict[str, Any]:
    """Info keys of the Li(110) block: mismatch (both conventions), directions, layers."""
    return {
        "mismatch_x_percent": float(best["mx"]),
        "mismatch_y_percent": float(best["my"]),
        "mismatch_definition": MISMATCH_DEFINITION,
        "mismatch_paper_convention_x_percent": float(
            (best["nx"] * best["px"] - lx) / lx * 100.0),
        "mismatch_paper_convention_y_percent": float(
            (best["ny"] * best["py"] - ly) / ly * 100.0),
        "mismatch_paper_convention_definition": PAPER_MISMATCH_DEFINITION,
        "li_direction_x": best["name_x"],
        "li_direction_y": best["name_y"],
        "li_direction_z": _LI_Z_NAME,
        "li_repeats": [int(best["nx"]), int(best["ny"])],
        "li_periods": [float(best["px"]), float(best["py"])],
        "n_li_layers": int(n_layers),
        "n_li_layers_per_side": int(n_layers // 2),
        "li_atoms_per_layer": int(per_layer),
        "li_interlayer_spacing": float(d),
        "li_lattice_a": a,
    }


def _lpsc_info(facet: str, reps: tuple[int, int, int], lengths: tuple[float, float, float],
               thickness: float) -> dict[str, Any]:
    """Info keys of the LPSC slab: facet, directions, repeats, lengths and interface area."""
    rows = np.asarray(LPSC_FACETS[facet])
    lx, ly, lz = lengths
    return {
        "lpsc_facet": facet,
        "lpsc_direction_x": _direction_label(rows[0]),
        "lpsc_direction_y": _direction_label(rows[1]),
        "lpsc_direction_z": _direction_label(rows[2]),
        "lpsc_repeats": list(reps),
        "lpsc_cell_lengths": [lx, ly, lz],
        "lpsc_slab_thickness": thickness,
        "interface_area_A2": lx * ly,
    }


def build_symmetric_interface(
    lpsc_atoms_cell,
    li_lattice_a: float = 3.51,
    lpsc_repeats: Sequence[int] = (1, 1, 1),
    li_to_lpsc_ratio: float = 16.0,
    interface_gap: float = 2.0,
    seed: int = 0,
    s_cl_disorder: float = 0.5,
    n_li_layers: int | None = None,
    lpsc_facet: str = "100",
    coating_layers: int = 0,
    coating_structure=None,
) -> tuple[Atoms, dict[str, Any]]:
    """Symmetric Li(110) | [Li2S |] Li6PS5Cl(hkl) | [Li2S |] Li(110) cell stacked along z.

    Geometry.  The electrolyte is ``nx x ny x nz`` LPSC cells with the facet
    normal along z, centred at fractional z = 0.5; Li metal lies above and
    below it and, because the cell is periodic in z, the two Li slabs are one
    contiguous Li block joined through the z boundary (half of the Li layers
    on each side).  ``lpsc_facet`` "100" (default; Ding et al., paper 001):
    cubic cells, x = [100], y = [010], z = [001]; "110" (Chaney et al.,
    paper 004: Li(110)/LPSC(110)): oriented cells x = a[001], y = a[1-10],
    z = a/2[110] (lengths a, a sqrt(2), a/sqrt(2); 4 formula units each, like
    the cubic cell).  The LPSC slab is cut where no PS4 tetrahedron is broken
    (:func:`_lpsc_slab`); the composition stays exactly Li6PS5Cl.  (100): the
    two terminations differ (S 16e layer / 4c anion layer); (110): both faces
    end on PS4 apex S, and the P/anion framework is the same in both halves
    (Li 48h occupation and S/Cl disorder are random).

    Li(110) slab (built with :func:`ase.build.make_supercell` from the bcc
    primitive cell): in-plane directions Li[1-11] (period a*sqrt(3)/2) and
    Li[-112] (period a*sqrt(6)), z || Li[110], interlayer spacing a/sqrt(2)
    (the paper aligned LPSC(100) with Li(110): Li[111] / Li[11-2]), or the
    rectangular Li[001] / Li[1-10] pair (periods a, a*sqrt(2)), which matches
    small (1-2 cell) cross-sections far better.  Every assignment of both
    pairs to x and y is tried; the integer
    Li repeats along x and y and the assignment minimising the largest
    |lateral mismatch| are used.  Li is then strained laterally to the LPSC
    cell (the electrolyte keeps its lattice); the Li interlayer spacing is not
    changed.

    Coating (``coating_layers`` = n > 0; Ding et al., paper 001, Fig. 6: two
    unit-cell layers of Li2S between Li and Li6PS5Cl): n Li2S layers on each
    side, Li | Li2S | LPSC | Li2S | Li, cube-on-cube with the LPSC
    (:func:`li2s_coating_block`: Li2S(100) cubic cells on LPSC(100), Li2S(110)
    a x a/sqrt(2) x a/sqrt(2) cells on LPSC(110)), non-polar, strained
    laterally to the LPSC cell; its mismatch is reported like the metal's.
    Every interface (LPSC|Li2S, Li2S|Li or LPSC|Li) has the z gap
    ``interface_gap``.

    Mismatch (in %):  ``(L_lpsc - L_li) / L_li * 100`` with ``L_lpsc`` the LPSC
    cell length along the axis and ``L_li`` the *unstrained* Li length
    (repeats x period); positive means the Li is stretched.  The paper's
    numbers (-0.4 % along Li[111], -1.4 % along Li[11-2]) use the opposite
    reference, ``(L_li - L_lpsc) / L_lpsc``; both are reported.

    Number of Li layers: the even number ``L`` (L/2 per side) for which
    ``n_li_metal / n_formula_units`` is closest to ``li_to_lpsc_ratio``
    (ties -> fewer layers), unless ``n_li_layers`` is given.  Coating Li is
    not metal Li and does not count.

    Parameters
    ----------
    lpsc_atoms_cell
        Either the pymatgen ``Structure`` reference from
        ``load_bulk("Li6PS5Cl")`` (then the disordered supercell is made with
        :func:`disordered_lpsc_supercell` over all ``lpsc_repeats`` cells of
        the facet's oriented cell using ``seed`` and ``s_cl_disorder``), or
        (``lpsc_facet="100"`` only) an explicit orthorhombic ``ase.Atoms``
        LPSC cell of Li6PS5Cl composition that is tiled ``lpsc_repeats``
        times as given (``seed``/``s_cl_disorder`` unused).
    li_lattice_a
        bcc Li lattice parameter (Å) of the *unstrained* metal.
    lpsc_repeats
        (nx, ny, nz) LPSC cells of the facet; (6, 3, 10) of (100) is paper
        001's 21,120-atom cell (6 nm x 3 nm in plane); (3, 3, 8) and (6, 6, 8)
        of (110) hold the 288 and 1152 formula units of paper 004's models I
        and II.
    li_to_lpsc_ratio
        Target number of Li metal atoms per LPSC formula unit (16 in the
        paper's 21,120-atom cell, 8 for the stoichiometric
        Li6PS5Cl + 8 Li -> 5 Li2S + Li3P + LiCl; 4212 / 288 = 14.625 in
        paper 004).
    interface_gap
        z distance (Å) between the outermost atoms of neighbouring blocks at
        every interface.
    seed, s_cl_disorder
        Passed to :func:`disordered_lpsc_supercell`.
    n_li_layers
        Optional explicit even number of Li(110) layers (total of both sides).
    lpsc_facet
        "100" (default) or "110".
    coating_layers
        Li2S layers per side (>= 0, default 0 = no coating).
    coating_structure
        pymatgen ``Structure`` of Li2S for the coating; ``None`` ->
        ``load_bulk("Li2S")`` from the default resource folder (only read if
        ``coating_layers > 0``).

    Returns
    -------
    (atoms, info)
        ``atoms``: periodic ``ase.Atoms``, orthorhombic cell, tags 0 = LPSC,
        1 = Li metal, 2 = coating (:data:`INTERFACE_TAGS`);
        ``atoms.arrays["lpsc_site"]`` gives each electrolyte atom's Wyckoff
        site, 'bcc' for Li metal and 'Li2S' for the coating.
        ``info``: JSON-serialisable dict with ``n_atoms``,
        ``n_formula_units_lpsc``, ``n_li_metal``, ``li_to_lpsc_ratio``
        (realised), ``li_to_lpsc_ratio_target``, ``mismatch_x_percent``,
        ``mismatch_y_percent``, ``mismatch_definition``,
        ``mismatch_paper_convention_x_percent`` / ``_y_percent``,
        ``li_direction_x`` / ``_y`` / ``_z``, ``li_repeats`` [nx_li, ny_li],
        ``li_periods`` (Å), ``n_li_layers``, ``n_li_layers_per_side``,
        ``li_atoms_per_layer``, ``li_interlayer_spacing`` (Å),
        ``li_lattice_a``, ``lpsc_facet``, ``lpsc_direction_x`` / ``_y`` /
        ``_z``, ``lpsc_repeats``, ``lpsc_cell_lengths`` (Å, whole LPSC
        supercell), ``lpsc_slab_thickness`` (Å), ``interface_area_A2``,
        ``cell_lengths`` (Å), ``interface_gap``, ``seed``, ``s_cl_disorder``,
        ``n_coating_formula_units`` (both sides), the coating keys of
        :func:`li2s_coating_block` (``None`` without coating) and
        ``composition``.

    Raises
    ------
    ValueError
        Non-positive lattice parameter, gap or ratio, odd/invalid
        ``n_li_layers``, unknown ``lpsc_facet``, negative or non-integer
        ``coating_layers``, non-orthorhombic or non-Li6PS5Cl LPSC input, an
        ``ase.Atoms`` LPSC input with a facet other than "100".
    StructureValidationError
        The assembled cell fails :func:`validate_structure` (e.g. the gap is
        so small that atoms overlap).
    """
    reps = _check_interface_args(lpsc_repeats, li_lattice_a, interface_gap, li_to_lpsc_ratio,
                                 n_li_layers)
    facet = _check_facet(lpsc_facet)
    n_coat_layers = _check_coating_layers(coating_layers)

    slab, realised_disorder, n_fu, (lx, ly, lz) = _lpsc_electrolyte(
        lpsc_atoms_cell, facet, reps, s_cl_disorder, seed)
    a = float(li_lattice_a)
    d = a / math.sqrt(2.0)
    li, best, per_layer, n_layers = _li110_metal(a, lx, ly, n_fu, li_to_lpsc_ratio, n_li_layers)
    coat, coat_info, t_coat = _li2s_coating(n_coat_layers, coating_structure, lx, ly, facet)
    atoms, thickness = _stack_interface(slab, li, coat, t_coat, n_layers, d, interface_gap,
                                        lx, ly)

    n_li = len(li)
    info: dict[str, Any] = {
        "n_atoms": len(atoms),
        "n_formula_units_lpsc": int(n_fu),
        "n_li_metal": int(n_li),
        "n_coating_formula_units": 2 * int(coat_info["n_coating_formula_units_per_side"]),
        "li_to_lpsc_ratio": n_li / n_fu,
        "li_to_lpsc_ratio_target": float(li_to_lpsc_ratio),
        **_li_metal_info(best, a, d, n_layers, per_layer, lx, ly),
        **_lpsc_info(facet, reps, (lx, ly, lz), thickness),
        "cell_lengths": [float(v) for v in atoms.cell.lengths()],
        "interface_gap": float(interface_gap),
        "seed": int(seed),
        "s_cl_disorder": None if realised_disorder is None else float(realised_disorder),
        **coat_info,
    }
    info["composition"] = expected_interface_composition(info)
    validate_structure(atoms, min_distance=min(1.5, interface_gap),
                       expected_composition=info["composition"],
                       expected_tag_composition=expected_interface_tag_composition(info))
    return atoms, info


def expected_interface_composition(info: Mapping[str, Any]) -> dict[str, int]:
    """Element counts of an interface cell from its ``info`` dict.

    ``Li = 6 n_fu + n_li_metal + 2 n_coat``, ``P = n_fu``,
    ``S = 5 n_fu + n_coat``, ``Cl = n_fu`` with
    ``n_fu = info["n_formula_units_lpsc"]``, ``n_li_metal = info["n_li_metal"]``
    and ``n_coat = info.get("n_coating_formula_units", 0)`` (Li2S units, both
    sides; absent in cells built before the coating existed).

    Raises
    ------
    KeyError
        A required key is missing.
    ValueError
        Negative counts.
    """
    parts = expected_interface_tag_composition(info)
    total: Counter = Counter()
    for comp in parts.values():
        total.update(comp)
    return {el: int(total.get(el, 0)) for el in ("Li", "P", "S", "Cl")}


def expected_interface_tag_composition(info: Mapping[str, Any]) -> dict[int, dict[str, int]]:
    """Element counts per atom tag (:data:`INTERFACE_TAGS`) of an interface cell.

    Tag 0 (electrolyte) ``{Li: 6 n_fu, P: n_fu, S: 5 n_fu, Cl: n_fu}``, tag 1 (Li metal)
    ``{Li: n_li_metal}``, tag 2 (coating) ``{Li: 2 n_coat, S: n_coat}`` (only when
    ``n_coat = info.get("n_coating_formula_units", 0)`` > 0).

    Raises
    ------
    KeyError
        ``n_formula_units_lpsc`` or ``n_li_metal`` missing.
    ValueError
        Negative counts.
    """
    n_fu = int(info["n_formula_units_lpsc"])
    n_li = int(info["n_li_metal"])
    n_coat = int(info.get("n_coating_formula_units", 0) or 0)
    if n_fu < 0 or n_li < 0 or n_coat < 0:
        raise ValueError(f"negative counts in info: n_fu={n_fu}, n_li_metal={n_li}, "
                         f"n_coating_formula_units={n_coat}")
    parts = {0: {"Li": 6 * n_fu, "P": n_fu, "S": 5 * n_fu, "Cl": n_fu}, 1: {"Li": n_li}}
    if n_coat:
        parts[2] = {"Li": 2 * n_coat, "S": n_coat}
    return parts


# --------------------------------------------------------------------------- #
# Validation
# --------------------------------------------------------------------------- #
def validate_structure(
    atoms: Atoms,
    min_distance: float = 1.5,
    expected_composition: Mapping[str, int] | None = None,
    expected_tag_composition: Mapping[int, Mapping[str, int]] | None = None,
    name: str | None = None,
) -> None:
    """Reject structures that cannot be simulated.

    ``name`` (optional) names the structure (system, file, frame) at the start of every
    message, e.g. ``system Li2S, frame 3: atoms 0 (Li) and 1 (Li) are ...``.

    Checks, in order: at least one atom; all positions finite; if any
    direction is periodic, a right-handed cell with volume > 0; element counts
    equal ``expected_composition`` (element -> count; elements absent from
    either side count as 0); element counts of the atoms of every tag equal
    ``expected_tag_composition`` (tag -> element -> count; a tag present in
    the structure but absent from the mapping, or vice versa, is an error;
    interface cells: :data:`INTERFACE_TAGS`); no pair of atoms (periodic
    images included, via :func:`ase.neighborlist.neighbor_list`) closer than
    ``min_distance`` Å.

    Raises
    ------
    StructureValidationError
        With a message naming the problem: e.g. ``atoms 0 (Li) and 1 (Li) are
        0.500 Å apart (< 1.5 Å)`` for the closest offending pair,
        ``composition mismatch: Li expected 10, found 9`` or
        ``tag 2 (coating) composition mismatch: S expected 8, found 7``.
    """
    try:
        _validate_structure(atoms, min_distance, expected_composition, expected_tag_composition)
    except StructureValidationError as err:
        if name is None:
            raise
        raise StructureValidationError(f"{name}: {err}") from None


def _validate_structure(atoms, min_distance, expected_composition, expected_tag_composition):
    """The checks of :func:`validate_structure`, in order (raises without the name)."""
    n = len(atoms)
    if n == 0:
        raise StructureValidationError("structure is empty (0 atoms)")
    pos = atoms.get_positions()
    bad = ~np.isfinite(pos).all(axis=1)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise StructureValidationError(
            f"non-finite position for {int(bad.sum())} atom(s), first: atom {k} "
            f"({atoms[k].symbol}) at {pos[k].tolist()}"
        )
    if np.any(atoms.pbc):
        vol = float(np.linalg.det(atoms.cell.array))
        if not np.isfinite(vol) or vol <= 1e-9:
            raise StructureValidationError(
                f"cell volume must be positive for a periodic structure, got {vol:.6g} Å^3"
            )

    def _diff(expected: Mapping[str, int], found: Counter) -> list[str]:
        return [
            f"{el} expected {int(expected.get(el, 0))}, found {found.get(el, 0)}"
            for el in sorted(set(found) | set(expected))
            if int(expected.get(el, 0)) != found.get(el, 0)
        ]

    symbols = np.array(atoms.get_chemical_symbols())
    if expected_composition is not None:
        diffs = _diff(expected_composition, Counter(symbols.tolist()))
        if diffs:
            raise StructureValidationError("composition mismatch: " + "; ".join(diffs))
    if expected_tag_composition is not None:
        tags = atoms.get_tags()
        expected_tags = {int(t) for t in expected_tag_composition}
        for tag in sorted(set(np.unique(tags).tolist()) | expected_tags):
            diffs = _diff(expected_tag_composition.get(tag, {}),
                          Counter(symbols[tags == tag].tolist()))
            if diffs:
                raise StructureValidationError(
                    f"tag {tag} ({INTERFACE_TAGS.get(tag, 'unknown')}) composition mismatch: "
                    + "; ".join(diffs))
    if min_distance > 0 and n > 0:
        i, j, dist = neighbor_list("ijd", atoms, float(min_distance))
        if len(dist):
            k = int(np.argmin(dist))
            a_, b_ = int(i[k]), int(j[k])
            n_pairs = len(dist) // 2
            raise StructureValidationError(
                f"atoms {a_} ({atoms[a_].symbol}) and {b_} ({atoms[b_].symbol}) are "
                f"{dist[k]:.3f} Å apart (< {min_distance} Å); "
                f"{n_pairs} pair(s) closer than the limit"
            )


def interface_from_config(
    structures: Mapping[str, Any],
    lpsc_repeats: Sequence[int],
    li_to_lpsc_ratio: float,
    seed: int,
    lpsc_facet: str = "100",
    coating_layers: int = 0,
) -> tuple[Atoms, dict[str, Any]]:
    """Build and validate the symmetric interface described by the ``structures`` config block.

    Parameters
    ----------
    structures : mapping
        ``resource_dir``, ``li_lattice_A`` (Å), ``interface_gap_A`` (Å), ``s_cl_disorder``,
        ``min_distance_A`` (Å) -- see config/README.md.
    lpsc_repeats : sequence of 3 int
        LPSC cells (of the facet's oriented cell) along x, y, z.
    li_to_lpsc_ratio : float
        Target Li metal atoms per Li6PS5Cl formula unit.
    seed : int
        Seed of the S/Cl disorder and 48h Li occupation.
    lpsc_facet : {"100", "110"}
        LPSC facet facing the Li (``study.<name>.lpsc_facet``; paper 001: "100",
        paper 004: "110").
    coating_layers : int
        Li2S layers per side between Li and LPSC (``study.<name>.coating_layers``; paper 001
        Fig. 6: 2); Li2S is read from ``<resource_dir>/Li2S.cif``.

    Returns
    -------
    (atoms, info)
        As :func:`build_symmetric_interface`.

    Raises
    ------
    ValueError
        Unknown facet, negative coating layers (see :func:`build_symmetric_interface`).
    StructureValidationError
        Atoms closer than ``min_distance_A`` or a composition (total or per tag) that is not
        the expected one.
    """
    lpsc = load_bulk("Li6PS5Cl", structures["resource_dir"])
    coating = (load_bulk("Li2S", structures["resource_dir"])
               if _check_coating_layers(coating_layers) > 0 else None)
    atoms, info = build_symmetric_interface(
        lpsc,
        structures["li_lattice_A"],
        lpsc_repeats=tuple(lpsc_repeats),
        li_to_lpsc_ratio=li_to_lpsc_ratio,
        interface_gap=structures["interface_gap_A"],
        seed=seed,
        s_cl_disorder=structures["s_cl_disorder"],
        lpsc_facet=lpsc_facet,
        coating_layers=coating_layers,
        coating_structure=coating,
    )
    validate_structure(atoms, min_distance=structures["min_distance_A"],
                       expected_composition=expected_interface_composition(info),
                       expected_tag_composition=expected_interface_tag_composition(info))
    return atoms, info


def check_interface_config(config: Mapping[str, Any]) -> None:
    """Cross-key checks of the interface settings of a whole workflow config.

    Rejects: a ``study.<name>.lpsc_facet`` not in :data:`LPSC_FACETS`; a
    ``study.<name>.coating_layers`` that is not an integer >= 0; a study with
    ``coating_layers > 0`` in a config whose ``scales.<scale>.initial_data.systems`` lacks
    ``Li2S`` (its model would never see bulk Li2S); keys of
    ``scales.<scale>.md.md_by_study`` that are not studies of ``config["study"]``,
    or values that are not three integers >= 1.

    Raises
    ------
    ValueError
        Naming the offending key.
    """
    studies = config.get("study", {}) or {}
    coated = []
    for name, st in studies.items():
        st = st or {}
        try:
            _check_facet(st.get("lpsc_facet", "100"))
            if _check_coating_layers(st.get("coating_layers", 0)) > 0:
                coated.append(name)
        except ValueError as err:
            raise ValueError(f"study.{name}: {err}") from None
    for scale, block in (config.get("scales", {}) or {}).items():
        systems = ((block or {}).get("initial_data", {}) or {}).get("systems", [])
        if coated and "Li2S" not in systems:
            raise ValueError(
                f"scales.{scale}.initial_data.systems must include Li2S: studies {coated} "
                "have a Li2S coating (coating_layers > 0)")
        by_study = ((block or {}).get("md", {}) or {}).get("md_by_study", {}) or {}
        for name, override in by_study.items():
            if name not in studies:
                raise ValueError(f"scales.{scale}.md.md_by_study.{name}: unknown "
                                 f"study (known: {sorted(studies)})")
            reps = (override or {}).get("lpsc_repeats", [1, 1, 1])
            if (not isinstance(reps, (list, tuple)) or len(reps) != 3
                    or any(isinstance(r, bool) or not isinstance(r, int) or r < 1 for r in reps)):
                raise ValueError(f"scales.{scale}.md.md_by_study.{name}.lpsc_repeats must be "
                                 f"three integers >= 1, got {reps!r}")


# --------------------------------------------------------------------------- #
# Perturbed frames for initial training data
# --------------------------------------------------------------------------- #
def rattled_frames(
    atoms: Atoms,
    n_frames: int,
    stdev: float = 0.05,
    strain: float = 0.02,
    seed: int = 0,
) -> list[Atoms]:
    """Randomly perturbed copies of a structure (DP-GEN ``init_bulk`` style).

    Each frame: the cell is multiplied by ``(I + E)`` with ``E`` a random
    symmetric matrix whose entries are uniform in ``[-strain, strain]``
    (atoms scaled with the cell, ``set_cell(..., scale_atoms=True)``), then
    every atom is displaced by a Gaussian of standard deviation ``stdev`` Å
    per Cartesian component (:meth:`ase.Atoms.rattle`).  Tags and per-atom
    arrays are kept.  ``frame.info`` gets ``perturb_seed``, ``perturb_stdev``,
    ``perturb_strain`` and ``perturb_strain_matrix`` (3x3 list).

    Parameters
    ----------
    atoms
        Periodic structure with positive cell volume.
    n_frames
        Number of frames (>= 0).
    stdev
        Displacement standard deviation in Å (>= 0).
    strain
        Maximum absolute strain component, fraction (0 <= strain < 1).
    seed
        Seed for ``numpy.random.default_rng``; same seed -> same frames.

    Returns
    -------
    list of ``n_frames`` new ``ase.Atoms`` (the input is not modified).

    Raises
    ------
    ValueError
        Invalid ``n_frames``, ``stdev`` or ``strain``.
    StructureValidationError
        Empty input or non-positive cell volume.
    """
    if int(n_frames) != n_frames or n_frames < 0:
        raise ValueError(f"n_frames must be a non-negative integer, got {n_frames!r}")
    if not (np.isfinite(stdev) and stdev >= 0):
        raise ValueError(f"stdev must be >= 0, got {stdev!r}")
    if not (np.isfinite(strain) and 0 <= strain < 1):
        raise ValueError(f"strain must be in [0, 1), got {strain!r}")
    validate_structure(atoms, min_distance=0.0)
    if not np.any(atoms.pbc):
        raise StructureValidationError("rattled_frames needs a periodic structure")

    rng = np.random.default_rng(seed)
    frames = []
    for _ in range(int(n_frames)):
        frame = atoms.copy()
        e = rng.uniform(-strain, strain, size=(3, 3))
        e = 0.5 * (e + e.T)
        frame.set_cell(frame.cell.array @ (np.eye(3) + e), scale_atoms=True)
        frame_seed = int(rng.integers(0, 2**31 - 1))
        if stdev > 0:
            frame.rattle(stdev=float(stdev), seed=frame_seed)
        frame.info.update(
            {
                "perturb_seed": frame_seed,
                "perturb_stdev": float(stdev),
                "perturb_strain": float(strain),
                "perturb_strain_matrix": e.tolist(),
            }
        )
        frames.append(frame)
    return frames
