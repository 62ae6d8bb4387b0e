"""Tests for seiflow.analysis.profiles: streaming z-profiles and logistic interface fits."""

import numpy as np
import pandas as pd
import pytest
from ase import Atoms

from seiflow.analysis.profiles import (
    AMU_PER_A3_TO_G_PER_CM3,
    WIDTH_FACTOR_10_90,
    ZProfileAccumulator,
    fit_logistic_step,
    fractional_z,
    interface_positions,
    logistic_step,
    logistic_two_step,
    split_halves,
)
from seiflow.analysis.sei_formation import sei_thickness

LX, LY, H = 10.0, 8.0, 20.0
ORIGIN = np.array([1.0, 2.0, -5.0])


def _slab(u_li, u_s, h=H, origin=ORIGIN, tilt=(0.0, 0.0)):
    """Li and S atoms at given (unshifted) fractional z; raw LAMMPS-like coordinates."""
    u = np.concatenate([u_li, u_s])
    n = u.size
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 1, size=(n, 2)) * [LX, LY]
    pos = np.column_stack([xy, u * h]) + origin
    atoms = Atoms(
        ["Li"] * len(u_li) + ["S"] * len(u_s),
        positions=pos,
        cell=[[LX, 0, 0], [0, LY, 0], [tilt[0], tilt[1], h]],
        pbc=True,
        celldisp=origin,
    )
    return atoms


def _bin_centres(k, n=10):
    return (np.asarray(k) + 0.5) / n


# -------------------------------------------------------------- accumulator
def test_known_counts_per_bin_and_density():
    u_li = _bin_centres([0, 0, 1, 3, 9])
    u_s = _bin_centres([5, 5, 5])
    acc = ZProfileAccumulator(2.0, ["Li", "S"])
    acc.update(_slab(u_li, u_s))
    df = acc.result()
    assert acc.n_bins == 10
    li = df[df.species == "Li"]
    s = df[df.species == "S"]
    exp_li = np.array([2, 1, 0, 1, 0, 0, 0, 0, 0, 1], float)
    exp_s = np.zeros(10)
    exp_s[5] = 3
    vol = LX * LY * 2.0
    np.testing.assert_allclose(li.number_density_A3, exp_li / vol)
    np.testing.assert_allclose(s.number_density_A3, exp_s / vol)
    np.testing.assert_allclose(li.count_per_frame, exp_li)
    np.testing.assert_allclose(li.z_A, _bin_centres(range(10)) * H)
    np.testing.assert_allclose(
        li.mass_density_g_cm3, exp_li / vol * 6.94 * AMU_PER_A3_TO_G_PER_CM3, rtol=1e-3
    )
    assert (df.n_frames == 1).all()
    assert list(df.columns[:6]) == [
        "z_A",
        "z_frac",
        "species",
        "number_density_A3",
        "mass_density_g_cm3",
        "count_per_frame",
    ]


def test_wrapping_at_periodic_boundary():
    # slightly below zlo -> last bin; slightly above zhi -> first bin; exactly zhi -> first bin
    u_li = np.array([-0.015, 1.015, 1.0, 0.0])
    acc = ZProfileAccumulator(2.0, ["Li"])
    acc.update(_slab(u_li, []))
    c = acc.result().count_per_frame.to_numpy()
    assert c[9] == 1 and c[0] == 3 and c.sum() == 4


def test_npt_box_scaling_between_frames():
    u_li = _bin_centres([2, 2, 7])
    acc = ZProfileAccumulator(2.0, ["Li"])
    acc.update(_slab(u_li, [], h=20.0))
    acc.update(_slab(u_li, [], h=40.0))  # same fractional positions, doubled height
    df = acc.result()
    assert acc.n_bins == 10  # fixed at the first frame
    assert acc.mean_cell_height_A == pytest.approx(30.0)
    dens = df.number_density_A3.to_numpy()
    # per-frame densities 2/(80*2) and 2/(80*4), averaged
    assert dens[2] == pytest.approx(0.5 * (2 / 160 + 2 / 320))
    assert dens[7] == pytest.approx(0.5 * (1 / 160 + 1 / 320))
    np.testing.assert_allclose(df.z_A, _bin_centres(range(10)) * 30.0)
    np.testing.assert_allclose(df.count_per_frame.iloc[[2, 7]], [2, 1])
    assert (df.n_frames == 2).all()


def test_center_frac_shift_and_consistency_with_sei_thickness():
    # electrolyte centre at unshifted u = 0.25 -> shifted to 0.5
    u_li = np.array([0.26, 0.74])
    acc = ZProfileAccumulator(2.0, ["Li"], center_frac=0.25)
    atoms = _slab(u_li, [])
    acc.update(atoms)
    c = acc.result().count_per_frame.to_numpy()
    assert c[5] == 1 and c[9] == 1 and c.sum() == 2  # 0.51 -> bin 5, 0.99 -> bin 9
    np.testing.assert_allclose(fractional_z(atoms, 0.25), [0.51, 0.99])

    # same frame convention as sei_analysis.sei_thickness (P positions of intact units)
    at = Atoms(
        "PPS",
        positions=[[0, 0, 3.0], [0, 0, 15.0], [0, 0, 9.0]],
        cell=[LX, LY, H],
        pbc=True,
        celldisp=ORIGIN,
    )
    at.positions += ORIGIN
    res = sei_thickness(at, np.array([True, True]), electrolyte_center_frac=0.3)
    u = fractional_z(at, 0.3)[:2]
    assert res["boundary_lower_z_A"] == pytest.approx(u.min() * H)
    assert res["boundary_upper_z_A"] == pytest.approx(u.max() * H)


def test_tilted_c_accepted_and_z_range_and_mask():
    u_li = _bin_centres([0, 3, 3, 6])
    acc = ZProfileAccumulator(2.0, ["Li"])
    acc.update(_slab(u_li, [], tilt=(1.5, -0.7)))  # LAMMPS xz, yz tilt
    np.testing.assert_allclose(acc.result().count_per_frame.iloc[[0, 3, 6]], [1, 2, 1])

    acc = ZProfileAccumulator(2.0, ["Li"], z_range_frac=(0.25, 0.75))
    u_li = np.array([0.05, 0.4, 0.4, 0.7])
    acc.update(_slab(u_li, []), mask=np.array([True, True, False, True]))
    df = acc.result()
    assert acc.n_bins == 5
    np.testing.assert_allclose(df.z_frac, 0.25 + (np.arange(5) + 0.5) * 0.1)
    # u=0.4 -> bin 1 (one atom masked out), u=0.7 -> bin 4, u=0.05 outside
    np.testing.assert_allclose(df.count_per_frame, [0, 1, 0, 0, 1])


def test_mean_per_atom_quantity():
    u_li = _bin_centres([1, 1, 4])
    u_s = _bin_centres([1])
    atoms = _slab(u_li, u_s)
    atoms.arrays["c_pe"] = np.array([-1.0, -2.0, -3.0, -7.0])
    acc = ZProfileAccumulator(2.0, ["Li", "S"], quantities=["c_pe"])
    acc.update(atoms)
    atoms2 = atoms.copy()
    acc.update(atoms2, per_atom={"c_pe": np.array([-4.0, -5.0, -6.0, -9.0])})
    df = acc.result()
    li = df[df.species == "Li"].mean_c_pe.to_numpy()
    s = df[df.species == "S"].mean_c_pe.to_numpy()
    assert li[1] == pytest.approx((-1 - 2 - 4 - 5) / 4)
    assert li[4] == pytest.approx(-4.5)
    assert np.isnan(li[0])
    assert s[1] == pytest.approx(-8.0)


def test_accumulator_errors():
    with pytest.raises(ValueError):
        ZProfileAccumulator(0.0, ["Li"])
    with pytest.raises(ValueError):
        ZProfileAccumulator(1.0, [])
    with pytest.raises(ValueError):
        ZProfileAccumulator(1.0, ["Xx"])
    with pytest.raises(ValueError):
        ZProfileAccumulator(1.0, ["Li"], z_range_frac=(0.6, 0.2))
    acc = ZProfileAccumulator(1.0, ["Li"], quantities=["c_pe"])
    with pytest.raises(ValueError, match="no frame"):
        acc.result()
    atoms = _slab([0.1, 0.2], [])
    with pytest.raises(ValueError, match="c_pe"):
        acc.update(atoms)  # missing quantity
    with pytest.raises(ValueError, match="shape"):
        acc.update(atoms, per_atom={"c_pe": np.zeros(3)})
    with pytest.raises(ValueError, match="declared"):
        acc.update(atoms, per_atom={"c_pe": np.zeros(2), "foo": np.zeros(2)})
    bad = atoms.copy()
    bad.set_cell([[LX, 0, 1.0], [0, LY, 0], [0, 0, H]])
    with pytest.raises(ValueError, match="xy plane"):
        ZProfileAccumulator(1.0, ["Li"]).update(bad)


# -------------------------------------------------------------- logistic fits
Z = np.linspace(0.0, 60.0, 121)


@pytest.mark.parametrize("a", [2.5, -2.5])
def test_one_step_exact_recovery_rising_and_falling(a):
    y = logistic_step(Z, a, 23.7, 1.8, 0.4)
    fit = fit_logistic_step(Z, y, n_steps=1)
    assert fit.z0_A[0] == pytest.approx(23.7, abs=1e-6)
    assert fit.w_A[0] == pytest.approx(1.8, rel=1e-6)
    assert fit.amplitude[0] == pytest.approx(a, rel=1e-6)
    assert fit.offset == pytest.approx(0.4, abs=1e-6)
    assert fit.width_A[0] == pytest.approx(WIDTH_FACTOR_10_90 * 1.8, rel=1e-6)
    assert fit.r2 == pytest.approx(1.0, abs=1e-10)
    # definition of the width: 10 % -> 90 % of the step over width_A
    lo = logistic_step(fit.z0_A[0] - fit.width_A[0] / 2, 1.0, fit.z0_A[0], fit.w_A[0], 0.0)
    hi = logistic_step(fit.z0_A[0] + fit.width_A[0] / 2, 1.0, fit.z0_A[0], fit.w_A[0], 0.0)
    assert (lo, hi) == (pytest.approx(0.1), pytest.approx(0.9))
    np.testing.assert_allclose(fit(Z), y, atol=1e-8)


@pytest.mark.parametrize(
    "params",
    [
        (-0.03, 14.0, 1.0, -0.02, 38.0, 4.0, 0.06),  # monotone falling (Li density)
        (0.5, 12.0, 0.8, -0.3, 41.0, 3.0, -1.9),  # non-monotone (bump)
    ],
)
def test_two_step_exact_recovery(params):
    y = logistic_two_step(Z, *params)
    # pass z in reversed order to check internal sorting
    fit = fit_logistic_step(Z[::-1], y[::-1], n_steps=2)
    np.testing.assert_allclose(fit.z0_A, [params[1], params[4]], atol=1e-5)
    np.testing.assert_allclose(fit.w_A, [params[2], params[5]], rtol=1e-5)
    np.testing.assert_allclose(fit.amplitude, [params[0], params[3]], rtol=1e-5)
    assert fit.r2 == pytest.approx(1.0, abs=1e-9)


def test_symmetric_profile_two_interfaces_split_halves():
    h = 80.0
    z = np.linspace(0.25, h - 0.25, 160)
    # Li metal at both ends, electrolyte centred at h/2; lower interface falls, upper rises
    y = np.where(
        z < h / 2, logistic_step(z, -0.04, 22.0, 1.2, 0.05), logistic_step(z, 0.04, 57.0, 2.0, 0.01)
    )
    (zl, yl), (zu, yu) = split_halves(z, y, h / 2)
    assert zl.max() < h / 2 <= zu.min()
    fl = fit_logistic_step(zl, yl)
    fu = fit_logistic_step(zu, yu)
    assert fl.amplitude[0] < 0 < fu.amplitude[0]
    assert fl.z0_A[0] == pytest.approx(22.0, abs=1e-4)
    assert fu.z0_A[0] == pytest.approx(57.0, abs=1e-4)
    assert fl.w_A[0] == pytest.approx(1.2, rel=1e-3)
    assert fu.w_A[0] == pytest.approx(2.0, rel=1e-3)
    with pytest.raises(ValueError):
        split_halves(z, y, -1.0)


def test_noise_robustness_seeded():
    rng = np.random.default_rng(42)
    true = (-0.03, 14.0, 1.0, -0.02, 38.0, 4.0, 0.06)
    y = logistic_two_step(Z, *true) + rng.normal(0, 0.001, Z.size)
    fit = fit_logistic_step(Z, y, n_steps=2)
    for est, err, tr in zip(fit.z0_A, fit.z0_err_A, (14.0, 38.0), strict=True):
        assert 0 < err < 1.0
        assert abs(est - tr) < 4 * err
    assert abs(fit.w_A[1] - 4.0) < 4 * fit.w_err_A[1]
    assert fit.r2 > 0.99


def test_interface_positions_lower_and_upper_sides():
    h = 120.0
    z = (np.arange(240) + 0.5) * 0.5
    # lower side: Li metal (0.046) -> SEI (0.03) -> SSE (0.015); mirrored on the upper side
    lower = logistic_two_step(z, -0.016, 20.0, 1.0, -0.015, 35.0, 3.0, 0.046)
    upper = logistic_two_step(h - z, -0.016, 20.0, 1.0, -0.015, 33.0, 3.0, 0.046)
    y = np.where(z < h / 2, lower, upper)
    df = pd.DataFrame({"z_A": z, "species": "Li", "number_density_A3": y})
    df = pd.concat([df, df.assign(species="S", number_density_A3=0.02)], ignore_index=True)

    lo = interface_positions(df, side="lower")
    assert list(lo.interface) == ["Li|SEI", "SEI|SSE"]
    np.testing.assert_allclose(lo.z0_A, [20.0, 35.0], atol=1e-4)
    np.testing.assert_allclose(lo.w_A, [1.0, 3.0], rtol=1e-3)
    assert lo.sei_thickness_A.iloc[0] == pytest.approx(15.0, abs=1e-4)

    up = interface_positions(df, side="upper", center_z_A=h / 2)
    assert list(up.interface) == ["Li|SEI", "SEI|SSE"]
    np.testing.assert_allclose(up.z0_A, [h - 20.0, h - 33.0], atol=1e-4)
    assert up.sei_thickness_A.iloc[0] == pytest.approx(13.0, abs=1e-4)

    one = interface_positions(df[df.z_A < 60], side=None, metal_side="high")
    assert list(one.interface) == ["Li|SEI", "SEI|SSE"]
    assert one.z0_A.iloc[0] == pytest.approx(35.0, abs=1e-4)  # metal assumed at high z


def test_fit_errors():
    with pytest.raises(ValueError, match="at least"):
        fit_logistic_step(Z[:5], Z[:5], n_steps=1)
    with pytest.raises(ValueError, match="finite"):
        fit_logistic_step(Z, np.where(Z > 30, np.nan, 1.0))
    with pytest.raises(ValueError, match="equal length"):
        fit_logistic_step(Z, Z[:-1])
    with pytest.raises(ValueError, match="n_steps"):
        fit_logistic_step(Z, Z, n_steps=3)
    with pytest.raises(ValueError, match="p0"):
        fit_logistic_step(Z, Z, p0=[1, 2, 3])
    df = pd.DataFrame({"z_A": Z, "species": "Li", "number_density_A3": Z})
    with pytest.raises(ValueError, match="species"):
        interface_positions(df, species="P")
    with pytest.raises(ValueError, match="column"):
        interface_positions(df, column="mean_c_pe")
    with pytest.raises(ValueError, match="side"):
        interface_positions(df, side="left")


def test_two_step_fit_never_returns_cancelling_amplitudes():
    """A noisy single step fitted with two steps from a degenerate start (both steps at one z,
    huge opposite amplitudes: the solution a DP-ZBL test model's Li_pe profile produced) must
    end with amplitudes bounded by the profile range, or fail loudly."""
    rng = np.random.default_rng(3)
    y = logistic_step(Z, -0.5, 20.0, 1.5, -3.0) + rng.normal(0, 0.05, Z.size)
    degenerate = (1000.0, 30.0, 5.0, -1000.0, 30.0, 5.0, -3.2)
    try:
        fit = fit_logistic_step(Z, y, n_steps=2, p0=degenerate)
    except RuntimeError as err:
        assert "non-degenerate" in str(err)
    else:
        assert np.all(np.abs(fit.amplitude) < 3.0 * np.ptp(y))
    fit = fit_logistic_step(Z, y, n_steps=2)  # the automatic starts still find a real fit
    assert np.all(np.abs(fit.amplitude) < 3.0 * np.ptp(y))
    with pytest.raises(ValueError, match="max_amplitude_ratio"):
        fit_logistic_step(Z, y, max_amplitude_ratio=0.0)
