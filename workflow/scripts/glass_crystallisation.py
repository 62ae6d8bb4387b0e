"""Rule glass_crystallisation: crystallisation of the SEI of one Li|glass run (paper 000 Fig. 5,
Figs. S8-S9, text): per-frame crystalline share / P occupancy / Li vacancies of the SEI region,
the onset, post-onset growth and Li|SEI drift, and (if crystallised) the Nernst-Einstein
conductivity of the crystalline Li selected at the onset frame."""

import json
import sys
from pathlib import Path

import ase.io
import numpy as np
import pandas as pd

from seiflow.analysis.glass_crystallisation import (
    analyse_crystallisation,
    conductivity_not_computed,
    crystallisation_onset_ps,
    frame_settings,
    onset_crystalline_conductivity,
    post_onset_rates,
)
from seiflow.md.lammps import run_frames

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    run = snakemake.wildcards.run  # noqa: F821
    c = p.crystallisation
    settings = frame_settings(c)
    frozen = ase.io.read(i.extxyz).arrays["frozen"].astype(bool)
    interfaces = pd.read_csv(i.interfaces, keep_default_na=False, na_values=[""])
    profiles = pd.read_csv(i.profiles)
    md_dir = Path(i.done).parent
    series = analyse_crystallisation(
        run_frames(md_dir, p.type_map, p.md), frozen, interfaces, profiles,
        window_ps=p.md["profile_window_ps"], every=p.scale_settings["every"],
        profile=p.growth_profile, **settings)
    series.insert(0, "run", run)
    onset = crystallisation_onset_ps(series["t_ps"], series["crystalline_share"], c["threshold"],
                                     p.scale_settings["min_duration_ps"])
    rates = post_onset_rates(interfaces, onset, profile=p.growth_profile,
                             min_windows=c["min_windows"])
    if np.isfinite(onset):
        try:
            cond = onset_crystalline_conductivity(
                run_frames(md_dir, p.type_map, p.md), frozen, series, onset,
                frame_kwargs=settings, temperature_K=p.md["temperature_K"], start_fit_ps=p.md["start_fit_ps"],
                mcmc=p.mcmc, max_intervals=p.max_intervals, seed=p.seed)
        except ValueError as err:  # too few frames after the onset, no crystalline Li
            cond = conductivity_not_computed(f"crystallised at {onset:g} ps, but: {err}")
    else:
        cond = conductivity_not_computed("no crystallisation: the crystalline SEI share never stayed >= "
                            f"{c['threshold']} for {p.scale_settings['min_duration_ps']} ps")
    after = series[series["t_ps"] >= onset] if np.isfinite(onset) else series.iloc[0:0]
    share = series["crystalline_share"]
    summary = {
        "run": run, "threshold": c["threshold"],
        "min_duration_ps": p.scale_settings["min_duration_ps"],
        "crystallised": bool(np.isfinite(onset)),
        "onset_ps": None if not np.isfinite(onset) else float(onset),
        "n_frames": int(len(series)), "t_end_ps": float(series["t_ps"].iloc[-1]),
        "max_share": float(share.max()) if share.notna().any() else None,
        "final_share": None if pd.isna(share.iloc[-1]) else float(share.iloc[-1]),
        "occ_P_after_onset": float(after["occ_P"].mean()) if after["occ_P"].notna().any() else None,
        "li_vacancy_after_onset": (float(after["li_vacancy_fraction"].mean())
                                   if after["li_vacancy_fraction"].notna().any() else None),
        **{k: (None if isinstance(v, float) and not np.isfinite(v) else v)
           for k, v in rates.items()},
    }
    series.to_csv(o.series, index=False)
    cond.assign(run=run).to_csv(o.conductivity, index=False)
    Path(o.summary).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    print(cond.to_string())
