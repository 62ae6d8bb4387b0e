"""Rule fig_thermo: symmetric_cell Fig. S6 (paper 001): volume, potential energy and temperature
vs time of every production run, from the LAMMPS thermo output."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.analysis.runs import condition_labels
from seiflow.md.lammps import thermo_table
from seiflow.provenance import write_output_provenance
from seiflow.plot.sei_structure import plot_time_series

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    frames = []
    for done, run, cond in zip(snakemake.input.done, snakemake.params.runs,  # noqa: F821
                               snakemake.params.conditions):  # noqa: F821
        t = thermo_table(Path(done).parent)
        t = t.rename(columns={"Time": "time_ps", "Volume": "volume_A3", "PotEng": "pe_eV",
                              "Temp": "temperature_md_K"})
        frames.append(t.assign(run=run, **cond))
    df = condition_labels(pd.concat(frames, ignore_index=True))
    plot_time_series(df, {"volume_A3": "volume (Å$^3$)", "pe_eV": "potential energy (eV)",
                          "temperature_md_K": "temperature (K)"},
                     snakemake.output.png, snakemake.output.csv)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
