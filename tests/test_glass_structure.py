"""Li | glass structure analyses (seiflow.analysis.glass_structure; paper 000 Fig. 4 / Figs. S5-S7 CN
profiles, Fig. S4 SSE vs SEI partial RDFs) on hand-built cells."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from ase import Atoms
from ase.build import bulk
from ase.neighborlist import neighbor_list

from seiflow.analysis.coordination import GLASS_CN_CUTOFFS_A
from seiflow.analysis.glass_structure import (
    analyse_glass_structure,
    first_peak,
    fit_window_bounds_frac,
    parse_pair_cutoffs,
    parse_pairs,
    rdf_peaks,
    region_masks,
    window_index,
)

ROOT = Path(__file__).resolve().parents[1]


def _frames(atoms, times):
    for t in times:
        yield atoms.copy(), t


def test_config_cutoffs_are_the_papers_pairs():
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    ana = cfg["glass"]["md_analysis"]
    assert parse_pair_cutoffs(ana["cn_cutoffs_A"]) == GLASS_CN_CUTOFFS_A
    assert ("Li", "Li") in parse_pairs(ana["rdf_pairs"])


@pytest.mark.parametrize("bad", [{"PLi": 2.0}, {"P-Li": 0.0}, {"P-Li": -1}, {"p-li": 2.0}])
def test_bad_cutoffs_raise(bad):
    with pytest.raises(ValueError):
        parse_pair_cutoffs(bad)


def test_window_index_convention():
    assert [window_index(t, 0.1) for t in (0.0, 0.05, 0.1, 0.1000001, 0.2)] == [0, 0, 0, 1, 1]


def test_cn_profile_of_bcc_lattice_matches_ase():
    """bcc Li (a = 3.5 Å): 8 neighbours at 3.03 Å + 6 at 3.5 Å -> CN 14 within the paper's
    Li–Li 4.00 Å; frozen bottom atoms are not centres."""
    atoms = bulk("Li", "bcc", a=3.5, cubic=True).repeat((3, 3, 6))
    atoms.pbc = True
    i, _ = neighbor_list("ij", atoms, 4.0)
    ase_cn = np.bincount(i, minlength=len(atoms))
    assert (ase_cn == 14).all()
    frozen = atoms.positions[:, 2] < 1.0
    res = analyse_glass_structure(
        _frames(atoms, [0.0, 0.1, 0.2]), frozen, cutoffs={("Li", "Li"): 4.0},
        window_ps=0.1, fit_start_ps=0.1, bin_width_A=1.75, sei_bounds_frac=(0.2, 0.6),
        rdf_pairs=[("Li", "Li")], rdf_r_max_A=4.5, rdf_bins=45)
    cn = res["cn"]
    assert set(cn["window"]) == {0, 1}
    filled = cn[cn["n_center"] > 0]
    assert np.allclose(filled["cn"], 14.0)
    # centres per frame = mobile atoms; frozen ones never counted
    w0 = cn[cn["window"] == 0]
    assert w0["n_center"].sum() == (~frozen).sum() * 2  # t = 0 and 0.1 in window 0
    assert res["last"].info["time_ps"] == 0.2
    assert (res["last"].arrays["frozen"] == frozen).all()


def _two_region_slab():
    """Li lattice 3.0 Å (SEI, z 3-15) below a 4.0 Å lattice (SSE, z 19-31), frozen layers at
    z = 0 and z = 35, cell 12 x 12 x 37.5 Å."""
    pos, frozen = [], []
    for z, a, fr in ([(0.0, 3.0, True)] + [(z, 3.0, False) for z in (3, 6, 9, 12, 15)]
                     + [(z, 4.0, False) for z in (19, 23, 27, 31)] + [(35.0, 4.0, True)]):
        n = int(round(12.0 / a))
        for ix in range(n):
            for iy in range(n):
                pos.append((ix * a, iy * a, z))
                frozen.append(fr)
    atoms = Atoms(f"Li{len(pos)}", positions=pos, cell=[12.0, 12.0, 37.5], pbc=True)
    return atoms, np.array(frozen)


def test_region_masks_split_two_region_slab():
    atoms, frozen = _two_region_slab()
    u = atoms.positions[:, 2] / 37.5
    masks, thick = region_masks(u, frozen, 1.5 / 37.5, 17.0 / 37.5)
    assert masks["SEI"].sum() == 5 * 16
    assert masks["SSE"].sum() == 4 * 9
    assert not (masks["SEI"] & frozen).any() and not (masks["SSE"] & frozen).any()
    assert thick["SEI"] == pytest.approx(15.5 / 37.5)
    assert thick["SSE"] == pytest.approx(18.0 / 37.5)  # up to the frozen layer at 35 Å
    empty, _ = region_masks(u, frozen, np.nan, 0.5)
    assert not empty["SEI"].any() and not empty["SSE"].any()


def test_region_rdf_first_peaks_of_two_region_slab():
    atoms, frozen = _two_region_slab()
    res = analyse_glass_structure(
        _frames(atoms, [0.0, 0.1]), frozen, cutoffs={("Li", "Li"): 4.0}, window_ps=0.1,
        fit_start_ps=0.0, bin_width_A=1.0, sei_bounds_frac=(1.5 / 37.5, 17.0 / 37.5),
        rdf_pairs=[("Li", "Li")], rdf_r_max_A=4.5, rdf_bins=45)
    rdf = res["rdf"].assign(composition="toy")
    assert set(rdf["region"]) == {"SEI", "SSE"}
    peaks = rdf_peaks(rdf).set_index("region")
    assert peaks.loc["SEI", "r_peak_A"] == pytest.approx(3.0, abs=0.1)
    assert peaks.loc["SSE", "r_peak_A"] == pytest.approx(4.0, abs=0.1)
    assert peaks.loc["SSE", "paper_r_peak_A"] == 3.5
    assert peaks.loc["SEI", "n_center_frames"] == 2 * 80
    # region normalisation: nothing closer than the lattice spacing
    sei = rdf[(rdf["region"] == "SEI") & (rdf["r_A"] < 2.9)]
    assert (sei["g_r"] == 0).all()


def test_first_peak_ignores_unphysical_short_pairs():
    r = np.arange(0.05, 5.0, 0.1)
    g = np.exp(-((r - 3.0) ** 2) / 0.05)
    g[2] = 50.0  # one overlapping pair in a tiny inner shell
    rp, gp = first_peak(r, g)
    assert rp == pytest.approx(3.0, abs=0.05)
    assert gp == pytest.approx(1.0, abs=0.1)
    assert np.isnan(first_peak(r, np.zeros_like(r))[0])


def test_fit_window_bounds_frac():
    interfaces = pd.DataFrame({"window": [-1, -1, 0], "profile": ["Li_pe"] * 3,
                               "interface": ["SEI|SSE", "Li|SEI", "Li|SEI"],
                               "z0_A": [20.0, 10.0, 5.0]})
    profiles = pd.DataFrame({"window": [-1, -1], "z_A": [5.0, 10.0], "z_frac": [0.125, 0.25]})
    assert fit_window_bounds_frac(interfaces, profiles) == pytest.approx((0.25, 0.5))
    interfaces.loc[0, "z0_A"] = np.nan
    assert np.isnan(fit_window_bounds_frac(interfaces, profiles)[0])
