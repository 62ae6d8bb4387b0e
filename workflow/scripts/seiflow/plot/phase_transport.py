"""Figure of the window-averaged MSD of metal Li by PTM class (paper 001 Fig. 2b).

Only drawing: the tables come from :func:`seiflow.analysis.phase_transport.window_msd_of_run`.
Writes the PNG and the CSV of the plotted data (:func:`seiflow.plot.style.save_figure`).
Units: ps, Å².
"""

from __future__ import annotations

from os import PathLike

import numpy as np
import pandas as pd

from seiflow.analysis.phase_transport import PHASES
from seiflow.plot.snapshots import label_colors
from seiflow.plot.style import apply_style, plt, save_figure, sns

__all__ = ["PANELS", "plot_window_msd"]

#: MSD components drawn -> panel title.
PANELS = {"xy": "in-plane (xy, d = 2)", "z": "out-of-plane (z, d = 1)"}


def plot_window_msd(msd: pd.DataFrame, counts: pd.DataFrame, summary: pd.DataFrame,
                    png: str | PathLike, csv: str | PathLike, title: str) -> None:
    """Panels: MSD vs lag in-plane and out-of-plane (one line per class present, ± s.e.m.),
    metal Li per class at each origin (paper 001 Fig. 2b).

    Parameters
    ----------
    msd
        ``msd`` table of :func:`seiflow.analysis.phase_transport.phase_window_msd`: ``phase``,
        ``dims``, ``present``, ``n_pairs``, ``lag_ps`` (ps), ``msd_A2``, ``sem_A2`` (Å²).
    counts
        ``counts`` table of the same function: ``origin_ps``, ``phase``, ``n_atoms``.
    summary
        :func:`seiflow.analysis.phase_transport.window_summary` of ``msd``.
    png, csv
        Outputs.  The CSV holds the three tables (``kind``: ``msd``, ``origin count``,
        ``summary``), xyz MSD included.
    title
        Figure title.

    Raises
    ------
    KeyError
        A column listed above is missing.
    """
    colours = label_colors()
    apply_style()
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.3),
                             gridspec_kw={"width_ratios": [1.0, 1.0, 0.8]})
    absent = [p for p in PHASES if not summary.loc[summary["phase"] == p, "present"].any()]
    for ax, (dims, label) in zip(axes[:2], PANELS.items()):
        for phase in PHASES:
            g = msd[(msd["phase"] == phase) & (msd["dims"] == dims) & msd["present"]]
            if g.empty:
                continue
            emph = phase in ("BCC", "HCP")  # the two classes of paper 001 Fig. 2b
            n = int(g["n_pairs"].iloc[0])
            ax.plot(g["lag_ps"], g["msd_A2"], color=colours[phase], lw=1.8 if emph else 1.0,
                    ls="-" if emph else "--", label=f"{phase} (n = {n})")
            ax.fill_between(g["lag_ps"], g["msd_A2"] - g["sem_A2"].fillna(0),
                            g["msd_A2"] + g["sem_A2"].fillna(0), color=colours[phase],
                            alpha=0.2, lw=0)
        ax.set_xlabel("lag after origin (ps)")
        ax.set_ylabel(r"window-averaged MSD (Å$^2$)")
        ax.set_title(label, fontsize="small")
        ax.legend(frameon=False, fontsize="x-small",
                  title=f"absent: {', '.join(absent)}" if absent else None,
                  title_fontsize="x-small")
    bars = counts.pivot(index="origin_ps", columns="phase", values="n_atoms")[list(PHASES)]
    bottom = np.zeros(len(bars))
    x = np.arange(len(bars))
    for phase in PHASES:
        axes[2].bar(x, bars[phase], bottom=bottom, color=colours[phase], label=phase)
        bottom += bars[phase].to_numpy()
    axes[2].set_xticks(x, [f"{o:g}" for o in bars.index], rotation=45, fontsize="x-small")
    axes[2].set_xlabel("origin (ps)")
    axes[2].set_ylabel("metal-region Li at the origin")
    axes[2].legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    sns.despine(fig)
    fig.suptitle(title, fontsize="small")
    fig.tight_layout()
    data = pd.concat([msd.assign(kind="msd"), counts.assign(kind="origin count"),
                      summary.assign(kind="summary")], ignore_index=True)
    save_figure(fig, data, png, csv)
