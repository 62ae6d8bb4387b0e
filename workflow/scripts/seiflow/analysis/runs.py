"""Tables of a study's production runs: column checks, concatenation, condition labels.

Pure pandas (no plotting): the per-run analysis CSVs of a study are read here by the science
modules and by the figure scripts alike.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

__all__ = [
    "require_columns",
    "read_runs",
    "condition_labels",
    "temperature_label",
    "cell_label",
    "cell_variant_table",
]


def require_columns(df: pd.DataFrame, cols, func: str) -> None:
    """Refuse a table that lacks any of ``cols``.

    Parameters
    ----------
    df : pandas.DataFrame
        Table to check.
    cols : iterable of str
        Column names that must be present.
    func : str
        Name of the caller, put at the start of the message.

    Raises
    ------
    ValueError
        ``"<func>: missing column(s) [...]"`` naming every missing column.
    """
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{func}: missing column(s) {missing}")


def read_runs(paths) -> pd.DataFrame:
    """Concatenate the per-run analysis CSVs (one per production run) of a study.

    Raises
    ------
    ValueError
        If ``paths`` is empty.
    """
    paths = list(paths)
    if not paths:
        raise ValueError("read_runs: no per-run CSV given")
    return pd.concat([pd.read_csv(f) for f in paths], ignore_index=True)


def condition_labels(df: pd.DataFrame) -> pd.DataFrame:
    """Add a ``condition`` column naming the thermodynamic condition of each row.

    ``"400 K"`` when all runs share one pressure, ``"400 K, 1000 bar"`` otherwise; the
    velocity-seed replicas of a condition share its label (they are replicas, not conditions).

    Parameters
    ----------
    df
        Rows with ``temperature_K`` (K) and, optionally, ``pressure_bar`` (bar).

    Raises
    ------
    ValueError
        If ``temperature_K`` is missing.
    """
    require_columns(df, ["temperature_K"], "condition_labels")
    out = df.copy()
    label = out["temperature_K"].map(temperature_label)
    if "pressure_bar" in out.columns and out["pressure_bar"].nunique() > 1:
        label = label + ", " + out["pressure_bar"].map(lambda p: f"{float(p):g} bar")
    out["condition"] = label
    return out


def temperature_label(t: Any) -> str:
    """``"400 K"`` for a temperature in K (``:g`` format); a non-number is returned as text."""
    try:
        return f"{float(t):g} K"
    except (TypeError, ValueError):
        return str(t)


def cell_label(info: dict, name: str) -> str:
    """``"<name>: <n> atoms[, <k> Li2S layers]"`` from a cell's ``md_interface.json``
    (keys ``n_atoms`` and optional ``coating_layers``; paper 001 Fig. 6, Figs. S17-S18).

    Raises
    ------
    KeyError
        ``info`` lacks ``n_atoms``.
    """
    label = f"{name}: {info['n_atoms']} atoms"
    if info.get("coating_layers"):
        label += f", {info['coating_layers']} Li2S layers"
    return label


def cell_variant_table(sei_csvs, infos, names) -> pd.DataFrame:
    """Concatenate per-run SEI tables of several cells with a ``cell`` label per
    (pseudo-)study (paper 001 Fig. 6, Figs. S17-S18).

    Parameters
    ----------
    sei_csvs
        One list of per-run SEI CSV paths per cell.
    infos
        One ``md_interface.json`` path per cell (:func:`cell_label`).
    names
        One name per cell.

    Returns
    -------
    pandas.DataFrame
        The rows of every CSV with ``cell``, ``condition`` (:func:`condition_labels`) and
        ``run`` prefixed ``"<cell> | "``.

    Raises
    ------
    ValueError
        From :func:`condition_labels` (no ``temperature_K``), or no CSV at all.
    """
    frames = []
    for csvs, info_path, name in zip(sei_csvs, infos, names):
        with open(info_path) as fh:
            label = cell_label(json.load(fh), name)
        for csv in csvs:
            frames.append(pd.read_csv(csv).assign(cell=label))
    df = condition_labels(pd.concat(frames, ignore_index=True))
    df["run"] = df["cell"] + " | " + df["run"]
    return df
