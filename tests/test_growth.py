"""Tests for seiflow.analysis.growth: growth-law fits, predictive test, bootstrap, replicas."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from seiflow.analysis.growth import (
    GROWTH_LAWS,
    block_bootstrap,
    combine_replicas,
    fit_crystalline_share,
    fit_growth_law,
    fit_growth_laws,
    growth_fit_fn,
    growth_law_model,
    predictive_test,
)

T = np.linspace(10.0, 5000.0, 100)  # ps


def _by_law(df):
    return df.set_index("law")


def test_recover_exponent_and_right_law_wins_sqrt():
    d = 0.9 * T**0.5
    df = _by_law(fit_growth_laws(np.concatenate([[0.0], T]), np.concatenate([[0.0], d])))
    assert list(df.index) == list(GROWTH_LAWS)
    assert df.loc["t^n", "exponent"] == pytest.approx(0.5, rel=1e-6)
    assert df.loc["t^n", "k"] == pytest.approx(0.9, rel=1e-5)
    assert df.loc["t^1/2", "k"] == pytest.approx(0.9, rel=1e-8)
    assert df.loc["t^1/2", "r2"] == pytest.approx(1.0, abs=1e-12)
    assert df.loc["t^1/2", "r2"] > df.loc["t^1/3", "r2"]
    assert df.loc["t^1/2", "r2"] > df.loc["ln t", "r2"]
    assert (df.n_points == 100).all()  # t = 0 dropped for every law


def test_recover_exponent_cube_root_with_noise():
    rng = np.random.default_rng(7)
    d = 4.0 * T ** (1 / 3) + rng.normal(0, 0.2, T.size)
    df = _by_law(fit_growth_laws(T, d))
    n, n_err = df.loc["t^n", ["exponent", "exponent_err"]]
    assert 0 < n_err < 0.02
    assert abs(n - 1 / 3) < 4 * n_err
    assert df.loc["t^1/3", "r2"] > df.loc["t^1/2", "r2"]
    assert abs(df.loc["t^1/3", "k"] - 4.0) < 4 * df.loc["t^1/3", "k_err"]
    assert df.loc["t^1/3", "exponent_err"] == 0.0


def test_log_law_and_offset():
    d = 2.0 + 3.0 * np.log(T)
    row = fit_growth_law(T, d, "ln t")
    assert (row["a"], row["b"]) == (pytest.approx(2.0), pytest.approx(3.0))
    assert np.isnan(row["k"])
    d2 = 5.0 + 0.7 * T**0.5
    no = fit_growth_law(T, d2, "t^1/2")
    yes = fit_growth_law(T, d2, "t^1/2", offset=True)
    assert yes["d0"] == pytest.approx(5.0, rel=1e-6) and yes["k"] == pytest.approx(0.7, rel=1e-6)
    assert yes["r2"] > no["r2"]
    np.testing.assert_allclose(growth_law_model("t^1/2", T, yes), d2, rtol=1e-6)


@pytest.mark.parametrize("true_law,exponent", [("t^1/3", 1 / 3), ("t^1/2", 0.5)])
def test_predictive_test_picks_generating_law(true_law, exponent):
    rng = np.random.default_rng(3)
    d = 3.0 * T**exponent + rng.normal(0, 0.1, T.size)
    df = _by_law(predictive_test(T, d, train_fraction=0.3))
    fixed = ["t^1/2", "t^1/3", "ln t"]
    assert df.loc[fixed, "r2_test"].idxmax() == true_law
    assert df.loc[true_law, "rmse_test_A"] < 0.2
    assert df.n_train.iloc[0] + df.n_test.iloc[0] == T.size
    assert df.t_split_ps.iloc[0] == pytest.approx(T[0] + 0.3 * (T[-1] - T[0]))
    assert df["best"].sum() == 1


def test_bootstrap_std_shrinks_with_less_noise_and_matches_ols():
    rng = np.random.default_rng(11)
    t = np.linspace(1.0, 100.0, 60)
    eps = rng.normal(0, 1.0, t.size)

    def linear_fit(tt, yy):
        r = stats.linregress(tt, yy)
        return {"a": r.intercept, "b": r.slope}, r.intercept + r.slope * tt

    big = block_bootstrap(t, 1.0 + 0.5 * t + 1.0 * eps, linear_fit, n_boot=300, block_len=1, seed=1)
    small = block_bootstrap(
        t, 1.0 + 0.5 * t + 0.1 * eps, linear_fit, n_boot=300, block_len=1, seed=1
    )
    sb = big.set_index("param").boot_std
    ss = small.set_index("param").boot_std
    # residuals scale exactly by 0.1 with the same resampling -> std scales by 0.1
    np.testing.assert_allclose(ss / sb, 0.1, rtol=1e-6)
    # iid case, L = 1: bootstrap std close to the OLS standard error
    ols = stats.linregress(t, 1.0 + 0.5 * t + eps)
    assert sb["b"] == pytest.approx(ols.stderr, rel=0.25)
    assert (big.n_boot_ok == 300).all()

    # growth-law fit function, moving blocks, seeded reproducibility
    d = 2.0 * T ** (1 / 3) + rng.normal(0, 0.3, T.size)
    b1 = block_bootstrap(T, d, growth_fit_fn("t^n"), n_boot=40, block_len=5, seed=5)
    b2 = block_bootstrap(T, d, growth_fit_fn("t^n"), n_boot=40, block_len=5, seed=5)
    pd.testing.assert_frame_equal(b1, b2)
    assert list(b1.param) == ["k", "exponent"]
    assert 0 < b1.set_index("param").loc["exponent", "boot_std"] < 0.05


def test_combine_replicas():
    reps = [
        {"law": "t^1/3", "k": 1.0, "r2": 0.9},
        {"law": "t^1/3", "k": 3.0, "r2": np.nan},
        {"law": "t^1/3", "k": 2.0, "r2": 0.95, "flag": True},
    ]
    df = combine_replicas(reps).set_index("quantity")
    assert list(df.index) == ["k", "r2"]
    assert df.loc["k", "mean"] == pytest.approx(2.0)
    assert df.loc["k", "std"] == pytest.approx(1.0)
    assert df.loc["k", "sem"] == pytest.approx(1.0 / np.sqrt(3))
    assert df.loc["r2", "n"] == 2
    with pytest.raises(ValueError):
        combine_replicas([])
    with pytest.raises(ValueError):
        combine_replicas([{"law": "x"}])


def test_crystalline_share_sqrt_vs_linear():
    t = np.linspace(0.0, 1000.0, 80)
    df = fit_crystalline_share(t, 2.0 + 1.5 * np.sqrt(t), t_min_ps=10.0).set_index("law")
    assert df.loc["sqrt_t", "best"] and not df.loc["linear", "best"]
    assert df.loc["sqrt_t", "b"] == pytest.approx(1.5)
    assert df.loc["sqrt_t", "a"] == pytest.approx(2.0)
    assert df.loc["sqrt_t", "n_points"] == int((t >= 10).sum())
    df = fit_crystalline_share(t, 0.03 * t + 1.0).set_index("law")
    assert df.loc["linear", "best"] and df.loc["linear", "b"] == pytest.approx(0.03)


def test_growth_errors():
    with pytest.raises(ValueError, match="equal length"):
        fit_growth_laws(T, T[:-1])
    with pytest.raises(ValueError, match="at least"):
        fit_growth_law([1.0, 2.0, 0.0], [1.0, 2.0, 3.0], "t^n")
    with pytest.raises(ValueError, match="unknown"):
        fit_growth_law(T, T, "t^2")
    with pytest.raises(ValueError, match="train_fraction"):
        predictive_test(T, T, train_fraction=1.0)
    with pytest.raises(ValueError, match="after t_split"):
        predictive_test(T[:5], T[:5], train_fraction=0.9)
    fn = growth_fit_fn("t^1/2")
    with pytest.raises(ValueError):
        fn(np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 1.4]))
    with pytest.raises(ValueError, match="block_len"):
        block_bootstrap(T, T, fn, block_len=0)
    with pytest.raises(ValueError, match="finite"):
        block_bootstrap(np.array([1.0, 2.0, np.nan]), np.ones(3), fn)
    with pytest.raises(ValueError):
        fit_crystalline_share([1.0, 2.0], [0.1, 0.2])
