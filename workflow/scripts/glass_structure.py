"""Rule glass_structure: second streamed pass over a Li|glass run -> CN profiles along z per
window (paper 000 Fig. 4 / Figs. S5-S7), SSE vs SEI partial RDFs of the fit window (Fig. S4)
and the last frame (Fig. 1); regions from glass_md_analysis's fitted midpoints."""

import json
import sys
from pathlib import Path

import ase.io
import pandas as pd

from seiflow.analysis.glass_structure import (analyse_glass_structure, fit_window_bounds_frac,
                                     parse_pair_cutoffs, parse_pairs)
from seiflow.md.lammps import dump_times_ps, run_frames

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    comp = snakemake.wildcards.composition  # noqa: F821
    frozen = ase.io.read(i.extxyz).arrays["frozen"].astype(bool)
    bounds = fit_window_bounds_frac(pd.read_csv(i.interfaces), pd.read_csv(i.profiles))
    fit_start = max(0.0, dump_times_ps(p.md)[-1] - p.md["fit_window_ps"])
    res = analyse_glass_structure(
        run_frames(Path(i.done).parent, p.type_map, p.md), frozen,
        cutoffs=parse_pair_cutoffs(p.analysis["cn_cutoffs_A"]),
        window_ps=p.md["profile_window_ps"], fit_start_ps=fit_start,
        bin_width_A=p.analysis["bin_width_A"], sei_bounds_frac=bounds,
        rdf_pairs=parse_pairs(p.analysis["rdf_pairs"]), rdf_r_max_A=p.analysis["rdf_r_max_A"],
        rdf_bins=p.analysis["rdf_bins"])
    res["cn"].assign(composition=comp).to_csv(o.cn, index=False)
    res["rdf"].assign(composition=comp).to_csv(o.rdf, index=False)
    ase.io.write(o.last, res["last"], format="extxyz")
    summary = {"composition": comp, "fit_window_start_ps": fit_start,
               "sei_bounds_frac": list(bounds), "n_frames": res["n_frames"], **res["skipped"]}
    Path(o.summary).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
