"""Rule bulk_md: bulk MD of one system at one temperature (restartable segments)."""

import sys
from pathlib import Path

from seiflow.device import require_gpus
from seiflow.md.lammps import run_production, write_summary

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    require_gpus(snakemake.resources.get("gpu", 0))  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    md_dir = Path(o.done).parent
    summary = run_production(md_dir, i.data, i.model, list(p.type_map), p.md,
                             float(snakemake.wildcards.T), p.seed,  # noqa: F821
                             launcher=snakemake.resources.get("mpi"))  # noqa: F821
    write_summary(summary, o.done)
    print(summary)
