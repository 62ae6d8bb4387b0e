"""Rule decomposition_lattice_match: decomposition_interfaces Table S3, lattice mismatch of
every metal | binary pairing from a coincidence-lattice (ZSL) search (paper 002)."""

import sys

import ase.io
import pandas as pd

from seiflow.plot.style import render_table_png
from seiflow.builders.metal_binary import lattice_match_rows
from seiflow.provenance import write_output_provenance
from seiflow.builders.surfaces import symmetrized_bulk

SHOWN = ["pairing", "mismatch_percent", "strain_u_percent", "strain_v_percent",
         "angle_mismatch_deg", "area_A2", "max_area_A2", "status"]

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    bulks = {ph: symmetrized_bulk(ase.io.read(f, format="extxyz"), ph, p.symprec_A)
             for ph, f in zip(p.phases, snakemake.input.extxyz)}  # noqa: F821
    table = pd.DataFrame(lattice_match_rows(p.pairings, bulks, dict(p.settings)))
    table.to_csv(snakemake.output.csv, index=False)  # noqa: F821
    render_table_png(table, snakemake.output.png, SHOWN, float_format="{:.2f}",  # noqa: F821
                     title=f"Table S3, mismatch = {table['mismatch_definition'].iloc[0]}")
    print(table.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
