"""Rule fig_glass_rdf: paper 000 Fig. S4 (partial RDFs of the SSE vs the SEI region over the
fit window) and the first-peak table (published Li-Li 3.5 A SSE -> 3.0 A SEI)."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.analysis.glass_structure import rdf_peaks
from seiflow.plot.glass_structure import plot_figS4
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    rdf = pd.concat([pd.read_csv(f) for f in i.rdf], ignore_index=True)
    peaks = rdf_peaks(rdf)
    plot_figS4(rdf, peaks, o.png, o.csv, title=p.title)
    Path(o.table).parent.mkdir(parents=True, exist_ok=True)
    peaks.to_csv(o.table, index=False)
    print(peaks.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
