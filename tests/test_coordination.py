"""Hand-built / analytic tests of seiflow.analysis.coordination, cross-checked against ASE."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from ase import Atoms
from ase.build import bulk
from ase.geometry.rdf import get_rdf
from ase.neighborlist import neighbor_list

from seiflow.analysis.coordination import (
    CN_PROFILE_COLUMNS,
    GLASS_CN_CUTOFFS_A,
    RDF_COLUMNS,
    TERMINATIONS_CN_CUTOFFS_A,
    PartialRDFAccumulator,
    cn_profile,
    cn_time_series,
    coordination_numbers,
    normalised_formula,
    s8li_crystallinity,
    sei_composition,
    sei_li_mask,
    slab_region_mask,
    slab_volume_A3,
)

A_LI2S = 5.71  # Å


def random_cell(n_li=300, n_s=200, cell=None, seed=0, origin=(0.0, 0.0, 0.0), spill=0.0):
    """Random Li/S positions in a periodic cell; ``spill`` puts atoms outside the box."""
    rng = np.random.default_rng(seed)
    cell = np.diag([14.0, 15.0, 16.0]) if cell is None else np.asarray(cell, float)
    n = n_li + n_s
    frac = rng.uniform(-spill, 1.0 + spill, size=(n, 3))
    pos = frac @ cell + np.asarray(origin)
    syms = ["Li"] * n_li + ["S"] * n_s
    perm = rng.permutation(n)  # no particular atom order
    atoms = Atoms([syms[k] for k in perm], positions=pos[perm], cell=cell, pbc=True)
    atoms.set_celldisp(origin)
    return atoms


def ase_cn(atoms, center, neighbor, cutoff):
    i, j = neighbor_list("ij", atoms, cutoff)
    sym = np.array(atoms.get_chemical_symbols())
    sel = (sym[i] == center) & (sym[j] == neighbor)
    counts = np.bincount(i[sel], minlength=len(atoms))
    return counts[sym == center]


def li2s(rep=(2, 2, 2)):
    """Antifluorite Li2S: S on fcc sites, Li on all 8 tetrahedral sites."""
    atoms = bulk("SLi2", "fluorite", a=A_LI2S, cubic=True).repeat(rep)
    return atoms


# ----------------------------------------------------------------------------- CN
ROTATED_TRICLINIC = np.array([[12.0, 1.0, -0.5], [2.5, 13.0, 1.0], [-1.0, 1.5, 14.0]])


@pytest.mark.parametrize(
    "cell,origin,spill",
    [
        (np.diag([14.0, 15.0, 16.0]), (0.0, 0.0, 0.0), 0.0),
        (np.diag([14.0, 15.0, 16.0]), (-3.2, 5.1, -7.7), 0.05),  # LAMMPS origin, unwrapped
        ([[14.0, 0.0, 0.0], [3.0, 14.0, 0.0], [2.0, -1.5, 15.0]], (1.0, 2.0, 3.0), 0.03),
        (ROTATED_TRICLINIC, (0.5, -0.5, 2.0), 0.03),  # a not along x: freud re-orients
    ],
)
@pytest.mark.parametrize("pair,cut", [(("Li", "S"), 3.4), (("Li", "Li"), 4.0), (("S", "Li"), 3.9)])
def test_cn_matches_ase_neighbor_list(cell, origin, spill, pair, cut):
    atoms = random_cell(cell=cell, origin=origin, spill=spill, seed=3)
    cn = coordination_numbers(atoms, pair[0], pair[1], cut)
    ref = ase_cn(atoms, pair[0], pair[1], cut)
    assert cn.mean() > 1.0  # cutoff larger than the typical spacing
    np.testing.assert_array_equal(cn, ref)


def test_cn_center_mask_and_boundary_pair():
    # Two S facing each other through the periodic z boundary, Li in between.
    cell = np.diag([10.0, 10.0, 20.0])
    atoms = Atoms("SLiS", positions=[[5, 5, 19.5], [5, 5, 20.6], [5, 5, -1.0]], cell=cell, pbc=True)
    # Li at z = 20.6 (outside the box) is 1.1 Å from the S at 19.5 and 1.6 Å from the one at -1.0
    np.testing.assert_array_equal(coordination_numbers(atoms, "S", "Li", 1.3), [1, 0])
    np.testing.assert_array_equal(coordination_numbers(atoms, "S", "Li", 2.0), [1, 1])
    # S–S distance through the boundary is 19.5 -> -1.0 = 20.5 ≡ 0.5 Å; self excluded
    np.testing.assert_array_equal(coordination_numbers(atoms, "S", "S", 1.0), [1, 1])
    np.testing.assert_array_equal(
        coordination_numbers(atoms, "S", "Li", 2.0, center_mask=np.array([False, False, True])), [1]
    )


def test_cn_errors():
    atoms = random_cell(n_li=20, n_s=10)
    with pytest.raises(ValueError, match="half the smallest"):
        coordination_numbers(atoms, "Li", "S", 7.5)
    with pytest.raises(ValueError, match="unknown chemical symbol"):
        coordination_numbers(atoms, "Xx", "S", 3.0)
    with pytest.raises(ValueError, match="no P centre"):
        coordination_numbers(atoms, "P", "S", 3.0)
    with pytest.raises(ValueError, match="positive"):
        coordination_numbers(atoms, "Li", "S", -1.0)
    with pytest.raises(ValueError, match="shape"):
        coordination_numbers(atoms, "Li", "S", 3.0, center_mask=np.ones(3, bool))
    with pytest.raises(ValueError, match="no Li centre"):
        coordination_numbers(atoms, "Li", "S", 3.0, center_mask=np.zeros(len(atoms), bool))
    atoms.pbc = (True, True, False)
    with pytest.raises(ValueError, match="pbc"):
        coordination_numbers(atoms, "Li", "S", 3.0)


def test_paper_cutoff_tables():
    assert GLASS_CN_CUTOFFS_A[("Si", "Li")] == 3.49 and GLASS_CN_CUTOFFS_A[("Li", "Li")] == 4.0
    assert set(TERMINATIONS_CN_CUTOFFS_A) == {("S", "P"), ("S", "Li"), ("P", "Li"), ("Cl", "Li")}


# ----------------------------------------------------------------------------- profiles
def clusters_cell(origin_z=0.0):
    """h = 30 Å: S at z=6 with 4 Li (2 Å, in-plane), S at z=21 with 2 Li."""
    s1, s2 = np.array([7.5, 7.5, 6.0]), np.array([7.5, 7.5, 21.0])
    li = [s1 + d for d in ([2, 0, 0], [-2, 0, 0], [0, 2, 0], [0, -2, 0])]
    li += [s2 + d for d in ([2, 0, 0], [-2, 0, 0])]
    pos = np.vstack([s1, s2, *li]) + [0, 0, origin_z]
    atoms = Atoms("S2Li6", positions=pos, cell=np.diag([15.0, 15.0, 30.0]), pbc=True)
    atoms.set_celldisp((0.0, 0.0, origin_z))
    return atoms


@pytest.mark.parametrize("origin_z", [0.0, -12.3])
def test_cn_profile_bins_and_shift(origin_z):
    atoms = clusters_cell(origin_z)
    df = cn_profile(atoms, {("S", "Li"): 2.5, ("Li", "S"): 2.5}, bin_width_A=5.0, center_frac=0.5)
    assert list(df.columns) == CN_PROFILE_COLUMNS
    sl = df[(df.center == "S") & (df.neighbor == "Li")].set_index("bin")
    assert len(sl) == 6
    np.testing.assert_allclose(sl["z_A"], [2.5, 7.5, 12.5, 17.5, 22.5, 27.5])
    assert sl.loc[1, "mean_cn"] == 4 and sl.loc[4, "mean_cn"] == 2
    assert sl.loc[[1, 4], "n_center"].tolist() == [1, 1]
    assert sl.drop(index=[1, 4])["mean_cn"].isna().all()
    assert (sl.drop(index=[1, 4])["n_center"] == 0).all()
    ls = df[df.center == "Li"].set_index("bin")
    assert ls.loc[1, "n_center"] == 4 and ls.loc[1, "mean_cn"] == 1
    # electrolyte centre at u = 0.25 -> u' = u + 0.25: S at 6 Å -> 13.5 Å, 21 Å -> 28.5 Å
    df2 = cn_profile(atoms, {("S", "Li"): 2.5}, bin_width_A=5.0, center_frac=0.25).set_index("bin")
    assert df2.loc[2, "mean_cn"] == 4 and df2.loc[5, "mean_cn"] == 2
    assert df2["n_center"].sum() == 2


def test_cn_profile_fixed_nbins_npt_and_mask():
    atoms = clusters_cell()
    df = cn_profile(atoms, {("S", "Li"): 2.5}, bin_width_A=99.0, n_bins=3)  # n_bins overrides
    assert len(df) == 3
    np.testing.assert_allclose(df["z_A"], [5.0, 15.0, 25.0])
    assert df["sum_cn"].tolist() == [4, 0, 2]
    big = atoms.copy()
    big.set_cell(np.diag([15.0, 15.0, 36.0]), scale_atoms=True)  # NPT-like affine stretch in z
    df_big = cn_profile(big, {("S", "Li"): 2.5}, bin_width_A=1.0, n_bins=3)
    np.testing.assert_allclose(df_big["z_A"], [6.0, 18.0, 30.0])
    assert df_big["sum_cn"].tolist() == [4, 0, 2]  # same fractional bins
    mask = np.zeros(len(atoms), bool)
    mask[1] = True  # only the S at 21 Å
    dfm = cn_profile(atoms, {("S", "Li"): 2.5}, bin_width_A=10.0, center_mask=mask)
    assert dfm["n_center"].tolist() == [0, 0, 1]


def test_cn_profile_errors():
    atoms = clusters_cell()
    with pytest.raises(ValueError, match="non-empty dict"):
        cn_profile(atoms, {}, 5.0)
    with pytest.raises(ValueError, match="bin_width_A"):
        cn_profile(atoms, {("S", "Li"): 2.5}, 0.0)
    with pytest.raises(ValueError, match="n_bins"):
        cn_profile(atoms, {("S", "Li"): 2.5}, 5.0, n_bins=0)
    tilted = atoms.copy()
    tilted.set_cell([[15, 0, 0], [0, 15, 0], [3, 0, 30]])
    with pytest.raises(ValueError, match="along z"):
        cn_profile(tilted, {("S", "Li"): 2.5}, 5.0)


def test_cn_time_series():
    atoms = clusters_cell()
    out = cn_time_series(atoms, {("S", "Li"): 2.5, ("Cl", "Li"): 3.0, ("Li", "S"): 2.5})
    assert out[("S", "Li")] == pytest.approx(3.0)
    assert out[("Li", "S")] == pytest.approx(1.0)
    assert math.isnan(out[("Cl", "Li")])
    region = np.zeros(len(atoms), bool)
    region[0] = True
    assert cn_time_series(atoms, {("S", "Li"): 2.5}, region)[("S", "Li")] == pytest.approx(4.0)
    # default pairs are those of paper 003 Fig. 9
    assert set(cn_time_series(atoms)) == set(TERMINATIONS_CN_CUTOFFS_A)


# ----------------------------------------------------------------------------- RDF
def test_rdf_ideal_gas_streaming():
    acc = PartialRDFAccumulator([("Li", "Li"), ("Li", "S"), ("S", "Li")], r_max_A=7.0, n_bins=35)
    for seed in range(3):
        acc.update(random_cell(n_li=1200, n_s=800, cell=np.diag([20.0, 21.0, 22.0]), seed=seed))
    df = acc.result()
    assert list(df.columns) == RDF_COLUMNS and acc.n_frames == 3
    for (c, n), g in df.groupby(["center", "neighbor"]):
        far = g[g.r_A > 2.5]
        assert far["g_r"].mean() == pytest.approx(1.0, abs=0.02), (c, n)
        assert np.all(np.abs(far["g_r"] - 1) < 0.12), (c, n)
        # running CN at r_max equals ρ_b 4/3 π r^3
        rho_b = (1200 if n == "Li" else 800) / (20 * 21 * 22)
        assert g["cn_r"].iloc[-1] == pytest.approx(rho_b * 4 / 3 * np.pi * 7.0**3, rel=0.03)


@pytest.mark.parametrize(
    "atoms,r1,n1,r_between",
    [
        (bulk("Cu", "fcc", a=3.6, cubic=True).repeat(4), 3.6 / math.sqrt(2), 12, 3.1),
        (bulk("Fe", "bcc", a=2.87, cubic=True).repeat(5), 2.87 * math.sqrt(3) / 2, 8, 2.7),
    ],
)
def test_rdf_crystal_first_peak(atoms, r1, n1, r_between):
    sym = atoms.get_chemical_symbols()[0]
    acc = PartialRDFAccumulator([(sym, sym)], r_max_A=5.0, n_bins=100)
    acc.update(atoms)
    df = acc.result()
    peak = df.loc[df["g_r"].idxmax(), "r_A"]
    assert abs(peak - r1) <= 0.05 / 2 + 1e-9  # within half a bin
    cn_at = df.loc[(df.r_A - r_between).abs().idxmin(), "cn_r"]
    assert cn_at == pytest.approx(n1)
    # coordination integral of g: 4π ρ ∫ g r^2 dr over the first shell
    rho = (len(atoms) - 1) / atoms.cell.volume
    edges = np.linspace(0, 5.0, 101)
    shell = 4 / 3 * np.pi * np.diff(edges**3)
    first = df.r_A.to_numpy() < r_between
    assert np.sum(rho * df["g_r"].to_numpy()[first] * shell[first]) == pytest.approx(n1)


def test_rdf_matches_ase_get_rdf():
    atoms = random_cell(n_li=400, n_s=300, cell=np.diag([16.0, 17.0, 18.0]), seed=7)
    r_max, nb = 7.5, 30
    acc = PartialRDFAccumulator([("Li", "S"), ("Li", "Li")], r_max_A=r_max, n_bins=nb)
    acc.update(atoms)
    df = acc.result()
    vol = atoms.cell.volume
    edges = np.linspace(0, r_max, nb + 1)
    shell = 4 / 3 * np.pi * np.diff(edges**3)
    for (a, b), n_b_ase, n_b_ours in [(("Li", "S"), 300, 300), (("Li", "Li"), 400, 399)]:
        g_ase, r_ase = get_rdf(atoms, r_max, nb, elements=(a, b))
        g = df[(df.center == a) & (df.neighbor == b)]
        np.testing.assert_allclose(g["r_A"], r_ase)
        counts_ase = g_ase * 400 * n_b_ase / vol * shell
        counts = g["g_r"].to_numpy() * 400 * n_b_ours / vol * shell
        # identical histograms up to single-precision distances at bin edges
        assert np.abs(counts - counts_ase).max() <= 2.01
        assert counts.sum() == pytest.approx(counts_ase.sum(), abs=2.01)


def test_rdf_region_normalisation():
    # Li twice as dense in z < 30 as in z >= 30 (cell 20x20x60); centres in z in [10, 20)
    rng = np.random.default_rng(11)
    n_dense, n_sparse = 2400, 1200
    pos = np.vstack(
        [
            rng.uniform([0, 0, 0], [20, 20, 30], size=(n_dense, 3)),
            rng.uniform([0, 0, 30], [20, 20, 60], size=(n_sparse, 3)),
        ]
    )
    atoms = Atoms(f"Li{n_dense + n_sparse}", positions=pos, cell=np.diag([20.0, 20.0, 60.0]), pbc=True)
    region = slab_region_mask(atoms, 10.0, 20.0, center_frac=0.5)
    vol = slab_volume_A3(atoms, 10.0, 20.0)
    acc_cell = PartialRDFAccumulator([("Li", "Li")], 6.0, 30, normalisation="cell")
    acc_reg = PartialRDFAccumulator([("Li", "Li")], 6.0, 30, normalisation="region")
    acc_cell.update(atoms, region)
    acc_reg.update(atoms, region, region_volume_A3=vol)
    far = slice(15, None)  # r > 3 Å
    g_reg = acc_reg.result()["g_r"].to_numpy()[far].mean()
    g_cell = acc_cell.result()["g_r"].to_numpy()[far].mean()
    assert g_reg == pytest.approx(1.0, abs=0.04)
    assert g_cell == pytest.approx(2400 / 30 / (3600 / 60), abs=0.05)  # ρ_local / ρ_cell = 4/3


def test_rdf_errors():
    atoms = random_cell(n_li=20, n_s=10)
    with pytest.raises(ValueError, match="at least one"):
        PartialRDFAccumulator([], 5.0, 10)
    with pytest.raises(ValueError, match="n_bins"):
        PartialRDFAccumulator([("Li", "S")], 5.0, 0)
    with pytest.raises(ValueError, match="normalisation"):
        PartialRDFAccumulator([("Li", "S")], 5.0, 10, normalisation="local")
    acc = PartialRDFAccumulator([("Li", "S")], 5.0, 10)
    with pytest.raises(ValueError, match="no frame"):
        acc.result()
    with pytest.raises(ValueError, match="selects no atom"):
        acc.update(atoms, np.zeros(len(atoms), bool))
    with pytest.raises(ValueError, match="half the smallest"):
        PartialRDFAccumulator([("Li", "S")], 7.5, 10).update(atoms)
    with pytest.raises(ValueError, match="region_volume_A3"):
        PartialRDFAccumulator([("Li", "S")], 5.0, 10, normalisation="region").update(atoms)
    # a species never present as centre -> NaN, not an error
    acc2 = PartialRDFAccumulator([("Cl", "Li")], 5.0, 10)
    acc2.update(atoms)
    assert acc2.result()["g_r"].isna().all()


# ----------------------------------------------------------------------------- SEI Li, composition
def test_sei_li_mask_hand_built():
    cell = np.diag([30.0, 30.0, 30.0])
    d = 2.5
    blocks = [
        ("Li", [5, 5, 5]), ("S", [5 + d, 5, 5]), ("S", [5 - d, 5, 5]), ("P", [5, 5 + d, 5]),  # 3 -> SEI
        ("Li", [15, 15, 5]), ("S", [15 + d, 15, 5]), ("Cl", [15 - d, 15, 5]),  # 2 -> not
        ("Li", [25, 5, 20]), ("Cl", [25 + d, 5, 20]), ("Cl", [25 - d, 5, 20]), ("S", [25, 5 + d, 20]),
        ("S", [25, 5 - d, 20]),  # 4 -> SEI
        ("Li", [10, 25, 25]),  # isolated -> not
    ]
    atoms = Atoms([s for s, _ in blocks], positions=[p for _, p in blocks], cell=cell, pbc=True)
    mask = sei_li_mask(atoms)
    expected = np.zeros(len(atoms), bool)
    expected[[0, 7]] = True
    np.testing.assert_array_equal(mask, expected)
    # only S counted: none has 3 S
    assert not sei_li_mask(atoms, anions=("S",)).any()
    # tighter cutoff excludes everything; lower threshold includes the 2-anion Li
    assert not sei_li_mask(atoms, cutoff_A=2.4).any()
    assert sei_li_mask(atoms, min_anion_neighbours=2).sum() == 3
    with pytest.raises(ValueError, match="min_anion_neighbours"):
        sei_li_mask(atoms, min_anion_neighbours=0)
    with pytest.raises(ValueError, match="no Li"):
        sei_li_mask(Atoms("S", positions=[[1, 1, 1]], cell=cell, pbc=True))


def test_slab_region_and_composition():
    cell = np.diag([10.0, 20.0, 40.0])
    z = [1.0, 5.0, 9.9, 10.0, 25.0, 39.0]
    atoms = Atoms("LiLiSPSLi", positions=[[1, 1, zz] for zz in z], cell=cell, pbc=True)
    m = slab_region_mask(atoms, 0.0, 10.0, center_frac=0.5)
    np.testing.assert_array_equal(m, [True, True, True, False, False, False])
    # center_frac 0.25: z' = z + 10 (mod 40): 11, 15, 19.9, 20, 35, 9
    m2 = slab_region_mask(atoms, 10.0, 20.0, center_frac=0.25)
    np.testing.assert_array_equal(m2, [True, True, True, False, False, False])
    vol = slab_volume_A3(atoms, 0.0, 10.0)
    assert vol == pytest.approx(10 * 20 * 10)
    comp = sei_composition(atoms, m, vol)
    assert comp["element"].tolist() == ["Li", "S"]
    assert comp["count"].tolist() == [2, 1]
    np.testing.assert_allclose(comp["number_density_A3"], [2 / 2000, 1 / 2000])
    np.testing.assert_allclose(comp["atom_fraction"], [2 / 3, 1 / 3])
    comp2 = sei_composition(atoms, m, vol, elements=["Li", "Si", "P", "S"]).set_index("element")
    assert comp2.loc["Si", "count"] == 0 and comp2.loc["P", "number_density_A3"] == 0
    with pytest.raises(ValueError, match="z_lo_A < z_hi_A"):
        slab_region_mask(atoms, 10.0, 5.0)
    with pytest.raises(ValueError, match="z_lo_A < z_hi_A"):
        slab_volume_A3(atoms, 0.0, 41.0)
    with pytest.raises(ValueError, match="selects no atom"):
        sei_composition(atoms, np.zeros(len(atoms), bool), vol)
    with pytest.raises(ValueError, match="volume_A3"):
        sei_composition(atoms, m, 0.0)


def test_normalised_formula():
    f = normalised_formula({"Li": 200, "S": 72, "P": 14, "Cl": 14})  # Li2S0.72P0.14Cl0.14
    assert f["x"] == pytest.approx(0.14) and f["y"] == pytest.approx(0.14)
    assert f["s"] == pytest.approx(0.72) and f["li_per_anion"] == pytest.approx(2.0)
    df = pd.DataFrame({"element": ["Li", "S", "P"], "count": [9, 3, 1]})
    g = normalised_formula(df)
    assert g["x"] == pytest.approx(0.25) and g["y"] == 0.0 and g["li_per_anion"] == pytest.approx(2.25)
    with pytest.raises(ValueError, match="no S, P or Cl"):
        normalised_formula({"Li": 5})
    with pytest.raises(ValueError, match="non-negative"):
        normalised_formula({"S": -1})


# ----------------------------------------------------------------------------- S-8-Li
def test_li2s_structure_is_antifluorite():
    atoms = li2s()
    cn_s = coordination_numbers(atoms, "S", "Li", 3.0)
    cn_li = coordination_numbers(atoms, "Li", "S", 3.0)
    assert (cn_s == 8).all() and (cn_li == 4).all()
    i, j, d = neighbor_list("ijd", atoms, 3.0)
    s_li = (atoms.numbers[i] == 16) & (atoms.numbers[j] == 3)
    np.testing.assert_allclose(d[s_li], A_LI2S * math.sqrt(3) / 4, atol=1e-9)  # S–Li = a√3/4
    li_li = (atoms.numbers[i] == 3) & (atoms.numbers[j] == 3)
    np.testing.assert_allclose(d[li_li], A_LI2S / 2, atol=1e-9)  # simple-cubic Li sublattice
    assert not ((atoms.numbers[i] == 16) & (atoms.numbers[j] == 16)).any()  # S–S = a/√2


def test_s8li_crystallinity():
    atoms = li2s()  # 32 S, 64 Li
    assert s8li_crystallinity(atoms) == 1.0
    assert s8li_crystallinity(atoms, cutoff_A=4.5) == 1.0  # next Li shell at 4.73 Å
    li = np.flatnonzero(atoms.numbers == 3)
    one_vac = atoms.copy()
    del one_vac[int(li[5])]
    assert s8li_crystallinity(one_vac) == pytest.approx(28 / 32)  # 4 S lose a Li
    assert s8li_crystallinity(atoms, cutoff_A=2.3) == 0.0
    s = np.flatnonzero(one_vac.numbers == 16)
    cn = coordination_numbers(one_vac, "S", "Li", 3.0)
    mask = np.zeros(len(one_vac), bool)
    mask[s[cn == 7]] = True
    assert s8li_crystallinity(one_vac, s_mask=mask) == 0.0
    with pytest.raises(ValueError, match="no S centre"):
        s8li_crystallinity(bulk("Li", "bcc", a=3.5, cubic=True).repeat(3))
