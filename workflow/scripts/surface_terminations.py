"""Rule surface_terminations: symmetric Li6PS5Cl slabs, oracle gamma_surf, charge balancing
(paper 003 section 3.2.1 and 3.2.3; logic in seiflow.builders.terminations)."""

import json
import sys

import ase.io

from seiflow.oracle.calculators import get_calculator
from seiflow.builders.cells import load_bulk
from seiflow.builders.terminations import (
    elemental_chemical_potentials_eV,
    energy_per_formula_unit_eV,
    termination_study,
)


def run(inp, out, p):
    """Read the relaxed bulk phases, run the study, write JSON records and extxyz slabs."""
    energies = {
        compound: energy_per_formula_unit_eV(
            json.loads(open(inp[key]).read())["energy_per_atom_eV"], compound
        )
        for key, compound in (("lpsc", "Li6PS5Cl"), ("li3p", "Li3P"), ("li2s", "Li2S"),
                              ("licl", "LiCl"))
    }
    print("energies per formula unit (eV):", energies)
    bulk = ase.io.read(inp["bulk"], format="extxyz")
    calc = get_calculator(p.oracle, n_threads=p.oracle_threads,
                          dft=snakemake.config["dft"])  # noqa: F821
    records, planes, slabs, balanced = termination_study(
        bulk, energies, calc, p.settings, p.scale_settings, p.seed,
        min_distance_A=p.min_distance_A, parent_structure=load_bulk("Li6PS5Cl", inp["resources"]),
    )
    for row in planes:
        print(row)
    with open(out["records"], "w") as fh:
        json.dump({"oracle": p.oracle, "energies_per_fu_eV": energies,
                   "mu_elements_eV": elemental_chemical_potentials_eV(energies),
                   "planes": planes, "terminations": records}, fh, indent=1)
    ase.io.write(out["slabs"], slabs, format="extxyz")
    ase.io.write(out["balanced"], balanced, format="extxyz")
    print(f"{len(records)} terminations, {len(balanced)} charge-balanced")


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    run(snakemake.input, snakemake.output, snakemake.params)  # noqa: F821
