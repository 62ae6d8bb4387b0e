"""Rule terminations_sei_tables: paper 003 Table 5 (times of full decomposition and of
crystallisation) and the SEI composition Li2S(1-x-y)PxCly of the text (numbers.csv)."""

import sys

from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.analysis.sei_tables import composition_numbers, sei_times_table
from seiflow.plot.style import render_table_png
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    sei = condition_labels(read_runs(snakemake.input.sei))  # noqa: F821
    frames = condition_labels(read_runs(snakemake.input.frames))  # noqa: F821
    t5 = sei_times_table(sei, frames, p.threshold)
    t5.to_csv(snakemake.output.tab5, index=False)  # noqa: F821
    render_table_png(t5, snakemake.output.tab5_png, float_format="{:.3g}",  # noqa: F821
                     title="Table 5 analogue: full decomposition and crystallisation times (ps)")
    comp = composition_numbers(frames, p.window_ps)
    comp.to_csv(snakemake.output.numbers, index=False)  # noqa: F821
    print(t5.to_string(), comp.to_string(), sep="\n")
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
