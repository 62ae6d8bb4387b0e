"""Rule interface_diffusion: in-plane / out-of-plane kinisi D* of the Li of each origin
(metal, binary) of one metal | binary interface run (paper 002 Fig. 4, Table S8), over the
fit window of its bulk-MD series -> diffusion_origin.csv."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from seiflow.analysis.interface_transport import origin_diffusion
from seiflow.analysis.transport_series import series_fit_start

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o, w = (snakemake.params, snakemake.input, snakemake.output,  # noqa: F821
                  snakemake.wildcards)  # noqa: F821
    tr = p.transport
    tables = {f"{Path(f).parent.parent.name} {Path(f).parent.name}": pd.read_csv(f)
              for f in i.msd}
    window = series_fit_start(tables, tr["start_fit_ps"], tr["onset_rtol"],
                              tr["onset_min_origins"])  # warns (to this log) on a fallback
    print("fit window:", window)
    cell = json.loads(Path(i.cell).read_text())
    if "origin" not in cell:
        raise ValueError(f"{i.cell}: not an interface cell (no per-atom origin); "
                         "interface series take iface_<pairing>[_vac] systems")
    with np.load(i.traj) as npz:
        traj = {k: npz[k] for k in ("positions", "framework", "cells", "times_ps", "indices")}
    table = origin_diffusion(traj, cell["origin"], cell["interface_region"],
                             window["start_fit_ps"], end_fit_ps=window["end_fit_ps"],
                             mcmc=tr["mcmc"],
                             max_intervals=tr["max_intervals"], min_msd_A2=p.min_msd_A2,
                             seed=p.seed)
    table.insert(0, "system", w.system)
    table.insert(1, "temperature_K", float(w.T))
    table["fit_window_method"] = window["method"]
    table["fit_window_fallback"] = bool(window["fallback"])
    table["fit_window_reference_run"] = window["reference_run"]
    for k in ("n_vacancies", "n_li_region", "vacancy_fraction"):
        table[k] = cell.get(k, np.nan)
    table.to_csv(o.csv, index=False)
    print(table.to_string())
