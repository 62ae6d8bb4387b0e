"""Tables of the unsupervised Li-environment classification (paper 001 Fig. 4, Figs. S10-S11).

Inputs are the outputs of :mod:`seiflow.analysis.phase_classification`: the point table
(:func:`~seiflow.analysis.phase_classification.point_table`) and the per-frame phase fractions
(:func:`~seiflow.analysis.phase_classification.phase_fractions`).  Fractions are shares of the
MD Li environments (dimensionless, each frame's shares sum to 1); times in ps.  Pure functions;
the figure is drawn by :mod:`seiflow.plot.classification`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from ase import Atoms

from seiflow.analysis.phase_classification import phase_fractions
from seiflow.analysis.runs import require_columns

__all__ = [
    "UNSAMPLED_LI",
    "atom_labels",
    "cluster_table",
    "fractions_long",
    "snapshot_label_counts",
]

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


def snapshot_label_counts(labels: Sequence[str] | np.ndarray, time_ps: float) -> pd.DataFrame:
    """Label counts of a classified snapshot (the legend table of paper 001 Fig. 4).

    Parameters
    ----------
    labels
        Per-atom labels, shape (n_atoms,) (:func:`atom_labels`).
    time_ps
        Time of the snapshot (ps).

    Returns
    -------
    pd.DataFrame with columns ``label``, ``count`` (most frequent first, as
    :meth:`pandas.Series.value_counts`) and ``time_ps``.
    """
    counts = pd.Series(labels).value_counts().rename_axis("label").reset_index(name="count")
    counts["time_ps"] = time_ps
    return counts


def cluster_table(labels: pd.DataFrame, clustering: dict, run: str) -> pd.DataFrame:
    """Label table with the run, the 2NN intrinsic dimension, the ADP confidence Z and the
    log-density of each cluster's centre (peak) as columns, cluster id as a column
    (paper 001 Fig. 3a, step c of the classification).

    Parameters
    ----------
    labels
        :func:`seiflow.analysis.phase_classification.label_clusters` table, index ``cluster``.
    clustering
        :func:`seiflow.analysis.phase_classification.load_clustering` result:
        ``cluster_centers`` (n_clusters,) point indices, ``log_den`` (n_points,),
        ``intrinsic_dim``, ``Z``.
    run
        Run name (first column).

    Returns
    -------
    pandas.DataFrame
        ``run``, ``cluster``, the columns of ``labels``, ``log_den_peak``, ``intrinsic_dim``,
        ``Z``.

    Raises
    ------
    KeyError
        The clustering lacks ``intrinsic_dim``, ``Z``, ``cluster_centers`` or ``log_den``.
    """
    out = labels.reset_index()
    centres = clustering["cluster_centers"]
    out["log_den_peak"] = clustering["log_den"][centres[out["cluster"].to_numpy()]]
    out.insert(0, "run", run)
    out["intrinsic_dim"] = float(clustering["intrinsic_dim"])
    out["Z"] = float(clustering["Z"])
    return out
