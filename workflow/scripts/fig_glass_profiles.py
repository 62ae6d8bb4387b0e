"""Rule fig_glass_profiles: paper 000 Fig. 2 (density and Li potential-energy profiles along z,
two-step logistic fits -> Li|SEI and SEI|SSE positions and widths) for every composition."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.analysis.glass_md import PUBLISHED_WIDTHS_A, fig2_table
from seiflow.plot.glass_md import plot_fig2
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    profiles = pd.concat([pd.read_csv(f) for f in i.profiles], ignore_index=True)
    fits = pd.concat([pd.read_csv(f) for f in i.interfaces], ignore_index=True)
    plot_fig2(fig2_table(profiles, fits), fits, o.png, o.csv, title=p.title)
    fits["paper_width_A"] = [PUBLISHED_WIDTHS_A.get((c, n)) if prof == "Li_pe" else None
                             for c, n, prof in zip(fits["composition"], fits["interface"],
                                                   fits["profile"])]
    fits["window_kind"] = ["fit window (SEI region, Fig. 6)" if w == -1 else "profile window"
                           for w in fits["window"]]
    Path(o.table).parent.mkdir(parents=True, exist_ok=True)
    fits.to_csv(o.table, index=False)
    print(fits.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
