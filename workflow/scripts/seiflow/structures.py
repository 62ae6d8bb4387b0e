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
* Interface cells are Li(110) | LPSC(100) | Li(110), stacked along z, periodic
  in x, y and z; the two Li slabs are one Li block joined through the z
  boundary.  Atom tags: 0 = electrolyte (LPSC), 1 = Li metal.
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
    "rattled_frames",
]

#: ``workflow/resources/structures`` next to this package (workflow/scripts/seiflow).
DEFAULT_RESOURCE_DIR = Path(__file__).resolve().parents[2] / "resources" / "structures"

#: Canonical bulk phase name -> expected international space-group number.
BULK_PHASES: dict[str, int] = {
    "Li6PS5Cl": 216,  # F-43m
    "Li": 229,  # Im-3m (bcc)
    "Li2S": 225,  # Fm-3m (antifluorite)
    "Li3P": 194,  # P6_3/mmc (Na3As type)
    "LiCl": 225,  # Fm-3m (rock salt)
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


def load_bulk(name: str, resource_dir: str | Path | None = None):
    """Read a bulk reference structure with pymatgen.

    Parameters
    ----------
    name
        ``"Li6PS5Cl"`` (alias ``"LPSC"``), ``"Li"`` (bcc; aliases ``"bcc_Li"``,
        ``"Li_bcc"``), ``"Li2S"``, ``"Li3P"`` or ``"LiCl"``.
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
    from pymatgen.core import Composition, Structure
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    canon = _canonical_name(name)
    folder = Path(resource_dir) if resource_dir is not None else DEFAULT_RESOURCE_DIR
    path = folder / f"{canon}.cif"
    if not path.is_file():
        raise FileNotFoundError(f"bulk structure file not found: {path}")
    with warnings.catch_warnings():
        # CIF values such as 0.333333 are snapped to 1/3 by pymatgen (intended).
        warnings.filterwarnings("ignore", message=".*fractional coordinates rounded.*")
        structure = Structure.from_file(path)

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
# Li(110) | LPSC(100) | Li(110) interface
# --------------------------------------------------------------------------- #
def _best_repeats(length: float, period: float) -> tuple[int, float]:
    """Integer n >= 1 minimising |(length - n period) / (n period)|; returns (n, %)."""
    guess = length / period
    best = None
    for n in {max(1, math.floor(guess)), max(1, math.ceil(guess))}:
        mis = (length - n * period) / (n * period) * 100.0
        if best is None or abs(mis) < abs(best[1]) or (abs(mis) == abs(best[1]) and n < best[0]):
            best = (n, mis)
    return best


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


def _largest_gap_cut(z_frac: np.ndarray) -> float:
    """Fractional z in the middle of the widest periodic gap between values."""
    z = np.sort(np.mod(z_frac, 1.0))
    gaps = np.diff(np.concatenate([z, [z[0] + 1.0]]))
    k = int(np.argmax(gaps))
    return float(np.mod(z[k] + gaps[k] / 2.0, 1.0))


def _lpsc_slab(lpsc: Atoms) -> tuple[Atoms, float]:
    """Shift a periodic LPSC supercell along z so no PS4 unit is cut by the cell face.

    The cut is placed in the widest z-gap between non-Li atoms (between an S
    16e layer and a 4c anion layer for the cubic cell); the slab keeps full
    stoichiometry.  Returns the shifted atoms (z in [0, c)) and the cut in
    fractional z of the input.
    """
    slab = lpsc.copy()
    frac = slab.get_scaled_positions(wrap=True)
    heavy = np.array([s != "Li" for s in slab.get_chemical_symbols()])
    cut = _largest_gap_cut(frac[heavy, 2])
    frac[:, 2] = np.mod(frac[:, 2] - cut, 1.0)
    slab.set_scaled_positions(frac)
    # Every P-S bond must stay inside the slab (no PS4 across the z face).
    i, j, shifts = neighbor_list("ijS", slab, _PS_BOND_CUTOFF)
    sym = np.array(slab.get_chemical_symbols())
    ps = (sym[i] == "P") & (sym[j] == "S")
    if np.any(shifts[ps, 2] != 0):
        raise StructureValidationError("could not find a z cut that keeps all PS4 tetrahedra intact")
    return slab, cut


def build_symmetric_interface(
    lpsc_atoms_cell,
    li_lattice_a: float = 3.51,
    lpsc_repeats: Sequence[int] = (1, 1, 1),
    li_to_lpsc_ratio: float = 16.0,
    interface_gap: float = 2.0,
    seed: int = 0,
    s_cl_disorder: float = 0.5,
    n_li_layers: int | None = None,
) -> tuple[Atoms, dict[str, Any]]:
    """Symmetric Li(110) | Li6PS5Cl(100) | Li(110) cell stacked along z.

    Geometry.  The electrolyte is ``nx x ny x nz`` cubic LPSC cells with its
    c axis along z (the (100) surface), centred at fractional z = 0.5; Li metal
    lies above and below it and, because the cell is periodic in z, the two Li
    slabs are one contiguous Li block joined through the z boundary (half of
    the Li layers on each side).  The LPSC slab is cut between an S(16e) layer
    and a 4c anion layer so that no PS4 tetrahedron is broken; the two LPSC
    terminations therefore differ (composition stays exactly Li6PS5Cl).

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

    Mismatch (in %):  ``(L_lpsc - L_li) / L_li * 100`` with ``L_lpsc`` the LPSC
    cell length along the axis and ``L_li`` the *unstrained* Li length
    (repeats x period); positive means the Li is stretched.  The paper's
    numbers (-0.4 % along Li[111], -1.4 % along Li[11-2]) use the opposite
    reference, ``(L_li - L_lpsc) / L_lpsc``; both are reported.

    Number of Li layers: the even number ``L`` (L/2 per side) for which
    ``n_li_metal / n_formula_units`` is closest to ``li_to_lpsc_ratio``
    (ties -> fewer layers), unless ``n_li_layers`` is given.

    Parameters
    ----------
    lpsc_atoms_cell
        Either the pymatgen ``Structure`` reference from
        ``load_bulk("Li6PS5Cl")`` (then the disordered supercell is made with
        :func:`disordered_lpsc_supercell` over all ``lpsc_repeats`` cells using
        ``seed`` and ``s_cl_disorder``), or an explicit orthorhombic
        ``ase.Atoms`` LPSC cell of Li6PS5Cl composition that is tiled
        ``lpsc_repeats`` times as given (``seed``/``s_cl_disorder`` unused).
    li_lattice_a
        bcc Li lattice parameter (Å) of the *unstrained* metal.
    lpsc_repeats
        (nx, ny, nz) LPSC cubic cells; (6, 3, 10) is the paper's 21,120-atom
        cell (6 nm x 3 nm in plane).
    li_to_lpsc_ratio
        Target number of Li metal atoms per LPSC formula unit (16 in the
        paper's 21,120-atom cell, 8 for the stoichiometric
        Li6PS5Cl + 8 Li -> 5 Li2S + Li3P + LiCl).
    interface_gap
        z distance (Å) between the outermost LPSC atom and the first Li layer,
        on both sides.
    seed, s_cl_disorder
        Passed to :func:`disordered_lpsc_supercell`.
    n_li_layers
        Optional explicit even number of Li(110) layers (total of both sides).

    Returns
    -------
    (atoms, info)
        ``atoms``: periodic ``ase.Atoms``, orthorhombic cell, tags 0 = LPSC and
        1 = Li metal; ``atoms.arrays["lpsc_site"]`` gives each electrolyte
        atom's Wyckoff site and 'bcc' for Li metal.
        ``info``: JSON-serialisable dict with ``n_atoms``,
        ``n_formula_units_lpsc``, ``n_li_metal``, ``li_to_lpsc_ratio``
        (realised), ``li_to_lpsc_ratio_target``, ``mismatch_x_percent``,
        ``mismatch_y_percent``, ``mismatch_definition``,
        ``mismatch_paper_convention_x_percent`` / ``_y_percent``,
        ``li_direction_x`` / ``_y`` / ``_z``, ``li_repeats`` [nx_li, ny_li],
        ``li_periods`` (Å), ``n_li_layers``, ``n_li_layers_per_side``,
        ``li_atoms_per_layer``, ``li_interlayer_spacing`` (Å),
        ``li_lattice_a``, ``lpsc_repeats``, ``lpsc_cell_lengths`` (Å),
        ``lpsc_slab_thickness`` (Å), ``cell_lengths`` (Å), ``interface_gap``,
        ``seed``, ``s_cl_disorder``, ``composition``.

    Raises
    ------
    ValueError
        Non-positive lattice parameter, gap or ratio, odd/invalid
        ``n_li_layers``, non-orthorhombic or non-Li6PS5Cl LPSC input.
    StructureValidationError
        The assembled cell fails :func:`validate_structure` (e.g. the gap is
        so small that atoms overlap).
    """
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

    # --- electrolyte --------------------------------------------------------
    if isinstance(lpsc_atoms_cell, Atoms):
        lpsc = lpsc_atoms_cell.repeat(reps)
        realised_disorder = lpsc_atoms_cell.info.get("s_cl_disorder")
    else:
        lpsc = disordered_lpsc_supercell(lpsc_atoms_cell, reps, s_cl_disorder, seed)
        realised_disorder = lpsc.info["s_cl_disorder"]
    cell = lpsc.cell.array
    if not np.allclose(cell - np.diag(np.diag(cell)), 0.0, atol=1e-6):
        raise ValueError("the LPSC cell must be orthorhombic with c along z")
    counts = Counter(lpsc.get_chemical_symbols())
    n_fu = counts.get("P", 0)
    if n_fu == 0 or dict(counts) != {"Li": 6 * n_fu, "P": n_fu, "S": 5 * n_fu, "Cl": n_fu}:
        raise ValueError(f"LPSC input is not Li6PS5Cl: {dict(counts)}")
    lx, ly, lz = (float(v) for v in np.diag(cell))
    slab, _ = _lpsc_slab(lpsc)

    # --- Li(110) lateral match ---------------------------------------------
    a = float(li_lattice_a)
    best = None
    for name_x, vx, name_y, vy in _LI_ORIENTATIONS:
        px, py = a * np.linalg.norm(vx), a * np.linalg.norm(vy)
        nx_li, mx = _best_repeats(lx, px)
        ny_li, my = _best_repeats(ly, py)
        score = max(abs(mx), abs(my))
        if best is None or score < best["score"] - 1e-12:
            best = dict(score=score, name_x=name_x, vx=vx, name_y=name_y, vy=vy,
                        px=px, py=py, nx=nx_li, ny=ny_li, mx=mx, my=my)
    # atoms per layer: rectangle area / area per atom of bcc(110) (a^2 sqrt(2) / 2), i.e.
    # 3 for a*sqrt(6) x a*sqrt(3)/2 and 2 for a x a*sqrt(2)
    per_cell = round(best["px"] * best["py"] / (a * a * math.sqrt(2.0) / 2.0))
    per_layer = per_cell * best["nx"] * best["ny"]

    if n_li_layers is None:
        target = li_to_lpsc_ratio * n_fu / per_layer
        cands = {max(2, 2 * math.floor(target / 2)), max(2, 2 * math.ceil(target / 2))}
        n_layers = min(cands, key=lambda n: (abs(n * per_layer / n_fu - li_to_lpsc_ratio), n))
    else:
        n_layers = int(n_li_layers)

    li = _li110_block(a, best["vx"], best["vy"], (best["nx"], best["ny"]), n_layers)
    if len(li) != per_layer * n_layers:
        raise RuntimeError(f"Li block has {len(li)} atoms, expected {per_layer * n_layers}")
    d = a / math.sqrt(2.0)
    li.set_cell([lx, ly, li.cell[2, 2]], scale_atoms=True)  # lateral strain only

    # --- stack: LPSC [0, t], gap, Li block, gap (through the z boundary) ----
    z = slab.positions[:, 2]
    thickness = float(z.max() - z.min())
    slab.positions[:, 2] -= z.min()
    c_total = thickness + 2.0 * interface_gap + (n_layers - 1) * d
    li.positions[:, 2] += thickness + interface_gap
    slab.set_tags(0)
    li.set_tags(1)
    li.new_array("lpsc_site", np.full(len(li), "bcc", dtype="<U3"))  # not an LPSC site
    slab.set_cell([lx, ly, c_total])
    li.set_cell([lx, ly, c_total])
    atoms = slab + li
    atoms.pbc = True
    atoms.positions[:, 2] += 0.5 * c_total - 0.5 * thickness  # LPSC centre at z = c/2
    atoms.wrap()
    atoms.info.clear()

    n_li = len(li)
    info: dict[str, Any] = {
        "n_atoms": len(atoms),
        "n_formula_units_lpsc": int(n_fu),
        "n_li_metal": int(n_li),
        "li_to_lpsc_ratio": n_li / n_fu,
        "li_to_lpsc_ratio_target": float(li_to_lpsc_ratio),
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
        "lpsc_repeats": list(reps),
        "lpsc_cell_lengths": [lx, ly, lz],
        "lpsc_slab_thickness": thickness,
        "cell_lengths": [float(v) for v in atoms.cell.lengths()],
        "interface_gap": float(interface_gap),
        "seed": int(seed),
        "s_cl_disorder": None if realised_disorder is None else float(realised_disorder),
    }
    info["composition"] = expected_interface_composition(info)
    validate_structure(atoms, min_distance=min(1.5, interface_gap),
                       expected_composition=info["composition"])
    return atoms, info


def expected_interface_composition(info: Mapping[str, Any]) -> dict[str, int]:
    """Element counts of an interface cell from its ``info`` dict.

    ``Li = 6 n_fu + n_li_metal``, ``P = n_fu``, ``S = 5 n_fu``, ``Cl = n_fu``
    with ``n_fu = info["n_formula_units_lpsc"]`` and
    ``n_li_metal = info["n_li_metal"]``.

    Raises
    ------
    KeyError
        A required key is missing.
    ValueError
        Negative counts.
    """
    n_fu = int(info["n_formula_units_lpsc"])
    n_li = int(info["n_li_metal"])
    if n_fu < 0 or n_li < 0:
        raise ValueError(f"negative counts in info: n_fu={n_fu}, n_li_metal={n_li}")
    return {"Li": 6 * n_fu + n_li, "P": n_fu, "S": 5 * n_fu, "Cl": n_fu}


# --------------------------------------------------------------------------- #
# Validation
# --------------------------------------------------------------------------- #
def validate_structure(
    atoms: Atoms,
    min_distance: float = 1.5,
    expected_composition: Mapping[str, int] | None = None,
) -> None:
    """Reject structures that cannot be simulated.

    Checks, in order: at least one atom; all positions finite; if any
    direction is periodic, a right-handed cell with volume > 0; element counts
    equal ``expected_composition`` (element -> count; elements absent from
    either side count as 0); no pair of atoms (periodic images included, via
    :func:`ase.neighborlist.neighbor_list`) closer than ``min_distance`` Å.

    Raises
    ------
    StructureValidationError
        With a message naming the problem: e.g. ``atoms 0 (Li) and 1 (Li) are
        0.500 Å apart (< 1.5 Å)`` for the closest offending pair, or
        ``composition mismatch: Li expected 10, found 9``.
    """
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
    if expected_composition is not None:
        found = Counter(atoms.get_chemical_symbols())
        diffs = [
            f"{el} expected {int(expected_composition.get(el, 0))}, found {found.get(el, 0)}"
            for el in sorted(set(found) | set(expected_composition))
            if int(expected_composition.get(el, 0)) != found.get(el, 0)
        ]
        if diffs:
            raise StructureValidationError("composition mismatch: " + "; ".join(diffs))
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
) -> tuple[Atoms, dict[str, Any]]:
    """Build and validate the symmetric interface described by the ``structures`` config block.

    Parameters
    ----------
    structures : mapping
        ``resource_dir``, ``li_lattice_A`` (Å), ``interface_gap_A`` (Å), ``s_cl_disorder``,
        ``min_distance_A`` (Å) -- see config/README.md.
    lpsc_repeats : sequence of 3 int
        LPSC unit cells along x, y, z.
    li_to_lpsc_ratio : float
        Target Li metal atoms per Li6PS5Cl formula unit.
    seed : int
        Seed of the S/Cl disorder and 48h Li occupation.

    Returns
    -------
    (atoms, info)
        As :func:`build_symmetric_interface`.

    Raises
    ------
    StructureValidationError
        Atoms closer than ``min_distance_A`` or a composition that is not the expected one.
    """
    lpsc = load_bulk("Li6PS5Cl", structures["resource_dir"])
    atoms, info = build_symmetric_interface(
        lpsc,
        structures["li_lattice_A"],
        lpsc_repeats=tuple(lpsc_repeats),
        li_to_lpsc_ratio=li_to_lpsc_ratio,
        interface_gap=structures["interface_gap_A"],
        seed=seed,
        s_cl_disorder=structures["s_cl_disorder"],
    )
    validate_structure(atoms, min_distance=structures["min_distance_A"],
                       expected_composition=expected_interface_composition(info))
    return atoms, info


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
