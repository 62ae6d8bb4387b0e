"""Bulk phases relaxed with the oracle, lattice tables and energies per formula unit.

Issue 7 ("Bulk phases").  Every bulk phase of the five studies comes from a versioned CIF
(``workflow/resources/structures``; :func:`seiflow.builders.cells.load_bulk`), is relaxed with
the configured oracle (ASE :class:`~ase.filters.FrechetCellFilter` + FIRE or BFGS: cell and
positions together) and its relaxed lattice constants are compared with the experimental /
published ones stored in ``workflow/resources/structures/lattice_reference.yaml``.

Li6PS5Cl is relaxed as explicit 52-atom cells (:func:`lpsc_cell`) with ordered anions
(Cl on 4a, free S on 4c) and with 50:50 S/Cl site disorder over 4a/4c (paper 003, Baer
et al., Sec. 3.1 and Table 1; Fig. 3 shows both cells).  For one replica seed both cells
share the same Li arrangement on 48h, so the energy difference is a paired difference that
isolates the anion disorder, as in paper 003 (ordered cell -> swap 2 S(4c) with 2 Cl(4a)).

Units: energies eV, lengths Å, angles degrees, stress GPa, forces eV/Å.

The relaxed structures are the inputs of the chemical potentials mu_i of the terminations
(paper 003, Eq. for gamma_surf with mu from Li3P, Li2S, LiCl) and decomposition_interfaces
(paper 002, Eq. 1, E_bulk per formula unit) stages: :func:`energy_per_formula_unit` and
:func:`read_relaxed` give them the energy per formula unit.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from ase import Atoms

from seiflow.builders.cells import (
    BULK_PHASES,
    DEFAULT_RESOURCE_DIR,
    StructureValidationError,
    disordered_lpsc_supercell,
    load_bulk,
    validate_structure,
)

__all__ = [
    "BulkError",
    "RELAXABLE_PHASES",
    "ANION_ORDERS",
    "OPTIMIZERS",
    "LATTICE_PARAMETERS",
    "DEFAULT_REFERENCE_FILE",
    "bulk_atoms",
    "lpsc_cell",
    "n_formula_units",
    "energy_per_formula_unit",
    "lattice_parameters",
    "relax_bulk",
    "write_relaxed",
    "read_relaxed",
    "load_lattice_reference",
    "reference_parameters",
    "lattice_table",
    "lpsc_order_tables",
    "lowest_energy",
    "keep_lowest_energy",
    "lpsc_lattice_long",
    "check_bulk_config",
]

#: Ordered phases relaxed by the ``relax_bulk`` rule (Li6PS5Cl goes through :func:`lpsc_cell`).
RELAXABLE_PHASES: tuple[str, ...] = tuple(p for p in BULK_PHASES if p != "Li6PS5Cl")
#: Anion arrangements of the explicit Li6PS5Cl cells (paper 003, Fig. 3 a/b).
ANION_ORDERS = ("ordered", "disordered")
#: ASE optimisers allowed for :func:`relax_bulk`.
OPTIMIZERS = ("FIRE", "BFGS")
#: Lattice parameters in table order, with their units.
LATTICE_PARAMETERS = {
    "a": "A", "b": "A", "c": "A", "alpha": "deg", "beta": "deg", "gamma": "deg",
}
DEFAULT_REFERENCE_FILE = DEFAULT_RESOURCE_DIR / "lattice_reference.yaml"
_EV_A3_TO_GPA = 160.21766208
_LATTICE_SYSTEMS = ("cubic", "hexagonal", "orthorhombic", "triclinic")
_REFERENCE_KINDS = ("experiment", "PBE", "DFT")


class BulkError(ValueError):
    """Invalid input to a bulk-phase function (bad phase, parameter or reference data)."""


# --------------------------------------------------------------------------- #
# Structures
# --------------------------------------------------------------------------- #
def bulk_atoms(phase: str, resource_dir: str | Path | None = None) -> Atoms:
    """Conventional cell of an ordered bulk phase as ``ase.Atoms``.

    Parameters
    ----------
    phase
        A name of :data:`RELAXABLE_PHASES` (or an alias accepted by
        :func:`seiflow.builders.cells.load_bulk`), e.g. ``"Li2S"``, ``"Na3P"``, ``"SiS2"``.
    resource_dir
        Folder with the CIF files (default ``workflow/resources/structures``).

    Returns
    -------
    ase.Atoms
        The conventional cell expanded from the CIF (e.g. 2 atoms for bcc Li, 12 for
        antifluorite Li2S, 8 for Li3P), periodic in 3D; ``info["phase"]`` is the canonical
        phase name.

    Raises
    ------
    BulkError
        ``phase`` is Li6PS5Cl (partially occupied; use :func:`lpsc_cell`).
    KeyError, FileNotFoundError, StructureValidationError
        From :func:`~seiflow.builders.cells.load_bulk`.
    """
    from pymatgen.io.ase import AseAtomsAdaptor

    structure = load_bulk(phase, resource_dir)
    canon = structure.composition.reduced_formula
    if not structure.is_ordered:
        raise BulkError(
            f"{phase!r} is a partially occupied reference; build explicit cells with lpsc_cell()"
        )
    names = [p for p in RELAXABLE_PHASES if _reduced(p) == canon]
    atoms = AseAtomsAdaptor.get_atoms(structure)
    atoms.pbc = True
    atoms.info["phase"] = names[0] if names else canon
    return atoms


def lpsc_cell(
    anion_order: str,
    resource_dir: str | Path | None = None,
    supercell: Sequence[int] = (1, 1, 1),
    seed: int = 0,
    s_cl_disorder: float = 0.5,
) -> Atoms:
    """Explicit Li6PS5Cl cell with ordered or S/Cl-disordered anions (paper 003, Fig. 3).

    Both variants come from :func:`seiflow.builders.cells.disordered_lpsc_supercell`: 24 of the
    48 48h Li sites per cubic cell are kept at random, then ``"ordered"`` keeps all Cl on 4a
    and all free S on 4c (``s_cl_disorder = 0``), while ``"disordered"`` moves
    ``round(s_cl_disorder * n_Cl)`` Cl to 4c and as many S to 4a.  The Li choice is drawn
    first from the same generator, so for one ``seed`` both variants have identical Li
    positions and differ only in the anion arrangement (paper 003, Sec. 2.1: the disordered
    cell is the ordered one with two S(4c) <-> Cl(4a) swaps).

    Parameters
    ----------
    anion_order
        ``"ordered"`` or ``"disordered"``.
    resource_dir
        Folder with ``Li6PS5Cl.cif``.
    supercell
        Repeats of the 52-atom cubic cell (paper 003: (1, 1, 1)).
    seed
        Seed of ``numpy.random.default_rng`` (Li occupation and anion swaps).
    s_cl_disorder
        Fraction of Cl on 4c in the disordered variant, 0 < s <= 1 (paper 003: 0.5).

    Returns
    -------
    ase.Atoms
        ``52 * nx * ny * nz`` atoms; ``info`` as from ``disordered_lpsc_supercell`` plus
        ``anion_order`` and ``phase`` (``"Li6PS5Cl_ordered"`` / ``"Li6PS5Cl_disordered"``).

    Raises
    ------
    BulkError
        Unknown ``anion_order``, or a disordered cell in which no Cl would move
        (``round(s_cl_disorder * n_Cl) == 0``).
    """
    if anion_order not in ANION_ORDERS:
        raise BulkError(f"anion_order must be one of {ANION_ORDERS}, got {anion_order!r}")
    s = float(s_cl_disorder)
    if not 0.0 < s <= 1.0:
        raise BulkError(f"s_cl_disorder of the disordered cell must be in (0, 1], got {s}")
    n_cl = 4 * int(np.prod([int(n) for n in supercell]))
    if anion_order == "disordered" and round(s * n_cl) == 0:
        raise BulkError(
            f"s_cl_disorder={s} moves no Cl in a cell with {n_cl} Cl: the 'disordered' cell "
            "would be the ordered one"
        )
    ref = load_bulk("Li6PS5Cl", resource_dir)
    atoms = disordered_lpsc_supercell(
        ref, supercell, s_cl_disorder=0.0 if anion_order == "ordered" else s, seed=seed
    )
    atoms.info["anion_order"] = anion_order
    atoms.info["phase"] = f"Li6PS5Cl_{anion_order}"
    return atoms


def _reduced(formula: str) -> str:
    from pymatgen.core import Composition

    return Composition(formula).reduced_formula


def _formula_counts(formula: str) -> dict[str, int]:
    """Element counts of a formula written with integers, e.g. 'Li6PS5Cl' -> {Li: 6, ...}."""
    import re

    tokens = re.findall(r"([A-Z][a-z]?)(\d*)", formula)
    if not tokens or "".join(el + n for el, n in tokens) != formula:
        raise BulkError(f"cannot parse formula {formula!r} (use e.g. 'Li6PS5Cl')")
    counts: Counter = Counter()
    for el, n in tokens:
        counts[el] += int(n) if n else 1
    return dict(counts)


def n_formula_units(atoms_or_counts: Atoms | Mapping[str, int], formula: str) -> int:
    """Number of formula units ``formula`` in a structure.

    Parameters
    ----------
    atoms_or_counts
        ``ase.Atoms`` or a mapping element -> number of atoms.
    formula
        One formula unit written with integer counts (``"Li2S"``, ``"Li6PS5Cl"``, ``"Li"``).

    Returns
    -------
    int
        ``n`` such that the structure holds exactly ``n`` times the formula.

    Raises
    ------
    BulkError
        Elements differ, or the counts are not a whole multiple of the formula.
    """
    if isinstance(atoms_or_counts, Atoms):
        counts = Counter(atoms_or_counts.get_chemical_symbols())
    else:
        counts = Counter({k: int(v) for k, v in atoms_or_counts.items() if int(v) != 0})
    unit = _formula_counts(formula)
    if set(counts) != set(unit):
        raise BulkError(f"elements {sorted(counts)} do not match formula {formula} {sorted(unit)}")
    ratios = {el: counts[el] / unit[el] for el in unit}
    n = next(iter(ratios.values()))
    if n < 1 or any(not math.isclose(r, n) for r in ratios.values()) or n != int(n):
        raise BulkError(f"composition {dict(counts)} is not a whole multiple of {formula}")
    return int(n)


def energy_per_formula_unit(
    energy_eV: float, atoms_or_counts: Atoms | Mapping[str, int], formula: str
) -> float:
    """Total energy divided by the number of formula units, E / n_fu (eV per formula unit).

    This is the ``E_bulk`` of paper 002, Eq. 1 (gamma = (E_slab - N E_bulk) / 2S) and the
    per-formula-unit bulk energy that fixes the chemical potentials of paper 003's surface
    energy (mu_i from Li3P, Li2S, LiCl).

    Raises
    ------
    BulkError
        Non-finite energy or a composition that is not a multiple of ``formula``.
    """
    if not np.isfinite(energy_eV):
        raise BulkError(f"energy must be finite, got {energy_eV!r}")
    return float(energy_eV) / n_formula_units(atoms_or_counts, formula)


def lattice_parameters(atoms: Atoms) -> dict[str, float]:
    """Cell lengths (Å), angles (degrees) and volumes of a periodic cell.

    Returns
    -------
    dict
        ``a_A, b_A, c_A, alpha_deg, beta_deg, gamma_deg`` (ASE ``cell.cellpar()``: alpha is
        the angle between b and c), ``volume_A3`` and ``volume_per_atom_A3``.

    Raises
    ------
    BulkError
        Not periodic in all three directions or non-positive volume.
    """
    if not np.all(atoms.pbc):
        raise BulkError("lattice parameters need a cell periodic in all three directions")
    vol = float(atoms.get_volume())
    if not vol > 0:
        raise BulkError(f"cell volume must be positive, got {vol}")
    a, b, c, al, be, ga = (float(v) for v in atoms.cell.cellpar())
    return {
        "a_A": a, "b_A": b, "c_A": c, "alpha_deg": al, "beta_deg": be, "gamma_deg": ga,
        "volume_A3": vol, "volume_per_atom_A3": vol / len(atoms),
    }


# --------------------------------------------------------------------------- #
# Relaxation
# --------------------------------------------------------------------------- #
def relax_bulk(
    atoms: Atoms,
    calculator,
    fmax_eV_A: float = 0.05,
    max_steps: int = 500,
    optimizer: str = "FIRE",
    keep_symmetry: bool = False,
    symprec_A: float = 1e-3,
    formula: str | None = None,
) -> tuple[Atoms, dict[str, Any]]:
    """Relax cell and positions of a bulk structure with an oracle calculator.

    ASE :class:`~ase.filters.FrechetCellFilter` (zero external pressure; the cell degrees
    of freedom enter the force criterion as virial / N_atoms = stress * volume / N_atoms,
    eV) driven by ASE ``FIRE`` or ``BFGS``; ``max_stress_GPa`` reports what is left.
    With ``keep_symmetry`` an :class:`ase.constraints.FixSymmetry` constraint (spglib,
    tolerance ``symprec_A``) keeps the space group of the start structure, the standard
    choice for the ordered reference phases; the Li6PS5Cl cells are relaxed without it
    (paper 003: the disordered cell relaxes to P1).

    Parameters
    ----------
    atoms
        Periodic start structure (not modified).
    calculator
        ASE calculator (:func:`seiflow.oracle.calculators.get_calculator`).
    fmax_eV_A
        Convergence threshold on the largest filter force, eV/Å (> 0).  Paper 003 used
        0.01 eV/Å.
    max_steps
        Maximum optimiser steps (>= 0; 0 gives a single point).
    optimizer
        ``"FIRE"`` or ``"BFGS"``.
    keep_symmetry, symprec_A
        See above.
    formula
        Formula unit for ``energy_per_fu_eV`` (default: the reduced formula of ``atoms``).

    Returns
    -------
    (relaxed, result)
        ``relaxed``: new ``ase.Atoms`` without constraints, with a
        ``SinglePointCalculator`` holding the final energy (eV), forces (eV/Å) and stress
        (eV/Å^3), and ``info`` updated with ``result``.
        ``result``: JSON-serialisable dict with ``formula``, ``n_atoms``,
        ``n_formula_units``, ``energy_eV``, ``energy_per_atom_eV``, ``energy_per_fu_eV``,
        the lattice parameters of :func:`lattice_parameters`, ``initial_a_A`` ... ,
        ``max_force_eV_A`` (atoms), ``max_stress_GPa`` (absolute, Voigt),
        ``fmax_final_eV_A`` (filter, the converged quantity), ``n_steps``, ``converged``,
        ``optimizer``, ``fmax_eV_A``, ``keep_symmetry``, ``space_group_initial`` and
        ``space_group_relaxed`` (spglib at ``symprec = 0.01`` Å).

    Raises
    ------
    BulkError
        Invalid parameters, non-periodic or empty input, non-finite oracle results.
    """
    from ase.calculators.singlepoint import SinglePointCalculator

    _check_relax_args(atoms, fmax_eV_A, max_steps, optimizer, symprec_A)
    formula = formula or _reduced(atoms.get_chemical_formula())
    n_fu = n_formula_units(atoms, formula)

    work = atoms.copy()
    work.set_constraint()
    start = lattice_parameters(work)
    sg_initial = _space_group(work, 0.01)
    n_steps, converged, fmax_final = _relax_cell_and_positions(
        work, calculator, fmax_eV_A, max_steps, optimizer, keep_symmetry, symprec_A)
    energy, forces, stress = _finite_oracle_results(work, formula)

    relaxed = work.copy()
    relaxed.set_constraint()
    relaxed.calc = SinglePointCalculator(relaxed, energy=energy, forces=forces, stress=stress)
    result: dict[str, Any] = {
        "formula": formula,
        "n_atoms": len(relaxed),
        "n_formula_units": n_fu,
        "energy_eV": energy,
        "energy_per_atom_eV": energy / len(relaxed),
        "energy_per_fu_eV": energy / n_fu,
        **lattice_parameters(relaxed),
        **{f"initial_{k}": v for k, v in start.items()},
        "max_force_eV_A": float(np.linalg.norm(forces, axis=1).max()),
        "max_stress_GPa": float(np.abs(stress).max() * _EV_A3_TO_GPA),
        "fmax_final_eV_A": fmax_final,
        "n_steps": n_steps,
        "converged": bool(converged),
        "optimizer": optimizer,
        "fmax_eV_A": float(fmax_eV_A),
        "max_steps": int(max_steps),
        "keep_symmetry": bool(keep_symmetry),
        "space_group_initial": sg_initial,
        "space_group_relaxed": _space_group(relaxed, 0.01),
    }
    relaxed.info.update({k: v for k, v in result.items() if not isinstance(v, dict)})
    return relaxed, result


# Steps of relax_bulk, in the order it calls them.
def _check_relax_args(atoms: Atoms, fmax_eV_A, max_steps, optimizer, symprec_A) -> None:
    """Validate the settings and the start structure of :func:`relax_bulk` (BulkError)."""
    if not (np.isfinite(fmax_eV_A) and fmax_eV_A > 0):
        raise BulkError(f"fmax_eV_A must be > 0, got {fmax_eV_A!r}")
    if int(max_steps) != max_steps or max_steps < 0:
        raise BulkError(f"max_steps must be an integer >= 0, got {max_steps!r}")
    if optimizer not in OPTIMIZERS:
        raise BulkError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if not (np.isfinite(symprec_A) and symprec_A > 0):
        raise BulkError(f"symprec_A must be > 0, got {symprec_A!r}")
    if len(atoms) == 0 or not np.all(atoms.pbc):
        raise BulkError("relax_bulk needs a non-empty structure periodic in 3D")
    try:
        validate_structure(atoms, min_distance=0.5)
    except StructureValidationError as err:
        raise BulkError(f"invalid start structure: {err}") from err


def _relax_cell_and_positions(work: Atoms, calculator, fmax_eV_A: float, max_steps: int,
                              optimizer: str, keep_symmetry: bool,
                              symprec_A: float) -> tuple[int, bool, float]:
    """FrechetCellFilter + FIRE/BFGS relaxation of ``work`` in place (optionally FixSymmetry).

    Returns (optimiser steps, converged?, largest final filter force in eV/Å).
    """
    from ase.constraints import FixSymmetry
    from ase.filters import FrechetCellFilter
    from ase.optimize import BFGS, FIRE

    if keep_symmetry:
        work.set_constraint(FixSymmetry(work, symprec=float(symprec_A)))
    work.calc = calculator
    filt = FrechetCellFilter(work)
    opt = (FIRE if optimizer == "FIRE" else BFGS)(filt, logfile=None)
    converged = bool(opt.run(fmax=float(fmax_eV_A), steps=int(max_steps)))
    fmax_final = float(np.linalg.norm(filt.get_forces(), axis=1).max())
    converged = converged or fmax_final < fmax_eV_A
    return int(opt.nsteps), converged, fmax_final


def _finite_oracle_results(work: Atoms, formula: str) -> tuple[float, np.ndarray, np.ndarray]:
    """Energy (eV), forces (eV/Å, shape (n, 3)) and Voigt stress (eV/Å^3, shape (6,)) without
    constraints; BulkError when any is not finite."""
    energy = float(work.get_potential_energy())
    forces = np.asarray(work.get_forces(apply_constraint=False), dtype=float)
    stress = np.asarray(work.get_stress(voigt=True, apply_constraint=False), dtype=float)
    if not (np.isfinite(energy) and np.isfinite(forces).all() and np.isfinite(stress).all()):
        raise BulkError(f"oracle returned non-finite results for {formula}")
    return energy, forces, stress


def _space_group(atoms: Atoms, symprec: float) -> int:
    from ase.spacegroup.symmetrize import check_symmetry

    return int(check_symmetry(atoms, symprec=symprec).number)


def write_relaxed(
    atoms: Atoms, result: Mapping[str, Any], extxyz_path: str | Path, json_path: str | Path
) -> None:
    """Write a relaxed structure (extended XYZ with energy/forces/stress) and its JSON record.

    The JSON holds ``result`` plus ``extxyz`` (the file name written next to it).  Parent
    folders are created.

    Raises
    ------
    BulkError
        ``result`` lacks ``energy_eV`` or ``energy_per_fu_eV``.
    """
    import ase.io

    for key in ("energy_eV", "energy_per_fu_eV"):
        if key not in result:
            raise BulkError(f"result has no {key!r}")
    for p in (extxyz_path, json_path):
        Path(p).parent.mkdir(parents=True, exist_ok=True)
    ase.io.write(extxyz_path, atoms, format="extxyz")
    record = dict(result)
    record["extxyz"] = Path(extxyz_path).name
    Path(json_path).write_text(json.dumps(record, indent=2, sort_keys=True))


def read_relaxed(json_path: str | Path, with_atoms: bool = False):
    """Read a record written by :func:`write_relaxed`.

    Parameters
    ----------
    json_path
        ``results/<scale>/bulk/relaxed/<phase>.json``.
    with_atoms
        Also read the relaxed structure (``extxyz`` named in the record, same folder).

    Returns
    -------
    dict, or (dict, ase.Atoms) with ``with_atoms``.  Energies in eV
    (``energy_per_fu_eV`` is the E_bulk per formula unit ``formula``).

    Raises
    ------
    FileNotFoundError
        Missing file.
    BulkError
        The record lacks the energy keys.
    """
    record = json.loads(Path(json_path).read_text())
    for key in ("energy_eV", "energy_per_fu_eV", "formula", "n_formula_units"):
        if key not in record:
            raise BulkError(f"{json_path}: no {key!r} in the relaxed-structure record")
    if not with_atoms:
        return record
    import ase.io

    atoms = ase.io.read(Path(json_path).parent / record["extxyz"], format="extxyz")
    return record, atoms


# --------------------------------------------------------------------------- #
# Reference data and tables
# --------------------------------------------------------------------------- #
def _load_yaml(path: Path) -> Any:
    try:
        import yaml
    except ImportError:  # conda envs with pymatgen carry ruamel.yaml, not always PyYAML
        from ruamel.yaml import YAML

        return YAML(typ="safe", pure=True).load(path.read_text())
    return yaml.safe_load(path.read_text())


def load_lattice_reference(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Read and validate ``lattice_reference.yaml``.

    Parameters
    ----------
    path
        YAML file (default :data:`DEFAULT_REFERENCE_FILE`).

    Returns
    -------
    dict
        phase -> entry with ``formula``, ``space_group``, ``lattice_system``, ``compare``,
        ``oxidation_states`` and ``references`` (list of dicts, lengths in Å, angles in
        degrees).

    Raises
    ------
    FileNotFoundError
        Missing file.
    BulkError
        Missing keys, unknown lattice system / kind / parameter, non-positive values, a
        compared parameter no reference can supply, or oxidation states that are not
        charge neutral for the formula.
    """
    path = Path(path) if path is not None else DEFAULT_REFERENCE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"lattice reference file not found: {path}")
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("phases"), dict):
        raise BulkError(f"{path}: expected a mapping with a 'phases' mapping")
    phases = data["phases"]
    for name, entry in phases.items():
        where = f"{path}: phase {name}"
        for key in ("formula", "space_group", "lattice_system", "compare",
                    "oxidation_states", "references"):
            if key not in entry:
                raise BulkError(f"{where}: missing {key!r}")
        if entry["lattice_system"] not in _LATTICE_SYSTEMS:
            raise BulkError(f"{where}: lattice_system must be one of {_LATTICE_SYSTEMS}")
        bad = set(entry["compare"]) - set(LATTICE_PARAMETERS)
        if bad or not entry["compare"]:
            raise BulkError(f"{where}: compare must be a non-empty subset of "
                            f"{list(LATTICE_PARAMETERS)}, got {entry['compare']}")
        counts = _formula_counts(entry["formula"])
        ox = entry["oxidation_states"]
        if set(ox) != set(counts):
            raise BulkError(f"{where}: oxidation_states must name exactly {sorted(counts)}")
        charge = sum(counts[el] * ox[el] for el in counts)
        if charge != 0:
            raise BulkError(f"{where}: formal charge of {entry['formula']} is {charge}, not 0")
        if not entry["references"]:
            raise BulkError(f"{where}: no references")
        for ref in entry["references"]:
            if ref.get("kind") not in _REFERENCE_KINDS:
                raise BulkError(f"{where}: reference kind must be one of {_REFERENCE_KINDS}")
            if not ref.get("source"):
                raise BulkError(f"{where}: every reference needs a source")
            values = reference_parameters(ref, entry["lattice_system"])
            for p in entry["compare"]:
                if p not in values:
                    raise BulkError(f"{where}: reference {ref['source']!r} gives no {p}")
    return phases


def reference_parameters(ref: Mapping[str, Any], lattice_system: str) -> dict[str, float]:
    """All six lattice parameters implied by one reference entry.

    Missing values follow from the lattice system (``ref["lattice_system"]`` overrides the
    phase's): cubic b = c = a and 90° angles; hexagonal b = a, alpha = beta = 90°,
    gamma = 120°; orthorhombic 90° angles; triclinic: only what is given.

    Returns
    -------
    dict parameter name (``a`` ... ``gamma``) -> value (Å or degrees).

    Raises
    ------
    BulkError
        Unknown lattice system, missing ``a_A`` or a non-positive value.
    """
    system = ref.get("lattice_system", lattice_system)
    if system not in _LATTICE_SYSTEMS:
        raise BulkError(f"unknown lattice system {system!r}")
    out: dict[str, float] = {}
    for p, unit in LATTICE_PARAMETERS.items():
        key = f"{p}_{unit}"
        if key in ref:
            v = float(ref[key])
            if not v > 0:
                raise BulkError(f"reference {key} must be > 0, got {v}")
            out[p] = v
    if "a" not in out:
        raise BulkError(f"reference {ref.get('source')!r} has no a_A")
    if system in ("cubic", "hexagonal"):
        out.setdefault("b", out["a"])
    if system == "cubic":
        out.setdefault("c", out["a"])
    if system != "triclinic":
        out.setdefault("alpha", 90.0)
        out.setdefault("beta", 90.0)
        out.setdefault("gamma", 120.0 if system == "hexagonal" else 90.0)
    return out


def lattice_table(
    results: Mapping[str, Mapping[str, Any]], reference: Mapping[str, Mapping[str, Any]]
) -> pd.DataFrame:
    """Relaxed vs reference lattice constants of every phase (relative error in %).

    Parameters
    ----------
    results
        phase -> relaxation record (:func:`relax_bulk` result / :func:`read_relaxed`), with
        ``a_A`` ... ``gamma_deg``, ``converged``, ``space_group_relaxed``.
    reference
        :func:`load_lattice_reference` output; every phase of ``results`` must be in it.

    Returns
    -------
    pandas.DataFrame
        One row per (phase, compared parameter, reference), in the order of ``results``:
        ``phase, parameter, unit, relaxed, reference, reference_kind,
        reference_temperature_K (0 = static calculation), error_percent,
        space_group_reference, space_group_relaxed, converged, max_stress_GPa (residual
        stress of the relaxed cell), reference_label, reference_source``, with
        ``error_percent = (relaxed - reference) / reference * 100``.

    Raises
    ------
    BulkError
        A phase without reference entry or a record without the compared parameter.
    """
    rows = []
    for phase, res in results.items():
        if phase not in reference:
            raise BulkError(f"no reference entry for phase {phase!r}")
        entry = reference[phase]
        for ref in entry["references"]:
            values = reference_parameters(ref, entry["lattice_system"])
            for p in entry["compare"]:
                unit = LATTICE_PARAMETERS[p]
                key = f"{p}_{unit}"
                if key not in res:
                    raise BulkError(f"relaxation record of {phase} has no {key}")
                relaxed, refv = float(res[key]), values[p]
                rows.append({
                    "phase": phase,
                    "parameter": p,
                    "unit": "Å" if unit == "A" else "°",
                    "relaxed": relaxed,
                    "reference": refv,
                    "reference_kind": ref["kind"],
                    "reference_temperature_K": ref.get("temperature_K", 0),
                    "error_percent": (relaxed - refv) / refv * 100.0,
                    "space_group_reference": int(entry["space_group"]),
                    "space_group_relaxed": res.get("space_group_relaxed"),
                    "converged": res.get("converged"),
                    "max_stress_GPa": res.get("max_stress_GPa"),
                    "reference_label": ref.get("label", ref["source"]),
                    "reference_source": ref["source"],
                })
    return pd.DataFrame(rows)


def lowest_energy(records: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The record with the lowest ``energy_per_fu_eV`` (paper 003 kept the lower-energy of
    its candidate disordered cells).

    Raises
    ------
    BulkError
        Empty input or a record without ``energy_per_fu_eV``.
    """
    if not records:
        raise BulkError("no relaxation records")
    if any("energy_per_fu_eV" not in r for r in records):
        raise BulkError("every record needs energy_per_fu_eV")
    return min(records, key=lambda r: float(r["energy_per_fu_eV"]))


def keep_lowest_energy(
    json_paths: Sequence[str | Path], anion_order: str, out_extxyz: str | Path,
    out_json: str | Path,
) -> dict[str, Any]:
    """Copy the lowest-energy relaxed cell of one anion order to its phase-level files.

    Reads the :func:`write_relaxed` records in ``json_paths``, keeps those with
    ``anion_order``, and writes the one of lowest ``energy_per_fu_eV`` (:func:`lowest_energy`)
    as ``out_extxyz`` / ``out_json`` (``results/<scale>/bulk/relaxed/Li6PS5Cl_<order>.*``,
    read by the terminations stage as E_bulk).  The JSON gains ``selected_from`` and
    ``n_candidates``.

    Returns
    -------
    dict
        The written record.

    Raises
    ------
    BulkError
        Unknown order or no record of that order.
    """
    import shutil

    if anion_order not in ANION_ORDERS:
        raise BulkError(f"anion_order must be one of {ANION_ORDERS}, got {anion_order!r}")
    cands = []
    for p in json_paths:
        rec = read_relaxed(p)
        if rec.get("anion_order") == anion_order:
            cands.append((rec, Path(p)))
    if not cands:
        raise BulkError(f"no relaxed {anion_order} cell among {len(json_paths)} records")
    best = lowest_energy([r for r, _ in cands])
    src = next(p for r, p in cands if r is best)
    Path(out_extxyz).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src.parent / best["extxyz"], out_extxyz)
    record = dict(best, extxyz=Path(out_extxyz).name, selected_from=src.name,
                  n_candidates=len(cands))
    Path(out_json).write_text(json.dumps(record, indent=2, sort_keys=True))
    return record


_CELL_COLS = ["a_A", "b_A", "c_A", "alpha_deg", "beta_deg", "gamma_deg"]


def lpsc_order_tables(
    records: Sequence[Mapping[str, Any]],
    reference: Mapping[str, Mapping[str, Any]],
    oracle: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-seed and summary tables of ordered vs disordered Li6PS5Cl (paper 003, Table 1).

    Parameters
    ----------
    records
        Relaxation records of the explicit cells, each with ``anion_order``
        (``"ordered"``/``"disordered"``), ``replica`` (int; the same replica of both orders
        shares the Li arrangement), ``seed`` and the :func:`relax_bulk` keys.
    reference
        :func:`load_lattice_reference` output; the references of ``Li6PS5Cl_disordered``
        and ``Li6PS5Cl_ordered`` become the published rows.
    oracle
        Name of the oracle, written in the ``source`` column.

    Returns
    -------
    (per_seed, table)
        ``per_seed``: one row per cell: ``anion_order, replica, seed, a_A ... gamma_deg,
        volume_A3_per_fu, energy_eV_per_fu, converged, n_steps, fmax_final_eV_A,
        space_group_relaxed``.
        ``table`` (tab1): rows ``source`` (oracle, or the reference ``label``),
        ``anion_order, statistic, n_cells, a_A ... gamma_deg,
        volume_A3_per_fu, energy_eV_per_fu, delta_E_disordered_minus_ordered_eV_per_fu``.
        Statistics of this work: ``lowest energy`` (the cell kept, as paper 003 did), ``mean``
        and ``std`` over replicas (sample std, ddof = 1; NaN for one replica).  ΔE is
        E(disordered) - E(ordered) per formula unit: lowest vs lowest, and mean / std of the
        paired (same-replica) differences.  Published rows have ``statistic = published``.

    Raises
    ------
    BulkError
        Unknown anion order, missing keys, duplicate (order, replica), or an order with no
        cell.
    """
    rows = []
    seen = set()
    for r in records:
        order = r.get("anion_order")
        if order not in ANION_ORDERS:
            raise BulkError(f"record anion_order must be one of {ANION_ORDERS}, got {order!r}")
        key = (order, int(r["replica"]))
        if key in seen:
            raise BulkError(f"duplicate record for {key}")
        seen.add(key)
        missing = [k for k in _CELL_COLS + ["energy_per_fu_eV", "volume_A3",
                                            "n_formula_units"] if k not in r]
        if missing:
            raise BulkError(f"record {key} lacks {missing}")
        rows.append({
            "anion_order": order,
            "replica": int(r["replica"]),
            "seed": int(r.get("seed", -1)),
            **{c: float(r[c]) for c in _CELL_COLS},
            "volume_A3_per_fu": float(r["volume_A3"]) / int(r["n_formula_units"]),
            "energy_eV_per_fu": float(r["energy_per_fu_eV"]),
            "converged": bool(r.get("converged", False)),
            "n_steps": int(r.get("n_steps", -1)),
            "fmax_final_eV_A": float(r.get("fmax_final_eV_A", float("nan"))),
            "space_group_relaxed": r.get("space_group_relaxed"),
        })
    per_seed = pd.DataFrame(rows)
    for order in ANION_ORDERS:
        if per_seed.empty or not (per_seed["anion_order"] == order).any():
            raise BulkError(f"no relaxed {order} Li6PS5Cl cell")
    per_seed = per_seed.sort_values(["anion_order", "replica"], kind="stable",
                                    key=lambda s: s.map({"ordered": 0, "disordered": 1})
                                    if s.name == "anion_order" else s).reset_index(drop=True)

    num_cols = _CELL_COLS + ["volume_A3_per_fu", "energy_eV_per_fu"]
    ords = per_seed[per_seed.anion_order == "ordered"].set_index("replica")
    dis = per_seed[per_seed.anion_order == "disordered"].set_index("replica")
    paired = (dis["energy_eV_per_fu"] - ords["energy_eV_per_fu"]).dropna()
    low = {o: per_seed.loc[per_seed[per_seed.anion_order == o]["energy_eV_per_fu"].idxmin()]
           for o in ANION_ORDERS}
    d_low = float(low["disordered"]["energy_eV_per_fu"] - low["ordered"]["energy_eV_per_fu"])
    src = f"{oracle} (this pipeline)"
    table = []
    for order in ANION_ORDERS:
        sub = per_seed[per_seed.anion_order == order]
        n = len(sub)
        table.append({"source": src, "anion_order": order, "statistic": "lowest energy",
                      "n_cells": n, **{c: float(low[order][c]) for c in num_cols},
                      "delta_E_disordered_minus_ordered_eV_per_fu":
                          d_low if order == "disordered" else 0.0})
        table.append({"source": src, "anion_order": order, "statistic": "mean", "n_cells": n,
                      **{c: float(sub[c].mean()) for c in num_cols},
                      "delta_E_disordered_minus_ordered_eV_per_fu":
                          float(paired.mean()) if order == "disordered" and len(paired)
                          else (0.0 if order == "ordered" else float("nan"))})
        table.append({"source": src, "anion_order": order, "statistic": "std", "n_cells": n,
                      **{c: float(sub[c].std(ddof=1)) if n > 1 else float("nan")
                         for c in num_cols},
                      "delta_E_disordered_minus_ordered_eV_per_fu":
                          float(paired.std(ddof=1)) if order == "disordered" and len(paired) > 1
                          else float("nan")})
    for order in ANION_ORDERS:
        entry = reference.get(f"Li6PS5Cl_{order}")
        if entry is None:
            continue
        for ref in entry["references"]:
            vals = reference_parameters(ref, entry["lattice_system"])
            table.append({"source": ref.get("label", ref["source"]), "anion_order": order,
                          "statistic": f"published ({ref['kind']})", "n_cells": np.nan,
                          **{f"{p}_{u}": vals.get(p, np.nan)
                             for p, u in LATTICE_PARAMETERS.items()},
                          "volume_A3_per_fu": np.nan, "energy_eV_per_fu": np.nan,
                          "delta_E_disordered_minus_ordered_eV_per_fu": np.nan})
    table = pd.DataFrame(table)
    table["n_cells"] = table["n_cells"].astype("Int64")
    return per_seed, table


# --------------------------------------------------------------------------- #
# Table of the figure (paper 003, Fig. 3 analogue); drawn in the plot package (plot/bulk.py)
# --------------------------------------------------------------------------- #
def lpsc_lattice_long(per_seed: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Long table of relaxed vs published Li6PS5Cl lattice parameters (data of Fig. 3 analogue).

    Paper 003 Fig. 3 shows the ordered and disordered cells; its Table 1 gives the relaxed
    lattice of the disordered one.  One row per relaxed replica and lattice parameter (this
    pipeline) and one per published value; the figure function ``plot_lpsc_lattice`` of
    the plot package (``plot/bulk.py``) draws it.

    Parameters
    ----------
    per_seed, table
        The two outputs of :func:`lpsc_order_tables` (or their CSV files read back);
        ``per_seed`` needs ``anion_order``, ``replica`` and the six cell columns
        ``a_A, b_A, c_A`` (Å), ``alpha_deg, beta_deg, gamma_deg`` (degrees).

    Returns
    -------
    pandas.DataFrame
        Columns ``source, anion_order, replica, parameter, value, unit``: ``source`` is
        ``"this pipeline"`` or the published source, ``replica`` NaN for published rows,
        ``parameter`` one of a, b, c, alpha, beta, gamma, ``unit`` "Å" or "°".

    Raises
    ------
    ValueError
        Missing columns or no relaxed cell.
    """
    need = {"anion_order", "replica"} | set(_CELL_COLS)
    if missing := need - set(per_seed.columns):
        raise ValueError(f"plot_lpsc_lattice: per_seed lacks {sorted(missing)}")
    if per_seed.empty:
        raise ValueError("plot_lpsc_lattice: no relaxed cells")
    ours = per_seed.melt(id_vars=["anion_order", "replica"], value_vars=_CELL_COLS,
                         var_name="column", value_name="value")
    ours.insert(0, "source", "this pipeline")
    pub = table[table["statistic"].astype(str).str.startswith("published")]
    pub = pub.melt(id_vars=["source", "anion_order"], value_vars=_CELL_COLS,
                   var_name="column", value_name="value").dropna(subset=["value"])
    pub["replica"] = np.nan
    long = pd.concat([ours, pub[ours.columns]], ignore_index=True)
    long["parameter"] = long["column"].str.split("_").str[0]
    long["unit"] = np.where(long["column"].str.endswith("_A"), "Å", "°")
    return long[["source", "anion_order", "replica", "parameter", "value", "unit"]]


# --------------------------------------------------------------------------- #
# Config check
# --------------------------------------------------------------------------- #
def check_bulk_config(cfg: Mapping[str, Any]) -> None:
    """Cross-key checks of the ``bulk`` config keys that the JSON schema cannot express.

    Rejects: a ``scales.<name>.bulk.phases`` entry that is not in :data:`RELAXABLE_PHASES`
    or has no entry in the reference file ``bulk.reference_file``; a reference file without
    ``Li6PS5Cl_ordered`` / ``Li6PS5Cl_disordered``; an ``lpsc_supercell`` in which
    ``bulk.lpsc_s_cl_disorder`` moves no Cl (``round(s * 4 * nx * ny * nz) == 0``: the
    "disordered" cell would be the ordered one); ``seed + lpsc_n_seeds`` beyond 2**32 - 1.

    Raises
    ------
    ValueError (BulkError)
        With the offending key named.
    FileNotFoundError
        The reference file does not exist.
    """
    bulk = cfg["bulk"]
    reference = load_lattice_reference(bulk["reference_file"])
    for need in ("Li6PS5Cl_ordered", "Li6PS5Cl_disordered"):
        if need not in reference:
            raise BulkError(f"bulk.reference_file has no {need!r} entry")
    s = float(bulk["lpsc_s_cl_disorder"])
    for name, block in cfg["scales"].items():
        b = block["bulk"]
        for phase in b["phases"]:
            if phase not in RELAXABLE_PHASES:
                raise BulkError(f"scales.{name}.bulk.phases: {phase!r} is not one of "
                                f"{list(RELAXABLE_PHASES)}")
            if phase not in reference:
                raise BulkError(f"scales.{name}.bulk.phases: {phase!r} has no entry in "
                                f"{bulk['reference_file']}")
        n_cl = 4 * int(np.prod(b["lpsc_supercell"]))
        if round(s * n_cl) == 0:
            raise BulkError(
                f"scales.{name}.bulk.lpsc_supercell {b['lpsc_supercell']}: "
                f"bulk.lpsc_s_cl_disorder={s} moves no Cl of {n_cl}"
            )
        if int(cfg["seed"]) + int(b["lpsc_n_seeds"]) > 2**32 - 1:
            raise BulkError(f"scales.{name}.bulk.lpsc_n_seeds: seed + n_seeds exceeds 2**32-1")
