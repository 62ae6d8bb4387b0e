"""Coherent metal | binary interfaces, lattice mismatch and interface energetics (paper 002).

Paper 002 (Wang et al., J. Mater. Chem. A 10, 19732 (2022)), Sec. II:

* interface supercells from a lattice-matching search (the paper used ARTEMIS, ref. 43; here
  pymatgen ``ZSLGenerator``, the Zur-McGill algorithm, J. Appl. Phys. 55, 378 (1984)) with
  the in-plane lattice of the binary kept and the strain applied to the metal; one cell per
  pairing chosen by a stated rule (:data:`INTERFACE_CELL_CHOICES`, default the smallest
  coherent cell, under an atom limit), the same cell for Table S3 and for the built interface;
* symmetric, periodic A|B|A stacks (two identical interfaces per cell), built with pymatgen
  ``Interface.from_slabs`` from the Tasker slabs of :mod:`seiflow.builders.surfaces`;
* interface formation energy (Eq. 2), interfacial energy with z-constrained bulk references
  (Eq. 3), elastic strain energy E_f - sigma, and the work of adhesion (Eqs. 4 and 5).

The metal is the "film" and the binary the "substrate" in pymatgen's language.
Units: lengths Å, areas Å^2, energies eV, interface energies J/m^2, mismatch %.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from ase import Atoms

from seiflow.builders.surfaces import (
    DECOMPOSITION_PHASES,
    EV_PER_A2_TO_J_PER_M2,
    METALS,
    OPTIMIZERS,
    SurfaceError,
    check_miller,
    check_phase,
    equivalent_miller,
    miller_tag,
    relax_atoms,
    slab_record,
    slab_to_atoms,
    tasker_slabs,
)

__all__ = [
    "InterfaceError",
    "InterfaceUnavailable",
    "MISMATCH_DEFINITIONS",
    "lattice_match_rows",
    "interface_record",
    "CELL_RELAX_MODES",
    "check_pairing",
    "pairing_id",
    "pairing_label",
    "lattice_mismatch",
    "zsl_matches",
    "best_zsl_match",
    "INTERFACE_CELL_CHOICES",
    "rank_zsl_matches",
    "interface_atom_counts",
    "choose_interface_cell",
    "interface_slab",
    "match_pairing",
    "build_interface",
    "z_constrained_bulk",
    "interface_energetics_J_m2",
    "relax_interface_energetics",
    "facet_gamma",
    "check_decomposition_config",
    "interface_energetics_table",
    "lattice_match_tables",
]

#: Mismatch definitions (config ``decomposition.mismatch_definition``).  u_i: the i-th
#: in-plane supercell vector of the metal (unstrained), u_i': the matched binary vector.
MISMATCH_DEFINITIONS: dict[str, str] = {
    "max_principal": (
        "max_principal: max_i |lambda_i - 1| x 100, lambda_i = principal stretches of the 2D "
        "map taking the metal supercell (u1, u2) onto the binary one (u1', u2')"
    ),
    "max_vector": "max_vector: max_i |u_i' - u_i| / u_i x 100 (u = metal, u' = binary vector)",
    "area": "area: |A' - A| / A x 100 (A = metal, A' = binary supercell area)",
}

#: Rules choosing one coincidence cell among the ZSL matches that pass the length, angle and
#: area-ratio tolerances and the area limit (config ``decomposition.interface_cell_choice``).
#: ``smallest_area`` is what paper 002 did: its Table S3 mismatches (e.g. ~14.2 % for
#: Li(100)|Li2S(111)) belong to the small coherent cells its DFT (VASP) relaxations could
#: afford, not to the lowest-mismatch cell of a wide search (1.2 % for a 254 Å^2, 500-atom cell
#: with CHGNet bulks when cells up to 400 Å^2 are searched; docs/studies/decomposition_interfaces.md).
INTERFACE_CELL_CHOICES: dict[str, str] = {
    "smallest_area": (
        "smallest_area: the smallest interface (binary supercell) area among the ZSL matches "
        "within the tolerances and the atom limit; ties: the lower mismatch"
    ),
    "lowest_mismatch": (
        "lowest_mismatch: the lowest mismatch among the ZSL matches within the tolerances and "
        "the atom limit; ties: the smaller area"
    ),
}

#: Cell degrees of freedom of the interface relaxation (config
#: ``decomposition.interface_cell_relax``): ``normal`` = only the cell length along the
#: interface normal (in-plane lattice stays that of the binary); ``full`` = the whole cell
#: (paper 002 "fully relaxed"; the z-constrained bulks then take the relaxed in-plane cell).
CELL_RELAX_MODES: dict[str, list[int]] = {
    "normal": [0, 0, 1, 0, 0, 0],
    "full": [1, 1, 1, 1, 1, 1],
}


class InterfaceError(ValueError):
    """Bad input for the lattice match, the interface construction or the energetics."""


class InterfaceUnavailable(InterfaceError):
    """A valid pairing that cannot be modelled with the current settings: no coincidence
    supercell within the area / tolerances, or a plane without a Tasker-compliant slab.
    Recorded as an outcome (``status``) in Table S3 and Fig. 2, not a configuration error."""


# --------------------------------------------------------------------------- #
# Pairings
# --------------------------------------------------------------------------- #
def check_pairing(pairing: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one metal | binary pairing.

    Parameters
    ----------
    pairing
        ``{"metal": "Li"|"Na", "metal_miller": [h, k, l], "binary": <phase>,
        "binary_miller": [h, k, l]}``.

    Returns
    -------
    dict with the same keys, Miller indices as tuples.

    Raises
    ------
    InterfaceError
        Missing key, unknown phase, metal not Li/Na, binary that is a metal, a binary
        without the metal's element (e.g. Li | Na2S), or an invalid Miller index.
    """
    try:
        metal, binary = pairing["metal"], pairing["binary"]
        mm, bm = pairing["metal_miller"], pairing["binary_miller"]
    except (KeyError, TypeError) as err:
        raise InterfaceError(
            f"pairing needs metal, metal_miller, binary, binary_miller: {pairing!r}"
        ) from err
    try:
        check_phase(metal)
        check_phase(binary)
        mm, bm = check_miller(mm), check_miller(bm)
    except SurfaceError as err:
        raise InterfaceError(f"pairing {pairing!r}: {err}") from err
    if metal not in METALS:
        raise InterfaceError(f"pairing metal must be one of {METALS}, got {metal!r}")
    if binary in METALS:
        raise InterfaceError(f"pairing binary must be a compound, got metal {binary!r}")
    from pymatgen.core import Composition

    if metal not in {el.symbol for el in Composition(binary).elements}:
        raise InterfaceError(f"pairing {metal} | {binary}: the binary does not contain {metal}")
    return {"metal": metal, "metal_miller": mm, "binary": binary, "binary_miller": bm}


def pairing_id(pairing: Mapping[str, Any]) -> str:
    """File-name-safe id, e.g. ``Li_100__Li3P_001`` (``m`` marks a negative index)."""
    p = check_pairing(pairing)
    return (f"{p['metal']}_{miller_tag(p['metal_miller'])}__"
            f"{p['binary']}_{miller_tag(p['binary_miller'])}")


def _mstr(hkl) -> str:
    return "(" + "".join(f"-{-v}" if v < 0 else str(v) for v in hkl) + ")"


def pairing_label(pairing: Mapping[str, Any]) -> str:
    """Label as in paper 002, e.g. ``Li(100)|Li3P(001)``."""
    p = check_pairing(pairing)
    return f"{p['metal']}{_mstr(p['metal_miller'])}|{p['binary']}{_mstr(p['binary_miller'])}"


# --------------------------------------------------------------------------- #
# Lattice matching
# --------------------------------------------------------------------------- #
def _vec2(v) -> np.ndarray:
    arr = np.asarray(v, dtype=float)
    if arr.shape != (2, 3) or not np.isfinite(arr).all():
        raise InterfaceError(f"expected two 3-vectors (shape (2, 3)), got shape {arr.shape}")
    if np.linalg.norm(np.cross(arr[0], arr[1])) <= 1e-8:
        raise InterfaceError("in-plane vectors are collinear (zero area)")
    return arr


def _angle_deg(v) -> float:
    c = float(np.dot(v[0], v[1]) / (np.linalg.norm(v[0]) * np.linalg.norm(v[1])))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def lattice_mismatch(film_vectors, substrate_vectors) -> dict[str, float]:
    """Mismatch of a matched pair of 2D supercells (metal = film strained onto the binary).

    Parameters
    ----------
    film_vectors, substrate_vectors
        Arrays of shape (2, 3) (Å): the metal supercell vectors u_1, u_2 and the matched
        binary vectors u_1', u_2' (same order, as in a pymatgen ``ZSLMatch``).

    Returns
    -------
    dict
        ``strain_u_percent`` = (|u_1'| - |u_1|)/|u_1| * 100, ``strain_v_percent`` likewise for
        u_2 (strain applied to the metal), ``angle_mismatch_deg`` = angle(u') - angle(u),
        ``area_mismatch_percent`` = (A' - A)/A * 100, ``principal_strains_percent`` (the two
        principal strains of the metal, %), and the scalar definitions of
        :data:`MISMATCH_DEFINITIONS`: ``max_principal``, ``max_vector`` and ``area``
        (all >= 0, %).

    Raises
    ------
    InterfaceError
        Wrong shapes, non-finite or collinear vectors.
    """
    f, s = _vec2(film_vectors), _vec2(substrate_vectors)
    lf, ls = np.linalg.norm(f, axis=1), np.linalg.norm(s, axis=1)
    strain = (ls - lf) / lf * 100.0
    af = float(np.linalg.norm(np.cross(f[0], f[1])))
    as_ = float(np.linalg.norm(np.cross(s[0], s[1])))
    area = (as_ - af) / af * 100.0

    def _in_plane(v):  # rotation-free 2D coordinates: u_1 along x, u_2 at the cell angle
        th = math.radians(_angle_deg(v))
        n1, n2 = np.linalg.norm(v, axis=1)
        return np.array([[n1, n2 * math.cos(th)], [0.0, n2 * math.sin(th)]])  # columns

    deform = _in_plane(s) @ np.linalg.inv(_in_plane(f))
    stretches = np.linalg.svd(deform, compute_uv=False)
    return {
        "strain_u_percent": float(strain[0]),
        "strain_v_percent": float(strain[1]),
        "angle_mismatch_deg": _angle_deg(s) - _angle_deg(f),
        "area_mismatch_percent": float(area),
        "principal_strains_percent": [float(v) for v in (stretches - 1.0) * 100.0],
        "max_principal": float(np.abs(stretches - 1.0).max() * 100.0),
        "max_vector": float(np.abs(strain).max()),
        "area": float(abs(area)),
    }


def _check_zsl_settings(max_area_A2, max_length_tol, max_angle_tol, max_area_ratio_tol,
                        definition) -> None:
    if not (np.isfinite(max_area_A2) and max_area_A2 > 0):
        raise InterfaceError(f"max_area_A2 must be positive, got {max_area_A2!r}")
    for name, v in (("max_length_tol", max_length_tol), ("max_angle_tol", max_angle_tol),
                    ("max_area_ratio_tol", max_area_ratio_tol)):
        if not (np.isfinite(v) and 0 < v < 1):
            raise InterfaceError(f"{name} must be in (0, 1), got {v!r}")
    if definition not in MISMATCH_DEFINITIONS:
        raise InterfaceError(
            f"unknown mismatch definition {definition!r}; use one of {list(MISMATCH_DEFINITIONS)}"
        )


def zsl_matches(
    film_vectors,
    substrate_vectors,
    max_area_A2: float,
    max_length_tol: float,
    max_angle_tol: float,
    max_area_ratio_tol: float,
    definition: str = "max_principal",
) -> list[dict[str, Any]]:
    """Every coincidence supercell of two 2D lattices up to ``max_area_A2`` (Zur-McGill).

    pymatgen ``ZSLGenerator(max_area_ratio_tol, max_area_A2, max_length_tol, max_angle_tol,
    bidirectional=True)`` enumerates the supercell pairs; each is scored with
    :func:`lattice_mismatch`.

    Parameters
    ----------
    film_vectors, substrate_vectors
        Shape (2, 3) (Å): primitive in-plane vectors of the metal and of the binary surface.
    max_area_A2
        Largest supercell area searched (Å^2, > 0), measured on the metal supercell.
    max_length_tol, max_angle_tol, max_area_ratio_tol
        ZSL acceptance: relative vector-length mismatch, relative angle mismatch and area
        ratio tolerance (fractions in (0, 1)).
    definition
        Key of :data:`MISMATCH_DEFINITIONS` copied into ``mismatch_percent``.

    Returns
    -------
    list of dict
        ``match`` (pymatgen ``ZSLMatch``), ``area_A2`` (binary supercell area),
        ``metal_area_A2``, ``mismatch_percent`` and the keys of :func:`lattice_mismatch`;
        sorted by (mismatch_percent, area_A2).

    Raises
    ------
    InterfaceError
        Invalid vectors or settings.
    """
    from pymatgen.analysis.interfaces.zsl import ZSLGenerator

    _check_zsl_settings(max_area_A2, max_length_tol, max_angle_tol, max_area_ratio_tol,
                        definition)
    f, s = _vec2(film_vectors), _vec2(substrate_vectors)
    gen = ZSLGenerator(max_area_ratio_tol=float(max_area_ratio_tol), max_area=float(max_area_A2),
                       max_length_tol=float(max_length_tol), max_angle_tol=float(max_angle_tol),
                       bidirectional=True)
    out = []
    for match in gen(f, s, lowest=False):
        fv, sv = np.asarray(match.film_sl_vectors), np.asarray(match.substrate_sl_vectors)
        mis = lattice_mismatch(fv, sv)
        metal_area = float(np.linalg.norm(np.cross(fv[0], fv[1])))
        if metal_area > max_area_A2 * (1 + 1e-9):
            continue
        out.append({
            "match": match,
            "area_A2": float(np.linalg.norm(np.cross(sv[0], sv[1]))),
            "metal_area_A2": metal_area,
            "mismatch_percent": mis[definition],
            **mis,
        })
    out.sort(key=lambda d: (round(d["mismatch_percent"], 9), d["area_A2"]))
    return out


def best_zsl_match(film_vectors, substrate_vectors, max_area_A2: float, max_length_tol: float,
                   max_angle_tol: float, max_area_ratio_tol: float,
                   definition: str = "max_principal") -> dict[str, Any]:
    """Lowest-mismatch coincidence supercell (ties: the smaller area); see :func:`zsl_matches`.

    Returns
    -------
    dict
        As one entry of :func:`zsl_matches`, plus ``n_matches``.

    Raises
    ------
    InterfaceError
        Invalid input.
    InterfaceUnavailable
        No supercell within the area and tolerances.
    """
    matches = zsl_matches(film_vectors, substrate_vectors, max_area_A2, max_length_tol,
                          max_angle_tol, max_area_ratio_tol, definition)
    if not matches:
        raise InterfaceUnavailable(
            f"no coincidence supercell up to {max_area_A2} Å^2 within length tolerance "
            f"{max_length_tol}, angle tolerance {max_angle_tol}, area-ratio tolerance "
            f"{max_area_ratio_tol}; raise max_area_A2 or the tolerances"
        )
    return {**matches[0], "n_matches": len(matches)}


def _check_choice(choice: str) -> None:
    if choice not in INTERFACE_CELL_CHOICES:
        raise InterfaceError(f"unknown interface_cell_choice {choice!r}; use one of "
                             f"{list(INTERFACE_CELL_CHOICES)}")


def rank_zsl_matches(matches: Sequence[Mapping[str, Any]], choice: str) -> list[dict[str, Any]]:
    """Order coincidence cells by a rule of :data:`INTERFACE_CELL_CHOICES`.

    Parameters
    ----------
    matches
        Entries of :func:`zsl_matches` (``area_A2``: interface = binary supercell area, Å^2;
        ``mismatch_percent``, %).
    choice
        ``smallest_area``: by (area_A2, mismatch_percent); ``lowest_mismatch``: by
        (mismatch_percent, area_A2).  Both keys are rounded (1e-6 Å^2, 1e-9 %) so that
        symmetry-equivalent cells tie and keep the ZSL generator order.

    Returns
    -------
    list of dict
        Copies of ``matches`` in rank order, each with ``rank`` (1-based).

    Raises
    ------
    InterfaceError
        Unknown ``choice``.
    """
    _check_choice(choice)

    def key(d):
        area, mis = round(float(d["area_A2"]), 6), round(float(d["mismatch_percent"]), 9)
        return (area, mis) if choice == "smallest_area" else (mis, area)

    ranked = sorted(matches, key=key)
    return [{**d, "rank": i + 1} for i, d in enumerate(ranked)]


def interface_atom_counts(metal_slab, binary_slab, match) -> dict[str, int]:
    """Atoms of the interface cell :func:`build_interface` makes from one ``ZSLMatch``.

    n_metal = N(metal slab) |det T_metal|, n_binary = N(binary slab) |det T_binary|, with T
    the integer in-plane supercell matrices of the slab cells (the same ones
    :func:`build_interface` applies), so the count is exact without building the cell.

    Parameters
    ----------
    metal_slab, binary_slab
        pymatgen ``Slab`` (film and substrate of ``match``).
    match
        pymatgen ``ZSLMatch`` of their in-plane lattices.

    Returns
    -------
    dict
        ``n_metal``, ``n_binary``, ``n_atoms`` (their sum).

    Raises
    ------
    InterfaceError
        A match whose supercell vectors are not integer combinations of the slab cells.
    """
    tf = _supercell_transform(metal_slab, match.film_sl_vectors)
    ts = _supercell_transform(binary_slab, match.substrate_sl_vectors)
    n_m = len(metal_slab) * abs(int(round(np.linalg.det(tf))))
    n_b = len(binary_slab) * abs(int(round(np.linalg.det(ts))))
    return {"n_metal": n_m, "n_binary": n_b, "n_atoms": n_m + n_b}


def _cell_params(v) -> tuple[float, float, float]:
    a, b = np.linalg.norm(v, axis=1)
    return float(a), float(b), _angle_deg(v)


def choose_interface_cell(
    matches: Sequence[Mapping[str, Any]],
    metal_slab,
    binary_slab,
    choice: str = "smallest_area",
    max_atoms: int | None = None,
    n_candidates: int = 5,
) -> dict[str, Any]:
    """Choose the coincidence cell of an interface and list the best candidates.

    The cells are ranked with :func:`rank_zsl_matches` and symmetry-equivalent copies (same
    vector lengths, angles and area to 1e-3) are dropped; the chosen cell is the first one
    whose interface (:func:`interface_atom_counts`) has at most ``max_atoms`` atoms.  Paper
    002 (Sec. II, ARTEMIS) builds the small coherent cells a DFT code can afford: the
    ``smallest_area`` rule within the ZSL tolerances.

    Parameters
    ----------
    matches
        Entries of :func:`zsl_matches` for ``metal_slab`` (film) and ``binary_slab``
        (substrate).
    metal_slab, binary_slab
        pymatgen ``Slab`` used to count the atoms of each candidate cell.
    choice
        Key of :data:`INTERFACE_CELL_CHOICES`.
    max_atoms
        Largest interface cell accepted (atoms, both slabs; ``None``: no limit).
    n_candidates
        Candidates reported (>= 1): the first ``n_candidates`` of the ranking, plus the
        chosen cell and the first cell of the other rule if they rank lower.

    Returns
    -------
    dict
        ``chosen``: the chosen entry of ``matches`` with ``rank``, ``n_atoms``, ``n_metal``,
        ``n_binary``; ``candidates``: JSON-serialisable rows in rank order with ``rank``,
        ``chosen`` (bool), ``within_max_atoms`` (bool), ``area_A2`` (interface), ``metal_area_A2``,
        ``metal_a_A``, ``metal_b_A``, ``metal_gamma_deg`` (unstrained metal supercell),
        ``binary_a_A``, ``binary_b_A``, ``binary_gamma_deg``, ``strain_u_percent``,
        ``strain_v_percent`` (strain of each metal vector), ``angle_mismatch_deg``,
        ``area_mismatch_percent``, ``max_principal_strain_percent``, ``mismatch_percent``,
        ``n_atoms``, ``n_metal``, ``n_binary``; ``n_matches`` (all ZSL cells within the
        tolerances and area limit) and ``n_distinct`` (distinct cells among them; ``rank``
        counts these).

    Raises
    ------
    InterfaceError
        Unknown ``choice``, ``max_atoms`` < 1 or ``n_candidates`` < 1.
    InterfaceUnavailable
        No match, or every match above ``max_atoms`` (the message gives the smallest count).
    """
    _check_choice(choice)
    if max_atoms is not None and (isinstance(max_atoms, bool) or int(max_atoms) != max_atoms
                                  or max_atoms < 1):
        raise InterfaceError(f"max_interface_atoms must be a positive integer or None, "
                             f"got {max_atoms!r}")
    if isinstance(n_candidates, bool) or int(n_candidates) != n_candidates or n_candidates < 1:
        raise InterfaceError(f"n_cell_candidates must be a positive integer, got {n_candidates!r}")
    if not matches:
        raise InterfaceUnavailable("no coincidence supercell within the area and tolerances")
    ranked, seen = [], set()
    for d in rank_zsl_matches(matches, choice):  # one entry per distinct cell
        fv = np.asarray(d["match"].film_sl_vectors)
        sv = np.asarray(d["match"].substrate_sl_vectors)
        key = tuple(round(v, 3) for v in (*sorted(np.linalg.norm(fv, axis=1)),
                                          *sorted(np.linalg.norm(sv, axis=1)),
                                          _angle_deg(fv), _angle_deg(sv), d["area_A2"]))
        if key in seen:
            continue
        seen.add(key)
        d = {**d, "rank": len(ranked) + 1,
             **interface_atom_counts(metal_slab, binary_slab, d["match"])}
        d["within_max_atoms"] = max_atoms is None or d["n_atoms"] <= max_atoms
        ranked.append(d)
    fits = [d for d in ranked if d["within_max_atoms"]]
    if not fits:
        raise InterfaceUnavailable(
            f"every coincidence cell within the area and tolerances exceeds "
            f"max_interface_atoms={max_atoms} (smallest has "
            f"{min(d['n_atoms'] for d in ranked)} atoms); raise max_interface_atoms or thin "
            f"the slabs"
        )
    chosen = fits[0]
    other = "lowest_mismatch" if choice == "smallest_area" else "smallest_area"
    other_first = rank_zsl_matches([{**d, "own_rank": d["rank"]} for d in fits],
                                   other)[0]["own_rank"]
    shown = sorted({*range(1, min(n_candidates, len(ranked)) + 1), chosen["rank"], other_first})
    candidates = []
    for d in (ranked[r - 1] for r in shown):
        fv = np.asarray(d["match"].film_sl_vectors)
        sv = np.asarray(d["match"].substrate_sl_vectors)
        ma, mb, mg = _cell_params(fv)
        ba, bb, bg = _cell_params(sv)
        candidates.append({
            "rank": d["rank"], "chosen": d["rank"] == chosen["rank"],
            "within_max_atoms": bool(d["within_max_atoms"]),
            "area_A2": d["area_A2"], "metal_area_A2": d["metal_area_A2"],
            "metal_a_A": ma, "metal_b_A": mb, "metal_gamma_deg": mg,
            "binary_a_A": ba, "binary_b_A": bb, "binary_gamma_deg": bg,
            "strain_u_percent": d["strain_u_percent"], "strain_v_percent": d["strain_v_percent"],
            "angle_mismatch_deg": d["angle_mismatch_deg"],
            "area_mismatch_percent": d["area_mismatch_percent"],
            "max_principal_strain_percent": d["max_principal"],
            "mismatch_percent": d["mismatch_percent"],
            "n_atoms": d["n_atoms"], "n_metal": d["n_metal"], "n_binary": d["n_binary"],
        })
    return {"chosen": {**chosen, "n_matches": len(matches), "n_distinct": len(ranked)},
            "candidates": candidates, "n_matches": len(matches), "n_distinct": len(ranked)}


def interface_slab(bulk, miller, thickness_A: float, shift: float | None = None,
                   termination: str | None = None, ftol_A: float = 0.1):
    """The Tasker slab of a plane used in an interface (:func:`seiflow.builders.surfaces.tasker_slabs`).

    Parameters
    ----------
    bulk
        Conventional ``Structure`` of the phase.
    miller
        (h, k, l).
    thickness_A
        ``min_slab_size`` (Å) of pymatgen ``SlabGenerator``: the slab holds at least this many
        Å of planes (paper 002: ~10 Å binaries, ~12 Å Li, ~14 Å Na).
    shift, termination
        Termination to use (from the surface-energy record of the facet: its
        ``SlabGenerator`` shift and pymatgen ``label_termination``).  ``None``: the first
        Tasker slab.
    ftol_A
        Plane-clustering tolerance (Å).

    Returns
    -------
    pymatgen ``Slab``

    Raises
    ------
    InterfaceError
        No Tasker-compliant termination, or none with the requested shift.
    """
    slabs, rejected = tasker_slabs(bulk, miller, thickness_A, 10.0, ftol_A=ftol_A)
    hkl = tuple(int(v) for v in miller)
    if not slabs:
        raise InterfaceUnavailable(
            f"{bulk.composition.reduced_formula}{_mstr(hkl)} has no stoichiometric, non-polar, "
            f"symmetric termination (rejected: {[r['reason'] for r in rejected]})"
        )
    if shift is None:
        return slabs[0]
    cands = [s for s in slabs if abs(s.shift - shift) < 1e-4]
    if not cands:
        raise InterfaceError(
            f"{bulk.composition.reduced_formula}{_mstr(hkl)}: no Tasker slab with shift "
            f"{shift}; available {[round(s.shift, 4) for s in slabs]}"
        )
    if termination is not None and len(cands) > 1:
        from pymatgen.core.interface import label_termination

        same = [s for s in cands if label_termination(s) == termination]
        cands = same or cands
    return cands[0]


def match_pairing(
    pairing: Mapping[str, Any],
    metal_bulk,
    binary_bulk,
    metal_thickness_A: float,
    binary_thickness_A: float,
    max_area_A2: float,
    zsl: Mapping[str, float],
    definition: str,
    metal_termination: Mapping[str, Any] | None = None,
    binary_termination: Mapping[str, Any] | None = None,
    cell_choice: str = "smallest_area",
    max_atoms: int | None = None,
    n_candidates: int = 5,
) -> dict[str, Any]:
    """Slabs and chosen coincidence supercell of one pairing (paper 002 Table S3).

    Every ZSL cell within the area limit and the tolerances (:func:`zsl_matches`) is a
    candidate; :func:`choose_interface_cell` picks one by ``cell_choice`` under the atom
    limit ``max_atoms``.  This is the cell :func:`build_interface` builds for Fig. 2 and for
    the MD interfaces, so Table S3 reports the cell that is simulated.

    Parameters
    ----------
    pairing
        See :func:`check_pairing`.
    metal_bulk, binary_bulk
        Conventional ``Structure`` of each phase (:func:`seiflow.builders.surfaces.symmetrized_bulk`).
    metal_thickness_A, binary_thickness_A
        Slab thicknesses (Å, see :func:`interface_slab`).
    max_area_A2
        Largest supercell area (Å^2).
    zsl
        ``max_length_tol``, ``max_angle_tol``, ``max_area_ratio_tol`` (fractions).
    definition
        Key of :data:`MISMATCH_DEFINITIONS`.
    metal_termination, binary_termination
        ``{"shift", "termination"}`` of the facet to use (``None``: first Tasker slab).
    cell_choice, max_atoms, n_candidates
        See :func:`choose_interface_cell` (config ``decomposition.interface_cell_choice``,
        ``scales.<scale>.decomposition.max_interface_atoms``,
        ``decomposition.n_cell_candidates``).

    Returns
    -------
    dict
        ``pairing`` (checked), ``metal_slab``, ``binary_slab`` (pymatgen ``Slab``), ``best``
        (the chosen entry of :func:`zsl_matches` with ``rank``, ``n_atoms``, ``n_metal``,
        ``n_binary``, ``n_matches``), ``candidates`` (rows of
        :func:`choose_interface_cell`, each with ``pairing``) and ``row``: the
        JSON-serialisable Table S3 row (``pairing``, ``metal``, ``metal_miller``,
        ``binary``, ``binary_miller``, ``max_area_A2``, ``interface_cell_choice``,
        ``max_interface_atoms`` (NaN: no limit), ``mismatch_definition``,
        ``mismatch_percent``, ``strain_u_percent``, ``strain_v_percent``,
        ``angle_mismatch_deg``, ``area_mismatch_percent``, ``max_principal_strain_percent``,
        ``area_A2`` (binary supercell = interface area), ``metal_supercell_A``,
        ``binary_supercell_A`` (vector lengths), ``metal_gamma_deg``, ``binary_gamma_deg``,
        ``n_atoms``, ``n_metal``, ``n_binary``, ``mismatch_rank`` (1 + the number of
        candidates with a lower mismatch), ``n_matches``).

    Raises
    ------
    InterfaceError
        Invalid pairing/settings.
    InterfaceUnavailable
        No Tasker slab, no coincidence supercell, or none within ``max_atoms``.
    """
    p = check_pairing(pairing)
    mt = metal_termination or {}
    bt = binary_termination or {}
    mslab = interface_slab(metal_bulk, p["metal_miller"], metal_thickness_A,
                           mt.get("shift"), mt.get("termination"))
    bslab = interface_slab(binary_bulk, p["binary_miller"], binary_thickness_A,
                           bt.get("shift"), bt.get("termination"))
    _check_choice(cell_choice)
    matches = zsl_matches(mslab.lattice.matrix[:2], bslab.lattice.matrix[:2], max_area_A2,
                          zsl["max_length_tol"], zsl["max_angle_tol"],
                          zsl["max_area_ratio_tol"], definition)
    if not matches:
        raise InterfaceUnavailable(
            f"no coincidence supercell up to {max_area_A2} Å^2 within length tolerance "
            f"{zsl['max_length_tol']}, angle tolerance {zsl['max_angle_tol']}, area-ratio "
            f"tolerance {zsl['max_area_ratio_tol']}; raise max_area_A2 or the tolerances"
        )
    choice = choose_interface_cell(matches, mslab, bslab, cell_choice, max_atoms, n_candidates)
    best = choice["chosen"]
    label = pairing_label(p)
    fv = np.asarray(best["match"].film_sl_vectors)
    sv = np.asarray(best["match"].substrate_sl_vectors)
    row = {
        "pairing": label,
        "metal": p["metal"], "metal_miller": _mstr(p["metal_miller"]),
        "binary": p["binary"], "binary_miller": _mstr(p["binary_miller"]),
        "max_area_A2": float(max_area_A2),
        "interface_cell_choice": cell_choice,
        "max_interface_atoms": float("nan") if max_atoms is None else int(max_atoms),
        "mismatch_definition": MISMATCH_DEFINITIONS[definition],
        "mismatch_percent": best["mismatch_percent"],
        "strain_u_percent": best["strain_u_percent"],
        "strain_v_percent": best["strain_v_percent"],
        "angle_mismatch_deg": best["angle_mismatch_deg"],
        "area_mismatch_percent": best["area_mismatch_percent"],
        "max_principal_strain_percent": best["max_principal"],
        "area_A2": best["area_A2"],
        "metal_supercell_A": " x ".join(f"{v:.3f}" for v in np.linalg.norm(fv, axis=1)),
        "binary_supercell_A": " x ".join(f"{v:.3f}" for v in np.linalg.norm(sv, axis=1)),
        "metal_gamma_deg": _angle_deg(fv),
        "binary_gamma_deg": _angle_deg(sv),
        "n_atoms": best["n_atoms"], "n_metal": best["n_metal"], "n_binary": best["n_binary"],
        "mismatch_rank": 1 + sum(round(m["mismatch_percent"], 9)
                                 < round(best["mismatch_percent"], 9) for m in matches),
        "n_matches": best["n_matches"],
    }
    cands = [{"pairing": label, **c, "status": "ok", "note": ""} for c in choice["candidates"]]
    return {"pairing": p, "metal_slab": mslab, "binary_slab": bslab, "best": best,
            "candidates": cands, "row": row}


_ROW_NUMBERS = ("mismatch_percent", "strain_u_percent", "strain_v_percent",
                "angle_mismatch_deg", "area_mismatch_percent", "max_principal_strain_percent",
                "area_A2", "metal_gamma_deg", "binary_gamma_deg")
_CANDIDATE_NUMBERS = ("area_A2", "metal_area_A2", "metal_a_A", "metal_b_A", "metal_gamma_deg",
                      "binary_a_A", "binary_b_A", "binary_gamma_deg", "strain_u_percent",
                      "strain_v_percent", "angle_mismatch_deg", "area_mismatch_percent",
                      "max_principal_strain_percent", "mismatch_percent")


def _settings_choice(settings: Mapping[str, Any]) -> tuple[str, int | None, int]:
    """``interface_cell_choice`` (default ``smallest_area``, paper 002), ``max_interface_atoms``
    (default None) and ``n_cell_candidates`` (default 5) of a settings mapping."""
    return (settings.get("interface_cell_choice", "smallest_area"),
            settings.get("max_interface_atoms"), settings.get("n_cell_candidates", 5))


def lattice_match_tables(
    pairings: Sequence[Mapping[str, Any]],
    bulks: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> dict[str, list[dict[str, Any]]]:
    """Paper 002 Table S3: the chosen coincidence cell of every pairing and its candidates.

    Parameters
    ----------
    pairings
        Pairings (:func:`check_pairing`).
    bulks
        {phase: conventional ``Structure``} covering every phase of ``pairings``.
    settings
        ``metal_thickness_A`` ({metal: Å}), ``binary_thickness_A`` (Å), ``max_area_A2``
        (Å^2), ``zsl`` (tolerances), ``mismatch_definition``, and optionally
        ``interface_cell_choice`` (:data:`INTERFACE_CELL_CHOICES`, default
        ``smallest_area``), ``max_interface_atoms`` (default None = no limit) and
        ``n_cell_candidates`` (default 5).

    Returns
    -------
    dict
        ``rows``: one :func:`match_pairing` row per pairing plus ``status`` (``ok`` or
        ``unavailable``) and ``note``; an unavailable pairing (no Tasker slab, no cell within
        the area and tolerances, or none within ``max_interface_atoms``) has NaN numbers and
        the reason in ``note``.  ``candidates``: the candidate rows of
        :func:`choose_interface_cell` of every pairing (``pairing``, ``rank``, ``chosen``,
        ...; one ``unavailable`` row with NaN numbers for an unavailable pairing).

    Raises
    ------
    InterfaceError
        Invalid pairing or settings, or a phase missing from ``bulks``.
    """
    choice, max_atoms, n_cand = _settings_choice(settings)
    _check_choice(choice)
    _check_zsl_settings(settings["max_area_A2"], settings["zsl"]["max_length_tol"],
                        settings["zsl"]["max_angle_tol"], settings["zsl"]["max_area_ratio_tol"],
                        settings["mismatch_definition"])
    rows, cands = [], []
    for pr in pairings:
        p = check_pairing(pr)
        for key in ("metal", "binary"):
            if p[key] not in bulks:
                raise InterfaceError(f"no bulk structure for phase {p[key]!r}")
        try:
            mp = match_pairing(p, bulks[p["metal"]], bulks[p["binary"]],
                               settings["metal_thickness_A"][p["metal"]],
                               settings["binary_thickness_A"], settings["max_area_A2"],
                               settings["zsl"], settings["mismatch_definition"],
                               cell_choice=choice, max_atoms=max_atoms, n_candidates=n_cand)
            rows.append({**mp["row"], "status": "ok", "note": ""})
            cands.extend(mp["candidates"])
        except InterfaceUnavailable as err:
            rows.append({
                "pairing": pairing_label(p), "metal": p["metal"],
                "metal_miller": _mstr(p["metal_miller"]), "binary": p["binary"],
                "binary_miller": _mstr(p["binary_miller"]),
                "max_area_A2": float(settings["max_area_A2"]),
                "interface_cell_choice": choice,
                "max_interface_atoms": float("nan") if max_atoms is None else int(max_atoms),
                "mismatch_definition": MISMATCH_DEFINITIONS[settings["mismatch_definition"]],
                **{k: float("nan") for k in _ROW_NUMBERS},
                "metal_supercell_A": "", "binary_supercell_A": "", "n_atoms": None,
                "n_metal": None, "n_binary": None, "mismatch_rank": None, "n_matches": 0,
                "status": "unavailable", "note": str(err),
            })
            cands.append({"pairing": pairing_label(p), "rank": None, "chosen": False,
                          "within_max_atoms": False,
                          **{k: float("nan") for k in _CANDIDATE_NUMBERS},
                          "n_atoms": None, "n_metal": None, "n_binary": None,
                          "status": "unavailable", "note": str(err)})
    return {"rows": rows, "candidates": cands}


def lattice_match_rows(
    pairings: Sequence[Mapping[str, Any]],
    bulks: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """The ``rows`` of :func:`lattice_match_tables` (Table S3 without the candidates).

    Same parameters and errors as :func:`lattice_match_tables`.
    """
    return lattice_match_tables(pairings, bulks, settings)["rows"]


# --------------------------------------------------------------------------- #
# Interface and z-constrained bulk cells
# --------------------------------------------------------------------------- #
def _supercell_transform(slab, sl_vectors) -> np.ndarray:
    """Integer 3x3 transform taking the slab cell to the in-plane supercell ``sl_vectors``."""
    from pymatgen.analysis.interfaces.coherent_interfaces import from_2d_to_3d, get_2d_transform

    t2 = get_2d_transform(slab.lattice.matrix[:2], np.asarray(sl_vectors))
    if not np.allclose(t2, np.round(t2), atol=1e-6):
        raise InterfaceError("supercell vectors are not integer combinations of the slab cell")
    return np.round(from_2d_to_3d(np.round(t2))).astype(int)


def build_interface(metal_slab, binary_slab, match, gap_A: float) -> tuple[Atoms, dict]:
    """Periodic binary | metal | binary stack (two identical interfaces per cell).

    The metal (film) and binary (substrate) slabs are expanded to the supercell of a
    ``ZSLMatch`` (as pymatgen ``CoherentInterfaceBuilder.get_interfaces`` does) and joined
    with pymatgen ``Interface.from_slabs(gap=gap_A, vacuum_over_film=gap_A)``: the metal takes
    the binary's in-plane lattice (strain on the metal, paper 002 Sec. II) and the periodic
    image closes the second interface with the same gap.

    Parameters
    ----------
    metal_slab, binary_slab
        Symmetric Tasker slabs (pymatgen ``Slab``).
    match
        pymatgen ``ZSLMatch`` of ``metal_slab.lattice.matrix[:2]`` (film) and
        ``binary_slab.lattice.matrix[:2]`` (substrate).
    gap_A
        Distance along the normal between the outermost planes of the two slabs (Å, > 0).

    Returns
    -------
    (atoms, info)
        ``atoms``: periodic ``ase.Atoms``, a and b in the xy plane, c along z; tags
        0 = binary, 1 = metal.  ``info``: ``n_metal``, ``n_binary``, ``area_A2`` (interface
        area S), ``metal_transform`` / ``binary_transform`` (3x3 integer supercell matrices
        of the slab cells), ``cell_A`` (lengths).

    Raises
    ------
    InterfaceError
        Non-positive gap or a match that does not belong to these slabs.
    """
    from pymatgen.core.interface import Interface

    if not (np.isfinite(gap_A) and gap_A > 0):
        raise InterfaceError(f"gap_A must be positive, got {gap_A!r}")
    tf = _supercell_transform(metal_slab, match.film_sl_vectors)
    ts = _supercell_transform(binary_slab, match.substrate_sl_vectors)
    film = metal_slab.copy()
    film.make_supercell(tf)
    sub = binary_slab.copy()
    sub.make_supercell(ts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        iface = Interface.from_slabs(substrate_slab=sub, film_slab=film, gap=float(gap_A),
                                     vacuum_over_film=float(gap_A))
    labels = list(iface.site_properties["interface_label"])
    atoms = slab_to_atoms(iface)
    atoms.set_tags([1 if lab == "film" else 0 for lab in labels])
    cell = atoms.cell.array
    info = {
        "n_metal": int(sum(lab == "film" for lab in labels)),
        "n_binary": int(sum(lab == "substrate" for lab in labels)),
        "area_A2": float(np.linalg.norm(np.cross(cell[0], cell[1]))),
        "metal_transform": tf.tolist(),
        "binary_transform": ts.tolist(),
        "cell_A": [float(v) for v in atoms.cell.lengths()],
    }
    return atoms, info


def z_constrained_bulk(slab, transform, inplane_vectors) -> Atoms:
    """Bulk cell of a slab's phase with its in-plane lattice set to the interface's.

    The oriented unit cell of ``slab`` (a, b in the surface plane) is expanded by the same
    in-plane ``transform`` as the slab in the interface, then its a, b are set to
    ``inplane_vectors`` while c keeps its components along a, b and along the normal
    (c = alpha a + beta b + h n -> alpha a' + beta b' + h n').  Relaxing this cell with only
    the length along z free gives E_A(z) of paper 002 Eq. 3.  The cell is returned in a
    canonical frame: a along x, b in the xy plane, the normal along +z.

    Parameters
    ----------
    slab
        pymatgen ``Slab`` (its ``oriented_unit_cell`` is used).
    transform
        3x3 integer supercell matrix of the slab cell (from :func:`build_interface`).
    inplane_vectors
        Shape (2, 3) (Å): the interface's a and b.

    Returns
    -------
    ase.Atoms (periodic).

    Raises
    ------
    InterfaceError
        Bad vectors or a transform that is not in-plane.
    """
    from pymatgen.core import Lattice, Structure

    t = np.asarray(transform, dtype=int)
    if t.shape != (3, 3) or t[2, 2] != 1 or t[2, :2].any() or t[:2, 2].any():
        raise InterfaceError(f"transform must be in-plane (3x3 with t[2] = [0, 0, 1]): {t}")
    ab = _vec2(inplane_vectors)
    ouc = slab.oriented_unit_cell.copy()
    ouc.remove_oxidation_states()
    ouc.make_supercell(t)
    m = ouc.lattice.matrix
    n = np.cross(m[0], m[1])
    n /= np.linalg.norm(n)
    alpha, beta, h = np.linalg.solve(np.array([m[0], m[1], n]).T, m[2])
    frac = np.array(ouc.frac_coords)
    if h < 0:  # use -c so that the normal component is positive (same crystal)
        alpha, beta, h = -alpha, -beta, -h
        frac[:, 2] = -frac[:, 2]
    la, lb = np.linalg.norm(ab, axis=1)
    gamma = math.acos(max(-1.0, min(1.0, float(np.dot(ab[0], ab[1]) / (la * lb)))))
    a_new = np.array([la, 0.0, 0.0])
    b_new = np.array([lb * math.cos(gamma), lb * math.sin(gamma), 0.0])
    c_new = alpha * a_new + beta * b_new + np.array([0.0, 0.0, h])
    strained = Structure(Lattice([a_new, b_new, c_new]), [sp.symbol for sp in ouc.species],
                         frac % 1.0)
    return slab_to_atoms(strained)


# --------------------------------------------------------------------------- #
# Energetics
# --------------------------------------------------------------------------- #
def interface_energetics_J_m2(
    interface_energy_eV: float,
    n_metal: int,
    metal_energy_per_atom_eV: float,
    n_binary: int,
    binary_energy_per_atom_eV: float,
    metal_z_energy_per_atom_eV: float,
    binary_z_energy_per_atom_eV: float,
    area_A2: float,
    gamma_metal_J_m2: float,
    gamma_binary_J_m2: float,
) -> dict[str, float]:
    """Interface energetics of a periodic A|B|A cell with two interfaces of area S each.

    Per atom instead of per formula unit (both sides are stoichiometric, so
    N_fu E_fu = N_atoms E_atom):

    * E_f   = [E_AB - (N_A E_A + N_B E_B)] / 2S               (paper 002 Eq. 2)
    * sigma = [E_AB - (N_A E_A(z) + N_B E_B(z))] / 2S         (paper 002 Eq. 3)
    * E_strain = E_f - sigma                                   (paper 002 text after Eq. 3)
    * W_adh = gamma_A + gamma_B - sigma                        (paper 002 Eq. 4)
    * W_adh(Eq. 5) = gamma_A + gamma_B - E_f                   (paper 002 Eq. 5)

    Parameters
    ----------
    interface_energy_eV
        E_AB of the relaxed interface cell (eV).
    n_metal, n_binary
        Atoms of the metal (A) and binary (B) in the cell (>= 1).
    metal_energy_per_atom_eV, binary_energy_per_atom_eV
        Relaxed bulk energies per atom (eV/atom).
    metal_z_energy_per_atom_eV, binary_z_energy_per_atom_eV
        Bulk energies per atom with the in-plane lattice fixed to the interface's and the
        normal direction relaxed (eV/atom).
    area_A2
        Interface area S (Å^2, > 0).
    gamma_metal_J_m2, gamma_binary_J_m2
        Surface energies of the two facets (J/m^2, paper 002 Eq. 1).

    Returns
    -------
    dict (J/m^2): ``E_f_J_m2``, ``sigma_J_m2``, ``strain_energy_J_m2``, ``W_adh_J_m2``
    (Eq. 4), ``W_adh_eq5_J_m2``.

    Raises
    ------
    InterfaceError
        Non-positive area or atom counts, non-finite values.
    """
    vals = [interface_energy_eV, metal_energy_per_atom_eV, binary_energy_per_atom_eV,
            metal_z_energy_per_atom_eV, binary_z_energy_per_atom_eV, gamma_metal_J_m2,
            gamma_binary_J_m2]
    if not all(np.isfinite(v) for v in vals):
        raise InterfaceError("interface energetics: all energies must be finite")
    if not (np.isfinite(area_A2) and area_A2 > 0):
        raise InterfaceError(f"interface area must be positive, got {area_A2!r}")
    for name, n in (("n_metal", n_metal), ("n_binary", n_binary)):
        if isinstance(n, bool) or int(n) != n or n < 1:
            raise InterfaceError(f"{name} must be a positive integer, got {n!r}")
    k = EV_PER_A2_TO_J_PER_M2 / (2.0 * area_A2)
    e_f = (interface_energy_eV - n_metal * metal_energy_per_atom_eV
           - n_binary * binary_energy_per_atom_eV) * k
    sigma = (interface_energy_eV - n_metal * metal_z_energy_per_atom_eV
             - n_binary * binary_z_energy_per_atom_eV) * k
    g = gamma_metal_J_m2 + gamma_binary_J_m2
    return {
        "E_f_J_m2": float(e_f),
        "sigma_J_m2": float(sigma),
        "strain_energy_J_m2": float(e_f - sigma),
        "W_adh_J_m2": float(g - sigma),
        "W_adh_eq5_J_m2": float(g - e_f),
    }


def facet_gamma(surfaces: Mapping[str, Any], bulk, miller) -> dict[str, Any]:
    """Lowest-gamma record of the facet family of ``miller`` in a surfaces JSON.

    Parameters
    ----------
    surfaces
        JSON of the ``decomposition_surfaces`` rule (``phase``, ``facets``: lowest-gamma
        record per plane with ``miller``, ``gamma_J_m2``, ``shift``, ``termination``).
    bulk
        Conventional ``Structure`` of the phase (symmetry for equivalent planes).
    miller
        (h, k, l) of the interface plane.

    Raises
    ------
    InterfaceError
        No computed facet equivalent to ``miller``.
    """
    hkl = check_miller(miller)
    for rec in surfaces.get("facets", []):
        if equivalent_miller(bulk, rec["miller"], hkl):
            return dict(rec)
    raise InterfaceUnavailable(
        f"{surfaces.get('phase')}{_mstr(hkl)}: no surface energy computed for this plane "
        f"(computed: {[r['miller'] for r in surfaces.get('facets', [])]}; planes without a "
        f"Tasker slab: {[r['miller'] for r in surfaces.get('planes_without_slab', [])]})"
    )


def relax_interface_energetics(
    pairing: Mapping[str, Any],
    metal_bulk,
    binary_bulk,
    metal_surfaces: Mapping[str, Any],
    binary_surfaces: Mapping[str, Any],
    metal_energy_per_atom_eV: float,
    binary_energy_per_atom_eV: float,
    calculator,
    settings: Mapping[str, Any],
) -> tuple[dict[str, Any], Atoms]:
    """Build, relax and evaluate one interface (paper 002 Eqs. 2-5).

    Steps: the lowest-gamma termination of each facet (from the surfaces JSON) is cut with
    the interface thicknesses; :func:`match_pairing` picks the coincidence cell by
    ``interface_cell_choice`` under ``max_interface_atoms`` (the same cell as Table S3);
    :func:`build_interface` stacks binary|metal|binary; the cell is relaxed with
    :func:`seiflow.builders.surfaces.relax_atoms` (positions + the cell DOF of
    :data:`CELL_RELAX_MODES`); each bulk is relaxed along z with the relaxed interface's
    in-plane lattice (:func:`z_constrained_bulk`, Voigt mask zz); then
    :func:`interface_energetics_J_m2`.

    Parameters
    ----------
    pairing
        See :func:`check_pairing`.
    metal_bulk, binary_bulk
        Conventional ``Structure`` of each relaxed bulk.
    metal_surfaces, binary_surfaces
        Surfaces JSON of each phase (see :func:`facet_gamma`).
    metal_energy_per_atom_eV, binary_energy_per_atom_eV
        Relaxed bulk energies (eV/atom), same oracle as ``calculator``.
    calculator
        ASE calculator.
    settings
        ``metal_thickness_A`` ({metal: Å}), ``binary_thickness_A`` (Å), ``max_area_A2`` (Å^2),
        ``zsl`` ({max_length_tol, max_angle_tol, max_area_ratio_tol}),
        ``mismatch_definition``, ``gap_A`` (Å), ``cell_relax`` (``normal``|``full``),
        ``fmax_eV_A``, ``relax_steps``, ``optimizer``; optionally ``interface_cell_choice``,
        ``max_interface_atoms``, ``n_cell_candidates`` (see :func:`lattice_match_tables`).

    Returns
    -------
    (record, relaxed_atoms)
        ``record``: JSON-serialisable dict with the Table S3 row, gamma and termination of
        both facets, atom counts, area, all energies (eV and eV/atom), relaxation info and
        the results of :func:`interface_energetics_J_m2`.  ``relaxed_atoms``: the relaxed
        interface (tags 0 binary, 1 metal).

    Raises
    ------
    InterfaceError
        Invalid pairing or settings, missing facet, no Tasker slab, no coincidence cell.
    """
    p = check_pairing(pairing)
    mode = settings["cell_relax"]
    if mode not in CELL_RELAX_MODES:
        raise InterfaceError(f"cell_relax must be one of {list(CELL_RELAX_MODES)}, got {mode!r}")
    if settings["optimizer"] not in OPTIMIZERS:
        raise InterfaceError(f"optimizer must be one of {OPTIMIZERS}")
    gm = facet_gamma(metal_surfaces, metal_bulk, p["metal_miller"])
    gb = facet_gamma(binary_surfaces, binary_bulk, p["binary_miller"])
    # The facet record may be a symmetry-equivalent plane: cut the stored plane.
    pm = {**p, "metal_miller": tuple(gm["miller"]), "binary_miller": tuple(gb["miller"])}
    choice, max_atoms, n_cand = _settings_choice(settings)
    mp = match_pairing(pm, metal_bulk, binary_bulk, settings["metal_thickness_A"][p["metal"]],
                       settings["binary_thickness_A"], settings["max_area_A2"], settings["zsl"],
                       settings["mismatch_definition"], gm, gb, cell_choice=choice,
                       max_atoms=max_atoms, n_candidates=n_cand)
    mp["row"].update({"pairing": pairing_label(p), "metal_miller": _mstr(p["metal_miller"]),
                      "binary_miller": _mstr(p["binary_miller"])})
    atoms, info = build_interface(mp["metal_slab"], mp["binary_slab"], mp["best"]["match"],
                                  settings["gap_A"])
    if (info["n_metal"], info["n_binary"]) != (mp["best"]["n_metal"], mp["best"]["n_binary"]):
        raise InterfaceError(f"{pairing_label(p)}: built cell has {info['n_metal']} metal + "
                             f"{info['n_binary']} binary atoms, the chosen match "
                             f"{mp['best']['n_metal']} + {mp['best']['n_binary']}")
    relaxed, rinfo = relax_atoms(atoms, calculator, settings["fmax_eV_A"],
                                 settings["relax_steps"], cell_mask=CELL_RELAX_MODES[mode],
                                 optimizer=settings["optimizer"])
    relaxed.set_tags(atoms.get_tags())
    ab = relaxed.cell.array[:2]
    area = float(np.linalg.norm(np.cross(ab[0], ab[1])))
    zmask = [0, 0, 1, 0, 0, 0]
    zm, zm_info = relax_atoms(z_constrained_bulk(mp["metal_slab"], info["metal_transform"], ab),
                              calculator, settings["fmax_eV_A"], settings["relax_steps"],
                              cell_mask=zmask, optimizer=settings["optimizer"])
    zb, zb_info = relax_atoms(z_constrained_bulk(mp["binary_slab"], info["binary_transform"], ab),
                              calculator, settings["fmax_eV_A"], settings["relax_steps"],
                              cell_mask=zmask, optimizer=settings["optimizer"])
    e_mz = zm_info["energy_eV"] / len(zm)
    e_bz = zb_info["energy_eV"] / len(zb)
    ener = interface_energetics_J_m2(
        rinfo["energy_eV"], info["n_metal"], metal_energy_per_atom_eV, info["n_binary"],
        binary_energy_per_atom_eV, e_mz, e_bz, area, gm["gamma_J_m2"], gb["gamma_J_m2"])
    record = {
        "pairing_id": pairing_id(p),
        **mp["row"],
        "metal_slab": slab_record(mp["metal_slab"]),
        "binary_slab": slab_record(mp["binary_slab"]),
        "gamma_metal_J_m2": gm["gamma_J_m2"],
        "gamma_binary_J_m2": gb["gamma_J_m2"],
        "n_atoms": len(relaxed),
        "n_metal": info["n_metal"],
        "n_binary": info["n_binary"],
        "metal_transform": info["metal_transform"],
        "binary_transform": info["binary_transform"],
        "interface_area_A2": area,
        "cell_relax": mode,
        "gap_A": float(settings["gap_A"]),
        "interface_energy_eV": rinfo["energy_eV"],
        "interface_relax": {k: v for k, v in rinfo.items() if k != "energy_eV"},
        "metal_energy_per_atom_eV": float(metal_energy_per_atom_eV),
        "binary_energy_per_atom_eV": float(binary_energy_per_atom_eV),
        "metal_z_energy_per_atom_eV": e_mz,
        "binary_z_energy_per_atom_eV": e_bz,
        "metal_z_relax": {**{k: v for k, v in zm_info.items() if k != "energy_eV"},
                          "n_atoms": len(zm)},
        "binary_z_relax": {**{k: v for k, v in zb_info.items() if k != "energy_eV"},
                           "n_atoms": len(zb)},
        **ener,
    }
    relaxed.info.update({"pairing": record["pairing"], "E_f_J_m2": ener["E_f_J_m2"]})
    return record, relaxed


def interface_record(pairing: Mapping[str, Any], *args, **kwargs) -> tuple[dict, Atoms | None]:
    """:func:`relax_interface_energetics`, with unavailable pairings recorded, not raised.

    Same arguments.  Returns ``(record, atoms)`` with ``record["status"] = "ok"``, or, when
    :class:`InterfaceUnavailable` is raised (no Tasker slab, no gamma for the plane, no
    coincidence cell within the area / tolerances), ``({"pairing_id", "pairing", "metal",
    "binary", "status": "unavailable", "note": reason}, None)``.

    Raises
    ------
    InterfaceError
        Invalid pairing or settings (anything but :class:`InterfaceUnavailable`).
    """
    p = check_pairing(pairing)
    try:
        record, atoms = relax_interface_energetics(p, *args, **kwargs)
    except InterfaceUnavailable as err:
        return {"pairing_id": pairing_id(p), "pairing": pairing_label(p), "metal": p["metal"],
                "binary": p["binary"], "status": "unavailable", "note": str(err)}, None
    record["status"] = "ok"
    record["note"] = ""
    return record, atoms


# --------------------------------------------------------------------------- #
# Config semantics
# --------------------------------------------------------------------------- #
def check_decomposition_config(cfg: Mapping[str, Any]) -> None:
    """Cross-key checks of the decomposition_interfaces config that JSON schema cannot do.

    Rejects, for every ``scales.<name>.decomposition`` block: pairings that fail
    :func:`check_pairing`; duplicate pairings (same :func:`pairing_id`); pairings whose metal
    or binary is not in ``phases``; pairing Miller indices above ``max_miller_index``; with an
    explicit ``miller_indices`` list, pairing planes whose sorted |h|,|k|,|l| match no listed
    plane; metals of ``phases``/pairings without ``metal_thickness_A``; unknown phases;
    ``miller_indices`` entries above ``max_miller_index``; a ``max_interface_atoms`` that is
    not an integer >= 2.  Also rejects an unknown ``decomposition.mismatch_definition`` /
    ``interface_cell_relax`` / ``interface_cell_choice`` / ``optimizer`` and a
    ``decomposition.n_cell_candidates`` below 1.

    Raises
    ------
    ValueError
        With the offending scale and key.
    """
    top = cfg["decomposition"]
    if top["mismatch_definition"] not in MISMATCH_DEFINITIONS:
        raise ValueError(f"decomposition.mismatch_definition must be one of "
                         f"{list(MISMATCH_DEFINITIONS)}")
    if top["interface_cell_relax"] not in CELL_RELAX_MODES:
        raise ValueError(f"decomposition.interface_cell_relax must be one of "
                         f"{list(CELL_RELAX_MODES)}")
    if top["optimizer"] not in OPTIMIZERS:
        raise ValueError(f"decomposition.optimizer must be one of {OPTIMIZERS}")
    if top["interface_cell_choice"] not in INTERFACE_CELL_CHOICES:
        raise ValueError(f"decomposition.interface_cell_choice must be one of "
                         f"{list(INTERFACE_CELL_CHOICES)}, got {top['interface_cell_choice']!r}")
    n_cand = top["n_cell_candidates"]
    if isinstance(n_cand, bool) or not isinstance(n_cand, int) or n_cand < 1:
        raise ValueError(f"decomposition.n_cell_candidates must be a positive integer, "
                         f"got {n_cand!r}")
    for name, block in cfg["scales"].items():
        d = block["decomposition"]
        where = f"scales.{name}.decomposition"
        n_max = d["max_interface_atoms"]
        if isinstance(n_max, bool) or not isinstance(n_max, int) or n_max < 2:
            raise ValueError(f"{where}.max_interface_atoms must be an integer >= 2 (atoms of "
                             f"the metal | binary interface cell), got {n_max!r}")
        phases = list(d["phases"])
        for ph in phases:
            if ph not in DECOMPOSITION_PHASES:
                raise ValueError(f"{where}.phases: unknown phase {ph!r}")
        if len(set(phases)) != len(phases):
            raise ValueError(f"{where}.phases has duplicates")
        max_i = int(d["max_miller_index"])
        explicit = d["miller_indices"]
        if explicit != "all":
            for hkl in explicit:
                try:
                    m = check_miller(hkl)
                except SurfaceError as err:
                    raise ValueError(f"{where}.miller_indices: {err}") from err
                if max(abs(v) for v in m) > max_i:
                    raise ValueError(f"{where}.miller_indices: {m} exceeds max_miller_index")
        thick = d["metal_thickness_A"]
        for ph in phases:
            if ph in METALS and ph not in thick:
                raise ValueError(f"{where}.metal_thickness_A lacks metal {ph!r}")
        seen = set()
        for pr in d["pairings"]:
            try:
                p = check_pairing(pr)
            except InterfaceError as err:
                raise ValueError(f"{where}.pairings: {err}") from err
            pid = pairing_id(p)
            if pid in seen:
                raise ValueError(f"{where}.pairings: duplicate pairing {pairing_label(p)}")
            seen.add(pid)
            for key in ("metal", "binary"):
                if p[key] not in phases:
                    raise ValueError(f"{where}.pairings: {pairing_label(p)} needs phase "
                                     f"{p[key]!r} in {where}.phases")
            if p["metal"] not in thick:
                raise ValueError(f"{where}.metal_thickness_A lacks metal {p['metal']!r}")
            for key in ("metal_miller", "binary_miller"):
                m = p[key]
                if max(abs(v) for v in m) > max_i:
                    raise ValueError(f"{where}.pairings: {pairing_label(p)} {key} exceeds "
                                     f"max_miller_index={max_i}")
                if explicit != "all":
                    key_abs = sorted(abs(v) for v in m)
                    if not any(sorted(abs(v) for v in e) == key_abs for e in explicit):
                        raise ValueError(f"{where}.pairings: {pairing_label(p)} {key} {m} is "
                                         f"not among {where}.miller_indices")


# --------------------------------------------------------------------------- #
# Outputs (the figure is plot_interface_energetics in plot/metal_binary.py)
# --------------------------------------------------------------------------- #
def interface_energetics_table(records: Sequence[Mapping[str, Any]]):
    """Long table of E_f, sigma and W_adh of every interface (data of paper 002 Fig. 2a/b).

    Parameters
    ----------
    records
        Interface records of :func:`relax_interface_energetics` (a record whose ``status``
        is not ``"ok"`` becomes one ``unavailable`` row carrying its ``note``).

    Returns
    -------
    pandas.DataFrame
        One row per interface and quantity: ``pairing``, ``metal``, ``binary``,
        ``quantity`` (E_f_J_m2 (Eq. 2), sigma_J_m2 (Eq. 3), strain_energy_J_m2,
        W_adh_J_m2 (Eq. 4), W_adh_eq5_J_m2 (Eq. 5); ``unavailable`` for a pairing that could
        not be modelled), ``value_J_m2`` (J/m^2), ``mismatch_percent`` (%),
        ``interface_area_A2`` (Å^2), ``n_atoms``, ``converged``, ``note``.

    Raises
    ------
    InterfaceError
        No records, no modelled interface, or a record without the energetics keys.
    """
    import pandas as pd

    if not records:
        raise InterfaceError("plot_interface_energetics: no interface records")
    keys = ["E_f_J_m2", "sigma_J_m2", "strain_energy_J_m2", "W_adh_J_m2", "W_adh_eq5_J_m2"]
    rows = []
    for r in records:
        if r.get("status", "ok") != "ok":
            rows.append({"pairing": r.get("pairing"), "metal": r.get("metal"),
                         "binary": r.get("binary"), "quantity": "unavailable",
                         "value_J_m2": float("nan"), "mismatch_percent": float("nan"),
                         "interface_area_A2": float("nan"), "n_atoms": None,
                         "converged": None, "note": r.get("note", "")})
            continue
        missing = [k for k in keys + ["pairing", "metal", "binary"] if k not in r]
        if missing:
            raise InterfaceError(f"interface record lacks {missing}")
        for k in keys:
            rows.append({
                "pairing": r["pairing"], "metal": r["metal"], "binary": r["binary"],
                "quantity": k, "value_J_m2": r[k], "mismatch_percent": r.get("mismatch_percent"),
                "interface_area_A2": r.get("interface_area_A2"), "n_atoms": r.get("n_atoms"),
                "converged": (r.get("interface_relax") or {}).get("converged"), "note": "",
            })
    data = pd.DataFrame(rows)
    shown = data[data["quantity"] != "unavailable"]
    if shown.empty:
        raise InterfaceError("plot_interface_energetics: no interface could be modelled "
                             f"({[r.get('note') for r in records]})")
    return data
