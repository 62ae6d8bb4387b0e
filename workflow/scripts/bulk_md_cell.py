"""Rule bulk_md_cell: bulk or one-vacancy supercell of a named system as LAMMPS data."""

import sys

from seiflow.lammps_md import write_md_cell
from seiflow.model_systems import build_system
from seiflow.structures import validate_structure

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, o, w = snakemake.params, snakemake.output, snakemake.wildcards  # noqa: F821
    atoms = build_system(w.system, p.structures, p.supercells, {}, p.seed)
    validate_structure(atoms, min_distance=p.min_distance)
    info = {"system": w.system, "formula": atoms.get_chemical_formula(), "n_atoms": len(atoms),
            "volume_A3": atoms.get_volume(), "type_map": list(p.type_map)}
    write_md_cell(atoms, info, list(p.type_map), o.data, o.info, o.poscar)
