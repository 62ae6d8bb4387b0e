"""Rule fig_region_rdf: symmetric_cell Fig. 5d (paper 001) / glass Fig. S4 (paper 000):
partial RDFs of the SEI and SSE regions over the last window, with the peak distances of ideal
Li2S, and the P+Cl share of the crystalline anion sites."""

import sys

import numpy as np

from seiflow.analysis.crystallinity import li2s_shell_distances
from seiflow.analysis.runs import read_runs
from seiflow.provenance import write_output_provenance
from seiflow.plot.sei_structure import plot_region_rdf


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    rdf = read_runs(snakemake.input.rdf)  # noqa: F821
    frames = read_runs(snakemake.input.frames)  # noqa: F821
    # replicas/conditions: average g(r) over runs of the first condition (lowest T)
    first_T = rdf["temperature_K"].min()
    sub = rdf[rdf["temperature_K"] == first_T]
    g = sub.groupby(["region", "pair", "r_A"], as_index=False)["g"].mean()
    peaks = li2s_shell_distances(p.li2s_a_A, g["pair"].unique(), g["r_A"].max())
    last = frames[frames["time_ps"] >= frames["time_ps"].max() - p.window_ps]
    occ = last.groupby("temperature_K")[["occupancy_P", "occupancy_Cl",
                                          "n_crystalline_anions"]].mean()
    title = f"{first_T:g} K, last {p.window_ps:g} ps; P+Cl on crystalline anion sites: " + \
        ", ".join(f"{T:g} K {100 * (r.occupancy_P + r.occupancy_Cl):.1f} %"
                  if np.isfinite(r.occupancy_P) else f"{T:g} K no crystalline anion"
                  for T, r in occ.iterrows())
    g["temperature_K"] = first_T
    plot_region_rdf(g, peaks, snakemake.output.png, snakemake.output.csv, title=title)  # noqa: F821
    occ.reset_index().to_csv(snakemake.output.occupancy, index=False)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
