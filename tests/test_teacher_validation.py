"""Teacher validation (issue 21): seiflow.model.teacher_validation with ASE Lennard-Jones
calculators as teacher and model (a model identical to the teacher passes every check, a
perturbed one fails), and its figure."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ase.build import bulk
from ase.calculators.lj import LennardJones

from seiflow.model import teacher_validation as tv

SETTINGS = {
    "own_frames": {"equilibration_steps": 0, "steps": 10, "sample_every": 5},
    "bcc_li": {"equilibration_steps": 20, "steps": 20, "sample_every": 10},
    "rdf": {"equilibration_steps": 5, "steps": 10, "sample_every": 5},
    "reactive": {"equilibration_steps": 0, "steps": 10, "sample_every": 10},
    "eos": {"volume_strain": 0.06, "n_volumes": 7, "relax_steps": 0, "fmax_eV_A": 0.05},
}
BLOCK = {
    "tolerances": {"energy_rmse_meV_atom": 20, "force_rmse_meV_A": 150, "bcc_share_points": 10,
                   "lattice_rel": 0.01, "bulk_modulus_rel": 0.15, "rdf_peak_A": 0.1,
                   "intact_share_points": 10},
    "temperature_K": 300, "timestep_fs": 2.0, "friction_per_ps": 10.0,
    "bcc_li": {"supercell": [3, 3, 3], "ptm_rmsd_cutoff": 0.0},
    "rdf": {"r_max_A": 5.0, "n_bins": 100},
}


def lj(sigma=2.65, epsilon=0.05):
    """Lennard-Jones 'Li': bcc (a = 3.44 A) is metastable at 300 K for sigma 2.65 A."""
    return LennardJones(sigma=sigma, epsilon=epsilon, rc=6.0, smooth=True)


def ps4_cell():
    """Zincblende-like 'PS': every P has four S at 2.05 A (intact PS4), in 8 cubic cells."""
    return bulk("PS", "zincblende", a=4 * 2.05 / 3 ** 0.5, cubic=True).repeat(2)


def run(model):
    licl = bulk("LiCl", "rocksalt", a=5.3, cubic=True).repeat(2)
    fcc = bulk("Li", "fcc", a=2.65 * 2 ** (1 / 6) * 2 ** 0.5, cubic=True)
    return tv.run_teacher_validation(
        lj(), model, ["Li", "P", "S", "Cl"], SETTINGS, BLOCK, seed=7, li_lattice_A=3.44,
        own_cells={"LiCl": (licl, 300.0, 2.0)}, phases={"fcc_Li": fcc}, rdf_cell=licl,
        rdf_pairs=[["Li", "Cl"]], rdf_system="LiCl", reactive_cell=ps4_cell(),
        reactive_centres=["P"], reactive_system="PS", log=lambda *_: None)


def test_identical_model_passes_every_check():
    table, details = run(lj())
    assert list(table.columns) == list(tv.TABLE_COLUMNS)
    assert list(dict.fromkeys(table["check"])) == list(tv.CHECKS)
    assert table["passed"].all()
    assert np.allclose(table["error"], 0.0)
    assert set(table.loc[table.check == "own_frames", "system"]) == {"LiCl", "bcc_Li", "PS"}
    assert set(details["eos"]["source"]) == {"teacher", "model"}
    ok, msg = tv.validation_verdict(table, "stop", "m", "scales.test.teacher_validation.on_fail")
    assert ok and "all" in msg


def test_perturbed_model_fails_and_stops():
    table, _ = run(lj(sigma=2.2))
    failed = table[~table["passed"]]
    assert {"own_frames", "bcc_li", "lattice"} <= set(failed["check"])
    assert (table["passed"] == (table["error"] <= table["tolerance"])).all()
    ok, msg = tv.validation_verdict(table, "stop", "m", "scales.paper.teacher_validation.on_fail")
    assert not ok
    assert "scales.paper.teacher_validation.on_fail: warn" in msg and "BCC_share" in msg
    ok, msg = tv.validation_verdict(table, "warn", "m", "scales.demo.teacher_validation.on_fail")
    assert ok and msg.startswith("WARNING")
    with pytest.raises(ValueError, match="on_fail"):
        tv.validation_verdict(table, "ignore", "m", "x")


def test_relabel_errors_are_rmse_per_atom_and_component():
    frames = [bulk("Li", "fcc", a=4.1, cubic=True)]
    frames[0].rattle(0.05, seed=1)
    err = tv.relabel_errors(frames, lj(), lj(epsilon=0.06))
    e_t, f_t = tv.single_points(frames, lj())
    e_m, f_m = tv.single_points(frames, lj(epsilon=0.06))
    # LJ energy and forces scale with epsilon: model = 1.2 x teacher
    assert err["energy_rmse_meV_atom"] == pytest.approx(1000 * 0.2 * abs(e_t[0]) / 4)
    assert err["force_rmse_meV_A"] == pytest.approx(
        1000 * 0.2 * np.sqrt(np.mean(f_t[0] ** 2)))
    with pytest.raises(ValueError):
        tv.relabel_errors([], lj(), lj())


def test_energy_volume_finds_the_lj_minimum():
    # fcc LJ: nearest-neighbour distance at the minimum ~ 1.09 sigma (lattice sums)
    fcc = bulk("Li", "fcc", a=2.65 * 1.09 * 2 ** 0.5, cubic=True)
    fit = tv.energy_volume(fcc, lj(), 0.05, 7)
    assert fit["a_A"] == pytest.approx(2.65 * 1.09 * 2 ** 0.5, rel=0.02)
    assert fit["bulk_modulus_GPa"] > 0
    with pytest.raises(ValueError, match="outside the sampled"):
        tv.energy_volume(fcc, lj(sigma=3.2), 0.02, 5)
    with pytest.raises(ValueError):
        tv.energy_volume(fcc, lj(), 0.05, 3)


def test_first_rdf_peak_is_the_bond_length():
    licl = bulk("LiCl", "rocksalt", a=5.3, cubic=True).repeat(2)
    peak, r, g = tv.first_rdf_peak_A([licl], ("Li", "Cl"), 5.0, 100)
    assert peak == pytest.approx(2.65, abs=0.05) and r.shape == g.shape == (100,)
    with pytest.raises(ValueError, match="not in"):
        tv.first_rdf_peak_A([licl], ("Li", "S"), 5.0, 100)


def test_langevin_same_seed_same_trajectory_and_bad_arguments():
    cell = tv.bcc_li_cell(3.44, [2, 2, 2])
    a = tv.langevin_trajectory(cell, lj(), 300, 2.0, 6, 10.0, 3, 3)
    b = tv.langevin_trajectory(cell, lj(), 300, 2.0, 6, 10.0, 3, 3)
    c = tv.langevin_trajectory(cell, lj(), 300, 2.0, 6, 10.0, 4, 3)
    assert len(a) == 2 and np.array_equal(a[-1].positions, b[-1].positions)
    assert not np.array_equal(a[-1].positions, c[-1].positions)
    with pytest.raises(ValueError):
        tv.langevin_trajectory(cell, lj(), 300, 2.0, 6, 10.0, 3, 7)
    with pytest.raises(ValueError):
        tv.langevin_trajectory(cell, lj(), 0, 2.0, 6, 10.0, 3, 3)
    with pytest.raises(ValueError):
        tv.bcc_li_cell(3.44, [0, 1, 1])


def test_read_cell_maps_lammps_types(tmp_path):
    from seiflow.md.lammps import write_lammps_data

    licl = bulk("LiCl", "rocksalt", a=5.3, cubic=True)
    write_lammps_data(licl, ["Li", "P", "S", "Cl"], tmp_path / "c.lmp")
    back = tv.read_cell(tmp_path / "c.lmp", ["Li", "P", "S", "Cl"])
    assert sorted(back.get_chemical_symbols()) == sorted(licl.get_chemical_symbols())
    with pytest.raises(ValueError, match="type map"):
        tv.read_cell(tmp_path / "c.lmp", ["Li"])


def test_intact_tetrahedra_share_matches_the_ps4_criterion():
    from seiflow.analysis.sei_formation import intact_ps4_mask

    cell = ps4_cell()
    assert tv.intact_tetrahedra_share(cell, "P") == 100.0 == 100 * intact_ps4_mask(cell).mean()
    stretched = cell.copy()
    stretched.set_cell(cell.cell * 1.3, scale_atoms=True)  # P-S 2.67 A > 2.6 A
    assert tv.intact_tetrahedra_share(stretched, "P") == 0.0
    assert 100 * intact_ps4_mask(stretched).mean() == 0.0
    with pytest.raises(ValueError, match="no Si"):
        tv.intact_tetrahedra_share(cell, "Si")
    rows = tv.reactive_rows("PS", ["P"], cell, stretched, 2.6, 10.0)
    assert rows[0]["quantity"] == "intact_PS4_share" and rows[0]["error"] == 100.0
    assert not rows[0]["passed"]


def test_table_rows_and_figure(tmp_path):
    rows = tv.bcc_rows({"BCC": 90, "HCP": 5, "FCC": 5, "other": 0},
                       {"BCC": 43, "HCP": 57, "FCC": 0, "other": 0}, 10.0)
    rows.append(tv.check_row("own_frames", "x", "force_rmse", "meV/A", 1, 1, np.nan, 150))
    table = tv.validation_table(rows)
    assert table["check"].iloc[0] == "own_frames" and not table["passed"].iloc[0]
    assert list(table.loc[table.quantity == "BCC_share", "passed"]) == [False]
    with pytest.raises(ValueError, match="unknown checks"):
        tv.validation_table([{**rows[0], "check": "nope"}])
    from seiflow.plot.teacher_validation import plot_teacher_validation

    plot_teacher_validation(table, tmp_path / "f.png", tmp_path / "f.csv", "t")
    assert (tmp_path / "f.png").stat().st_size > 0
    assert len(pd.read_csv(tmp_path / "f.csv")) == len(table)


@pytest.fixture(scope="module")
def config():
    import yaml

    root = Path(__file__).resolve().parents[1]
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text())
    cfg.update(yaml.safe_load((root / "config" / "resources.yaml").read_text()))
    return cfg


@pytest.mark.parametrize("edit, message", [
    (lambda c: c["teacher_validation"]["phases"]["glass"].append("LiCl"),
     "teacher_validation.phases.glass: 'LiCl' has no initial data at scale"),
    (lambda c: c["teacher_validation"]["phases"].update(two_step=["Li"]),
     "teacher_validation.phases: ['two_step'] are not model studies"),
    (lambda c: c["teacher_validation"]["rdf_by_study"]["glass"].update(pairs=[["Cl", "S"]]),
     "teacher_validation.rdf_by_study.glass.pairs"),
    (lambda c: c["scales"]["test"]["teacher_validation"]["bcc_li"].update(sample_every=99),
     "scales.test.teacher_validation.bcc_li: sample_every"),
    (lambda c: c["scales"]["paper"]["teacher_validation"].update(on_fail="maybe"),
     "scales.paper.teacher_validation.on_fail"),
    (lambda c: c["teacher_validation"]["tolerances"].pop("lattice_rel"),
     "lattice_rel"),
    (lambda c: c["teacher_validation"]["reactive_by_study"].update(
        decomposition_interfaces={"system": "iface_Li_100__LiCl_100", "centres": ["Si"]}),
     "teacher_validation.reactive_by_study.decomposition_interfaces.centres: ['Si']"),
    (lambda c: c["teacher_validation"]["reactive_by_study"]["glass"].update(system="slab_LiPS"),
     "teacher_validation.reactive_by_study.glass: 'slab_LiPS' has no initial data"),
])
def test_config_checks_name_the_key(config, edit, message):
    import copy

    from seiflow.config.checks import check_teacher_validation, validate_schema

    validate_schema(copy.deepcopy(config))
    check_teacher_validation(config)
    bad = copy.deepcopy(config)
    edit(bad)
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_schema(bad)
        check_teacher_validation(bad)


def test_shipped_on_fail_per_scale(config):
    """test and demo warn (test models are not meant to be accurate; demo models miss the
    targets until issue 21 part 2), paper stops."""
    on_fail = {s: b["teacher_validation"]["on_fail"] for s, b in config["scales"].items()}
    assert on_fail == {"test": "warn", "demo": "warn", "paper": "stop"}


def test_lattice_range_widens_to_the_teachers_minimum():
    """The start cell is 6 % too small: ±2 % misses the teacher's minimum, ±8 % holds it."""
    fcc = bulk("Li", "fcc", a=0.94 * 2.65 * 1.09 * 2 ** 0.5, cubic=True)
    settings = {**SETTINGS, "eos": {**SETTINGS["eos"], "volume_strain": 0.02}}
    messages = []
    table, details = tv.run_teacher_validation(
        lj(), lj(), ["Cu"], settings, BLOCK, seed=1, li_lattice_A=3.44,
        phases={"fcc": fcc}, log=messages.append)
    assert table["passed"].all() and set(table["check"]) == {"lattice"}
    assert any("strain 0.08" in m for m in messages)
    a = table.loc[table.quantity == "cell_length_a", "teacher"].iloc[0]
    assert a == pytest.approx(2.65 * 1.09 * 2 ** 0.5, rel=0.02)
    assert details["eos"]["volume_A3_atom"].max() > fcc.get_volume() / len(fcc) * 1.08 ** 3 * 0.99
