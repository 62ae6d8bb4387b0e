"""Rule fig_xrd: symmetric_cell Fig. S12 (paper 001): powder XRD of the SEI region of the last
frame (crystalline anions and the Li next to them if any crystallised, else the whole SEI
region) vs ideal Li2S (pymatgen XRDCalculator, Cu Kα)."""

import sys

import ase.io

from seiflow.analysis.xrd import sei_xrd
from seiflow.plot.sei_structure import plot_xrd
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    atoms = ase.io.read(snakemake.input.snapshots, index=-1)  # noqa: F821
    patterns, n = sei_xrd(atoms, p.li2s_a_A, p.fwhm_deg, tuple(p.two_theta_range))
    plot_xrd(patterns[["source", "two_theta_deg", "intensity"]], snakemake.output.png,  # noqa: F821
             snakemake.output.csv, title=f"{n} atoms extracted")  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
