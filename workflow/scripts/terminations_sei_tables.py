"""Rule terminations_sei_tables: paper 003 Table 5 (times of full decomposition and of
crystallisation) and the SEI composition Li2S(1-x-y)PxCly of the text (numbers.csv)."""

import sys

import numpy as np
import pandas as pd

from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.plot.style import render_table_png
from seiflow.provenance import write_output_provenance


def first_time(t, flag):
    """First time (ps) at which ``flag`` holds and keeps holding to the end; NaN if never."""
    t, flag = np.asarray(t, float), np.asarray(flag, bool)
    if not flag[-1]:
        return float("nan")
    k = len(flag) - 1
    while k > 0 and flag[k - 1]:
        k -= 1
    return float(t[k])


def tab5(sei, frames, threshold):
    """Per run: time of full decomposition (no intact PS4 left for good) and of
    crystallisation (PTM-crystalline share of the SEI anions >= threshold for good)."""
    rows = []
    for run, s in sei.groupby("run", sort=False):
        f = frames[frames["run"] == run].sort_values("time_ps")
        s = s.sort_values("time_ps")
        rows.append({
            "run": run, "condition": s["condition"].iloc[0],
            "temperature_K": s["temperature_K"].iloc[0],
            "t_full_decomposition_ps": first_time(s["time_ps"], s["n_intact_ps4"] == 0),
            "t_crystallisation_ps": first_time(f["time_ps"],
                                               f["sei_crystalline_share"] >= threshold),
            "crystalline_share_final": float(f["sei_crystalline_share"].iloc[-1]),
            "s8li_share_final": float(f["s8li_share"].iloc[-1]),
            "run_length_ps": float(s["time_ps"].max()),
            "crystalline_threshold": threshold,
        })
    return pd.DataFrame(rows)


def composition_numbers(frames, window_ps):
    """SEI composition Li2S(1-x-y)PxCly, mean ± std over the frames of the last window."""
    rows = []
    for cond, f in frames.groupby("condition", sort=False):
        last = f[f["time_ps"] >= f["time_ps"].max() - window_ps]
        for q, col, unit in (("SEI x (P per anion), Li2S(1-x-y)PxCly", "sei_x_P", ""),
                             ("SEI y (Cl per anion), Li2S(1-x-y)PxCly", "sei_y_Cl", ""),
                             ("SEI Li per anion", "sei_li_per_anion", ""),
                             ("SEI S with 8 Li neighbours", "s8li_share", "fraction")):
            v = last[col].to_numpy(float)
            v = v[np.isfinite(v)]
            rows.append({"quantity": q, "condition": cond,
                         "value": float(v.mean()) if v.size else np.nan,
                         "std": float(v.std(ddof=1)) if v.size > 1 else np.nan,
                         "n_frames": int(v.size), "unit": unit, "window_ps": window_ps,
                         "paper": "Li2S0.72P0.14Cl0.14 (x = y = 0.14), paper 003"})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    sei = condition_labels(read_runs(snakemake.input.sei))  # noqa: F821
    frames = condition_labels(read_runs(snakemake.input.frames))  # noqa: F821
    t5 = tab5(sei, frames, p.threshold)
    t5.to_csv(snakemake.output.tab5, index=False)  # noqa: F821
    render_table_png(t5, snakemake.output.tab5_png, float_format="{:.3g}",  # noqa: F821
                     title="Table 5 analogue: full decomposition and crystallisation times (ps)")
    comp = composition_numbers(frames, p.window_ps)
    comp.to_csv(snakemake.output.numbers, index=False)  # noqa: F821
    print(t5.to_string(), comp.to_string(), sep="\n")
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
