"""Melting check of a trained model on bulk bcc Li (paper 001 Fig. S5: "melts above 453 K").

A perfect bcc supercell is heated at each temperature of a list in NPT; the share of Li that
polyhedral template matching (OVITO, explicit RMSD cutoff) still calls BCC over the second half
of the run tells solid from liquid.  Heating a perfect crystal without a free surface can
superheat it, so the temperature where the BCC share collapses is an upper bound of the
model's melting point, not a coexistence estimate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from ase import Atoms
from ase.build import bulk

from seiflow.analysis.crystallinity import ptm_structure_types, structure_type_fractions

__all__ = ["bcc_li_supercell", "bcc_share", "melting_summary", "LI_MELTING_POINT_K"]

#: Experimental melting point of Li (K) at 1 bar.
LI_MELTING_POINT_K = 453.65


def bcc_li_supercell(a_A: float, repeats: Sequence[int]) -> Atoms:
    """Cubic bcc Li cell of lattice constant ``a_A`` (Å) repeated ``repeats`` (3 ints >= 1).

    Raises
    ------
    ValueError
        If ``a_A`` <= 0 or ``repeats`` is not three integers >= 1.
    """
    reps = [int(r) for r in repeats]
    if a_A <= 0 or len(reps) != 3 or min(reps) < 1:
        raise ValueError(f"bcc_li_supercell: need a_A > 0 and three repeats >= 1, got "
                         f"{a_A}, {repeats}")
    return bulk("Li", "bcc", a=a_A, cubic=True).repeat(reps)


def bcc_share(frames: Iterable[Atoms], rmsd_cutoff: float = 0.1) -> np.ndarray:
    """BCC share of the atoms of every frame (PTM).

    Returns
    -------
    numpy.ndarray
        Shape (n_frames,), fractions in [0, 1].
    """
    return np.array([structure_type_fractions(ptm_structure_types(f, None, rmsd_cutoff))["BCC"]
                     for f in frames])


def melting_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per temperature: mean ± std of the BCC share over the second half of the run, and
    ``solid`` (mean share >= 0.5).

    Parameters
    ----------
    df
        Columns ``temperature_K``, ``time_ps``, ``bcc_share``.

    Raises
    ------
    ValueError
        If a column is missing.
    """
    missing = {"temperature_K", "time_ps", "bcc_share"} - set(df.columns)
    if missing:
        raise ValueError(f"melting_summary: missing column(s) {sorted(missing)}")
    rows = []
    for T, g in df.groupby("temperature_K"):
        late = g[g["time_ps"] >= 0.5 * g["time_ps"].max()]["bcc_share"]
        rows.append({"temperature_K": T, "bcc_share_mean": float(late.mean()),
                     "bcc_share_std": float(late.std(ddof=1)) if len(late) > 1 else np.nan,
                     "n_frames": int(len(late)), "solid": bool(late.mean() >= 0.5)})
    return pd.DataFrame(rows)
