"""Rule fig_glass_growth: paper 000 Fig. 3 / Fig. S2 (SEI thickness vs time with the growth
laws) and Tables S1 (fits, R²) and S2 (predictive test) for every composition."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.analysis.glass_growth import growth_tables, thickness_series
from seiflow.plot.glass_growth import plot_fig3
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    fits = pd.concat([pd.read_csv(f, keep_default_na=False, na_values=[""])
                      for f in i.interfaces], ignore_index=True)
    fits["note"] = fits["note"].astype(object).fillna("")
    series = thickness_series(fits, profile=p.growth["profile"],
                              max_rel_err=p.growth["max_rel_err"])
    tab_s1, tab_s2 = growth_tables(series, p.growth["train_fraction"],
                                   offset=p.growth["offset"])
    plot_fig3(series, tab_s1, o.png, o.csv, title=p.title)
    for tab, path in ((tab_s1, o.tabS1), (tab_s2, o.tabS2)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        tab.to_csv(path, index=False)
    print(series.to_string())
    print(tab_s1.to_string())
    print(tab_s2.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
