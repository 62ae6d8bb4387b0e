"""The pipeline's rule graph as a figure (the workflow schematic of paper 001 Fig. 1).

Snakemake writes the rule graph in Graphviz DOT (``snakemake --rulegraph``, :func:`rulegraph_dot`);
:func:`draw_rulegraph` drops the bookkeeping rules from it and lays it out with Graphviz
``dot -Tpng`` (Debian package ``graphviz``), and :func:`parse_rulegraph` reads the same DOT
text into the edge table written next to the figure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import pandas as pd

__all__ = ["parse_rulegraph", "rulegraph_dot", "filter_rulegraph_dot", "rulegraph_edges",
           "render_dot", "draw_rulegraph", "BOOKKEEPING_RULES"]

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


def rulegraph_dot(snakefile: str | Path, configfile: str | Path, workdir: str | Path = ".",
                  python: str | Path | None = None) -> str:
    """Run ``snakemake --rulegraph`` (read-only: ``--nolock``, so it also runs inside a job of
    a running workflow on the same folder) and return its DOT text.

    ``python`` is the interpreter that has snakemake (the driver's, passed by the rule so that
    a job in a conda env without snakemake can still call it); default the current one.
    """
    cmd = [str(python or sys.executable), "-m", "snakemake", "--rulegraph", "--nolock",
           "--quiet", "all", "--snakefile", str(snakefile), "--configfile", str(configfile),
           "--directory", str(workdir)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return res.stdout[res.stdout.index("digraph"):]


#: Bookkeeping rules left out of the schematic (they consume every output).
BOOKKEEPING_RULES = ("all", "provenance", "figure_index", "fig_rulegraph")


def filter_rulegraph_dot(dot: str, exclude: tuple[str, ...] = BOOKKEEPING_RULES) -> str:
    """The DOT text without the nodes labelled ``exclude`` and the edges touching them
    (every other line, snakemake's styling included, unchanged)."""
    dropped = {m.group(1) for line in dot.splitlines()
               if (m := _NODE.match(line)) and m.group(2) in exclude}
    keep = []
    for line in dot.splitlines():
        if (m := _NODE.match(line)) and m.group(1) in dropped:
            continue
        if (m := _EDGE.match(line)) and {m.group(1), m.group(2)} & dropped:
            continue
        keep.append(line)
    return "\n".join(keep) + "\n"


def rulegraph_edges(g: nx.DiGraph, stage_of_rule: Mapping[str, str],
                    exclude: tuple[str, ...] = BOOKKEEPING_RULES) -> pd.DataFrame:
    """Edge table of the rule graph without the ``exclude`` rules.

    Returns
    -------
    pandas.DataFrame
        Columns ``upstream_rule``, ``downstream_rule``, ``layer_upstream`` (topological
        generation of the upstream rule, 0 = no inputs from other rules) and
        ``stage_upstream`` (``stage_of_rule`` of the upstream rule, ``other`` if absent),
        sorted by layer, upstream and downstream rule.
    """
    g = g.subgraph([n for n in g if n not in exclude]).copy()
    layers = {n: i for i, gen in enumerate(nx.topological_generations(g)) for n in gen}
    return pd.DataFrame(
        [{"upstream_rule": a, "downstream_rule": b, "layer_upstream": layers[a],
          "stage_upstream": stage_of_rule.get(a, "other")} for a, b in g.edges],
        columns=["upstream_rule", "downstream_rule", "layer_upstream", "stage_upstream"],
    ).sort_values(["layer_upstream", "upstream_rule", "downstream_rule"], ignore_index=True)


def render_dot(dot: str, png_path, dot_exe: str = "dot") -> str:
    """Lay out and draw DOT text with Graphviz: ``dot -Tpng -o png_path``.

    Returns
    -------
    str
        The Graphviz version line (``dot -V``), for the log.

    Raises
    ------
    FileNotFoundError
        If Graphviz ``dot`` is not on PATH (Debian: ``apt-get install graphviz``).
    subprocess.CalledProcessError
        If ``dot`` rejects the text.
    """
    exe = shutil.which(dot_exe)
    if exe is None:
        raise FileNotFoundError(f"Graphviz {dot_exe!r} not found on PATH: install graphviz "
                                "(Debian: apt-get install graphviz; make setup does)")
    Path(png_path).parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, "-Tpng", "-o", str(png_path)], input=dot, text=True,
                   capture_output=True, check=True)
    return subprocess.run([exe, "-V"], capture_output=True, text=True).stderr.strip()


def draw_rulegraph(dot: str, png_path, csv_path, stage_of_rule: Mapping[str, str],
                   exclude: tuple[str, ...] = BOOKKEEPING_RULES) -> pd.DataFrame:
    """The rule graph figure and its edge list from ``snakemake --rulegraph`` DOT text.

    The bookkeeping rules ``exclude`` (``all``, provenance, the index, this figure) are left
    out of both; the rest of the DOT text goes to Graphviz ``dot -Tpng`` as snakemake wrote
    it (:func:`render_dot`). ``stage_of_rule`` maps each rule to its stage (the rule file it
    is defined in, e.g. ``training``) for the ``stage_upstream`` column.

    Returns the edge table (:func:`rulegraph_edges`) written to ``csv_path``.

    Raises
    ------
    ValueError
        If the DOT text has no rules, an undeclared node or a cycle (:func:`parse_rulegraph`).
    FileNotFoundError
        If Graphviz ``dot`` is missing.
    """
    edges = rulegraph_edges(parse_rulegraph(dot), stage_of_rule, exclude)
    render_dot(filter_rulegraph_dot(dot, exclude), png_path)
    Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
    edges.to_csv(csv_path, index=False)
    return edges
