"""Rule fig_alpha: paper 004 Fig 2 analogue (reduced fraction alpha vs time, a + b ln t)."""

import sys

import numpy as np
import pandas as pd

from seiflow.provenance import write_output_provenance
from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.plot.figures import plot_alpha_fit
from seiflow.analysis.growth import block_bootstrap
from seiflow.analysis.sei_formation import fit_log_time


def _log_fit_fn(t, y):
    f = fit_log_time(t, y)
    return {"a": f["a"], "b": f["b"]}, f["a"] + f["b"] * np.log(t)


def alpha_fits(df, tmin_ps, n_boot=200, seed=0):
    """Fit alpha = a + b ln t per condition label on t >= tmin_ps (ps); the velocity-seed
    replicas of a condition are fitted together (in time order). Adds the moving-block
    bootstrap std of a and b (``a_boot_std``, ``b_boot_std``) to the covariance errors."""
    fits = {}
    for label, sub in df.groupby("condition", sort=False):
        sub = sub[sub["time_ps"] >= tmin_ps].sort_values("time_ps", kind="stable")
        t, y = sub["time_ps"].to_numpy(), sub["alpha"].to_numpy()
        fits[label] = fit_log_time(t, y)
        boot = block_bootstrap(t, y, _log_fit_fn, n_boot=n_boot, seed=seed)
        std = dict(zip(boot["param"], boot["boot_std"]))
        fits[label].update(a_boot_std=std.get("a"), b_boot_std=std.get("b"))
    return fits


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    df = condition_labels(read_runs(snakemake.input))  # noqa: F821
    fits = alpha_fits(df, snakemake.params.fit_tmin_ps, snakemake.params.n_boot,  # noqa: F821
                      snakemake.params.seed)  # noqa: F821
    plot_alpha_fit(df.assign(temperature_K=df["condition"]), fits, snakemake.output.png,  # noqa: F821
                   snakemake.output.csv)  # noqa: F821
    first = df.groupby("condition", sort=False).first()
    table = pd.DataFrame([
        {"condition": c, "temperature_K": first.loc[c, "temperature_K"],
         "pressure_bar": first.loc[c, "pressure_bar"],
         "n_replicas": df.loc[df["condition"] == c, "run"].nunique(), **f}
        for c, f in fits.items()
    ])
    table["fit_tmin_ps"] = snakemake.params.fit_tmin_ps  # noqa: F821
    table.to_csv(snakemake.output.fits, index=False)  # noqa: F821
    print(table.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
