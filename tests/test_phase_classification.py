"""Tests of seiflow.analysis.phase_classification (steps a, c) and workflow/scripts/density_peaks.py
(step b, run with the DADApy interpreter through subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ase.build import bulk
from ase.spacegroup import crystal

from seiflow.analysis import phase_classification as PC

ROOT = Path(__file__).resolve().parents[1]
DADAPY_PY = ROOT / ".venv-dadapy" / "bin" / "python"
SCRIPT = ROOT / "workflow" / "scripts" / "density_peaks.py"
needs_dadapy = pytest.mark.skipif(not DADAPY_PY.exists(), reason="no .venv-dadapy interpreter")


def li2s(a=5.71):
    """Antifluorite Li2S: S on 4a, Li on 8c (8 Li per cubic cell)."""
    return crystal(["S", "Li"], basis=[(0, 0, 0), (0.25, 0.25, 0.25)], spacegroup=225,
                   cellpar=[a, a, a, 90, 90, 90])


def rattled(atoms, n, sigma, seed):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        f = atoms.copy()
        f.positions += rng.normal(0.0, sigma, f.positions.shape)
        out.append(f)
    return out


BCC = bulk("Li", "bcc", a=3.44, cubic=True) * (3, 3, 3)  # 54 Li
LI2S = li2s()


def run_dpa(tmp_path, X, *args):
    inp, out = tmp_path / "in.npz", tmp_path / "out.npz"
    np.savez(inp, X=X)
    res = subprocess.run([str(DADAPY_PY), str(SCRIPT), str(inp), str(out), *args],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1]), out


# ----------------------------------------------------------------------------- step (a)
def test_soap_rows_normalised_and_rotation_invariant():
    c = [0, 5, 9]
    x = PC.soap_descriptors(BCC, c, ["Li", "S"])
    assert x.shape == (3, 2 * 6 * (2 * 6 + 1) // 2 * 5) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-5)
    rot = BCC.copy()
    rot.rotate(37, "z", rotate_cell=True)
    rot.rotate(21, "x", rotate_cell=True)
    np.testing.assert_allclose(PC.soap_descriptors(rot, c, ["Li", "S"]), x, atol=1e-4)
    # bcc Li is one environment; Li in Li2S another
    assert np.abs(x - x[0]).max() < 1e-4
    assert np.linalg.norm(PC.soap_descriptors(LI2S, [4], ["Li", "S"])[0] - x[0]) > 0.3
    with pytest.raises(ValueError, match="not in species"):
        PC.soap_descriptors(LI2S, [4], ["Li"])


def test_neighbour_counts_first_shells():
    li_idx = [i for i, s in enumerate(LI2S.get_chemical_symbols()) if s == "Li"][:2]
    np.testing.assert_array_equal(PC.neighbour_counts(LI2S, li_idx, ["Li", "S"], 3.2),
                                  [[6, 4], [6, 4]])  # Li2S: 4 S at 2.47 Å, 6 Li at 2.86 Å
    np.testing.assert_array_equal(PC.neighbour_counts(BCC, [0], ["Li", "S"], 3.2), [[8, 0]])


def test_subsampling_seeded_and_strided():
    md = rattled(BCC, 5, 0.05, 1)
    kw = dict(n_li_per_frame=7, frame_stride=2, n_li_per_reference=3, n_components=4, seed=3)
    a = PC.build_dataset(md, [0.0, 1, 2, 3, 4], {"Li": md[:1]}, ["Li", "S"], **kw)
    b = PC.build_dataset(iter(md), [0.0, 1, 2, 3, 4], {"Li": md[:1]}, ["Li", "S"], **kw)
    np.testing.assert_array_equal(a["atom"], b["atom"])
    is_md = a["source"] == "md"
    assert sorted(set(a["frame"][is_md])) == [0, 2, 4] and is_md.sum() == 21
    assert (a["source"] == "reference:Li").sum() == 3
    np.testing.assert_array_equal(np.unique(a["time_ps"][is_md]), [0.0, 2.0, 4.0])
    assert np.all(np.isnan(a["time_ps"][~is_md]))
    assert a["X"].shape == (24, 4) and a["X"].dtype == np.float32
    assert json.loads(str(a["settings"]))["frame_stride"] == 2


def test_mismatches_raise(tmp_path):
    md = rattled(BCC, 2, 0.05, 1)
    with pytest.raises(ValueError, match="md_time_ps"):
        PC.build_dataset(md, [0.0], {}, ["Li"], n_components=None)
    ds = PC.build_dataset(md, [0.0, 1.0], {}, ["Li"], n_li_per_frame=4, n_components=2)
    bad = dict(ds, frame=ds["frame"][:-1])
    with pytest.raises(ValueError, match="frame has shape"):
        PC.save_dataset(tmp_path / "bad.npz", bad)
    with pytest.raises(ValueError, match="neighbour_counts"):
        PC.validate_dataset(dict(ds, species=np.array(["Li", "S"])))
    np.savez(tmp_path / "cl.npz", cluster=np.zeros(7, int), core=np.ones(7, bool),
             log_den=np.zeros(7), log_den_err=np.zeros(7))
    with pytest.raises(ValueError, match="expected \\(8,\\)"):
        PC.load_clustering(tmp_path / "cl.npz", len(ds["X"]))


# ----------------------------------------------------------------------------- step (c)
def synthetic():
    """Cluster 0: Li2S refs in the core; cluster 1: no refs in the core, LiCl refs in the
    non-core; cluster 2: no refs at all."""
    src = ["md"] * 6 + ["reference:Li2S"] * 3 + ["reference:Li"] + ["md"] * 4 + \
        ["reference:LiCl"] * 2 + ["md"] * 2
    cl = [0] * 10 + [1] * 6 + [2] * 2
    core = [1, 1, 1, 1, 0, 0, 1, 1, 1, 1] + [1, 1, 0, 0, 0, 0] + [1, 0]
    n = len(src)
    counts = np.tile([[4, 4, 0]], (n, 1))
    counts[10:16] = [[6, 0, 1]]
    counts[16:] = [[2, 1, 0]]
    ds = {"X": np.zeros((n, 2), np.float32), "frame": np.array([0, 0, 1, 1, 1, 1] + [0] * 4
                                                               + [0, 0, 1, 1] + [0, 0, 1, 1]),
          "atom": np.arange(n), "source": np.array(src),
          "time_ps": np.where(np.char.startswith(src, "ref"), np.nan,
                              [0.0] * 2 + [2.0] * 4 + [0] * 4 + [0, 0, 2, 2, 0, 0, 2, 2]),
          "neighbour_counts": counts, "species": np.array(["Li", "S", "Cl"]),
          "explained_variance_ratio": np.zeros(0), "settings": np.asarray("{}")}
    clu = {"cluster": np.array(cl), "core": np.array(core, bool), "log_den": np.zeros(n),
           "log_den_err": np.zeros(n)}
    return ds, clu


def test_label_clusters_reference_majority_and_unknown():
    ds, clu = synthetic()
    tab = PC.label_clusters(ds, clu)
    assert list(tab["label"]) == ["Li2S", "unknown_1", "unknown_2"]
    assert list(tab["noncore_label"]) == ["Li2S", "LiCl", "unknown_2"]
    assert tab.loc[0, "purity"] == pytest.approx(0.75) and np.isnan(tab.loc[1, "purity"])
    assert tab.loc[0, "n_core_Li2S"] == 3 and tab.loc[0, "n_core_Li"] == 1
    # mean Li-centred composition of the MD points of the unknown cluster
    assert tab.loc[1, ["mean_n_Li", "mean_n_S", "mean_n_Cl"]].tolist() == [6, 0, 1]
    assert PC.label_clusters(ds, clu, min_reference_points=5).loc[0, "label"] == "unknown_0"


def test_phase_fractions_sum_to_one_and_snapshot_array():
    ds, clu = synthetic()
    pts = PC.point_table(ds, clu, PC.label_clusters(ds, clu))
    assert pts.loc[12, "phase"] == "LiCl" and pts.loc[10, "phase"] == "unknown_1"
    for mode in ("all", "core", "split"):
        fr = PC.phase_fractions(pts, mode)
        cols = [c for c in fr.columns if c not in ("time_ps", "n_points")]
        np.testing.assert_allclose(fr[cols].sum(axis=1), 1.0)
    fr = PC.phase_fractions(pts, "split")
    # frame 1 (t = 2 ps): 4 Li2S (2 core, 2 non-core), 2 LiCl non-core, 2 unknown_2 (1 C, 1 N)
    assert fr.loc[1, "time_ps"] == 2.0 and fr.loc[1, "n_points"] == 8
    assert fr.loc[1, ["Li2S_C", "Li2S_N", "LiCl_N", "unknown_2_C"]].tolist() == \
        [0.25, 0.25, 0.25, 0.125]
    assert PC.phase_fractions(pts, "core").loc[1, "n_points"] == 3
    col = PC.phase_per_atom(pts, 0, n_atoms=20, fill="-")
    assert col.shape == (20,) and col[0] == "Li2S" and col[10] == "unknown_1" and col[19] == "-"
    with pytest.raises(ValueError):
        PC.phase_fractions(pts, "bogus")


# ----------------------------------------------------------------------------- step (b)
@needs_dadapy
def test_density_peaks_cli_two_blobs(tmp_path):
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, (150, 3)), rng.normal(3.5, 1, (150, 3))])
    X = np.concatenate([X, X[:3], X[:2] + 1e-8])  # (near-)duplicates are clustered once
    summary, out = run_dpa(tmp_path, X, "--maxk", "40", "--Z", "1.65", "--seed", "1")
    assert summary["n_clusters"] == 2 and summary["n_unique"] == 300
    assert 2.0 < summary["intrinsic_dim"] < 4.0
    r = PC.load_clustering(out, len(X))
    a, b = r["cluster"][:150], r["cluster"][150:300]
    assert np.mean(a == np.bincount(a).argmax()) > 0.95
    assert np.mean(b == np.bincount(b).argmax()) > 0.95 and np.bincount(a).argmax() != \
        np.bincount(b).argmax()
    assert np.array_equal(r["cluster"][300:], r["cluster"][[0, 1, 2, 0, 1]])
    assert np.array_equal(r["log_den"][300:], r["log_den"][[0, 1, 2, 0, 1]])
    assert 0.5 < r["core"].mean() < 1.0  # points near the saddle are non-core
    # non-core points lie below the highest saddle of their cluster
    for k in range(2):
        sad = np.delete(r["log_den_saddle"][k], k).max()
        assert np.all(r["log_den"][(r["cluster"] == k) & ~r["core"]] < sad)
        assert np.all(r["log_den"][(r["cluster"] == k) & r["core"]] >= sad)


@needs_dadapy
def test_density_peaks_rejects_bad_input(tmp_path):
    np.savez(tmp_path / "in.npz", X=np.zeros((10, 2)))
    res = subprocess.run([str(DADAPY_PY), str(SCRIPT), str(tmp_path / "in.npz"),
                          str(tmp_path / "out.npz")], capture_output=True, text=True, timeout=60)
    assert res.returncode != 0 and "distinct points" in res.stderr


@needs_dadapy
def test_pipeline_recovers_bcc_li_and_li2s(tmp_path):
    md = rattled(BCC, 6, 0.08, 1) + rattled(LI2S * (2, 1, 1), 6, 0.08, 2)
    refs = {"Li": rattled(BCC, 3, 0.08, 3), "Li2S": rattled(LI2S * (2, 1, 1), 3, 0.08, 4)}
    ds = PC.build_dataset(md, np.arange(12) * 0.5, refs, ["Li", "P", "S", "Cl"],
                          n_li_per_frame=16, n_li_per_reference=16, n_components=8, seed=0)
    PC.save_dataset(tmp_path / "ds.npz", ds)
    ds = PC.load_dataset(tmp_path / "ds.npz")
    summary, out = run_dpa(tmp_path, ds["X"], "--maxk", "30", "--Z", "1.65")
    assert summary["n_clusters"] == 2
    cl = PC.load_clustering(out, len(ds["X"]))
    tab = PC.label_clusters(ds, cl)
    assert sorted(tab["label"]) == ["Li", "Li2S"] and np.all(tab["purity"] == 1.0)
    pts = PC.point_table(ds, cl, tab)
    md_pts = pts[pts["source"] == "md"]
    truth = np.where(md_pts["frame"] < 6, "Li", "Li2S")
    assert np.array_equal(md_pts["phase"].to_numpy(), truth)
    fr = PC.phase_fractions(pts, "all")
    assert isinstance(fr, pd.DataFrame) and fr.loc[0, "Li"] == 1.0 and fr.loc[11, "Li2S"] == 1.0
    assert tab.set_index("label").loc["Li2S", "mean_n_S"] == pytest.approx(4.0)
    assert "dadapy" not in sys.modules  # the main-env module never imports dadapy
