"""Tests of seiflow.plot.transport on synthetic data: per-run transport, the series fit
window, Arrhenius tables (fit numbers, excluded runs) and the figures' CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ase import Atoms

from seiflow.analysis.transport import KB_EV, FitWindowWarning, msd_table, nernst_einstein
from seiflow.analysis.transport_series import (
    WINDOW_COLUMNS,
    arrhenius_table,
    production_trajectory,
    run_transport,
    series_fit_start,
    transport_points,
)
from seiflow.plot.transport import plot_arrhenius, plot_li_trajectories, plot_msd

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
A2PS_TO_CM2S = 1e-4  # 1 Å²/ps = 1e-4 cm²/s
MCMC = {"n_samples": 300, "n_burn": 300}  # fast kinisi sampling (see test_transport.py)


def _is_png(path):
    data = path.read_bytes()
    return len(data) > 1000 and data[:8] == PNG_MAGIC


def _frames(rng, n_frames=30, n_li=6, step_sd=0.3, L=12.0, dt=0.1):
    """(Atoms, t) pairs: Li random walk (wrapped) in a cubic cell with 2 fixed P atoms; the
    true unwrapped Li positions."""
    steps = rng.normal(scale=step_sd, size=(n_frames - 1, n_li, 3))
    li = rng.uniform(0, L, size=(1, n_li, 3)) + np.concatenate(
        [np.zeros((1, n_li, 3)), np.cumsum(steps, axis=0)])
    p = np.array([[1.0, 1.0, 1.0], [6.0, 6.0, 6.0]])
    frames = [(Atoms(f"Li{n_li}P2", positions=np.vstack([np.mod(x, L), p]), cell=[L] * 3,
                     pbc=True), k * dt) for k, x in enumerate(li)]
    return frames, li


# --------------------------------------------------------------------------- per run
def test_production_trajectory_skips_equilibration_and_keeps_li():
    rng = np.random.default_rng(0)
    frames, truth = _frames(rng)
    tr = production_trajectory(iter(frames), start_ps=1.0)  # frames 10..29
    assert tr["positions"].shape == (20, 6, 3)
    np.testing.assert_allclose(tr["times_ps"], np.arange(20) * 0.1, atol=1e-12)
    np.testing.assert_allclose(tr["positions"] - tr["positions"][0],
                               truth[10:] - truth[10], atol=1e-9)
    np.testing.assert_allclose(tr["framework"][:, 0], np.full((20, 3), 3.5))  # P centroid
    assert list(tr["start_symbols"]) == ["Li"] * 6 + ["P"] * 2
    np.testing.assert_array_equal(tr["indices"], np.arange(6))
    assert tr["cells"].shape == (20, 3, 3) and tr["origin"].shape == (3,)
    li_only = [(Atoms(a.symbols[:6], positions=a.positions[:6], cell=a.cell, pbc=True), t)
               for a, t in frames]
    assert production_trajectory(li_only)["framework"].shape == (30, 0, 3)
    with pytest.raises(ValueError, match="no Na"):
        production_trajectory(frames, species="Na")
    with pytest.raises(ValueError, match="at least 3"):
        production_trajectory(frames, start_ps=2.75)


def _msd(t, D_A2ps, plateau=0.0, tau=0.0):
    """MSD = 6 D t + plateau (1 − exp(−t/τ)): vibrational rise, then linear."""
    rise = plateau * (1 - np.exp(-t / tau)) if tau else 0.0
    return pd.DataFrame({"dt_ps": t, "msd_A2": 6 * D_A2ps * t + rise})


def test_series_fit_start_auto_config_and_fallback():
    t = np.linspace(0.1, 30.0, 300)
    fast, slow = _msd(t, 1.0, plateau=2.0, tau=0.5), _msd(t, 0.01, plateau=2.0, tau=0.5)
    got = series_fit_start({"slow": slow, "fast": fast}, "auto", rtol=0.05, min_origins=3)
    assert got["reference_run"] == "fast" and got["method"] == "linear_onset"
    assert not got["fallback"] and got["note"] == ""
    # slope 6 + 4 exp(-t/0.5) over [t, 2t] within 5 % of the slope over [2t, 10 ps]: t ≈ 1 ps
    assert 0.7 < got["start_fit_ps"] < 1.5
    assert got["end_fit_ps"] == got["reliable_lag_ps"] == pytest.approx(10.0)
    cfg = series_fit_start({"a": fast}, 3.0)
    assert cfg == {"start_fit_ps": 3.0, "end_fit_ps": None, "method": "config",
                   "fallback": False, "reliable_lag_ps": None, "reference_run": None,
                   "note": ""}
    flat = _msd(t, 0.0, plateau=0.5, tau=2.0)  # vibrating crystal: never linear
    with pytest.warns(FitWindowWarning, match="not linear"):
        fb = series_fit_start({"flat": flat}, "auto")
    assert fb["fallback"] and fb["note"].startswith("flat: ")
    assert fb["start_fit_ps"] == pytest.approx(3.3, abs=0.05)  # T/9, latest candidate
    with pytest.raises(ValueError, match="fewer than 3"):
        series_fit_start({"a": fast}, 29.95)
    with pytest.raises(ValueError, match="msd_A2"):
        series_fit_start({"a": fast.rename(columns={"msd_A2": "y"})})
    with pytest.raises(ValueError, match="no MSD"):
        series_fit_start({})


def test_short_run_gets_a_warned_fallback_window_in_every_table():
    """Test-scale behaviour: a run too short for its MSD to turn linear (vibration plus slow
    hops, 3 ps) gets the fallback start, a FitWindowWarning and fit_window_fallback = True in
    the per-run record, the Arrhenius points and the fit table."""
    rng = np.random.default_rng(3)
    n, n_li, dt = 31, 12, 0.1
    sites = rng.uniform(0, 15, size=(1, n_li, 3))
    hops = np.cumsum(rng.normal(scale=0.05, size=(n, n_li, 3)), axis=0)
    cage = 0.6 * (1 - np.exp(-np.arange(n) / 4.0))[:, None, None] * rng.normal(
        size=(1, n_li, 3))
    pos = sites + hops + cage + rng.normal(scale=0.05, size=(n, n_li, 3))
    traj = {"positions": pos, "cells": np.broadcast_to(np.eye(3) * 15.0, (n, 3, 3)),
            "times_ps": np.arange(n) * dt, "framework": np.zeros((n, 1, 3))}
    tables = {"run 600 K": msd_table(pos, traj["times_ps"])}
    with pytest.warns(FitWindowWarning):
        w = series_fit_start(tables, "auto")
    assert w["fallback"] and w["end_fit_ps"] == pytest.approx(1.0)
    s, _ = run_transport(traj, 600.0, w["start_fit_ps"], end_fit_ps=w["end_fit_ps"],
                         fit_window_method=w["method"], fit_window_fallback=w["fallback"],
                         mcmc=MCMC, max_intervals=30)
    assert s["fit_window_fallback"] is True and s["fit_window_method"] == "linear_onset"
    assert s["start_fit_ps"] == w["start_fit_ps"] and s["end_fit_ps"] == pytest.approx(1.0)
    rec = {**s, "system": "Li6PS5Cl"}
    pts = transport_points([rec, {**rec, "temperature_K": 900.0}], ["D"])
    assert set(WINDOW_COLUMNS) <= set(pts.columns) and pts["fit_window_fallback"].all()
    _, fits = arrhenius_table(pts)
    assert fits["fit_window_fallback"].all() and "fallback start" in fits["note"].iloc[0]


def test_run_transport_recovers_D_and_flags_a_vibrating_crystal():
    rng = np.random.default_rng(1)
    n, n_li, dt, D = 200, 16, 0.1, 0.5  # D in Å²/ps
    pos = np.cumsum(rng.normal(scale=np.sqrt(2 * D * dt), size=(n, n_li, 3)), axis=0)
    cells = np.broadcast_to(np.eye(3) * 15.0, (n, 3, 3))
    traj = {"positions": pos, "cells": cells, "times_ps": np.arange(n) * dt,
            "framework": np.zeros((n, 1, 3))}
    s, msd = run_transport(traj, 800.0, 2.0, mcmc=MCMC, max_intervals=40)
    assert (s["start_fit_ps"], s["end_fit_ps"]) == (2.0, pytest.approx(19.9))
    assert s["fit_window_method"] == "config" and s["fit_window_fallback"] is False
    s_end, msd_end = run_transport(traj, 800.0, 2.0, end_fit_ps=10.0, mcmc=MCMC,
                                   max_intervals=40)
    assert s_end["end_fit_ps"] <= 10.0 and len(msd_end) == len(msd)  # the table: every lag
    for q in ("D", "D_xy", "D_z"):
        assert s[f"{q}_cm2_s"] == pytest.approx(D * A2PS_TO_CM2S, rel=0.35), q
        lo, hi = s[f"{q}_ci95_cm2_s"]
        assert lo < s[f"{q}_cm2_s"] < hi
    ne = nernst_einstein(s["D_cm2_s"], n_li, 15.0**3, 800.0)
    assert s["sigma_NE_S_cm"] == pytest.approx(ne, rel=1e-9)  # linear in D: mean maps to mean
    assert s["sigma_collective_S_cm"] > 0 and s["drift_corrected"]
    assert s["diffusive"] and s["msd_end_A2"] > 20 and s["n_ions"] == n_li
    assert list(msd.columns) == ["dt_ps", "msd_A2", "msd_std_A2", "msd_xy_A2", "msd_xy_std_A2",
                                 "msd_z_A2", "msd_z_std_A2", "mscd_e2A2", "mscd_std_e2A2"]
    np.testing.assert_allclose(msd["msd_A2"], msd["msd_xy_A2"] + msd["msd_z_A2"], rtol=1e-9)
    plain = msd_table(pos, traj["times_ps"]).set_index("dt_ps")["msd_A2"]
    np.testing.assert_allclose(msd["msd_A2"], plain.loc[msd["dt_ps"]].to_numpy(), rtol=1e-9)
    # vibrations about fixed sites: no crash, D reported with its interval, flagged
    vib = pos[:1] + rng.normal(scale=0.2, size=(n, n_li, 3))
    s2, _ = run_transport({**traj, "positions": vib}, 300.0, 2.0, mcmc=MCMC, max_intervals=40)
    assert not s2["diffusive"] and s2["msd_end_A2"] < 1.0
    assert np.isfinite(s2["D_cm2_s"]) and len(s2["D_ci95_cm2_s"]) == 2
    with pytest.raises(ValueError, match="temperature"):
        run_transport(traj, 0.0, 2.0)
    with pytest.raises(ValueError, match="fewer than 3"):
        run_transport(traj, 800.0, 19.85, mcmc=MCMC, max_intervals=40)


# --------------------------------------------------------------------------- aggregation
EA, D0 = 0.25, 2e-3  # eV, cm²/s


def _records(temps=(400, 600, 800, 1000), system="Li6PS5Cl", rel_err=0.05, **over):
    out = []
    for T in temps:
        D = D0 * np.exp(-EA / (KB_EV * T))
        rec = {"system": system, "temperature_K": T, "diffusive": True, "msd_end_A2": 50.0,
               "start_fit_ps": 1.5, "end_fit_ps": 10.0, "fit_window_method": "linear_onset",
               "fit_window_fallback": False}
        for q, unit, x in (("D", "cm2_s", D), ("sigma_NE", "S_cm", 3e3 * D / T),
                           ("sigma_collective", "S_cm", 4e3 * D / T)):
            rec.update({f"{q}_{unit}": x, f"{q}_std_{unit}": rel_err * x,
                        f"{q}_ci95_{unit}": [x * (1 - 2 * rel_err), x * (1 + 2 * rel_err)]})
        out.append({**rec, **over})
    return out


def test_arrhenius_table_fit_numbers_and_exclusions():
    recs = _records()
    recs.append({**_records([300])[0], "diffusive": False, "msd_end_A2": 0.4,
                 "D_cm2_s": 1e-3})  # non-diffusive: nonsense value, must be left out
    pts, fits = arrhenius_table(transport_points(recs), extrapolate_T_K=300.0)
    assert len(pts) == 15 and len(fits) == 3
    d = fits.set_index("quantity").loc["D"]
    assert d["Ea_eV"] == pytest.approx(EA, rel=1e-6)
    assert d["prefactor"] == pytest.approx(D0, rel=1e-5)
    assert d["extrapolated"] == pytest.approx(D0 * np.exp(-EA / (KB_EV * 300)), rel=1e-5)
    assert d["extrapolated_err"] > 0 and d["n_fit"] == 4 and d["excluded_T_K"] == "300"
    assert (d["T_min_K"], d["T_max_K"]) == (400.0, 1000.0)
    assert (d["start_fit_ps"], d["end_fit_ps"], d["fit_window_method"]) == (
        1.5, 10.0, "linear_onset")
    assert not d["fit_window_fallback"] and "fallback" not in d["note"]
    # sigma ~ D / T, fitted as sigma0 exp(-Ea/kT) like paper 003: lower apparent Ea
    s = fits.set_index("quantity").loc["sigma_NE"]
    assert 0.15 < s["Ea_eV"] < EA
    out = pts[pts["temperature_K"] == 300]
    assert not out["in_fit"].any() and out["note"].str.contains("not diffusive").all()
    assert pts.loc[pts["temperature_K"] > 300, "in_fit"].all()
    assert (pts.loc[pts["quantity"] == "D", "Ea_eV"] == d["Ea_eV"]).all()


def test_arrhenius_table_without_enough_diffusive_runs_and_errors():
    recs = _records((600, 1000), system="Li2S") + _records((600, 1000), system="Li2S_vac")
    recs[0]["diffusive"] = False  # pristine Li2S at 600 K: one diffusive temperature left
    pts, fits = arrhenius_table(transport_points(recs, ["D"]))
    f = fits.set_index("system")
    assert np.isnan(f.loc["Li2S", "Ea_eV"]) and "no Arrhenius fit" in f.loc["Li2S", "note"]
    assert f.loc["Li2S_vac", "Ea_eV"] == pytest.approx(EA, rel=1e-6)
    li2s = pts[pts["system"] == "Li2S"]
    assert li2s["note"].str.len().gt(0).all()
    with pytest.raises(ValueError, match="lack"):
        arrhenius_table(pts.drop(columns="diffusive"))
    with pytest.raises(ValueError, match="different windows"):
        arrhenius_table(transport_points(recs[:2] + _records([700], start_fit_ps=3.0), ["D"]))
    with pytest.raises(ValueError, match="unknown quantity"):
        transport_points(recs, ["kappa"])
    with pytest.raises(ValueError, match="lacks"):
        transport_points([{k: v for k, v in recs[0].items() if k != "D_std_cm2_s"}], ["D"])


# --------------------------------------------------------------------------- figures
def test_plot_arrhenius_csv_is_the_table(tmp_path):
    recs = _records() + _records((700, 1000), system="Li3P_vac")
    pts, _ = arrhenius_table(transport_points(recs))
    png, csv = tmp_path / "f" / "fig5.png", tmp_path / "f" / "fig5.csv"
    plot_arrhenius(pts, png, csv, {"D": ["D"], "sigma": ["sigma_NE", "sigma_collective"]},
                   title="t")
    assert _is_png(png)
    got = pd.read_csv(csv, keep_default_na=False, na_values=[""])
    assert list(got.columns) == list(pts.columns) and len(got) == len(pts)
    ea = got[(got["system"] == "Li6PS5Cl") & (got["quantity"] == "D")]["Ea_eV"]
    np.testing.assert_allclose(ea, EA, rtol=1e-6)
    with pytest.raises(ValueError, match="kappa"):
        plot_arrhenius(pts, png, csv, {"x": ["kappa"]})
    with pytest.raises(ValueError, match="units"):
        plot_arrhenius(pts, png, csv, {"x": ["D", "sigma_NE"]})
    with pytest.raises(ValueError, match="fit columns"):
        plot_arrhenius(transport_points(recs), png, csv, {"D": ["D"]})
    with pytest.raises(ValueError, match="no points"):
        plot_arrhenius(pts.iloc[:0], png, csv, {"D": ["D"]})


def test_plot_msd(tmp_path):
    t = np.linspace(0.1, 5, 20)
    msd = pd.concat([pd.DataFrame({"system": "Li6PS5Cl", "temperature_K": T, "dt_ps": t,
                                   "msd_A2": T / 100 * t, "msd_std_A2": 0.1,
                                   "mscd_e2A2": T / 50 * t, "mscd_std_e2A2": 0.5})
                     for T in (600, 1000)], ignore_index=True)
    png, csv = tmp_path / "figS6.png", tmp_path / "figS6.csv"
    plot_msd(msd, png, csv, start_fit_ps=1.0, end_fit_ps=4.0, fallback=True)
    assert _is_png(png)
    pd.testing.assert_frame_equal(pd.read_csv(csv), msd, check_dtype=False)
    with pytest.raises(ValueError, match="columns"):
        plot_msd(msd.drop(columns="mscd_e2A2"), png, csv)


def test_plot_li_trajectories(tmp_path):
    rng = np.random.default_rng(2)
    frames, _ = _frames(rng, n_frames=50)
    diffusing = production_trajectory(frames)
    caged = {**diffusing, "positions": diffusing["positions"][:1]
             + rng.normal(scale=0.1, size=diffusing["positions"].shape)}
    png, csv = tmp_path / "fig4.png", tmp_path / "fig4.csv"
    summary = plot_li_trajectories({"ordered": caged, "disordered": diffusing}, png, csv,
                                   plane="xz", max_frames=20)
    assert _is_png(png)
    got = pd.read_csv(csv)
    path = got[(got["kind"] == "path") & (got["system"] == "disordered")]
    n_kept = path["time_ps"].nunique()
    assert n_kept <= 21 and path["time_ps"].max() == pytest.approx(4.9)  # last frame kept
    assert len(path) == 6 * n_kept
    start = got[(got["kind"] == "start") & (got["system"] == "ordered")]
    assert list(start["element"]) == ["Li"] * 6 + ["P"] * 2
    np.testing.assert_allclose(start[["x_A", "y_A"]], diffusing["start_positions"][:, [0, 2]])
    a0 = path[path["atom"] == 0].sort_values("time_ps")
    np.testing.assert_allclose(a0["y_A"].iloc[-1], diffusing["positions"][-1, 0, 2])
    s = summary.set_index("system")
    assert s.loc["disordered", "msd_end_A2"] > 10 * s.loc["ordered", "msd_end_A2"]
    with pytest.raises(ValueError, match="plane"):
        plot_li_trajectories({"a": caged}, png, csv, plane="ab")
    with pytest.raises(ValueError, match="no trajectories"):
        plot_li_trajectories({}, png, csv)
