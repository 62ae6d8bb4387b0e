"""Streaming SEI structure analysis (seiflow.analysis.sei_structure) on hand-built cells."""

import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk

from seiflow.analysis.sei_structure import (
    StructureAnalysis,
    StructureSettings,
    analyse_structure_frame,
    centred_frame,
    region_labels,
    snapshot_labels,
)

A_LI2S = 5.71


def _ps4(center):
    d = 2.05 / np.sqrt(3.0)
    tet = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) * d
    return Atoms("PS4", positions=np.vstack([center, center + tet]))


def layered_cell():
    """z: bcc Li metal (0-10 Å) | antifluorite Li2S 'SEI' (10-21.4 Å) | PS4 'SSE' (~30 Å) |
    Li2S 'SEI' (38-49.3 Å) | bcc Li metal (50-61.4 Å); 2x2 Li2S cells in plane (11.42 Å)."""
    L = 2 * A_LI2S
    li2s = bulk("SLi2", "fluorite", a=A_LI2S, cubic=True).repeat((2, 2, 2))
    a_li = L / 3  # bcc Li strained to the Li2S cell (3.81 Å; PTM still finds bcc)
    li = bulk("Li", "bcc", a=a_li, cubic=True).repeat((3, 3, 3))
    # c closes the bcc stacking across the periodic boundary (ABAB planes 50 ... 59.5 Å)
    atoms = Atoms(cell=[L, L, 50.0 + 6 * a_li / 2], pbc=True)
    low = li.copy()
    low.positions[:, 2] += 0.0
    atoms += low[low.positions[:, 2] < 10.0]
    s1 = li2s.copy()
    s1.positions[:, 2] += 10.0 + 0.7
    atoms += s1
    for xy in ([2.0, 2.0], [8.0, 8.0], [2.0, 8.0], [8.0, 2.0]):
        atoms += _ps4(np.array([*xy, 30.0]))
    s2 = li2s.copy()
    s2.positions[:, 2] += 38.6 - 0.7
    atoms += s2
    high = li.copy()
    high.positions[:, 2] += 50.0
    atoms += high[high.positions[:, 2] < 60.0]
    return atoms


def test_centred_frame_wraps_and_moves_the_electrolyte_to_the_middle():
    atoms = Atoms("Li2", positions=[[0.5, 0.5, 12.0], [1.0, 1.0, -1.0]], cell=[5, 5, 20],
                  pbc=True, celldisp=[0.0, 0.0, 2.0])
    c = centred_frame(atoms, center_frac=0.25)
    # u = (z - 2)/20 + 0.25, wrapped
    assert c.positions[:, 2] == pytest.approx([(0.5 + 0.25) * 20, (0.85 + 0.25 - 1) * 20 + 20 * 0])
    assert np.all(c.get_celldisp() == 0)
    with pytest.raises(ValueError, match="stacked along z"):
        centred_frame(Atoms("Li", cell=[[5, 0, 1], [0, 5, 0], [0, 0, 5]], pbc=True))


def test_region_labels_from_thickness_bounds_and_without_intact_ps4():
    atoms = Atoms("LiSPLi", positions=[[0, 0, 1], [0, 0, 8], [0, 0, 15], [0, 0, 28]],
                  cell=[5, 5, 30], pbc=True)
    th = {"boundary_lower_z_A": 12.0, "boundary_upper_z_A": 18.0, "furthest_lower_z_A": 7.0,
          "furthest_upper_z_A": 20.0}
    labels, b = region_labels(atoms, th)
    assert labels.tolist() == ["metal", "SEI", "SSE", "metal"]
    assert b["sse_width_A"] == 6.0 and b["sei_width_lower_A"] == 5.0 and b["sei_width_upper_A"] == 2.0
    nan = float("nan")
    labels, b = region_labels(atoms, {**th, "boundary_lower_z_A": nan, "boundary_upper_z_A": nan})
    assert labels.tolist() == ["metal", "SEI", "SEI", "metal"]  # whole anion span is SEI
    assert b["sse_width_A"] == 0.0 and b["sei_width_lower_A"] == pytest.approx(7.0)


def test_layered_cell_regions_crystallinity_composition_and_li_ptm():
    frame = centred_frame(layered_cell())
    rec, arrays = analyse_structure_frame(frame, StructureSettings(rdf_r_max_A=4.0))
    sym = np.array(frame.get_chemical_symbols())
    region = arrays["region"]
    assert set(region[sym == "P"]) == {"SSE"}
    # every Li2S sulfur is SEI, and the antifluorite anions are PTM-crystalline
    li2s_s = (sym == "S") & (np.abs(frame.positions[:, 2] - 30.0) > 5)
    assert set(region[li2s_s]) == {"SEI"}
    # PTM needs the full 12-anion shell: the two inner of the four S planes of each 2-cell
    # Li2S block are fcc, the surface planes are not
    z = frame.positions[:, 2]
    inner = li2s_s & ((np.abs(z - 13.555) < 0.1) | (np.abs(z - 16.41) < 0.1)
                      | (np.abs(z - 40.755) < 0.1) | (np.abs(z - 43.61) < 0.1))
    assert inner.sum() == 32
    assert arrays["anion_crystalline"][inner].all()
    assert rec["sei_crystalline_share"] == pytest.approx(32 / 64)
    assert rec["occupancy_P"] == 0.0 and rec["occupancy_Cl"] == 0.0
    # SEI composition: pure Li2S -> x = y = 0; the top Li plane of each 2-cell block has only
    # 2 S neighbours (< 3, paper 003 criterion), so 3 of 4 Li planes count: 48 Li / 32 S
    assert rec["sei_x_P"] == 0.0 and rec["sei_y_Cl"] == 0.0
    assert rec["sei_li_per_anion"] == pytest.approx(1.5)
    # number density over the SEI slabs (furthest anion -> SSE boundary incl. the PS4 S)
    area = (2 * A_LI2S) ** 2
    width = rec["sei_width_lower_A"] + rec["sei_width_upper_A"]
    assert rec["sse_lower_A"] == pytest.approx(30.0 - 2.05 / np.sqrt(3.0))
    assert rec["sei_density_S_A3"] == pytest.approx(64 / (area * width))
    # inner (bulk-like) S of Li2S have 8 Li, the PS4 S none; surface planes vary
    from seiflow.analysis.coordination import s8li_crystallinity

    assert s8li_crystallinity(frame, 3.0, s_mask=inner) == 1.0
    assert 32 / 80 <= rec["s8li_share"] <= 64 / 80
    assert rec["li_metal_BCC"] > 0.5  # interface layers next to Li2S are "other"
    assert sum(rec[f"li_metal_{t}"] for t in ("BCC", "HCP", "FCC", "other")) == pytest.approx(1)
    assert rec["cn_P_Li"] == 0.0 and rec["cn_S_P"] == pytest.approx(16 / 80)
    labels = snapshot_labels(frame.copy(), "element")
    assert labels.tolist() == frame.get_chemical_symbols()
    frame.arrays.update({k: np.asarray(v) for k, v in arrays.items()})
    phase = snapshot_labels(frame, "phase")
    assert set(phase[sym == "P"]) == {"electrolyte"}
    assert (phase[inner] == "crystalline").all()
    assert set(snapshot_labels(frame, "li_ptm")[sym != "Li"]) == {"excluded"}
    with pytest.raises(ValueError, match="unknown scheme"):
        snapshot_labels(frame, "colour")


def test_streaming_analysis_windows_flux_and_rdf():
    base = layered_cell()
    s = StructureSettings(rdf_r_max_A=4.0, window_ps=1.0,
                          profile_cn_cutoffs_A={("S", "Li"): 3.0})
    ana = StructureAnalysis(s, t_end_ps=1.5)
    rng = np.random.default_rng(0)
    for k, t in enumerate([0.0, 0.5, 1.0, 1.5]):
        f = base.copy()
        f.positions += rng.normal(0, 0.02, f.positions.shape)
        f.arrays["c_pe"] = -np.ones(len(f))
        ana.update(f, t)
    frames = ana.frames()
    assert frames["time_ps"].tolist() == [0.0, 0.5, 1.0, 1.5] and len(frames.columns) > 30
    prof = ana.profiles()
    assert sorted(prof["window_start_ps"].unique()) == [0.0, 1.0]
    assert (prof.loc[prof["count_per_frame"] > 0, "mean_pe_eV"] == -1).all()
    cn = ana.cn_profiles()
    assert cn["mean_cn"].max() == pytest.approx(8.0, abs=0.5)
    n_bins = cn["bin"].nunique()
    assert cn["z_A"].between(0, base.cell[2, 2]).all()  # mean bin centre over the frames
    assert cn.groupby("window_start_ps")["bin"].nunique().tolist() == [n_bins, n_bins]
    rdf = ana.rdfs()
    assert set(rdf["region"]) == {"SEI", "SSE"}
    sei_lis = rdf[(rdf["region"] == "SEI") & (rdf["pair"] == "Li-S")]
    assert sei_lis.loc[sei_lis["g"].idxmax(), "r_A"] == pytest.approx(A_LI2S * np.sqrt(3) / 4, abs=0.1)
    flux = ana.flux()
    assert set(flux["membrane_name"]) == {"electrode", "interface (lower)", "electrolyte",
                                     "interface (upper)"}
    assert (flux[["n_L_to_R", "n_R_to_L"]] == 0).all().all()  # nothing moves far
