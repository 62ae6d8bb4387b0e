"""Rule fig_alpha: paper 004 Fig 2 analogue (reduced fraction alpha vs time, a + b ln t)."""

import sys

import pandas as pd

from seiflow.provenance import write_output_provenance
from seiflow.figures import plot_alpha_fit
from seiflow.sei_analysis import fit_log_time


def alpha_fits(df, tmin_ps):
    """Fit alpha = a + b ln t per temperature on t >= tmin_ps (ps)."""
    fits = {}
    for temp, sub in df.groupby("temperature_K"):
        sub = sub[sub["time_ps"] >= tmin_ps]
        fits[temp] = fit_log_time(sub["time_ps"].to_numpy(), sub["alpha"].to_numpy())
    return fits


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    df = pd.concat([pd.read_csv(f) for f in snakemake.input], ignore_index=True)  # noqa: F821
    fits = alpha_fits(df, snakemake.params.fit_tmin_ps)  # noqa: F821
    plot_alpha_fit(df, fits, snakemake.output.png, snakemake.output.csv)  # noqa: F821
    table = pd.DataFrame([{"temperature_K": t, **f} for t, f in fits.items()])
    table["fit_tmin_ps"] = snakemake.params.fit_tmin_ps  # noqa: F821
    table.to_csv(snakemake.output.fits, index=False)  # noqa: F821
    print(table.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
