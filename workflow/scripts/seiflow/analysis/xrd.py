"""Powder XRD of the SEI region of an MD frame vs ideal Li2S (paper 001 Fig. S12).

Kept apart from :mod:`seiflow.analysis.crystallinity` because it needs the snapshot labels of
:mod:`seiflow.analysis.sei_structure`, which itself imports crystallinity.  The patterns are
computed with pymatgen's ``XRDCalculator`` (Cu Kα) through
:func:`seiflow.analysis.crystallinity.xrd_pattern` / ``ideal_li2s_pattern``.  Units: Å, degrees.
"""

from __future__ import annotations

__all__ = ["sei_xrd"]

import numpy as np
import pandas as pd
from ase import Atoms

from seiflow.analysis.crystallinity import ideal_li2s_pattern, xrd_pattern
from seiflow.analysis.sei_structure import snapshot_labels


def sei_xrd(atoms: Atoms, li2s_a_A: float, fwhm_deg: float,
            two_theta_range: tuple[float, float]) -> tuple[pd.DataFrame, int]:
    """Powder XRD profile of the SEI region of a labelled frame and of ideal Li2S.

    The region is the crystalline SEI (anions on an fcc sublattice and the Li next to them,
    ``snapshot_labels(atoms, "phase") == "crystalline"``) if any crystallised, else the whole
    SEI region (crystalline or amorphous) [paper 001, Fig. S12].

    Parameters
    ----------
    atoms
        Labelled frame with the per-atom arrays ``region`` and ``anion_crystalline`` (the
        snapshots file of the structure analysis), n_atoms atoms, positions in Å.
    li2s_a_A
        Lattice constant of the ideal antifluorite Li2S reference (Å).
    fwhm_deg
        Gaussian broadening, full width at half maximum (degrees 2θ).
    two_theta_range
        (min, max) of 2θ (degrees).

    Returns
    -------
    patterns : pandas.DataFrame
        ``two_theta_deg``, ``intensity`` (max 100 per source) and ``source`` (the MD region
        first, then ``"ideal Li2S (a = <a> Å)"``).
    n_atoms : int
        Number of atoms in the extracted region.

    Raises
    ------
    ValueError
        From :func:`seiflow.analysis.sei_structure.snapshot_labels` (missing per-atom arrays)
        or :func:`seiflow.analysis.crystallinity.xrd_pattern` (empty region, bad range).
    """
    labels = snapshot_labels(atoms, "phase")
    crystalline = labels == "crystalline"
    if crystalline.any():
        mask, name = crystalline, "crystalline SEI region (MD, last frame)"
    else:
        mask, name = np.isin(labels, ["crystalline", "amorphous"]), \
            "SEI region (MD, last frame; nothing crystallised)"
    md = xrd_pattern(atoms, two_theta_range=two_theta_range, region_mask=mask,
                     fwhm_deg=fwhm_deg)
    ideal = ideal_li2s_pattern(li2s_a_A, two_theta_range=two_theta_range, fwhm_deg=fwhm_deg)
    return pd.concat([md[["two_theta_deg", "intensity"]].assign(source=name),
                      ideal[["two_theta_deg", "intensity"]].assign(
                          source=f"ideal Li2S (a = {li2s_a_A} Å)")], ignore_index=True), int(
        mask.sum())
