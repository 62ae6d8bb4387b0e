"""Figure of the teacher validation of a model (issue 21): one panel per check kind.

Only drawing: the rows come from :func:`seiflow.model.teacher_validation.run_teacher_validation`.
Each panel shows error / tolerance of every row of one check (bars coloured by pass / fail,
the dashed line at 1 is the tolerance); the bcc-Li panel shows the PTM class shares of
teacher and model side by side instead, with the share tolerance in its title. Writes the
PNG and the CSV of the plotted rows (:func:`seiflow.plot.style.save_figure`).
"""

from __future__ import annotations

from os import PathLike

import numpy as np
import pandas as pd

from seiflow.model.teacher_validation import CHECKS, TABLE_COLUMNS
from seiflow.plot.style import apply_style, plt, save_figure, sns

__all__ = ["plot_teacher_validation"]

_TITLES = {"own_frames": "model-visited frames, relabelled",
           "bcc_li": "bcc Li at temperature (PTM)",
           "lattice": "equilibrium lattice (E-V fit)",
           "rdf_peak": "first RDF peak",
           "reactive": "intact tetrahedra after reactive MD"}


def plot_teacher_validation(table: pd.DataFrame, png: str | PathLike, csv: str | PathLike,
                            title: str = "") -> None:
    """Draw the teacher-validation table.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns :data:`seiflow.model.teacher_validation.TABLE_COLUMNS`.
    png, csv : path-like
        Outputs; the CSV holds the plotted rows with ``error_over_tolerance``.
    title : str
        Figure title (model study and teacher).

    Raises
    ------
    KeyError
        A column is missing.
    ValueError
        Empty table.
    """
    if table.empty:
        raise ValueError("empty teacher-validation table")
    data = table[list(TABLE_COLUMNS)].copy()
    data["error_over_tolerance"] = data["error"] / data["tolerance"]
    data["label"] = data["system"] + " " + data["quantity"]
    # a row without a finite error (e.g. no E-V minimum of the model) has no bar: say so
    data.loc[~np.isfinite(data["error"].astype(float)), "label"] += " (no value: failed)"
    data["verdict"] = np.where(data["passed"].astype(bool), "passed", "failed")
    kinds = [c for c in CHECKS if c in set(data["check"])]
    apply_style()
    fig, axes = plt.subplots(1, len(kinds), figsize=(3.6 * len(kinds), 3.6), squeeze=False)
    palette = {"passed": "tab:green", "failed": "tab:red"}
    for ax, kind in zip(axes[0], kinds):
        rows = data[data["check"] == kind]
        if kind == "bcc_li":
            shares = rows.melt(id_vars=["quantity"], value_vars=["teacher", "model"],
                               var_name="source", value_name="share_percent")
            sns.barplot(data=shares, x="quantity", y="share_percent", hue="source", ax=ax)
            ax.set_xlabel("")
            ax.set_ylabel("share of Li (%)")
            ax.set_title(f"{_TITLES[kind]}\ntolerance ±{rows['tolerance'].iloc[0]:g} points",
                         fontsize="small")
            ax.legend(frameon=False, fontsize="x-small")
            ax.tick_params(axis="x", labelrotation=30, labelsize="x-small")
            continue
        sns.barplot(data=rows, y="label", x="error_over_tolerance", hue="verdict",
                    palette=palette, dodge=False, ax=ax)
        ax.axvline(1.0, color="0.3", ls="--", lw=1)
        ax.set_xlabel("error / tolerance")
        ax.set_ylabel("")
        ax.set_title(_TITLES[kind], fontsize="small")
        ax.tick_params(axis="y", labelsize="x-small")
        if ax.get_legend() is not None:
            ax.legend(frameon=False, fontsize="x-small")
    if title:
        fig.suptitle(title, fontsize="small")
    sns.despine(fig)
    fig.tight_layout()
    save_figure(fig, data, png, csv)
