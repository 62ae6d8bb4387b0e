"""Rule adhesion_interface: build, relax and evaluate one metal | binary interface,
E_f, sigma and W_adh of paper 002 Eqs. 2-5."""

import json
import sys
from pathlib import Path

import ase.io

from seiflow.builders.metal_binary import interface_record, pairing_id
from seiflow.oracle.calculators import get_calculator
from seiflow.builders.surfaces import symmetrized_bulk


def _phase(extxyz, json_path, surfaces, phase, symprec):
    bulk = symmetrized_bulk(ase.io.read(extxyz, format="extxyz"), phase, symprec)
    e = float(json.loads(Path(json_path).read_text())["energy_per_atom_eV"])
    return bulk, e, json.loads(Path(surfaces).read_text())


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    if pairing_id(p.pairing) != snakemake.wildcards.pairing:  # noqa: F821
        raise ValueError(f"pairing {p.pairing} does not match wildcard "
                         f"{snakemake.wildcards.pairing}")  # noqa: F821
    mb, me, ms = _phase(i.metal_extxyz, i.metal_json, i.metal_surfaces, p.pairing["metal"],
                        p.settings["symprec_A"])
    bb, be, bs = _phase(i.binary_extxyz, i.binary_json, i.binary_surfaces, p.pairing["binary"],
                        p.settings["symprec_A"])
    record, atoms = interface_record(p.pairing, mb, bb, ms, bs, me, be,
                                     get_calculator(p.oracle, snakemake.threads,  # noqa: F821
                                                    dft=snakemake.config["dft"]),  # noqa: F821
                                     dict(p.settings))
    record["oracle"] = p.oracle
    Path(o.json).write_text(json.dumps(record, indent=2))
    if atoms is not None:
        ase.io.write(o.extxyz, atoms, format="extxyz")
    else:
        Path(o.extxyz).write_text("")
    print(json.dumps(record, indent=2))
