"""Rule fig_wulff: decomposition_interfaces Fig. 1, Wulff shapes of every phase (paper 002)."""

import json
import sys
from pathlib import Path

from seiflow.provenance import write_output_provenance
from seiflow.builders.surfaces import wulff_table
from seiflow.plot.surfaces import plot_wulff_shapes

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    reports = {r["phase"]: r for r in
               (json.loads(Path(f).read_text()) for f in snakemake.input)}  # noqa: F821
    plot_wulff_shapes(reports, wulff_table(reports),
                      snakemake.output.png, snakemake.output.csv)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
