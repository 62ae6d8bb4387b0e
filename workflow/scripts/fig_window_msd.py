"""Rule fig_window_msd: symmetric_cell Fig. 2b (paper 001): window-averaged MSD of the
metal-region Li by PTM class (BCC, HCP, FCC, other), in-plane (xy) and out-of-plane (z), from
one production run streamed frame by frame."""

import sys
from pathlib import Path

from seiflow.analysis.phase_transport import window_msd_of_run
from seiflow.plot.phase_transport import plot_window_msd
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, o = snakemake.params, snakemake.output  # noqa: F821
    msd, counts, summary = window_msd_of_run(
        Path(snakemake.input.done).parent, p.md, p.type_map, p.origins_ps,  # noqa: F821
        p.window_ps, p.ps4_cutoff_A, p.ptm_rmsd_cutoff)
    origins = ", ".join(f"{t:g}" for t in p.origins_ps)
    title = (f"metal Li by PTM class, window-averaged MSD (paper 001 Fig. 2b): run {p.run}, "
             f"origins {origins} ps, {p.window_ps:g} ps windows")
    plot_window_msd(msd, counts, summary, o.png, o.csv, title)
    print(counts.to_string())
    print(summary.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
