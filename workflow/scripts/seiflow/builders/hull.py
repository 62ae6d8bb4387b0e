"""Energy above the convex hull of the Li2S(1-x-y)PxCly orderings (paper 001, issue 6).

Paper 001 (Ding et al., symmetric_cell study) computes "the DFT formation energy for all
symmetry-inequivalent structures of Li2S0.75P0.125Cl0.125 (24 atoms)" -- four of them, the
text on Fig. S14 says -- and finds the most stable one 27.7 meV/atom above the convex hull.
This module redoes that number with the pipeline's oracle:

1. :func:`li2s_pcl_orderings` -- every symmetry-distinct way of putting ``n_p`` P and
   ``n_cl`` Cl on the S sites of a Li2S supercell.  The 24-atom cell is the 2x1x1 repeat of
   the 12-atom antifluorite conventional cell (Li16 S6 P Cl = Li2S0.75P0.125Cl0.125); with
   one P and one Cl on its 8 anion sites it has exactly four distinct orderings, the number
   the paper quotes.  Enumeration: the configurations are orbits of the space group of the
   pristine supercell (spglib through pymatgen's SpacegroupAnalyzer, lattice translations of
   the supercell included) acting on the anion sites -- the standard derivative-structure
   approach (Hart & Forcade, Phys. Rev. B 77, 224115 (2008); enumlib's ``enum.x`` is not
   installed, and for a few hundred configurations explicit orbits are exact and instant).
2. :func:`relax_orderings` -- cell + positions relaxation with the oracle through
   :func:`seiflow.builders.bulk.relax_bulk` (ASE FrechetCellFilter + FIRE/BFGS).
3. :func:`hull_table` -- E above hull from pymatgen's :class:`CompoundPhaseDiagram` on the
   terminal compositions Li2S, Li3P and LiCl (oracle-relaxed, bulk stage).

Why a compound phase diagram on Li2S-Li3P-LiCl: Li2S0.75P0.125Cl0.125 is fully reduced
(Li+, S2-, P3-, Cl-); it lies inside the triangle spanned by the three binaries, which are the
stable end products of Li6PS5Cl reduction by Li metal (paper 001 Fig. 4 labels the SEI with
exactly these crystals).  Elemental S, P, Cl and the oxidised Li-P-S phases are not in the
pipeline, and a decomposition of a fully reduced composition into them would need a redox
reaction against Li2S/Li3P/LiCl, which are themselves stable against Li metal, so the
Li2S-Li3P-LiCl triangle is taken to be a facet of the full Li-P-S-Cl hull (as it is in the
Materials Project phase diagram the paper's DFT numbers are compared with).  On that facet
E_hull is normalisation independent: pymatgen's terminal compositions are normalised per
atom (``normalize_terminal_compositions=True``), so one "dummy atom" of the compound diagram
is one real atom and all energies below are eV per real atom.

Units: energies eV (totals) or eV/atom, lengths Å, temperature K.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from ase import Atoms

__all__ = [
    "HullError",
    "TERMINALS",
    "PUBLISHED_E_HULL_MEV_ATOM",
    "Ordering",
    "anion_site_permutations",
    "li2s_pcl_orderings",
    "relax_orderings",
    "hull_table",
    "terminal_reaction",
    "configurational_entropy",
    "hull_summary",
    "hull_numbers_table",
]

#: Terminal compositions of the compound phase diagram (fully reduced Li-P-S-Cl binaries).
TERMINALS: tuple[str, ...] = ("Li2S", "Li3P", "LiCl")
#: Paper 001: most stable 24-atom Li2S0.75P0.125Cl0.125 ordering above the hull (PBE).
PUBLISHED_E_HULL_MEV_ATOM = 27.7
_KB_EV_K = 8.617333262e-5  # Boltzmann constant (CODATA 2018), eV/K


class HullError(ValueError):
    """Invalid input to an ordering / hull function."""


@dataclass(frozen=True)
class Ordering:
    """One symmetry-distinct P/Cl ordering on the anion sublattice of a Li2S supercell.

    Attributes
    ----------
    label
        ``"o<k>"``, k in enumeration order (sorted by canonical site tuple).
    structure
        pymatgen ``Structure`` of the supercell with the substitutions (site order of the
        pristine supercell).
    multiplicity
        Number of configurations of the supercell equivalent to this one (orbit size); the
        multiplicities of all orderings sum to C(n_anion, n_p) * C(n_anion - n_p, n_cl).
    p_sites, cl_sites
        Indices (into ``structure``) of the P and Cl sites of the representative.
    min_p_cl_distance_A
        Shortest P-Cl distance including periodic images (Å, unrelaxed; NaN without P or Cl).
    space_group
        International number of the ordered supercell (spglib, same ``symprec_A``).
    """

    label: str
    structure: Any = field(repr=False)
    multiplicity: int
    p_sites: tuple[int, ...]
    cl_sites: tuple[int, ...]
    min_p_cl_distance_A: float
    space_group: int

    def to_atoms(self) -> Atoms:
        """The ordering as periodic ``ase.Atoms`` with ``info`` holding the metadata."""
        from pymatgen.io.ase import AseAtomsAdaptor

        atoms = AseAtomsAdaptor.get_atoms(self.structure)
        atoms.pbc = True
        atoms.info.update(ordering=self.label, multiplicity=self.multiplicity,
                          p_sites=" ".join(map(str, self.p_sites)),
                          cl_sites=" ".join(map(str, self.cl_sites)))
        return atoms


# --------------------------------------------------------------------------- #
# Enumeration
# --------------------------------------------------------------------------- #
def _as_structure(obj):
    from pymatgen.core import Structure
    from pymatgen.io.ase import AseAtomsAdaptor

    if isinstance(obj, Structure):
        return obj.copy()
    if isinstance(obj, Atoms):
        return AseAtomsAdaptor.get_structure(obj)
    raise HullError(f"expected a pymatgen Structure or ase.Atoms, got {type(obj).__name__}")


def _symmetry(structure, symprec_A: float, ops: bool = False):
    """spglib (through pymatgen) space-group number, or the fractional symmetry operations."""
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spglib deprecation notices
        sga = SpacegroupAnalyzer(structure, symprec=symprec_A)
        if ops:
            return sga.get_symmetry_operations(cartesian=False)
        return int(sga.get_space_group_number())


def anion_site_permutations(structure, sites: Sequence[int], symprec_A: float = 0.01
                            ) -> np.ndarray:
    """How each space-group operation of ``structure`` permutes a set of sites.

    Parameters
    ----------
    structure
        pymatgen ``Structure`` (periodic; its own lattice translations count as operations,
        so a supercell gets the pure translations of the parent lattice).
    sites
        Indices of the sites to permute (e.g. all anion sites); must be closed under the
        space group (one or several whole Wyckoff orbits).
    symprec_A
        spglib tolerance (Å), also the matching tolerance of the mapped positions.

    Returns
    -------
    numpy.ndarray of int, shape (n_operations, len(sites))
        Row g: operation g sends ``sites[j]`` to ``sites[perm[g, j]]``.  Duplicate rows
        (operations that act identically on these sites) are removed.

    Raises
    ------
    HullError
        An operation maps a site outside ``sites`` (the set is not closed under symmetry).
    """
    sites = list(sites)
    frac = np.array([structure[i].frac_coords for i in sites])
    ops = _symmetry(structure, symprec_A, ops=True)
    lattice = structure.lattice.matrix
    perms = []
    for op in ops:
        image = op.operate_multi(frac)
        diff = image[:, None, :] - frac[None, :, :]
        diff -= np.round(diff)
        dist = np.linalg.norm(diff @ lattice, axis=-1)  # (n_sites, n_sites), Å
        perm = dist.argmin(axis=1)
        if dist[np.arange(len(sites)), perm].max() > 2 * symprec_A or \
                len(set(perm.tolist())) != len(sites):
            raise HullError("the site set is not closed under the space group of the structure")
        perms.append(perm)
    return np.unique(np.array(perms, dtype=int), axis=0)


def li2s_pcl_orderings(
    li2s,
    supercell: Sequence[int] | Sequence[Sequence[int]] = (2, 1, 1),
    n_p: int = 1,
    n_cl: int = 1,
    symprec_A: float = 0.01,
    anion: str = "S",
) -> list[Ordering]:
    """Every symmetry-distinct placement of ``n_p`` P and ``n_cl`` Cl on the S sites of Li2S.

    Each configuration (choice of P sites, then Cl sites among the remaining anion sites) is
    mapped by all space-group operations of the pristine supercell (point operations and
    supercell translations); configurations in one orbit are equivalent.  The representative
    of an orbit is its lexicographically smallest (P sites, Cl sites) tuple and its
    multiplicity the orbit size (derivative structures, Hart & Forcade, PRB 77, 224115
    (2008)).  Cost: C(n, n_p) C(n - n_p, n_cl) configurations times the number of operations.

    Parameters
    ----------
    li2s
        Li2S cell (pymatgen ``Structure`` or ``ase.Atoms``), normally the 12-atom
        antifluorite conventional cell (:func:`seiflow.builders.cells.load_bulk` or the
        oracle-relaxed ``results/<scale>/bulk/relaxed/Li2S.extxyz``).
    supercell
        Repeats (3 ints) or a 3x3 integer matrix; (2, 1, 1) of the conventional cell gives
        the 24-atom Li16 S8 cell of paper 001.
    n_p, n_cl
        Numbers of S replaced by P and by Cl (>= 0, together at most the number of S).
    symprec_A
        spglib tolerance (Å).
    anion
        Element of the substituted sublattice.

    Returns
    -------
    list of Ordering
        Sorted by representative site tuple, labelled ``o0, o1, ...``.  For the 24-atom cell
        with one P and one Cl: 4 orderings, multiplicities 8, 32, 8, 8 (sum 8 * 7 = 56).

    Raises
    ------
    HullError
        ``li2s`` has no ``anion`` sites or is partially occupied, or invalid ``n_p`` / ``n_cl``.
    """
    base = _as_structure(li2s)
    if not base.is_ordered:
        raise HullError("the parent structure must be ordered")
    sc = base * supercell
    anions = [i for i, s in enumerate(sc) if s.specie.symbol == anion]
    n = len(anions)
    if n == 0:
        raise HullError(f"no {anion} sites in the parent structure")
    if int(n_p) != n_p or int(n_cl) != n_cl or n_p < 0 or n_cl < 0 or n_p + n_cl > n:
        raise HullError(f"need integers 0 <= n_p, n_cl with n_p + n_cl <= {n}; "
                        f"got n_p={n_p}, n_cl={n_cl}")
    perms = anion_site_permutations(sc, anions, symprec_A)

    orbits: dict[tuple, int] = {}
    for p in itertools.combinations(range(n), n_p):
        rest = [j for j in range(n) if j not in p]
        for cl in itertools.combinations(rest, n_cl):
            key = min((tuple(sorted(g[list(p)])), tuple(sorted(g[list(cl)]))) for g in perms)
            orbits[key] = orbits.get(key, 0) + 1

    out = []
    for k, ((p, cl), mult) in enumerate(sorted(orbits.items())):
        s = sc.copy()
        p_sites, cl_sites = tuple(anions[j] for j in p), tuple(anions[j] for j in cl)
        for i in p_sites:
            s.replace(i, "P")
        for i in cl_sites:
            s.replace(i, "Cl")
        if p_sites and cl_sites:
            d = min(float(s.get_distance(i, j)) for i in p_sites for j in cl_sites)
        else:
            d = float("nan")
        out.append(Ordering(f"o{k}", s, int(mult), p_sites, cl_sites, d,
                            _symmetry(s, symprec_A)))
    return out


# --------------------------------------------------------------------------- #
# Relaxation
# --------------------------------------------------------------------------- #
def relax_orderings(
    orderings: Sequence[Ordering],
    calculator,
    fmax_eV_A: float = 0.05,
    max_steps: int = 500,
    optimizer: str = "FIRE",
    keep_symmetry: bool = False,
) -> tuple[list[Atoms], pd.DataFrame]:
    """Relax cell and positions of every ordering with the oracle.

    Thin loop over :func:`seiflow.builders.bulk.relax_bulk` (ASE FrechetCellFilter at zero pressure,
    FIRE or BFGS); with ``keep_symmetry`` the space group of each ordering (not of Li2S) is
    kept by ASE's FixSymmetry.

    Parameters
    ----------
    orderings
        From :func:`li2s_pcl_orderings`.
    calculator
        ASE calculator (:func:`seiflow.oracle.calculators.get_calculator`).
    fmax_eV_A, max_steps, optimizer, keep_symmetry
        As in :func:`seiflow.builders.bulk.relax_bulk` (force criterion eV/Å, steps, "FIRE"/"BFGS").

    Returns
    -------
    (relaxed, table)
        ``relaxed``: one ``ase.Atoms`` per ordering with a SinglePointCalculator (energy eV,
        forces eV/Å, stress eV/Å^3) and ``info["ordering"]``.  ``table``: one row per
        ordering: ``ordering, multiplicity, p_sites, cl_sites, min_p_cl_distance_A,
        space_group`` plus every scalar of the ``relax_bulk`` result (``formula``,
        ``n_atoms``, ``energy_eV``, ``energy_per_atom_eV``, lattice, ``converged`` ...).

    Raises
    ------
    seiflow.builders.bulk.BulkError
        From ``relax_bulk`` (invalid parameters, non-finite oracle results).
    """
    from seiflow.builders.bulk import relax_bulk

    relaxed, rows = [], []
    for o in orderings:
        atoms, res = relax_bulk(o.to_atoms(), calculator, fmax_eV_A=fmax_eV_A,
                                max_steps=max_steps, optimizer=optimizer,
                                keep_symmetry=keep_symmetry)
        atoms.info.update(ordering=o.label, multiplicity=o.multiplicity)
        relaxed.append(atoms)
        rows.append({"ordering": o.label, "multiplicity": o.multiplicity,
                     "p_sites": " ".join(map(str, o.p_sites)),
                     "cl_sites": " ".join(map(str, o.cl_sites)),
                     "min_p_cl_distance_A": o.min_p_cl_distance_A, "space_group": o.space_group,
                     **{k: v for k, v in res.items() if np.isscalar(v)}})
    return relaxed, pd.DataFrame(rows)


# --------------------------------------------------------------------------- #
# Hull
# --------------------------------------------------------------------------- #
def _entries(records: Sequence[Mapping[str, Any]]):
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    out, names = [], set()
    for r in records:
        missing = {"name", "formula", "energy_eV"} - set(r)
        if missing:
            raise HullError(f"record {r.get('name')!r} lacks {sorted(missing)}")
        if r["name"] in names:
            raise HullError(f"duplicate entry name {r['name']!r}")
        names.add(r["name"])
        e = float(r["energy_eV"])
        if not np.isfinite(e):
            raise HullError(f"entry {r['name']!r}: energy must be finite, got {e}")
        out.append(PDEntry(Composition(r["formula"]), e, name=str(r["name"])))
    return out


def hull_table(
    records: Sequence[Mapping[str, Any]], terminals: Sequence[str] = TERMINALS
) -> pd.DataFrame:
    """Energy above hull, phase-separation energy and decomposition of every entry.

    pymatgen :class:`~pymatgen.analysis.phase_diagram.CompoundPhaseDiagram` on the terminal
    compositions (per-atom normalised, so its energies are per real atom; see the module
    docstring for why the Li2S-Li3P-LiCl triangle).  Convex-hull construction as in Ong et
    al., Chem. Mater. 20, 1798 (2008).

    Parameters
    ----------
    records
        Dicts with ``name`` (unique), ``formula`` (composition of the cell, e.g.
        ``"Li16PS6Cl"`` or ``"Li8S4"``) and ``energy_eV`` (total energy of that cell, eV).
        Every terminal must be present as the reduced formula of at least one record.
    terminals
        Terminal compositions of the diagram (default :data:`TERMINALS`).

    Returns
    -------
    pandas.DataFrame
        One row per record, input order: ``name, formula, reduced_formula, n_atoms,
        energy_per_atom_eV, is_terminal``,
        ``e_above_hull_eV_atom`` (>= 0, hull of all entries),
        ``e_phase_separation_eV_atom`` (energy relative to the hull of all entries of other
        compositions, Bartel et al. npj Comput. Mater. 6, 97 (2020): negative = stable
        against decomposition; for a composition inside the triangle with only the
        terminals as other phases it equals ``formation_energy_eV_atom``; NaN for
        terminals, which are vertices by construction),
        ``formation_energy_eV_atom`` (energy of the reaction terminals -> entry, per atom),
        ``decomposition`` (competing phases of other compositions and their atom fractions,
        e.g. ``"Li2S:0.7500 Li3P:0.1667 LiCl:0.0833"``; a terminal: itself).

    Raises
    ------
    HullError
        Missing keys, duplicate names, non-finite energies, a missing terminal, or a
        composition outside the terminals' span.
    """
    from pymatgen.analysis.phase_diagram import CompoundPhaseDiagram
    from pymatgen.core import Composition

    entries = _entries(records)
    terms = [Composition(t) for t in terminals]
    reduced = {e.composition.reduced_formula for e in entries}
    if missing := [t for t in terminals if Composition(t).reduced_formula not in reduced]:
        raise HullError(f"no entry for terminal(s) {missing}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pd_ = CompoundPhaseDiagram(entries, terms, normalize_terminal_compositions=True)
        except ValueError as err:
            raise HullError(f"cannot build the compound phase diagram: {err}") from err
    if len(pd_.all_entries) != len(entries):
        raise HullError("some entries lie outside the span of the terminal compositions "
                        f"{list(terminals)}")
    by_name = {t.original_entry.name: t for t in pd_.all_entries}
    term_red = {t.reduced_formula for t in terms}
    without: dict[str, Any] = {}  # reduced formula -> diagram of all other compositions
    rows = []
    for e in entries:
        t = by_name[e.name]
        red = e.composition.reduced_formula
        if not math.isclose(t.composition.num_atoms, e.composition.num_atoms, rel_tol=1e-9):
            raise HullError(f"{e.name}: transformed atom count differs from the real one")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            decomp, e_hull = pd_.get_decomp_and_e_above_hull(t, allow_negative=True)
            e_sep = float("nan")  # a terminal is a vertex of the diagram by construction
            if red not in term_red:
                if red not in without:
                    without[red] = CompoundPhaseDiagram(
                        [x for x in entries if x.composition.reduced_formula != red], terms)
                other = without[red]
                decomp, e_sep = other.get_decomp_and_e_above_hull(
                    other.transform_entries([e], terms)[0][0], allow_negative=True)
        rows.append({
            "name": e.name, "formula": e.composition.formula.replace(" ", ""),
            "reduced_formula": e.composition.reduced_formula,
            "n_atoms": int(round(e.composition.num_atoms)),
            "energy_per_atom_eV": e.energy_per_atom,
            "is_terminal": e.composition.reduced_formula in term_red,
            "e_above_hull_eV_atom": max(float(e_hull), 0.0),
            "e_phase_separation_eV_atom": float(e_sep),
            "formation_energy_eV_atom": float(pd_.get_form_energy_per_atom(t)),
            "decomposition": " ".join(
                f"{d.original_entry.name}:{f:.4f}"
                for d, f in sorted(decomp.items(), key=lambda kv: -kv[1])),
        })
    return pd.DataFrame(rows)


def terminal_reaction(formula: str, terminals: Sequence[str] = TERMINALS):
    """Balanced reaction terminals -> product, product normalised to one anion.

    Parameters
    ----------
    formula
        Product composition, e.g. ``"Li16PS6Cl"``.
    terminals
        Reactant compositions (default :data:`TERMINALS`).

    Returns
    -------
    (reaction, coefficients, product)
        ``reaction``: pymatgen :class:`~pymatgen.analysis.reaction_calculator.Reaction`,
        e.g. ``0.75 Li2S + 0.125 Li3P + 0.125 LiCl -> Li2P0.125S0.75Cl0.125``;
        ``coefficients``: terminal formula -> moles per mole of product (> 0);
        ``product``: the normalised product Composition (S + P + Cl = 1, i.e.
        Li2S0.75P0.125Cl0.125).

    Raises
    ------
    HullError
        The product is not a non-negative combination of the terminals.
    """
    from pymatgen.analysis.reaction_calculator import Reaction, ReactionError
    from pymatgen.core import Composition

    comp = Composition(formula)
    n_anion = sum(comp[el] for el in ("S", "P", "Cl", "O", "N", "Se", "Br", "I", "F"))
    if n_anion <= 0:
        raise HullError(f"{formula}: no anions to normalise to")
    product = comp / n_anion
    reactants = [Composition(t) for t in terminals]
    try:
        rxn = Reaction(reactants, [product])
    except ReactionError as err:
        raise HullError(f"{formula} cannot be balanced against {list(terminals)}: {err}") from err
    rxn.normalize_to(product, 1.0)
    coeffs = {t.reduced_formula: round(-float(rxn.get_coeff(t)), 12) for t in reactants
              if abs(rxn.get_coeff(t)) > 1e-12}
    if any(c < 0 for c in coeffs.values()):
        raise HullError(f"{formula} is outside the terminal triangle: coefficients {coeffs}")
    return rxn, coeffs, product


def configurational_entropy(fractions: Sequence[float], sites_per_atom: float = 1.0) -> float:
    """Ideal (random-solution) configurational entropy, in units of k_B.

    S_conf = -k_B sum_i x_i ln x_i per mixing site (ideal solution / Bragg-Williams point
    approximation, e.g. Porter & Easterling, Phase Transformations in Metals and Alloys,
    Eq. 1.25), times ``sites_per_atom`` to express it per atom.

    Parameters
    ----------
    fractions
        Site fractions x_i of the species sharing the sublattice, shape (n_species,);
        must be >= 0 and sum to 1 (e.g. S, P, Cl: 0.75, 0.125, 0.125).
    sites_per_atom
        Mixing sites per atom (Li2S0.75P0.125Cl0.125: 1/3; 1 gives per site).

    Returns
    -------
    float
        S_conf / k_B (multiply by k_B T, eV, for T S_conf).

    Raises
    ------
    HullError
        Negative fractions or fractions not summing to 1.
    """
    x = np.asarray(fractions, dtype=float)
    if (x < 0).any() or not math.isclose(x.sum(), 1.0, abs_tol=1e-9):
        raise HullError(f"site fractions must be >= 0 and sum to 1, got {x.tolist()}")
    x = x[x > 0]
    return float(-(x * np.log(x)).sum() * sites_per_atom)


def hull_summary(
    orderings: pd.DataFrame,
    terminals: pd.DataFrame,
    temperature_K: float = 300.0,
    published_meV_atom: float = PUBLISHED_E_HULL_MEV_ATOM,
) -> dict[str, Any]:
    """JSON-ready summary of the ordering hull (the paper-001 text number and context).

    Parameters
    ----------
    orderings
        One row per relaxed ordering with ``ordering``, ``multiplicity``, ``formula`` and the
        columns of :func:`hull_table` (``e_above_hull_eV_atom``,
        ``e_phase_separation_eV_atom``, ``formation_energy_eV_atom``, ``decomposition``).
    terminals
        :func:`hull_table` rows of the terminal phases (``name``, ``energy_per_atom_eV``,
        ``e_above_hull_eV_atom``).
    temperature_K
        Temperature of the T S_conf comparison (paper 001: room temperature).
    published_meV_atom
        Published E above hull of the most stable ordering (paper 001: 27.7 meV/atom).

    Returns
    -------
    dict
        ``n_orderings``, ``n_configurations`` (sum of multiplicities), ``most_stable``
        (label), ``e_above_hull_meV_atom`` (most stable ordering vs the terminal hull, i.e.
        max(phase-separation energy, 0)), ``e_phase_separation_meV_atom`` (can be < 0),
        ``e_phase_separation_range_meV_atom`` [min, max] over orderings, ``reaction`` (string),
        ``reaction_coefficients``, ``reaction_energy_meV_atom`` (most stable ordering),
        ``decomposition``, ``terminal_energies_eV_atom``, ``TS_conf_meV_atom`` and
        ``TS_conf_meV_anion`` (ideal random solution on the anion sublattice at
        ``temperature_K``), ``published_e_above_hull_meV_atom``.

    Raises
    ------
    HullError
        Empty table, missing columns or orderings of different compositions.
    """
    need = {"ordering", "multiplicity", "formula", "e_phase_separation_eV_atom",
            "formation_energy_eV_atom", "decomposition"}
    if orderings.empty or (missing := need - set(orderings.columns)):
        raise HullError(f"orderings table empty or lacking {sorted(missing or need)}")
    from pymatgen.core import Composition

    comps = {Composition(f).reduced_formula for f in orderings["formula"]}
    if len(comps) != 1:
        raise HullError(f"orderings of several compositions: {sorted(comps)}")
    best = orderings.loc[orderings["e_phase_separation_eV_atom"].idxmin()]
    rxn, coeffs, product = terminal_reaction(best["formula"])
    anion = [product[el] for el in ("S", "P", "Cl") if product[el] > 0]
    kt_meV = _KB_EV_K * float(temperature_K) * 1e3
    s_anion = configurational_entropy(anion)
    e_sep = orderings["e_phase_separation_eV_atom"] * 1e3
    return {
        "composition": product.formula.replace(" ", ""),
        "cell_formula": Composition(best["formula"]).formula.replace(" ", ""),
        "n_orderings": int(len(orderings)),
        "n_configurations": int(orderings["multiplicity"].sum()),
        "multiplicities": {r.ordering: int(r.multiplicity) for r in orderings.itertuples()},
        "most_stable": str(best["ordering"]),
        "e_above_hull_meV_atom": max(float(best["e_phase_separation_eV_atom"]), 0.0) * 1e3,
        "e_phase_separation_meV_atom": float(best["e_phase_separation_eV_atom"]) * 1e3,
        "e_phase_separation_range_meV_atom": [float(e_sep.min()), float(e_sep.max())],
        "reaction": str(rxn),
        "reaction_coefficients": coeffs,
        "reaction_energy_meV_atom": float(best["formation_energy_eV_atom"]) * 1e3,
        "decomposition": str(best["decomposition"]),
        "terminal_energies_eV_atom": {r.name: float(r.energy_per_atom_eV)
                                      for r in terminals.itertuples()},
        "temperature_K": float(temperature_K),
        "TS_conf_meV_anion": kt_meV * s_anion,
        "TS_conf_meV_atom": kt_meV * s_anion * float(sum(anion)) / product.num_atoms,
        "published_e_above_hull_meV_atom": float(published_meV_atom),
    }


def hull_numbers_table(summary: Mapping[str, Any]) -> pd.DataFrame:
    """Paper 001 text numbers (tables/numbers.csv): E above hull of the most stable ordering and
    the ideal-mixing T*S of the anion sublattice, next to the published values.

    Parameters
    ----------
    summary
        :func:`hull_summary` result: ``e_above_hull_meV_atom``,
        ``published_e_above_hull_meV_atom``, ``e_phase_separation_meV_atom`` (meV/atom),
        ``TS_conf_meV_anion`` (meV per anion site), ``temperature_K`` (K), ``oracle``.

    Returns
    -------
    pandas.DataFrame
        Three rows: ``quantity``, ``value``, ``unit``, ``published`` (paper 001 text: 27.7
        meV/atom above the hull, T*S_conf ≈ 20 meV; NaN where none), ``source``, ``oracle``.

    Raises
    ------
    KeyError
        A key listed above is missing.
    """

    src = "paper 001 text (PBE, VASP)"
    return pd.DataFrame([
        {"quantity": "E above Li2S-Li3P-LiCl hull, most stable Li2S0.75P0.125Cl0.125 ordering",
         "value": summary["e_above_hull_meV_atom"], "unit": "meV/atom",
         "published": summary["published_e_above_hull_meV_atom"], "source": src,
         "oracle": summary["oracle"]},
        {"quantity": "signed phase-separation energy of that ordering",
         "value": summary["e_phase_separation_meV_atom"], "unit": "meV/atom",
         "published": float("nan"), "source": src, "oracle": summary["oracle"]},
        {"quantity": f"ideal-mixing T*S_conf at {summary['temperature_K']:g} K (per anion site)",
         "value": summary["TS_conf_meV_anion"], "unit": "meV/anion",
         "published": 20.0, "source": "paper 001 text (≈20 meV/atom)",
         "oracle": summary["oracle"]},
    ])
