"""Figure/table helpers of the SEI structure stage (issue 4) on small hand-made frames."""

import numpy as np
import pandas as pd
import pytest

from seiflow.model.melting import bcc_li_supercell, bcc_share, melting_summary
from seiflow.plot.sei_structure import (
    plot_flux,
    plot_region_rdf,
    plot_share_fits,
    plot_time_series,
    plot_xrd,
)


def test_first_time_is_the_start_of_the_final_run_of_true():
    from seiflow.analysis.sei_tables import first_time

    t = [0.0, 1.0, 2.0, 3.0, 4.0]
    assert first_time(t, [False, True, False, True, True]) == 3.0
    assert first_time(t, [True] * 5) == 0.0
    assert np.isnan(first_time(t, [True, True, True, True, False]))


def test_li2s_shells_match_antifluorite_geometry():
    from seiflow.analysis.crystallinity import li2s_shell_distances

    a = 5.71
    shells = li2s_shell_distances(a, ["Li-S", "S-S", "Li-Li"], 4.5)
    assert shells["Li-S"][0] == pytest.approx(a * np.sqrt(3) / 4)
    assert shells["S-S"][0] == pytest.approx(a / np.sqrt(2))
    assert shells["Li-Li"][:2] == pytest.approx([a / 2, a / np.sqrt(2)])


def test_flux_tables_rates_per_window_and_sem():
    from seiflow.analysis.flux import flux_tables

    rows = []
    for t, n in zip([0.0, 1.0, 2.0, 3.0, 4.0], [0, 1, 1, 3, 4]):  # cumulative L->R
        rows.append({"run": "r", "condition": "400 K", "time_ps": t, "membrane": 0,
                     "membrane_name": "electrolyte", "membrane_frac": 0.5, "n_L_to_R": n,
                     "n_R_to_L": 0, "area_nm2": 2.0, "cell_height_A": 30.0})
    long, tab = flux_tables(pd.DataFrame(rows), window_ps=2.0)
    lr = long[long["direction"] == "L->R"].sort_values("window_start_ps")
    # windows [0, 2] and [2, 4]: 1 and 3 crossings over 2 nm^2 in 0.002 ns
    assert lr["flux_per_nm2_ns"].tolist() == pytest.approx([250.0, 750.0])
    row = tab[tab["direction"] == "L->R"].iloc[0]
    assert row["mean"] == pytest.approx(500.0)
    assert row["sem"] == pytest.approx(np.std([250, 750], ddof=1) / np.sqrt(2))
    assert set(long["membrane"]) == {"electrolyte"}


def test_melting_summary_and_bcc_share_of_perfect_and_random_cells():
    li = bcc_li_supercell(3.44, [3, 3, 3])
    rng = np.random.default_rng(1)
    gas = li.copy()
    gas.positions = rng.uniform(0, li.cell[0, 0], size=gas.positions.shape)
    shares = bcc_share([li, gas])
    assert shares[0] == 1.0 and shares[1] < 0.2
    df = pd.DataFrame({"temperature_K": [300] * 4 + [900] * 4, "time_ps": [0, 1, 2, 3] * 2,
                       "bcc_share": [1.0, 0.9, 0.95, 0.97, 1.0, 0.2, 0.0, 0.02]})
    s = melting_summary(df).set_index("temperature_K")
    assert s.loc[300, "solid"] and not s.loc[900, "solid"]
    assert s.loc[900, "bcc_share_mean"] == pytest.approx(0.01)
    with pytest.raises(ValueError, match="a_A > 0"):
        bcc_li_supercell(-1, [1, 1, 1])


def test_structure_figures_write_png_and_the_plotted_csv(tmp_path):
    t = np.linspace(0.0, 4.0, 9)
    df = pd.DataFrame({"time_ps": np.tile(t, 2), "run": ["a"] * 9 + ["b"] * 9,
                       "condition": ["300 K"] * 9 + ["400 K"] * 9,
                       "cn": np.r_[t, 2 * t], "share": np.r_[0.1 * np.sqrt(t), 0.05 * t]})
    plot_time_series(df, {"cn": "CN"}, tmp_path / "a.png", tmp_path / "a.csv")
    out = pd.read_csv(tmp_path / "a.csv")
    assert len(out) == 18 and set(out["quantity"]) == {"cn"}
    fits = pd.DataFrame({"condition": ["300 K", "400 K"], "law": ["sqrt_t", "linear"],
                         "a": [0.0, 0.0], "b": [0.1, 0.05], "r2": [1.0, 1.0]})
    plot_share_fits(df, fits, "share", "share (%)", tmp_path / "b.png", tmp_path / "b.csv")
    out = pd.read_csv(tmp_path / "b.csv")
    assert np.allclose(out.loc[out.condition == "300 K", "fit_sqrt_t"],
                       out.loc[out.condition == "300 K", "value"])
    rdf = pd.DataFrame({"pair": "Li-S", "region": ["SEI"] * 3 + ["SSE"] * 3,
                        "r_A": [2.0, 2.5, 3.0] * 2, "g": [0, 3, 1, 0, 2, 1]})
    plot_region_rdf(rdf, {"Li-S": [2.47]}, tmp_path / "c.png", tmp_path / "c.csv")
    xrd = pd.DataFrame({"source": ["md", "ideal"], "two_theta_deg": [27.0, 27.0],
                        "intensity": [100.0, 100.0]})
    plot_xrd(xrd, tmp_path / "d.png", tmp_path / "d.csv")
    fl = pd.DataFrame({"condition": "400 K", "membrane": "electrolyte", "direction": "L->R",
                       "window_start_ps": [0.0, 2.0], "flux_per_nm2_ns": [1.0, 2.0]})
    plot_flux(fl, tmp_path / "e.png", tmp_path / "e.csv")
    for k in "abcde":
        assert (tmp_path / f"{k}.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="missing column"):
        plot_time_series(df, {"nope": "x"}, tmp_path / "f.png", tmp_path / "f.csv")
    with pytest.raises(ValueError, match="unknown law"):
        plot_share_fits(df, fits.assign(law="cubic"), "share", "s", tmp_path / "g.png",
                        tmp_path / "g.csv")
