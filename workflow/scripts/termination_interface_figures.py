"""Rule termination_interface_figures: paper 003 Table 3, Table 4 (interfaces), Figs 6 and 7a."""

import json
import sys

import ase.io

from seiflow.plot.style import render_table_png
from seiflow.provenance import write_output_provenance
from seiflow.builders.termination_interfaces import (
    fig6_table,
    rdf_frame,
    tab3_frame,
    tab4_interfaces_frame,
)
from seiflow.plot.termination_interfaces import plot_fig6, plot_fig7a

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    out, p = snakemake.output, snakemake.params  # noqa: F821
    data = json.loads(open(snakemake.input.records).read())  # noqa: F821
    recs = data["interfaces"]
    tab3 = tab3_frame(recs)
    tab3.to_csv(out.tab3, index=False)
    render_table_png(tab3, out.tab3_png)
    tab4_interfaces_frame(recs).to_csv(out.tab4, index=False)
    plot_fig6(fig6_table(recs), out.fig6, out.fig6_csv, data["oracle"])
    frames = ase.io.read(snakemake.input.frames, index=":", format="extxyz")  # noqa: F821
    first = frames[0].info["termination_id"]
    state = "neutral" if any(f.info["state"] == "neutral" for f in frames) else "charged"
    sel = [f for f in frames if f.info["termination_id"] == first and f.info["state"] == state]
    rdf = rdf_frame(sel, p.rdf_r_max_A, p.rdf_bin_A)
    rdf.attrs["title"] = f"paper 003 Fig 7a: {sel[0].info['interface']} {state} ({data['oracle']})"
    plot_fig7a(rdf, out.fig7a, out.fig7a_csv)
    write_output_provenance(snakemake, out.prov)  # noqa: F821
