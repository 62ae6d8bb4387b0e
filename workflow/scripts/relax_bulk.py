"""Rule relax_bulk: relax one ordered bulk phase (cell + positions) with the oracle."""

import json
import sys
from pathlib import Path

from seiflow.builders.bulk import bulk_atoms, relax_bulk, write_relaxed
from seiflow.oracle.calculators import get_calculator


def run(phase, resource_dir, oracle, n_threads, fmax_eV_A, max_steps, optimizer,
        keep_symmetry, symprec_A, out_extxyz, out_json):
    """Relax ``phase`` from its CIF and write ``<phase>.extxyz`` + ``<phase>.json``."""
    atoms = bulk_atoms(phase, resource_dir)
    calc = get_calculator(oracle, n_threads=n_threads,
                          dft=snakemake.config["dft"])  # noqa: F821
    relaxed, result = relax_bulk(atoms, calc, fmax_eV_A=fmax_eV_A, max_steps=max_steps,
                                 optimizer=optimizer, keep_symmetry=keep_symmetry,
                                 symprec_A=symprec_A)
    result.update({"phase": phase, "oracle": oracle})
    relaxed.info.update({"phase": phase, "oracle": oracle})
    write_relaxed(relaxed, result, out_extxyz, out_json)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    resource_dir = Path(snakemake.input.cif).parent  # noqa: F821
    run(snakemake.wildcards.phase, resource_dir, p.oracle, snakemake.threads,  # noqa: F821
        p.fmax_eV_A, p.max_steps, p.optimizer, p.keep_symmetry, p.symprec_A,
        snakemake.output.extxyz, snakemake.output.json)  # noqa: F821
