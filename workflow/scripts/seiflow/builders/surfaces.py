"""Tasker-compliant slabs, surface energies and Wulff shapes of SE decomposition products.

Paper 002 (Wang, Panchal, Sai Gautam, Canepa, J. Mater. Chem. A 10, 19732 (2022)), Sec. II:
slabs of the binaries Li2S, Li3P, LiCl, Li2O, Li3N, Na2S, Na3P, Na2O and of bcc Li / Na that
are stoichiometric, non-polar and symmetric (Tasker's criteria, ref. 33 of paper 002); the
surface energy of a slab is paper 002 Eq. 1,

    gamma = (E_slab - N E_bulk) / (2 S),

and the Wulff shapes of paper 002 Fig. 1 follow from gamma of every facet.

pymatgen does the crystallography (``SpacegroupAnalyzer`` symmetrises the relaxed bulk,
``SlabGenerator.get_slabs(symmetrize=True)`` enumerates terminations, ``Slab.is_polar`` /
``Slab.is_symmetric`` check Tasker's criteria, ``WulffShape`` builds the Wulff construction);
ASE optimisers relax the slabs with an oracle calculator.  Apart from
:func:`relax_atoms` / :func:`slab_surface_energies` (which call the calculator they are given)
every function is pure; the Wulff figure (paper 002 Fig. 1) is drawn in the plot package
(``plot/surfaces.py``) from :func:`wulff_table`.

Units: lengths Å, areas Å^2, energies eV, surface energies J/m^2.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from ase import Atoms
from ase import units as _ase_units

__all__ = [
    "SurfaceError",
    "DECOMPOSITION_PHASES",
    "METALS",
    "EV_PER_A2_TO_J_PER_M2",
    "OPTIMIZERS",
    "check_phase",
    "check_miller",
    "miller_tag",
    "miller_label",
    "symmetrized_bulk",
    "candidate_miller_indices",
    "tasker_slabs",
    "slab_record",
    "slab_to_atoms",
    "surface_energy_J_m2",
    "relax_atoms",
    "slab_surface_energies",
    "lowest_gamma_per_facet",
    "wulff_shape",
    "wulff_data",
    "equivalent_miller",
    "wulff_table",
    "compute_phase_surfaces",
    "slab_thickness_A",
]

#: Phases of paper 002 -> international space-group number of the bulk phase.
DECOMPOSITION_PHASES: dict[str, int] = {
    "Li": 229,  # Im-3m, bcc
    "Na": 229,  # Im-3m, bcc
    "Li2S": 225,  # Fm-3m, antifluorite
    "Li2O": 225,  # Fm-3m, antifluorite
    "Na2S": 225,  # Fm-3m, antifluorite
    "Na2O": 225,  # Fm-3m, antifluorite
    "LiCl": 225,  # Fm-3m, rock salt
    "Li3P": 194,  # P6_3/mmc, Na3As type
    "Na3P": 194,  # P6_3/mmc, Na3As type
    "Li3N": 191,  # P6/mmm, alpha-Li3N
}
#: The alkali metals (electrodes); every other phase is a binary decomposition product.
METALS = ("Li", "Na")

#: 1 eV/Å^2 in J/m^2 (= e * 1e20).
EV_PER_A2_TO_J_PER_M2 = float(_ase_units._e * 1e20)

#: ASE optimisers accepted by :func:`relax_atoms`.
OPTIMIZERS = ("FIRE", "BFGS", "LBFGS")


class SurfaceError(ValueError):
    """Bad input for slab construction, surface energies or the Wulff construction."""


# --------------------------------------------------------------------------- #
# Input checks
# --------------------------------------------------------------------------- #
def check_phase(phase: str) -> str:
    """Return ``phase`` if it is one of :data:`DECOMPOSITION_PHASES`.

    Raises
    ------
    SurfaceError
        Unknown phase name (names are case-sensitive chemical formulas, e.g. ``"Li2S"``).
    """
    if phase not in DECOMPOSITION_PHASES:
        raise SurfaceError(
            f"unknown phase {phase!r}; known phases: {sorted(DECOMPOSITION_PHASES)}"
        )
    return phase


def check_miller(hkl: Sequence[int]) -> tuple[int, int, int]:
    """Validate a Miller index: three integers, not all zero.

    Returns
    -------
    tuple of 3 int

    Raises
    ------
    SurfaceError
        Not three integers, or (0, 0, 0).
    """
    try:
        vals = tuple(hkl)
    except TypeError as err:
        raise SurfaceError(f"Miller index must be three integers, got {hkl!r}") from err
    if len(vals) != 3 or any(
        isinstance(v, bool) or not float(v).is_integer() for v in vals
    ):
        raise SurfaceError(f"Miller index must be three integers, got {hkl!r}")
    out = tuple(int(v) for v in vals)
    if out == (0, 0, 0):
        raise SurfaceError("Miller index (0, 0, 0) does not define a plane")
    return out  # type: ignore[return-value]


def miller_tag(hkl: Sequence[int]) -> str:
    """``(1, -1, 0)`` -> ``"1m10"``: a file-name-safe Miller label (``m`` = minus)."""
    return "".join(f"m{-v}" if v < 0 else str(v) for v in check_miller(hkl))


def miller_label(hkl: Sequence[int]) -> str:
    """``(1, -1, 0)`` -> ``"(1-10)"``: the Miller label of tables and figure legends.

    Parameters
    ----------
    hkl
        Miller index, 3 ints (not checked; see :func:`check_miller`).

    Returns
    -------
    str
        The indices in parentheses, negative ones written with a leading ``-``.
    """
    return "(" + "".join(f"-{-v}" if v < 0 else str(v) for v in hkl) + ")"


# --------------------------------------------------------------------------- #
# Bulk and slabs
# --------------------------------------------------------------------------- #
def symmetrized_bulk(atoms_or_structure, phase: str, symprec: float = 0.01):
    """Conventional standard cell of a (relaxed) bulk phase, symmetrised with spglib.

    Parameters
    ----------
    atoms_or_structure
        ``ase.Atoms`` or pymatgen ``Structure`` of the relaxed bulk (any supercell).
    phase
        One of :data:`DECOMPOSITION_PHASES`; the space group and reduced formula are checked.
    symprec
        spglib tolerance (Å) used to find and impose the symmetry.

    Returns
    -------
    pymatgen.core.Structure
        Conventional standard cell (Miller indices in this work refer to it), refined to
        the exact space-group symmetry; no oxidation states.

    Raises
    ------
    SurfaceError
        Unknown phase, non-positive ``symprec``, wrong composition or space group.
    """
    from pymatgen.core import Structure
    from pymatgen.io.ase import AseAtomsAdaptor
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    check_phase(phase)
    if not (np.isfinite(symprec) and symprec > 0):
        raise SurfaceError(f"symprec must be positive, got {symprec!r}")
    if isinstance(atoms_or_structure, Atoms):
        struct = AseAtomsAdaptor.get_structure(atoms_or_structure)
    elif isinstance(atoms_or_structure, Structure):
        struct = atoms_or_structure.copy()
    else:
        raise SurfaceError(f"expected ase.Atoms or Structure, got {type(atoms_or_structure)}")
    struct.remove_oxidation_states()
    from pymatgen.core import Composition

    want = Composition(phase).reduced_formula
    got = struct.composition.reduced_formula
    if got != want:
        raise SurfaceError(f"bulk for phase {phase!r} has composition {got}, expected {want}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sga = SpacegroupAnalyzer(struct, symprec=symprec)
        number = sga.get_space_group_number()
        if number != DECOMPOSITION_PHASES[phase]:
            raise SurfaceError(
                f"bulk {phase}: space group {number} at symprec={symprec}, expected "
                f"{DECOMPOSITION_PHASES[phase]} (not relaxed to the expected phase?)"
            )
        conv = sga.get_refined_structure()
        conv = SpacegroupAnalyzer(conv, symprec=symprec).get_conventional_standard_structure()
    return conv


def candidate_miller_indices(
    bulk, max_index: int, miller_indices: Sequence[Sequence[int]] | None = None
) -> list[tuple[int, int, int]]:
    """Symmetrically distinct Miller indices to cut, up to ``max_index``.

    Parameters
    ----------
    bulk
        Conventional ``Structure`` (:func:`symmetrized_bulk`).
    max_index
        Largest |h|, |k|, |l| (>= 1).
    miller_indices
        ``None``: every distinct plane from pymatgen
        ``get_symmetrically_distinct_miller_indices``.  Otherwise an explicit list; each
        entry is validated, must respect ``max_index``, and symmetry-equivalent duplicates
        are dropped (first kept).

    Returns
    -------
    list of (h, k, l)

    Raises
    ------
    SurfaceError
        ``max_index`` < 1, an invalid Miller index, or one above ``max_index``.
    """
    from pymatgen.core.surface import get_symmetrically_distinct_miller_indices

    if isinstance(max_index, bool) or int(max_index) != max_index or max_index < 1:
        raise SurfaceError(f"max_index must be an integer >= 1, got {max_index!r}")
    if miller_indices is None:
        return [tuple(int(v) for v in m) for m in
                get_symmetrically_distinct_miller_indices(bulk, int(max_index))]
    out: list[tuple[int, int, int]] = []
    for hkl in miller_indices:
        m = check_miller(hkl)
        if max(abs(v) for v in m) > max_index:
            raise SurfaceError(f"Miller index {m} exceeds max_index={max_index}")
        if not any(equivalent_miller(bulk, m, o) for o in out):
            out.append(m)
    return out


def _with_oxidation_states(bulk):
    s = bulk.copy()
    s.remove_oxidation_states()
    if len(s.composition.elements) == 1:
        s.add_oxidation_state_by_element({s.composition.elements[0].symbol: 0})
    else:
        s.add_oxidation_state_by_guess()
    return s


def tasker_slabs(
    bulk,
    miller: Sequence[int],
    min_slab_A: float,
    min_vacuum_A: float,
    ftol_A: float = 0.1,
    tol: float = 0.1,
    symprec: float = 0.1,
) -> tuple[list, list[dict[str, Any]]]:
    """Stoichiometric, non-polar, symmetric slabs of one plane (Tasker type 1/2 surfaces).

    ``SlabGenerator(bulk, miller, min_slab_A, min_vacuum_A, primitive=True,
    center_slab=True).get_slabs(symmetrize=True)`` enumerates every termination (made
    symmetric by removing atoms from one side); a slab is kept when its reduced formula
    equals the bulk's, ``Slab.is_symmetric(symprec)`` holds (inversion, an (hkl) mirror or
    a screw axis along the normal relate the two surfaces) and ``Slab.is_polar()`` is false
    with formal oxidation states (Li/Na +1, S/O -2, Cl -1, P/N -3; metals 0).

    Parameters
    ----------
    bulk
        Conventional ``Structure`` of the phase (:func:`symmetrized_bulk`).
    miller
        (h, k, l) relative to that cell.
    min_slab_A, min_vacuum_A
        Minimum slab and vacuum thickness along the normal (Å, > 0).
    ftol_A
        ``get_slabs`` ftol: atoms closer than this along the normal form one plane (Å).
    tol
        ``get_slabs`` tolerance for primitive reduction / matching.
    symprec
        Tolerance of ``Slab.is_symmetric``.

    Returns
    -------
    (slabs, rejected)
        ``slabs``: list of pymatgen ``Slab`` (oxidation states removed) sorted by shift;
        ``rejected``: one dict per discarded termination with ``shift``, ``n_atoms``,
        ``formula`` and ``reason`` (non-stoichiometric / asymmetric / polar).

    Raises
    ------
    SurfaceError
        Invalid Miller index or thickness.
    """
    from pymatgen.core.surface import SlabGenerator

    hkl = check_miller(miller)
    for name, val in (("min_slab_A", min_slab_A), ("min_vacuum_A", min_vacuum_A)):
        if not (np.isfinite(val) and val > 0):
            raise SurfaceError(f"{name} must be positive, got {val!r}")
    decorated = _with_oxidation_states(bulk)
    gen = SlabGenerator(
        decorated, hkl, float(min_slab_A), float(min_vacuum_A), center_slab=True,
        in_unit_planes=False, primitive=True, max_normal_search=max(abs(v) for v in hkl),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slabs = gen.get_slabs(ftol=ftol_A, tol=tol, symmetrize=True)
    want = bulk.composition.element_composition.reduced_formula
    kept, rejected = [], []
    for slab in slabs:
        reasons = []
        if slab.composition.element_composition.reduced_formula != want:
            reasons.append("non-stoichiometric")
        if not slab.is_symmetric(symprec):
            reasons.append("asymmetric")
        if slab.is_polar():
            reasons.append("polar")
        if reasons:
            rejected.append({
                "shift": float(slab.shift), "n_atoms": len(slab),
                "formula": slab.composition.element_composition.formula,
                "reason": ", ".join(reasons),
            })
            continue
        clean = slab.copy()
        clean.remove_oxidation_states()
        kept.append(clean)
    kept.sort(key=lambda s: s.shift)
    return kept, rejected


def slab_thickness_A(slab) -> float:
    """Extent of the atoms of a slab along its surface normal (Å)."""
    z = np.asarray(slab.cart_coords) @ np.asarray(slab.normal)
    return float(z.max() - z.min())


def slab_record(slab) -> dict[str, Any]:
    """JSON-serialisable description of a slab: Miller index, shift, termination label,
    ``n_atoms``, ``formula``, ``area_A2`` (|a x b|), ``thickness_A`` (atom extent along the
    normal) and ``vacuum_A`` (cell height along the normal minus the thickness)."""
    from pymatgen.core.interface import label_termination

    height = float(np.dot(slab.lattice.matrix[2], slab.normal))
    thick = slab_thickness_A(slab)
    return {
        "miller": [int(v) for v in slab.miller_index],
        "shift": float(slab.shift),
        "termination": label_termination(slab),
        "n_atoms": len(slab),
        "formula": slab.composition.formula,
        "area_A2": float(slab.surface_area),
        "thickness_A": thick,
        "vacuum_A": height - thick,
    }


def slab_to_atoms(slab) -> Atoms:
    """pymatgen ``Slab``/``Structure`` -> periodic ``ase.Atoms`` (oxidation states dropped)."""
    from pymatgen.core import Structure
    from pymatgen.io.ase import AseAtomsAdaptor

    plain = Structure(slab.lattice, [sp.symbol for sp in slab.species], slab.frac_coords)
    atoms = AseAtomsAdaptor.get_atoms(plain)
    atoms.pbc = True
    for key in list(atoms.arrays):
        if key not in ("numbers", "positions"):
            del atoms.arrays[key]
    atoms.info.clear()
    return atoms


# --------------------------------------------------------------------------- #
# Energies
# --------------------------------------------------------------------------- #
def surface_energy_J_m2(
    slab_energy_eV: float, n_atoms: int, bulk_energy_per_atom_eV: float, area_A2: float
) -> float:
    """Surface energy of a symmetric slab, paper 002 Eq. 1 (J/m^2).

    gamma = (E_slab - N E_bulk) / (2 S), written per atom: ``N`` atoms of bulk energy
    ``bulk_energy_per_atom_eV`` (stoichiometric slab, so per atom = per formula unit / atoms
    per formula unit); the factor 2 counts the two surfaces; eV/Å^2 -> J/m^2 by
    :data:`EV_PER_A2_TO_J_PER_M2`.

    Raises
    ------
    SurfaceError
        ``n_atoms`` < 1, non-positive or non-finite area, non-finite energies.
    """
    if isinstance(n_atoms, bool) or int(n_atoms) != n_atoms or n_atoms < 1:
        raise SurfaceError(f"n_atoms must be a positive integer, got {n_atoms!r}")
    if not (np.isfinite(area_A2) and area_A2 > 0):
        raise SurfaceError(f"area must be positive, got {area_A2!r}")
    if not (np.isfinite(slab_energy_eV) and np.isfinite(bulk_energy_per_atom_eV)):
        raise SurfaceError("energies must be finite")
    return float(
        (slab_energy_eV - n_atoms * bulk_energy_per_atom_eV) / (2.0 * area_A2)
        * EV_PER_A2_TO_J_PER_M2
    )


def relax_atoms(
    atoms: Atoms,
    calculator,
    fmax_eV_A: float,
    max_steps: int,
    cell_mask: Sequence[int] | None = None,
    optimizer: str = "FIRE",
) -> tuple[Atoms, dict[str, Any]]:
    """Relax positions (and optionally cell components) with an ASE optimiser.

    Parameters
    ----------
    atoms
        Structure to relax (copied; the input is untouched).
    calculator
        ASE calculator (e.g. :func:`seiflow.oracle.calculators.get_calculator`).
    fmax_eV_A
        Force criterion (eV/Å); with a cell filter also the stress criterion in the
        filter's units (eV/Å per generalised coordinate).
    max_steps
        Optimiser steps; ``0`` = single point.
    cell_mask
        ``None``: fixed cell.  Otherwise the six-component Voigt mask
        (xx, yy, zz, yz, xz, xy) of the cell degrees of freedom relaxed with ASE
        ``FrechetCellFilter``; ``[0, 0, 1, 0, 0, 0]`` relaxes only the length along z
        (in-plane vectors fixed when a and b lie in the xy plane), ``[1]*6`` the full cell.
    optimizer
        One of :data:`OPTIMIZERS`.

    Returns
    -------
    (relaxed, info)
        ``relaxed``: ``Atoms`` with a ``SinglePointCalculator`` (energy eV, forces eV/Å);
        ``info``: ``energy_eV``, ``n_steps``, ``converged``, ``fmax_final_eV_A``.

    Raises
    ------
    SurfaceError
        Non-positive ``fmax_eV_A``, negative ``max_steps``, unknown optimiser, bad mask,
        or a non-finite energy.
    """
    import ase.optimize
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.filters import FrechetCellFilter

    if not (np.isfinite(fmax_eV_A) and fmax_eV_A > 0):
        raise SurfaceError(f"fmax_eV_A must be positive, got {fmax_eV_A!r}")
    if isinstance(max_steps, bool) or int(max_steps) != max_steps or max_steps < 0:
        raise SurfaceError(f"max_steps must be an integer >= 0, got {max_steps!r}")
    if optimizer not in OPTIMIZERS:
        raise SurfaceError(f"unknown optimizer {optimizer!r}; use one of {OPTIMIZERS}")
    if cell_mask is not None and (len(cell_mask) != 6 or not any(cell_mask)):
        raise SurfaceError(f"cell_mask must have 6 entries, not all zero, got {cell_mask!r}")
    a = atoms.copy()
    a.calc = calculator
    n_steps, converged = 0, None
    if max_steps > 0:
        target = a if cell_mask is None else FrechetCellFilter(a, mask=list(cell_mask))
        opt = getattr(ase.optimize, optimizer)(target, logfile=None)
        converged = bool(opt.run(fmax=float(fmax_eV_A), steps=int(max_steps)))
        n_steps = int(opt.get_number_of_steps())
    energy = float(a.get_potential_energy())
    forces = np.asarray(a.get_forces(), dtype=float)
    if not np.isfinite(energy) or not np.isfinite(forces).all():
        raise SurfaceError(f"non-finite energy/forces for {a.get_chemical_formula()}")
    fmax_final = float(np.linalg.norm(forces, axis=1).max()) if len(a) else 0.0
    out = a.copy()
    out.calc = SinglePointCalculator(out, energy=energy, forces=forces)
    return out, {
        "energy_eV": energy,
        "n_steps": n_steps,
        "converged": converged,
        "fmax_final_eV_A": fmax_final,
    }


def slab_surface_energies(
    bulk,
    phase: str,
    bulk_energy_per_atom_eV: float,
    calculator,
    miller_indices: Sequence[Sequence[int]],
    min_slab_A: float,
    min_vacuum_A: float,
    fmax_eV_A: float,
    max_steps: int,
    optimizer: str = "FIRE",
    ftol_A: float = 0.1,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Atoms]]:
    """gamma of every Tasker slab of the given planes (paper 002 Eq. 1, fixed-cell relaxation).

    Parameters
    ----------
    bulk
        Conventional ``Structure`` (:func:`symmetrized_bulk`).
    phase
        Phase name (recorded).
    bulk_energy_per_atom_eV
        E_bulk per atom of the relaxed bulk (eV/atom), same oracle as ``calculator``.
    calculator
        ASE calculator.
    miller_indices
        Planes to cut (:func:`candidate_miller_indices`).
    min_slab_A, min_vacuum_A, ftol_A
        Passed to :func:`tasker_slabs`.
    fmax_eV_A, max_steps, optimizer
        Fixed-cell relaxation of each slab (:func:`relax_atoms`).

    Returns
    -------
    (records, planes_without_slab, relaxed_slabs)
        ``records``: one dict per termination = :func:`slab_record` plus ``phase``,
        ``gamma_J_m2``, ``slab_energy_eV``, ``bulk_energy_per_atom_eV`` and the relaxation
        info; ``planes_without_slab``: ``{"miller", "rejected": [...]}`` for planes with no
        Tasker-compliant termination; ``relaxed_slabs``: the relaxed ``Atoms`` (same
        order as ``records``, ``info`` carries phase, miller, shift, gamma_J_m2).

    Raises
    ------
    SurfaceError
        Invalid inputs (see :func:`tasker_slabs`, :func:`relax_atoms`).
    """
    check_phase(phase)
    records, missing, frames = [], [], []
    for hkl in miller_indices:
        slabs, rejected = tasker_slabs(bulk, hkl, min_slab_A, min_vacuum_A, ftol_A=ftol_A)
        if not slabs:
            missing.append({"miller": list(check_miller(hkl)), "rejected": rejected})
            continue
        for slab in slabs:
            rec = {"phase": phase, **slab_record(slab)}
            relaxed, info = relax_atoms(slab_to_atoms(slab), calculator, fmax_eV_A,
                                        max_steps, optimizer=optimizer)
            rec["slab_energy_eV"] = info["energy_eV"]
            rec["bulk_energy_per_atom_eV"] = float(bulk_energy_per_atom_eV)
            rec["gamma_J_m2"] = surface_energy_J_m2(
                info["energy_eV"], len(slab), bulk_energy_per_atom_eV, rec["area_A2"])
            rec.update({k: v for k, v in info.items() if k != "energy_eV"})
            records.append(rec)
            relaxed.info.update({"phase": phase, "miller": miller_label(rec["miller"]),
                                 "shift": rec["shift"], "gamma_J_m2": rec["gamma_J_m2"]})
            frames.append(relaxed)
    return records, missing, frames


def lowest_gamma_per_facet(records: Sequence[Mapping[str, Any]]) -> dict[tuple, dict]:
    """The lowest-gamma termination of each Miller plane: {(h, k, l): record}.

    Raises
    ------
    SurfaceError
        A record without ``miller`` or a finite ``gamma_J_m2``.
    """
    best: dict[tuple, dict] = {}
    for rec in records:
        if "miller" not in rec or not np.isfinite(rec.get("gamma_J_m2", np.nan)):
            raise SurfaceError(f"record lacks miller / finite gamma_J_m2: {rec}")
        key = tuple(int(v) for v in rec["miller"])
        if key not in best or rec["gamma_J_m2"] < best[key]["gamma_J_m2"]:
            best[key] = dict(rec)
    return best


# --------------------------------------------------------------------------- #
# Wulff construction
# --------------------------------------------------------------------------- #
def equivalent_miller(bulk_or_lattice, hkl_a: Sequence[int], hkl_b: Sequence[int]) -> bool:
    """True if two planes are related by the point symmetry of the bulk.

    ``bulk_or_lattice``: a ``Structure`` (its space group is used, pymatgen
    ``get_symmetrically_equivalent_miller_indices``) or a ``Lattice`` (lattice symmetry).
    """
    from pymatgen.core import Lattice, Structure
    from pymatgen.core.surface import get_symmetrically_equivalent_miller_indices

    a, b = check_miller(hkl_a), check_miller(hkl_b)
    if isinstance(bulk_or_lattice, Lattice):
        bulk_or_lattice = Structure(bulk_or_lattice, ["H"], [[0, 0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eq = get_symmetrically_equivalent_miller_indices(bulk_or_lattice, a, return_hkil=False)
    return tuple(b) in {tuple(int(v) for v in m) for m in eq}


def wulff_shape(lattice, gamma_by_miller: Mapping[Sequence[int], float]):
    """pymatgen ``WulffShape`` from gamma of each facet family.

    Parameters
    ----------
    lattice
        pymatgen ``Lattice`` of the conventional cell (symmetry-expands each family).
    gamma_by_miller
        {(h, k, l): gamma in J/m^2}, one representative per family, gamma > 0.

    Returns
    -------
    pymatgen.analysis.wulff.WulffShape

    Raises
    ------
    SurfaceError
        Empty input, invalid Miller index, non-positive/non-finite gamma, or facets that do
        not enclose a finite shape (e.g. only (001) of a hexagonal crystal).
    """
    from pymatgen.analysis.wulff import WulffShape

    if not gamma_by_miller:
        raise SurfaceError("Wulff shape needs at least one facet")
    millers, gammas = [], []
    for hkl, g in gamma_by_miller.items():
        millers.append(check_miller(hkl))
        if not (np.isfinite(g) and g > 0):
            raise SurfaceError(f"surface energy of {hkl} must be positive, got {g!r}")
        gammas.append(float(g))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return WulffShape(lattice, millers, gammas)
    except Exception as err:  # scipy QhullError / LinAlgError: shape not closed
        raise SurfaceError(
            f"facets {millers} do not enclose a finite Wulff shape ({type(err).__name__}: "
            f"{err})"
        ) from err


def wulff_data(lattice, gamma_by_miller: Mapping[Sequence[int], float]) -> dict[str, Any]:
    """JSON-serialisable Wulff construction: area fractions and facet polygons.

    Returns
    -------
    dict
        ``facets``: list of {``miller`` [h, k, l] (input family), ``gamma_J_m2``,
        ``area_fraction`` (share of the Wulff surface), ``on_wulff``};
        ``polygons``: list of {``miller`` (family), ``plane`` (the symmetry-equivalent
        plane), ``vertices`` [[x, y, z], ...]} in units where a facet's distance from the
        centre equals gamma (J/m^2); ``weighted_gamma_J_m2``, ``anisotropy``,
        ``shape_factor``.

    Raises
    ------
    SurfaceError
        As :func:`wulff_shape`.
    """
    wulff = wulff_shape(lattice, gamma_by_miller)
    fractions = wulff.area_fraction_dict
    facets = []
    for hkl, g in zip(wulff.miller_list, wulff.e_surf_list):
        frac = float(fractions[tuple(hkl)])
        facets.append({"miller": [int(v) for v in hkl], "gamma_J_m2": float(g),
                       "area_fraction": frac, "on_wulff": bool(frac > 1e-8)})
    polygons = []
    for plane in wulff.facets:
        if not plane.points:
            continue
        verts = wulff.get_line_in_facet(plane)
        polygons.append({
            "miller": [int(v) for v in wulff.miller_list[plane.index]],
            "plane": [int(v) for v in plane.miller],
            "vertices": [[float(x) for x in v] for v in verts],
        })
    return {
        "facets": facets,
        "polygons": polygons,
        "weighted_gamma_J_m2": float(wulff.weighted_surface_energy),
        "anisotropy": float(wulff.anisotropy),
        "shape_factor": float(wulff.shape_factor),
    }


def wulff_table(phases: Mapping[str, Mapping[str, Any]]):
    """Surface energy and Wulff area fraction of every phase and plane (data of paper 002 Fig. 1).

    Parameters
    ----------
    phases
        {phase: surfaces JSON written by the ``decomposition_surfaces`` rule}: needs
        ``wulff`` (:func:`wulff_data`, or ``None`` when no shape could be built, e.g. too
        few facets), ``facets`` (lowest-gamma record per plane, :func:`slab_record` keys
        plus ``gamma_J_m2``) and ``planes_without_slab``.

    Returns
    -------
    pandas.DataFrame
        One row per phase and plane: ``phase``, ``miller``, ``gamma_J_m2`` (J/m^2, paper
        002 Eq. 1; NaN where no Tasker slab exists), ``area_fraction`` (of the Wulff
        surface; NaN without a shape), ``termination``, ``n_atoms``, ``area_A2`` (Å^2),
        ``thickness_A`` (Å), ``converged``, ``note``.

    Raises
    ------
    SurfaceError
        Empty ``phases`` or a phase entry without ``facets``.
    """
    import pandas as pd

    if not phases:
        raise SurfaceError("plot_wulff_shapes: no phases")
    rows = []
    for phase, d in phases.items():
        if "facets" not in d:
            raise SurfaceError(f"plot_wulff_shapes: phase {phase!r} has no 'facets'")
        frac = {}
        if d.get("wulff"):
            frac = {tuple(f["miller"]): f["area_fraction"] for f in d["wulff"]["facets"]}
        for f in d["facets"]:
            m = tuple(f["miller"])
            rows.append({
                "phase": phase, "miller": miller_label(m), "gamma_J_m2": f["gamma_J_m2"],
                "area_fraction": frac.get(m, np.nan), "termination": f.get("termination"),
                "n_atoms": f.get("n_atoms"), "area_A2": f.get("area_A2"),
                "thickness_A": f.get("thickness_A"), "converged": f.get("converged"),
                "note": "" if d.get("wulff") else "no closed Wulff shape from these facets",
            })
        for miss in d.get("planes_without_slab", []):
            rows.append({
                "phase": phase, "miller": miller_label(miss["miller"]), "gamma_J_m2": np.nan,
                "area_fraction": np.nan, "termination": None, "n_atoms": None,
                "area_A2": None, "thickness_A": None, "converged": None,
                "note": "no stoichiometric, non-polar, symmetric termination",
            })
    return pd.DataFrame(rows)


def compute_phase_surfaces(
    relaxed_bulk: Atoms,
    phase: str,
    bulk_energy_per_atom_eV: float,
    calculator,
    settings: Mapping[str, Any],
) -> tuple[dict[str, Any], list[Atoms]]:
    """Everything paper 002 Fig. 1 needs for one phase: Tasker slabs, gamma, Wulff shape.

    Parameters
    ----------
    relaxed_bulk
        Relaxed bulk cell of ``phase`` (any supercell; symmetrised with
        :func:`symmetrized_bulk`).
    phase
        One of :data:`DECOMPOSITION_PHASES`.
    bulk_energy_per_atom_eV
        Its relaxed energy per atom (eV/atom) with the same oracle as ``calculator``.
    calculator
        ASE calculator.
    settings
        ``symprec`` (Å), ``max_miller_index`` (int >= 1), ``miller_indices`` (``"all"`` or a
        list of [h, k, l]), ``min_slab_A``, ``min_vacuum_A`` (Å), ``ftol_A`` (Å),
        ``fmax_eV_A``, ``relax_steps``, ``optimizer``, ``bulk_energy_tol_eV_atom`` (largest
        accepted difference between ``bulk_energy_per_atom_eV`` and a single point of the
        symmetrised cell, eV/atom).

    Returns
    -------
    (report, relaxed_slabs)
        ``report`` (JSON-serialisable): ``phase``, ``lattice_abc_A``, ``lattice_angles_deg``,
        ``bulk_energy_per_atom_eV``, ``bulk_single_point_energy_per_atom_eV``,
        ``terminations`` (every Tasker slab, :func:`slab_surface_energies`), ``facets``
        (lowest-gamma termination per plane), ``planes_without_slab``, ``wulff``
        (:func:`wulff_data`, or ``None`` with ``wulff_error`` when the facets do not close a
        shape), ``settings``.  ``relaxed_slabs``: relaxed slab ``Atoms``.

    Raises
    ------
    SurfaceError
        Bad settings, wrong bulk phase, or a bulk energy that disagrees with the oracle on
        the symmetrised cell by more than ``bulk_energy_tol_eV_atom`` (different oracle or
        unrelaxed bulk).
    """
    bulk = symmetrized_bulk(relaxed_bulk, phase, settings["symprec"])
    explicit = settings["miller_indices"]
    millers = candidate_miller_indices(bulk, settings["max_miller_index"],
                                       None if explicit == "all" else explicit)
    sp_atoms, _ = relax_atoms(slab_to_atoms(bulk), calculator, 1.0, 0)
    e_sp = sp_atoms.get_potential_energy() / len(sp_atoms)
    tol = float(settings["bulk_energy_tol_eV_atom"])
    if not abs(e_sp - bulk_energy_per_atom_eV) <= tol:
        raise SurfaceError(
            f"{phase}: relaxed-bulk energy {bulk_energy_per_atom_eV:.5f} eV/atom differs from the "
            f"oracle single point of the symmetrised cell ({e_sp:.5f} eV/atom) by more than "
            f"{tol} eV/atom: was the bulk relaxed with another oracle?"
        )
    records, missing, frames = slab_surface_energies(
        bulk, phase, bulk_energy_per_atom_eV, calculator, millers, settings["min_slab_A"],
        settings["min_vacuum_A"], settings["fmax_eV_A"], settings["relax_steps"],
        optimizer=settings["optimizer"], ftol_A=settings["ftol_A"])
    best = lowest_gamma_per_facet(records)
    report: dict[str, Any] = {
        "phase": phase,
        "lattice_abc_A": [float(v) for v in bulk.lattice.abc],
        "lattice_angles_deg": [float(v) for v in bulk.lattice.angles],
        "bulk_energy_per_atom_eV": float(bulk_energy_per_atom_eV),
        "bulk_single_point_energy_per_atom_eV": float(e_sp),
        "miller_indices": [list(m) for m in millers],
        "terminations": records,
        "facets": [best[k] for k in sorted(best, key=lambda m: (sum(abs(v) for v in m), m))],
        "planes_without_slab": missing,
        "wulff": None,
        "wulff_error": None,
        "settings": dict(settings),
    }
    try:
        report["wulff"] = wulff_data(bulk.lattice, {k: v["gamma_J_m2"] for k, v in best.items()})
    except SurfaceError as err:
        report["wulff_error"] = str(err)
    return report, frames
