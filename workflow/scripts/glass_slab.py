"""Rule glass_slab: Li(100) metal | melt-quenched glass cell with frozen top and bottom layers."""

import json
import sys

import ase.io

from seiflow.builders.glass import li_glass_slab


def write_slab(glass_path, li_lattice_A, n_li_layers, gap_A, freeze_A, freeze_z_only,
               min_distance_A, type_map, out):
    """Build, validate and write the slab (extxyz with the ``frozen`` array, POSCAR, LAMMPS)."""
    glass = ase.io.read(glass_path)
    slab, info = li_glass_slab(glass, li_lattice_A, n_li_layers, gap_A, freeze_A=freeze_A,
                               freeze_z_only=freeze_z_only, min_distance_A=min_distance_A)
    info["glass_source"] = str(glass_path)
    ase.io.write(out.extxyz, slab, format="extxyz")
    ase.io.write(out.poscar, slab, format="vasp", direct=True, sort=False)
    ase.io.write(out.data, slab, format="lammps-data", specorder=list(type_map),
                 atom_style="atomic", masses=True)
    with open(out.info, "w") as fh:
        json.dump(info, fh, indent=2, default=float)
    print(json.dumps(info, indent=2, default=float))


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    write_slab(snakemake.input.glass, p.li_lattice_A, p.n_li_layers, p.gap_A,  # noqa: F821
               p.freeze_A, p.freeze_z_only, p.min_distance_A, p.type_map,
               snakemake.output)  # noqa: F821
