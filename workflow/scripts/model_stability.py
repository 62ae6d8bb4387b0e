"""Rule model_stability: short NVT at the highest production temperature (or, for a model with
no production MD yet, the highest exploration temperature) with the compressed model; fails
(before any production MD) when the model explodes."""

import json
import os
import sys
from pathlib import Path

from seiflow.device import require_gpus
from seiflow.md.lammps import run_lammps, write_lammps_data
from seiflow.analysis.sei_formation import iter_lammps_dump
from seiflow.model.stability import (
    FINAL_DUMP,
    close_contacts,
    conserved_energy_drift,
    parse_stability_thermo,
    stability_input,
    stability_verdict,
)


def lammps_cell(cell, type_map, workdir):
    """LAMMPS data file of the check cell: ``cell`` itself when it is one (``.lmp``), else the
    structure file (POSCAR, extxyz) written with the model's types (``type_map`` order)."""
    if Path(cell).suffix == ".lmp":
        return cell
    import ase.io

    data = Path(workdir) / "cell.lmp"
    write_lammps_data(ase.io.read(cell), type_map, data)
    return data


def check_model(workdir, data, model, type_map, temperature_K, settings, timestep_fs, seed):
    """Run the check in ``workdir``; return (thermo table, result dict)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    data = lammps_cell(data, type_map, workdir)
    text = stability_input(os.path.abspath(data), os.path.abspath(model), type_map,
                           temperature_K, timestep_fs / 1000.0, settings["nsteps"], seed,
                           settings["thermo_every"])
    try:
        perf = run_lammps(text, workdir, "stability", ["lmp"])
    except Exception as err:  # lost atoms stop LAMMPS with an error
        log = workdir / "stability.log"
        tail = "\n".join(log.read_text().splitlines()[-5:]) if log.exists() else ""
        raise RuntimeError(f"model {model} failed the stability run at {temperature_K} K "
                           f"(LAMMPS error, e.g. lost atoms):\n{tail}") from err
    thermo = parse_stability_thermo((workdir / "stability.log").read_text())
    drift = conserved_energy_drift(thermo)
    final = next(iter_lammps_dump(workdir / FINAL_DUMP, type_map=type_map))
    contacts = close_contacts(final, settings["min_contact_fraction"])
    ok, reason = stability_verdict(drift, settings["max_drift_meV_atom_ps"], contacts,
                                   settings["on_collapse"])
    result = {"model": str(model), "temperature_K": float(temperature_K),
              "timestep_fs": float(timestep_fs), "nsteps": int(settings["nsteps"]),
              "max_drift_meV_atom_ps": float(settings["max_drift_meV_atom_ps"]),
              **drift, **contacts, "on_collapse": settings["on_collapse"],
              "collapsed": contacts["n_close_pairs"] > 0, "passed": ok, "reason": reason,
              "atom_steps_per_s": perf[-1]["atom_steps_per_s"] if perf else None}
    return thermo, result


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    require_gpus(snakemake.resources.get("gpu", 0))  # noqa: F821
    p = snakemake.params  # noqa: F821
    out = snakemake.output  # noqa: F821
    thermo, result = check_model(Path(out.json).parent / "stability_md", p.cell_file,
                                 snakemake.input.model, p.type_map, p.temperature_K,  # noqa: F821
                                 p.settings, p.timestep_fs, p.seed)
    print(json.dumps(result, indent=1))
    if not result["passed"]:
        raise RuntimeError(f"exploding-model check failed for {snakemake.input.model}: "  # noqa: F821
                           f"{result['reason']}. No production MD was started.")
    thermo.to_csv(out.thermo, index=False)
    Path(out.json).write_text(json.dumps(result, indent=1) + "\n")
