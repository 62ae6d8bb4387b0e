"""Rule fig_flux: paper 003 Figs. 12-13 and Table 6: Li flux L→R and R→L through 3 Å membranes
(electrode centre, initial electrolyte surfaces, electrolyte centre)."""

import sys

from seiflow.analysis.flux import cumulative_crossings, flux_tables
from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.plot.sei_structure import plot_flux, plot_time_series
from seiflow.plot.style import render_table_png
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    flux = condition_labels(read_runs(snakemake.input.flux))  # noqa: F821
    keep = ["run", "condition", "time_ps", "membrane", "membrane_name", "membrane_frac",
            "n_L_to_R", "n_R_to_L", "area_nm2", "cell_height_A"]
    flux = flux[keep]
    long, tab = flux_tables(flux, p.window_ps)
    plot_flux(long, snakemake.output.fig12, snakemake.output.fig12_csv)  # noqa: F821
    tab.to_csv(snakemake.output.tab6, index=False)  # noqa: F821
    render_table_png(tab, snakemake.output.tab6_png, float_format="{:.3g}",  # noqa: F821
                     title=f"Table 6 analogue: Li flux (atoms nm$^{{-2}}$ ns$^{{-1}}$), "
                           f"{p.window_ps:g} ps windows, mean ± SEM")
    cum, qty = cumulative_crossings(flux)
    plot_time_series(cum, qty, snakemake.output.fig13, snakemake.output.fig13_csv,  # noqa: F821
                     ncols=4)
    print(tab.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
