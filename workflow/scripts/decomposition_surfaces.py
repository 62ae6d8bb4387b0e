"""Rule decomposition_surfaces: Tasker slabs, surface energies and Wulff shape of one phase
(paper 002 Eq. 1, Fig. 1)."""

import json
import sys
from pathlib import Path

import ase.io

from seiflow.oracle.calculators import get_calculator
from seiflow.builders.surfaces import compute_phase_surfaces


def run(phase, bulk_extxyz, bulk_json, oracle, n_threads, settings, out_json, out_slabs):
    """Write the surfaces report (JSON) and the relaxed slabs (extxyz) of ``phase``."""
    atoms = ase.io.read(bulk_extxyz, format="extxyz")
    e_bulk = float(json.loads(Path(bulk_json).read_text())["energy_per_atom_eV"])
    calc = get_calculator(oracle, n_threads, dft=snakemake.config["dft"])  # noqa: F821
    report, frames = compute_phase_surfaces(atoms, phase, e_bulk, calc, settings)
    report["oracle"] = oracle
    Path(out_json).write_text(json.dumps(report, indent=2))
    if frames:
        ase.io.write(out_slabs, frames, format="extxyz")
    else:  # no Tasker-compliant slab at all: keep the (empty) output
        Path(out_slabs).write_text("")
    for f in report["facets"]:
        print(f"{phase}{f['miller']}: gamma = {f['gamma_J_m2']:.3f} J/m2 ({f['termination']}, "
              f"{f['n_atoms']} atoms, converged={f['converged']})")
    print("planes without a Tasker slab:", [m["miller"] for m in report["planes_without_slab"]])
    print("Wulff:", report["wulff_error"] or report["wulff"]["facets"])


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    run(snakemake.wildcards.phase, snakemake.input.extxyz, snakemake.input.json,  # noqa: F821
        p.oracle, snakemake.threads, dict(p.settings), snakemake.output.json,  # noqa: F821
        snakemake.output.slabs)  # noqa: F821
