"""Window-averaged MSD of metal Li by PTM class (seiflow.analysis.phase_transport, paper 001 Fig. 2b)
on a hand-built Li | PS4 | Li cell: a bcc block that only vibrates and an hcp block that
drifts in plane at a known velocity, classified by real PTM (OVITO) at every origin."""

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ase import Atoms
from ase.build import bulk
from conftest import run_rule_script

from seiflow.analysis.phase_transport import (
    PHASES,
    check_windows,
    classify_metal_li,
    phase_window_msd,
    window_summary,
)

A = 3.44  # Å, bcc Li; the hcp block uses the same a (PTM is scale-invariant)
ZC = 26.88  # Å, electrolyte centre = half the cell height
V = np.array([0.6, 0.8, 0.0])  # Å/ps, in-plane drift of the hcp block (|v| = 1)
AMP = 0.1  # Å, vibration amplitude of the bcc block
DT = 0.1  # ps between frames


def _ps4(center):
    d = 2.05 / np.sqrt(3.0)
    tet = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) * d
    return Atoms("PS4", positions=np.vstack([center, center + tet]))


def interface_cell():
    """z: bcc Li (3x5x4 cubic cells, 1-11.3 Å) | vacuum | 4 intact PS4 + 2 Li at z = 26.88
    (the 'electrolyte') | vacuum | hcp Li (orthorhombic cell with a along x, c along y,
    sqrt(3) a along z; 32.9-49.8 Å) | 4 Å to the periodic image of the bcc block.
    In plane 3a x 5a; the hcp c/a is 5/3 (ideal 1.633) to fit the cell.
    Returns the cell and the index ranges of the two blocks."""
    lx, ly = 3 * A, 5 * A
    bcc = bulk("Li", "bcc", a=A, cubic=True).repeat((3, 5, 4))
    bcc.positions[:, 2] += 1.0
    hcp = bulk("Li", "hcp", a=A, c=ly / 3, orthorhombic=True).repeat((3, 3, 3))
    hp = hcp.positions[:, [0, 2, 1]]  # (a, c, sqrt3 a) -> (x, y, z)
    hp[:, 2] += ZC + 6.0
    atoms = Atoms(cell=[lx, ly, 2 * ZC], pbc=True)
    atoms += bcc
    atoms += Atoms(f"Li{len(hp)}", positions=hp)
    for xy in ([2.5, 3.0], [7.5, 3.0], [2.5, 11.0], [7.5, 11.0]):
        atoms += _ps4(np.array([*xy, ZC]))
    atoms += Atoms("Li2", positions=[[5.0, 7.0, ZC], [5.0, 15.0, ZC]])  # Li in the SSE
    n_b, n_h = len(bcc), len(hp)
    return atoms, np.arange(n_b), np.arange(n_b, n_b + n_h)


def trajectory(n_frames=41, seed=0, consumed=None):
    """(atoms, t) frames: bcc atoms r0 + AMP sin(wt + phi) per component, hcp atoms r0 + V t,
    everything wrapped into the cell (so the unwrapping is exercised)."""
    base, bcc, hcp = interface_cell()
    rng = np.random.default_rng(seed)
    phi = rng.uniform(0, 2 * np.pi, (bcc.size, 3))
    omega = 2 * np.pi / 0.35
    for k in range(n_frames):
        t = k * DT
        a = base.copy()
        a.positions[bcc] += AMP * np.sin(omega * t + phi)
        a.positions[hcp] += V * t
        a.wrap()
        if consumed is not None:
            consumed.append(k)
        yield a, t


def test_classify_metal_li_ideal_blocks():
    atoms, bcc, hcp = interface_cell()
    lab = classify_metal_li(atoms, ptm_rmsd_cutoff=0.1)
    sym = np.array(atoms.get_chemical_symbols())
    # PTM needs full neighbour shells: the 4 inner of the 8 bcc (001) planes (15 Li each) and
    # the 12 inner of the 18 hcp planes (6 Li each); the surface planes are "other"
    assert set(lab[bcc]) == {"BCC", "other"} and (lab[bcc] == "BCC").sum() == 60
    assert set(lab[hcp]) == {"HCP", "other"} and (lab[hcp] == "HCP").sum() == 72
    assert set(lab[sym != "Li"]) == {"excluded"}
    assert (lab[-2:] == "excluded").all()  # Li inside the electrolyte (SSE) is not metal
    assert "FCC" not in set(lab)
    with pytest.raises(ValueError, match="no P"):
        classify_metal_li(atoms[sym == "Li"])


def test_hcp_drifts_in_plane_bcc_vibrates_fcc_absent():
    origins, window = [0.5, 1.5, 2.5], 1.0
    msd, counts = phase_window_msd(trajectory(), origins, window, ptm_rmsd_cutoff=0.1)
    assert set(msd["phase"]) == set(PHASES) and set(msd["dims"]) == {"xyz", "xy", "z"}
    lag = np.arange(11) * DT

    def curve(phase, dims):
        g = msd[(msd["phase"] == phase) & (msd["dims"] == dims)].sort_values("lag_ps")
        np.testing.assert_allclose(g["lag_ps"], lag, atol=1e-12)
        return g

    # HCP: rigid in-plane drift, MSD_xy = |v|^2 tau^2 exactly, nothing along z
    hcp_xy = curve("HCP", "xy")
    np.testing.assert_allclose(hcp_xy["msd_A2"], (V @ V) * lag**2, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(curve("HCP", "z")["msd_A2"], 0.0, atol=1e-9)
    np.testing.assert_allclose(curve("HCP", "xyz")["msd_A2"], hcp_xy["msd_A2"], atol=1e-9)
    assert (hcp_xy["n_pairs"] == 72 * 3).all() and hcp_xy["present"].all()
    # BCC: bounded vibration, |dr_x|, |dr_y| <= 2 AMP
    bcc_xy, bcc_z = curve("BCC", "xy"), curve("BCC", "z")
    assert bcc_xy["msd_A2"].max() <= 2 * (2 * AMP) ** 2 and bcc_z["msd_A2"].max() <= (2 * AMP) ** 2
    assert bcc_xy["msd_A2"].iloc[-1] < 0.05 * hcp_xy["msd_A2"].iloc[-1]
    assert (bcc_xy["n_pairs"] == 60 * 3).all()
    assert msd.loc[msd["phase"] == "BCC", "msd_A2"].iloc[0] == 0.0  # lag 0
    # FCC: reported as absent, not an error
    fcc = msd[msd["phase"] == "FCC"]
    assert not fcc["present"].any() and fcc["msd_A2"].isna().all() and (fcc["n_pairs"] == 0).all()
    # per-origin counts: the same classes at every origin (rigid drift, small vibration)
    assert list(counts["origin_ps"].unique()) == origins
    by = counts.pivot(index="origin_ps", columns="phase", values="n_atoms")
    assert (by["BCC"] == 60).all() and (by["HCP"] == 72).all() and (by["FCC"] == 0).all()
    assert (by.sum(axis=1) == counts["n_metal"].iloc[0]).all()
    assert counts["n_metal"].iloc[0] == 120 + 108 and counts["n_species"].iloc[0] == 230

    s = window_summary(msd).set_index(["phase", "dims"])
    # slope of tau^2 over the second half of the window [0.5, 1] ps is 1.5 |v|^2 A^2/ps
    assert s.loc[("HCP", "xy"), "D_window_cm2_s"] == pytest.approx(1.5 / 4 * 1e-4, rel=1e-6)
    assert abs(s.loc[("BCC", "xy"), "D_window_cm2_s"]) < 0.05 * s.loc[("HCP", "xy"),
                                                                      "D_window_cm2_s"]
    assert np.isnan(s.loc[("FCC", "xy"), "D_window_cm2_s"])
    assert not s.loc[("FCC", "z"), "present"]


def test_check_windows_errors():
    t = np.arange(41) * DT
    idx, m = check_windows(t, [0.5, 1.5], 1.0)
    assert idx.tolist() == [5, 15] and m == 10
    for origins, window, msg in [
        ([0.55], 1.0, "not frame times"),
        ([-0.1], 1.0, "not frame times"),
        ([3.5], 1.0, "runs past the end"),
        ([0.5], 0.15, "multiple of the frame interval"),
        ([0.5], 0.0, "multiple of the frame interval"),
        ([1.5, 0.5], 1.0, "strictly increasing"),
        ([], 1.0, "non-empty"),
    ]:
        with pytest.raises(ValueError, match=msg):
            check_windows(t, origins, window)
    with pytest.raises(ValueError, match="equal steps"):
        check_windows([0.0, 0.1, 0.3], [0.0], 0.1)


def test_bad_origins_fail_while_streaming():
    consumed = []
    with pytest.raises(ValueError, match="between the frames at 0.5 and 0.6 ps"):
        phase_window_msd(trajectory(consumed=consumed), [0.55], 1.0)
    assert len(consumed) == 7  # stops at the first frame after the missed origin
    with pytest.raises(ValueError, match="runs past the end"):
        phase_window_msd(trajectory(n_frames=20), [0.5, 1.5], 1.0)
    with pytest.raises(ValueError, match="multiple of the frame interval"):
        phase_window_msd(trajectory(n_frames=20), [0.5], 0.25)


# --------------------------------------------------------------------------- rule script
def _write_dump(path, frames, type_map):
    """LAMMPS text dump (id type element x y z) of (atoms, step) frames."""
    with open(path, "w") as fh:
        for atoms, step in frames:
            lo = atoms.get_celldisp().ravel()
            hi = lo + atoms.cell.lengths()
            fh.write(f"ITEM: TIMESTEP\n{step}\nITEM: NUMBER OF ATOMS\n{len(atoms)}\n"
                     "ITEM: BOX BOUNDS pp pp pp\n")
            fh.writelines(f"{a:.10f} {b:.10f}\n" for a, b in zip(lo, hi))
            fh.write("ITEM: ATOMS id type element x y z\n")
            for i, (s, p) in enumerate(zip(atoms.get_chemical_symbols(), atoms.positions)):
                fh.write(f"{i + 1} {type_map.index(s) + 1} {s} {p[0]:.8f} {p[1]:.8f} {p[2]:.8f}\n")


def test_rule_script_on_a_fake_run(tmp_path):
    nl = pytest.importorskip("snakemake.iocontainers").Namedlist
    type_map = ["Li", "P", "S", "Cl"]
    md = {"timestep_fs": 1.0, "nvt_steps": 500, "npt_steps": 2500, "segment_steps": 500,
          "dump_every": 100, "mpi_ranks": 1, "pressure_bar": 1.0}
    run = tmp_path / "md" / "T300_p1_v1"
    run.mkdir(parents=True)
    frames = [(a, int(round(t * 1000))) for a, t in trajectory(n_frames=31)]
    _write_dump(run / "dump.0.lammpstrj", frames[:6], type_map)  # NVT, steps 0-500
    _write_dump(run / "dump.500.lammpstrj", frames[5:], type_map)  # shares step 500
    (run / "md.done").write_text("done\n")
    out = tmp_path / "out"
    smk = type("Smk", (), {})()
    smk.rule = "fig_window_msd"
    smk.input = nl(fromdict={"done": str(run / "md.done")})
    smk.output = nl(fromdict={"png": str(out / "fig2b.png"), "csv": str(out / "fig2b.csv"),
                              "prov": str(out / "fig2b.json")})
    smk.params = nl(fromdict={"run": "T300_p1_v1", "md": md, "type_map": type_map,
                              "origins_ps": [0.5, 1.5], "window_ps": 1.0,
                              "ptm_rmsd_cutoff": 0.1, "ps4_cutoff_A": 2.6})
    smk.config = {"scale": "test", "oracle": "chgnet", "seed": 1}
    smk.log = [str(tmp_path / "fig2b.log")]
    run_rule_script("fig_window_msd.py", smk)

    assert (out / "fig2b.png").stat().st_size > 10_000
    csv = pd.read_csv(out / "fig2b.csv")
    assert set(csv["kind"]) == {"msd", "origin count", "summary"}
    m = csv[(csv["kind"] == "msd") & (csv["phase"] == "HCP") & (csv["dims"] == "xy")]
    np.testing.assert_allclose(m["msd_A2"], m["lag_ps"] ** 2 * (V @ V), rtol=1e-6, atol=1e-6)
    summ = csv[csv["kind"] == "summary"].set_index(["phase", "dims"])
    assert not bool(summ.loc[("FCC", "xy"), "present"])
    prov = json.loads((out / "fig2b.json").read_text())
    assert prov["rule"] == "fig_window_msd" and prov["params"]["window_ps"] == 1.0
    assert set(prov["outputs_sha256"]) == {str(out / "fig2b.png"), str(out / "fig2b.csv")}
    assert "HCP" in Path(smk.log[0]).read_text()


@pytest.mark.parametrize("override, message", [
    ("      origins_ps: [0.23]\n", "scales.test.window_msd: origins_ps [0.23] are not frame times"),
    ("      origins_ps: [1.1]\n", "runs past the end of the run"),
    ("      run: T300_p1_v1\n", "window_msd.run='T300_p1_v1' is not a production run"),
])
def test_dry_run_rejects_bad_window_msd_config(root, tmp_path, override, message):
    """An origin off the dump grid, a window past the end of the run or an unknown run stop
    snakemake while it parses the workflow: no job runs."""
    extra = tmp_path / "bad.yaml"
    extra.write_text("scales:\n  test:\n    window_msd:\n" + override)
    res = subprocess.run(
        ["snakemake", "-n", "--configfile", "config/config.yaml", str(extra),
         "--config", "scale=test"],
        cwd=root, capture_output=True, text=True, timeout=120)
    out = res.stdout + res.stderr
    assert res.returncode != 0 and message in out and "Job stats" not in out, out[-2000:]
