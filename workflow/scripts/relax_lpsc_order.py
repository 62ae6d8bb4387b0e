"""Rule relax_lpsc_order: relax one explicit ordered or S/Cl-disordered Li6PS5Cl cell."""

import json
import sys
from pathlib import Path

from seiflow.builders.bulk import lpsc_cell, relax_bulk, write_relaxed
from seiflow.oracle.calculators import get_calculator


def run(anion_order, replica, seed, resource_dir, supercell, s_cl_disorder, oracle,
        n_threads, fmax_eV_A, max_steps, optimizer, out_extxyz, out_json):
    """Build the cell of (anion_order, seed), relax it without symmetry constraint, write it."""
    atoms = lpsc_cell(anion_order, resource_dir, supercell, seed=seed,
                      s_cl_disorder=s_cl_disorder)
    calc = get_calculator(oracle, n_threads=n_threads,
                          dft=snakemake.config["dft"])  # noqa: F821
    relaxed, result = relax_bulk(atoms, calc, fmax_eV_A=fmax_eV_A, max_steps=max_steps,
                                 optimizer=optimizer, keep_symmetry=False,
                                 formula="Li6PS5Cl")
    result.update({"phase": f"Li6PS5Cl_{anion_order}", "anion_order": anion_order,
                   "replica": int(replica), "seed": int(seed), "oracle": oracle,
                   "supercell": list(supercell),
                   "s_cl_disorder": float(atoms.info["s_cl_disorder"]),
                   "n_cl_on_4c": int(atoms.info["n_cl_on_4c"])})
    relaxed.info.update({k: v for k, v in result.items() if not isinstance(v, list)})
    write_relaxed(relaxed, result, out_extxyz, out_json)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    w = snakemake.wildcards  # noqa: F821
    resource_dir = Path(snakemake.input.cif).parent  # noqa: F821
    run(w.order, int(w.replica), p.seed, resource_dir, p.supercell, p.s_cl_disorder,
        p.oracle, snakemake.threads, p.fmax_eV_A, p.max_steps, p.optimizer,  # noqa: F821
        snakemake.output.extxyz, snakemake.output.json)  # noqa: F821
