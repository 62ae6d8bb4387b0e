"""The one figure style of the workflow and the helpers every figure uses.

Every figure function writes a PNG (dpi :data:`DPI`) *and* the tidy CSV of exactly the
DataFrame that was plotted. Style: ``sns.set_theme(context="paper", style="ticks")`` on the
non-interactive Agg backend.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from seiflow.analysis.runs import require_columns  # noqa: E402

__all__ = ["DPI", "apply_style", "save_figure", "finish_figure", "render_table_png",
           "require_columns", "plt", "sns"]

DPI = 200


def apply_style() -> None:
    """Set the workflow's seaborn theme (``context="paper", style="ticks"``)."""
    sns.set_theme(context="paper", style="ticks")


def save_figure(fig: plt.Figure, data: pd.DataFrame, png_path, csv_path) -> None:
    """Write ``data`` to ``csv_path`` and ``fig`` to ``png_path`` (dpi :data:`DPI`), then close
    the figure. Parent folders are created."""
    for p in (png_path, csv_path):
        Path(p).parent.mkdir(parents=True, exist_ok=True)
    data.to_csv(csv_path, index=False)
    fig.savefig(png_path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)


def finish_figure(fig: plt.Figure, data: pd.DataFrame, png_path, csv_path,
                  title: str | None = None) -> None:
    """Optional suptitle (fontsize 10), ``tight_layout``, then :func:`save_figure`."""
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    save_figure(fig, data, png_path, csv_path)


def render_table_png(table: pd.DataFrame, png_path, columns=None, title: str | None = None,
                     float_format: str = "{:.3f}", max_text: int | None = None) -> None:
    """Render a table as a PNG (matplotlib ``table``, dpi :data:`DPI`) for tables that also
    exist as CSV (tab1, tab2, tab3, tab4, tabS3).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows to show.
    png_path : path
        Image to write (parent folders are created).
    columns : sequence of str, optional
        Columns to show, in order (default: all).
    title : str, optional
        Title above the table, wrapped at 110 characters.
    float_format : str
        Format of float cells; NaN / missing cells are shown empty.
    max_text : int, optional
        Longer text cells are cut to this many characters (ending in "…").

    Raises
    ------
    ValueError
        Empty table, or a requested column is missing.
    """
    if table is None or len(table) == 0:
        raise ValueError("render_table_png: empty table")
    cols = list(columns) if columns is not None else list(table.columns)
    require_columns(table, cols, "render_table_png")

    def cell(v):
        if pd.isna(v):
            return ""
        if isinstance(v, (float, np.floating)):
            return float_format.format(v)
        text = str(v)
        if max_text is not None and len(text) > max_text:
            return text[: max_text - 1] + "…"
        return text

    cells = [[cell(v) for v in row] for row in table[cols].itertuples(index=False)]
    fig, ax = plt.subplots(figsize=(min(1.0 + 1.2 * len(cols), 22), 0.6 + 0.3 * len(cells)))
    ax.axis("off")
    tab = ax.table(cellText=cells, colLabels=cols, loc="center", cellLoc="center")
    tab.auto_set_font_size(False)
    tab.set_fontsize(7)
    tab.auto_set_column_width(list(range(len(cols))))
    if title:
        ax.set_title("\n".join(textwrap.wrap(title, 110)), fontsize=8)
    Path(png_path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png_path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
