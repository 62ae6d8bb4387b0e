"""Rule fig_rulegraph: the pipeline's rule graph (paper 001 Fig. 1 analogue)."""

import sys
import tempfile
from pathlib import Path

import yaml

from seiflow.provenance import write_output_provenance
from seiflow.plot.rulegraph import parse_rulegraph, plot_rulegraph, rulegraph_dot

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.yaml"
        cfg.write_text(yaml.safe_dump(dict(snakemake.params.config)))  # noqa: F821
        dot = rulegraph_dot(snakemake.input.snakefile, cfg, Path.cwd())  # noqa: F821
    graph = parse_rulegraph(dot)
    edges = plot_rulegraph(graph, snakemake.output.png, snakemake.output.csv,  # noqa: F821
                           snakemake.params.stage_of_rule)  # noqa: F821
    print(f"{graph.number_of_nodes()} rules, {graph.number_of_edges()} edges")
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
