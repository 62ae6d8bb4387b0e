"""symmetric_cell Fig. 1: the rule graph drawn by Graphviz dot from snakemake --rulegraph, and
its edge list."""

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
import yaml
from conftest import run_rule_script

from seiflow.plot.rulegraph import (BOOKKEEPING_RULES, draw_rulegraph, filter_rulegraph_dot,
                                    parse_rulegraph, render_dot, rulegraph_dot,
                                    rulegraph_edges)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz dot not installed (make setup installs it)")

DOT = """digraph snakemake_dag {
    graph[bgcolor=white, margin=0];
    node[shape=box, style=rounded, fontname=sans, fontsize=10, penwidth=2];
    edge[penwidth=2, color=grey];
\t0[label = "all", color = "0.00 0.6 0.85", style="rounded"];
\t1[label = "train_model", color = "0.50 0.6 0.85", style="rounded"];
\t2[label = "collect_dataset", color = "0.33 0.6 0.85", style="rounded"];
\t3[label = "provenance", color = "0.10 0.6 0.85", style="rounded"];
\t4[label = "freeze_model", color = "0.20 0.6 0.85", style="rounded"];
\t2 -> 1
\t1 -> 4
\t4 -> 3
\t4 -> 0
\t3 -> 0
}"""
STAGES = {"train_model": "training", "freeze_model": "training",
          "collect_dataset": "active_learning"}


def test_filter_drops_bookkeeping_nodes_and_their_edges():
    text = filter_rulegraph_dot(DOT)
    g = parse_rulegraph(text)
    assert set(g) == {"collect_dataset", "train_model", "freeze_model"}
    assert set(g.edges) == {("collect_dataset", "train_model"), ("train_model", "freeze_model")}
    assert "4 -> 3" not in text and '"all"' not in text
    assert 'node[shape=box' in text  # snakemake's styling kept


def test_edge_table_layers_and_stages():
    edges = rulegraph_edges(parse_rulegraph(DOT), STAGES)
    assert edges.to_dict("records") == [
        {"upstream_rule": "collect_dataset", "downstream_rule": "train_model",
         "layer_upstream": 0, "stage_upstream": "active_learning"},
        {"upstream_rule": "train_model", "downstream_rule": "freeze_model",
         "layer_upstream": 1, "stage_upstream": "training"}]


@needs_dot
def test_draw_uses_graphviz_dot(tmp_path):
    png, csv = tmp_path / "fig1.png", tmp_path / "fig1.csv"
    edges = draw_rulegraph(DOT, png, csv, STAGES)
    # the figure is exactly what dot draws from the filtered DOT text
    direct = subprocess.run(["dot", "-Tpng"], input=filter_rulegraph_dot(DOT).encode(),
                            capture_output=True, check=True).stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.read_bytes() == direct
    pd.testing.assert_frame_equal(pd.read_csv(csv), edges)


def test_render_dot_without_graphviz(tmp_path):
    with pytest.raises(FileNotFoundError, match="install graphviz"):
        render_dot(DOT, tmp_path / "x.png", dot_exe="no-such-dot-binary")


@needs_dot
def test_workflow_rulegraph_figure_and_edges(root, config, tmp_path):
    """The workflow's own rule graph (test scale, read-only --nolock run): the edge table
    holds every edge of the rule graph between non-bookkeeping rules, and dot draws it."""
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({**config, "scale": "test"}))
    dot = rulegraph_dot(root / "Snakefile", cfg, root)
    g = parse_rulegraph(dot)
    edges = draw_rulegraph(dot, tmp_path / "fig1.png", tmp_path / "fig1.csv", {})
    want = {(a, b) for a, b in g.edges
            if a not in BOOKKEEPING_RULES and b not in BOOKKEEPING_RULES}
    got = set(zip(edges["upstream_rule"], edges["downstream_rule"]))
    assert got == want and len(got) == len(edges)
    assert {("train_model", "freeze_model"), ("production_md", "sei_analysis")} <= got
    assert (tmp_path / "fig1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_dot
def test_fig_rulegraph_script(root, config, tmp_path):
    """The rule's script as snakemake runs it (a job of a running workflow: the nested
    snakemake --rulegraph is read-only, --nolock): fig1.png by dot, the edge CSV of the rule
    graph with each upstream rule's stage, the provenance record."""
    nl = pytest.importorskip("snakemake.iocontainers").Namedlist
    config = {**config, "scale": "test"}
    out = tmp_path / "figures"
    smk = type("Smk", (), {})()
    smk.rule, smk.config = "fig_rulegraph", config
    smk.input = nl(fromdict={"snakefile": str(root / "Snakefile"),
                             "index": str(root / "workflow" / "figure_index.yaml")})
    smk.output = nl(fromdict={"png": str(out / "fig1.png"), "csv": str(out / "fig1.csv"),
                              "prov": str(tmp_path / "provenance" / "fig1.json")})
    smk.params = nl(fromdict={"config": config, "snakemake_python": sys.executable,
                              "stage_of_rule": {"train_model": "training"}})
    smk.log = [str(tmp_path / "fig1.log")]
    run_rule_script("fig_rulegraph.py", smk)
    assert (out / "fig1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    edges = pd.read_csv(out / "fig1.csv")
    assert list(edges.columns) == ["upstream_rule", "downstream_rule", "layer_upstream",
                                   "stage_upstream"]
    assert set(edges.loc[edges["upstream_rule"] == "train_model", "stage_upstream"]) == {
        "training"}
    assert "drawn with Graphviz dot" in (tmp_path / "fig1.log").read_text()
    assert json.loads((tmp_path / "provenance" / "fig1.json").read_text())["rule"] == \
        "fig_rulegraph"
