"""Rule fig_alpha: paper 004 Fig 2 analogue (reduced fraction alpha vs time, a + b ln t)."""

import sys

from seiflow.analysis.growth import alpha_fit_table, alpha_fits
from seiflow.analysis.runs import condition_labels, read_runs
from seiflow.plot.figures import plot_alpha_fit
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    df = condition_labels(read_runs(snakemake.input))  # noqa: F821
    fits = alpha_fits(df, snakemake.params.fit_tmin_ps, snakemake.params.n_boot,  # noqa: F821
                      snakemake.params.seed)  # noqa: F821
    plot_alpha_fit(df.assign(temperature_K=df["condition"]), fits, snakemake.output.png,  # noqa: F821
                   snakemake.output.csv)  # noqa: F821
    table = alpha_fit_table(df, fits, snakemake.params.fit_tmin_ps)  # noqa: F821
    table.to_csv(snakemake.output.fits, index=False)  # noqa: F821
    print(table.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
