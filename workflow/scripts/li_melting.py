"""Rule li_melting: NPT heating of bulk bcc Li with a study's compressed model at each
temperature, PTM BCC share per frame (paper 001 Fig. S5 melting check)."""

import os
import sys
from pathlib import Path

import ase.io
import pandas as pd

from seiflow.device import require_gpus
from seiflow.md.lammps import bulk_npt_input, run_lammps
from seiflow.model.melting import bcc_li_supercell, bcc_share
from seiflow.analysis.sei_formation import iter_lammps_dump


def run_melting(workdir, model, type_map, a_A, settings, seed, rmsd_cutoff):
    """One LAMMPS NPT run per temperature in ``workdir``; BCC share of every dumped frame."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    atoms = bcc_li_supercell(a_A, settings["supercell"])
    ase.io.write(workdir / "li_bcc.lmp", atoms, format="lammps-data",
                 specorder=list(type_map), atom_style="atomic", masses=True)
    rows = []
    dt_ps = settings["timestep_fs"] / 1000.0
    for T in settings["temperatures_K"]:
        name = f"T{int(T)}"
        text = bulk_npt_input("li_bcc.lmp", os.path.abspath(model), type_map, T, 1.0, dt_ps,
                              settings["steps"], settings["dump_every"], f"{name}.lammpstrj",
                              seed + int(T))
        perf = run_lammps(text, workdir, name, ["lmp"])
        frames = list(iter_lammps_dump(workdir / f"{name}.lammpstrj", type_map=type_map))
        shares = bcc_share(frames, rmsd_cutoff)
        for f, share in zip(frames, shares):
            rows.append({"temperature_K": float(T), "time_ps": f.info["timestep"] * dt_ps,
                         "bcc_share": float(share), "n_atoms": len(f),
                         "atom_steps_per_s": perf[-1]["atom_steps_per_s"] if perf else None})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    require_gpus(snakemake.resources.get("gpu", 0))  # noqa: F821
    p = snakemake.params  # noqa: F821
    df = run_melting(Path(snakemake.output.csv).parent / "li_melting_md",  # noqa: F821
                     snakemake.input.model, p.type_map, p.a_A, p.settings, p.seed,  # noqa: F821
                     p.rmsd_cutoff)
    df.to_csv(snakemake.output.csv, index=False)  # noqa: F821
    print(df.to_string())
