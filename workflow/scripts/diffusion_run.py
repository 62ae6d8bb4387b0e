"""Rule diffusion_run: kinisi D* (xyz, xy, z), Nernst-Einstein and collective sigma of one
run of a bulk-MD series over the series' fit window -> diffusion_<series>.json and the
kinisi MSD / MSCD table msd_<series>.csv."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from seiflow.analysis.transport_series import run_transport, series_fit_start

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o, w = (snakemake.params, snakemake.input, snakemake.output,  # noqa: F821
                  snakemake.wildcards)  # noqa: F821
    tr = p.transport
    run_dir = str(Path(i.traj).parent)
    if run_dir not in [str(Path(d)) for d in p.series_runs]:
        raise ValueError(f"{run_dir} is not a run of bulk_md series {w.series!r}")
    tables = {f"{Path(f).parent.parent.name} {Path(f).parent.name}": pd.read_csv(f)
              for f in i.msd}
    window = series_fit_start(tables, tr["start_fit_ps"], tr["onset_rtol"],
                              tr["onset_min_origins"])  # warns (to this log) on a fallback
    print("fit window:", window)
    with np.load(i.traj) as npz:
        traj = {k: npz[k] for k in ("positions", "framework", "cells", "times_ps")}
    summary, msd = run_transport(
        traj, float(w.T), window["start_fit_ps"], end_fit_ps=window["end_fit_ps"],
        fit_window_method=window["method"],
        fit_window_fallback=window["fallback"], charge=tr["charge"],
        haven_ratio=tr["haven_ratio"], mcmc=tr["mcmc"], max_intervals=tr["max_intervals"],
        min_msd_A2=p.min_msd_A2, seed=p.seed)
    cell = json.loads(Path(i.cell).read_text())
    record = {"system": w.system, "formula": cell["formula"], "model": w.model,
              "series": w.series, "species": tr["species"],
              "fit_window_reference_run": window["reference_run"],
              "fit_window_reliable_lag_ps": window["reliable_lag_ps"],
              "fit_window_note": window["note"], **summary}
    Path(o.json).write_text(json.dumps(record, indent=2))
    msd.to_csv(o.msd, index=False)
    print(json.dumps(record, indent=2))
