"""Rule fig_crystalline_share: two_step Fig. 4 (paper 004): % crystalline reduced electrolyte
vs time with sqrt(t) and linear fits per condition (replicas pooled), fit errors from the
covariance and a moving-block bootstrap."""

import sys

import numpy as np
import pandas as pd

from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.analysis.growth import block_bootstrap, fit_crystalline_share
from seiflow.provenance import write_output_provenance
from seiflow.plot.sei_structure import plot_share_fits


def share_fits(df, column, t_min_ps, n_boot, seed):
    """Fits c = a + b sqrt(t) and c = a + b t per condition on t >= t_min_ps, with the
    bootstrap std of a and b (moving blocks of the time series)."""
    rows = []
    for cond, sub in df.groupby("condition", sort=False):
        sub = sub[np.isfinite(sub[column]) & (sub["time_ps"] >= t_min_ps)]
        if len(sub) < 4:
            continue
        t, c = sub["time_ps"].to_numpy(), sub[column].to_numpy()
        fits = fit_crystalline_share(t, c)
        for _, f in fits.iterrows():
            law = f["law"]
            basis = np.sqrt if law == "sqrt_t" else (lambda x: x)

            def fit_fn(tt, yy, basis=basis):
                b, a = np.polyfit(basis(tt), yy, 1)
                return {"a": a, "b": b}, a + b * basis(tt)

            boot = block_bootstrap(t, c, fit_fn, n_boot=n_boot, seed=seed)
            std = dict(zip(boot["param"], boot["boot_std"]))
            rows.append({"condition": cond, "n_replicas": sub["run"].nunique(),
                         **f.to_dict(), "a_boot_std": std.get("a"), "b_boot_std": std.get("b"),
                         "t_min_ps": t_min_ps})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    df = condition_labels(read_runs(snakemake.input.runs))  # noqa: F821
    fits = share_fits(df, "sei_crystalline_share", p.fit_tmin_ps, p.n_boot, p.seed)
    print(fits.to_string())
    fits.to_csv(snakemake.output.fits, index=False)  # noqa: F821
    plot_share_fits(df, fits if len(fits) else pd.DataFrame(
        columns=["condition", "law", "a", "b", "r2"]), "sei_crystalline_share",
        "crystalline reduced electrolyte (%)", snakemake.output.png,  # noqa: F821
        snakemake.output.csv)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
