"""Rule termination_interfaces: Li-metal | Li6PS5Cl-termination interfaces, gamma_inter, E_str
(paper 003 section 3.2.2; logic in seiflow.builders.termination_interfaces)."""

import json
import sys

import ase.io

from seiflow.builders.bulk import read_relaxed
from seiflow.oracle.calculators import get_calculator
from seiflow.builders.termination_interfaces import interface_study


def run(inp, out, p):
    """Read slabs and bulk references, run the study, write JSON records and extxyz frames."""
    records = json.loads(open(inp["records"]).read())
    charged = ase.io.read(inp["slabs"], index=":", format="extxyz")
    balanced = ase.io.read(inp["balanced"], index=":", format="extxyz")
    metal = ase.io.read(inp["metal"], format="extxyz")
    e_li = read_relaxed(inp["metal_json"])["energy_per_atom_eV"]
    calc = get_calculator(p.oracle, n_threads=p.oracle_threads,
                          dft=snakemake.config["dft"])  # noqa: F821
    recs, frames = interface_study(charged, balanced, metal, e_li,
                                   records["energies_per_fu_eV"], calc, p.settings,
                                   p.scale_settings, p.gap_A)
    with open(out["records"], "w") as fh:
        json.dump({"oracle": p.oracle, "metal_energy_per_atom_eV": e_li,
                   "energies_per_fu_eV": records["energies_per_fu_eV"],
                   "interfaces": recs}, fh, indent=1)
    ase.io.write(out["frames"], frames, format="extxyz")


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    run(snakemake.input, snakemake.output, snakemake.params)  # noqa: F821
