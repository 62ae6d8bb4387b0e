"""Figure of the glass stage: partial RDFs of the melt-quenched glass samples (paper 000).

Draws the per-sample partial RDFs of :func:`seiflow.builders.glass.partial_rdfs` and writes the
PNG plus the CSV of exactly the plotted table (:func:`seiflow.plot.style.save_figure`).
"""

from __future__ import annotations

import math
from typing import Mapping

from seiflow.builders.glass import ELEMENTS
from seiflow.plot.style import apply_style, plt, require_columns, save_figure, sns

__all__ = ["plot_glass_rdf"]


def plot_glass_rdf(df, png_path, csv_path, cutoffs_A: Mapping[str, float] | None = None
                   ) -> None:
    """Partial RDFs of the glass samples: one panel per pair, one colour per composition.

    Parameters
    ----------
    df
        Long-form DataFrame with columns ``composition``, ``sample``, ``pair``, ``r_A``
        (Å), ``g_r`` (rows of :func:`seiflow.builders.glass.partial_rdfs` tagged with their
        sample).  Lines are the mean over samples, the band their standard deviation;
        panels in element order Li, Si, P, S; one fixed colour per composition across
        panels.
    png_path, csv_path
        Outputs (:func:`seiflow.plot.style.save_figure`); the CSV is ``df`` as plotted.
    cutoffs_A
        Optional center -> X-S coordination cutoff (A), e.g.
        :data:`seiflow.builders.glass.PAPER_TETRAHEDRAL_CUTOFFS_A`; drawn as a dashed
        vertical line in the "X-S" panel (paper 000: P-S 2.73, Si-S 2.80 A).

    Raises
    ------
    ValueError
        Missing columns or an empty frame.
    """
    require_columns(df, ["composition", "sample", "pair", "r_A", "g_r"], "plot_glass_rdf")
    if df.empty:
        raise ValueError("plot_glass_rdf: no data")
    apply_style()
    data = df[["composition", "sample", "pair", "r_A", "g_r"]].sort_values(
        ["pair", "composition", "sample", "r_A"], kind="stable").reset_index(drop=True)
    def _rank(pair: str) -> tuple:
        return tuple((ELEMENTS.index(e) if e in ELEMENTS else 99, e) for e in pair.split("-"))

    pairs = sorted(dict.fromkeys(df["pair"]), key=_rank)
    comps = sorted(dict.fromkeys(df["composition"]))
    palette = dict(zip(comps, sns.color_palette(n_colors=len(comps))))
    ncol = min(4, len(pairs))
    nrow = math.ceil(len(pairs) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(2.4 * ncol, 1.9 * nrow), squeeze=False,
                             sharex=True)
    for ax, pair in zip(axes.flat, pairs):
        sns.lineplot(data=data[data["pair"] == pair], x="r_A", y="g_r", hue="composition",
                     hue_order=comps, palette=palette, errorbar="sd", ax=ax, lw=1.0,
                     legend=ax is axes.flat[0])
        center, ligand = pair.split("-")
        if cutoffs_A and ligand == "S" and center in cutoffs_A:
            ax.axvline(float(cutoffs_A[center]), color="0.4", ls="--", lw=0.8)
        ax.set_title(pair)
        ax.set_xlabel("r (Å)")
        ax.set_ylabel("g(r)")
    for ax in list(axes.flat)[len(pairs):]:
        ax.set_visible(False)
    fig.tight_layout()
    save_figure(fig, data, png_path, csv_path)
