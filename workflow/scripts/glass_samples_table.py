"""Rule glass_samples_table: per-sample checks table and the partial-RDF figure (study glass)."""

import json
import sys

import pandas as pd

from seiflow.builders.glass import samples_table
from seiflow.plot.glass import plot_glass_rdf
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    table = samples_table(json.loads(open(f).read()) for f in inp.summaries)
    table.to_csv(out.table, index=False)
    print(table.to_string())
    rdf = pd.concat([pd.read_csv(f) for f in inp.rdfs], ignore_index=True)
    plot_glass_rdf(rdf, out.png, out.csv,
                   cutoffs_A=snakemake.params.tetrahedral_cutoffs_A)  # noqa: F821
    write_output_provenance(snakemake, out.prov)  # noqa: F821
