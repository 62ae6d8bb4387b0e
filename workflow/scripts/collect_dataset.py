"""Rule collect_dataset: training / held-out split of all labelled frames, and the AL report."""

import json
import sys
from pathlib import Path

from seiflow.provenance import write_output_provenance
from seiflow.model.active_learning import active_learning_report, collect_dataset

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    workdir = Path(snakemake.input.done).parent  # noqa: F821
    summary = collect_dataset(
        list(snakemake.input.init),  # noqa: F821
        workdir,
        p.type_map,
        snakemake.output.train,  # noqa: F821
        snakemake.output.valid,  # noqa: F821
        p.validation_fraction,
        p.seed,
    )
    report = active_learning_report(workdir, summary["n_init"], *p.trust)
    Path(snakemake.output.al_report).parent.mkdir(parents=True, exist_ok=True)  # noqa: F821
    report.to_csv(snakemake.output.al_report, index=False)  # noqa: F821
    summary["iterations"] = len(report)
    Path(snakemake.output.summary).write_text(json.dumps(summary, indent=2))  # noqa: F821
    print(json.dumps(summary, indent=2))
    print(report.to_string())
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
