"""Tests for seiflow.builders.terminations (paper 003: symmetric Li6PS5Cl slabs, gamma_surf, charge
balancing).  Small cells; one short CHGNet run of the whole study on a single plane."""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pytest
from ase.calculators.lj import LennardJones
from pymatgen.core.surface import SlabGenerator
from pymatgen.io.ase import AseAtomsAdaptor

from seiflow.builders.cells import disordered_lpsc_supercell, load_bulk
from seiflow.builders.terminations import (
    EV_PER_A2_IN_J_PER_M2,
    EV_PER_NM2_IN_J_PER_M2,
    TerminationError,
    balancing_plans,
    broken_ps4_units,
    charge_balance,
    charge_balance_candidates,
    check_terminations_config,
    decompose_composition,
    distinct_miller_indices,
    element_counts,
    elemental_chemical_potentials_eV,
    enumerate_terminations,
    flip_operations,
    formal_charge,
    framework_sites,
    parent_site_rotations,
    recompose,
    slab_is_symmetric,
    surface_energy_J_m2,
    symmetry_deviation_A,
    tab2_frame,
    tab4_frame,
    termination_study,
    validate_miller_index,
)
from seiflow.plot.terminations import render_table

warnings.filterwarnings("ignore", category=DeprecationWarning)

SETTINGS = {
    "bulk_phase": "Li6PS5Cl_disordered", "max_index": 1, "ps_bond_A": 2.3,
    "layer_tolerance_A": 0.1, "seam_tolerance_A": 0.5, "merge_tolerance_A": 1.2,
    "label_depth_A": 2.0, "surface_depth_A": 3.0,
    "formal_charges": {"Li": 1, "P": 5, "S": -2, "Cl": -1},
}


@pytest.fixture(scope="module")
def parent():
    return load_bulk("Li6PS5Cl")


@pytest.fixture(scope="module")
def cell(parent):
    return disordered_lpsc_supercell(parent, (1, 1, 1), s_cl_disorder=0.5, seed=11)


@pytest.fixture(scope="module")
def terminations(cell, parent):
    return enumerate_terminations(cell, min_slab_A=8.0, min_vacuum_A=8.0,
                                  miller_indices=[(1, 0, 0), (1, 1, 0)], parent_structure=parent)


@pytest.fixture(scope="module")
def strained_cell(cell):
    """A stand-in for the relaxed bulk: sheared cell (1.5 deg) and rattled atoms."""
    a = cell.copy()
    c = a.cell.array.copy()
    c[1] += 0.026 * c[0] + 0.01 * c[2]
    a.set_cell(c, scale_atoms=True)
    a.rattle(0.06, seed=5)
    return a


# --------------------------------------------------------------------------- Miller planes
def test_miller_validation():
    assert validate_miller_index([1, -1, 0], 1) == (1, -1, 0)
    for bad in [(0, 0, 0), (2, 0, 0), (1, 1, 2), (1, 1), (0.5, 0, 1)]:
        with pytest.raises(TerminationError):
            validate_miller_index(bad, 1)
    assert issubclass(TerminationError, ValueError)


def test_enumerate_rejects_bad_planes(cell, parent):
    for bad in ([(0, 0, 0)], [(2, 1, 0)], [(1, 0, 0), (1, 0, 0)]):
        with pytest.raises(TerminationError):
            enumerate_terminations(cell, miller_indices=bad, parent_structure=parent)
    with pytest.raises(TerminationError):
        enumerate_terminations(cell, min_slab_A=-1.0, miller_indices=[(1, 0, 0)],
                               parent_structure=parent)


def test_distinct_planes_follow_the_structure_not_the_lattice(cell, parent):
    # disorder (P1): only hkl ~ -h-k-l are the same planes -> 13 for max_index 1
    planes = distinct_miller_indices(cell, 1)
    assert len(planes) == 13 and planes[:3] == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    # the ordered-anion parent (F-43m) has the three cubic families only
    assert distinct_miller_indices(parent, 1) == [(1, 0, 0), (1, 1, 0), (1, 1, 1)]


def test_flip_operations_of_the_argyrodite_point_group(parent):
    rots = parent_site_rotations(parent, "P")
    assert len(rots) == 24  # P on 4b: site symmetry -43m
    for hkl in [(1, 0, 0), (0, 1, 0), (1, 1, 0), (0, 1, -1)]:
        ops = flip_operations(hkl, rots)
        assert ops, hkl
        w = ops[0]
        assert np.array_equal(np.array(hkl) @ w, -np.array(hkl))
        assert np.array_equal(w @ w, np.eye(3, dtype=int))
    # (100): the 2-fold axes along y and z; (110): the 2-fold axis along z and the (110)
    # mirror; proper rotations are preferred
    dets = {hkl: [round(np.linalg.det(w)) for w in flip_operations(hkl, rots)]
            for hkl in [(1, 0, 0), (1, 1, 0)]}
    assert dets == {(1, 0, 0): [1, 1], (1, 1, 0): [1, -1]}
    # paper 003: "no symmetric surface terminations" for (111): -43m has no such operation
    for hkl in [(1, 1, 1), (1, -1, 1)]:
        assert flip_operations(hkl, rots) == []


# --------------------------------------------------------------------------- symmetrisation
def test_raw_cuts_are_asymmetric_and_symmetrised_slabs_symmetric(cell, terminations):
    raw = SlabGenerator(AseAtomsAdaptor.get_structure(cell), (1, 0, 0), 8.0, 8.0,
                        primitive=False).get_slabs(bonds={("P", "S"): 2.3})
    assert raw
    for slab in raw[:3]:
        atoms = AseAtomsAdaptor.get_atoms(slab.get_orthogonal_c_slab())
        assert not slab_is_symmetric(atoms)

    ts = terminations.terminations
    assert len(ts) >= 8
    assert {t.miller for t in ts} == {(1, 0, 0), (1, 1, 0)}
    for t in ts:
        assert slab_is_symmetric(t.atoms), t.termination_id
        assert symmetry_deviation_A(t.atoms) < 1e-6, t.termination_id
        assert broken_ps4_units(t.atoms) == 0
        assert t.thickness_A >= 8.0 - 1e-6
        assert set(t.label.split("-")) <= {"Li", "P", "S", "Cl"}


def test_symmetry_checks_reject_a_one_sided_change(terminations):
    t = terminations.terminations[0]
    atoms = t.atoms.copy()
    top = int(np.argmax(atoms.positions[:, 2]))
    del atoms[top]
    assert not slab_is_symmetric(atoms)
    assert symmetry_deviation_A(atoms) > 0.5
    moved = t.atoms.copy()
    moved.positions[top, 2] += 0.4
    assert symmetry_deviation_A(moved) == pytest.approx(0.4, abs=1e-6)


def test_relaxed_like_cell_gives_symmetric_slabs(strained_cell, parent):
    ideal, disp, strain, max_u = framework_sites(
        AseAtomsAdaptor.get_structure(strained_cell), parent, (1, 1, 1))
    assert 0.005 < strain < 0.05 and 0.1 < max_u < 0.5
    ts = enumerate_terminations(strained_cell, min_slab_A=8.0, min_vacuum_A=8.0,
                                miller_indices=[(0, 1, 0)], parent_structure=parent)
    assert len(ts.terminations) >= 8
    for t in ts.terminations:
        assert symmetry_deviation_A(t.atoms) < 1e-6
        assert slab_is_symmetric(t.atoms)


# --------------------------------------------------------------------------- bookkeeping
def test_formal_charge():
    assert formal_charge({"Li": 40, "P": 8, "S": 32, "Cl": 6}) == 10  # paper 003 section 3.2.3
    assert formal_charge({"Li": 6, "P": 1, "S": 5, "Cl": 1}) == 0
    with pytest.raises(TerminationError):
        formal_charge({"Li": 1, "O": 1})


def test_bulk_stoichiometric_slab_is_neutral_with_no_excess(cell):
    slab = SlabGenerator(AseAtomsAdaptor.get_structure(cell), (1, 1, 0), 8.0, 8.0,
                         primitive=False).get_slab(shift=0.25)
    assert formal_charge(slab) == 0
    dec = decompose_composition(slab)
    assert dec["Li6PS5Cl"] == len(slab) / 13
    assert dec["Li3P"] == dec["Li2S"] == dec["LiCl"] == 0.0


def test_bookkeeping_reproduces_every_slab_composition(terminations):
    paper = decompose_composition({"Li": 40, "P": 8, "S": 32, "Cl": 6})
    assert paper == {"Li6PS5Cl": 6.75, "Li3P": 1.25, "Li2S": -1.75, "LiCl": -0.75}
    rng = np.random.default_rng(3)
    comps = [element_counts(t.atoms) for t in terminations.terminations]
    comps += [dict(zip(("Li", "P", "S", "Cl"), map(int, rng.integers(0, 60, 4))))
              for _ in range(20)]
    for counts in comps:
        dec = decompose_composition(counts)
        back = recompose(dec)
        assert all(back[el] == counts.get(el, 0) for el in ("Li", "P", "S", "Cl")), counts
        assert dec["Li3P"] * 8 == formal_charge(counts)  # Li3P carries the formal charge


def test_surface_energy_constructed_case():
    mu = {"Li3P": -13.0, "Li2S": -12.0, "LiCl": -8.0}
    e_fu, area, gamma_ev_a2 = -50.0, 100.0, 0.05
    excess = {"Li3P": 0.0, "Li2S": 1.0, "LiCl": -0.5}
    e_slab = 6 * e_fu + 1.0 * mu["Li2S"] - 0.5 * mu["LiCl"] + 2 * area * gamma_ev_a2
    g = surface_energy_J_m2(e_slab, e_fu, 6.0, excess, mu, area)
    assert g == pytest.approx(0.05 * 16.02176634, rel=1e-12)
    # 2 eV of excess over two 1 nm^2 surfaces is 1 eV/nm^2 = 0.1602 J/m^2
    assert surface_energy_J_m2(-298.0, -50.0, 6.0, {}, {}, 100.0) == pytest.approx(
        EV_PER_NM2_IN_J_PER_M2)
    assert EV_PER_A2_IN_J_PER_M2 == pytest.approx(100 * EV_PER_NM2_IN_J_PER_M2)
    with pytest.raises(TerminationError):
        surface_energy_J_m2(-1.0, -50.0, 6.0, excess, mu, 0.0)
    with pytest.raises(TerminationError):
        surface_energy_J_m2(-1.0, -50.0, 6.0, {"Li2S": 1.0}, {}, 10.0)


def test_elemental_chemical_potentials_agree_with_compound_route():
    e = {"Li6PS5Cl": -57.0, "Li3P": -13.6, "Li2S": -12.3, "LiCl": -8.0}
    mu = elemental_chemical_potentials_eV(e)
    assert 6 * mu["Li"] + mu["P"] + 5 * mu["S"] + mu["Cl"] == pytest.approx(e["Li6PS5Cl"])
    assert 3 * mu["Li"] + mu["P"] == pytest.approx(e["Li3P"])
    counts = {"Li": 38, "P": 6, "S": 29, "Cl": 7}
    dec = decompose_composition(counts)
    by_compound = sum(n * e[k] for k, n in dec.items())
    by_element = sum(n * mu[el] for el, n in counts.items())
    assert by_compound == pytest.approx(by_element)


# --------------------------------------------------------------------------- charge balancing
def test_balancing_plans_are_minimal():
    many = {"Li": 10, "P": 3, "S": 4, "Cl": 4}
    assert balancing_plans(10, many, many) == [{"pairs": {"P": 1}, "single": None, "n_atoms": 2}]
    assert balancing_plans(12, many, many) == [
        {"pairs": {"Li": 1, "P": 1}, "single": None, "n_atoms": 4}]
    assert balancing_plans(-10, many, many) == [
        {"pairs": {"S": 2, "Cl": 1}, "single": None, "n_atoms": 6}]
    odd = balancing_plans(11, many, many)
    assert odd == [{"pairs": {"P": 1}, "single": "Li", "n_atoms": 3}]
    assert balancing_plans(0, many, many)[0]["n_atoms"] == 0
    assert balancing_plans(10, {"Li": 1}, {"Li": 1}) == []


def test_charge_balance_picks_lowest_energy_minimal_removal(terminations):
    calc = LennardJones(sigma=2.0, epsilon=0.01, rc=5.0)
    charged = [t for t in terminations.terminations if formal_charge(t.atoms) not in (0,)]
    even = next(t for t in charged if formal_charge(t.atoms) % 2 == 0)
    cands = charge_balance_candidates(even.atoms, max_candidates=4, seed=1)
    assert 1 <= len(cands) <= 4 and all(c["symmetric"] for c in cands)
    res = charge_balance(even.atoms, calc, relax_steps=0, max_candidates=4, seed=1)
    assert formal_charge(res.atoms) == 0 and res.symmetric
    n_removed = len(even.atoms) - len(res.atoms)
    assert n_removed == balancing_plans(formal_charge(even.atoms), {"Li": 99, "P": 99, "S": 99,
                                                                    "Cl": 99}, {})[0]["n_atoms"]
    assert res.energy_eV == min(res.candidate_energies_eV)
    assert slab_is_symmetric(res.atoms) and symmetry_deviation_A(res.atoms) < 1e-6
    odd = next((t for t in charged if formal_charge(t.atoms) % 2), None)
    if odd is not None:
        r2 = charge_balance(odd.atoms, calc, max_candidates=2, seed=1)
        assert formal_charge(r2.atoms) == 0 and not r2.symmetric


# --------------------------------------------------------------------------- config
def _config():
    scale = {"terminations": {"miller_indices": [[1, 0, 0], [1, 1, 0]], "min_slab_A": 10.0,
                              "min_vacuum_A": 10.0, "relax_steps": 0, "fmax_eV_A": 0.05,
                              "n_balanced": 1, "max_balance_candidates": 2}}
    return {"terminations": dict(SETTINGS), "structures": {"min_distance_A": 1.2},
            "scales": {"test": scale, "demo": copy.deepcopy(scale)}}


def test_check_terminations_config():
    cfg = _config()
    check_terminations_config(cfg)
    cfg["scales"]["demo"]["terminations"]["miller_indices"] = "all"
    check_terminations_config(cfg)
    for mutate in (
        lambda c: c["scales"]["test"]["terminations"].update(miller_indices=[[0, 0, 0]]),
        lambda c: c["scales"]["test"]["terminations"].update(miller_indices=[[2, 0, 0]]),
        lambda c: c["scales"]["test"]["terminations"].update(miller_indices=[[1, 0, 0]] * 2),
        lambda c: c["terminations"].update(merge_tolerance_A=1.5),
        lambda c: c["terminations"].update(label_depth_A=4.0),
    ):
        bad = _config()
        mutate(bad)
        with pytest.raises(ValueError):
            check_terminations_config(bad)


# --------------------------------------------------------------------------- the whole study
def test_termination_study_with_chgnet(cell, parent, tmp_path):
    from seiflow.oracle.calculators import get_calculator

    calc = get_calculator("chgnet", 1)
    energies = {}
    for name in ("Li6PS5Cl", "Li3P", "Li2S", "LiCl"):
        atoms = cell.copy() if name == "Li6PS5Cl" else AseAtomsAdaptor.get_atoms(load_bulk(name))
        atoms.calc = calc
        n_fu = len(atoms) / {"Li6PS5Cl": 13, "Li3P": 4, "Li2S": 3, "LiCl": 2}[name]
        energies[name] = float(atoms.get_potential_energy()) / n_fu
    scale = {"miller_indices": [[1, 1, 0]], "min_slab_A": 8.0, "min_vacuum_A": 8.0,
             "relax_steps": 0, "fmax_eV_A": 0.05, "n_balanced": 1, "max_balance_candidates": 2}
    records, planes, slabs, balanced = termination_study(
        cell, energies, calc, SETTINGS, scale, seed=4, parent_structure=parent)
    assert planes[0]["n_terminations"] == len(records) == len(slabs) >= 2
    gammas = [r["gamma_J_m2"] for r in records]
    assert gammas == sorted(gammas) and [r["rank"] for r in records] == list(
        range(1, len(records) + 1))
    # single points on cuts of the same unrelaxed cell: cutting costs energy
    assert all(0.0 < g < 2.0 for g in gammas)
    for r, s in zip(records, slabs):
        assert r["symmetric"] and r["n_atoms"] == len(s)
        assert r["formal_charge_e"] == formal_charge(s)
        assert r["gamma_eV_nm2"] == pytest.approx(r["gamma_J_m2"] / 0.1602176634)
    low = records[0]
    assert "balanced" in low and low["formal_charge_neutral_e"] == 0
    assert len(balanced) == 1 and formal_charge(balanced[0]) == 0
    if low["formal_charge_e"] != 0:
        assert low["n_atoms_neutral"] < low["n_atoms"]
        assert math.isfinite(low["gamma_neutral_J_m2"])
    render_table(tab2_frame(records), tmp_path / "tab2.png", tmp_path / "tab2.csv",
                 ["rank", "miller", "gamma_J_m2"])
    t4 = tab4_frame(records)
    assert len(t4) == 1 and (tmp_path / "tab2.png").stat().st_size > 1000
    assert t4.loc[0, "formal_charge_neutral_e"] == 0
