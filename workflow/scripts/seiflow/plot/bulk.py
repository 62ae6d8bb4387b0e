"""Figure of the bulk stage: relaxed lattice of ordered vs disordered Li6PS5Cl (paper 003).

The table it draws is built by :func:`seiflow.builders.bulk.lpsc_lattice_long`; this module only
draws it and writes the PNG plus the CSV of exactly that table
(:func:`seiflow.plot.style.save_figure`).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D

from seiflow.builders.bulk import ANION_ORDERS
from seiflow.plot.style import apply_style, plt, save_figure, sns

__all__ = ["plot_lpsc_lattice"]


def plot_lpsc_lattice(long: pd.DataFrame, png_path, csv_path) -> None:
    """Relaxed lattice parameters of ordered vs disordered Li6PS5Cl next to published ones.

    Paper 003 Fig. 3 shows the two cells; its Table 1 gives the relaxed lattice of the
    disordered one.  Left panel: a, b, c (Å); right panel: alpha, beta, gamma (degrees).
    One point per relaxed replica (this pipeline, coloured by anion order) and one marker
    per published value.

    Parameters
    ----------
    long
        Long table of :func:`seiflow.builders.bulk.lpsc_lattice_long` (columns ``source,
        anion_order, replica, parameter, value, unit``; values in Å or degrees).
    png_path, csv_path
        Outputs.  The CSV is ``long`` as plotted.

    Raises
    ------
    KeyError
        ``long`` lacks one of the columns above (validated by ``lpsc_lattice_long``).
    """
    apply_style()
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.2))
    pal = dict(zip(ANION_ORDERS, sns.color_palette(n_colors=2)))
    markers = ["*", "D", "s", "^", "v", "P"]
    pub_sources = list(dict.fromkeys(long.loc[long.source != "this pipeline", "source"]))
    for ax, unit, params in ((axes[0], "Å", ["a", "b", "c"]),
                             (axes[1], "°", ["alpha", "beta", "gamma"])):
        sub = long[(long.unit == unit) & (long.source == "this pipeline")]
        sns.stripplot(data=sub, x="parameter", y="value", hue="anion_order", order=params,
                      hue_order=list(ANION_ORDERS), palette=pal, dodge=True, jitter=0.08,
                      size=5, ax=ax, legend=ax is axes[0])
        for k, s in enumerate(pub_sources):
            p = long[(long.unit == unit) & (long.source == s)]
            for _, row in p.iterrows():
                x = params.index(row["parameter"]) + (0.2 if row["anion_order"] == "disordered"
                                                     else -0.2)
                ax.scatter([x + 0.1], [row["value"]], marker=markers[k % len(markers)],
                           s=40, facecolor="none", edgecolor=pal[row["anion_order"]],
                           linewidth=1.0, zorder=5)
        ax.set_xlabel("lattice parameter")
        ax.set_ylabel(f"relaxed value ({unit})")
    handles, labels = axes[0].get_legend_handles_labels()
    handles += [Line2D([], [], marker=markers[k % len(markers)], ls="none", mfc="none",
                       mec="0.3", label=_short(s)) for k, s in enumerate(pub_sources)]
    labels = [f"{h} ({'this pipeline'})" if h in ANION_ORDERS else h for h in labels]
    labels += [_short(s) for s in pub_sources]
    if axes[0].get_legend() is not None:
        axes[0].get_legend().remove()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2,
               frameon=False, fontsize="small")
    sns.despine(fig=fig)
    fig.tight_layout()
    save_figure(fig, long, png_path, csv_path)


def _short(source: str, n: int = 60) -> str:
    return source if len(source) <= n else source[: n - 1] + "…"
