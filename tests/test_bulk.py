"""Bulk phases (issue 7): resource CIFs, oracle relaxation, lattice tables (seiflow.builders.bulk)."""

import gzip
import io
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from ase import Atoms

from seiflow.builders.bulk import (
    ANION_ORDERS,
    RELAXABLE_PHASES,
    BulkError,
    bulk_atoms,
    check_bulk_config,
    energy_per_formula_unit,
    keep_lowest_energy,
    lattice_table,
    load_lattice_reference,
    lowest_energy,
    lpsc_cell,
    lpsc_order_tables,
    lpsc_lattice_long,
    n_formula_units,
    read_relaxed,
    reference_parameters,
    relax_bulk,
    write_relaxed,
)
from seiflow.builders.cells import BULK_PHASES, DEFAULT_RESOURCE_DIR, bcc_li, load_bulk
from seiflow.plot.bulk import plot_lpsc_lattice

AIMD_0P = SHARED_DATA / "li6ps5cl_aimd_500K" / "0p" / "run1_XDATCAR.gz"

# Shortest interatomic distance per element pair (Å) from the crystallographic literature
# (room temperature), compared with what the CIF coordinates give (tolerance 2 %):
# bcc Li/Na a*sqrt(3)/2; antifluorite M-X a*sqrt(3)/4; rock salt a/2; Li3P/Na3P shortest
# M-P in the basal plane a/sqrt(3) (Dong & DiSalvo 2007; Brauer & Zintl 1937); Li3N Li-N
# along c (Rabenau & Schulz 1976); SiS2 Si-S (Peters & Krebs 1982); Li6PS5Cl P-S of the PS4
# tetrahedron (Deiseroth 2008: 2.05 Å).
NEAREST = [
    ("Li", ("Li", "Li"), 3.04),
    ("Na", ("Na", "Na"), 3.72),
    ("Li2S", ("Li", "S"), 2.47),
    ("Na2S", ("Na", "S"), 2.83),
    ("Li2O", ("Li", "O"), 2.00),
    ("Na2O", ("Na", "O"), 2.40),
    ("LiCl", ("Cl", "Li"), 2.57),
    ("Li3P", ("Li", "P"), 2.47),
    ("Na3P", ("Na", "P"), 2.88),
    ("Li3N", ("Li", "N"), 1.94),
    ("SiS2", ("S", "Si"), 2.13),
    ("Li6PS5Cl", ("P", "S"), 2.05),
]


def _sga(structure, symprec=1e-3):
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SpacegroupAnalyzer(structure, symprec=symprec)


def _min_pair_distance(structure, pair, cutoff=4.0):
    best = math.inf
    for site, nbrs in zip(structure, structure.get_all_neighbors(cutoff)):
        el = site.species.elements[0].symbol
        for n in nbrs:
            other = n.species.elements[0].symbol
            if tuple(sorted((el, other))) == tuple(sorted(pair)):
                best = min(best, n.nn_distance)
    return best


@pytest.fixture(scope="module")
def reference():
    return load_lattice_reference()


@pytest.fixture(scope="module")
def chgnet():
    pytest.importorskip("chgnet")
    from seiflow.oracle.calculators import get_calculator

    return get_calculator("chgnet", n_threads=1)


# --------------------------------------------------------------------------- #
# Resource files
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("phase", sorted(BULK_PHASES))
def test_resource_header_and_space_group(phase):
    text = (DEFAULT_RESOURCE_DIR / f"{phase}.cif").read_text()
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for word in ("Space group", "Wyckoff", "Source", "A"):
        assert word in header, f"{phase}.cif header lacks {word!r}"
    s = load_bulk(phase)
    if phase == "Li6PS5Cl":  # Li 48h half occupied: the ordered anion/P framework is F-43m
        s = s.copy()
        s.remove_species(["Li"])
    assert _sga(s).get_space_group_number() == BULK_PHASES[phase]


@pytest.mark.parametrize("phase, pair, expected", NEAREST)
def test_nearest_neighbour_distances(phase, pair, expected):
    s = load_bulk(phase)
    if phase == "Li6PS5Cl":
        s = s.copy()
        s.remove_species(["Li"])
    d = _min_pair_distance(s, pair)
    assert d == pytest.approx(expected, rel=0.02), f"{phase} {pair}: {d:.3f} Å"


@pytest.mark.parametrize("phase", [p for p in RELAXABLE_PHASES if p not in ("Li", "Na")])
def test_bond_valence_gives_formal_oxidation_states(phase, reference):
    """pymatgen BVAnalyzer (bond-valence sums from the geometry) recovers the formal states."""
    from pymatgen.analysis.bond_valence import BVAnalyzer

    s = load_bulk(phase)
    valences = BVAnalyzer().get_valences(s)
    got = {site.specie.symbol: v for site, v in zip(s, valences)}
    assert got == reference[phase]["oxidation_states"]


def test_lpsc_bond_valence_of_phosphorus():
    """P in the PS4 tetrahedron of the CIF has a bond-valence sum close to +5."""
    from pymatgen.analysis.bond_valence import calculate_bv_sum
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = lpsc_cell("ordered", seed=0)
    s = AseAtomsAdaptor.get_structure(atoms)
    i = [k for k, site in enumerate(s) if site.specie.symbol == "P"][0]
    assert calculate_bv_sum(s[i], s.get_neighbors(s[i], 3.0)) == pytest.approx(5.0, abs=0.5)


def test_minimum_distances_of_ordered_phases():
    for phase in RELAXABLE_PHASES:
        atoms = bulk_atoms(phase)
        d = atoms.get_all_distances(mic=True)
        np.fill_diagonal(d, np.inf)
        assert d.min() > 1.8, phase


@pytest.mark.parametrize("phase", sorted(RELAXABLE_PHASES) + ["Li6PS5Cl_ordered",
                                                              "Li6PS5Cl_disordered"])
def test_charge_neutral_formal_states_match_pymatgen(phase, reference):
    from pymatgen.core import Composition

    entry = reference[phase]
    comp = Composition(entry["formula"])
    ox = entry["oxidation_states"]
    assert sum(comp[el] * q for el, q in ox.items()) == 0
    base = phase.split("_")[0]
    assert load_bulk(base).composition.reduced_formula == comp.reduced_formula
    if any(q != 0 for q in ox.values()):
        guesses = [{k: int(v) for k, v in g.items()} for g in comp.oxi_state_guesses()]
        assert ox in guesses


@pytest.mark.skipif(not AIMD_0P.is_file(), reason="real AIMD data not present")
def test_lpsc_cif_matches_real_aimd_structure():
    """The CIF framework and 48h sites agree with VASP AIMD of ordered Li6PS5Cl (Morgan
    2021, 0 % inversion, 500 K, 2x2x2 cell)."""
    import ase.io
    from pymatgen.analysis.structure_matcher import StructureMatcher
    from pymatgen.io.ase import AseAtomsAdaptor

    with gzip.open(AIMD_0P, "rt") as fh:
        frames = ase.io.read(io.StringIO(fh.read()), index="::20", format="vasp-xdatcar")
    a_aimd = float(np.mean(frames[0].cell.lengths())) / 2
    assert a_aimd == pytest.approx(9.85, rel=0.05)  # PBE at 500 K: 10.16 Å
    ref = load_bulk("Li6PS5Cl").copy()
    ref.make_supercell([2, 2, 2])
    h48 = np.array([s.frac_coords for s in ref if not s.is_ordered])
    ref.remove_species(["Li"])
    fw = AseAtomsAdaptor.get_structure(frames[0])
    fw.remove_species(["Li"])
    sm = StructureMatcher(ltol=0.1, stol=0.3, angle_tol=3, primitive_cell=False, scale=True,
                          attempt_supercell=False)
    assert sm.fit(ref, fw)  # species-aware: Cl on 4a, free S on 4c as in the AIMD
    sup, vec, _ = sm.get_transformation(ref, fw)
    to_ref = np.linalg.inv(sup).T
    d = fw.frac_coords @ to_ref + vec
    d = d[:, None, :] - ref.frac_coords[None]
    d -= np.round(d)
    assert np.median(np.linalg.norm(d * 2 * a_aimd, axis=2).min(1)) < 0.45
    li = np.concatenate([f.get_scaled_positions()[np.array(f.get_chemical_symbols()) == "Li"]
                         for f in frames]) @ to_ref + vec
    d = li[:, None, :] - h48[None]
    d -= np.round(d)
    med = np.median(np.linalg.norm(d * 2 * a_aimd, axis=2).min(1))
    # the AIMD Li sit on the CIF's 48h sites: their distances are far below what points
    # placed at random in the cell give (same 48h sites, same metric)
    rand = np.random.default_rng(0).random((len(li), 3))
    d = rand[:, None, :] - h48[None]
    d -= np.round(d)
    med_random = np.median(np.linalg.norm(d * 2 * a_aimd, axis=2).min(1))
    assert med < 0.5 * med_random, (med, med_random)


# --------------------------------------------------------------------------- #
# Explicit Li6PS5Cl cells and formula units
# --------------------------------------------------------------------------- #
def test_lpsc_ordered_and_disordered_cells():
    ordered = lpsc_cell("ordered", seed=7)
    dis = lpsc_cell("disordered", seed=7, s_cl_disorder=0.5)
    for atoms in (ordered, dis):
        assert len(atoms) == 52
        assert n_formula_units(atoms, "Li6PS5Cl") == 4
    sites_o = ordered.arrays["lpsc_site"]
    sym_o = np.array(ordered.get_chemical_symbols())
    assert set(sites_o[sym_o == "Cl"]) == {"4a"} and ordered.info["n_cl_on_4c"] == 0
    sym_d = np.array(dis.get_chemical_symbols())
    assert list(dis.arrays["lpsc_site"][sym_d == "Cl"]).count("4c") == 2
    assert dis.info["phase"] == "Li6PS5Cl_disordered"
    li_o = ordered.positions[sym_o == "Li"]
    li_d = dis.positions[sym_d == "Li"]
    np.testing.assert_allclose(li_o, li_d)  # same seed -> same Li arrangement (paired)
    other = lpsc_cell("ordered", seed=8)
    assert not np.allclose(other.positions[np.array(other.get_chemical_symbols()) == "Li"], li_o)


def test_lpsc_cell_rejects_bad_input():
    with pytest.raises(BulkError):
        lpsc_cell("random")
    with pytest.raises(BulkError, match="moves no Cl"):
        lpsc_cell("disordered", s_cl_disorder=0.1)
    with pytest.raises(BulkError):
        lpsc_cell("disordered", s_cl_disorder=0.0)
    with pytest.raises(BulkError, match="lpsc_cell"):
        bulk_atoms("Li6PS5Cl")


def test_formula_units_and_energy_per_formula_unit():
    atoms = bulk_atoms("Li2S")
    assert len(atoms) == 12 and n_formula_units(atoms, "Li2S") == 4
    assert energy_per_formula_unit(-20.0, atoms, "Li2S") == pytest.approx(-5.0)
    assert n_formula_units({"Li": 6, "P": 1, "S": 5, "Cl": 1}, "Li6PS5Cl") == 1
    with pytest.raises(BulkError):
        n_formula_units({"Li": 3, "S": 1}, "Li2S")
    with pytest.raises(BulkError):
        n_formula_units({"Li": 2, "O": 1}, "Li2S")
    with pytest.raises(BulkError):
        n_formula_units({"Li": 2, "S": 1}, "li2s")
    with pytest.raises(BulkError):
        energy_per_formula_unit(float("nan"), atoms, "Li2S")


# --------------------------------------------------------------------------- #
# Relaxation with the oracle
# --------------------------------------------------------------------------- #
def test_relax_bcc_li_with_chgnet(chgnet, tmp_path):
    start = bcc_li(3.60)  # expanded start (CHGNet relaxes bcc Li to about 3.41 Å)
    relaxed, res = relax_bulk(start, chgnet, fmax_eV_A=0.005, max_steps=40,
                              optimizer="BFGS", keep_symmetry=True)
    assert res["converged"] and 0 < res["n_steps"] < 40
    assert res["fmax_final_eV_A"] < 0.005
    assert 3.30 < res["a_A"] < 3.55 and res["a_A"] == pytest.approx(res["c_A"])
    assert res["initial_a_A"] == pytest.approx(3.60)
    assert res["space_group_relaxed"] == 229
    assert res["n_formula_units"] == 2
    assert res["energy_per_fu_eV"] == pytest.approx(res["energy_eV"] / 2)
    assert start.cell.lengths()[0] == pytest.approx(3.60)  # input untouched
    # single point at the start cell: higher energy than the relaxed one
    _, sp = relax_bulk(start, chgnet, max_steps=0)
    assert sp["n_steps"] == 0 and sp["energy_eV"] > res["energy_eV"]
    write_relaxed(relaxed, dict(res, phase="Li"), tmp_path / "Li.extxyz", tmp_path / "Li.json")
    rec, atoms = read_relaxed(tmp_path / "Li.json", with_atoms=True)
    assert rec["energy_eV"] == pytest.approx(atoms.get_potential_energy())
    assert atoms.cell.lengths()[0] == pytest.approx(res["a_A"])


def test_relax_bulk_rejects_bad_input():
    atoms = bcc_li()
    with pytest.raises(BulkError):
        relax_bulk(atoms, None, fmax_eV_A=0)
    with pytest.raises(BulkError):
        relax_bulk(atoms, None, optimizer="LBFGS")
    with pytest.raises(BulkError):
        relax_bulk(atoms, None, max_steps=-1)
    with pytest.raises(BulkError):
        relax_bulk(Atoms("Li2", positions=[[0, 0, 0], [0, 0, 3]]), None)
    squeezed = atoms.copy()
    squeezed.positions[1] = squeezed.positions[0] + 0.1
    with pytest.raises(BulkError, match="invalid start"):
        relax_bulk(squeezed, None)


# --------------------------------------------------------------------------- #
# Reference data and tables
# --------------------------------------------------------------------------- #
def test_reference_file_covers_every_phase(reference):
    for phase in list(RELAXABLE_PHASES) + ["Li6PS5Cl_ordered", "Li6PS5Cl_disordered"]:
        assert phase in reference
        assert reference[phase]["space_group"] == BULK_PHASES[phase.split("_")[0]]
    pbe = [r for r in reference["Li6PS5Cl_disordered"]["references"] if r["kind"] == "PBE"][0]
    assert (pbe["a_A"], pbe["b_A"], pbe["c_A"]) == (9.96, 9.94, 10.03)  # paper 003, Table 1


def test_reference_parameters_follow_lattice_system():
    hexa = reference_parameters({"a_A": 4.0, "c_A": 7.0, "source": "x"}, "hexagonal")
    assert hexa == {"a": 4.0, "b": 4.0, "c": 7.0, "alpha": 90.0, "beta": 90.0, "gamma": 120.0}
    cub = reference_parameters({"a_A": 5.0, "source": "x", "lattice_system": "cubic"},
                               "triclinic")
    assert cub["c"] == 5.0 and cub["gamma"] == 90.0
    with pytest.raises(BulkError):
        reference_parameters({"b_A": 5.0}, "cubic")
    with pytest.raises(BulkError):
        reference_parameters({"a_A": -1.0}, "cubic")


def test_load_lattice_reference_rejects_bad_files(tmp_path):
    bad = tmp_path / "ref.yaml"
    bad.write_text(
        "phases:\n  Li2S:\n    formula: Li2S\n    space_group: 225\n"
        "    lattice_system: cubic\n    compare: [a]\n    oxidation_states: {Li: 1, S: -1}\n"
        "    references:\n      - {kind: experiment, a_A: 5.7, source: x}\n"
    )
    with pytest.raises(BulkError, match="formal charge"):
        load_lattice_reference(bad)
    bad.write_text(bad.read_text().replace("S: -1", "S: -2").replace("compare: [a]",
                                                                     "compare: [a, c, gamma]"))
    load_lattice_reference(bad)  # cubic: c and gamma follow from a
    bad.write_text(bad.read_text().replace("lattice_system: cubic", "lattice_system: triclinic"))
    with pytest.raises(BulkError, match="gives no c"):
        load_lattice_reference(bad)
    with pytest.raises(FileNotFoundError):
        load_lattice_reference(tmp_path / "missing.yaml")


def test_lattice_table_on_known_input():
    ref = {
        "X": {"formula": "Li3P", "space_group": 194, "lattice_system": "hexagonal",
              "compare": ["a", "c"], "oxidation_states": {"Li": 1, "P": -3},
              "references": [{"kind": "experiment", "a_A": 4.0, "c_A": 8.0,
                              "temperature_K": 300, "source": "exp"},
                             {"kind": "PBE", "a_A": 5.0, "c_A": 10.0, "source": "pbe"}]},
    }
    res = {"X": {"a_A": 4.2, "b_A": 4.2, "c_A": 7.6, "alpha_deg": 90, "beta_deg": 90,
                 "gamma_deg": 120, "converged": True, "space_group_relaxed": 194}}
    df = lattice_table(res, ref)
    assert list(df["parameter"]) == ["a", "c", "a", "c"]
    np.testing.assert_allclose(df["error_percent"], [5.0, -5.0, -16.0, -24.0])
    assert list(df["reference_kind"]) == ["experiment", "experiment", "PBE", "PBE"]
    with pytest.raises(BulkError, match="no reference"):
        lattice_table({"Y": res["X"]}, ref)
    with pytest.raises(BulkError, match="has no c_A"):
        lattice_table({"X": {"a_A": 4.0}}, ref)


def _record(order, replica, a, energy_fu):
    return {"anion_order": order, "replica": replica, "seed": 100 + replica,
            "a_A": a, "b_A": a, "c_A": a, "alpha_deg": 90.0, "beta_deg": 90.0,
            "gamma_deg": 90.0, "volume_A3": a**3, "n_formula_units": 4,
            "energy_per_fu_eV": energy_fu, "converged": True, "n_steps": 10}


def test_lpsc_order_tables(reference):
    recs = [_record("ordered", 0, 9.9, -10.0), _record("ordered", 1, 9.8, -10.2),
            _record("disordered", 0, 10.0, -9.9), _record("disordered", 1, 10.2, -10.0)]
    per_seed, tab = lpsc_order_tables(recs, reference, "chgnet")
    assert list(per_seed["anion_order"]) == ["ordered", "ordered", "disordered", "disordered"]
    assert per_seed["volume_A3_per_fu"].iloc[0] == pytest.approx(9.9**3 / 4)
    ours = tab[tab.source == "chgnet (this pipeline)"].set_index(["anion_order", "statistic"])
    dcol = "delta_E_disordered_minus_ordered_eV_per_fu"
    assert ours.loc[("disordered", "lowest energy"), dcol] == pytest.approx(0.2)
    assert ours.loc[("disordered", "mean"), dcol] == pytest.approx(0.15)  # (0.1 + 0.2) / 2
    assert ours.loc[("disordered", "std"), dcol] == pytest.approx(np.std([0.1, 0.2], ddof=1))
    assert ours.loc[("ordered", "lowest energy"), "a_A"] == pytest.approx(9.8)
    assert ours.loc[("disordered", "mean"), "a_A"] == pytest.approx(10.1)
    pub = tab[tab.statistic == "published (PBE)"]
    assert len(pub) == 1 and pub.iloc[0]["c_A"] == pytest.approx(10.03)
    assert lowest_energy(recs)["energy_per_fu_eV"] == -10.2
    with pytest.raises(BulkError, match="duplicate"):
        lpsc_order_tables(recs + [recs[0]], reference, "chgnet")
    with pytest.raises(BulkError, match="no relaxed disordered"):
        lpsc_order_tables(recs[:2], reference, "chgnet")


def test_keep_lowest_energy_and_figure(tmp_path, reference):
    import ase.io
    from ase.calculators.singlepoint import SinglePointCalculator

    paths = []
    for order in ANION_ORDERS:
        for rep, e in enumerate((-10.0, -10.3)):
            atoms = bcc_li(3.4 + 0.01 * rep)
            atoms.calc = SinglePointCalculator(atoms, energy=2 * e)
            rec = dict(_record(order, rep, 3.4 + 0.01 * rep, e), energy_eV=2 * e,
                       formula="Li", n_formula_units=2)
            write_relaxed(atoms, rec, tmp_path / f"{order}_r{rep}.extxyz",
                          tmp_path / f"{order}_r{rep}.json")
            paths.append(tmp_path / f"{order}_r{rep}.json")
    kept = keep_lowest_energy(paths, "disordered", tmp_path / "best.extxyz",
                              tmp_path / "best.json")
    assert kept["selected_from"] == "disordered_r1.json" and kept["n_candidates"] == 2
    assert ase.io.read(tmp_path / "best.extxyz").cell.lengths()[0] == pytest.approx(3.41)
    assert read_relaxed(tmp_path / "best.json")["energy_per_fu_eV"] == -10.3

    per_seed, tab = lpsc_order_tables([read_relaxed(p) for p in paths], reference, "chgnet")
    plot_lpsc_lattice(lpsc_lattice_long(per_seed, tab), tmp_path / "fig3.png",
                      tmp_path / "fig3.csv")
    data = pd.read_csv(tmp_path / "fig3.csv")
    assert (tmp_path / "fig3.png").stat().st_size > 0
    assert set(data["parameter"]) == {"a", "b", "c", "alpha", "beta", "gamma"}
    assert len(data[data.source == "this pipeline"]) == 4 * 6
    assert (data[data.parameter == "c"]["value"] == 10.03).any()


# --------------------------------------------------------------------------- #
# Config check
# --------------------------------------------------------------------------- #
def _cfg(**bulk_scale):
    block = {"phases": ["Li", "Li2S"], "fmax_eV_A": 0.05, "max_steps": 10,
             "lpsc_supercell": [1, 1, 1], "lpsc_n_seeds": 2, **bulk_scale}
    return {
        "seed": 1,
        "bulk": {"reference_file": str(DEFAULT_RESOURCE_DIR / "lattice_reference.yaml"),
                 "optimizer": "FIRE", "keep_symmetry": True, "symprec_A": 1e-3,
                 "lpsc_s_cl_disorder": 0.5},
        "scales": {"test": {"bulk": block}},
    }


def test_check_bulk_config():
    check_bulk_config(_cfg())
    with pytest.raises(ValueError, match="not one of"):
        check_bulk_config(_cfg(phases=["Li6PS5Cl"]))
    cfg = _cfg()
    cfg["bulk"]["lpsc_s_cl_disorder"] = 0.1
    with pytest.raises(ValueError, match="moves no Cl"):
        check_bulk_config(cfg)
    cfg["scales"]["test"]["bulk"]["lpsc_supercell"] = [2, 2, 1]  # 16 Cl: 0.1 moves 2
    check_bulk_config(cfg)
    cfg = _cfg()
    cfg["bulk"]["reference_file"] = "/nonexistent/ref.yaml"
    with pytest.raises(FileNotFoundError):
        check_bulk_config(cfg)
