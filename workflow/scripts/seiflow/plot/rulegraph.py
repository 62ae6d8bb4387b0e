"""The pipeline's rule graph as a figure (the workflow schematic of paper 001 Fig. 1).

Snakemake writes the rule graph in Graphviz DOT (``snakemake --rulegraph``); Graphviz itself is
not required: :func:`parse_rulegraph` reads the DOT text and :func:`plot_rulegraph` lays the
rules out in layers of a topological order (networkx) and draws them with matplotlib.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import pandas as pd

__all__ = ["parse_rulegraph", "rulegraph_dot", "plot_rulegraph", "BOOKKEEPING_RULES"]

_NODE = re.compile(r'^\s*(\d+)\s*\[label\s*=\s*"([^"]+)"')
_EDGE = re.compile(r"^\s*(\d+)\s*->\s*(\d+)")

def parse_rulegraph(dot: str) -> nx.DiGraph:
    """Rule graph from ``snakemake --rulegraph`` DOT text.

    Parameters
    ----------
    dot : str
        DOT source with nodes ``N[label = "rule"]`` and edges ``A -> B`` (A feeds B).

    Returns
    -------
    networkx.DiGraph
        Nodes are rule names; an edge u -> v means v consumes an output of u.

    Raises
    ------
    ValueError
        If the text has no nodes, or an edge names an undeclared node, or the graph has a cycle.
    """
    labels, edges = {}, []
    for line in dot.splitlines():
        if m := _NODE.match(line):
            labels[m.group(1)] = m.group(2)
        elif m := _EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
    if not labels:
        raise ValueError("no rule nodes found in the DOT text")
    g = nx.DiGraph()
    g.add_nodes_from(labels.values())
    for a, b in edges:
        if a not in labels or b not in labels:
            raise ValueError(f"edge {a} -> {b} names an undeclared node")
        g.add_edge(labels[a], labels[b])
    if not nx.is_directed_acyclic_graph(g):
        raise ValueError("rule graph has a cycle")
    return g


def rulegraph_dot(snakefile: str | Path, configfile: str | Path, workdir: str | Path = ".") -> str:
    """Run ``snakemake --rulegraph`` (read-only, ``--nolock``) and return its DOT text."""
    cmd = [sys.executable, "-m", "snakemake", "--rulegraph", "--nolock", "--quiet", "all",
           "--snakefile", str(snakefile), "--configfile", str(configfile),
           "--directory", str(workdir)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return res.stdout[res.stdout.index("digraph"):]


#: Bookkeeping rules left out of the schematic (they consume every output).
BOOKKEEPING_RULES = ("all", "provenance", "figure_index", "fig_rulegraph")


def plot_rulegraph(g: nx.DiGraph, png_path, csv_path, stage_of_rule: Mapping[str, str],
                   exclude: tuple[str, ...] = BOOKKEEPING_RULES) -> pd.DataFrame:
    """Draw the rule graph top (inputs) to bottom (figures) and write its edge list.

    ``stage_of_rule`` maps each rule to its stage (the rule file it is defined in, e.g.
    ``training``), which colours the nodes. Rules named in ``exclude`` (bookkeeping: ``all``, provenance, the index, this figure) are
    left out of the drawing and the CSV.

    Returns the edge table (columns ``upstream_rule``, ``downstream_rule``, ``layer_upstream``,
    ``stage_upstream``) that is written to ``csv_path``.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from seiflow.plot.style import apply_style, save_figure

    apply_style()
    g = g.subgraph([n for n in g if n not in exclude]).copy()
    layers = {n: i for i, gen in enumerate(nx.topological_generations(g)) for n in gen}
    nx.set_node_attributes(g, layers, "layer")
    pos = nx.multipartite_layout(g, subset_key="layer", align="horizontal")
    pos = {n: (p[0], -layers[n]) for n, p in pos.items()}  # sources on top
    stages = sorted({stage_of_rule.get(n, "other") for n in g})
    colours = dict(zip(stages, sns.color_palette("Set2", len(stages))))
    fig, ax = plt.subplots(figsize=(9, 0.75 * (max(layers.values()) + 2)))
    nx.draw_networkx_edges(g, pos, ax=ax, edge_color="0.6", arrows=True, arrowsize=10,
                           node_size=2500)
    for stage in stages:
        nodes = [n for n in g if stage_of_rule.get(n, "other") == stage]
        nx.draw_networkx_labels(
            g.subgraph(nodes), pos, ax=ax, font_size=7,
            bbox={"boxstyle": "round", "fc": colours[stage], "ec": "0.3"})
        ax.plot([], [], "s", color=colours[stage], label=stage)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, title="stage")
    ax.set_axis_off()
    ax.set_title("Rule graph (snakemake --rulegraph): data flow from top to bottom")
    edges = pd.DataFrame(
        [{"upstream_rule": a, "downstream_rule": b, "layer_upstream": layers[a],
          "stage_upstream": stage_of_rule.get(a, "other")} for a, b in g.edges],
        columns=["upstream_rule", "downstream_rule", "layer_upstream", "stage_upstream"],
    ).sort_values(["layer_upstream", "upstream_rule", "downstream_rule"], ignore_index=True)
    save_figure(fig, edges, png_path, csv_path)
    return edges
