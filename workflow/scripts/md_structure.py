"""Rule md_structure: the production-MD interface cell as a LAMMPS data file."""

import sys

from seiflow.md.lammps import write_md_cell
from seiflow.builders.cells import interface_from_config


def write_md_structure(structures, lpsc_repeats, ratio, type_map, seed, out_data, out_info,
                       out_poscar, lpsc_facet="100", coating_layers=0):
    """Build, validate and write the symmetric Li|[Li2S|]LPSC|[Li2S|]Li cell (atom_style atomic)."""
    atoms, info = interface_from_config(structures, lpsc_repeats, ratio, seed,
                                        lpsc_facet=lpsc_facet, coating_layers=coating_layers)
    write_md_cell(atoms, info, type_map, out_data, out_info, out_poscar)


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    o = snakemake.output  # noqa: F821
    write_md_structure(p.structures, p.lpsc_repeats, p.ratio, p.type_map, p.seed, o.data,
                       o.info, o.poscar, lpsc_facet=p.get("lpsc_facet", "100"),
                       coating_layers=p.get("coating_layers", 0))
