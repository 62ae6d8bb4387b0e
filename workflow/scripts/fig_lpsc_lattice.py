"""Rule fig_lpsc_lattice: terminations Fig 3 analogue (relaxed lattice of ordered vs
disordered Li6PS5Cl next to the published values) and the rendered tab1."""

import sys

import pandas as pd

from seiflow.builders.bulk import lpsc_lattice_long
from seiflow.plot.bulk import plot_lpsc_lattice
from seiflow.plot.style import render_table_png
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    i, o = snakemake.input, snakemake.output  # noqa: F821
    per_seed, table = pd.read_csv(i.seeds), pd.read_csv(i.tab1, dtype={"n_cells": "Int64"})
    plot_lpsc_lattice(lpsc_lattice_long(per_seed, table), o.png, o.csv)
    render_table_png(table, o.tab1_png, max_text=40)
    write_output_provenance(snakemake, o.prov)  # noqa: F821
