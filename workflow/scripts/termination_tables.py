"""Rule termination_tables: paper 003 Table 2 (terminations; counts per plane next to the
published ones) and the surface part of Table 4 (CSV + image)."""

import json
import sys

from seiflow.provenance import write_output_provenance
from seiflow.builders.terminations import (
    load_published_counts,
    tab2_counts_frame,
    tab2_frame,
    tab4_frame,
)
from seiflow.plot.terminations import render_table

TAB2_SHOWN = ["rank", "miller", "termination", "symmetrisation", "composition",
              "formal_charge_e", "symmetric", "area_A2", "gamma_J_m2", "gamma_eV_nm2"]
TAB4_SHOWN = ["miller", "termination", "formal_charge_e", "balanced", "gamma_eV_nm2",
              "gamma_neutral_eV_nm2"]

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    out = snakemake.output  # noqa: F821
    data = json.loads(open(snakemake.input.records).read())  # noqa: F821
    title = f"gamma_surf ({data['oracle']})"
    render_table(tab2_frame(data["terminations"]), out.tab2_png, out.tab2, TAB2_SHOWN,
                 "Table 2: symmetric Li6PS5Cl terminations, " + title)
    counts = tab2_counts_frame(data["planes"],
                               load_published_counts(snakemake.input.published_counts))  # noqa: F821
    counts.to_csv(out.tab2_counts, index=False)
    print(counts.to_string(index=False))
    render_table(tab4_frame(data["terminations"]), out.tab4_png, out.tab4, TAB4_SHOWN,
                 "Table 4: charged vs charge-balanced, " + title)
    write_output_provenance(snakemake, out.prov)  # noqa: F821
