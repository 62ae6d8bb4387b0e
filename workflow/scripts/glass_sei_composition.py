"""Rule glass_sei_composition: paper 000 Table 1 (SEI number densities of Li, Si, P, S and
atomic percentages over the fit window, full-reduction reference, published values)."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.analysis.glass_growth import sei_composition_table
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    counts = pd.concat([pd.read_csv(f) for f in i.counts], ignore_index=True)
    tab = sei_composition_table(counts, species=p.species, compositions=p.compositions)
    Path(o.table).parent.mkdir(parents=True, exist_ok=True)
    tab.to_csv(o.table, index=False)
    print(tab.T.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
