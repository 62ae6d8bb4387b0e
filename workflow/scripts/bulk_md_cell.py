"""Rule bulk_md_cell: bulk, one-vacancy, hull-ordering or metal | binary interface supercell of
a named system as LAMMPS data. Interface cells also record each atom's origin (metal or
binary) and whether it starts in the interface region (paper 002 Fig. 4)."""

import sys

from seiflow.md.lammps import write_md_cell
from seiflow.model.systems import (
    build_system,
    interface_origins,
    interface_region_mask,
    parse_system_name,
)
from seiflow.builders.cells import validate_structure

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o, w = (snakemake.params, snakemake.input, snakemake.output,  # noqa: F821
                  snakemake.wildcards)  # noqa: F821
    sources = {w.system: i.source} if "source" in i.keys() and i.source else {}
    atoms = build_system(w.system, p.structures, p.supercells, sources, p.seed,
                         interface_vacancies=p.interface_vacancies)
    validate_structure(atoms, min_distance=p.min_distance)
    info = {"system": w.system, "formula": atoms.get_chemical_formula(), "n_atoms": len(atoms),
            "volume_A3": atoms.get_volume(), "type_map": list(p.type_map)}
    if parse_system_name(w.system)[0] == "iface":
        region_A = p.interface_vacancies["region_A"]
        info.update(region_A=region_A, **atoms.info.get("interface_vacancies", {}), origin=interface_origins(atoms).tolist(),
                    interface_region=interface_region_mask(atoms, region_A).tolist())
    write_md_cell(atoms, info, list(p.type_map), o.data, o.info, o.poscar)
