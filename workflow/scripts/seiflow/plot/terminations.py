"""Rendered tables of the Li6PS5Cl terminations: paper 003 Table 2 and Table 4 (surface part).

The tables are built by :func:`seiflow.builders.terminations.tab2_frame` and
:func:`seiflow.builders.terminations.tab4_frame`; this module writes each as CSV and as a PNG
image (:func:`seiflow.plot.style.render_table_png`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from seiflow.plot.style import render_table_png

__all__ = ["render_table"]


def render_table(df, png_path, csv_path, columns: Sequence[str], title: str = "") -> None:
    """Write ``df`` to ``csv_path`` and a rendered image of ``columns`` to ``png_path``
    (:func:`seiflow.plot.style.render_table_png`, floats with 3 decimals).

    Parameters
    ----------
    df : pandas.DataFrame
        Table to write, e.g. ``tab2_frame(records)`` (gamma in J/m^2 and eV/nm^2, areas
        in Å^2, formal charges in e).
    png_path, csv_path : path
        Outputs; the image first, then the CSV (all columns of ``df``); parent folders
        are created.
    columns : sequence of str
        Columns shown in the image, in order.
    title : str
        Title above the image (none when empty).

    Raises
    ------
    ValueError
        A requested column is missing, or the table is empty.
    """
    render_table_png(df, png_path, columns, title=title or None)
    Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(csv_path, index=False)
