"""Figures of the Li-metal | Li6PS5Cl-termination interfaces (paper 003 Figs 6 and 7a).

The tables they draw are built by :func:`seiflow.builders.termination_interfaces.fig6_table`
and :func:`seiflow.builders.termination_interfaces.rdf_frame`; this module only draws them
and writes each PNG plus the CSV of the table (:func:`seiflow.plot.style.save_figure`).
"""

from __future__ import annotations

import pandas as pd

from seiflow.plot.style import apply_style, plt, require_columns, save_figure, sns

__all__ = ["plot_fig6", "plot_fig7a"]


def plot_fig6(data: pd.DataFrame, png_path, csv_path, oracle: str) -> None:
    """Fig 6 stand-in: gamma_inter and gamma_inter^min per interface, charged vs neutral.

    Parameters
    ----------
    data : pandas.DataFrame
        ``fig6_table(records)``: one row per interface record with ``interface``,
        ``state``, ``gamma_inter_eV_nm2`` (paper 003 eq 9) and ``gamma_inter_min_eV_nm2``
        (eq 10), both in eV/nm^2; one bar per interface and state + quantity.
    png_path, csv_path : path
        Outputs; the CSV is ``data`` as given.
    oracle : str
        Name of the oracle, shown in the title.

    Raises
    ------
    KeyError
        ``data`` lacks one of the columns above.
    """
    long = data.melt(id_vars=["interface", "state"],
                     value_vars=["gamma_inter_eV_nm2", "gamma_inter_min_eV_nm2"],
                     var_name="quantity", value_name="eV_nm2")
    long["bar"] = long.state + " " + long.quantity.str.replace("_eV_nm2", "")
    apply_style()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    sns.barplot(data=long, x="interface", y="eV_nm2", hue="bar", ax=ax)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_ylabel(r"$\gamma_{inter}$ (eV nm$^{-2}$)")
    ax.set_xlabel("Li-metal / Li6PS5Cl interface")
    ax.set_title(f"paper 003 Fig 6: interface formation energies ({oracle})")
    save_figure(fig, data, png_path, csv_path)


def plot_fig7a(frame: pd.DataFrame, png_path, csv_path) -> None:
    """Fig 7a: P-S (top) and Li-P (bottom) RDFs before/after relaxation.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`seiflow.builders.termination_interfaces.rdf_frame` output, columns ``pair``,
        ``stage``, ``r_A`` (Å), ``g`` (dimensionless); ``frame.attrs["title"]`` (optional)
        is the panel title.
    png_path, csv_path : path
        Outputs; the CSV is ``frame`` as given.

    Raises
    ------
    ValueError
        Missing columns or no rows.
    """
    require_columns(frame, ["pair", "stage", "r_A", "g"], "plot_fig7a")
    if frame.empty:
        raise ValueError("plot_fig7a: no rows")
    apply_style()
    fig, axes = plt.subplots(2, 1, figsize=(5, 5), sharex=True)
    for ax, pair in zip(axes, ["P-S", "Li-P"]):
        for stage, sub in frame[frame.pair == pair].groupby("stage", sort=False):
            ax.plot(sub.r_A, sub.g, label=stage)
        ax.set_ylabel(f"g$_{{{pair}}}$(r)")
        ax.legend()
    axes[-1].set_xlabel("r (Å)")
    axes[0].set_title(str(frame.attrs.get("title", "paper 003 Fig 7a")))
    save_figure(fig, frame, png_path, csv_path)
