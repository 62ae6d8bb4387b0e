"""Figure of the metal | binary interfaces: E_f, sigma and W_adh per interface (paper 002).

The table it draws is built by :func:`seiflow.builders.metal_binary.interface_energetics_table`;
this module only draws it and writes the PNG plus the CSV of exactly that table
(:func:`seiflow.plot.style.save_figure`).
"""

from __future__ import annotations

from os import PathLike

import pandas as pd

from seiflow.builders.surfaces import METALS
from seiflow.plot.style import apply_style, plt, save_figure, sns

__all__ = ["plot_interface_energetics"]

#: Quantities drawn (column ``quantity`` of the table) and their legend labels (paper 002 Eqs.).
_QUANTITIES = [
    ("E_f_J_m2", r"$E_f$ (Eq. 2)"),
    ("sigma_J_m2", r"$\sigma$ (Eq. 3)"),
    ("W_adh_J_m2", r"$W_{adh}$ (Eq. 4)"),
]


def plot_interface_energetics(
    data: pd.DataFrame, png_path: str | PathLike, csv_path: str | PathLike
) -> None:
    """Paper 002 Fig. 2a/b: E_f, sigma and W_adh of every interface, one panel per metal.

    Parameters
    ----------
    data
        Long table of :func:`seiflow.builders.metal_binary.interface_energetics_table` (one row
        per interface and quantity; ``value_J_m2`` in J/m^2; ``unavailable`` rows are
        written to the CSV but not drawn).
    png_path, csv_path
        Outputs; the CSV is ``data`` as given (columns ``pairing``, ``metal``, ``binary``,
        ``quantity``, ``value_J_m2``, ``mismatch_percent``, ``interface_area_A2``,
        ``n_atoms``, ``converged``, ``note``).

    Raises
    ------
    KeyError
        ``data`` lacks one of the columns above (validated by
        ``interface_energetics_table``, which also refuses a table with nothing to draw).
    """
    shown = data[data["quantity"] != "unavailable"]
    apply_style()
    metals = [m for m in METALS if m in set(shown["metal"])]
    width = max(4.5, 1.2 + 0.9 * shown.groupby("metal")["pairing"].nunique().sum())
    counts = [max(1, shown.loc[shown["metal"] == m, "pairing"].nunique()) for m in metals]
    fig, axes = plt.subplots(1, len(metals), figsize=(width, 3.8), squeeze=False,
                             gridspec_kw={"width_ratios": counts}, sharey=True)
    pal = sns.color_palette(n_colors=len(_QUANTITIES))
    for ax, metal in zip(axes[0], metals):
        sub = shown[(shown["metal"] == metal)
                    & shown["quantity"].isin([q for q, _ in _QUANTITIES])]
        sns.barplot(data=sub, x="pairing", y="value_J_m2", hue="quantity",
                    hue_order=[q for q, _ in _QUANTITIES], palette=pal, ax=ax)
        ax.axhline(0.0, color="0.3", lw=0.7)
        ax.set_xlabel("")
        ax.set_ylabel("energy (J m$^{-2}$)")
        ax.set_title(f"{metal}-based interfaces")
        ax.tick_params(axis="x", labelrotation=60, labelsize="x-small")
        for lab in ax.get_xticklabels():
            lab.set_horizontalalignment("right")
        handles, _ = ax.get_legend_handles_labels()
        ax.get_legend().remove()
    fig.legend(handles, [lab for _, lab in _QUANTITIES], frameon=False, fontsize="small",
               loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=3)
    sns.despine(fig=fig)
    fig.tight_layout(rect=(0.0, 0.0, 1.0, 0.9))
    save_figure(fig, data, png_path, csv_path)
