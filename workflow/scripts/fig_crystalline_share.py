"""Rule fig_crystalline_share: two_step Fig. 4 (paper 004): % crystalline reduced electrolyte
vs time with sqrt(t) and linear fits per condition (replicas pooled), fit errors from the
covariance and a moving-block bootstrap."""

import sys

import pandas as pd

from seiflow.analysis.growth import crystalline_share_fits
from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.plot.sei_structure import plot_share_fits
from seiflow.provenance import write_output_provenance


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    df = condition_labels(read_runs(snakemake.input.runs))  # noqa: F821
    fits = crystalline_share_fits(df, "sei_crystalline_share", p.fit_tmin_ps, p.n_boot, p.seed)
    print(fits.to_string())
    fits.to_csv(snakemake.output.fits, index=False)  # noqa: F821
    plot_share_fits(df, fits if len(fits) else pd.DataFrame(
        columns=["condition", "law", "a", "b", "r2"]), "sei_crystalline_share",
        "crystalline reduced electrolyte (%)", snakemake.output.png,  # noqa: F821
        snakemake.output.csv)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
