"""Rule initial_data: rattled frames (+ short oracle MD) of one system, labelled by the oracle."""

import sys
from pathlib import Path

import ase.io

from seiflow.model.initial_data import make_initial_frames
from seiflow.oracle.calculators import get_calculator, label_frames
from seiflow.builders.cells import validate_structure


def initial_data(poscar, outdir, oracle, oracle_threads, initial_data_cfg, type_map, seed,
                 min_distance):
    """Label the initial frames of ``poscar`` and write them as ``deepmd/npy``."""
    import dpdata

    atoms = ase.io.read(poscar, format="vasp")
    calc = get_calculator(oracle, n_threads=oracle_threads,
                          dft=snakemake.config["dft"])  # noqa: F821
    frames = make_initial_frames(atoms, calc, initial_data_cfg, seed)
    for k, f in enumerate(frames):
        validate_structure(f, min_distance=min_distance, name=f"{poscar} (frame {k})")
    labelled = label_frames(frames, calc)
    system = dpdata.LabeledSystem(labelled[0], fmt="ase/structure", type_map=list(type_map))
    for atoms_labelled in labelled[1:]:
        system.append(dpdata.LabeledSystem(atoms_labelled, fmt="ase/structure",
                                           type_map=list(type_map)))
    system.to_deepmd_npy(str(outdir))
    print(f"{poscar}: {len(system)} frames labelled with {oracle}")


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    system_name = snakemake.wildcards.system  # noqa: F821
    initial_data(
        Path(snakemake.input.systems) / f"{system_name}.vasp",  # noqa: F821
        snakemake.output[0],  # noqa: F821
        p.oracle,
        p.oracle_threads,
        p.initial_data,
        p.type_map,
        p.seed + sum(map(ord, system_name)),
        p.min_distance,
    )
