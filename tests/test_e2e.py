"""End-to-end run of the whole chain at scale=test in a fresh copy of the workflow.

Structures -> oracle initial data -> DP-GEN (train, LAMMPS exploration, oracle fp) ->
dp train/freeze/compress/test -> LAMMPS production MD -> SEI analyses -> figures ->
provenance. Runs for real (several minutes on 2 cores); nothing is mocked.
"""

import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run_dir(root, tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e")
    for item in ("Snakefile", "workflow", "config", "envs", "profiles"):
        src = root / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, work / item)
    res = subprocess.run(["snakemake", "--cores", "2", "--config", "scale=test"], cwd=work,
                         capture_output=True, text=True, timeout=1800)
    if res.returncode != 0:
        pytest.fail("workflow failed:\n" + res.stdout[-6000:] + res.stderr[-6000:])
    return work


def test_all_targets_exist_and_nothing_left_to_do(run_dir):
    out = run_dir / "results" / "test"
    for path in [
        "symmetric_cell/figures/fig2d.png", "symmetric_cell/figures/fig2d.csv",
        "two_step/figures/fig2.png", "two_step/figures/fig2.csv",
        "symmetric_cell/figures/model_parity.png", "symmetric_cell/tables/model_rmse.csv",
        "symmetric_cell/tables/al_report.csv", "symmetric_cell/model/compressed_model.pth",
        "provenance.json",
    ]:
        assert (out / path).stat().st_size > 0, path
    res = subprocess.run(["snakemake", "-n", "--cores", "2", "--config", "scale=test"],
                         cwd=run_dir, capture_output=True, text=True)
    assert "Nothing to be done" in res.stdout + res.stderr


def test_sei_time_series_are_sane(run_dir):
    out = run_dir / "results" / "test"
    for study in ("symmetric_cell", "two_step"):
        for csv in (out / study / "analysis").glob("sei_T*.csv"):
            df = pd.read_csv(csv)
            assert len(df) >= 10
            assert df["alpha"].between(0.0, 1.0).all()
            n0 = df["n_intact_ps4"].iloc[0]
            assert n0 > 0 and (df["n_intact_ps4"] <= n0).all()
            assert (df["sei_thickness_mean_A"].dropna() >= 0).all()
            assert np.all(np.diff(df["time_ps"]) > 0)
    fig2 = pd.read_csv(out / "two_step" / "figures" / "fig2.csv")
    assert fig2["alpha"].between(0.0, 1.0).all()
    assert np.isfinite(fig2["alpha_fit"]).all()


def test_model_quality_and_active_learning_report(run_dir):
    out = run_dir / "results" / "test" / "symmetric_cell"
    rmse = pd.read_csv(out / "tables" / "model_rmse.csv").iloc[0]
    assert np.isfinite(rmse["energy_meV_per_atom"]) and rmse["energy_meV_per_atom"] > 0
    assert np.isfinite(rmse["force_meV_per_A"]) and rmse["force_meV_per_A"] > 0
    al = pd.read_csv(out / "tables" / "al_report.csv")
    assert len(al) >= 1
    shares = al[["share_accurate", "share_candidate", "share_failed"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    summary = json.loads((out / "dataset" / "summary.json").read_text())
    assert summary["n_train"] > 0 and summary["n_valid"] > 0


def test_provenance_records_oracle_versions_and_checksums(run_dir):
    prov = json.loads((run_dir / "results" / "test" / "provenance.json").read_text())
    assert prov["reference_calculator"] == "chgnet" and prov["reference_is_dft"] is False
    assert prov["packages"]["deepmd-kit"] == "3.2.0"
    models = prov["sha256"]["models"]
    assert any(k.endswith("compressed_model.pth") for k in models)
    assert all(len(v) == 64 for v in models.values())
    assert prov["config"]["scale"] == "test"


def test_per_output_provenance_and_figure_index(run_dir):
    out = run_dir / "results" / "test"
    for study, fig_id, rule in [("symmetric_cell", "fig2d", "fig_ps4_thickness"),
                                ("two_step", "fig2", "fig_alpha"),
                                ("symmetric_cell", "fig1", "fig_rulegraph"),
                                ("symmetric_cell", "model_parity", "fig_model_parity"),
                                ("symmetric_cell", "al_report", "collect_dataset")]:
        rec = json.loads((out / study / "provenance" / f"{fig_id}.json").read_text())
        assert rec["rule"] == rule and rec["scale"] == "test"
        assert rec["inputs_sha256"] and rec["outputs_sha256"]
        assert all(len(h) == 64 for h in {**rec["inputs_sha256"], **rec["outputs_sha256"]}
                   .values())
        assert rec["git"].keys() == {"commit", "dirty"}
    index = (out / "figure_index.md").read_text()
    for fig_id in ("fig1", "fig2d", "fig2", "model_parity", "al_report"):
        assert f"| {fig_id} |" in index
    edges = pd.read_csv(out / "symmetric_cell" / "figures" / "fig1.csv")
    assert {("train_model", "freeze_model"), ("production_md", "sei_analysis")} <= set(
        zip(edges["upstream_rule"], edges["downstream_rule"]))


def test_snakemake_report_has_every_figure(run_dir):
    res = subprocess.run(["snakemake", "--config", "scale=test", "--report", "report.html"],
                         cwd=run_dir, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    html = (run_dir / "report.html").read_text(errors="replace")
    for name in ("fig1.png", "fig2d.png", "fig2.png", "model_parity.png"):
        assert name in html, name
