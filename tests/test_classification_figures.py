"""Tables and figure of the Li-environment classification (paper 001 Fig. 4) on synthetic point
tables, and the frame selection / cluster table of its rule scripts."""

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from ase import Atoms

from seiflow.analysis.classification_tables import UNSAMPLED_LI, atom_labels, fractions_long
from seiflow.plot.classification import REFERENCE_COLORS, phase_palette, plot_phase_fractions


def points():
    """Two MD frames (t = 0, 2 ps) of 4 Li each and two reference points.
    Frame 0: Li2S core x2, unknown_1 core, unknown_1 non-core; frame 1: Li2S non-core x2,
    Li core, unknown_1 non-core."""
    rows = [(0, 0.0, "md", True, "Li2S"), (0, 0.0, "md", True, "Li2S"),
            (0, 0.0, "md", True, "unknown_1"), (0, 0.0, "md", False, "unknown_1"),
            (1, 2.0, "md", False, "Li2S"), (1, 2.0, "md", False, "Li2S"),
            (1, 2.0, "md", True, "Li"), (1, 2.0, "md", False, "unknown_1"),
            (0, np.nan, "reference:Li2S", True, "Li2S"), (0, np.nan, "reference:Li", True, "Li")]
    df = pd.DataFrame(rows, columns=["frame", "time_ps", "source", "core", "phase"])
    df["atom"] = np.arange(len(df))
    return df


def pick(fr, mode, frame, phase, region):
    sel = fr[(fr["mode"] == mode) & (fr["frame"] == frame) & (fr["phase"] == phase)
             & (fr["region"] == region)]
    assert len(sel) == 1
    return sel["fraction"].iloc[0]


def test_fractions_long_modes_sum_to_one_and_split_regions():
    fr = fractions_long(points())
    assert set(fr["mode"]) == {"all", "core", "split"}
    np.testing.assert_allclose(fr.groupby(["mode", "frame"])["fraction"].sum(), 1.0)
    # references are not counted; a phase absent from a frame has fraction 0
    assert pick(fr, "all", 0, "Li2S", "all") == 0.5 and pick(fr, "all", 0, "Li", "all") == 0
    assert pick(fr, "core", 0, "Li2S", "core") == pytest.approx(2 / 3)
    assert pick(fr, "core", 1, "Li", "core") == 1.0
    # split: share of all MD points; "unknown_1_N" -> phase unknown_1, region non-core
    assert pick(fr, "split", 0, "unknown_1", "non-core") == 0.25
    assert pick(fr, "split", 1, "Li2S", "non-core") == 0.5
    assert set(fr.loc[fr["mode"] == "split", "region"]) == {"core", "non-core"}
    assert fr.loc[fr["mode"] == "split", "n_points"].eq(4).all()
    assert fr.loc[(fr["mode"] == "core") & (fr["frame"] == 0), "n_points"].eq(3).all()
    np.testing.assert_array_equal(sorted(set(fr["time_ps"])), [0.0, 2.0])


def test_fractions_long_without_core_md_points_drops_core_mode():
    p = points()
    p.loc[p["source"] == "md", "core"] = False
    fr = fractions_long(p)
    assert set(fr["mode"]) == {"all", "split"}
    assert set(fr.loc[fr["mode"] == "split", "region"]) == {"non-core"}
    with pytest.raises(ValueError, match="phase"):
        fractions_long(p.drop(columns="phase"))


def test_phase_palette_fixed_for_references_distinct_for_unknowns():
    pal = phase_palette(["unknown_3", "Li2S", "unknown_0", "Li2S", "Li"])
    assert pal["Li2S"] == REFERENCE_COLORS["Li2S"] and pal["Li"] == REFERENCE_COLORS["Li"]
    assert set(pal) == {"Li", "Li2S", "unknown_0", "unknown_3"}
    assert pal["unknown_0"] != pal["unknown_3"]
    assert len(set(REFERENCE_COLORS.values())) == len(REFERENCE_COLORS)
    assert phase_palette(["unknown_0", "unknown_3"])["unknown_0"] == pal["unknown_0"]
    assert all(0 <= c <= 1 for rgb in pal.values() for c in rgb)
    many = phase_palette([f"unknown_{k}" for k in range(8)] + list(REFERENCE_COLORS))
    assert len(set(many.values())) == 13


def test_atom_labels_phase_for_sampled_li_element_for_the_rest():
    atoms = Atoms("Li3SP", positions=np.zeros((5, 3)))
    lab = atom_labels(atoms, np.array(["Li2S", "", "unknown_2", "", ""]))
    assert lab.tolist() == ["Li2S", UNSAMPLED_LI, "unknown_2", "S", "P"]
    with pytest.raises(ValueError, match="only Li"):
        atom_labels(atoms, ["", "", "", "Li2S", ""])
    with pytest.raises(ValueError, match="shape"):
        atom_labels(atoms, ["Li2S"])


def test_plot_phase_fractions_writes_png_and_plotted_data(tmp_path):
    fr = fractions_long(points())
    png, csv = tmp_path / "f" / "fig4.png", tmp_path / "f" / "fig4.csv"
    counts = pd.DataFrame({"label": ["Li2S", "S"], "count": [3, 5], "time_ps": 2.0})
    plot_phase_fractions(fr, png, csv, snapshot=np.ones((20, 10, 3)), snapshot_counts=counts,
                         title="run")
    img = mpimg.imread(png)
    assert img.shape[1] > img.shape[0]  # snapshot + fraction panel side by side
    out = pd.read_csv(csv)
    lines = out[out["kind"] == "fraction vs time"]
    split = fr[fr["mode"] == "split"]
    assert len(lines) == len(split)
    assert lines["fraction"].sum() == pytest.approx(split["fraction"].sum())
    assert out.loc[out["kind"] == "snapshot label count", "count"].tolist() == [3, 5]
    plot_phase_fractions(fr, tmp_path / "g.png", tmp_path / "g.csv")  # no snapshot
    assert set(pd.read_csv(tmp_path / "g.csv")["kind"]) == {"fraction vs time"}
    with pytest.raises(ValueError, match="no colour"):
        plot_phase_fractions(fr, tmp_path / "h.png", tmp_path / "h.csv", palette=REFERENCE_COLORS)
    with pytest.raises(ValueError, match="split"):
        plot_phase_fractions(fr[fr["mode"] == "all"], tmp_path / "h.png", tmp_path / "h.csv")


def test_reference_frame_selection():
    from seiflow.analysis.phase_classification import evenly_spaced, n_reference_frames

    # 25 classified MD frames over 5 phases -> 5 frames per reference run, capped by the run
    assert n_reference_frames(25, 5, 41) == 5 and n_reference_frames(26, 5, 41) == 6
    assert n_reference_frames(1000, 5, 41) == 41 and n_reference_frames(1, 5, 41) == 1
    np.testing.assert_array_equal(evenly_spaced(np.arange(10, 51), 5), [10, 20, 30, 40, 50])
    np.testing.assert_array_equal(evenly_spaced([3, 4], 5), [3, 4])
    with pytest.raises(ValueError):
        n_reference_frames(0, 5, 41)
    with pytest.raises(ValueError):
        evenly_spaced([], 3)


def test_cluster_table_adds_peak_density_and_summary():
    from seiflow.analysis.classification_tables import cluster_table

    labels = pd.DataFrame({"label": ["Li2S", "unknown_1"], "n_points": [3, 2]},
                          index=pd.Index([0, 1], name="cluster"))
    cl = {"cluster_centers": np.array([2, 4]), "log_den": np.array([0.0, 1, 5, 2, 3]),
          "intrinsic_dim": np.float64(4.5), "Z": np.float64(1.65)}
    tab = cluster_table(labels, cl, "T400_p1_v1")
    assert tab.columns[:2].tolist() == ["run", "cluster"]
    assert tab["log_den_peak"].tolist() == [5.0, 3.0]
    assert tab["intrinsic_dim"].eq(4.5).all() and tab["run"].eq("T400_p1_v1").all()
