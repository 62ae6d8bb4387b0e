"""Analytic / hand-built tests of seiflow.analysis.sei_formation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from ase import Atoms

from seiflow.analysis.sei_formation import (
    TRAJECTORY_COLUMNS,
    analyse_frame,
    analyse_trajectory,
    fit_log_time,
    intact_ps4_mask,
    iter_lammps_dump,
    ps_coordination,
    reduced_fraction_alpha,
    sei_thickness,
)

A_LPSC = 9.85  # Å, Li6PS5Cl cubic lattice parameter
D_PS = 2.05  # Å, P–S bond in PS4
# Tetrahedral directions (x,x,x), (-x,-x,x), (-x,x,-x), (x,-x,-x), unit length.
TET = np.array([[1, 1, 1], [-1, -1, 1], [-1, 1, -1], [1, -1, -1]], float) / math.sqrt(3)
S_DZ = D_PS / math.sqrt(3)  # z extent of a PS4 unit's S below/above its P (Å)


def ps4(p_pos, d=D_PS):
    """Symbols and positions of one PS4 tetrahedron centred at p_pos."""
    p = np.asarray(p_pos, float)
    return ["P"] + ["S"] * 4, np.vstack([p, p + d * TET])


def build(units, extra=(), cell=(20.0, 20.0, 20.0), pbc=True):
    """Atoms from a list of (symbols, positions) blocks plus (symbol, pos) extras."""
    syms, pos = [], []
    for s, p in units:
        syms += s
        pos += list(p)
    for s, p in extra:
        syms.append(s)
        pos.append(p)
    return Atoms(syms, positions=np.array(pos, float), cell=cell, pbc=pbc)


@pytest.fixture
def lpsc_cell():
    """Li6PS5Cl-like cubic cell: P on 4b + F translations, PS4 tetrahedra, Li far away."""
    p_frac = np.array([[0.5, 0.5, 0.5], [0.5, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.5]])
    units = [ps4(f * A_LPSC) for f in p_frac]
    li = [("Li", np.array(f) * A_LPSC) for f in ([0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5])]
    atoms = build(units, li, cell=(A_LPSC,) * 3)
    atoms.wrap()
    return atoms


# --------------------------------------------------------------------------- PS4 / alpha


def test_perfect_cell_all_intact_alpha_zero(lpsc_cell):
    cn = ps_coordination(lpsc_cell)
    assert cn.shape == (4,) and cn.dtype.kind == "i"
    assert (cn == 4).all()
    mask = intact_ps4_mask(lpsc_cell)
    assert mask.shape == (4,) and mask.dtype == bool and mask.all()
    assert reduced_fraction_alpha(cn, n_formula_units=4) == 0.0


def test_p_surrounded_by_li_fully_reduced():
    li = [("Li", np.array([10.0, 10, 10]) + 2.5 * t) for t in TET]
    atoms = build([], [("P", [10.0, 10, 10])] + li)
    cn = ps_coordination(atoms)
    assert cn.tolist() == [0]
    assert intact_ps4_mask(atoms).tolist() == [False]
    assert reduced_fraction_alpha(cn, 1) == 1.0


def test_partially_reduced_two_s():
    c = np.array([10.0, 10, 10])
    extra = [("P", c), ("S", c + 2.1 * TET[0]), ("S", c + 2.9 * TET[1]),
             ("S", c + 3.1 * TET[2]),  # beyond the 3 Å P–S cutoff
             ("Li", c + 2.4 * TET[3])]
    atoms = build([], extra)
    cn = ps_coordination(atoms, cutoff=3.0)
    assert cn.tolist() == [2]
    assert reduced_fraction_alpha(cn, 1) == pytest.approx(4 / 8)
    assert reduced_fraction_alpha(cn, 2) == pytest.approx(4 / 8 / 2)
    assert not intact_ps4_mask(atoms).any()


def test_alpha_weights_and_errors():
    # k = 0..5 -> weights 8, 6, 4, 2, 0, 0
    assert reduced_fraction_alpha([0, 1, 2, 3, 4, 5], 1) == pytest.approx(20 / 8)
    assert reduced_fraction_alpha(np.array([], int), 3) == 0.0
    with pytest.raises(ValueError):
        reduced_fraction_alpha([4], 0)
    with pytest.raises(ValueError):
        reduced_fraction_alpha([4], -1)
    with pytest.raises(ValueError):
        reduced_fraction_alpha([-1], 1)


def test_intact_requires_all_four_nearest_s_within_cutoff():
    # S at 2.7 Å: 4 S within 3 Å (cn = 4) but not within 2.6 Å -> not intact.
    s, p = ps4([10.0, 10, 10])
    p[1] = p[0] + 2.7 * TET[0]
    a = build([(s, p)])
    assert ps_coordination(a).tolist() == [4]
    assert intact_ps4_mask(a).tolist() == [False]
    assert intact_ps4_mask(a, cutoff=2.8).tolist() == [True]
    # A Li closer than the S atoms makes one of the 4 nearest neighbours non-S.
    s, p = ps4([10.0, 10, 10])
    b = build([(s, p)], [("Li", [10.0, 10.0, 8.2])])
    assert intact_ps4_mask(b).tolist() == [False]
    # Only three S: fewer than 4 neighbours in the search radius -> not intact.
    c = build([(s[:4], p[:4])])
    assert intact_ps4_mask(c).tolist() == [False]


def test_no_p_raises():
    atoms = Atoms("Li2", positions=[[0, 0, 0], [2, 0, 0]], cell=[5, 5, 5], pbc=True)
    with pytest.raises(ValueError):
        ps_coordination(atoms)
    with pytest.raises(ValueError):
        intact_ps4_mask(atoms)


def test_pbc_split_ps4_is_intact():
    s, p = ps4([0.2, 0.3, 9.7])  # S atoms stick out of the cell on x, y and z
    atoms = build([(s, p)], cell=(A_LPSC,) * 3)
    atoms.wrap()
    assert (atoms.get_scaled_positions() >= 0).all()
    assert ps_coordination(atoms).tolist() == [4]
    assert intact_ps4_mask(atoms).tolist() == [True]
    # Not periodic -> the wrapped S are far away.
    atoms.pbc = False
    assert intact_ps4_mask(atoms).tolist() == [False]


def test_triclinic_cell_split_ps4_is_intact():
    cell = np.array([[10.0, 0, 0], [4.0, 9.0, 0], [2.0, 3.0, 11.0]])
    s, p = ps4(0.02 * cell.sum(axis=0))  # near the origin corner
    atoms = Atoms(s, positions=p, cell=cell, pbc=True)
    atoms.wrap()
    assert intact_ps4_mask(atoms).tolist() == [True]
    assert ps_coordination(atoms).tolist() == [4]


# --------------------------------------------------------------------------- thickness


def slab(height=100.0, z_shift=0.0, celldisp=None):
    """Intact PS4 with P at z = 40, 50, 60 Å; one S at 30 Å, one Cl at 75 Å; Li at the edges."""
    units = [ps4([5.0, 5.0, 40.0]), ps4([12.0, 12.0, 50.0]), ps4([5.0, 12.0, 60.0])]
    extra = [("S", [15.0, 4.0, 30.0]), ("Cl", [15.0, 15.0, 75.0]),
             ("Li", [2.0, 2.0, 10.0]), ("Li", [2.0, 2.0, 90.0])]
    atoms = build(units, extra, cell=(20.0, 20.0, height))
    if celldisp is not None:
        atoms.set_celldisp(celldisp)
        atoms.positions += celldisp
    atoms.positions[:, 2] += z_shift
    return atoms


def test_thickness_known_profile():
    atoms = slab()
    mask = intact_ps4_mask(atoms)
    assert mask.all()
    t = sei_thickness(atoms, mask)
    # boundary = z of the lowest / highest intact P atom
    assert t["boundary_lower_z_A"] == pytest.approx(40.0)
    assert t["boundary_upper_z_A"] == pytest.approx(60.0)
    assert t["furthest_lower_z_A"] == pytest.approx(30.0)
    assert t["furthest_upper_z_A"] == pytest.approx(75.0)
    assert t["lower_A"] == pytest.approx(10.0)
    assert t["upper_A"] == pytest.approx(15.0)
    assert t["mean_A"] == pytest.approx(12.5)


def test_thickness_scales_with_npt_box():
    atoms = slab()
    atoms.set_cell(np.diag([20.0, 20.0, 110.0]), scale_atoms=True)
    t = sei_thickness(atoms, intact_ps4_mask(atoms))
    assert t["lower_A"] == pytest.approx(11.0)
    assert t["upper_A"] == pytest.approx(16.5)
    assert t["cell_height_A"] == pytest.approx(110.0)


def test_thickness_electrolyte_centre_and_origin():
    # Electrolyte moved across the periodic boundary: centre at fractional z 0.
    a = slab(z_shift=50.0)
    a.wrap()
    t = sei_thickness(a, intact_ps4_mask(a), electrolyte_center_frac=0.0)
    assert (t["lower_A"], t["upper_A"]) == pytest.approx((10.0, 15.0))
    # LAMMPS-like box origin (zlo != 0) is honoured through celldisp.
    b = slab(celldisp=[0.0, 0.0, -37.0])
    t = sei_thickness(b, intact_ps4_mask(b))
    assert (t["lower_A"], t["upper_A"]) == pytest.approx((10.0, 15.0))


def test_thickness_no_leak_is_s_extent_and_no_intact_is_nan():
    atoms = slab()
    del atoms[[i for i, s in enumerate(atoms.get_chemical_symbols()) if s == "Cl"]]
    del atoms[[i for i, a in enumerate(atoms) if a.symbol == "S" and abs(a.z - 30) < 1e-9]]
    t = sei_thickness(atoms, intact_ps4_mask(atoms))
    # furthest anions are the boundary units' own S atoms
    assert t["lower_A"] == pytest.approx(S_DZ)
    assert t["upper_A"] == pytest.approx(S_DZ)
    none = sei_thickness(atoms, np.zeros(3, bool))
    assert all(math.isnan(none[k]) for k in ("lower_A", "upper_A", "mean_A", "boundary_lower_z_A"))


def test_thickness_errors():
    atoms = slab()
    with pytest.raises(ValueError):
        sei_thickness(atoms, np.ones(2, bool))  # 3 P atoms
    tilted = atoms.copy()
    tilted.set_cell([[20, 0, 0], [0, 20, 0], [5, 0, 100]])
    with pytest.raises(ValueError):
        sei_thickness(tilted, np.ones(3, bool))
    tilted.set_cell([[20, 0, 1], [0, 20, 0], [0, 0, 100]])
    with pytest.raises(ValueError):
        sei_thickness(tilted, np.ones(3, bool))


# --------------------------------------------------------------------------- fit


def test_fit_log_time_recovers_parameters():
    rng = np.random.default_rng(0)
    t = np.logspace(-1, 3, 60)
    y = 0.1 + 0.2 * np.log(t) + rng.normal(0, 0.005, t.size)
    f = fit_log_time(np.r_[0.0, t], np.r_[0.0, y])  # t = 0 ignored
    assert f["n"] == 60
    assert abs(f["a"] - 0.1) < 4 * f["a_err"] and f["a_err"] < 0.005
    assert abs(f["b"] - 0.2) < 4 * f["b_err"] and f["b_err"] < 0.002
    assert f["r2"] > 0.99
    exact = fit_log_time([1, 2, 4], 0.1 + 0.2 * np.log([1, 2, 4]))
    assert exact["a"] == pytest.approx(0.1) and exact["b"] == pytest.approx(0.2)
    assert exact["r2"] == pytest.approx(1.0)


def test_fit_log_time_too_few_points():
    with pytest.raises(ValueError):
        fit_log_time([0.0, 1.0, 2.0], [0.0, 0.1, 0.2])  # only two with t > 0
    with pytest.raises(ValueError):
        fit_log_time([1.0, 2.0], [0.1, 0.2])
    with pytest.raises(ValueError):
        fit_log_time([1.0, 2.0, 3.0], [0.1, 0.2])


# --------------------------------------------------------------------------- frame / trajectory / dump


def test_analyse_frame(lpsc_cell):
    r = analyse_frame(slab(), n_formula_units=3)
    assert r["n_intact_ps4"] == 3 and r["alpha"] == 0.0
    assert r["sei_thickness_lower_A"] == pytest.approx(10.0)
    assert r["sei_thickness_upper_A"] == pytest.approx(15.0)
    assert r["sei_thickness_mean_A"] == pytest.approx(12.5)


def test_analyse_trajectory_streams_generator():
    consumed = []

    def frames():
        for k in range(3):
            a = slab()
            if k == 2:  # reduce one PS4: move its S atoms away -> alpha = 8/(8*3)
                a.positions[1:5] += [0.0, 0.0, -8.0] - 2.05 * TET + 3.5 * TET
            consumed.append(k)
            yield a

    df = analyse_trajectory(frames(), (0.0, 1.0, 2.0), n_formula_units=3)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == TRAJECTORY_COLUMNS
    assert len(df) == 3 and consumed == [0, 1, 2]
    assert df["time_ps"].tolist() == [0.0, 1.0, 2.0]
    assert df["n_intact_ps4"].tolist() == [3, 3, 2]
    assert df["alpha"].iloc[2] == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        analyse_trajectory(frames(), [0.0, 1.0], n_formula_units=3)


DUMP_FRAME = """ITEM: TIMESTEP
{step}
ITEM: NUMBER OF ATOMS
4
ITEM: BOX BOUNDS pp pp pp
0.0 10.0
0.0 10.0
-5.0 15.0
ITEM: ATOMS id type {elem}x y z
3 3 {S}5.0 5.0 7.05
1 1 {Li}1.0 1.0 1.0
2 2 {P}5.0 5.0 5.0
4 4 {Cl}2.0 8.0 {zcl}
"""


def _write_dump(path, element=True):
    tokens = ({"elem": "element ", "S": "S ", "Li": "Li ", "P": "P ", "Cl": "Cl "} if element
              else {"elem": "", "S": "", "Li": "", "P": "", "Cl": ""})
    path.write_text("".join(DUMP_FRAME.format(step=s, zcl=z, **tokens)
                            for s, z in ((0, 3.0), (1000, 4.0))))


def test_iter_lammps_dump_element_column(tmp_path):
    p = tmp_path / "traj.lammpstrj"
    _write_dump(p)
    gen = iter_lammps_dump(p)
    first = next(gen)
    assert first.get_chemical_symbols() == ["Li", "P", "S", "Cl"]  # sorted by id
    assert first.info["timestep"] == 0
    assert first.get_celldisp().ravel()[2] == pytest.approx(-5.0)
    assert first.cell[2, 2] == pytest.approx(20.0)
    second = next(gen)
    assert second.info["timestep"] == 1000 and second.positions[3, 2] == pytest.approx(4.0)
    with pytest.raises(StopIteration):
        next(gen)
    # consistent type_map is accepted, inconsistent one rejected
    assert len(list(iter_lammps_dump(p, type_map=["Li", "P", "S", "Cl"]))) == 2
    with pytest.raises(ValueError):
        list(iter_lammps_dump(p, type_map=["Li", "S", "P", "Cl"]))


def test_iter_lammps_dump_type_map(tmp_path):
    p = tmp_path / "notype.lammpstrj"
    _write_dump(p, element=False)
    with pytest.raises(ValueError):
        iter_lammps_dump(p)
    frames = list(iter_lammps_dump(p, type_map=["Li", "P", "S", "Cl"]))
    assert [f.get_chemical_symbols() for f in frames] == [["Li", "P", "S", "Cl"]] * 2
    assert [f.info["timestep"] for f in frames] == [0, 1000]
