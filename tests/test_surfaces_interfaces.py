"""Tests for seiflow.builders.surfaces and seiflow.builders.metal_binary (paper 002: Tasker slabs, gamma, Wulff
shapes, coherent interfaces, E_f / sigma / W_adh)."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from pymatgen.core import Composition, Lattice, Structure

from seiflow.builders.metal_binary import (
    InterfaceError,
    InterfaceUnavailable,
    best_zsl_match,
    build_interface,
    check_decomposition_config,
    check_pairing,
    interface_energetics_J_m2,
    lattice_match_rows,
    lattice_mismatch,
    match_pairing,
    pairing_id,
    pairing_label,
    z_constrained_bulk,
)
from seiflow.builders.surfaces import (
    EV_PER_A2_TO_J_PER_M2,
    SurfaceError,
    candidate_miller_indices,
    check_miller,
    check_phase,
    compute_phase_surfaces,
    slab_to_atoms,
    surface_energy_J_m2,
    symmetrized_bulk,
    tasker_slabs,
    wulff_data,
    wulff_shape,
)

ZSL = {"max_length_tol": 0.06, "max_angle_tol": 0.05, "max_area_ratio_tol": 0.2}


def _bcc(a, el="Li"):
    return Structure.from_spacegroup(229, Lattice.cubic(a), [el], [[0, 0, 0]])


def _rocksalt(a):
    return Structure.from_spacegroup(225, Lattice.cubic(a), ["Li", "Cl"],
                                     [[0, 0, 0], [0.5, 0.5, 0.5]])


def _antifluorite(a):
    return Structure.from_spacegroup(225, Lattice.cubic(a), ["Li", "S"],
                                     [[0.25, 0.25, 0.25], [0, 0, 0]])


@pytest.fixture(scope="module")
def bulks():
    return {
        "Li": symmetrized_bulk(_bcc(3.44), "Li"),
        "LiCl": symmetrized_bulk(_rocksalt(5.13), "LiCl"),
        "Li2S": symmetrized_bulk(_antifluorite(5.70), "Li2S"),
    }


# --------------------------------------------------------------------------- #
# Wulff shapes
# --------------------------------------------------------------------------- #
def test_equal_100_energies_give_a_cube():
    lat = Lattice.cubic(4.0)
    w = wulff_shape(lat, {(1, 0, 0): 1.0, (1, 1, 0): 2.0, (1, 1, 1): 2.0})
    assert w.area_fraction_dict[(1, 0, 0)] == pytest.approx(1.0)
    assert w.area_fraction_dict[(1, 1, 0)] == pytest.approx(0.0, abs=1e-12)
    # facets at distance gamma = 1 from the centre: a cube of edge 2
    assert w.volume == pytest.approx(8.0)
    data = wulff_data(lat, {(1, 0, 0): 1.0, (1, 1, 0): 2.0, (1, 1, 1): 2.0})
    assert len(data["polygons"]) == 6
    verts = np.unique(np.round([v for p in data["polygons"] for v in p["vertices"]], 9), axis=0)
    assert len(verts) == 8
    assert np.allclose(np.abs(verts), 1.0)


def test_low_110_energy_cuts_the_cube_edges():
    # gamma(110) < sqrt(2) gamma(100): {110} facets appear and take area from {100}
    data = wulff_data(Lattice.cubic(4.0), {(1, 0, 0): 1.0, (1, 1, 0): 1.2})
    frac = {tuple(f["miller"]): f["area_fraction"] for f in data["facets"]}
    assert 0 < frac[(1, 1, 0)] < 1
    assert frac[(1, 0, 0)] + frac[(1, 1, 0)] == pytest.approx(1.0)


def test_wulff_rejects_bad_input():
    lat = Lattice.cubic(4.0)
    with pytest.raises(SurfaceError):
        wulff_shape(lat, {})
    with pytest.raises(SurfaceError):
        wulff_shape(lat, {(1, 0, 0): -0.1})
    with pytest.raises(SurfaceError):
        wulff_shape(lat, {(0, 0, 0): 1.0})
    with pytest.raises(SurfaceError, match="enclose"):  # only the basal plane: not closed
        wulff_shape(Lattice.hexagonal(4.0, 7.0), {(0, 0, 1): 0.5})


# --------------------------------------------------------------------------- #
# Slabs and surface energies
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("phase", ["Li", "LiCl", "Li2S"])
def test_every_slab_is_stoichiometric_symmetric_and_nonpolar(bulks, phase):
    bulk = bulks[phase]
    n_slabs = 0
    for hkl in candidate_miller_indices(bulk, 1):
        slabs, rejected = tasker_slabs(bulk, hkl, 8.0, 10.0)
        for slab in slabs:
            n_slabs += 1
            assert slab.composition.reduced_formula == bulk.composition.reduced_formula
            assert slab.is_symmetric()
            assert slab.normal @ slab.lattice.matrix[2] > 8.0
        for r in rejected:
            assert r["reason"]
    assert n_slabs >= 2


def test_antifluorite_100_is_tasker_type_3(bulks):
    # Li2S(100) alternates S and Li2 planes: no stoichiometric symmetric termination
    slabs, rejected = tasker_slabs(bulks["Li2S"], (1, 0, 0), 8.0, 10.0)
    assert slabs == []
    assert all("non-stoichiometric" in r["reason"] or "polar" in r["reason"] for r in rejected)
    slabs, _ = tasker_slabs(bulks["Li2S"], (1, 1, 1), 8.0, 10.0)
    assert slabs


def test_surface_energy_formula():
    area, n, e_bulk, gamma = 12.5, 10, -3.2, 0.4
    e_slab = n * e_bulk + 2 * area * gamma / EV_PER_A2_TO_J_PER_M2
    assert surface_energy_J_m2(e_slab, n, e_bulk, area) == pytest.approx(gamma)
    assert EV_PER_A2_TO_J_PER_M2 == pytest.approx(16.0218, rel=1e-5)
    with pytest.raises(SurfaceError):
        surface_energy_J_m2(e_slab, n, e_bulk, 0.0)
    with pytest.raises(SurfaceError):
        surface_energy_J_m2(e_slab, 0, e_bulk, area)


def test_bad_phase_and_miller_rejected(bulks):
    assert issubclass(SurfaceError, ValueError)
    with pytest.raises(SurfaceError, match="unknown phase"):
        check_phase("LiF")
    with pytest.raises(SurfaceError, match="unknown phase"):
        symmetrized_bulk(_rocksalt(5.13), "LiF")
    with pytest.raises(SurfaceError, match=r"\(0, 0, 0\)"):
        check_miller((0, 0, 0))
    with pytest.raises(SurfaceError):
        check_miller((1, 0.5, 0))
    with pytest.raises(SurfaceError):
        tasker_slabs(bulks["Li"], (0, 0, 0), 8.0, 10.0)
    with pytest.raises(SurfaceError):
        tasker_slabs(bulks["Li"], (1, 0, 0), -1.0, 10.0)
    with pytest.raises(SurfaceError, match="exceeds"):
        candidate_miller_indices(bulks["Li"], 1, [[2, 1, 0]])
    with pytest.raises(SurfaceError, match="composition"):
        symmetrized_bulk(_rocksalt(5.13), "Li2S")
    li3p_l12 = Structure.from_spacegroup(221, Lattice.cubic(4.0), ["P", "Li"],
                                         [[0, 0, 0], [0, 0.5, 0.5]])  # Cu3Au type, not 194
    with pytest.raises(SurfaceError, match="space group"):
        symmetrized_bulk(li3p_l12, "Li3P")


# --------------------------------------------------------------------------- #
# Lattice matching
# --------------------------------------------------------------------------- #
def test_zsl_mismatch_of_square_lattices_is_exact():
    a = 3.0
    film = np.array([[a, 0, 0], [0, a, 0]])
    sub = 1.05 * film
    best = best_zsl_match(film, sub, 20.0, **ZSL, definition="max_principal")
    assert best["mismatch_percent"] == pytest.approx(5.0, abs=1e-9)
    assert best["max_vector"] == pytest.approx(5.0, abs=1e-9)
    assert best["strain_u_percent"] == pytest.approx(5.0, abs=1e-9)
    assert best["area"] == pytest.approx(10.25, abs=1e-9)
    assert best["area_A2"] == pytest.approx((1.05 * a) ** 2)
    area_best = best_zsl_match(film, sub, 20.0, **ZSL, definition="area")
    assert area_best["mismatch_percent"] == pytest.approx(10.25, abs=1e-9)
    # a 4 % length tolerance admits no cell below 20 A^2: reported as unavailable
    with pytest.raises(InterfaceUnavailable):
        best_zsl_match(film, sub, 20.0, 0.04, 0.05, 0.2)


def test_mismatch_definitions_on_a_sheared_cell():
    film = np.array([[3.0, 0, 0], [0, 3.0, 0]])
    th = math.radians(92.0)
    sub = np.array([[3.0, 0, 0], [3.0 * math.cos(th), 3.0 * math.sin(th), 0]])
    m = lattice_mismatch(film, sub)
    assert m["max_vector"] == pytest.approx(0.0, abs=1e-12)
    assert m["angle_mismatch_deg"] == pytest.approx(2.0)
    assert m["area"] == pytest.approx(100 * (1 - math.sin(th)))
    # principal stretches of a 2 degree shear: 1 +- sin(2 deg)/2 to first order
    assert m["max_principal"] == pytest.approx(100 * math.sin(math.radians(2)) / 2, rel=0.02)
    with pytest.raises(InterfaceError):
        lattice_mismatch(film, np.array([[1, 0, 0], [2, 0, 0]]))


def test_zsl_settings_rejected():
    film = np.array([[3.0, 0, 0], [0, 3.0, 0]])
    with pytest.raises(InterfaceError, match="max_area_A2"):
        best_zsl_match(film, film, 0.0, **ZSL)
    with pytest.raises(InterfaceError, match="max_area_A2"):
        best_zsl_match(film, film, -5.0, **ZSL)
    with pytest.raises(InterfaceError, match="definition"):
        best_zsl_match(film, film, 20.0, **ZSL, definition="rms")
    with pytest.raises(InterfaceError, match="max_length_tol"):
        best_zsl_match(film, film, 20.0, 1.5, 0.05, 0.2)


def test_pairing_checks():
    p = {"metal": "Li", "metal_miller": [1, 0, 0], "binary": "Li3P", "binary_miller": [0, 0, 1]}
    assert pairing_id(p) == "Li_100__Li3P_001"
    assert pairing_label(p) == "Li(100)|Li3P(001)"
    assert pairing_id({**p, "metal_miller": [1, -1, 0]}) == "Li_1m10__Li3P_001"
    for bad in ({**p, "binary": "Na2S"}, {**p, "metal": "Li2S"}, {**p, "binary": "Na"},
                {**p, "binary_miller": [0, 0, 0]}, {**p, "binary": "LiF"},
                {k: v for k, v in p.items() if k != "metal"}):
        with pytest.raises(InterfaceError):
            check_pairing(bad)


# --------------------------------------------------------------------------- #
# Interface cells and energetics
# --------------------------------------------------------------------------- #
def test_interface_cell_and_z_constrained_bulks(bulks):
    p = {"metal": "Li", "metal_miller": [1, 0, 0], "binary": "LiCl", "binary_miller": [1, 0, 0]}
    mp = match_pairing(p, bulks["Li"], bulks["LiCl"], 8.0, 6.0, 30.0, ZSL, "max_principal")
    # Li(100) 3.44 A square on LiCl(100) 5.13/sqrt(2) A square: 1 x 1 cell
    assert mp["row"]["mismatch_percent"] == pytest.approx((5.13 / math.sqrt(2) / 3.44 - 1) * 100)
    atoms, info = build_interface(mp["metal_slab"], mp["binary_slab"], mp["best"]["match"], 2.0)
    assert info["n_metal"] + info["n_binary"] == len(atoms)
    assert info["n_metal"] == len(mp["metal_slab"])
    tags = atoms.get_tags()
    assert set(atoms[tags == 0].get_chemical_symbols()) == {"Li", "Cl"}
    assert set(atoms[tags == 1].get_chemical_symbols()) == {"Li"}
    assert info["area_A2"] == pytest.approx((5.13 / math.sqrt(2)) ** 2)
    z, c = atoms.positions[:, 2], atoms.cell[2, 2]
    zb, zm = z[tags == 0], z[tags == 1]
    assert zm.min() - zb.max() == pytest.approx(2.0)  # first interface
    assert zb.min() + c - zm.max() == pytest.approx(2.0)  # periodic image: second interface
    for slab, key in ((mp["metal_slab"], "metal_transform"),
                      (mp["binary_slab"], "binary_transform")):
        zbulk = z_constrained_bulk(slab, info[key], atoms.cell.array[:2])
        assert np.allclose(zbulk.cell.lengths()[:2], atoms.cell.lengths()[:2])
        assert zbulk.cell.angles()[2] == pytest.approx(atoms.cell.angles()[2])
        formula = slab.composition.reduced_formula
        assert Composition(zbulk.get_chemical_formula()).reduced_formula == formula


def test_lattice_match_rows_record_unavailable_pairings(bulks):
    pairs = [
        {"metal": "Li", "metal_miller": [1, 0, 0], "binary": "LiCl", "binary_miller": [1, 0, 0]},
        {"metal": "Li", "metal_miller": [1, 1, 0], "binary": "Li2S", "binary_miller": [1, 1, 0]},
        {"metal": "Li", "metal_miller": [1, 0, 0], "binary": "Li2S", "binary_miller": [1, 0, 0]},
    ]
    settings = {"metal_thickness_A": {"Li": 8.0}, "binary_thickness_A": 6.0,
                "max_area_A2": 30.0, "zsl": ZSL, "mismatch_definition": "max_principal"}
    rows = lattice_match_rows(pairs, bulks, settings)
    assert [r["status"] for r in rows] == ["ok", "unavailable", "unavailable"]
    assert "no coincidence" in rows[1]["note"]
    assert "no stoichiometric" in rows[2]["note"]
    assert all(r["max_area_A2"] == 30.0 for r in rows)
    assert all("principal" in r["mismatch_definition"] for r in rows)
    with pytest.raises(InterfaceError, match="max_area_A2"):
        lattice_match_rows(pairs, bulks, {**settings, "max_area_A2": 0.0})


def test_interface_energetics_formulas():
    s, n_a, n_b = 20.0, 8, 12
    e_a, e_b, e_az, e_bz = -1.9, -4.1, -1.88, -4.1
    g_a, g_b = 0.45, 0.35
    k = EV_PER_A2_TO_J_PER_M2 / (2 * s)
    # non-interacting contact: E_AB = bulk energies in the strained (z) state
    e_ab = n_a * e_az + n_b * e_bz
    r = interface_energetics_J_m2(e_ab, n_a, e_a, n_b, e_b, e_az, e_bz, s, g_a, g_b)
    assert r["sigma_J_m2"] == pytest.approx(0.0, abs=1e-12)
    assert r["W_adh_J_m2"] == pytest.approx(g_a + g_b)
    assert r["E_f_J_m2"] == pytest.approx(n_a * (e_az - e_a) * k)
    assert r["strain_energy_J_m2"] == pytest.approx(r["E_f_J_m2"] - r["sigma_J_m2"])
    assert r["W_adh_eq5_J_m2"] == pytest.approx(g_a + g_b - r["E_f_J_m2"])
    # bonding at the interface lowers E_AB by 1 eV: sigma drops by 1 eV / 2S
    r2 = interface_energetics_J_m2(e_ab - 1.0, n_a, e_a, n_b, e_b, e_az, e_bz, s, g_a, g_b)
    assert r2["sigma_J_m2"] == pytest.approx(-k)
    assert r2["W_adh_J_m2"] == pytest.approx(g_a + g_b + k)
    with pytest.raises(InterfaceError, match="area"):
        interface_energetics_J_m2(e_ab, n_a, e_a, n_b, e_b, e_az, e_bz, 0.0, g_a, g_b)
    with pytest.raises(InterfaceError, match="area"):
        interface_energetics_J_m2(e_ab, n_a, e_a, n_b, e_b, e_az, e_bz, -3.0, g_a, g_b)
    with pytest.raises(InterfaceError):
        interface_energetics_J_m2(e_ab, 0, e_a, n_b, e_b, e_az, e_bz, s, g_a, g_b)
    with pytest.raises(InterfaceError):
        interface_energetics_J_m2(float("nan"), n_a, e_a, n_b, e_b, e_az, e_bz, s, g_a, g_b)


# --------------------------------------------------------------------------- #
# Config semantics
# --------------------------------------------------------------------------- #
def _config():
    block = {
        "phases": ["Li", "Li2S", "LiCl"], "max_miller_index": 1,
        "miller_indices": [[1, 0, 0], [1, 1, 0]], "min_slab_A": 8.0, "min_vacuum_A": 12.0,
        "fmax_eV_A": 0.05, "relax_steps": 0, "max_area_A2": 40.0, "max_interface_atoms": 100,
        "binary_thickness_A": 6.0,
        "metal_thickness_A": {"Li": 8.0, "Na": 10.0},
        "pairings": [{"metal": "Li", "metal_miller": [1, 0, 0], "binary": "LiCl",
                      "binary_miller": [1, 0, 0]}],
    }
    return {
        "decomposition": {"mismatch_definition": "max_principal",
                          "interface_cell_relax": "full", "optimizer": "FIRE",
                          "interface_cell_choice": "smallest_area", "n_cell_candidates": 5},
        "scales": {"test": {"decomposition": block}},
    }


def test_config_semantics():
    check_decomposition_config(_config())
    bad = []
    c = _config()
    c["scales"]["test"]["decomposition"]["pairings"].append(
        copy.deepcopy(c["scales"]["test"]["decomposition"]["pairings"][0]))
    bad.append((c, "duplicate"))
    c = _config()
    c["scales"]["test"]["decomposition"]["pairings"][0]["binary"] = "Li3P"
    bad.append((c, "phases"))
    c = _config()
    c["scales"]["test"]["decomposition"]["pairings"][0]["binary_miller"] = [1, 1, 1]
    bad.append((c, "miller_indices"))
    c = _config()
    c["scales"]["test"]["decomposition"]["pairings"][0]["binary_miller"] = [2, 0, 0]
    bad.append((c, "max_miller_index"))
    c = _config()
    c["scales"]["test"]["decomposition"]["phases"].append("LiF")
    bad.append((c, "unknown phase"))
    c = _config()
    del c["scales"]["test"]["decomposition"]["metal_thickness_A"]["Li"]
    bad.append((c, "metal_thickness_A"))
    c = _config()
    c["decomposition"]["mismatch_definition"] = "rms"
    bad.append((c, "mismatch_definition"))
    c = _config()
    c["decomposition"]["interface_cell_choice"] = "largest_area"
    bad.append((c, "interface_cell_choice"))
    c = _config()
    c["decomposition"]["n_cell_candidates"] = 0
    bad.append((c, "n_cell_candidates"))
    for v in (0, 1, 50.5, True):
        c = _config()
        c["scales"]["test"]["decomposition"]["max_interface_atoms"] = v
        bad.append((c, "max_interface_atoms"))
    for cfg, msg in bad:
        with pytest.raises(ValueError, match=msg):
            check_decomposition_config(cfg)


# --------------------------------------------------------------------------- #
# With the oracle (single points on tiny cells)
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def chgnet():
    from seiflow.oracle.calculators import get_calculator

    return get_calculator("chgnet", 1)


def test_surfaces_and_interface_with_oracle(bulks, chgnet):
    from seiflow.builders.metal_binary import interface_record
    from seiflow.builders.surfaces import relax_atoms

    settings = {"symprec": 0.01, "max_miller_index": 1, "miller_indices": [[1, 0, 0]],
                "min_slab_A": 6.0, "min_vacuum_A": 10.0, "ftol_A": 0.1, "fmax_eV_A": 0.05,
                "relax_steps": 0, "optimizer": "FIRE", "bulk_energy_tol_eV_atom": 0.005}
    reports, energies = {}, {}
    for phase in ("Li", "LiCl"):
        atoms = slab_to_atoms(bulks[phase])
        _, info = relax_atoms(atoms, chgnet, 1.0, 0)
        energies[phase] = info["energy_eV"] / len(atoms)
        reports[phase], frames = compute_phase_surfaces(atoms, phase, energies[phase], chgnet,
                                                        settings)
        (facet,) = reports[phase]["facets"]
        assert facet["miller"] == [1, 0, 0]
        assert 0.0 < facet["gamma_J_m2"] < 2.0
        assert len(frames) == len(reports[phase]["terminations"])
        assert reports[phase]["wulff"]["facets"][0]["area_fraction"] == pytest.approx(1.0)
        # a bulk energy from another oracle / an unrelaxed cell is rejected
        with pytest.raises(SurfaceError, match="another oracle"):
            compute_phase_surfaces(atoms, phase, energies[phase] + 0.1, chgnet, settings)
    pairing = {"metal": "Li", "metal_miller": [1, 0, 0], "binary": "LiCl",
               "binary_miller": [1, 0, 0]}
    isettings = {"metal_thickness_A": {"Li": 6.0}, "binary_thickness_A": 5.0,
                 "max_area_A2": 20.0, "zsl": ZSL, "mismatch_definition": "max_principal",
                 "gap_A": 2.2, "cell_relax": "full", "fmax_eV_A": 0.05, "relax_steps": 0,
                 "optimizer": "FIRE"}
    rec, atoms = interface_record(pairing, bulks["Li"], bulks["LiCl"], reports["Li"],
                                  reports["LiCl"], energies["Li"], energies["LiCl"], chgnet,
                                  isettings)
    assert rec["status"] == "ok"
    assert rec["n_atoms"] == len(atoms) == rec["n_metal"] + rec["n_binary"]
    assert rec["W_adh_J_m2"] == pytest.approx(
        rec["gamma_metal_J_m2"] + rec["gamma_binary_J_m2"] - rec["sigma_J_m2"])
    assert rec["gamma_metal_J_m2"] == reports["Li"]["facets"][0]["gamma_J_m2"]
    assert all(np.isfinite(rec[k]) for k in ("E_f_J_m2", "sigma_J_m2", "W_adh_eq5_J_m2"))
    # the binary keeps its lattice and is not strained: its z-bulk energy is the bulk energy
    assert rec["binary_z_energy_per_atom_eV"] == pytest.approx(energies["LiCl"], abs=2e-3)
    # a plane without gamma is recorded as unavailable, not raised
    rec2, atoms2 = interface_record({**pairing, "metal_miller": [1, 1, 0]}, bulks["Li"],
                                    bulks["LiCl"], reports["Li"], reports["LiCl"],
                                    energies["Li"], energies["LiCl"], chgnet, isettings)
    assert rec2["status"] == "unavailable" and atoms2 is None
    with pytest.raises(InterfaceError, match="cell_relax"):
        interface_record(pairing, bulks["Li"], bulks["LiCl"], reports["Li"], reports["LiCl"],
                         energies["Li"], energies["LiCl"], chgnet,
                         {**isettings, "cell_relax": "xy"})


def test_equivalent_planes_cubic_and_hexagonal():
    from seiflow.builders.surfaces import equivalent_miller

    li3p = Structure.from_spacegroup(194, Lattice.hexagonal(4.27, 7.59), ["P", "Li", "Li"],
                                     [[1 / 3, 2 / 3, 0.25], [0, 0, 0.25], [1 / 3, 2 / 3, 0.583]])
    assert equivalent_miller(li3p, (0, 0, 1), (0, 0, 1))
    assert equivalent_miller(li3p, (0, 0, 1), (0, 0, -1))
    assert equivalent_miller(li3p, (1, 0, 0), (0, 1, 0))
    assert not equivalent_miller(li3p, (1, 0, 0), (0, 0, 1))
    assert equivalent_miller(_bcc(3.44), (1, 0, 0), (0, 0, -1))
    assert not equivalent_miller(_bcc(3.44), (1, 0, 0), (1, 1, 0))
