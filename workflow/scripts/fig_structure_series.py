"""Rule fig_structure_series: per-frame structure quantities vs time, one line per run
(terminations Fig. 9 CN, Fig. 11a SEI thickness, Fig. 11b S-8-Li crystallinity)."""

import sys

from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.provenance import write_output_provenance
from seiflow.plot.sei_structure import plot_time_series

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    df = condition_labels(read_runs(snakemake.input.runs))  # noqa: F821
    scaled = {}
    for col, (label, factor) in p.quantities.items():
        df[col] = df[col] * factor
        scaled[col] = label
    plot_time_series(df, scaled, snakemake.output.png, snakemake.output.csv,  # noqa: F821
                     title=p.title)
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
