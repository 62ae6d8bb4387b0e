"""Rule glass_md_analysis: one streamed pass over a Li|glass run -> windowed z-profiles,
logistic interface fits, SEI-region MSD and D_xy / D_z per species (paper 000 Figs. 2, 6) and
the per-frame SEI-region atom counts of the fit window (paper 000 Table 1)."""

import json
import sys
from pathlib import Path

import ase.io

from seiflow.analysis.glass_md import analyse_glass_run, species_diffusion
from seiflow.md.lammps import dump_times_ps, run_frames

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    frozen = ase.io.read(i.extxyz).arrays["frozen"].astype(bool)
    t_end = dump_times_ps(p.md)[-1]
    fit_start = max(0.0, t_end - p.md["fit_window_ps"])
    res = analyse_glass_run(
        run_frames(Path(i.done).parent, p.type_map, p.md),
        frozen,
        window_ps=p.md["profile_window_ps"],
        fit_start_ps=fit_start,
        bin_width_A=p.analysis["bin_width_A"],
        species=p.type_map,
    )
    comp = snakemake.wildcards.run  # noqa: F821 (composition or <composition>_v<k>)
    sym = res["symbols"][res["mobile"]]
    sel = res["sei"][res["mobile"]]
    diff, msd = species_diffusion(
        res["positions"], res["cells"], res["times_ps"], sym, sel, p.type_map,
        p.md["start_fit_ps"], mcmc=p.mcmc, max_intervals=p.max_intervals,
        min_atoms=p.analysis["min_atoms"], min_msd_A2=p.analysis["min_msd_A2"], seed=p.seed)
    # the kinisi fit window of every D row: a configured start (no onset search, no fallback)
    # to the last lag of the analysis window
    diff = diff.assign(end_fit_ps=float(res["times_ps"][-1] - res["times_ps"][0]),
                       fit_window_method="config", fit_window_fallback=False)
    for df, path in ((res["profiles"], o.profiles), (res["interfaces"], o.interfaces),
                     (diff, o.diffusion), (msd, o.msd), (res["sei_counts"], o.sei_counts)):
        df.assign(composition=comp).to_csv(path, index=False)
    summary = {"composition": comp, "fit_window_start_ps": fit_start, "t_end_ps": t_end,
               "n_mobile": int(res["mobile"].size), "n_sei": int(res["sei"].sum()),
               "n_fit_frames": int(res["times_ps"].size)}
    Path(o.summary).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    print(res["interfaces"][res["interfaces"]["window"] == -1].to_string())
    print(diff.to_string())
