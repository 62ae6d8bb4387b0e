"""Rule fig_flux: paper 003 Figs. 12-13 and Table 6: Li flux L→R and R→L through 3 Å membranes
(electrode centre, initial electrolyte surfaces, electrolyte centre)."""

import sys

import numpy as np
import pandas as pd

from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.plot.style import render_table_png
from seiflow.analysis.flux import flux_per_window
from seiflow.provenance import write_output_provenance
from seiflow.plot.sei_structure import plot_flux, plot_time_series


def flux_tables(flux, window_ps):
    """Per-window flux (atoms/nm²/ns) in long form and the run-averaged Table 6 (mean ± SEM
    over windows and replicas)."""
    wins = []
    cols = ["time_ps", "membrane", "membrane_frac", "n_L_to_R", "n_R_to_L", "area_nm2"]
    for run, f in flux.groupby("run", sort=False):
        w = flux_per_window(f[cols], window_ps)
        names = dict(zip(f["membrane"], f["membrane_name"]))
        w["membrane"] = w["membrane"].map(names)
        w["run"], w["condition"] = run, f["condition"].iloc[0]
        wins.append(w.rename(columns={"t_start_ps": "window_start_ps"}))
    w = pd.concat(wins, ignore_index=True)
    long = w.melt(id_vars=["run", "condition", "membrane", "window_start_ps"],
                  value_vars=["flux_L_to_R", "flux_R_to_L"], var_name="direction",
                  value_name="flux_per_nm2_ns")
    long["direction"] = long["direction"].map({"flux_L_to_R": "L->R", "flux_R_to_L": "R->L"})
    tab = (long.groupby(["condition", "membrane", "direction"], sort=False)["flux_per_nm2_ns"]
           .agg(mean="mean", sem=lambda v: v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1
                else np.nan, n_windows="count").reset_index())
    return long, tab


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
    cum = flux.pivot_table(index=["run", "condition", "time_ps"], columns="membrane_name",
                           values=["n_L_to_R", "n_R_to_L"]).reset_index()
    cum.columns = ["_".join(c).strip("_").replace(" ", "_").replace("(", "").replace(")", "")
                   for c in cum.columns]
    qty = {c: f"{'L→R' if 'L_to_R' in c else 'R→L'} {c.split('_', 3)[-1]} (count)"
           for c in cum.columns if c.startswith("n_")}
    plot_time_series(cum, qty, snakemake.output.fig13, snakemake.output.fig13_csv,  # noqa: F821
                     ncols=4)
    print(tab.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
