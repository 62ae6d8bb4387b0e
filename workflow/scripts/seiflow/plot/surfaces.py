"""Figure of the decomposition surfaces: Wulff shape of every phase (paper 002 Fig. 1).

The table written next to the figure is built by :func:`seiflow.builders.surfaces.wulff_table`;
this module only draws the Wulff polygons (:func:`seiflow.builders.surfaces.wulff_data`) and
writes the PNG plus the CSV of that table (:func:`seiflow.plot.style.save_figure`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from seiflow.builders.surfaces import miller_label
from seiflow.plot.style import apply_style, plt, save_figure, sns

__all__ = ["plot_wulff_shapes"]


def plot_wulff_shapes(
    phases: Mapping[str, Mapping[str, Any]], data: pd.DataFrame, png_path: str | PathLike,
    csv_path: str | PathLike,
) -> None:
    """Paper 002 Fig. 1: Wulff shape of every phase, facets coloured by family.

    Parameters
    ----------
    phases
        {phase: surfaces JSON written by the ``decomposition_surfaces`` rule}, the input of
        :func:`seiflow.builders.surfaces.wulff_table`: one panel per phase, drawn from its
        ``wulff`` entry (``polygons`` vertices in Å, ``facets`` with ``gamma_J_m2`` in J/m^2
        and ``area_fraction``); a phase whose ``wulff`` is ``None`` gets a text panel.
    data
        ``wulff_table(phases)``: written to ``csv_path`` as given (one row per phase and
        plane).
    png_path, csv_path
        Outputs.

    Raises
    ------
    KeyError
        A ``wulff`` entry without ``facets`` / ``polygons`` (``wulff_table`` has already
        refused empty ``phases`` and phases without ``facets``).
    """
    apply_style()
    names = list(phases)
    families = sorted({miller_label(f["miller"]) for d in phases.values() if d.get("wulff")
                       for f in d["wulff"]["facets"] if f["on_wulff"]},
                      key=lambda t: (len(t), t))
    colours = dict(zip(families, sns.color_palette("Set2", n_colors=max(len(families), 1))))
    ncol = min(4, len(names))
    nrow = math.ceil(len(names) / ncol)
    fig = plt.figure(figsize=(3.0 * ncol, 3.8 * nrow))
    for k, phase in enumerate(names):
        ax = fig.add_subplot(nrow, ncol, k + 1, projection="3d")
        ax.set_axis_off()
        d = phases[phase]
        w = d.get("wulff")
        if not w:
            ax.text2D(0.5, 0.5, f"{phase}\nno closed Wulff shape", ha="center",
                      va="center", transform=ax.transAxes)
            continue
        fams = [tuple(f["miller"]) for f in w["facets"] if f["on_wulff"]]
        pal = {m: colours[miller_label(m)] for m in fams}
        r = 0.0
        for poly in w["polygons"]:
            v = np.asarray(poly["vertices"])
            r = max(r, float(np.abs(v).max()))
            coll = Poly3DCollection([v], facecolor=pal.get(tuple(poly["miller"]), "0.7"),
                                    edgecolor="0.35", linewidths=0.4, alpha=0.95)
            ax.add_collection3d(coll)
        ax.set_xlim(-r, r)
        ax.set_ylim(-r, r)
        ax.set_zlim(-r, r)
        ax.set_box_aspect((1, 1, 1))
        ax.view_init(elev=20, azim=35)
        ax.set_title(phase, fontsize="medium")
        handles = [
            plt.Rectangle((0, 0), 1, 1, fc=pal[m]) for m in fams
        ]
        labels = [
            f"{miller_label(m)} {f['gamma_J_m2']:.2f} J/m², {100 * f['area_fraction']:.0f} %"
            for m in fams for f in w["facets"] if tuple(f["miller"]) == m
        ]
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.02),
                  fontsize="x-small", frameon=False)
    fig.tight_layout()
    save_figure(fig, data, png_path, csv_path)
