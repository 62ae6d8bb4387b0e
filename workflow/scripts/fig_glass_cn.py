"""Rule fig_glass_cn: paper 000 Fig. 4 / Figs. S5-S7 (CN profiles along z vs time with the
paper's element-pair cutoffs, fitted Li|SEI and SEI|SSE midpoints overlaid)."""

import sys

import pandas as pd

from seiflow.analysis.glass_structure import fig4_table
from seiflow.plot.glass_structure import plot_fig4
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    cn = pd.concat([pd.read_csv(f) for f in i.cn], ignore_index=True)
    fits = pd.concat([pd.read_csv(f) for f in i.interfaces], ignore_index=True)
    out = plot_fig4(fig4_table(cn), fits, o.png, o.csv, title=p.title)
    print(out.groupby(["composition", "pair"])["cn"].describe().to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
