"""SEI growth and composition of the Li | glass slabs (seiflow.analysis.glass_growth, the SEI counts of
seiflow.analysis.glass_md; paper 000 Fig. 3, Tables S1, S2 and Table 1)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from seiflow.analysis.glass_growth import (
    full_reduction_percentages,
    growth_tables,
    sei_composition_table,
    thickness_series,
)
from seiflow.plot.glass_growth import plot_fig3
from seiflow.analysis.glass_md import sei_frame_counts

ROOT = Path(__file__).resolve().parents[1]


def _interfaces(t_ps, d_A, d_err_A=None, comp="LiPS", notes=None, w_ps=None):
    """interfaces.csv-like rows (both interfaces, two profiles) for windows centred at t_ps."""
    t = np.asarray(t_ps, float)
    w = (t[1] - t[0]) if w_ps is None else w_ps
    err = np.full(t.size, 0.05) if d_err_A is None else np.asarray(d_err_A, float)
    notes = [""] * t.size if notes is None else notes
    rows = []
    for k, (tt, d, e, n) in enumerate(zip(t, d_A, err, notes)):
        for prof in ("Li_pe", "Li_density"):
            for name in ("Li|SEI", "SEI|SSE"):
                rows.append({"profile": prof, "interface": name, "sei_thickness_A": d,
                             "sei_thickness_err_A": e, "note": n, "window": k,
                             "t_start_ps": tt - w / 2, "t_end_ps": tt + w / 2,
                             "composition": comp})
    rows.append({"profile": "Li_pe", "interface": "Li|SEI", "sei_thickness_A": 99.0,
                 "sei_thickness_err_A": 0.1, "note": "", "window": -1, "t_start_ps": 0.0,
                 "t_end_ps": 1.0, "composition": comp})  # fit window: never in d(t)
    return pd.DataFrame(rows)


def test_cube_root_growth_wins_the_predictive_test():
    t = np.linspace(50.0, 5000.0, 40)  # ps (window centres)
    rng = np.random.default_rng(1)
    d = 2.0 * t ** (1 / 3) + rng.normal(0, 0.02, t.size)
    series = thickness_series(_interfaces(t, d))
    assert len(series) == t.size and series["used"].all()
    assert series["t_ps"].to_numpy() == pytest.approx(t)
    s1, s2 = growth_tables(series, train_fraction=0.5)
    s1 = s1.set_index("law")
    assert s1.loc["t^1/3", "r2"] == pytest.approx(1.0, abs=1e-3)
    assert s1.loc["t^1/3", "k"] == pytest.approx(2.0, rel=1e-3)
    assert 0 < s1.loc["t^1/3", "k_err"] < 0.01  # covariance error
    assert s1.loc["t^n", "exponent"] == pytest.approx(1 / 3, abs=0.01)
    assert s1.loc["t^1/3", "r2"] > s1.loc["t^1/2", "r2"]
    assert s1["published"].str.contains("LiPS > LiSiPS > LiSiS").all()
    best = s2[s2["best"]]
    assert len(best) == 1 and best["law"].iloc[0] in ("t^1/3", "t^n")
    s2 = s2.set_index("law")
    assert s2.loc["t^1/3", "r2_test"] > s2.loc["t^1/2", "r2_test"]
    assert s2.loc["t^1/3", "r2_test"] > s2.loc["ln t", "r2_test"]
    assert s2.loc["t^1/3", "r2_test"] == pytest.approx(1.0, abs=0.02)
    assert s2["n_train"].iloc[0] + s2["n_test"].iloc[0] == t.size


def test_without_free_exponent_cube_root_is_best():
    t = np.linspace(10.0, 1000.0, 30)
    d = 1.5 * t ** (1 / 3)
    series = thickness_series(_interfaces(t, d))
    _, s2 = growth_tables(series, 0.5, laws=["t^1/2", "t^1/3", "ln t"])
    assert s2.loc[s2["best"], "law"].item() == "t^1/3"


def test_failed_windows_dropped_with_note_and_ranked_rates():
    t = np.arange(1, 9) * 10.0
    d = 3.0 * t ** 0.5
    err = np.full(t.size, 0.1)
    d[2], err[5] = np.nan, 50.0  # failed fit (NaN) and a degenerate one (huge error)
    notes = [""] * t.size
    notes[6] = "fit failed: no convergence"
    fits = pd.concat([_interfaces(t, d, err, "LiPS", notes),
                      _interfaces(t, 1.0 * t ** 0.5, None, "LiSiS")], ignore_index=True)
    series = thickness_series(fits, max_rel_err=1.0)
    lips = series[series["composition"] == "LiPS"].set_index("window")
    assert lips["used"].tolist() == [True, True, False, True, True, False, False, True]
    assert "not a finite" in lips.loc[2, "note"] and "degenerate" in lips.loc[5, "note"]
    assert "no convergence" in lips.loc[6, "note"]
    s1, s2 = growth_tables(series, 0.5)
    row = s1[(s1["composition"] == "LiPS") & (s1["law"] == "t^1/2")].iloc[0]
    assert row["n_points"] == 5 and row["n_dropped"] == 3
    assert row["k"] == pytest.approx(3.0) and "window 5" in row["note"]
    ranks = s1[s1["law"] == "t^1/2"].set_index("composition")["k_rank"]
    assert ranks["LiPS"] == 1 and ranks["LiSiS"] == 2


def test_too_few_windows_give_nan_rows_with_notes(tmp_path):
    t = np.array([0.05, 0.15, 0.25, 0.35])  # test scale: four windows, one failed
    d = np.array([0.7, 8.3, 6.4, 0.015])
    err = np.array([4.0, 9.5, 0.01, 1.3e7])
    series = thickness_series(_interfaces(t, d, err), max_rel_err=1.0)
    assert series["used"].sum() == 1  # 0 and 3: error > d; 1: error > d
    s1, s2 = growth_tables(series, 0.5)
    assert len(s1) == 4 and s1["r2"].isna().all()
    assert s1["note"].str.contains("no fit").all()
    assert s2["r2_test"].isna().all() and not s2["best"].any()
    assert s2["note"].str.contains("no predictive test").all()
    out = plot_fig3(series, s1, tmp_path / "fig3.png", tmp_path / "fig3.csv")
    assert (tmp_path / "fig3.png").stat().st_size > 0
    assert set(out["kind"]) == {"data"}


def test_fig3_writes_data_and_fit_curves(tmp_path):
    t = np.linspace(1.0, 10.0, 8)
    series = thickness_series(_interfaces(t, 2.0 * t ** (1 / 3)))
    s1, _ = growth_tables(series, 0.5)
    out = plot_fig3(series, s1, tmp_path / "f.png", tmp_path / "f.csv")
    fit = out[out["kind"] == "fit"]
    assert set(fit["law"]) == {"t^1/2", "t^1/3", "t^n", "ln t"}
    c = fit[fit["law"] == "t^1/3"]
    assert c["d_fit_A"].to_numpy() == pytest.approx(2.0 * c["t_ps"].to_numpy() ** (1 / 3))
    assert pd.read_csv(tmp_path / "f.csv").shape == out.shape


def _slab_counts():
    """Hand-built slab: cell 10 x 10 x 100 Å; SEI between z = 20 and 40 Å holds 6 Li, 1 P,
    3 S (+ one frozen Li and one S outside); two frames, one Li leaves in the second."""
    z = np.array([25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 30, 10, 60], float)
    sym = np.array(["Li"] * 6 + ["P"] + ["S"] * 3 + ["Li", "Li", "S"])
    frozen = np.zeros(z.size, bool)
    frozen[10] = True  # frozen Li inside the SEI: never counted
    z2 = z.copy()
    z2[0] = 45.0  # one Li leaves the SEI in frame 2
    zf = np.vstack([z, z2]) / 100.0
    vol = np.array([1e4, 1e4])
    return sei_frame_counts(zf, vol, [1.0, 2.0], sym, frozen, 40.0, 20.0, 100.0,
                            ["Li", "Si", "P", "S"])


def test_sei_frame_counts_on_hand_built_slab():
    c = _slab_counts()
    assert c["n_Li"].tolist() == [6, 5]
    assert c["n_P"].tolist() == [1, 1] and c["n_S"].tolist() == [3, 3]
    assert c["n_Si"].tolist() == [0, 0]
    assert c["volume_sei_A3"].tolist() == pytest.approx([2000.0, 2000.0])  # 10 x 10 x 20
    assert c["z_lo_A"].iloc[0] == 20.0 and c["z_hi_A"].iloc[0] == 40.0
    nan = sei_frame_counts(np.zeros((1, 2)), [1.0], [0.0], ["Li", "S"], [False, False],
                           np.nan, 30.0, 10.0, ["Li", "S"])
    assert nan["n_Li"].isna().all()
    with pytest.raises(ValueError):
        sei_frame_counts(np.zeros((1, 2)), [1.0], [0.0], ["Li"], [False], 1.0, 2.0, 10.0,
                         ["Li"])


def test_sei_composition_table_densities_and_percentages():
    counts = _slab_counts().assign(composition="LiPS")
    comps = {"LiPS": {"Li2S": 75, "SiS2": 0, "P2S5": 25}}
    tab = sei_composition_table(counts, compositions=comps).set_index("composition")
    r = tab.loc["LiPS"]
    assert r["n_frames"] == 2 and r["sei_thickness_A"] == 20.0
    assert r["rho_Li_A3"] == pytest.approx(5.5 / 2000)
    assert r["rho_Li_std_A3"] == pytest.approx(np.std([6 / 2000, 5 / 2000], ddof=1))
    assert r["rho_P_A3"] == pytest.approx(1 / 2000) and r["rho_P_std_A3"] == 0.0
    assert r["rho_Si_A3"] == 0.0
    assert r["pct_Li"] == pytest.approx(100 * 5.5 / 9.5)
    assert r[["pct_Li", "pct_Si", "pct_P", "pct_S"]].sum() == pytest.approx(100.0)
    assert [r[f"reduced_pct_{s}"] for s in ("Li", "Si", "P", "S")] == \
        pytest.approx([68.75, 0.0, 6.25, 25.0])
    assert r["paper_pct_Li"] == pytest.approx(67, abs=1)
    assert r["paper_pct_P"] == pytest.approx(7, abs=1)
    assert r["paper_pct_S"] == pytest.approx(26, abs=1)
    assert np.isnan(r["paper_rho_Si_A3"]) and r["note"] == ""


def test_full_reduction_and_failed_sei_region():
    pct = full_reduction_percentages({"Li2S": 50, "SiS2": 50, "P2S5": 0})
    # 50 Li2S + 50 SiS2 -> S 150, Si 50, Li 300 + 210 = 510
    assert pct["Si"] == pytest.approx(100 * 50 / 710) and pct["P"] == 0.0
    counts = sei_frame_counts(np.zeros((2, 1)), [1.0, 1.0], [0.0, 1.0], ["Li"], [False],
                              np.nan, np.nan, 10.0, ["Li", "Si", "P", "S"])
    tab = sei_composition_table(counts.assign(composition="LiSiS"))
    assert np.isnan(tab["rho_Li_A3"].iloc[0]) and "no SEI region" in tab["note"].iloc[0]
