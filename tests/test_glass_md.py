"""Li | glass slab MD analyses (seiflow.analysis.glass_md; paper 000 Fig. 2, Fig. 6, Table 2) and the
frozen-layer option of the LAMMPS inputs (seiflow.md.lammps)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ase import Atoms

from seiflow.analysis.glass_md import (
    analyse_glass_run,
    fit_profile_interfaces,
    frozen_atom_ids,
    profile_z_range,
    sei_region_mask,
    species_diffusion,
    tab2_table,
)
from seiflow.md.lammps import (
    equilibration_input,
    freeze_commands,
    id_ranges,
    npt_segment_input,
)
from seiflow.analysis.profiles import WIDTH_FACTOR_10_90, logistic_step

ROOT = Path(__file__).resolve().parents[1]
H = 60.0  # cell height of the synthetic slab (Å)
L = 12.0  # lateral cell edge (Å)


def _profile(z, y_li, pe_li):
    """ZProfileAccumulator-like rows for Li with the given density and pe profiles."""
    return pd.DataFrame({"z_A": z, "species": "Li", "number_density_A3": y_li,
                         "mean_c_pe": pe_li})


def test_two_step_fit_recovers_positions_and_widths():
    z = np.arange(0.5, 50, 0.5)
    pe = logistic_step(z, 0.8, 15.0, 1.0, -2.0) + logistic_step(z, 0.6, 30.0, 2.5, 0.0)
    dens = logistic_step(z, -0.02, 15.0, 1.0, 0.045) + logistic_step(z, -0.01, 30.0, 2.5, 0.0)
    fits = fit_profile_interfaces(_profile(z, dens, pe)).set_index(["profile", "interface"])
    for prof in ("Li_pe", "Li_density"):
        assert fits.loc[(prof, "Li|SEI"), "z0_A"] == pytest.approx(15.0, abs=1e-3)
        assert fits.loc[(prof, "SEI|SSE"), "z0_A"] == pytest.approx(30.0, abs=1e-3)
        assert fits.loc[(prof, "Li|SEI"), "w_A"] == pytest.approx(1.0, rel=1e-3)
        assert fits.loc[(prof, "SEI|SSE"), "width_A"] == pytest.approx(2.5 * WIDTH_FACTOR_10_90,
                                                                      rel=1e-3)
        assert fits.loc[(prof, "Li|SEI"), "sei_thickness_A"] == pytest.approx(15.0, abs=1e-3)
        assert fits.loc[(prof, "Li|SEI"), "note"] == ""


def test_unfittable_profile_gives_nan_rows_with_note():
    fits = fit_profile_interfaces(_profile([1.0, 2.0, 3.0], [0.1, 0.1, 0.1], [1.0, 1.0, 1.0]))
    assert len(fits) == 4 and fits["z0_A"].isna().all()
    assert fits["note"].str.startswith("fit failed").all()


def test_sei_region_excludes_frozen_and_outside_atoms():
    z = np.array([5.0, 14.0, 16.0, 20.0, 29.0, 31.0, 20.0])
    frozen = np.array([0, 0, 0, 0, 0, 0, 1], dtype=bool)
    got = sei_region_mask(z, 30.0, 15.0, frozen)  # order of the midpoints does not matter
    assert got.tolist() == [False, False, True, True, True, False, False]
    assert not sei_region_mask(z, np.nan, 30.0, frozen).any()
    with pytest.raises(ValueError):
        sei_region_mask(z, 15.0, 30.0, frozen[:-1])


def test_frozen_ids_and_lammps_freeze_commands():
    assert frozen_atom_ids([1, 1, 0, 0, 1]).tolist() == [1, 2, 5]
    assert id_ranges([5, 1, 2, 3, 7, 8]) == "1:3 5 7:8"
    full = freeze_commands([1, 2, 3, 9], False, ["thermo_temp", "eq_temp"], True)
    assert "group frozen id 1:3 9\n" in full
    assert "velocity frozen set 0.0 0.0 0.0\n" in full
    assert "fix freeze frozen setforce 0.0 0.0 0.0\n" in full
    assert "compute_modify eq_temp extra/dof 15\n" in full  # 3 + 3 x 4
    zonly = freeze_commands([1, 2], True, ["prod_temp"], False)
    assert "setforce NULL NULL 0.0" in zonly and "velocity" not in zonly
    assert "extra/dof 5\n" in zonly
    with pytest.raises(ValueError):
        id_ranges([])


def test_frozen_ids_default_leaves_lammps_inputs_unchanged():
    args = ("d.lmp", "m.pth", ["Li", "Si", "P", "S"], 300.0, 0.001, 100, 7, "restart.100")
    base = equilibration_input(*args, dump_every=10, dump_file="dump.0")
    assert base == equilibration_input(*args, dump_every=10, dump_file="dump.0",
                                       frozen_ids=None)
    frozen = equilibration_input(*args, dump_every=10, dump_file="dump.0", frozen_ids=[1, 2])
    assert "fix freeze frozen" in frozen and "fix freeze" not in base
    # the freeze comes after the velocities are drawn and after the integrator fix
    assert frozen.index("velocity all create") < frozen.index("velocity frozen set")
    assert frozen.index("fix eq all nvt") < frozen.index("compute_modify eq_temp")
    seg = ("restart.100", "m.pth", ["Li"], 300.0, 1.0, 0.001, 100, 10, "d.part", "r.tmp")
    assert "freeze" not in npt_segment_input(*seg)
    assert "compute_modify prod_temp" in npt_segment_input(*seg, frozen_ids=[3])


def _slab_frames(n_frames=12, dt_ps=0.1, seed=0):
    """Synthetic Li | SEI | SSE slab along z: frozen Li at z < 6, mobile Li 6-20, SEI 20-35
    (Li, S), SSE 35-54 (Li, Si, S), frozen glass z > 54; per-atom pe = -3 (metal), -2 (SEI),
    -1 (SSE) eV for Li.  Mobile atoms random-walk (xy and z), frozen ones stay."""
    rng = np.random.default_rng(seed)
    zs, sym = [], []
    for lo, hi, n, species in ((0.5, 6, 40, ["Li"]), (6, 20, 120, ["Li"]),
                               (20, 35, 150, ["Li", "Li", "S"]),
                               (35, 54, 150, ["Li", "Si", "S", "S"]), (54.5, 59.5, 40, ["S"])):
        zs.append(rng.uniform(lo, hi, n))
        sym += [species[i % len(species)] for i in range(n)]
    z = np.concatenate(zs)
    n = z.size
    frozen = (z < 6) | (z > 54.2)
    xy = rng.uniform(0, L, (n, 2))
    pos0 = np.column_stack([xy, z])
    pe = np.where(z < 20, -3.0, np.where(z < 35, -2.0, -1.0))
    frames = []
    pos = pos0.copy()
    for k in range(n_frames):
        if k:
            step = rng.normal(0, 0.2, (n, 3))
            step[frozen] = 0.0
            step[:, 2] *= 0.1  # keep the layers in place along z
            pos = pos + step
        a = Atoms(sym, positions=np.mod(pos, [L, L, H]), cell=[L, L, H], pbc=True)
        a.arrays["c_pe"] = pe.copy()
        frames.append((a, k * dt_ps))
    return frames, frozen


def test_analyse_run_windows_fits_and_sei_selection():
    frames, frozen = _slab_frames()
    assert profile_z_range(frames[0][0], frozen)[0] > 5.0 / H
    res = analyse_glass_run(iter(frames), frozen, window_ps=0.5, fit_start_ps=0.6,
                            bin_width_A=1.0, species=["Li", "Si", "P", "S"])
    prof = res["profiles"]
    assert sorted(prof["window"].unique()) == [-1, 0, 1, 2]
    # frozen atoms never counted: no Li below the frozen Li layer's top
    li0 = prof[(prof["window"] == 0) & (prof["species"] == "Li")]
    assert li0.loc[li0["z_A"] < 5.0, "count_per_frame"].sum() == 0
    fit = res["interfaces"]
    pe = fit[(fit["window"] == -1) & (fit["profile"] == "Li_pe")].set_index("interface")
    assert pe.loc["Li|SEI", "z0_A"] == pytest.approx(20.0, abs=1.0)
    assert pe.loc["SEI|SSE", "z0_A"] == pytest.approx(35.0, abs=1.0)
    sei = res["sei"]
    assert not (sei & frozen).any()
    assert sei.sum() == pytest.approx(150, abs=15)
    assert res["positions"].shape == (6, int((~frozen).sum()), 3)
    assert res["times_ps"][0] == 0.0 and res["times_ps"][-1] == pytest.approx(0.5)


def test_analyse_run_without_fit_frames_raises():
    frames, frozen = _slab_frames(n_frames=4)
    with pytest.raises(ValueError, match="fit_start_ps"):
        analyse_glass_run(iter(frames), frozen, window_ps=0.5, fit_start_ps=5.0,
                          bin_width_A=1.0, species=["Li", "S"])


def test_species_diffusion_random_walk_and_absent_species():
    """3D random walk with step variance s² per component: D = s² / (2 Δt) in every direction
    (D_xy with d = 2 and D_z with d = 1 agree); absent species and too-few groups are NaN."""
    rng = np.random.default_rng(3)
    n_atoms, n_frames, dt, s = 120, 80, 0.1, 0.3
    steps = rng.normal(0, s, (n_frames - 1, n_atoms, 3))
    pos = np.concatenate([np.zeros((1, n_atoms, 3)), np.cumsum(steps, axis=0)])
    t = np.arange(n_frames) * dt
    cells = np.broadcast_to(np.diag([30.0, 30.0, 30.0]), (n_frames, 3, 3))
    sym = np.array(["Li"] * 118 + ["S"] * 2)
    sel = np.ones(n_atoms, dtype=bool)
    sel[-1] = False  # one S selected only
    rows, msd = species_diffusion(pos, cells, t, sym, sel, ["Li", "Si", "S"], 0.5,
                                  mcmc={"n_samples": 200, "n_walkers": 16, "n_burn": 100,
                                        "n_thin": 5}, max_intervals=40, min_atoms=2)
    d = rows.set_index(["species", "direction"])
    expected = s**2 / (2 * dt) * 1e-16 / 1e-12  # Å²/ps -> cm²/s
    for direction in ("xy", "z"):
        r = d.loc[("Li", direction)]
        assert r["n_atoms"] == 118 and r["diffusive"]
        assert r["D_cm2_s"] == pytest.approx(expected, rel=0.25)
        assert r["D_ci95_lo_cm2_s"] < r["D_cm2_s"] < r["D_ci95_hi_cm2_s"]
        assert np.isnan(d.loc[("Si", direction), "D_cm2_s"])
        assert d.loc[("Si", direction), "note"].startswith("absent")
        assert np.isnan(d.loc[("S", direction), "D_cm2_s"])
        assert "min_atoms" in d.loc[("S", direction), "note"]
    assert set(msd["species"]) == {"Li"}
    tab = tab2_table(rows.assign(composition="LiSiPS")).set_index("species")
    assert tab.loc["Li", "Dz_over_Dxy"] == pytest.approx(1.0, rel=0.3)
    assert tab.loc["Li", "paper_D_xy_cm2_s"] == pytest.approx(2.30e-7)
    assert tab.loc["Si", "paper_Dz_over_Dxy"] == pytest.approx(6.79 / 0.27)
    assert np.isnan(tab.loc["Si", "D_xy_cm2_s"]) and "absent" in tab.loc["Si", "note"]
