"""Figure of the model melting check on bulk bcc Li (paper 001 Fig. S5).

Only drawing: the summary comes from :func:`seiflow.model.melting.melting_summary`.  Writes
the PNG and the CSV of the plotted data (:func:`seiflow.plot.style.save_figure`).  Units: ps, K.
"""

from __future__ import annotations

from os import PathLike

import pandas as pd

from seiflow.model.melting import LI_MELTING_POINT_K
from seiflow.plot.style import apply_style, plt, save_figure, sns

__all__ = ["plot_melting"]


def plot_melting(df: pd.DataFrame, summary: pd.DataFrame, png: str | PathLike,
                 csv: str | PathLike) -> None:
    """Left: BCC share vs time per temperature; right: late-time mean ± std vs temperature,
    with the experimental melting point of Li.

    Parameters
    ----------
    df
        Time series: ``temperature_K`` (K), ``time_ps`` (ps), ``bcc_share`` (0-1).
    summary
        :func:`seiflow.model.melting.melting_summary` of ``df``: ``temperature_K``,
        ``bcc_share_mean``, ``bcc_share_std``.
    png, csv
        Outputs; the CSV holds both tables (``kind``: ``time series``, ``summary``).

    Raises
    ------
    KeyError
        A column listed above is missing.
    """
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
