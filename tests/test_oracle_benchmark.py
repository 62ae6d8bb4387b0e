"""Teacher-vs-reference benchmark: shift fit, error metrics, default pick, frame selection."""

import importlib.util
import json
from types import SimpleNamespace

import dpdata
import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from ase import Atoms
from ase.build import bulk
from ase.calculators.calculator import Calculator
from ase.calculators.emt import EMT
from ase.calculators.lj import LennardJones
from ase.calculators.singlepoint import SinglePointCalculator
from ase.units import GPa

import seiflow.oracle.calculators
from seiflow.oracle.calculators import OracleError
from seiflow.oracle.benchmark import (TABLE_COLUMNS, error_table, fit_element_shifts,
                                      label_benchmark, label_with, pick_default,
                                      select_benchmark_frames)
from seiflow.plot.oracle_benchmark import parity_plot


def _factory(name, n_threads=1, dft=None):
    return {"emt": EMT, "lj": lambda: LennardJones(sigma=2.3, epsilon=0.2, rc=5.0)}[name]()


def _cu3al():
    return Atoms("AlCu3", scaled_positions=[[0, 0, 0], [0, .5, .5], [.5, 0, .5], [.5, .5, 0]],
                 cell=[3.7] * 3, pbc=True)


def _write_npy(path, atoms, n_frames, seed):
    """deepmd/npy folder of n_frames rattled copies of atoms labelled with EMT."""
    system = None
    for k in range(n_frames):
        a = atoms.copy()
        a.rattle(0.05, seed=seed + k)
        a.calc = EMT()
        a.calc = SinglePointCalculator(a, energy=a.get_potential_energy(), forces=a.get_forces(),
                                       stress=a.get_stress())
        s = dpdata.LabeledSystem(a, fmt="ase/structure", type_map=["Al", "Cu"])
        system = s if system is None else system + s
    system.to("deepmd/npy", str(path))
    return str(path)


@pytest.fixture()
def npy_dirs(tmp_path):
    cu = bulk("Cu", "fcc", a=3.6, cubic=True)
    return {"Cu": _write_npy(tmp_path / "Cu", cu, 3, 1),
            "Cu3Al": _write_npy(tmp_path / "Cu3Al", _cu3al(), 3, 11),
            "big": _write_npy(tmp_path / "big", cu.repeat(2), 2, 21)}


def test_fit_recovers_analytic_element_shifts():
    rng = np.random.default_rng(0)
    counts = rng.integers(1, 9, size=(7, 3))
    mu = np.array([-1.9, -5.4, -4.1])
    e_teacher = rng.normal(-100, 10, 7)
    e_ref = e_teacher + counts @ mu
    shifts, mode = fit_element_shifts(counts, e_ref - e_teacher)
    assert mode == "per_element"
    np.testing.assert_allclose(shifts, mu, atol=1e-10)


def test_fit_rank_deficient_falls_back_to_one_constant():
    counts = np.array([[6, 1, 5, 1], [12, 2, 10, 2], [24, 4, 20, 4]])  # one stoichiometry
    delta = -0.7 * counts.sum(axis=1)
    shifts, mode = fit_element_shifts(counts, delta)
    assert mode == "per_atom_constant"
    np.testing.assert_allclose(shifts, [-0.7] * 4)
    with pytest.raises(ValueError):
        fit_element_shifts(counts, delta[:2])
    with pytest.raises(ValueError):
        fit_element_shifts(np.zeros((2, 1)), np.zeros(2))


def _hand_made():
    frames = [Atoms("Cu2", positions=[[0, 0, 0], [1.3, 1.3, 0]], cell=[3.0] * 3, pbc=True)
              for _ in range(3)]
    for a, s in zip(frames, "AAB"):
        a.info["system"] = s
    ref = [{"energy_eV": e, "forces_eV_A": np.zeros((2, 3)),
            "stress_eV_A3": np.arange(6) * 0.01} for e in (-10.0, -11.0, -12.0)]
    eps = np.array([0.02, -0.02, 0.0])  # eV per frame after the shift
    dforces = [np.array([[0.3, 0, 0], [-0.3, 0, 0]]), np.zeros((2, 3)),
               np.array([[0, 0, 0.4], [0, 0, -0.4]])]
    dstress = np.array([1.0, 0, 0, 0, 0, 0]) * GPa  # 1 GPa on xx
    teacher = [{"energy_eV": r["energy_eV"] + 5.0 - e, "forces_eV_A": r["forces_eV_A"] + f,
                "stress_eV_A3": r["stress_eV_A3"] + dstress if k < 2 else None, "wall_s": 2.0}
               for k, (r, e, f) in enumerate(zip(ref, eps, dforces))]
    return frames, ref, teacher


def test_error_table_on_hand_made_labels():
    frames, ref, teacher = _hand_made()
    table = error_table(ref, {"t": teacher, "same": ref}, frames)
    assert list(table.columns) == TABLE_COLUMNS
    assert list(zip(table["teacher"], table["system"])) == [
        ("t", "A"), ("t", "B"), ("t", "all"), ("same", "A"), ("same", "B"), ("same", "all")]
    row = table.set_index(["teacher", "system"]).loc[("t", "all")]
    assert row["n_frames"] == 3 and row["n_atoms"] == 6 and row["n_compositions"] == 1
    assert row["energy_shift_mode"] == "per_element"
    assert row["energy_rmse_meV_atom"] == pytest.approx(np.sqrt(200 / 3))  # 10, -10, 0
    assert row["rel_energy_rmse_meV_atom"] == pytest.approx(np.sqrt(200 / 3))
    assert row["force_rmse_eV_A"] == pytest.approx(np.sqrt(0.5 / 18))
    assert row["force_mae_eV_A"] == pytest.approx(1.4 / 18)
    assert row["max_force_error_eV_A"] == pytest.approx(0.4)
    assert row["stress_rmse_GPa"] == pytest.approx(np.sqrt(2 / 12))  # frame 3 has no stress
    assert row["seconds_per_frame"] == pytest.approx(2.0)
    a = table.set_index(["teacher", "system"]).loc[("t", "A")]
    assert a["energy_rmse_meV_atom"] == pytest.approx(10.0)
    assert a["force_rmse_eV_A"] == pytest.approx(np.sqrt(0.18 / 12))
    b = table.set_index(["teacher", "system"]).loc[("t", "B")]
    assert np.isnan(b["stress_rmse_GPa"]) and b["energy_rmse_meV_atom"] == pytest.approx(0.0)
    same = table[table["teacher"] == "same"]
    metrics = ["energy_rmse_meV_atom", "force_rmse_eV_A", "max_force_error_eV_A",
               "stress_rmse_GPa"]
    np.testing.assert_allclose(same[metrics].to_numpy(float), 0.0, atol=1e-9)
    with pytest.raises(ValueError):
        error_table(ref, {"t": teacher[:2]}, frames)


def test_relative_energies_skip_single_frame_compositions():
    frames = [Atoms(f"Cu{n}", positions=[[1.5 * i, 0, 0] for i in range(n)], cell=[5.0] * 3,
                    pbc=True) for n in (2, 2, 3)]
    for a, s in zip(frames, "AAC"):
        a.info["system"] = s
    ref = [{"energy_eV": e, "forces_eV_A": np.zeros((len(a), 3)), "stress_eV_A3": None}
           for e, a in zip((-10.0, -10.5, -15.0), frames)]
    teacher = [{**r, "energy_eV": r["energy_eV"] + d} for r, d in zip(ref, (0.02, 0.0, 0.5))]
    rows = error_table(ref, {"t": teacher}, frames).set_index("system")
    assert rows.loc["all", "rel_energy_rmse_meV_atom"] == pytest.approx(5.0)  # +-0.01 eV / 2
    assert np.isnan(rows.loc["C", "rel_energy_rmse_meV_atom"])  # Cu3 occurs once
    assert np.isnan(rows.loc["all", "stress_rmse_GPa"])
    assert rows.loc["all", "n_compositions"] == 2


def test_pick_default_ordering():
    rows = [("a", "all", 0.10, 1.0), ("b", "all", 0.08, 9.0), ("c", "all", 0.08, 3.0),
            ("d", "X", 0.01, 0.1), ("e", "all", np.nan, 0.0)]
    table = pd.DataFrame(rows, columns=["teacher", "system", "force_rmse_eV_A",
                                        "energy_rmse_meV_atom"])
    assert pick_default(table) == "c"  # force tie between b and c -> lower energy RMSE
    assert pick_default(table, force_tol_eV_A=0.03) == "a"  # a counts as tied, best energy
    assert pick_default(table.iloc[[0, 1]]) == "b"
    with pytest.raises(ValueError):
        pick_default(table[table["system"] == "X"])


def test_select_benchmark_frames(npy_dirs):
    frames = select_benchmark_frames(npy_dirs, n_per_system=2, seed=5, max_atoms=10)
    assert [a.info["system"] for a in frames] == ["Cu", "Cu", "Cu3Al", "Cu3Al"]  # big skipped
    assert all(a.calc is None and len(a) == 4 for a in frames)
    stored = dpdata.LabeledSystem(npy_dirs["Cu3Al"], fmt="deepmd/npy")
    for a in frames[2:]:
        np.testing.assert_allclose(a.positions, stored["coords"][a.info["frame_index"]])
        assert a.get_chemical_formula() == "AlCu3"
    idx = [a.info["frame_index"] for a in frames]
    assert idx[0] < idx[1] and idx[2] < idx[3]
    again = select_benchmark_frames(npy_dirs, n_per_system=2, seed=5, max_atoms=10)
    assert [a.info["frame_index"] for a in again] == idx
    for name, sel in (("Cu", idx[:2]), ("Cu3Al", idx[2:])):  # independent of other systems
        alone = select_benchmark_frames({name: npy_dirs[name]}, 2, seed=5, max_atoms=10)
        assert [a.info["frame_index"] for a in alone] == sel
    draws = {tuple(a.info["frame_index"] for a in
                   select_benchmark_frames(npy_dirs, 1, seed=s, max_atoms=10)) for s in range(8)}
    assert len(draws) > 1
    everything = select_benchmark_frames(npy_dirs, n_per_system=10, seed=5, max_atoms=100)
    assert len(everything) == 8
    with pytest.raises(ValueError, match="max_atoms"):
        select_benchmark_frames(npy_dirs, 2, seed=5, max_atoms=3)


def test_label_with_stress_optional_and_non_finite_rejected():
    molecule = Atoms("Cu2", positions=[[0, 0, 0], [2.5, 0, 0]])
    (label,) = label_with(_factory("lj"), [molecule])
    assert label["stress_eV_A3"] is None and label["forces_eV_A"].shape == (2, 3)

    class NaNCalculator(Calculator):
        implemented_properties = ["energy", "forces"]

        def calculate(self, atoms=None, properties=None, system_changes=None):
            super().calculate(atoms, properties, system_changes)
            self.results = {"energy": np.nan, "forces": np.zeros((len(atoms), 3))}

    with pytest.raises(OracleError, match="non-finite"):
        label_with(NaNCalculator(), [molecule])


def test_emt_vs_lennard_jones_end_to_end(npy_dirs, tmp_path):
    frames, ref, teachers = label_benchmark(npy_dirs, ["lj", "emt"], "emt", n_per_system=3,
                                            max_atoms=10, seed=1, calculator_factory=_factory)
    table = error_table(ref, teachers, frames)
    rows = table.set_index(["teacher", "system"])
    assert len(table) == 6 and set(table["energy_shift_mode"]) == {"per_element"}
    assert rows.loc[("emt", "all"), "force_rmse_eV_A"] == pytest.approx(0.0, abs=1e-12)
    assert rows.loc[("emt", "all"), "energy_rmse_meV_atom"] == pytest.approx(0.0, abs=1e-9)
    df = []
    for a in frames:  # independent force error of LJ vs EMT
        b, c = a.copy(), a.copy()
        b.calc, c.calc = _factory("lj"), EMT()
        df.append(b.get_forces() - c.get_forces())
    lj = rows.loc[("lj", "all")]
    assert lj["force_rmse_eV_A"] == pytest.approx(np.sqrt(np.mean(np.concatenate(df) ** 2)))
    assert lj["force_rmse_eV_A"] > 0.05 and np.isfinite(lj["stress_rmse_GPa"])
    assert pick_default(table) == "emt"
    png, csv = tmp_path / "fig" / "parity.png", tmp_path / "fig" / "parity.csv"
    assert parity_plot(ref, teachers, frames, png, csv, reference_name="emt") is None
    image = matplotlib.image.imread(png)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 300
    data = pd.read_csv(csv)
    assert len(data) == 2 * (6 + 6 * 4 * 3)
    emt = data[data["teacher"] == "emt"]
    np.testing.assert_allclose(emt["predicted"], emt["reference"], atol=1e-9)


def test_snakemake_script(npy_dirs, tmp_path, monkeypatch, root):
    monkeypatch.setattr(seiflow.oracle.calculators, "get_calculator", _factory)
    spec = importlib.util.spec_from_file_location(
        "oracle_benchmark_script", root / "workflow" / "scripts" / "oracle_benchmark.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = {k: str(tmp_path / f"bench.{k}") for k in ("csv", "png", "json")}
    smk = SimpleNamespace(
        input=SimpleNamespace(init=[npy_dirs["Cu"], npy_dirs["Cu3Al"], npy_dirs["big"]]),
        params=SimpleNamespace(teachers=["lj", "emt"], reference="emt", n_frames_per_system=2,
                               max_atoms=10, seed=3, oracle_threads=1, dft=None),
        output=SimpleNamespace(table=str(tmp_path / "table.csv"), **out))
    script.main(smk)
    summary = json.loads((tmp_path / "bench.json").read_text())
    assert summary["default"] == "emt" and summary["frames_per_system"] == {"Cu": 2, "Cu3Al": 2}
    assert set(summary["energy_shifts_eV_per_atom"]["emt"]) == {"Al", "Cu"}
    table = pd.read_csv(tmp_path / "table.csv")
    assert set(table["system"]) == {"Cu", "Cu3Al", "all"}
