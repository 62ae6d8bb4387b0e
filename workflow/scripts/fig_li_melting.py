"""Rule fig_li_melting: symmetric_cell Fig. S5 (paper 001): BCC share of heated bulk Li vs
temperature (model melting check) with the experimental melting point."""

import sys

import pandas as pd

from seiflow.plot.style import apply_style, plt, save_figure, sns
from seiflow.model.melting import LI_MELTING_POINT_K, melting_summary
from seiflow.provenance import write_output_provenance


def plot_melting(df, png, csv):
    """Left: BCC share vs time per temperature; right: late-time mean ± std vs temperature."""
    summary = melting_summary(df)
    apply_style()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    sns.lineplot(data=df, x="time_ps", y="bcc_share", hue="temperature_K", ax=ax1,
                 palette="coolwarm", estimator=None)
    ax1.set_xlabel("time (ps)")
    ax1.set_ylabel("BCC share of Li (PTM)")
    ax1.legend(title="T (K)", frameon=False, fontsize="x-small")
    ax2.errorbar(summary["temperature_K"], summary["bcc_share_mean"],
                 yerr=summary["bcc_share_std"], marker="o", capsize=3)
    ax2.axvline(LI_MELTING_POINT_K, color="0.5", ls=":", label="experiment 453.65 K")
    ax2.set_xlabel("temperature (K)")
    ax2.set_ylabel("BCC share, second half of the run")
    ax2.set_ylim(-0.05, 1.05)
    ax2.legend(frameon=False, fontsize="x-small")
    sns.despine(fig)
    fig.tight_layout()
    data = pd.concat([df.assign(kind="time series"), summary.assign(kind="summary")],
                     ignore_index=True)
    save_figure(fig, data, png, csv)
    return summary


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    s = plot_melting(pd.read_csv(snakemake.input.csv), snakemake.output.png,  # noqa: F821
                     snakemake.output.csv)  # noqa: F821
    print(s.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
