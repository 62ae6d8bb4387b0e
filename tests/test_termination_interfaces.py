"""Tests of seiflow.builders.termination_interfaces (paper 003 eqs 9-12, Fig 7a RDFs)."""

import math

import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk
from ase.calculators.lj import LennardJones

from seiflow.builders.terminations import EV_PER_A2_IN_J_PER_M2
from seiflow.builders.termination_interfaces import (
    TerminationInterfaceError,
    check_termination_interfaces_config,
    interface_energy_J_m2,
    match_metal_to_termination,
    metal_slab,
    partial_rdf,
    slab_strain_energy_J_m2,
    stack_interface,
    tab4_interfaces_frame,
)

LJ = dict(sigma=2.8, epsilon=0.05, rc=6.0, smooth=True)


def _square_slab(a_A, symbol="Li", c_A=20.0):
    return Atoms(symbol, positions=[[0, 0, 5.0]], cell=[a_A, a_A, c_A], pbc=True)


def test_mismatch_of_known_square_pair_is_exact():
    # 3 x 3.0 Å metal on a 9.15 Å square cell: strain (9.15 - 9.0)/9.0 = 1.666... %
    # (beats the sqrt(10) x sqrt(10) metal cell, 9.487 Å: -3.5 %)
    m = match_metal_to_termination(_square_slab(3.0), _square_slab(9.15), 100.0, 0.05, 0.01, 0.2)
    assert m["mismatch_percent"] == pytest.approx(100 * 0.15 / 9.0, abs=1e-9)
    assert m["strain_u_percent"] == pytest.approx(100 * 0.15 / 9.0, abs=1e-9)
    assert abs(round(np.linalg.det(m["metal_transform"]))) == 9
    assert abs(round(np.linalg.det(m["lpsc_transform"]))) == 1


def test_area_limit_rejects_match():
    with pytest.raises(ValueError):
        match_metal_to_termination(_square_slab(3.0), _square_slab(9.15), 50.0, 0.05, 0.01, 0.2)


def test_unstrained_metal_has_zero_strain_energy():
    li = bulk("Li", "bcc", a=3.44, cubic=True)
    slab = metal_slab(li, (1, 0, 0), 5.0, vacuum_A=8.0)
    assert slab.cell[2, 2] > 8.0 and len(slab) >= 3
    # "substrate" = the metal slab itself: identity match, no strain
    m = match_metal_to_termination(slab, slab, 30.0, 0.05, 0.05, 0.1)
    assert m["mismatch_percent"] == pytest.approx(0.0, abs=1e-9)
    iface, strained, lp = stack_interface(slab, slab, m, gap_A=2.0)
    assert (iface.get_tags() == 1).sum() == len(strained) == len(slab)
    strained.set_cell([strained.cell[0], strained.cell[1], slab.cell[2]])
    ref = slab.copy()
    for a in (strained, ref):
        a.calc = LennardJones(**LJ)
    e_str = slab_strain_energy_J_m2(strained.get_potential_energy(), ref.get_potential_energy(),
                                    iface.cell.area(2))
    assert e_str == pytest.approx(0.0, abs=1e-8)
    # a 2 % expanded cell costs energy: E_str > 0 is measurable
    sub = slab.copy()
    sub.set_cell(np.diag([1.02, 1.02, 1.0]) @ slab.cell.array, scale_atoms=False)
    _, strained2, _ = stack_interface(slab, sub, m, gap_A=2.0)
    strained2.set_cell([strained2.cell[0], strained2.cell[1], slab.cell[2]])
    strained2.calc = LennardJones(**LJ)
    assert strained2.get_potential_energy() != pytest.approx(ref.get_potential_energy())


def test_stack_geometry_gap_and_cell():
    li = bulk("Li", "bcc", a=3.44, cubic=True)
    slab = metal_slab(li, (1, 1, 0), 4.0, vacuum_A=8.0)
    lpsc = Atoms("S2", positions=[[0, 0, 5], [0, 0, 8]], cell=slab.cell, pbc=True)
    m = match_metal_to_termination(slab, lpsc, 30.0, 0.05, 0.05, 0.1)
    iface, strained, lp = stack_interface(slab, lpsc, m, gap_A=2.5)
    z = iface.positions[:, 2]
    tags = iface.get_tags()
    assert z[tags == 1].min() - z[tags == 0].max() == pytest.approx(2.5)
    # periodic image closes the second interface with the same gap
    assert iface.cell[2, 2] - z[tags == 1].max() + z[tags == 0].min() == pytest.approx(2.5)


def test_gamma_inter_constructed_case():
    # electrolyte part = 2 Li6PS5Cl + 1 Li2S; 10 metal Li atoms
    lpsc = Atoms("Li14P2S11Cl2")
    e_fu = {"Li6PS5Cl": -40.0, "Li3P": -10.0, "Li2S": -8.0, "LiCl": -6.0}
    e_total = 2 * -40.0 - 8.0 + 10 * -1.9 - 3.0  # 3 eV below the references
    g = interface_energy_J_m2(e_total, lpsc, 10, -1.9, e_fu, 100.0)
    assert g == pytest.approx(-3.0 / 200.0 * EV_PER_A2_IN_J_PER_M2)


def test_rdf_of_known_pair():
    # one P-S pair at 2.05 Å in a 20 Å cube: one count in the bin holding 2.05 Å
    at = Atoms("PS", positions=[[0, 0, 0], [2.05, 0, 0]], cell=[20, 20, 20], pbc=True)
    r, g = partial_rdf(at, "P", "S", r_max_A=4.0, n_bins=40)
    k = int(np.argmax(g))
    assert r[k] == pytest.approx(2.05, abs=0.05)
    shell = 4 / 3 * math.pi * ((0.1 * (k + 1)) ** 3 - (0.1 * k) ** 3)
    assert g[k] == pytest.approx(8000.0 / shell)
    assert np.count_nonzero(g) == 1


def test_bad_input_rejected():
    at = Atoms("PS", positions=[[0, 0, 0], [2.05, 0, 0]], cell=[20, 20, 20], pbc=True)
    with pytest.raises(TerminationInterfaceError):
        partial_rdf(at, "Li", "P")
    with pytest.raises(TerminationInterfaceError):
        partial_rdf(at, "P", "S", r_max_A=-1)
    with pytest.raises(TerminationInterfaceError):
        slab_strain_energy_J_m2(1.0, 0.0, 0.0)
    with pytest.raises(TerminationInterfaceError):
        interface_energy_J_m2(float("nan"), Atoms("Li6PS5Cl"), 0, -1.9,
                              {"Li6PS5Cl": -40, "Li3P": -1, "Li2S": -1, "LiCl": -1}, 10.0)
    with pytest.raises(TerminationInterfaceError):
        metal_slab(bulk("Li", "bcc", a=3.44), (2, 0, 0), 5.0)
    with pytest.raises(ValueError):
        tab4_interfaces_frame([])


def test_config_check():
    cfg = {"termination_interfaces": {"metal_millers": [[1, 0, 0], [1, 1, 0]],
                                      "rdf_r_max_A": 4.0, "rdf_bin_A": 0.05},
           "scales": {"test": {"termination_interfaces": {"n_interfaces": 1},
                               "terminations": {"n_balanced": 1}}}}
    check_termination_interfaces_config(cfg)
    cfg["scales"]["test"]["termination_interfaces"]["n_interfaces"] = 2
    with pytest.raises(ValueError, match="n_balanced"):
        check_termination_interfaces_config(cfg)
    cfg["scales"]["test"]["termination_interfaces"]["n_interfaces"] = 1
    cfg["termination_interfaces"]["metal_millers"] = [[2, 0, 0]]
    with pytest.raises(ValueError, match="reduced"):
        check_termination_interfaces_config(cfg)


def test_md_cell_from_interface_centres_the_electrolyte_and_repeats():
    from ase import Atoms

    from seiflow.builders.termination_interfaces import TerminationInterfaceError, md_cell_from_interface

    # LPSC-like slab (P, S; tag 0) wrapped across z = 0, Li (tag 1) in the middle
    cell = [6.0, 6.0, 20.0]
    lp = Atoms("PS4", positions=[[1, 1, 19.0], [1, 1, 1.0], [3, 3, 18.5], [3, 1, 0.5], [1, 3, 2.0]],
               cell=cell, pbc=True)
    li = Atoms("Li4", positions=[[0, 0, 9], [3, 3, 9], [0, 3, 11], [3, 0, 11]], cell=cell, pbc=True)
    frame = lp + li
    frame.set_tags([0] * 5 + [1] * 4)
    frame.info = {"termination_id": "t1", "state": "neutral", "stage": "after"}
    records = [{"rank": 1, "state": "neutral", "termination_id": "t1", "interface": "(100)/(100)"}]
    atoms, info = md_cell_from_interface(records, [frame], 1, "neutral", [2, 1])
    assert len(atoms) == 18 and info["n_atoms"] == 18
    assert info["n_formula_units_lpsc"] == 2 and info["n_li_metal"] == 8
    assert atoms.cell.lengths() == pytest.approx([12.0, 6.0, 20.0])
    u = atoms.get_scaled_positions()[atoms.get_tags() == 0, 2]
    assert np.all(np.abs(u - 0.5) < 0.2)  # electrolyte now around fractional z = 0.5
    assert np.all(np.abs(atoms.get_scaled_positions()[atoms.get_tags() == 1, 2] - 0.5) > 0.3)
    with pytest.raises(TerminationInterfaceError, match="rank 2"):
        md_cell_from_interface(records, [frame], 2, "neutral", [1, 1])
    with pytest.raises(TerminationInterfaceError, match="in_plane_repeats"):
        md_cell_from_interface(records, [frame], 1, "neutral", [0, 1])
