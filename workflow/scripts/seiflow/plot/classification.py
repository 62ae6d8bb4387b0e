"""Tables and figure of the unsupervised Li-environment classification (paper 001 Fig. 4,
Figs. S10-S11), in the one style of :mod:`seiflow.plot.figures`.

Inputs are the outputs of :mod:`seiflow.analysis.phase_classification`: the point table
(:func:`~seiflow.analysis.phase_classification.point_table`) and the per-frame phase fractions
(:func:`~seiflow.analysis.phase_classification.phase_fractions`).  Fractions are shares of the MD Li
environments (dimensionless, each frame's shares sum to 1); times in ps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike

import numpy as np
import pandas as pd
from ase import Atoms
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from seiflow.plot.style import apply_style, plt, require_columns, save_figure, sns
from seiflow.analysis.phase_classification import phase_fractions

__all__ = [
    "REFERENCE_COLORS",
    "UNSAMPLED_LI",
    "fractions_long",
    "phase_palette",
    "atom_labels",
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
#: Label of the Li atoms of a snapshot whose environment was not drawn for the classification.
UNSAMPLED_LI = "Li (not sampled)"
_MODES = ("all", "core", "split")
_REGION = {"C": "core", "N": "non-core"}


def fractions_long(points: pd.DataFrame) -> pd.DataFrame:
    """Phase fractions of every frame in the three modes of
    :func:`~seiflow.analysis.phase_classification.phase_fractions`, as one long table.

    Parameters
    ----------
    points
        Point table (columns ``frame``, ``time_ps``, ``source``, ``core``, ``phase``).

    Returns
    -------
    pd.DataFrame with columns ``mode`` (``all``: share of all MD points; ``core``: share of
    the core MD points; ``split``: share of all MD points that are core / non-core points of
    the phase, paper 001 Fig. 4c), ``frame``, ``time_ps``, ``n_points`` (points counted in
    the frame), ``phase``, ``region`` (``all``, ``core`` or ``non-core``), ``fraction``.
    A phase absent from a frame has fraction 0; in each (mode, frame) the fractions sum to 1.
    The ``core`` mode is left out when no MD point is a core point.

    Raises
    ------
    ValueError
        No MD points, or a missing column.
    """
    require_columns(points, ["frame", "time_ps", "source", "core", "phase"], "fractions_long")
    parts = []
    for mode in _MODES:
        if mode == "core" and not points.loc[points["source"] == "md", "core"].any():
            continue
        wide = phase_fractions(points, mode).reset_index()
        long = wide.melt(id_vars=["frame", "time_ps", "n_points"], var_name="phase",
                         value_name="fraction")
        if mode == "split":
            split = long["phase"].str.rsplit("_", n=1, expand=True)
            long["phase"], long["region"] = split[0], split[1].map(_REGION)
        else:
            long["region"] = "all" if mode == "all" else "core"
        parts.append(long.assign(mode=mode))
    out = pd.concat(parts, ignore_index=True)
    cols = ["mode", "frame", "time_ps", "n_points", "phase", "region", "fraction"]
    return out[cols].sort_values(["mode", "phase", "region", "frame"], kind="stable",
                                 ignore_index=True)


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


def atom_labels(atoms: Atoms, phase: Sequence[str] | np.ndarray, fill: str = "") -> np.ndarray:
    """Snapshot label of every atom: the phase of the classified Li, :data:`UNSAMPLED_LI`
    for the other Li, the element symbol for the other atoms.

    Parameters
    ----------
    atoms
        The frame, shape (n_atoms,).
    phase
        Output of :func:`seiflow.analysis.phase_classification.phase_per_atom` for that frame, shape
        (n_atoms,), ``fill`` where an atom was not classified.
    fill
        The fill value used there.

    Returns
    -------
    np.ndarray, shape (n_atoms,), str.

    Raises
    ------
    ValueError
        Length mismatch, or a non-Li atom with a phase.
    """
    phase = np.asarray(phase).astype(str)
    if phase.shape != (len(atoms),):
        raise ValueError(f"phase has shape {phase.shape}, expected ({len(atoms)},)")
    sym = np.asarray(atoms.get_chemical_symbols())
    if np.any((phase != fill) & (sym != "Li")):
        raise ValueError("only Li atoms carry a phase")
    out = np.where(sym == "Li", UNSAMPLED_LI, sym).astype(object)
    out[phase != fill] = phase[phase != fill]
    return out.astype(str)


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
        Rows of :func:`fractions_long` with ``mode == "split"`` (other modes are ignored).
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
