"""Unit tests of seiflow.builders.glass (study glass, paper 000): tiny cells, cheap calculators."""

import copy
import math

import numpy as np
import pandas as pd
import pytest
from ase import Atoms
from ase.build import bulk
from ase.calculators.lj import LennardJones
from ase.constraints import FixAtoms, FixCartesian
from ase.io import Trajectory, read
from ase.neighborlist import neighbor_list

from seiflow.builders.glass import (
    GlassError,
    PAPER_TETRAHEDRAL_CUTOFFS_A,
    analyse_glass_sample,
    check_glass_config,
    density_g_cm3,
    formal_charge,
    formula_unit,
    glass_composition,
    li_glass_slab,
    melt_quench,
    partial_rdfs,
    protocol_steps,
    random_packing,
    relaxation_frames,
    sample_seeds,
    samples_table,
    tetrahedral_share,
)
from seiflow.builders.cells import StructureValidationError
from seiflow.plot.glass import plot_glass_rdf

PAPER_GLASSES = {"LiSiS": (50, 50, 0), "LiSiPS": (60, 32, 8), "LiPS": (75, 0, 25)}


# --------------------------------------------------------------------------- composition
@pytest.mark.parametrize(
    "mol, target, expected",
    [
        ((50, 50, 0), 48, {"Li": 16, "Si": 8, "P": 0, "S": 24}),  # 8 Li2SiS3
        ((60, 32, 8), 166, {"Li": 60, "Si": 16, "P": 8, "S": 82}),  # 2 Li30Si8P4S41
        ((75, 0, 25), 48, {"Li": 18, "Si": 0, "P": 6, "S": 24}),  # 6 Li3PS4
    ],
)
def test_paper_compositions_exact_and_neutral(mol, target, expected):
    counts = glass_composition(*mol, target)
    assert counts == expected
    # back to mol %: Li2S = Li/2, SiS2 = Si, P2S5 = P/2 and S = Li/2 + 2 Si + 5 P/2
    units = np.array([counts["Li"] / 2, counts["Si"], counts["P"] / 2])
    assert np.allclose(100 * units / units.sum(), mol)
    assert counts["S"] == counts["Li"] / 2 + 2 * counts["Si"] + 5 * counts["P"] / 2
    assert formal_charge(counts) == 0


def test_rounding_rule_whole_formula_units():
    assert sum(formula_unit(75, 0, 25).values()) == 16  # Li6P2S8
    assert sum(formula_unit(60, 32, 8).values()) == 83  # Li30Si8P4S41
    assert sum(glass_composition(75, 0, 25, 50).values()) == 48  # 3.1 fu -> 3
    assert sum(glass_composition(75, 0, 25, 56).values()) == 64  # 3.5 fu -> 4 (halves up)
    assert sum(glass_composition(60, 32, 8, 10).values()) == 83  # at least one unit
    assert formula_unit(66.6, 33.4, 0) == {"Li": 666, "Si": 167, "P": 0, "S": 667}  # 333:167


@pytest.mark.parametrize(
    "args",
    [(50, 40, 0, 50), (75, 0, 26, 50), (110, -10, 0, 50), (float("nan"), 50, 50, 50),
     (75, 0, 25, 0), (75, 0, 25, 10.5)],
)
def test_bad_composition_rejected(args):
    with pytest.raises(GlassError):
        glass_composition(*args)
    assert issubclass(GlassError, ValueError)


# --------------------------------------------------------------------------- packing
def test_random_packing_density_distance_and_seed():
    counts = glass_composition(75, 0, 25, 96)
    atoms = random_packing(counts, 1.9, seed=7, min_distance_A=1.8, c_over_a=1.5)
    assert density_g_cm3(atoms) == pytest.approx(1.9, rel=1e-12)
    a, b, c = atoms.cell.lengths()
    assert a == pytest.approx(b) and c == pytest.approx(1.5 * a)
    assert dict(zip(*np.unique(atoms.get_chemical_symbols(), return_counts=True))) == {
        el: n for el, n in counts.items() if n}
    d = neighbor_list("d", atoms, 2.5)
    assert d.min() >= 1.8
    same = random_packing(counts, 1.9, seed=7, min_distance_A=1.8, c_over_a=1.5)
    other = random_packing(counts, 1.9, seed=8, min_distance_A=1.8, c_over_a=1.5)
    assert np.array_equal(atoms.positions, same.positions)
    assert not np.allclose(atoms.positions, other.positions)
    cubic = random_packing(counts, 1.9, seed=7, min_distance_A=1.8)
    assert np.allclose(cubic.cell.lengths(), cubic.cell.lengths()[0])


@pytest.mark.parametrize("density", [-1.9, 0.0, float("inf")])
def test_random_packing_rejects_bad_density(density):
    with pytest.raises(GlassError, match="density"):
        random_packing({"Li": 2, "S": 1}, density, 0, 1.5)


def test_random_packing_rejects_impossible_packing():
    with pytest.raises(GlassError, match="jamming"):
        random_packing(glass_composition(75, 0, 25, 48), 1.9, 0, 3.0)
    with pytest.raises(GlassError):
        random_packing({"Li": -1, "S": 2}, 1.9, 0, 1.5)
    with pytest.raises(GlassError):
        random_packing({"Xx": 1}, 1.9, 0, 1.5)


def test_sample_seeds_deterministic_and_distinct():
    s = sample_seeds(20261121, "LiPS", 0)
    assert s == sample_seeds(20261121, "LiPS", 0)
    assert s["packing"] != s["md"]
    seen = {tuple(sample_seeds(20261121, c, k).values()) for c in PAPER_GLASSES for k in range(6)}
    assert len(seen) == 18


# --------------------------------------------------------------------------- analysis
def _ps4(box=15.0, extra_p=None):
    """Ideal PS4 tetrahedron (P-S 2.05 A) in a periodic box, optionally one more P."""
    dirs = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) / math.sqrt(3)
    c = np.full(3, box / 2)
    pos = [c] + [c + 2.05 * d for d in dirs]
    sym = ["P", "S", "S", "S", "S"]
    if extra_p is not None:
        pos.append(np.asarray(extra_p, float))
        sym.append("P")
    return Atoms(sym, positions=pos, cell=[box] * 3, pbc=True)


def test_tetrahedral_share_ideal_and_isolated():
    assert tetrahedral_share(_ps4(), "P", PAPER_TETRAHEDRAL_CUTOFFS_A["P"]) == 1.0
    assert tetrahedral_share(_ps4(), "P", 2.0) == 0.0  # cutoff below the bond
    assert tetrahedral_share(_ps4(extra_p=[1.0, 1.0, 1.0]), "P", 2.73) == 0.5
    lone = Atoms("P", positions=[[5, 5, 5]], cell=[10] * 3, pbc=True)
    assert tetrahedral_share(lone, "P", 2.73) == 0.0
    assert math.isnan(tetrahedral_share(_ps4(), "Si", 2.80))
    with pytest.raises(GlassError):
        tetrahedral_share(_ps4(), "P", -1.0)


def test_partial_rdf_bcc_coordination_with_small_cell():
    a = 3.44
    li = bulk("Li", "bcc", a=a, cubic=True)  # 3.44 A cell < 2 rmax: repeated internally
    rows = pd.DataFrame(partial_rdfs(li, rmax_A=3.2, nbins=320))
    assert set(rows["pair"]) == {"Li-Li"}
    r, g = rows["r_A"].to_numpy(), rows["g_r"].to_numpy()
    dr = r[1] - r[0]
    edges = r - dr / 2
    shell = 4 * np.pi * dr * (edges**2 + edges * dr + dr**2 / 3)
    cn = np.sum(g * shell * 2 / a**3)
    assert cn == pytest.approx(8.0, rel=1e-9)  # bcc first shell
    assert r[np.argmax(g)] == pytest.approx(a * math.sqrt(3) / 2, abs=dr)


def test_partial_rdf_symmetric_and_analysis_checks_composition():
    counts = glass_composition(75, 0, 25, 48)
    atoms = random_packing(counts, 1.9, 3, 1.8)
    rdf = pd.DataFrame(partial_rdfs(atoms, 4.0, 40, pairs=[("Li", "S"), ("S", "Li")]))
    ls = rdf[rdf["pair"] == "Li-S"]["g_r"].to_numpy()
    sl = rdf[rdf["pair"] == "S-Li"]["g_r"].to_numpy()
    assert np.allclose(ls, sl)
    summary, rows = analyse_glass_sample([atoms], counts, rdf_rmax_A=4.0, rdf_nbins=40)
    assert summary["n_atoms"] == 48 and summary["charge"] == 0
    assert summary["density_g_cm3"] == pytest.approx(1.9)
    assert 0.0 <= summary["tetrahedral_share_P"] <= 1.0
    assert math.isnan(summary["tetrahedral_share_Si"])
    assert {r["pair"] for r in rows} == {"Li-Li", "Li-P", "Li-S", "P-P", "P-S", "S-S"}
    wrong = dict(counts, Li=counts["Li"] + 1)
    with pytest.raises(StructureValidationError, match="composition"):
        analyse_glass_sample([atoms], wrong)


# --------------------------------------------------------------------------- slab
def test_li_glass_slab_frozen_layers_and_strain():
    glass = random_packing(glass_composition(75, 0, 25, 96), 1.9, 1, 1.8, c_over_a=2.0)
    slab, info = li_glass_slab(glass, 3.44, n_li_layers=6, gap_A=2.0, freeze_A=7.0)
    z = slab.positions[:, 2]
    expected = (z <= z.min() + 7.0) | (z >= z.max() - 7.0)
    frozen = slab.arrays["frozen"]
    assert np.array_equal(frozen, expected)
    assert frozen.any() and (~frozen).any()
    (con,) = slab.constraints
    assert isinstance(con, FixAtoms) and np.array_equal(np.sort(con.index),
                                                        np.flatnonzero(frozen))
    tags = slab.get_tags()
    metal = tags == 1
    assert info["n_li_metal"] == metal.sum() == 6 * info["li_repeats"][0] ** 2
    assert np.all(np.array(slab.get_chemical_symbols())[metal] == "Li")
    # bottom of the cell: frozen Li metal; top: frozen glass; mobile atoms of both kinds
    assert np.all(tags[z <= z.min() + 7.0] == 1) and np.all(tags[z >= z.max() - 7.0] == 0)
    assert (metal & ~frozen).any() and (~metal & ~frozen).any()
    lx = glass.cell.lengths()[0]
    nx = info["li_repeats"][0]
    assert info["li_strain_percent"][0] == pytest.approx(100 * (lx / (nx * 3.44) - 1))
    assert np.allclose(slab.cell.lengths()[:2], glass.cell.lengths()[:2])
    glass_z = z[~metal]
    assert glass_z.min() - z[metal].max() == pytest.approx(2.0)
    assert slab.cell.lengths()[2] - glass_z.max() == pytest.approx(2.0)  # periodic contact
    zonly, _ = li_glass_slab(glass, 3.44, 6, 2.0, freeze_z_only=True)
    assert isinstance(zonly.constraints[0], FixCartesian)


def test_li_glass_slab_rejects_thin_blocks_and_bad_input():
    glass = random_packing(glass_composition(75, 0, 25, 96), 1.9, 1, 1.8, c_over_a=2.0)
    with pytest.raises(GlassError, match="thicker"):
        li_glass_slab(glass, 3.44, n_li_layers=4, gap_A=2.0)  # 5.16 A of Li < 7 A
    with pytest.raises(GlassError):
        li_glass_slab(glass, -3.44, 6, 2.0)
    with pytest.raises(GlassError):
        li_glass_slab(glass, 3.44, 6, 0.0)
    tilted = glass.copy()
    tilted.set_cell(tilted.cell.array + [[0, 0, 0], [1.0, 0, 0], [0, 0, 0]])
    with pytest.raises(GlassError, match="orthorhombic"):
        li_glass_slab(tilted, 3.44, 6, 2.0)


# --------------------------------------------------------------------------- melt-quench
def _lj():
    return LennardJones(sigma=2.0, epsilon=0.02, rc=5.0, smooth=True)


def test_protocol_steps_and_validation():
    assert protocol_steps(1000, 0.005, 300, 140000, 0.005, 1.0) == {
        "melt": 5, "quench": 5, "relax": 5}
    with pytest.raises(GlassError):
        protocol_steps(300, 0.005, 1000, 100, 0.005, 1.0)  # melt below final
    with pytest.raises(GlassError):
        protocol_steps(1000, 0.005, 300, 0, 0.005, 1.0)
    with pytest.raises(GlassError):
        protocol_steps(1000, -1, 300, 100, 0.005, 1.0)


def test_melt_quench_lj_runs_logs_and_restarts(tmp_path):
    atoms = random_packing(glass_composition(75, 0, 25, 16), 1.9, 2, 1.8)
    kw = dict(T_melt_K=1000, t_melt_ps=0.005, T_final_K=300, quench_rate_K_ps=140000,
              t_relax_ps=0.005, timestep_fs=1.0, seed=4, friction_per_ps=50.0,
              tdamp_fs=10.0, pdamp_fs=100.0, traj_every=2, minimise_steps=5)
    traj, log = tmp_path / "md.traj", tmp_path / "thermo.csv"
    final, rows = melt_quench(atoms, _lj(), trajectory_path=traj, log_path=log, **kw)
    assert [r["step"] for r in rows] == list(range(16))
    assert [r["stage"] for r in rows[1:]] == ["melt"] * 5 + ["quench"] * 5 + ["relax"] * 5
    for key in ("epot_eV", "ekin_eV", "T_K", "volume_A3", "pressure_GPa"):
        assert np.all(np.isfinite([r[key] for r in rows])), key
    # linear ramp 1000 -> 300 K over the 5 quench steps, then the NPT target
    assert [r["T_target_K"] for r in rows[6:11]] == pytest.approx([860, 720, 580, 440, 300])
    assert rows[-1]["T_target_K"] == 300
    assert rows[10]["volume_A3"] == pytest.approx(atoms.get_volume())  # NVT until the NPT
    assert np.isfinite(final.get_potential_energy()) and final.info["mq_step"] == 15
    assert final.info["mq_minimise"]["epot_end_eV"] <= final.info["mq_minimise"]["epot_start_eV"]
    assert pd.read_csv(log)["step"].tolist() == list(range(16))
    frames = read(traj, ":")
    assert [f.info["mq_step"] for f in frames] == [0, 2, 4, 6, 8, 10, 12, 14, 15]
    assert len(relaxation_frames(frames)) == 3

    # cut the run after step 8 and resume: continues from the frame, log without repeats
    cut = tmp_path / "cut.traj"
    with Trajectory(str(cut), "w") as t:
        for f in frames[:5]:
            t.write(f)
    log_cut = tmp_path / "cut.csv"
    pd.read_csv(log).iloc[:12].to_csv(log_cut, index=False)  # rows up to step 11
    final2, rows2 = melt_quench(atoms, _lj(), trajectory_path=cut, log_path=log_cut, **kw)
    assert [r["step"] for r in rows2] == list(range(9, 16))
    assert pd.read_csv(log_cut)["step"].tolist() == list(range(16))
    assert [f.info["mq_step"] for f in read(cut, ":")] == [0, 2, 4, 6, 8, 10, 12, 14, 15]
    assert np.isfinite(final2.get_potential_energy())
    with pytest.raises(GlassError, match="different protocol"):
        melt_quench(atoms, _lj(), trajectory_path=cut, **dict(kw, T_melt_K=1200))
    # a trajectory of another calculator is not resumed either
    with pytest.raises(GlassError, match="different protocol"):
        melt_quench(atoms, _lj(), trajectory_path=cut, **dict(kw, calculator_id="sevennet"))


def test_melt_quench_rejects_constraints_and_bad_protocol():
    atoms = random_packing(glass_composition(75, 0, 25, 16), 1.9, 2, 1.8)
    fixed = atoms.copy()
    fixed.set_constraint(FixAtoms([0]))
    args = (1000, 0.002, 300, 350000, 0.002, 1.0, 0)
    with pytest.raises(GlassError, match="constraints"):
        melt_quench(fixed, _lj(), *args)
    with pytest.raises(GlassError):
        melt_quench(atoms, _lj(), 1000, 0.002, 300, -5, 0.002, 1.0, 0)
    with pytest.raises(GlassError):
        melt_quench(atoms, _lj(), *args, friction_per_ps=0.0)


# --------------------------------------------------------------------------- table, figure, config
def test_samples_table_and_rdf_figure(tmp_path):
    summaries = [
        {"composition": "LiPS", "sample": 1, "n_atoms": 48, "density_g_cm3": 1.8,
         "mq_steps": {"melt": 5, "quench": 5, "relax": 5}},
        {"composition": "LiPS", "sample": 0, "n_atoms": 48, "density_g_cm3": 1.7,
         "mq_steps": {"melt": 5, "quench": 5, "relax": 5}},
    ]
    table = samples_table(summaries)
    assert table["sample"].tolist() == [0, 1]
    assert list(table.columns[:2]) == ["composition", "sample"]
    assert "mq_steps_melt" in table.columns
    with pytest.raises(GlassError):
        samples_table([])
    atoms = random_packing(glass_composition(75, 0, 25, 48), 1.9, 3, 1.8)
    rdf = pd.DataFrame(partial_rdfs(atoms, 4.0, 20)).assign(composition="LiPS", sample=0)
    png, csv = tmp_path / "glass_rdf.png", tmp_path / "glass_rdf.csv"
    plot_glass_rdf(rdf, png, csv, cutoffs_A=PAPER_TETRAHEDRAL_CUTOFFS_A)
    assert png.stat().st_size > 0 and len(pd.read_csv(csv)) == len(rdf)
    with pytest.raises(ValueError):
        plot_glass_rdf(rdf.drop(columns="g_r"), png, csv)


GLASS_CFG = {
    "compositions": {k: dict(zip(["Li2S", "SiS2", "P2S5"], v)) for k, v in PAPER_GLASSES.items()},
    "density_g_cm3": {"LiSiS": 1.88, "LiSiPS": 1.88, "LiPS": 1.90},
    "min_distance_A": 1.8, "T_final_K": 300, "slab_sample": 0, "freeze_A": 7.0,
}
SCALE_CFG = {"glass": {"n_samples": 1, "n_atoms": 48, "cell_c_over_a": 1.5, "T_melt_K": 1000,
                       "t_melt_ps": 0.01, "quench_rate_K_ps": 70000, "t_relax_ps": 0.01,
                       "timestep_fs": 1.0, "n_li_layers": 6}}


def _bad(path, value):
    glass, scales = copy.deepcopy(GLASS_CFG), {"test": copy.deepcopy(SCALE_CFG)}
    node = {"glass": glass, "scale": scales["test"]["glass"]}
    *keys, last = path
    d = node
    for k in keys:
        d = d[k]
    d[last] = value
    return glass, scales


def test_check_glass_config():
    check_glass_config(GLASS_CFG, {"test": SCALE_CFG}, 3.44)
    for path, value, match in [
        (("glass", "compositions", "LiPS", "P2S5"), 30, "sum to 100"),
        (("glass", "density_g_cm3"), {"LiSiS": 1.88, "LiPS": 1.9}, "same glasses"),
        (("glass", "slab_sample"), 1, "slab_sample"),
        (("scale", "T_melt_K"), 300, "T_melt_K"),
        (("glass", "min_distance_A"), 3.0, "packed"),
        (("scale", "n_li_layers"), 4, "too thin"),
        (("scale", "t_relax_ps"), 0.0, "relaxation"),
    ]:
        glass, scales = _bad(path, value)
        with pytest.raises(GlassError, match=match):
            check_glass_config(glass, scales, 3.44)
