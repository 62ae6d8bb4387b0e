"""Rules fig_arrhenius_lpsc / fig_arrhenius_binaries / fig_hull_msd: Arrhenius fit table of a
bulk-MD series, its Arrhenius figure and CSV (with png in the outputs), its per-run table
(with points) and the MSD / MSCD figure of its runs (with msd_png in the outputs)."""

import json
import sys
from pathlib import Path

import pandas as pd

from seiflow.analysis.transport_series import arrhenius_table, transport_points
from seiflow.plot.transport import plot_arrhenius, plot_msd
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    records = [json.loads(Path(f).read_text()) for f in i.json]
    points, fits = arrhenius_table(transport_points(records, p.quantities), p.extrapolate_T_K)
    if "png" in o.keys():
        plot_arrhenius(points, o.png, o.csv, p.panels, p.title)
    if "points" in o.keys():  # per-run values and their fit columns, without the figure
        points.to_csv(o.points, index=False)
    Path(o.table).parent.mkdir(parents=True, exist_ok=True)
    fits.to_csv(o.table, index=False)
    print(fits.to_string())
    if "msd_png" in o.keys():
        msd = pd.concat([pd.read_csv(f).assign(system=r["system"], temperature_K=r["temperature_K"])
                         for f, r in zip(i.msd, records)], ignore_index=True)
        plot_msd(msd, o.msd_png, o.msd_csv, start_fit_ps=records[0]["start_fit_ps"],
                 end_fit_ps=min(r["end_fit_ps"] for r in records),
                 fallback=any(r["fit_window_fallback"] for r in records), title=p.msd_title)
    write_output_provenance(snakemake, o.prov)  # noqa: F821
