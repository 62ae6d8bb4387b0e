"""Rule exploration_structures: bulk and interface cells for initial data and exploration."""

import json
import sys
from pathlib import Path

import ase.io

from seiflow.structures import (
    bcc_li,
    disordered_lpsc_supercell,
    interface_from_config,
    load_bulk,
    validate_structure,
)


def build_systems(structures, initial_data, lpsc_repeats, ratio, seed, outdir, lpsc_facet="100",
                  coating_layers=0):
    """Write one validated POSCAR per configured system into ``outdir``.

    ``lpsc_facet`` / ``coating_layers`` (study settings) shape the ``interface`` system.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    res = structures["resource_dir"]
    lpsc = load_bulk("Li6PS5Cl", res)
    summary = {}
    for name in initial_data["systems"]:
        expected = None
        if name == "interface":
            atoms, info = interface_from_config(structures, lpsc_repeats, ratio, seed,
                                                lpsc_facet=lpsc_facet,
                                                coating_layers=coating_layers)
            summary[name] = info
        elif name == "Li":
            atoms = bcc_li(structures["li_lattice_A"]).repeat(initial_data["supercells"]["Li"])
        elif name == "Li6PS5Cl":
            rep = tuple(initial_data["supercells"]["Li6PS5Cl"])
            atoms = disordered_lpsc_supercell(
                lpsc, supercell=rep, s_cl_disorder=structures["s_cl_disorder"], seed=seed
            )
            n_cells = rep[0] * rep[1] * rep[2]
            expected = {"Li": 24 * n_cells, "P": 4 * n_cells, "S": 20 * n_cells, "Cl": 4 * n_cells}
        else:
            from pymatgen.io.ase import AseAtomsAdaptor

            bulk = load_bulk(name, res)
            atoms = AseAtomsAdaptor.get_atoms(bulk).repeat(initial_data["supercells"][name])
        if name != "interface":  # interface_from_config validated it already
            validate_structure(atoms, min_distance=structures["min_distance_A"],
                               expected_composition=expected)
        ase.io.write(outdir / f"{name}.vasp", atoms, format="vasp", direct=True, sort=False)
        summary.setdefault(name, {})["n_atoms"] = len(atoms)
        summary[name]["formula"] = atoms.get_chemical_formula()
        print(f"{name}: {atoms.get_chemical_formula()} ({len(atoms)} atoms)")
    (outdir / "summary.json").write_text(json.dumps(summary, indent=2, default=float))


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    build_systems(p.structures, p.initial_data, p.lpsc_repeats, p.ratio, p.seed,
                  snakemake.output[0], lpsc_facet=p.get("lpsc_facet", "100"),  # noqa: F821
                  coating_layers=p.get("coating_layers", 0))
