"""Rule termination_md_structure: production-MD cell of study terminations (paper 003)."""

import json
import sys

import ase.io

from seiflow.md.lammps import write_md_cell
from seiflow.builders.cells import validate_structure
from seiflow.builders.termination_interfaces import md_cell_from_interface


def write_termination_md_cell(records_json, frames_extxyz, rank, state, in_plane_repeats,
                              type_map, min_distance_A, out_data, out_info, out_poscar):
    """Build, check and write the Li | termination | Li MD cell (atom_style atomic)."""
    with open(records_json) as fh:
        records = json.load(fh)["interfaces"]
    frames = ase.io.read(frames_extxyz, index=":")
    atoms, info = md_cell_from_interface(records, frames, rank, state, in_plane_repeats)
    validate_structure(atoms, min_distance=min_distance_A)
    write_md_cell(atoms, info, type_map, out_data, out_info, out_poscar)


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    o = snakemake.output  # noqa: F821
    write_termination_md_cell(snakemake.input.records, snakemake.input.frames, p.rank,  # noqa: F821
                              p.state, p.in_plane_repeats, p.type_map, p.min_distance_A,
                              o.data, o.info, o.poscar)
