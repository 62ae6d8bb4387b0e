"""Parity figure of the teacher benchmark (embedded teachers vs the reference oracle).

Drawing only; the data come from :mod:`seiflow.oracle.benchmark`
(:func:`~seiflow.oracle.benchmark.parity_data`, :func:`~seiflow.oracle.benchmark.rms`).
Energies in eV/atom, forces in eV/Å.
"""

from __future__ import annotations

__all__ = ["parity_plot"]

from collections.abc import Mapping, Sequence

from seiflow.oracle.benchmark import parity_data, rms
from seiflow.plot.style import apply_style, plt, save_figure, sns

def parity_plot(reference: Sequence[dict], teachers: Mapping[str, Sequence[dict]],
                frames: Sequence, png, csv, reference_name: str = "reference") -> None:
    """Force parity per teacher plus one energy parity panel (all teachers), PNG + CSV.

    Uses the style and writer of :mod:`seiflow.plot.style` (seaborn ``paper``/``ticks``, dpi
    200); the CSV is :func:`seiflow.oracle.benchmark.parity_data`, exactly what is plotted.
    Panel titles give the force RMSE (eV/Å) and shifted energy RMSE (meV/atom)
    (:func:`seiflow.oracle.benchmark.rms`).

    Parameters
    ----------
    reference, teachers, frames
        As in :func:`seiflow.oracle.benchmark.error_table`.
    png, csv : path
        Outputs (parent folders are created).
    reference_name : str
        Axis label of the reference (e.g. ``"cp2k"``).
    """
    data = parity_data(reference, teachers, frames)
    apply_style()
    names = list(teachers)
    palette = dict(zip(names, sns.color_palette(n_colors=len(names))))
    fig, axes = plt.subplots(1, len(names) + 1, figsize=(3.2 * (len(names) + 1), 3.3),
                             squeeze=False)
    panels = [(n, "force", "force component", "", "eV/Å") for n in names]
    panels.append((None, "energy_per_atom", "energy", " + shift", "eV/atom"))
    for ax, (name, quantity, label, shift, unit) in zip(axes[0], panels):
        sub = data[data["quantity"] == quantity]
        if name is not None:
            sub = sub[sub["teacher"] == name]
            ax.set_title(f"{name}: RMSE {rms(sub['predicted'] - sub['reference']):.3f} {unit}")
        else:
            text = ", ".join(f"{t} {1e3 * rms(g['predicted'] - g['reference']):.1f}"
                            for t, g in sub.groupby("teacher", sort=False))
            ax.set_title(f"RMSE (meV/atom): {text}", fontsize="small")
        sns.scatterplot(data=sub, x="reference", y="predicted", hue="teacher", ax=ax, s=8,
                        palette=palette, edgecolor="none", alpha=0.6, rasterized=True,
                        legend=name is None)
        vals = sub[["reference", "predicted"]].to_numpy(dtype=float)
        lo, hi = float(vals.min()), float(vals.max())
        pad = 0.05 * (hi - lo) if hi > lo else 0.5
        lim = (lo - pad, hi + pad)
        ax.plot(lim, lim, color="0.3", lw=0.8, ls="--", zorder=0)
        ax.set(xlim=lim, ylim=lim, aspect="equal", xlabel=f"{reference_name} {label} ({unit})",
               ylabel=f"teacher {label}{shift} ({unit})")
    sns.despine(fig=fig)
    fig.tight_layout()
    save_figure(fig, data, png, csv)
