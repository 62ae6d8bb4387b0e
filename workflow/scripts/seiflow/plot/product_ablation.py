"""Figure of the reaction-product ablation (paper 001 Figs. S3-S4 analogue).

Drawing only; the RMSE table comes from :func:`seiflow.model.product_ablation.ablation_table`.
Energies in eV/atom, forces in eV/Å, RMSEs in meV/atom and meV/Å.
"""

from __future__ import annotations

__all__ = ["plot_product_ablation"]

import pandas as pd

from seiflow.plot.style import apply_style, plt, sns

def plot_product_ablation(parity: pd.DataFrame, table: pd.DataFrame, png_path, csv_path,
                          reference: str = "oracle") -> None:
    """Paper 001 Figs. S3-S4 analogue: parity of energies and forces on the reaction products
    for the model trained without them (before) and the final model (after), and the RMSEs.

    Parameters
    ----------
    parity : DataFrame
        Columns quantity, reference, predicted (eV/atom, eV/Å), product, model.
    table : DataFrame
        :func:`seiflow.model.product_ablation.ablation_table` output; written to ``csv_path``.
    png_path, csv_path : path
        Outputs (the PNG at dpi 150).
    reference : str
        Name of the reference oracle on the parity axes.

    Raises
    ------
    ValueError
        If a column is missing.
    """
    need = {"quantity", "reference", "predicted", "product", "model"}
    if need - set(parity.columns):
        raise ValueError(f"parity table lacks {sorted(need - set(parity.columns))}")
    apply_style()
    fig, axes = plt.subplots(2, 2, figsize=(7.2, 6.4))
    panels = (("energy_per_atom", "energy (eV/atom)", "energy_meV_per_atom", "meV/atom"),
              ("force", "force component (eV/Å)", "force_meV_per_A", "meV/Å"))
    for col, (q, label, key, unit) in enumerate(panels):
        ax = axes[0, col]
        sub = parity[parity["quantity"] == q]
        sns.scatterplot(data=sub, x="reference", y="predicted", hue="model", style="product",
                        hue_order=["before", "after"], s=12, alpha=0.6, ax=ax)
        vals = sub[["reference", "predicted"]]
        lo, hi = vals.min().min(), vals.max().max()
        ax.plot([lo, hi], [lo, hi], color="0.3", lw=0.8)
        ax.set_xlabel(f"{reference} {label}")
        ax.set_ylabel(f"model {label}")
        ax = axes[1, col]
        sns.barplot(data=table, x="product", y=key, hue="model", hue_order=["before", "after"],
                    ax=ax)
        ax.set_yscale("log")
        ax.set_ylabel(f"RMSE ({unit})")
    axes[0, 0].set_title("trained without (before) / with (after) the products")
    fig.tight_layout()
    fig.savefig(png_path, dpi=150)
    plt.close(fig)
    table.to_csv(csv_path, index=False)
