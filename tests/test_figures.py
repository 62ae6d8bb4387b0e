"""Smoke tests of seiflow.plot.figures: PNG written, CSV = plotted table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from seiflow.plot.figures import plot_alpha_fit, plot_parity, plot_ps4_and_thickness
from seiflow.analysis.sei_formation import TRAJECTORY_COLUMNS, fit_log_time

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _is_png(path):
    data = path.read_bytes()
    return len(data) > 1000 and data[:8] == PNG_MAGIC


def _traj(temperature=None, n=12):
    t = np.linspace(0.0, 10.0, n)
    df = pd.DataFrame({
        "time_ps": t,
        "n_intact_ps4": np.linspace(40, 28, n).round().astype(int),
        "alpha": 0.02 + 0.01 * np.log1p(t),
        "sei_thickness_lower_A": 1.2 + 0.8 * t,
        "sei_thickness_upper_A": 1.2 + 0.6 * t,
    })
    df["sei_thickness_mean_A"] = 0.5 * (df["sei_thickness_lower_A"] + df["sei_thickness_upper_A"])
    df = df[TRAJECTORY_COLUMNS]
    if temperature is not None:
        df["temperature_K"] = temperature
    return df


@pytest.mark.parametrize("temps", [None, [300.0], [300.0, 500.0]])
def test_plot_ps4_and_thickness(tmp_path, temps):
    df = _traj() if temps is None else pd.concat([_traj(T) for T in temps], ignore_index=True)
    df.loc[3, "sei_thickness_mean_A"] = np.nan  # undefined thickness is tolerated
    png, csv = tmp_path / "fig" / "ps4.png", tmp_path / "fig" / "ps4.csv"
    assert plot_ps4_and_thickness(df, png, csv) is None
    assert _is_png(png)
    out = pd.read_csv(csv)
    expected = {"time_ps", "quantity", "value"} | ({"temperature_K"} if temps else set())
    assert set(out.columns) == expected
    assert set(out["quantity"]) == {"n_intact_ps4", "sei_thickness_mean_A",
                                    "sei_thickness_lower_A", "sei_thickness_upper_A"}
    assert len(out) == 4 * len(df)


def test_plot_ps4_and_thickness_missing_column(tmp_path):
    with pytest.raises(ValueError):
        plot_ps4_and_thickness(_traj().drop(columns="n_intact_ps4"),
                               tmp_path / "a.png", tmp_path / "a.csv")


def test_plot_alpha_fit(tmp_path):
    rng = np.random.default_rng(1)
    frames, fits = [], {}
    for T, b in ((300, 0.01), (500, 0.02)):
        t = np.r_[0.0, np.logspace(-1, 2, 15)]
        alpha = np.clip(0.05 + b * np.log(np.where(t > 0, t, 1.0)), 0, None)
        alpha = alpha + rng.normal(0, 0.002, t.size)
        frames.append(pd.DataFrame({"time_ps": t, "alpha": alpha, "temperature_K": T}))
        fits[T] = fit_log_time(t, alpha)
    df = pd.concat(frames, ignore_index=True)
    png, csv = tmp_path / "alpha.png", tmp_path / "alpha.csv"
    assert plot_alpha_fit(df, fits, png, csv) is None
    assert _is_png(png)
    out = pd.read_csv(csv)
    assert list(out.columns) == ["time_ps", "temperature_K", "alpha", "alpha_fit"]
    assert (out["time_ps"] > 0).all() and len(out) == 30  # t = 0 cannot be on a log axis
    row = out.iloc[0]
    f = fits[int(row["temperature_K"])]
    assert row["alpha_fit"] == pytest.approx(f["a"] + f["b"] * np.log(row["time_ps"]))


def test_plot_alpha_fit_single_temperature_without_column(tmp_path):
    t = np.logspace(0, 2, 8)
    df = pd.DataFrame({"time_ps": t, "alpha": 0.1 + 0.02 * np.log(t)})
    fits = {400: fit_log_time(t, df["alpha"])}
    plot_alpha_fit(df, fits, tmp_path / "a.png", tmp_path / "a.csv")
    out = pd.read_csv(tmp_path / "a.csv")
    assert (out["temperature_K"] == 400).all()
    assert np.allclose(out["alpha"], out["alpha_fit"])


def test_plot_parity(tmp_path):
    rng = np.random.default_rng(2)
    e = rng.normal(-4.0, 0.1, 20)
    f = rng.normal(0.0, 1.0, 300)
    df = pd.concat([
        pd.DataFrame({"quantity": "energy_per_atom", "reference": e,
                      "predicted": e + rng.normal(0, 0.002, e.size)}),
        pd.DataFrame({"quantity": "force", "reference": f,
                      "predicted": f + rng.normal(0, 0.05, f.size)}),
    ], ignore_index=True)
    png, csv = tmp_path / "parity.png", tmp_path / "parity.csv"
    assert plot_parity(df, {"energy_meV_per_atom": 2.0, "force_meV_per_A": 50.0}, png, csv) is None
    assert _is_png(png)
    out = pd.read_csv(csv)
    assert list(out.columns) == ["quantity", "reference", "predicted"]
    assert len(out) == len(df)
    # a missing quantity / rmse entry still gives a figure
    plot_parity(df[df["quantity"] == "force"], {"force_meV_per_A": 50.0},
                tmp_path / "p2.png", tmp_path / "p2.csv")
    assert _is_png(tmp_path / "p2.png")
