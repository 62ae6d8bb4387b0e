"""Rule figure_index: render workflow/figure_index.yaml for the configured studies."""

import sys
from pathlib import Path

from seiflow.config.figure_index import index_rows, load_index, render_markdown

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    index = load_index(snakemake.input[0])  # noqa: F821
    rows = index_rows(index, p.studies, p.training_studies)
    Path(snakemake.output[0]).write_text(render_markdown(rows, p.scale))  # noqa: F821
    print(f"{len(rows)} figures/tables indexed")
