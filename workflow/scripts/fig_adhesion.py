"""Rule fig_adhesion: decomposition_interfaces Fig. 2, E_f, sigma and W_adh of every
interface (paper 002 Eqs. 2-4)."""

import json
import sys
from pathlib import Path

from seiflow.builders.metal_binary import interface_energetics_table
from seiflow.plot.metal_binary import plot_interface_energetics
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    records = [json.loads(Path(f).read_text()) for f in snakemake.input]  # noqa: F821
    plot_interface_energetics(interface_energetics_table(records),
                              snakemake.output.png, snakemake.output.csv)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
