"""Rule md_structure: the production-MD interface cell as a LAMMPS data file."""

import json
import sys

import ase.io

from seiflow.structures import (
    build_symmetric_interface,
    expected_interface_composition,
    load_bulk,
    validate_structure,
)


def write_md_structure(structures, lpsc_repeats, ratio, type_map, seed, out_data, out_info,
                       out_poscar):
    """Build, validate and write the symmetric Li|LPSC|Li cell (atom_style atomic)."""
    lpsc = load_bulk("Li6PS5Cl", structures["resource_dir"])
    atoms, info = build_symmetric_interface(
        lpsc,
        structures["li_lattice_A"],
        lpsc_repeats=tuple(lpsc_repeats),
        li_to_lpsc_ratio=ratio,
        interface_gap=structures["interface_gap_A"],
        seed=seed,
        s_cl_disorder=structures["s_cl_disorder"],
    )
    validate_structure(atoms, min_distance=structures["min_distance_A"],
                       expected_composition=expected_interface_composition(info))
    ase.io.write(out_data, atoms, format="lammps-data", specorder=list(type_map),
                 atom_style="atomic", masses=True)
    ase.io.write(out_poscar, atoms, format="vasp", direct=True, sort=False)
    with open(out_info, "w") as fh:
        json.dump(info, fh, indent=2, default=float)
    print(json.dumps(info, indent=2, default=float))


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    o = snakemake.output  # noqa: F821
    write_md_structure(p.structures, p.lpsc_repeats, p.ratio, p.type_map, p.seed, o.data,
                       o.info, o.poscar)
