"""Audit comparison, figure index and rule-graph parsing (the reproducibility tooling)."""

import subprocess
import sys

import networkx as nx
import pandas as pd
import pytest
import yaml

from seiflow.audit import Difference, compare_tables, compare_trees
from seiflow.config.figure_index import index_rows, render_markdown, resolve_config_key
from seiflow.plot.rulegraph import parse_rulegraph


def _write(path, df):
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)


@pytest.fixture()
def two_runs(tmp_path):
    ref, new = tmp_path / "ref", tmp_path / "new"
    base = pd.DataFrame({"time_ps": [0.0, 1.0, 2.0], "alpha": [0.0, 0.1, 0.2],
                         "phase": ["a", "b", "c"], "wall_s": [1.0, 2.0, 3.0]})
    for root in (ref, new):
        _write(root / "s" / "tables" / "same.csv", base)
        (root / "provenance.json").write_text("{\"created\": \"%s\"}" % root.name)
    _write(ref / "s" / "tables" / "jitter.csv", base)
    _write(new / "s" / "tables" / "jitter.csv", base.assign(alpha=base.alpha * (1 + 1e-9),
                                                              wall_s=[9.0, 9.0, 9.0]))
    _write(ref / "s" / "tables" / "changed.csv", base)
    _write(new / "s" / "tables" / "changed.csv", base.assign(alpha=[0.0, 0.1, 0.25]))
    _write(ref / "s" / "tables" / "gone.csv", base)
    _write(new / "s" / "tables" / "new.csv", base)
    return ref, new


def test_compare_trees_lists_each_difference_by_file(two_runs):
    diffs, n = compare_trees(*two_runs, rtol=1e-6, atol=1e-12)
    by_file = {d.path: d for d in diffs}
    assert n == 5  # provenance.json is skipped (timestamps by design)
    assert "s/tables/same.csv" not in by_file
    assert by_file["s/tables/jitter.csv"].status == "within_tolerance"  # wall_s ignored
    assert by_file["s/tables/changed.csv"].status == "differs"
    assert "alpha" in by_file["s/tables/changed.csv"].detail
    assert by_file["s/tables/gone.csv"] == Difference("s/tables/gone.csv", "missing",
                                                      "only in the reference run")
    assert by_file["s/tables/new.csv"].status == "extra"


def test_zero_tolerance_flags_last_bit_changes(two_runs):
    diffs, _ = compare_trees(*two_runs, rtol=0.0, atol=0.0)
    assert {d.path: d.status for d in diffs}["s/tables/jitter.csv"] == "differs"


def test_compare_tables_text_shape_and_bad_tolerance():
    a = pd.DataFrame({"x": [1.0], "label": ["LPSC"]})
    assert compare_tables(a, a.assign(label=["Li2S"]), 1e-6, 0) == "label: text values differ"
    assert "shape" in compare_tables(a, pd.concat([a, a]), 1e-6, 0)
    assert "columns" in compare_tables(a, a.rename(columns={"x": "y"}), 1e-6, 0)
    with pytest.raises(ValueError):
        compare_tables(a, a, -1.0, 0.0)
    with pytest.raises(FileNotFoundError):
        compare_trees("/nonexistent/ref", "/nonexistent/new")


def test_audit_cli_exit_status(two_runs, root):
    script = root / "workflow" / "scripts" / "seiflow" / "audit.py"
    ref, new = two_runs
    bad = subprocess.run([sys.executable, str(script), "--compare-only", str(ref), str(new)],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "changed.csv" in bad.stdout
    good = subprocess.run([sys.executable, str(script), "--compare-only", str(ref), str(ref)],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stdout


# --- figure index -----------------------------------------------------------------------------

def _index(root):
    return yaml.safe_load((root / "workflow" / "figure_index.yaml").read_text())


def _entries(index):
    for study, figs in index["studies"].items():
        for fig_id, e in figs.items():
            yield study, fig_id, e
    for shared, figs in index["shared"].items():
        for fig_id, e in figs.items():
            yield shared, fig_id, e
    for fig_id, e in index["models"].items():
        yield "models", fig_id, e


def test_figure_index_names_existing_rules_scripts_captions_and_keys(root, config):
    rules = set()
    for smk in (root / "workflow" / "rules").rglob("*.smk"):
        rules |= {line.split()[1].rstrip(":") for line in smk.read_text().splitlines()
                  if line.startswith("rule ")}
    n = 0
    for study, fig_id, e in _entries(_index(root)):
        where = f"{study}/{fig_id}"
        assert e["rule"] in rules, f"{where}: rule {e['rule']} does not exist"
        assert (root / e["script"]).is_file(), f"{where}: {e['script']} missing"
        if e["caption"]:
            assert (root / e["caption"]).is_file(), f"{where}: caption missing"
        for key in e["config"]:
            for scale in config["scales"]:
                resolve_config_key(config, key, scale)  # raises KeyError when absent
        assert e["outputs"] and all(o.startswith(("figures/", "tables/")) for o in e["outputs"])
        n += 1
    assert n >= 4


def test_figure_outputs_follow_catalogue_layout(root):
    entries = list(_entries(_index(root)))
    outputs_of = {}
    for study, _, e in entries:
        outputs_of.setdefault(study, set()).update(e["outputs"])
    for study, fig_id, e in entries:
        for out in e["outputs"]:
            folder, name = out.split("/")
            if folder == "figures":
                assert name.rsplit(".", 1)[0] == fig_id and name.endswith((".png", ".csv"))
        for png in (o for o in e["outputs"] if o.endswith(".png")):  # its CSV sits beside it
            assert png[:-4] + ".csv" in outputs_of[study], f"{study}/{fig_id}: no CSV for {png}"


def test_resolve_config_key_errors(config):
    assert resolve_config_key(config, "S.md.timestep_fs", "test") == \
        config["scales"]["test"]["md"]["timestep_fs"]
    with pytest.raises(KeyError):
        resolve_config_key(config, "analysis.no_such_cutoff", "test")


def test_render_markdown_rows(root):
    rows = index_rows(_index(root), ["symmetric_cell"], ["symmetric_cell"])
    md = render_markdown(rows, "test")
    assert "| symmetric_cell | fig2d |" in md and "`fig_model_parity`" in md
    assert md.count("\n|") == len(rows) + 2


# --- rule graph -------------------------------------------------------------------------------

DOT = """digraph snakemake_dag {
    graph[bgcolor=white, margin=0];
\t0[label = "all", color = "0.00 0.6 0.85", style="rounded"];
\t1[label = "train_model", color = "0.50 0.6 0.85", style="rounded"];
\t2[label = "collect_dataset", color = "0.33 0.6 0.85", style="rounded"];
\t2 -> 1
\t1 -> 0
}"""


def test_parse_rulegraph():
    g = parse_rulegraph(DOT)
    assert set(g) == {"all", "train_model", "collect_dataset"}
    assert list(nx.topological_sort(g)) == ["collect_dataset", "train_model", "all"]
    with pytest.raises(ValueError, match="no rule nodes"):
        parse_rulegraph("digraph {}")
    with pytest.raises(ValueError, match="undeclared"):
        parse_rulegraph(DOT.replace("1 -> 0", "1 -> 7"))
    with pytest.raises(ValueError, match="cycle"):
        parse_rulegraph(DOT.replace("1 -> 0", "1 -> 2"))


def test_json_compared_up_to_the_run_folder(tmp_path):
    runs = {}
    for name in ("a", "b"):
        res = tmp_path / name / "results" / "test"
        res.mkdir(parents=True)
        root = str((tmp_path / name).resolve())
        (res / "machine.json").write_text(f'{{"remote_root": "{root}/results/test/x", "n": 1}}')
        runs[name] = res
    diffs, n = compare_trees(runs["a"], runs["b"])
    assert n == 1 and [d.status for d in diffs] == ["within_tolerance"]
    (runs["b"] / "machine.json").write_text('{"remote_root": "/elsewhere", "n": 1}')
    assert [d.status for d in compare_trees(runs["a"], runs["b"])[0]] == ["differs"]


def test_timing_fields_are_not_compared(tmp_path):
    """DP-GEN stage wall times (al_report.csv) and LAMMPS speed (stability.json) change from
    run to run: the audit ignores them, and nothing else."""
    import pandas as pd

    from seiflow.audit import compare_tables, compare_trees, is_timing_field

    assert all(map(is_timing_field, ["train_s", "total_s", "atom_steps_per_s", "wall_s"]))
    assert not any(map(is_timing_field, ["D_cm2_s", "energy_meV_per_atom", "time_ps"]))
    ref = pd.DataFrame({"iteration": [0], "share_accurate": [0.5], "train_s": [10.0]})
    new = ref.assign(train_s=[99.0])
    assert compare_tables(ref, new, 0, 0) is None
    assert compare_tables(ref, new.assign(share_accurate=[0.6]), 0, 0)
    for run, speed, drift in (("a", 1.0e5, 0.1), ("b", 2.0e5, 0.1), ("c", 1.0e5, 0.2)):
        d = tmp_path / run / "results" / "test"
        d.mkdir(parents=True)
        (d / "stability.json").write_text(
            f'{{"drift_meV_atom_ps": {drift}, "atom_steps_per_s": {speed}}}')
    base = tmp_path / "a" / "results" / "test"
    assert compare_trees(base, tmp_path / "b" / "results" / "test")[0][0].status == \
        "within_tolerance"
    assert compare_trees(base, tmp_path / "c" / "results" / "test")[0][0].status == "differs"


def test_model_checksums_are_not_compared_but_everything_else_is(tmp_path):
    """run_inputs.json records the sha256 of the TorchScript model (restart guard); those bytes
    carry a random serialization id, so the audit skips that key and compares the rest."""
    import json

    from seiflow.audit import compare_trees

    for run, sha, steps in (("a", "1" * 64, 500), ("b", "2" * 64, 500), ("c", "2" * 64, 600)):
        d = tmp_path / run / "results" / "test" / "md"
        d.mkdir(parents=True)
        (d / "run_inputs.json").write_text(json.dumps({"model_sha256": sha, "npt_steps": steps}))
    res = {run: tmp_path / run / "results" / "test" for run in "abc"}
    diffs, n = compare_trees(res["a"], res["b"])
    assert n == 1 and [d.status for d in diffs] == ["within_tolerance"]
    diffs, _ = compare_trees(res["a"], res["c"])
    assert [d.status for d in diffs] == ["differs"]
