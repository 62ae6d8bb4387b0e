"""Tests of seiflow.analysis.glass_crystallisation (paper 000, Fig. 5, Figs. S8-S9, "0.397 mS/cm"):
crystalline SEI on a perfect / substituted / random antifluorite Li2S cell, region and
frozen restriction, onset, streamed time series, post-onset rates, conductivity of a
synthetic random walk.  All answers analytic."""

import numpy as np
import pandas as pd
import pytest
from ase import Atoms
from ase.spacegroup import crystal

from seiflow.analysis.glass_crystallisation import (
    analyse_crystallisation,
    crystalline_sei_conductivity,
    crystalline_sei_frame,
    onset_crystalline_conductivity,
    crystallisation_onset_ps,
    post_onset_rates,
    window_bounds_frac,
)
from seiflow.analysis.transport import nernst_einstein

A = 5.71  # Li2S lattice constant (Å)
REPS = 3  # 3x3x3 conventional cells: 108 S, 216 Li
L = REPS * A
N_ANION = 4 * REPS**3
N_LI = 2 * N_ANION
SHIFT = 0.05  # fractional z shift: no atom on a periodic boundary or a region bound


def li2s():
    """Antifluorite Li2S (S 4a, Li 8c), shifted up by SHIFT·L: S layers at fractional z
    0.05 + k/6, Li layers at 0.133 + k/6 (k = 0..5), 18 S / 36 Li per layer."""
    at = crystal(["S", "Li"], basis=[(0, 0, 0), (0.25, 0.25, 0.25)], spacegroup=225,
                 cellpar=[A, A, A, 90, 90, 90]) * (REPS, REPS, REPS)
    at.positions[:, 2] += SHIFT * L
    return at


def zfrac(at):
    return np.mod(at.positions[:, 2] / L, 1.0)


def frame_stats(res):
    return {k: v for k, v in res.items() if k != "crystalline_li"}


# --------------------------------------------------------------------------- one frame
def test_perfect_li2s_is_fully_crystalline():
    at = li2s()
    res = crystalline_sei_frame(at, np.zeros(len(at), bool), 0.0, 1.0)
    assert res["n_sei_anions"] == N_ANION and res["n_crystalline"] == N_ANION
    assert res["crystalline_share"] == 1.0
    assert (res["occ_S"], res["occ_P"], res["occ_Cl"]) == (1.0, 0.0, 0.0)
    assert res["li_vacancy_fraction"] == 0.0
    assert res["n_crystalline_li"] == N_LI
    assert np.array_equal(res["crystalline_li"], at.numbers == 3)
    assert res["nn_distance_A"] == pytest.approx(A / np.sqrt(2), rel=1e-5)
    assert res["crystal_volume_A3"] == pytest.approx(A**3 / 4 * N_ANION, rel=1e-3)


def test_box_origin_and_positions_outside_box():
    """Same answer with a shifted box origin and atoms slightly outside the box."""
    at = li2s()
    at.set_celldisp([1.0, -2.0, 3.0])
    at.positions += [1.0, -2.0, 3.0]
    top = at.positions[:, 2] > 3.0 + L - 1.0
    at.positions[top, 2] -= L  # periodic images below the box
    at.positions[::7, 0] += L  # and beyond the box in x
    res = crystalline_sei_frame(at, np.zeros(len(at), bool), 0.0, 1.0)
    assert res["crystalline_share"] == 1.0 and res["n_crystalline_li"] == N_LI


def test_thermal_noise_keeps_lattice_distance():
    """d_nn is the median of the 12-neighbour shell: unbiased under thermal rattling (the
    single-closest-neighbour distance would be ~5 % short for 0.1 Å displacements)."""
    at = li2s()
    at.positions += np.random.default_rng(0).normal(0.0, 0.1, at.positions.shape)
    res = crystalline_sei_frame(at, np.zeros(len(at), bool), 0.0, 1.0)
    assert res["crystalline_share"] == 1.0
    assert res["nn_distance_A"] == pytest.approx(A / np.sqrt(2), rel=0.01)


def test_p_substitution_and_li_vacancies():
    at = li2s()
    s_idx = np.flatnonzero(at.numbers == 16)
    at.numbers[s_idx[[0, 40, 80]]] = 15  # 3 S -> P
    del at[np.flatnonzero(at.numbers == 3)[[0, 50, 100, 150]]]  # 4 Li removed
    res = crystalline_sei_frame(at, np.zeros(len(at), bool), 0.0, 1.0)
    assert res["crystalline_share"] == 1.0
    assert res["occ_P"] == pytest.approx(3 / N_ANION)
    assert res["occ_S"] == pytest.approx((N_ANION - 3) / N_ANION)
    assert res["occ_Cl"] == 0.0
    assert res["li_vacancy_fraction"] == pytest.approx(4 / N_LI)
    assert res["n_crystalline_li"] == N_LI - 4


def test_random_positions_are_not_crystalline():
    at = li2s()
    rnd = Atoms(numbers=at.numbers, cell=at.cell, pbc=True,
                scaled_positions=np.random.default_rng(1).uniform(size=(len(at), 3)))
    res = crystalline_sei_frame(rnd, np.zeros(len(rnd), bool), 0.0, 1.0)
    assert res["n_sei_anions"] == N_ANION
    assert res["crystalline_share"] < 0.1
    assert res["n_crystalline_li"] < 0.1 * N_LI


def test_region_half_cell_and_boundary_anions_crystalline():
    """Bounds (0.1, 0.6) hold the S layers at 0.217, 0.383, 0.55 (54 S).  PTM sees the whole
    structure, so the boundary layers stay crystalline.  Li with >= 3 of their 4 S in the
    region: layers 0.3 and 0.467 (72 Li)."""
    at = li2s()
    res = crystalline_sei_frame(at, np.zeros(len(at), bool), 0.1, 0.6)
    in_half = (zfrac(at) > 0.1) & (zfrac(at) < 0.6)
    assert res["n_sei_anions"] == int(np.count_nonzero(in_half & (at.numbers == 16))) == 54
    assert res["n_crystalline"] == 54 and res["crystalline_share"] == 1.0
    assert res["crystal_volume_A3"] == pytest.approx(A**3 / 4 * 54, rel=1e-3)
    assert res["n_crystalline_li"] == 72
    z_li = zfrac(at)[res["crystalline_li"]]
    assert np.all((z_li > 0.25) & (z_li < 0.5))
    # bounds in the other order give the same region
    assert crystalline_sei_frame(at, np.zeros(len(at), bool), 0.6, 0.1)["n_sei_anions"] == 54


def test_frozen_atoms_excluded():
    """Frozen: z < 0.15 = S layer 0.05 (18 S) and Li layer 0.133 (36 Li), plus one interior
    S (layer 0.383) and one interior Li (layer 0.467, 4 crystalline S around it).  The Li
    layer at 0.967 has only 2 non-frozen S neighbours -> not crystalline; the Li next to
    the frozen interior S keep 3 of 4 -> crystalline."""
    at = li2s()
    z = zfrac(at)
    frozen = z < 0.15
    s_mid = np.flatnonzero((at.numbers == 16) & np.isclose(z, 0.05 + 2 / 6))[0]
    li_mid = np.flatnonzero((at.numbers == 3) & np.isclose(z, 0.05 + 1 / 12 + 2 / 6))[0]
    frozen[[s_mid, li_mid]] = True
    res = crystalline_sei_frame(at, frozen, 0.0, 1.0)
    assert res["n_sei_anions"] == N_ANION - 19
    assert res["n_crystalline"] == N_ANION - 19 and res["crystalline_share"] == 1.0
    assert res["n_crystalline_li"] == N_LI - 73
    assert not np.any(res["crystalline_li"] & frozen)


def test_empty_region_and_errors():
    at = li2s()
    res = crystalline_sei_frame(at, np.zeros(len(at), bool), np.nan, np.nan)
    assert res["n_sei_anions"] == 0 and res["n_crystalline"] == 0
    assert res["n_crystalline_li"] == 0 and not res["crystalline_li"].any()
    for k in ("crystalline_share", "occ_P", "occ_S", "occ_Cl", "li_vacancy_fraction",
              "nn_distance_A", "crystal_volume_A3"):
        assert np.isnan(res[k]), k
    with pytest.raises(ValueError, match="frozen"):
        crystalline_sei_frame(at, np.zeros(len(at) - 1, bool), 0.0, 1.0)


# --------------------------------------------------------------------------- onset
def test_onset():
    t = np.arange(10.0)
    s = np.array([0, .6, 0, .6, .6, .6, np.nan, .6, .6, .6])
    assert crystallisation_onset_ps(t, s, 0.5, 0.0) == 1.0
    assert crystallisation_onset_ps(t, s, 0.5, 2.0) == 3.0
    # NaN at t = 6 breaks the run: both runs last 2 ps only
    assert np.isnan(crystallisation_onset_ps(t, s, 0.5, 3.0))
    assert np.isnan(crystallisation_onset_ps(t, np.zeros(10), 0.5, 0.0))
    with pytest.raises(ValueError):
        crystallisation_onset_ps(t[::-1], s, 0.5, 1.0)
    with pytest.raises(ValueError):
        crystallisation_onset_ps(t, s[:5], 0.5, 1.0)
    with pytest.raises(ValueError):
        crystallisation_onset_ps(t, s, 0.5, -1.0)
    with pytest.raises(ValueError):
        crystallisation_onset_ps(t, np.stack([s, s]), 0.5, 1.0)


# --------------------------------------------------------------------------- time series
def synthetic_tables():
    """Window 0: Li|SEI / SEI|SSE at fractional 0.1 / 0.6 on an axis of height 2 L (so the
    window's own h matters); window 1: NaN fit; window -1 (fit window, must be ignored):
    bounds 0 / 1 with h = L."""
    rows = []
    for w, (a, b), h in ((0, (0.1, 0.6), 2 * L), (1, (np.nan, np.nan), L), (-1, (0.0, 1.0), L)):
        for name, z in (("Li|SEI", a), ("SEI|SSE", b)):
            rows.append({"profile": "Li_pe", "interface": name, "z0_A": z * h, "window": w})
            rows.append({"profile": "Li_density", "interface": name, "z0_A": 0.3 * h,
                         "window": w})
    interfaces = pd.DataFrame(rows)
    zf = np.array([0.0, 0.25, 0.5, 0.75])
    profiles = pd.concat([pd.DataFrame({"window": w, "z_frac": zf, "z_A": zf * h})
                          for w, h in ((0, 2 * L), (1, L), (-1, L))], ignore_index=True)
    return interfaces, profiles


def test_window_bounds_frac():
    interfaces, profiles = synthetic_tables()
    assert window_bounds_frac(interfaces, profiles, 0) == pytest.approx((0.1, 0.6))
    assert np.isnan(window_bounds_frac(interfaces, profiles, 1)).all()
    assert np.isnan(window_bounds_frac(interfaces, profiles, 7)).all()
    assert window_bounds_frac(interfaces, profiles, -1) == pytest.approx((0.0, 1.0))


def test_analyse_crystallisation_windows_notes_and_every():
    interfaces, profiles = synthetic_tables()
    at = li2s()
    frozen = np.zeros(len(at), bool)
    consumed = []

    def frames():  # generator: t = 0..4 ps, window 2 ps -> windows 0, 0, 0, 1, 1
        for t in range(5):
            consumed.append(t)
            yield at, float(t)

    df = analyse_crystallisation(frames(), frozen, interfaces, profiles, window_ps=2.0)
    assert list(df.columns) == [
        "t_ps", "window", "sei_lo_frac", "sei_hi_frac", "n_sei_anions", "n_crystalline",
        "crystalline_share", "occ_P", "occ_S", "occ_Cl", "li_vacancy_fraction",
        "n_crystalline_li", "nn_distance_A", "crystal_volume_A3", "note"]
    assert consumed == [0, 1, 2, 3, 4]
    assert df["t_ps"].tolist() == [0, 1, 2, 3, 4] and df["window"].tolist() == [0, 0, 0, 1, 1]
    ok = df[df["window"] == 0]
    assert np.allclose(ok["sei_lo_frac"], 0.1) and np.allclose(ok["sei_hi_frac"], 0.6)
    assert (ok["n_sei_anions"] == 54).all() and (ok["crystalline_share"] == 1.0).all()
    assert (ok["n_crystalline_li"] == 72).all() and (ok["note"] == "").all()
    bad = df[df["window"] == 1]
    assert bad["crystalline_share"].isna().all() and (bad["n_sei_anions"] == 0).all()
    assert (bad["note"] == "no interface fit in window 1").all()

    sub = analyse_crystallisation(frames(), frozen, interfaces, profiles, window_ps=2.0,
                                  every=2, min_fcc_neighbours=12)
    assert sub["t_ps"].tolist() == [0, 2, 4] and sub["window"].tolist() == [0, 0, 1]
    assert sub["crystalline_share"].iloc[0] == 1.0
    # another profile gives other bounds (both at 0.3: an empty slab of zero thickness)
    dens = analyse_crystallisation(frames(), frozen, interfaces, profiles, window_ps=2.0,
                                   every=5, profile="Li_density")
    assert dens["sei_lo_frac"].iloc[0] == pytest.approx(0.3)
    assert dens["note"].iloc[0] == "no anions in the SEI region"
    with pytest.raises(ValueError, match="no frame"):
        analyse_crystallisation(iter(()), frozen, interfaces, profiles, window_ps=2.0)
    with pytest.raises(ValueError, match="every"):
        analyse_crystallisation(frames(), frozen, interfaces, profiles, window_ps=2.0, every=0)


# --------------------------------------------------------------------------- post-onset rates
def rate_table(noise=0.0, seed=0):
    """Windows 0..9 of 100 ps.  Before 400 ps the SEI grows fast (0.01 Å/ps); after it the
    thickness grows 4.5e-6 Å/ps (0.0045 Å/ns) and the Li|SEI midpoint moves down 4e-5 Å/ps
    (drift 0.04 Å/ns toward the Li metal).  Window 6 has a NaN thickness (dropped)."""
    rng = np.random.default_rng(seed)
    rows = []
    for w in range(10):
        t0, t1 = 100.0 * w, 100.0 * w + 100.0
        tm = 0.5 * (t0 + t1)
        post = t0 >= 400
        d = (30 + 4.5e-6 * tm if post else 0.01 * tm) + noise * rng.normal()
        z = (12 - 4e-5 * tm if post else 12 + 0.01 * tm) + noise * rng.normal()
        if w == 6:
            d = np.nan
        for name, z0 in (("Li|SEI", z), ("SEI|SSE", z + d)):
            for prof, scale in (("Li_pe", 1.0), ("Li_density", 3.0)):
                rows.append({"profile": prof, "interface": name, "z0_A": scale * z0,
                             "z0_err_A": 0.1, "sei_thickness_A": scale * d,
                             "sei_thickness_err_A": 0.1, "note": "", "window": w,
                             "t_start_ps": t0, "t_end_ps": t1})
    rows.append({"profile": "Li_pe", "interface": "Li|SEI", "z0_A": 0.0, "sei_thickness_A": 99.0,
                 "note": "", "window": -1, "t_start_ps": 900.0, "t_end_ps": 1000.0})
    return pd.DataFrame(rows)


def test_post_onset_rates_exact():
    r = post_onset_rates(rate_table(), onset_ps=400.0)
    assert r["n_windows"] == 5 and r["note"] == ""  # windows 4, 5, 7, 8, 9
    assert r["growth_A_ns"] == pytest.approx(0.0045, abs=1e-9)
    assert r["li_boundary_drift_A_ns"] == pytest.approx(0.04, abs=1e-9)
    assert r["growth_err_A_ns"] < 1e-9 and r["li_boundary_drift_err_A_ns"] < 1e-9
    dens = post_onset_rates(rate_table(), onset_ps=400.0, profile="Li_density")
    assert dens["growth_A_ns"] == pytest.approx(3 * 0.0045, abs=1e-9)


def test_post_onset_rates_noise_notes_and_errors():
    r = post_onset_rates(rate_table(noise=1e-3), onset_ps=400.0)
    assert r["growth_err_A_ns"] > 0 and r["li_boundary_drift_err_A_ns"] > 0
    assert abs(r["li_boundary_drift_A_ns"] - 0.04) < 4 * r["li_boundary_drift_err_A_ns"]
    none = post_onset_rates(rate_table(), onset_ps=np.nan)
    assert none["note"] == "no crystallisation" and np.isnan(none["growth_A_ns"])
    late = post_onset_rates(rate_table(), onset_ps=800.0)
    assert late["note"] == "only 2 windows after the onset" and late["n_windows"] == 2
    assert np.isnan(late["li_boundary_drift_A_ns"]) and np.isnan(late["growth_err_A_ns"])
    with pytest.raises(ValueError):
        post_onset_rates(rate_table(), onset_ps=400.0, min_windows=2)


# --------------------------------------------------------------------------- conductivity
MCMC = {"n_samples": 200, "n_walkers": 16, "n_burn": 100, "n_thin": 2}
D_XY, D_Z = 0.05, 0.12  # Å²/ps
A2PS_TO_CM2S = 1e-4


def walk_frames(n_li=30, n_s=10, n_pre=20, n_post=200, dt=0.1, onset=5.0, seed=3):
    """Li random walk (D_xy, D_z) after the onset, Li scattered at random before it (any
    pre-onset frame used would break the unwrapping or blow up D); static S; wrapped."""
    rng = np.random.default_rng(seed)
    box = 20.0
    s_pos = rng.uniform(0, box, size=(n_s, 3))
    sd = np.sqrt(2.0 * np.array([D_XY, D_XY, D_Z]) * dt)
    walk = rng.uniform(0, box, size=(1, n_li, 3)) + np.concatenate(
        [np.zeros((1, n_li, 3)), np.cumsum(rng.normal(size=(n_post - 1, n_li, 3)) * sd, 0)])
    frames = []
    for k in range(n_pre):
        frames.append((rng.uniform(0, box, size=(n_li, 3)), onset - (n_pre - k) * dt))
    for k in range(n_post):
        frames.append((walk[k], onset + k * dt))
    out = []
    for li, t in frames:
        at = Atoms(["Li"] * n_li + ["S"] * n_s, positions=np.vstack([li, s_pos]),
                   cell=[box] * 3, pbc=True)
        at.wrap()
        out.append((at, t))
    mask = np.r_[np.ones(n_li, bool), np.zeros(n_s, bool)]
    return out, mask


def test_conductivity_of_random_walk():
    frames, mask = walk_frames()
    V, T = 1500.0, 300.0
    df = crystalline_sei_conductivity(iter(frames), mask, onset_ps=5.0, temperature_K=T,
                                      crystal_volume_A3=V, start_fit_ps=1.0, mcmc=MCMC,
                                      max_intervals=50)
    assert list(df.columns) == ["direction", "D_cm2_s", "D_std_cm2_s", "sigma_mS_cm",
                                "sigma_std_mS_cm", "n_li", "volume_A3", "t_window_ps", "note"]
    d = df.set_index("direction")
    assert list(d.index) == ["xy", "z", "avg"]
    assert d.loc["xy", "D_cm2_s"] == pytest.approx(D_XY * A2PS_TO_CM2S, rel=0.3)
    assert d.loc["z", "D_cm2_s"] == pytest.approx(D_Z * A2PS_TO_CM2S, rel=0.3)
    for r in ("xy", "z"):
        assert d.loc[r, "sigma_mS_cm"] == pytest.approx(
            1e3 * nernst_einstein(d.loc[r, "D_cm2_s"], 30, V, T), rel=1e-12)
        assert d.loc[r, "sigma_std_mS_cm"] == pytest.approx(
            1e3 * nernst_einstein(d.loc[r, "D_std_cm2_s"], 30, V, T), rel=1e-12)
        assert 0 < d.loc[r, "D_std_cm2_s"] < 0.5 * d.loc[r, "D_cm2_s"]
    for col in ("D_cm2_s", "sigma_mS_cm"):
        assert d.loc["avg", col] == pytest.approx((2 * d.loc["xy", col] + d.loc["z", col]) / 3)
    assert d.loc["avg", "sigma_std_mS_cm"] == pytest.approx(
        np.hypot(2 * d.loc["xy", "sigma_std_mS_cm"], d.loc["z", "sigma_std_mS_cm"]) / 3)
    assert (df["n_li"] == 30).all() and (df["volume_A3"] == V).all()
    assert df["t_window_ps"].iloc[0] == pytest.approx(19.9)


def test_conductivity_errors():
    frames, mask = walk_frames(n_pre=2, n_post=5)
    kw = {"onset_ps": 5.0, "temperature_K": 300.0, "crystal_volume_A3": 100.0,
          "start_fit_ps": 0.1}
    with pytest.raises(ValueError, match="no atoms"):
        crystalline_sei_conductivity(frames, np.zeros_like(mask), **kw)
    with pytest.raises(ValueError, match="crystal_volume_A3"):
        crystalline_sei_conductivity(frames, mask, **{**kw, "crystal_volume_A3": 0.0})
    with pytest.raises(ValueError, match="temperature_K"):
        crystalline_sei_conductivity(frames, mask, **{**kw, "temperature_K": -1.0})
    with pytest.raises(ValueError, match="at least 4"):
        crystalline_sei_conductivity(frames, mask, **{**kw, "onset_ps": 5.25})
    with pytest.raises(ValueError, match="at least 4"):
        crystalline_sei_conductivity(frames, mask, **{**kw, "onset_ps": 50.0})
    with pytest.raises(ValueError, match="not Li"):
        crystalline_sei_conductivity(frames, ~mask, **kw)
    with pytest.raises(ValueError, match="shape"):
        crystalline_sei_conductivity(frames, mask[:-1], **kw)
    with pytest.raises(ValueError, match="boolean"):
        crystalline_sei_conductivity(frames, mask.astype(int), **kw)
    with pytest.raises(ValueError, match="mcmc"):
        crystalline_sei_conductivity(frames, mask, **kw, mcmc={"n_steps": 3})


def test_onset_conductivity_selects_crystalline_li_at_the_onset():
    """Crystal frames from t = 1 ps (onset) with Li random-walking on a static S lattice:
    every Li is crystalline at the onset frame, the volume is that of the 108 anion sites,
    and pre-onset frames (Li scrambled) are never used."""
    rng = np.random.default_rng(7)
    base = li2s()
    li = base.numbers == 3
    dt, n_post = 0.1, 60
    frames = []
    for k in range(5):  # before the onset: Li at random positions
        at = base.copy()
        at.positions[li] = rng.uniform(0, L, size=(li.sum(), 3))
        frames.append((at, 0.5 + k * dt))
    walk = np.cumsum(rng.normal(scale=0.05, size=(n_post, li.sum(), 3)), axis=0)
    walk[0] = 0.0
    for k in range(n_post):
        at = base.copy()
        at.positions[li] += walk[k]
        frames.append((at, 1.0 + k * dt))
    series = pd.DataFrame({"t_ps": [0.5, 1.0], "sei_lo_frac": [0.0, 0.0],
                           "sei_hi_frac": [1.0, 1.0]})
    df = onset_crystalline_conductivity(
        iter(frames), np.zeros(len(base), bool), series, 1.0, temperature_K=300.0,
        start_fit_ps=0.5, mcmc=MCMC, max_intervals=30).set_index("direction")
    assert (df["n_li"] == N_LI).all()
    assert df["volume_A3"].iloc[0] == pytest.approx(N_ANION * A**3 / 4, rel=1e-3)
    assert df.loc["avg", "t_window_ps"] == pytest.approx((n_post - 1) * dt)
    # the walk: D = sigma^2 / (2 dt) per direction = 0.0125 Å²/ps (scrambled frames would give >> this)
    assert df.loc["xy", "D_cm2_s"] == pytest.approx(0.0125 * A2PS_TO_CM2S, rel=0.3)
    with pytest.raises(ValueError, match="no analysed frame"):
        onset_crystalline_conductivity(iter(frames), np.zeros(len(base), bool), series, 2.0,
                                       temperature_K=300.0, start_fit_ps=0.5)
