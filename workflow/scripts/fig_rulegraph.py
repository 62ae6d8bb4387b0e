"""Rule fig_rulegraph: the pipeline's rule graph (paper 001 Fig. 1 analogue), drawn by
Graphviz dot from snakemake --rulegraph."""

import sys
import tempfile
from pathlib import Path

import yaml

from seiflow.provenance import write_output_provenance
from seiflow.plot.rulegraph import BOOKKEEPING_RULES, draw_rulegraph, rulegraph_dot

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.yaml"
        cfg.write_text(yaml.safe_dump(dict(p.config)))
        dot = rulegraph_dot(snakemake.input.snakefile, cfg, Path.cwd(),  # noqa: F821
                            python=p.snakemake_python)
    edges = draw_rulegraph(dot, snakemake.output.png, snakemake.output.csv,  # noqa: F821
                           p.stage_of_rule)
    rules = set(edges["upstream_rule"]) | set(edges["downstream_rule"])
    print(f"{len(rules)} rules, {len(edges)} edges (without {', '.join(BOOKKEEPING_RULES)}); "
          "drawn with Graphviz dot")
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
