"""Li2S0.75P0.125Cl0.125 orderings and their energy above the hull (issue 6, seiflow.builders.hull)."""

import itertools
import json
import math
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import run_rule_script

from seiflow.builders.bulk import write_relaxed
from seiflow.builders.hull import (
    TERMINALS,
    HullError,
    configurational_entropy,
    hull_summary,
    hull_table,
    li2s_pcl_orderings,
    relax_orderings,
    terminal_reaction,
)
from seiflow.builders.cells import load_bulk


@pytest.fixture(scope="module")
def li2s():
    return load_bulk("Li2S")


@pytest.fixture(scope="module")
def paper_cell(li2s):
    return li2s_pcl_orderings(li2s, (2, 1, 1), n_p=1, n_cl=1)


@pytest.fixture(scope="module")
def chgnet():
    pytest.importorskip("chgnet")
    from seiflow.oracle.calculators import get_calculator

    return get_calculator("chgnet", n_threads=1)


# --------------------------------------------------------------------------- #
# Enumeration
# --------------------------------------------------------------------------- #
def test_one_substitution_has_one_site_class(li2s):
    # antifluorite S sits on the single Wyckoff orbit 4a: every S site is equivalent
    for sc in ((1, 1, 1), (2, 1, 1), (1, 2, 1)):
        (o,) = li2s_pcl_orderings(li2s, sc, n_p=1, n_cl=0)
        assert o.multiplicity == 4 * int(np.prod(sc))
        assert o.structure.composition.as_dict() == {"Li": 8 * np.prod(sc), "S": 4 * np.prod(sc)
                                                     - 1, "P": 1}


def test_two_p_by_hand(li2s):
    # By hand: in the 2x1x1 cell the fcc anion sites differ by (in units of a) (1,0,0),
    # (0,1/2,1/2), (1,1/2,1/2) (one image each, x long axis) or the 4 vectors (+-1/2,0,1/2),
    # (+-1/2,1/2,0) which the 4/mmm point group maps onto each other -> 4 classes of the
    # 8*7/2 = 28 pairs, with 4, 4, 4 and 16 members.
    orderings = li2s_pcl_orderings(li2s, (2, 1, 1), n_p=2, n_cl=0)
    assert sorted(o.multiplicity for o in orderings) == [4, 4, 4, 16]
    # 2 P + 2 Cl: every configuration counted once
    many = li2s_pcl_orderings(li2s, (2, 1, 1), n_p=2, n_cl=2)
    assert sum(o.multiplicity for o in many) == math.comb(8, 2) * math.comb(6, 2)


def test_paper_cell_has_the_four_orderings_of_paper_001(paper_cell, li2s):
    a = li2s.lattice.a
    assert len(paper_cell) == 4  # paper 001: "all four symmetry-inequivalent structures"
    assert sum(o.multiplicity for o in paper_cell) == 8 * 7
    assert sorted(o.multiplicity for o in paper_cell) == [8, 8, 8, 32]
    for o in paper_cell:
        assert len(o.structure) == 24
        assert o.structure.composition.as_dict() == {"Li": 16, "S": 6, "P": 1, "Cl": 1}
        assert o.structure.composition.reduced_composition.almost_equals(
            terminal_reaction("Li16PS6Cl")[2] * 8)
        atoms = o.to_atoms()
        assert atoms.info["ordering"] == o.label and len(atoms) == 24
    # nearest anion-anion a/sqrt2 (two classes: along / across the doubled axis), a, a*sqrt(3/2)
    d = sorted(o.min_p_cl_distance_A for o in paper_cell)
    np.testing.assert_allclose(d, [a / 2**0.5, a / 2**0.5, a, a * 1.5**0.5], rtol=1e-6)
    # the same cell oriented along z gives the same orderings
    assert sorted(o.multiplicity for o in li2s_pcl_orderings(li2s, (1, 1, 2))) == [8, 8, 8, 32]


def test_orderings_match_brute_force_structure_matcher(paper_cell, li2s):
    from pymatgen.analysis.structure_matcher import StructureMatcher

    sc = li2s * (2, 1, 1)
    anions = [i for i, s in enumerate(sc) if s.specie.symbol == "S"]
    every = []
    for p, cl in itertools.permutations(anions, 2):
        s = sc.copy()
        s.replace(p, "P")
        s.replace(cl, "Cl")
        every.append(s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matcher = StructureMatcher(primitive_cell=False, scale=False, attempt_supercell=False)
        groups = matcher.group_structures(every)
        assert sorted(len(g) for g in groups) == sorted(o.multiplicity for o in paper_cell)
        # each representative falls in the group of its own size
        for o in paper_cell:
            (g,) = [g for g in groups if matcher.fit(g[0], o.structure)]
            assert len(g) == o.multiplicity


def test_enumeration_rejects_bad_input(li2s):
    with pytest.raises(HullError, match="n_p"):
        li2s_pcl_orderings(li2s, (1, 1, 1), n_p=3, n_cl=2)
    with pytest.raises(HullError, match="no Se"):
        li2s_pcl_orderings(li2s, anion="Se")
    with pytest.raises(HullError, match="Structure or ase.Atoms"):
        li2s_pcl_orderings("Li2S")


# --------------------------------------------------------------------------- #
# Hull (made-up energies, hand-computed)
# --------------------------------------------------------------------------- #
# eV/atom: Li2S -4.0, Li3P -3.5, LiCl -3.0; a 24-atom Li16PS6Cl cell mixes 18 atoms of
# Li2S, 4 of Li3P and 2 of LiCl -> E_mix = (18*-4.0 + 4*-3.5 + 2*-3.0)/24 = -3.8333 eV/atom.
E_MIX = (18 * -4.0 + 4 * -3.5 + 2 * -3.0) / 24
TERMS = [{"name": "Li2S", "formula": "Li8S4", "energy_eV": -4.0 * 12},
         {"name": "Li3P", "formula": "Li3P", "energy_eV": -3.5 * 4},
         {"name": "LiCl", "formula": "LiCl", "energy_eV": -3.0 * 2}]


def _cells(*e_per_atom):
    return [{"name": f"o{k}", "formula": "Li16PS6Cl", "energy_eV": 24 * e}
            for k, e in enumerate(e_per_atom)]


def test_hull_terminals_are_on_the_hull_and_orderings_by_hand():
    tab = hull_table(TERMS + _cells(-3.80, -3.81)).set_index("name")
    for t in TERMINALS:
        assert tab.loc[t, "e_above_hull_eV_atom"] == 0.0 and tab.loc[t, "is_terminal"]
        assert np.isnan(tab.loc[t, "e_phase_separation_eV_atom"])
    for name, e in (("o0", -3.80), ("o1", -3.81)):
        assert tab.loc[name, "e_above_hull_eV_atom"] == pytest.approx(e - E_MIX, abs=1e-9)
        assert tab.loc[name, "e_phase_separation_eV_atom"] == pytest.approx(e - E_MIX, abs=1e-9)
        assert tab.loc[name, "formation_energy_eV_atom"] == pytest.approx(e - E_MIX, abs=1e-9)
        assert tab.loc[name, "decomposition"] == "Li2S:0.7500 Li3P:0.1667 LiCl:0.0833"
    assert tab.loc["Li2S", "n_atoms"] == 12 and tab.loc["o0", "n_atoms"] == 24


def test_ordering_below_the_terminal_hull():
    tab = hull_table(TERMS + _cells(-3.80, -3.85)).set_index("name")
    # o1 is below the terminal mixture: it is the hull, o0 lies 0.05 eV/atom above it
    assert tab.loc["o1", "e_above_hull_eV_atom"] == 0.0
    assert tab.loc["o0", "e_above_hull_eV_atom"] == pytest.approx(0.05, abs=1e-9)
    # against the other compositions (the terminals) both keep their signed energies
    assert tab.loc["o1", "e_phase_separation_eV_atom"] == pytest.approx(-3.85 - E_MIX)
    assert tab.loc["o0", "e_phase_separation_eV_atom"] == pytest.approx(-3.80 - E_MIX)
    assert tab.loc["Li3P", "e_above_hull_eV_atom"] == 0.0


def test_hull_rejects_bad_records():
    with pytest.raises(HullError, match="terminal"):
        hull_table(TERMS[:2] + _cells(-3.8))
    with pytest.raises(HullError, match="outside"):
        hull_table(TERMS + [{"name": "x", "formula": "Li3PS4", "energy_eV": -30.0}])
    with pytest.raises(HullError, match="duplicate"):
        hull_table(TERMS + _cells(-3.8) + _cells(-3.9))
    with pytest.raises(HullError, match="finite"):
        hull_table(TERMS + _cells(float("nan")))


def test_terminal_reaction_and_its_energy():
    rxn, coeffs, product = terminal_reaction("Li16PS6Cl")
    assert coeffs == pytest.approx({"Li2S": 0.75, "Li3P": 0.125, "LiCl": 0.125})
    assert product.almost_equals(product.__class__("Li2S0.75P0.125Cl0.125"))
    assert str(rxn).startswith("0.75 Li2S + 0.125 Li3P + 0.125 LiCl ->")
    # reaction energy per atom from the coefficients equals the diagram's formation energy
    e_fu = {"Li2S": -4.0 * 3, "Li3P": -3.5 * 4, "LiCl": -3.0 * 2}
    e_rxn = (-3.81 * product.num_atoms - sum(c * e_fu[k] for k, c in coeffs.items()))
    tab = hull_table(TERMS + _cells(-3.81)).set_index("name")
    assert tab.loc["o0", "formation_energy_eV_atom"] == pytest.approx(
        e_rxn / product.num_atoms, abs=1e-9)
    with pytest.raises(HullError):
        terminal_reaction("Li3PS4")


def test_configurational_entropy_and_summary():
    x = [0.75, 0.125, 0.125]
    s = -(0.75 * math.log(0.75) + 2 * 0.125 * math.log(0.125))
    assert configurational_entropy(x) == pytest.approx(s)
    assert configurational_entropy(x, 1 / 3) == pytest.approx(s / 3)
    assert configurational_entropy([1.0]) == 0.0
    with pytest.raises(HullError):
        configurational_entropy([0.5, 0.6])

    tab = hull_table(TERMS + _cells(-3.80, -3.81, -3.79))
    orderings = tab[~tab.is_terminal].rename(columns={"name": "ordering"})
    orderings.insert(1, "multiplicity", [8, 32, 16])
    summ = hull_summary(orderings, tab[tab.is_terminal], temperature_K=300.0)
    assert summ["most_stable"] == "o1" and summ["n_configurations"] == 56
    assert summ["e_above_hull_meV_atom"] == pytest.approx((-3.81 - E_MIX) * 1e3)
    assert summ["reaction_energy_meV_atom"] == pytest.approx((-3.81 - E_MIX) * 1e3)
    assert summ["e_phase_separation_range_meV_atom"] == pytest.approx(
        [(-3.81 - E_MIX) * 1e3, (-3.79 - E_MIX) * 1e3])
    kt = 8.617333262e-5 * 300 * 1e3
    assert summ["TS_conf_meV_anion"] == pytest.approx(kt * s)
    assert summ["TS_conf_meV_atom"] == pytest.approx(kt * s / 3)
    assert summ["terminal_energies_eV_atom"] == pytest.approx(
        {"Li2S": -4.0, "Li3P": -3.5, "LiCl": -3.0})
    json.dumps(summ)  # JSON-ready
    below = hull_summary(orderings.assign(e_phase_separation_eV_atom=[-0.01, -0.02, 0.0]),
                         tab[tab.is_terminal])
    assert below["e_above_hull_meV_atom"] == 0.0 and below["most_stable"] == "o1"


# --------------------------------------------------------------------------- #
# Oracle relaxation and the rule script
# --------------------------------------------------------------------------- #
def test_relax_orderings_with_chgnet(li2s, chgnet):
    (o,) = li2s_pcl_orderings(li2s, (1, 1, 1), n_p=1, n_cl=1)  # 12 atoms, one ordering
    _, sp = relax_orderings([o], chgnet, max_steps=0)
    relaxed, tab = relax_orderings([o], chgnet, fmax_eV_A=0.01, max_steps=2)
    assert list(tab["ordering"]) == ["o0"] and tab.loc[0, "multiplicity"] == 12
    assert tab.loc[0, "n_steps"] <= 2 and tab.loc[0, "n_atoms"] == 12
    assert tab.loc[0, "formula"] == "Li8PS2Cl"
    assert np.isfinite(tab.loc[0, "energy_per_atom_eV"])
    assert tab.loc[0, "energy_eV"] <= sp.loc[0, "energy_eV"] + 1e-3  # FIRE went downhill
    assert relaxed[0].get_potential_energy() == pytest.approx(tab.loc[0, "energy_eV"])


def test_rule_script_end_to_end(tmp_path, li2s, root):
    from pymatgen.io.ase import AseAtomsAdaptor

    pytest.importorskip("chgnet")
    atoms = AseAtomsAdaptor.get_atoms(li2s)
    terms = []
    for phase, formula, e_fu in (("Li2S", "Li2S", -12.3), ("Li3P", "Li3P", -13.6),
                                 ("LiCl", "LiCl", -8.0)):
        res = {"formula": formula, "n_formula_units": 1, "energy_eV": e_fu,
               "energy_per_fu_eV": e_fu, "phase": phase, "oracle": "chgnet"}
        write_relaxed(atoms, res, tmp_path / f"{phase}.extxyz", tmp_path / f"{phase}.json")
        terms.append(str(tmp_path / f"{phase}.json"))
    out = tmp_path / "out"
    out.mkdir()
    smk = SimpleNamespace(
        input=SimpleNamespace(li2s=str(tmp_path / "Li2S.extxyz"), terminals=terms),
        output=SimpleNamespace(csv=str(out / "hull.csv"), json=str(out / "hull.json"),
                               extxyz=str(out / "orderings.extxyz"),
                               numbers=str(out / "numbers.csv")),
        params=SimpleNamespace(oracle="chgnet", supercell=[2, 1, 1], n_p=1, n_cl=1,
                               symprec_A=0.01, fmax_eV_A=0.05, max_steps=0,
                               optimizer="FIRE", keep_symmetry=False, temperature_K=300.0),
        threads=1, config={"dft": None}, log=[str(tmp_path / "hull.log")])
    run_rule_script("hull_orderings.py", smk)
    tab = pd.read_csv(out / "hull.csv")
    assert len(tab) == 4 and tab["multiplicity"].sum() == 56
    assert (tab["e_above_hull_eV_atom"] >= 0).all() and (tab["oracle"] == "chgnet").all()
    summ = json.loads((out / "hull.json").read_text())
    best = tab.loc[tab["energy_per_atom_eV"].idxmin()]
    e_mix = (-12.3 * 6 - 13.6 - 8.0) / 24
    assert summ["most_stable"] == best["ordering"]
    assert summ["reaction_energy_meV_atom"] == pytest.approx(
        (best["energy_per_atom_eV"] - e_mix) * 1e3, abs=1e-6)
    import ase.io

    assert len(ase.io.read(out / "orderings.extxyz", index=":")) == 4
    numbers = pd.read_csv(out / "numbers.csv")
    assert numbers["value"].iloc[0] == pytest.approx(summ["e_above_hull_meV_atom"])
    assert numbers["published"].iloc[0] == 27.7 and (numbers["oracle"] == "chgnet").all()
