"""Rule decomposition_lattice_match: decomposition_interfaces Table S3, the coherent
coincidence cell (ZSL) of every metal | binary pairing chosen by
``decomposition.interface_cell_choice`` under ``max_interface_atoms`` (paper 002), and the
best-ranked candidate cells of each pairing (tabS3_candidates.csv)."""

import sys

import ase.io
import pandas as pd

from seiflow.plot.style import render_table_png
from seiflow.builders.metal_binary import lattice_match_tables
from seiflow.provenance import write_output_provenance
from seiflow.builders.surfaces import symmetrized_bulk

SHOWN = ["pairing", "mismatch_percent", "strain_u_percent", "strain_v_percent",
         "angle_mismatch_deg", "area_A2", "n_atoms", "mismatch_rank", "status"]

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    bulks = {ph: symmetrized_bulk(ase.io.read(f, format="extxyz"), ph, p.symprec_A)
             for ph, f in zip(p.phases, snakemake.input.extxyz)}  # noqa: F821
    settings = dict(p.settings)
    tables = lattice_match_tables(p.pairings, bulks, settings)
    table = pd.DataFrame(tables["rows"]).astype(
        {k: "Int64" for k in ("n_atoms", "n_metal", "n_binary", "mismatch_rank")})
    table.to_csv(snakemake.output.csv, index=False)  # noqa: F821
    cands = pd.DataFrame(tables["candidates"]).astype(
        {k: "Int64" for k in ("rank", "n_atoms", "n_metal", "n_binary")})
    cands.to_csv(snakemake.output.candidates, index=False)  # noqa: F821
    render_table_png(table, snakemake.output.png, SHOWN, float_format="{:.2f}",  # noqa: F821
                     title=f"Table S3, cell: {settings['interface_cell_choice']} "
                           f"(<= {settings['max_interface_atoms']} atoms, <= "
                           f"{settings['max_area_A2']} Å²); mismatch = "
                           f"{table['mismatch_definition'].iloc[0]}")
    print(table.to_string())
    print(cands.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
