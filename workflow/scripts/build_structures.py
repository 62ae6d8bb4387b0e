"""Rule exploration_structures: bulk, defect, interface, glass and slab cells of a model's
initial data and DP-GEN exploration (names: seiflow.model.systems)."""

import json
import sys
from pathlib import Path

import ase.io

from seiflow.model.systems import build_system, parse_system_name
from seiflow.builders.cells import interface_from_config, validate_structure


def build_systems(structures, initial_data, lpsc_repeats, ratio, seed, outdir, lpsc_facet="100",
                  coating_layers=0, sources=None):
    """Write one validated POSCAR per configured system into ``outdir``.

    ``lpsc_facet`` / ``coating_layers`` (study settings) shape the ``interface`` system;
    ``sources`` maps glass_/slab_/iface_ systems to the files of the stages that built them.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    summary = {}

    def interface():
        atoms, info = interface_from_config(structures, lpsc_repeats, ratio, seed,
                                            lpsc_facet=lpsc_facet, coating_layers=coating_layers)
        summary["interface"] = info
        return atoms

    for name in initial_data["systems"]:
        atoms = build_system(name, structures, initial_data["supercells"], sources or {}, seed,
                             interface=interface)
        kind, arg = parse_system_name(name)
        expected = None
        if kind == "phase" and arg == "Li6PS5Cl":
            n = 1
            for r in initial_data["supercells"]["Li6PS5Cl"]:
                n *= r
            expected = {"Li": 24 * n, "P": 4 * n, "S": 20 * n, "Cl": 4 * n}
        if kind != "interface":  # interface_from_config validated it already
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
                  snakemake.output[0], lpsc_facet=p.lpsc_facet,  # noqa: F821
                  coating_layers=p.coating_layers, sources=p.sources)
