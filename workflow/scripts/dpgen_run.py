"""Rule dpgen_run: run (or resume) DP-GEN in its work folder."""

import json
import logging
import sys
from pathlib import Path

from seiflow.model.active_learning import run_dpgen

if __name__ == "__main__":
    log = open(snakemake.log[0], "a")  # noqa: F821  (appends: a resumed run keeps history)
    sys.stdout = sys.stderr = log
    logging.basicConfig(stream=log, level=logging.INFO, force=True)
    workdir = Path(snakemake.input.param).parent  # noqa: F821
    state = run_dpgen(
        workdir,
        snakemake.params.seed,  # noqa: F821
        (workdir / "remote").resolve(),
        snakemake.params.convergence,  # noqa: F821
        parallel_tasks=snakemake.threads,  # noqa: F821  (Shell stages: at most this many tasks)
    )
    Path(snakemake.output.done).write_text(json.dumps(state, indent=1) + "\n")  # noqa: F821
