"""Rule glass_md: production MD of one Li|glass slab with the glass study's model, the
frozen top/bottom layers held fixed (paper 000, Methods)."""

import json
import sys
from pathlib import Path

import ase.io

from seiflow.device import require_gpus
from seiflow.analysis.glass_md import frozen_atom_ids
from seiflow.md.lammps import run_production, write_summary

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "a")  # noqa: F821
    require_gpus(snakemake.resources.get("gpu", 0))  # noqa: F821
    p, i = snakemake.params, snakemake.input  # noqa: F821
    slab = ase.io.read(i.extxyz)
    info = json.loads(Path(i.info).read_text())
    summary = run_production(
        Path(snakemake.output.done).parent,  # noqa: F821
        i.data,
        i.model,
        p.type_map,
        p.md,
        p.md["temperature_K"],
        p.seed,
        frozen_ids=frozen_atom_ids(slab.arrays["frozen"]),
        freeze_z_only=info["freeze_z_only"],
        launcher=snakemake.resources.get("mpi"),  # noqa: F821
    )
    print(json.dumps(summary, indent=2))
    write_summary(summary, snakemake.output.done)  # noqa: F821
