"""Paper 000 Fig. 5 / S8 / S9 figures and text numbers (seiflow.plot.glass_crystallisation)."""

import numpy as np
import pandas as pd
import pytest

from seiflow.analysis.glass_crystallisation_tables import PUBLISHED, numbers_table
from seiflow.plot.glass_crystallisation import plot_fig5, plot_figS8, plot_figS9


def summary(run, crystallised, onset=None, **kw):
    base = {"run": run, "crystallised": crystallised, "onset_ps": onset,
            "occ_P_after_onset": None, "li_vacancy_after_onset": None, "growth_A_ns": None,
            "growth_err_A_ns": None, "li_boundary_drift_A_ns": None,
            "li_boundary_drift_err_A_ns": None, "n_windows": 0,
            "note": "" if crystallised else "no crystallisation"}
    return {**base, **kw}


def conductivity(sig=None, note="no crystallisation"):
    rows = []
    for d in ("xy", "z", "avg"):
        v = np.nan if sig is None else sig[d]
        rows.append({"direction": d, "sigma_mS_cm": v, "sigma_std_mS_cm": 0.1 * v,
                     "note": note if sig is None else "kinisi"})
    return pd.DataFrame(rows)


def test_numbers_crystallised_run():
    main = summary("LiPS", True, 5.0, occ_P_after_onset=0.2, li_vacancy_after_onset=0.05,
                   growth_A_ns=0.01, growth_err_A_ns=0.002, li_boundary_drift_A_ns=0.05,
                   li_boundary_drift_err_A_ns=0.01)
    reps = [summary("LiPS_v1", True, 7.0), summary("LiPS_v2", False)]
    t = numbers_table(main, reps, conductivity({"xy": 0.3, "z": 0.6, "avg": 0.4}))
    v = t.set_index("quantity")["value"]
    assert v["Li conductivity of the crystalline SEI (Nernst-Einstein), avg"] == 0.4
    assert v["P occupancy of the crystalline anion sites after the onset"] == pytest.approx(20.0)
    assert v["velocity-seed replicas that crystallise (of 2)"] == 1.0
    assert v["SEI thickness growth after the onset"] == 0.01
    pub = t.set_index("quantity")["published"]
    assert pub["Li conductivity of the crystalline SEI (Nernst-Einstein), xy"] == \
        PUBLISHED["sigma_xy"][0]
    assert (t["note"] == "").all()


def test_numbers_without_crystallisation_carry_the_reason():
    t = numbers_table(summary("LiPS", False), [], conductivity(note="never crystallised"))
    assert t["value"].isna().all()
    notes = t.set_index("quantity")["note"]
    assert notes["Li conductivity of the crystalline SEI (Nernst-Einstein), z"] == \
        "never crystallised"
    assert notes["velocity-seed replicas that crystallise (of 0)"] == "no replicas configured"
    assert notes["P occupancy of the crystalline anion sites after the onset"] == \
        "no crystallisation in this run"


def test_plots_write_png_and_csv(tmp_path):
    t = np.arange(0, 10.0, 0.5)
    share = np.clip((t - 4) / 4, 0, 1)
    series = pd.DataFrame({"run": "LiPS", "t_ps": t, "crystalline_share": share,
                           "occ_P": 0.15, "occ_S": 0.85, "li_vacancy_fraction": 0.04})
    d = plot_fig5(series, 6.0, 0.25, tmp_path / "f5.png", tmp_path / "f5.csv")
    assert set(d["quantity"]) == {"crystalline_share", "occ_P", "occ_S", "li_vacancy_fraction"}
    assert (tmp_path / "f5.png").stat().st_size > 0
    windows = np.arange(5)
    rows = []
    for k in windows:
        for iface, z in (("Li|SEI", 10.0 - 0.1 * k), ("SEI|SSE", 20.0)):
            rows.append({"profile": "Li_pe", "interface": iface, "window": k,
                         "t_start_ps": 2.0 * k, "t_end_ps": 2.0 * k + 2, "z0_A": z,
                         "z0_err_A": 0.1, "sei_thickness_A": 10 + 0.1 * k,
                         "sei_thickness_err_A": 0.2})
    tab = plot_figS8(pd.DataFrame(rows), 4.0, {"growth_A_ns": 50.0, "growth_err_A_ns": 1.0},
                     "Li_pe", tmp_path / "s8.png", tmp_path / "s8.csv")
    assert list(tab["after_onset"]) == [False, False, True, True, True]
    assert tab["li_sei_z_A"].iloc[-1] == pytest.approx(9.6)
    s9 = plot_figS9(pd.concat([series, series.assign(run="LiPS_v1")]),
                    [summary("LiPS", True, 6.0), summary("LiPS_v1", False)], 0.25,
                    tmp_path / "s9.png", tmp_path / "s9.csv")
    assert s9.groupby("run")["crystallised"].first().to_dict() == {"LiPS": True,
                                                                   "LiPS_v1": False}
    assert pd.read_csv(tmp_path / "s9.csv").shape[0] == 2 * len(t)
