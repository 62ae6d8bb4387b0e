"""Rule fig_alpha: paper 004 Fig 2 analogue (reduced fraction alpha vs time, a + b ln t)."""

import sys

import pandas as pd

from seiflow.provenance import write_output_provenance
from seiflow.figures import condition_labels, plot_alpha_fit, read_runs
from seiflow.sei_analysis import fit_log_time


def alpha_fits(df, tmin_ps):
    """Fit alpha = a + b ln t per condition label on t >= tmin_ps (ps); the velocity-seed
    replicas of a condition are fitted together."""
    fits = {}
    for label, sub in df.groupby("condition", sort=False):
        sub = sub[sub["time_ps"] >= tmin_ps]
        fits[label] = fit_log_time(sub["time_ps"].to_numpy(), sub["alpha"].to_numpy())
    return fits


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    df = condition_labels(read_runs(snakemake.input))  # noqa: F821
    fits = alpha_fits(df, snakemake.params.fit_tmin_ps)  # noqa: F821
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
