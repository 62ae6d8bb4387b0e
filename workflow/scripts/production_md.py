"""Rule production_md: segmented, restartable LAMMPS run with the compressed DeePMD model."""

import json
import sys
from pathlib import Path

from seiflow.device import require_gpus
from seiflow.md.lammps import run_production, write_summary

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "a")  # noqa: F821
    require_gpus(snakemake.resources.get("gpu", 0))  # noqa: F821
    p = snakemake.params  # noqa: F821
    md_dir = Path(snakemake.output.done).parent  # noqa: F821
    summary = run_production(
        md_dir,
        snakemake.input.data,  # noqa: F821
        snakemake.input.model,  # noqa: F821
        p.type_map,
        p.md,
        p.temperature_K,
        p.seed,
        launcher=snakemake.resources.get("mpi"),  # noqa: F821
    )
    print(json.dumps(summary, indent=2))
    write_summary(summary, snakemake.output.done)  # noqa: F821
