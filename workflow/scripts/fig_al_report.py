"""Rule fig_al_report: active-learning report figure (explored-frame shares, labelled data-set
size, DP-GEN stage wall times) and the convergence state of the DP-GEN run."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.model.al_report import (convergence_state, merge_report, read_stage_times,
                                     stage_wall_times)
from seiflow.plot.al_report import plot_al_report

if __name__ == "__main__":
    smk = snakemake  # noqa: F821
    sys.stdout = sys.stderr = open(smk.log[0], "w")
    report = pd.read_csv(smk.input.report)
    times = Path(smk.params.stage_times)  # optional: absent for runs without the timing patch
    walls = stage_wall_times(read_stage_times(times)) if times.is_file() else None
    print(f"stage times: {times if walls is not None else 'none recorded'}")
    conv = dict(smk.params.convergence) if smk.params.convergence else None  # None: no rule
    if conv:
        print(convergence_state(report, conv["max_candidate_share"],
                                conv["max_failed_share"], conv["patience"]))
    plot_al_report(merge_report(report, walls), smk.output.png,
                   trust_levels=tuple(smk.params.trust), convergence=conv,
                   csv_path=smk.output.csv, title=f"{smk.params.study}: active learning")
    if "prov" in smk.output.keys():
        from seiflow.provenance import write_output_provenance

        write_output_provenance(smk, smk.output.prov)
