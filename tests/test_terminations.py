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
    group_equivalent_slabs,
    image_partners,
    load_published_counts,
    normal_reversing_operations,
    paper_miller_indices,
    parent_site_rotations,
    recompose,
    slab_is_symmetric,
    surface_energy_J_m2,
    symmetrize_half_slab,
    symmetry_deviation_A,
    tab2_counts_frame,
    tab2_frame,
    tab4_frame,
    termination_study,
    validate_miller_index,
)
from seiflow.plot.terminations import render_table

warnings.filterwarnings("ignore", category=DeprecationWarning)

PUBLISHED_COUNTS = "workflow/resources/terminations/paper003_table2_counts.yaml"
SETTINGS = {
    "bulk_phase": "Li6PS5Cl_disordered", "enumeration": "paper_003", "max_index": 1,
    "published_counts_file": PUBLISHED_COUNTS, "ps_bond_A": 2.3,
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
    """The earlier definition: both faces of every cut, each rebuilt from one half."""
    return enumerate_terminations(cell, min_slab_A=8.0, min_vacuum_A=8.0,
                                  miller_indices=[(1, 0, 0), (1, 1, 0)], parent_structure=parent,
                                  enumeration="all_faces_signed_indices")


@pytest.fixture(scope="module")
def paper_terminations(cell, parent):
    """Paper 003 Table 2 definition on (100), (110) and (111)."""
    return enumerate_terminations(cell, min_slab_A=8.0, min_vacuum_A=8.0,
                                  miller_indices=[(1, 0, 0), (1, 1, 0), (1, 1, 1)],
                                  parent_structure=parent)


@pytest.fixture(scope="module")
def li_free_ordered(parent):
    """Ordered anions (F-43m framework) and no Li: every symmetric slab is symmetric as cut."""
    a = disordered_lpsc_supercell(parent, (1, 1, 1), s_cl_disorder=0.0, seed=11)
    del a[[k for k, s in enumerate(a.get_chemical_symbols()) if s == "Li"]]
    return a


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
                                miller_indices=[(0, 1, 0)], parent_structure=parent,
                                enumeration="all_faces_signed_indices")
    assert len(ts.terminations) >= 8
    for t in ts.terminations:
        assert symmetry_deviation_A(t.atoms) < 1e-6
        assert slab_is_symmetric(t.atoms)
    # the paper definition on the same relaxed-like cell: same cuts and verdicts as on the
    # unrelaxed sites, slabs exactly symmetric with the relaxed displacements carried along
    paper = enumerate_terminations(strained_cell, min_slab_A=8.0, min_vacuum_A=8.0,
                                   miller_indices=[(0, 1, 0)], parent_structure=parent)
    assert paper.terminations
    for t in paper.terminations:
        assert symmetry_deviation_A(t.atoms) < 1e-6 and slab_is_symmetric(t.atoms)
        assert broken_ps4_units(t.atoms) == 0


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


def test_charge_balance_of_paper_slabs_uses_their_stored_operation(paper_terminations):
    calc = LennardJones(sigma=2.0, epsilon=0.01, rc=5.0)
    for t in paper_terminations.terminations:
        partners = image_partners(t.atoms)
        assert (partners >= 0).all(), t.termination_id  # every atom has its image
    charged = [t for t in paper_terminations.terminations if formal_charge(t.atoms)]
    assert charged
    res = charge_balance(charged[0].atoms, calc, max_candidates=2, seed=1)
    assert formal_charge(res.atoms) == 0
    assert res.symmetric == (formal_charge(charged[0].atoms) % 2 == 0)


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
    neg = _config()
    neg["scales"]["test"]["terminations"]["miller_indices"] = [[1, -1, 0]]
    with pytest.raises(ValueError, match="negative index"):
        check_terminations_config(neg)
    neg["terminations"]["enumeration"] = "all_faces_signed_indices"
    check_terminations_config(neg)
    for mutate in (
        lambda c: c["terminations"].update(enumeration="every_cut"),
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
        assert r["symmetrisation"] in ("as_cut", "mirrored_half") and r["n_equivalent_cuts"] >= 1
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
    counts = tab2_counts_frame(planes, load_published_counts(PUBLISHED_COUNTS))
    assert list(counts["n_terminations"]) == [len(records), len(records)]
    t4 = tab4_frame(records)
    assert len(t4) == 1 and (tmp_path / "tab2.png").stat().st_size > 1000
    assert t4.loc[0, "formal_charge_neutral_e"] == 0


# --------------------------------------------------------------------------- paper 003 Table 2
def _slab(symbols, z_A, xy_A=None, c_A=20.0):
    """Orthogonal 5 x 5 Å slab cell, atoms at the given heights (and in-plane positions)."""
    from ase import Atoms

    xy = np.zeros((len(z_A), 2)) if xy_A is None else np.asarray(xy_A, float)
    pos = np.column_stack([xy, z_A])
    return Atoms(symbols, positions=pos, cell=[5.0, 5.0, c_A], pbc=True)


def test_paper_planes_are_the_non_negative_indices_up_to_max():
    assert paper_miller_indices(1) == [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1),
                                       (0, 1, 1), (1, 1, 1)]
    two = paper_miller_indices(2)
    assert len(two) == 19 and (2, 0, 0) not in two and (2, 1, 0) in two
    assert all(min(h) >= 0 for h in two)
    with pytest.raises(TerminationError):
        paper_miller_indices(0)


def test_normal_reversing_operations_of_analytic_slabs():
    sym = _slab(["S", "P", "S"], [8.0, 10.0, 12.0])
    ops = normal_reversing_operations(sym)
    assert ops
    m, p, g = ops[0]
    assert np.allclose(m @ [0, 0, 1], [0, 0, -1]) and p[2] == pytest.approx(10.0)
    assert np.allclose(g, 0.0) and symmetry_deviation_A(sym, m, p, g) < 1e-9
    # S below, Cl above: the two surfaces differ
    assert normal_reversing_operations(_slab(["S", "P", "Cl"], [8.0, 10.0, 12.0])) == []
    # one extra Li on the top: not symmetric, but its P/S framework is
    li = _slab(["S", "P", "S", "Li"], [8.0, 10.0, 12.0, 13.0], [[0, 0], [0, 0], [0, 0], [2, 2]])
    assert normal_reversing_operations(li) == []
    assert normal_reversing_operations(li, ignore_species=["Li"])
    # a 2-fold screw axis along x: r' = (x + a/2, -y, -z) about the slab centre
    screw = _slab(["S", "S"], [9.0, 11.0], [[0.0, 1.0], [2.5, -1.0]])
    ops = normal_reversing_operations(screw)
    assert any(np.linalg.norm(g) == pytest.approx(2.5) for _, _, g in ops)
    for m, p, g in ops:
        assert symmetry_deviation_A(screw, m, p, g) < 1e-9


def test_mirrored_half_with_a_glide_is_exactly_symmetric():
    ab = np.array([[5.0, 0, 0], [0, 5.0, 0]])
    m = np.diag([1.0, -1.0, -1.0])  # 2-fold axis along x through p, with a/2 glide
    p, g = np.array([0.0, 0.0, 10.0]), np.array([2.5, 0.0, 0.0])
    sp, pos = symmetrize_half_slab(["Li", "S", "Li"], np.array([[0.3, 1.0, 12.0],
                                   [1.0, 2.0, 13.5], [4.0, 4.0, 7.0]]),
                                   ab, m, p, "top", glide_A=g)
    assert sp.count("Li") == 2 and sp.count("S") == 2  # the bottom Li is replaced
    from ase import Atoms

    at = Atoms(sp, positions=pos, cell=[5.0, 5.0, 20.0], pbc=True)
    assert symmetry_deviation_A(at, m, p, g) < 1e-9
    with pytest.raises(TerminationError):  # a glide must lie along the kept axis
        symmetrize_half_slab(["S"], np.array([[0, 0, 12.0]]), ab, m, p, glide_A=[0, 1.0, 0])


def test_symmetric_as_cut_vs_mirrored_half(li_free_ordered, paper_terminations, parent):
    # no Li, ordered anions: every symmetric termination is symmetric as cut
    ordered = enumerate_terminations(li_free_ordered, min_slab_A=8.0, min_vacuum_A=8.0,
                                     miller_indices=[(1, 0, 0)], parent_structure=parent)
    assert ordered.terminations
    assert {t.symmetrisation for t in ordered.terminations} == {"as_cut"}
    # random 48h Li: the framework decides, the Li of one half is mirrored
    ts = paper_terminations.terminations
    assert ts and {t.symmetrisation for t in ts} == {"mirrored_half"}
    for t in ordered.terminations + ts:
        assert slab_is_symmetric(t.atoms) and symmetry_deviation_A(t.atoms) < 1e-6
        assert broken_ps4_units(t.atoms) == 0 and t.thickness_A >= 8.0 - 1e-6
        assert t.shift_top is not None and t.side == "top"


def test_equivalent_cut_pairs_are_one_termination(li_free_ordered, paper_terminations, parent):
    a = _slab(["S", "P", "S"], [8.0, 10.0, 12.0], [[0, 0], [1, 1], [2, 0]])
    moved = a.copy()
    moved.positions[:, :2] += [1.3, 2.1]  # same slab, translated in plane, atoms reordered
    moved = moved[[2, 0, 1]]
    other = _slab(["S", "P", "Cl"], [8.0, 10.0, 12.0], [[0, 0], [1, 1], [2, 0]])
    assert group_equivalent_slabs([a, other, moved]) == [[0, 2], [1]]
    assert group_equivalent_slabs([a, other], ignore_species=["S", "Cl"]) == [[0, 1]]
    # (110) of the ordered framework: 4 symmetric cut pairs, 2 distinct surfaces
    ordered = enumerate_terminations(li_free_ordered, min_slab_A=8.0, min_vacuum_A=8.0,
                                     miller_indices=[(1, 1, 0)], parent_structure=parent)
    row = ordered.planes[0]
    assert (row["n_symmetric_cut_pairs"], row["n_terminations"]) == (4, 2)
    assert sum(t.n_equivalent_cuts for t in ordered.terminations) == 4
    for row in paper_terminations.planes:
        ts = [t for t in paper_terminations.terminations if "".join(map(str, t.miller)) ==
              row["miller"]]
        assert sum(t.n_equivalent_cuts for t in ts) == row["n_symmetric_cut_pairs"]
        assert len(ts) == row["n_terminations"] == row["n_as_cut"] + row["n_mirrored_half"]
        assert len({t.termination_id for t in ts}) == len(ts)


def test_a_plane_can_have_no_symmetric_termination(paper_terminations):
    rows = {r["miller"]: r for r in paper_terminations.planes}
    assert list(rows) == ["100", "110", "111"]
    assert rows["111"]["n_terminations"] == 0 and rows["111"]["n_cuts"] > 0
    assert rows["100"]["n_terminations"] > 0 and rows["110"]["n_terminations"] > 0
    assert not [t for t in paper_terminations.terminations if t.miller == (1, 1, 1)]


def test_paper_enumeration_refuses_negative_indices(cell, parent):
    with pytest.raises(TerminationError, match="0..max_index"):
        enumerate_terminations(cell, miller_indices=[(1, -1, 0)], parent_structure=parent)
    with pytest.raises(TerminationError):
        enumerate_terminations(cell, miller_indices=[(1, 0, 0)], parent_structure=parent,
                               enumeration="every_cut")


def test_tab2_counts_next_to_published(paper_terminations, tmp_path):
    published = load_published_counts(PUBLISHED_COUNTS)
    assert published == {"100": 6, "010": 8, "001": 4, "110": 2, "101": 4, "011": 4, "111": 0}
    df = tab2_counts_frame(paper_terminations.planes, published)
    assert list(df.columns[:3]) == ["miller", "n_terminations", "n_published"]
    assert list(df["miller"]) == ["100", "110", "111", "total"]
    computed = [r["n_terminations"] for r in paper_terminations.planes]
    assert list(df["n_terminations"][:3]) == computed
    assert df["n_terminations"].iloc[-1] == sum(computed)
    assert list(df["n_published"]) == [6, 2, 0, 8]
    nan = tab2_counts_frame(paper_terminations.planes, {})
    assert nan["n_published"].isna().all()
    bad = tmp_path / "bad.yaml"
    bad.write_text("counts: {'100': 6}\n")
    with pytest.raises(ValueError, match="source"):
        load_published_counts(bad)
    bad.write_text("source: x\ncounts: {'100': -1}\n")
    with pytest.raises(ValueError, match="non-negative"):
        load_published_counts(bad)
