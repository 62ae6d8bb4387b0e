"""Tests of seiflow.analysis.crystallinity: PTM, anion-sublattice crystallinity, substitution,
Li vacancies, crystallisation per seed, XRD."""

import numpy as np
import pandas as pd
import pytest
from ase import Atoms
from ase.build import bulk
from ase.geometry import get_distances
from ase.neighborlist import neighbor_list
from ase.spacegroup import crystal

from seiflow.analysis import crystallinity as C

A_LI2S = 5.71
CUKA_A = 1.54184  # pymatgen's "CuKa" (weighted Ka1/Ka2)


def li2s(a=A_LI2S, reps=(2, 2, 2)):
    """Antifluorite Li2S: S on 4a (fcc), Li on 8c (tetrahedral holes)."""
    cell = crystal(["S", "Li"], basis=[(0, 0, 0), (0.25, 0.25, 0.25)], spacegroup=225,
                   cellpar=[a, a, a, 90, 90, 90])
    return cell * reps


def rattle(atoms, sigma, seed):
    out = atoms.copy()
    out.positions += np.random.default_rng(seed).normal(0.0, sigma, out.positions.shape)
    return out


def random_cell(template, seed, d_min=0.0):
    """Same composition and cell as template, random positions (min distance d_min, Å)."""
    rng = np.random.default_rng(seed)
    cell = template.cell.array
    pos = []
    while len(pos) < len(template):
        p = rng.uniform(0, 1, 3) @ cell
        if pos and d_min > 0:
            _, d = get_distances(p, np.array(pos), cell=cell, pbc=True)
            if d.min() < d_min:
                continue
        pos.append(p)
    return Atoms(numbers=template.numbers, positions=np.array(pos), cell=cell, pbc=True)


# ----------------------------------------------------------------------------- PTM
@pytest.mark.parametrize(
    "atoms, expected",
    [
        (bulk("Li", "bcc", a=3.44, cubic=True) * (4, 4, 4), "BCC"),
        (bulk("Cu", "fcc", a=3.61, cubic=True) * (3, 3, 3), "FCC"),
        (bulk("Mg", "hcp", a=3.21, c=5.21) * (4, 4, 3), "HCP"),  # non-orthogonal cell
    ],
)
def test_ptm_perfect_and_thermal(atoms, expected):
    labels = C.ptm_structure_types(atoms)
    assert labels.shape == (len(atoms),)
    assert C.structure_type_fractions(labels)[expected] == 1.0
    noisy = C.structure_type_fractions(C.ptm_structure_types(rattle(atoms, 0.05, seed=1)))
    assert noisy[expected] > 0.9


def test_ptm_uses_only_selected_sublattice_and_wraps_positions():
    li = bulk("Li", "bcc", a=3.44, cubic=True) * (3, 3, 3)
    # S on the octahedral sites (1/2, 1/2, 0) of every cubic cell: part of no bcc Li shell
    a = 3.44
    s_pos = np.array([[i + 0.5, j + 0.5, k] for i in range(3) for j in range(3) for k in range(3)]) * a
    mixed = li + Atoms("S" * len(s_pos), positions=s_pos)
    # box origin away from 0 and raw positions slightly outside the box (LAMMPS dump style)
    mixed.positions += [10.0, -5.0, 2.0]
    mixed.set_celldisp([10.0, -5.0, 2.0])
    mixed.positions[0] -= [0.01, 0.0, 0.0]
    mixed = mixed[np.random.default_rng(0).permutation(len(mixed))]  # arbitrary atom order
    lab = C.ptm_structure_types(mixed, species_mask="Li")
    is_li = mixed.numbers == 3
    assert np.all(lab[is_li] == "BCC")
    assert np.all(lab[~is_li] == "excluded")
    # same with a boolean mask
    assert np.array_equal(C.ptm_structure_types(mixed, species_mask=is_li), lab)
    # without the mask the S atoms break the bcc environments: the deletion matters
    assert np.mean(C.ptm_structure_types(mixed)[is_li] == "BCC") < 0.5
    fr = C.structure_type_fractions(lab)
    assert fr["BCC"] == 1.0 and abs(sum(fr.values()) - 1.0) < 1e-12


def test_ptm_rmsd_cutoff_is_applied():
    noisy = rattle(bulk("Cu", "fcc", a=3.61, cubic=True) * (3, 3, 3), 0.25, seed=2)
    strict = C.ptm_structure_types(noisy, rmsd_cutoff=0.02)
    none = C.ptm_structure_types(noisy, rmsd_cutoff=0.0)  # 0 disables the cutoff
    assert np.mean(strict == "other") > 0.8
    assert np.mean(none == "other") < 0.05
    # FCC only: a perfect bcc lattice is then "other" (templates are switched)
    bcc = bulk("Li", "bcc", a=3.44, cubic=True) * (3, 3, 3)
    assert np.all(C.ptm_structure_types(bcc, types=("FCC",)) == "other")


def test_ptm_errors():
    at = bulk("Li", "bcc", a=3.44, cubic=True) * (2, 2, 2)
    with pytest.raises(ValueError, match="shape"):
        C.ptm_structure_types(at, species_mask=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="no atoms"):
        C.ptm_structure_types(at, species_mask="S")
    with pytest.raises(ValueError, match="unknown PTM"):
        C.ptm_structure_types(at, types=("BCC", "XYZ"))
    with pytest.raises(ValueError, match="rmsd_cutoff"):
        C.ptm_structure_types(at, rmsd_cutoff=-0.1)
    with pytest.raises(ValueError, match="no labelled atoms"):
        C.structure_type_fractions(["excluded", "excluded"])


# ----------------------------------------------------------------------------- anion crystallinity
def test_li2s_anions_all_crystalline_and_random_cell_none():
    at = rattle(li2s(), 0.1, seed=3)
    mask = C.anion_fcc_crystalline_mask(at)
    assert np.array_equal(mask, at.numbers == 16)  # every S, no Li
    assert C.crystalline_share(at, np.ones(len(at), bool)) == 1.0
    amorphous = random_cell(li2s(reps=(2, 2, 3)), seed=4, d_min=1.5)
    assert C.crystalline_share(amorphous, np.ones(len(amorphous), bool)) == 0.0
    assert not C.anion_fcc_crystalline_mask(amorphous, min_fcc_neighbours=0).any()


def test_argyrodite_anion_framework_is_not_crystalline():
    from pymatgen.io.ase import AseAtomsAdaptor

    from seiflow.builders.cells import load_bulk

    s = load_bulk("Li6PS5Cl")
    s.remove_species(["Li"])  # Li (48h, half occupied) plays no role on the anion sublattice
    at = AseAtomsAdaptor.get_atoms(s)
    assert C.crystalline_share(at, np.ones(len(at), bool), min_fcc_neighbours=0) == 0.0


def test_crystalline_share_of_half_crystalline_cell():
    at = li2s(reps=(2, 2, 4))
    lz = at.cell[2, 2]
    top = at.positions[:, 2] >= lz / 2
    # replace the top half by random positions (no two closer than 1.5 Å inside that half)
    half = Atoms(numbers=at.numbers[top], cell=np.diag([at.cell[0, 0], at.cell[1, 1], lz / 2]), pbc=True)
    at.positions[top] = random_cell(half, seed=6, d_min=1.5).positions + [0, 0, lz / 2]
    z = at.positions[:, 2]
    lower_core = (z > 0.15 * lz) & (z < 0.35 * lz)
    upper_core = (z > 0.65 * lz) & (z < 0.85 * lz)
    mask = C.anion_fcc_crystalline_mask(at)
    assert C.crystalline_share(at, lower_core, crystalline_mask=mask) == 1.0
    assert C.crystalline_share(at, upper_core, crystalline_mask=mask) == 0.0
    with pytest.raises(ValueError, match="no anions"):
        C.crystalline_share(at, at.numbers == 3, crystalline_mask=mask)


def test_isolated_fcc_hit_is_removed_by_neighbour_criterion():
    rng = np.random.default_rng(7)
    L = 17.13  # 3 Li2S cells, anion density of Li2S
    centre = np.array([L / 2, L / 2, L / 2])
    shell = np.array([v for v in
                      [(1, 1, 0), (1, -1, 0), (-1, 1, 0), (-1, -1, 0),
                       (1, 0, 1), (1, 0, -1), (-1, 0, 1), (-1, 0, -1),
                       (0, 1, 1), (0, 1, -1), (0, -1, 1), (0, -1, -1)]], float) * A_LI2S / 2
    pos = [centre] + list(centre + shell)
    while len(pos) < 64:
        p = rng.uniform(0, L, 3)
        _, d = get_distances(p, np.array(pos), cell=np.eye(3) * L, pbc=True)
        if d[0, 0] > 5.6 and d.min() > 3.2:
            pos.append(p)
    at = Atoms("S64", positions=pos, cell=np.eye(3) * L, pbc=True)
    plain = C.anion_fcc_crystalline_mask(at, min_fcc_neighbours=0)
    assert plain[0] and plain.sum() == 1  # the one perfect cuboctahedron
    assert not C.anion_fcc_crystalline_mask(at).any()  # default k = 3 drops it


def test_knn_matches_ase_neighbor_list_in_skewed_cell():
    at = rattle(bulk("Mg", "hcp", a=3.21, c=5.21) * (4, 4, 3), 0.1, seed=8)
    at.positions += [3.0, -2.0, 1.0]
    at.set_celldisp([3.0, -2.0, 1.0])
    box, points, _ = C._freud_box_points(at)
    qi, pj = C._knn(box, points, 12)
    i, j, d = neighbor_list("ijd", at, 5.0)
    for atom in (0, 17, 50):
        ase_12 = np.sort(d[i == atom])[:12]
        fr = points[pj[qi == atom]] - points[atom]
        fr_d = np.sort(np.linalg.norm(box.wrap(fr), axis=1))
        assert np.allclose(fr_d, ase_12, atol=1e-4)


# ----------------------------------------------------------------------------- substitution
def test_substitution_occupancy_hand_substituted():
    at = li2s()
    s_idx = np.flatnonzero(at.numbers == 16)
    at.numbers[s_idx[[3, 17]]] = 15  # 2 of 32 S -> P
    mask = C.anion_fcc_crystalline_mask(at)
    assert mask.sum() == 32
    occ = C.substitution_occupancy(at, mask)
    assert occ["P"] == pytest.approx(1 / 16)
    assert occ["Cl"] == 0.0 and occ["S"] == pytest.approx(30 / 32) and occ["n_sites"] == 32
    at.numbers[s_idx[5]] = 17  # one Cl
    occ = C.substitution_occupancy(at, mask)
    assert occ["Cl"] == pytest.approx(1 / 32) and occ["P+Cl"] == pytest.approx(3 / 32)
    with pytest.raises(ValueError, match="non-anion"):
        C.substitution_occupancy(at, np.ones(len(at), bool))
    with pytest.raises(ValueError, match="no sites"):
        C.substitution_occupancy(at, np.zeros(len(at), bool))


# ----------------------------------------------------------------------------- Li vacancies
def test_tetrahedral_sites_of_ideal_li2s_coincide_with_li():
    at = rattle(li2s(), 0.08, seed=9)
    at.positions += [-4.0, 2.0, 7.0]
    at.set_celldisp([-4.0, 2.0, 7.0])
    mask = C.anion_fcc_crystalline_mask(at)
    sites, occ = C.tetrahedral_site_occupancy(at, mask)
    assert sites.shape == (64, 3) and occ.all()  # 2 sites per anion, all filled
    # independent check with ASE: every site within 0.5 Å of a distinct Li (minimum image)
    li = at.positions[at.numbers == 3]
    _, d = get_distances(sites, li, cell=at.cell, pbc=True)
    assert d.min(axis=1).max() < 0.5
    assert len(np.unique(d.argmin(axis=1))) == 64
    assert C.li_vacancy_fraction(at, mask) == 0.0


def test_li_vacancies_counted():
    at = li2s()
    li_idx = np.flatnonzero(at.numbers == 3)
    del at[li_idx[[0, 20, 41]]]
    mask = C.anion_fcc_crystalline_mask(at)
    _, occ = C.tetrahedral_site_occupancy(at, mask)
    assert occ.size == 64 and np.count_nonzero(~occ) == 3
    assert C.li_vacancy_fraction(at, mask) == pytest.approx(3 / 64)


def test_vacancy_cutoff_and_region_restriction():
    at = li2s()
    li0 = np.flatnonzero(at.numbers == 3)[0]
    at.positions[li0] += [0.5, 0.0, 0.0]
    mask = C.anion_fcc_crystalline_mask(at)
    assert C.li_vacancy_fraction(at, mask, cutoff_A=1.2) == 0.0
    assert C.li_vacancy_fraction(at, mask, cutoff_A=0.3) == pytest.approx(1 / 64)
    # sites need four crystalline anions: declaring half of the anions non-crystalline
    # leaves only the tetrahedra fully inside the other half
    s = at.numbers == 16
    half = mask & (at.positions[:, 2] < at.cell[2, 2] / 2 - 0.1)
    sites, _ = C.tetrahedral_site_occupancy(at, half)
    assert 0 < len(sites) < 64
    assert np.all(sites[:, 2] < at.cell[2, 2] / 2)
    one = np.zeros(len(at), bool)
    one[np.flatnonzero(s)[0]] = True  # a single crystalline anion: no complete site
    assert np.isnan(C.li_vacancy_fraction(at, one))
    with pytest.raises(ValueError, match="not anions"):
        C.tetrahedral_site_occupancy(at, ~s)
    with pytest.raises(ValueError, match="cutoff_A"):
        C.li_vacancy_fraction(at, mask, cutoff_A=0.0)


# ----------------------------------------------------------------------------- crystallises
def test_crystallises_per_seed():
    t = np.arange(0, 10.5, 0.5) * 1000.0  # ps
    never = np.full_like(t, 0.1)
    blip = never.copy()
    blip[5] = 0.9  # one frame above: a fluctuation
    sustained = never.copy()
    sustained[8:] = 0.7  # above from 4 ns to 10 ns
    late = never.copy()
    late[-2:] = 0.7  # only the last 0.5 ns
    with_nan = sustained.copy()
    with_nan[12] = np.nan  # a gap splits the run into 2 ns and 4 ns
    out = C.crystallises(np.vstack([never, blip, sustained, late, with_nan]), 0.5, 3000.0, t)
    assert out.tolist() == [False, False, True, False, True]
    assert C.crystallises(blip, 0.5, 0.0, t) is True
    assert C.crystallises(late, 0.5, 500.0, t) is True
    assert C.crystallises(with_nan, 0.5, 4500.0, t) is False
    with pytest.raises(ValueError, match="increasing"):
        C.crystallises(never, 0.5, 1.0, t[::-1])
    with pytest.raises(ValueError, match="time_ps"):
        C.crystallises(never, 0.5, 1.0, t[:-1])


# ----------------------------------------------------------------------------- XRD
def bragg_2theta(a, hkl, lam=CUKA_A):
    d = a / np.sqrt(np.sum(np.square(hkl)))
    return 2 * np.degrees(np.arcsin(lam / (2 * d)))


def test_ideal_li2s_pattern_bragg_angles_and_strain_shift():
    df = C.ideal_li2s_pattern(a_A=A_LI2S)
    assert list(df.columns[:2]) == ["two_theta_deg", "intensity"]
    by_hkl = df.set_index("hkl")["two_theta_deg"]
    for hkl in [(1, 1, 1), (2, 0, 0), (2, 2, 0)]:
        assert by_hkl[str(hkl)] == pytest.approx(bragg_2theta(A_LI2S, hkl), abs=1e-3)
    assert df["intensity"].idxmax() == by_hkl.index.get_loc("(1, 1, 1)")  # (111) strongest
    # 1 % tensile strain moves every peak to lower angle by the Bragg amount
    strained = C.ideal_li2s_pattern(a_A=A_LI2S * 1.01).set_index("hkl")["two_theta_deg"]
    for hkl in [(1, 1, 1), (2, 0, 0), (2, 2, 0)]:
        assert strained[str(hkl)] < by_hkl[str(hkl)]
        assert strained[str(hkl)] == pytest.approx(bragg_2theta(A_LI2S * 1.01, hkl), abs=1e-3)
    assert np.allclose(C.peak_positions(df, 3),
                       sorted(bragg_2theta(A_LI2S, h) for h in [(1, 1, 1), (2, 2, 0), (3, 1, 1)]))


def test_supercell_region_and_profile():
    ideal = C.ideal_li2s_pattern()
    sup = C.xrd_pattern(li2s(reps=(2, 2, 2)))
    assert np.allclose(C.peak_positions(sup, 4), C.peak_positions(ideal, 4), atol=1e-3)
    # a Li2S slab of 4 cells in a 6-cell-high box (region cut from the periodic cell)
    at = li2s(reps=(1, 1, 6))
    region = at.positions[:, 2] < at.cell[2, 2] * 4 / 6 - 0.1
    prof = C.xrd_pattern(at, region_mask=region, fwhm_deg=0.5)
    assert prof.attrs["kind"] == "profile"
    assert prof["intensity"].max() == pytest.approx(100.0)
    peaks = C.peak_positions(prof, 3)
    expect = sorted(bragg_2theta(A_LI2S, h) for h in [(1, 1, 1), (2, 2, 0), (3, 1, 1)])
    assert np.allclose(peaks, expect, atol=0.1)
    # the missing third of the slab changes the pattern (finite-size sidelobes/broadening)
    full = C.xrd_pattern(at, fwhm_deg=0.5)
    assert not np.allclose(np.interp(prof["two_theta_deg"], full["two_theta_deg"], full["intensity"]),
                           prof["intensity"], atol=1.0)
    with pytest.raises(ValueError, match="region_mask"):
        C.xrd_pattern(at, region_mask=np.zeros(len(at), bool))
    with pytest.raises(ValueError, match="two_theta_range"):
        C.xrd_pattern(at, two_theta_range=(80, 10))
    with pytest.raises(ValueError, match="peaks"):
        C.peak_positions(pd.DataFrame({"two_theta_deg": [20.0], "intensity": [1.0]}), 2)
