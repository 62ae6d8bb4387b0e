"""Figure of the unsupervised Li-environment classification (paper 001 Fig. 4, Figs. S10-S11),
in the one style of :mod:`seiflow.plot.style`, and its colours.

Drawing only; the tables come from :mod:`seiflow.analysis.classification_tables`
(:func:`~seiflow.analysis.classification_tables.fractions_long`,
:func:`~seiflow.analysis.classification_tables.atom_labels`).  Fractions are shares of the MD Li
environments (dimensionless); times in ps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from seiflow.analysis.runs import require_columns
from seiflow.plot.style import apply_style, plt, save_figure, sns

__all__ = [
    "REFERENCE_COLORS",
    "phase_palette",
    "plot_phase_fractions",
]

#: Colours (RGB in [0, 1]) of the reference phases (bulk-MD system names): Li metal blue and
#: electrolyte purple as in :func:`seiflow.plot.snapshots.label_colors`, the products distinct.
REFERENCE_COLORS = {
    "Li": (0.25, 0.45, 0.90),
    "Li6PS5Cl": (0.55, 0.30, 0.70),
    "Li2S": (0.85, 0.10, 0.10),
    "Li3P": (0.95, 0.55, 0.10),
    "LiCl": (0.20, 0.70, 0.30),
}


def phase_palette(phases: Sequence[str]) -> dict[str, tuple[float, float, float]]:
    """Colour of each phase label: :data:`REFERENCE_COLORS` for reference phases; the others
    (``unknown_<k>``, sorted) take the tab10 brown, pink, olive, cyan and grey, then HUSL hues.

    Parameters
    ----------
    phases
        Phase labels, any order, repeats allowed.

    Returns
    -------
    dict label -> RGB triple in [0, 1]; the same labels always get the same colours.
    """
    labels = sorted(set(phases))
    others = [p for p in labels if p not in REFERENCE_COLORS]
    tab10 = sns.color_palette("tab10")
    cycle = [tab10[i] for i in (5, 6, 8, 9, 7)]
    cycle += sns.color_palette("husl", max(len(others) - len(cycle), 0))
    out = {p: REFERENCE_COLORS[p] for p in labels if p in REFERENCE_COLORS}
    out |= {p: tuple(float(c) for c in cycle[i]) for i, p in enumerate(others)}
    return out


def plot_phase_fractions(
    fractions: pd.DataFrame,
    png_path: str | PathLike,
    csv_path: str | PathLike,
    snapshot: np.ndarray | None = None,
    snapshot_counts: pd.DataFrame | None = None,
    palette: Mapping[str, Sequence[float]] | None = None,
    title: str | None = None,
) -> None:
    """Paper 001 Fig. 4 analogue: snapshot coloured by class (optional, left) and phase
    fractions of the Li environments vs time, core (solid) and non-core (dashed) (right).

    Parameters
    ----------
    fractions
        Rows of :func:`seiflow.analysis.classification_tables.fractions_long` with
        ``mode == "split"`` (other modes are ignored).
    png_path, csv_path
        Outputs; the CSV holds the plotted fractions (``kind`` = ``"fraction vs time"``;
        ``time_ps``, ``frame``, ``phase``, ``region``, ``fraction``) and, with a snapshot,
        its label counts (``kind`` = ``"snapshot label count"``; ``label``, ``count``).
    snapshot
        Rendered snapshot, image array (height, width, 3 or 4).
    snapshot_counts
        Label counts of the snapshot (``label``, ``count``, ``time_ps``); its labels make the
        colour legend of the snapshot (render it without one).
    palette
        Label -> RGB for the phases and the snapshot labels; default :func:`phase_palette`.
    title
        Title of the fraction panel.

    Raises
    ------
    ValueError
        No ``split`` rows, a missing column, or a label without a colour in ``palette``.
    """
    require_columns(fractions, ["mode", "frame", "time_ps", "phase", "region", "fraction"],
             "plot_phase_fractions")
    data = fractions[fractions["mode"] == "split"]
    if data.empty:
        raise ValueError("plot_phase_fractions: no 'split' fractions to plot")
    data = data[["time_ps", "frame", "phase", "region", "fraction"]].sort_values(
        ["phase", "region", "time_ps"], kind="stable", ignore_index=True)
    labels = [] if snapshot_counts is None else snapshot_counts["label"].astype(str).tolist()
    pal = dict(palette) if palette is not None else phase_palette([*data["phase"], *labels])
    missing = sorted(set(data["phase"]).union(labels) - set(pal))
    if missing:
        raise ValueError(f"plot_phase_fractions: no colour for {missing}")
    apply_style()
    ncols = 1 if snapshot is None else 2
    fig, axes = plt.subplots(1, ncols, figsize=(4.2 * ncols, 4.0), squeeze=False,
                             gridspec_kw={"width_ratios": [1.0] * (ncols - 1) + [1.3]})
    ax = axes[0][-1]
    style = {"core": "-", "non-core": "--"}
    for (phase, region), sub in data.groupby(["phase", "region"], sort=True):
        ax.plot(sub["time_ps"], 100 * sub["fraction"], ls=style[region], color=pal[phase],
                lw=1.3, marker="o" if len(sub) == 1 else None)
    handles = [Line2D([], [], color=pal[p], lw=2, label=p) for p in sorted(set(data["phase"]))]
    handles += [Line2D([], [], color="0.3", ls=s, label=r) for r, s in style.items()]
    ax.legend(handles=handles, frameon=False, fontsize="x-small", loc="best")
    ax.set_xlabel("time (ps)")
    ax.set_ylabel("Li environments (%)")
    ax.set_ylim(bottom=0)
    if title:
        ax.set_title(title, fontsize="small")
    sns.despine(ax=ax)
    out = data.assign(kind="fraction vs time", frame=data["frame"].astype("Int64"))
    if snapshot is not None:
        axes[0][0].imshow(snapshot)
        axes[0][0].set_axis_off()
        if snapshot_counts is not None:
            t = snapshot_counts["time_ps"].iloc[0] if "time_ps" in snapshot_counts else np.nan
            axes[0][0].set_title(f"Li by class, t = {t:g} ps, side view (z up)",
                                 fontsize="small")
            patches = [Patch(color=pal[lab], label=lab) for lab in labels]
            axes[0][0].legend(handles=patches, frameon=False, fontsize="x-small",
                              loc="center left", bbox_to_anchor=(1.0, 0.5))
            out = pd.concat([out, snapshot_counts.assign(kind="snapshot label count")],
                            ignore_index=True)
    fig.tight_layout()
    save_figure(fig, out, png_path, csv_path)
