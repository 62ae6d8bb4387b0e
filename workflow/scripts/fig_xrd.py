"""Rule fig_xrd: symmetric_cell Fig. S12 (paper 001): powder XRD of the SEI region of the last
frame (crystalline anions and the Li next to them if any crystallised, else the whole SEI
region) vs ideal Li2S (pymatgen XRDCalculator, Cu Kα)."""

import sys

import ase.io
import numpy as np
import pandas as pd

from seiflow.analysis.crystallinity import ideal_li2s_pattern, xrd_pattern
from seiflow.provenance import write_output_provenance
from seiflow.analysis.sei_structure import snapshot_labels
from seiflow.plot.sei_structure import plot_xrd


def sei_xrd(snapshots, li2s_a_A, fwhm_deg, two_theta_range):
    """Profiles of the extracted region of the last frame and of ideal Li2S (max 100)."""
    atoms = ase.io.read(snapshots, index=-1)
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


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    patterns, n = sei_xrd(snakemake.input.snapshots, p.li2s_a_A, p.fwhm_deg,  # noqa: F821
                          tuple(p.two_theta_range))
    plot_xrd(patterns[["source", "two_theta_deg", "intensity"]], snakemake.output.png,  # noqa: F821
             snakemake.output.csv, title=f"{n} atoms extracted")  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
