"""Rule glass_sample: one melt-quenched glass sample (random packing -> melt -> quench -> NPT).

The MD trajectory and the streamed thermodynamic log live in ``params.restart_dir``, which is
not a Snakemake output, so a killed job resumes from its last frame when rerun.
"""

import json
import shutil
import sys
from pathlib import Path

import ase.io

from seiflow.device import require_gpus
from seiflow.builders.glass import (
    analyse_glass_sample,
    glass_composition,
    melt_quench,
    random_packing,
    relaxation_frames,
    sample_seeds,
)
from seiflow.oracle.calculators import get_calculator, oracle_id


def make_sample(p, composition, sample, threads, out):
    """Build, melt-quench, check and write one sample; ``p`` is the params object."""
    g, s, mol = p.glass, p.protocol, p.composition
    counts = glass_composition(mol["Li2S"], mol["SiS2"], mol["P2S5"], s["n_atoms"])
    seeds = sample_seeds(p.seed, composition, sample)
    atoms = random_packing(counts, p.density, seeds["packing"], g["min_distance_A"],
                           c_over_a=s["cell_c_over_a"])
    print(f"{composition} sample {sample}: {atoms.get_chemical_formula()} "
          f"({len(atoms)} atoms), cell {atoms.cell.lengths().round(3).tolist()} A, seeds {seeds}")
    restart = Path(p.restart_dir)
    restart.mkdir(parents=True, exist_ok=True)
    final, _ = melt_quench(
        atoms, get_calculator(p.oracle, threads, dft=snakemake.config["dft"]),  # noqa: F821
        s["T_melt_K"], s["t_melt_ps"],
        g["T_final_K"], s["quench_rate_K_ps"], s["t_relax_ps"], s["timestep_fs"],
        seeds["md"], trajectory_path=restart / "md.traj", log_path=restart / "thermo.csv",
        pressure_bar=g["pressure_bar"], friction_per_ps=s["friction_per_ps"],
        tdamp_fs=s["tdamp_fs"], pdamp_fs=s["pdamp_fs"], traj_every=s["traj_every"],
        log_every=s["log_every"], minimise_steps=s["minimise_steps"],
        minimise_fmax_eV_A=g["minimise_fmax_eV_A"],
        calculator_id=oracle_id(p.oracle, snakemake.config["dft"]),  # noqa: F821
    )
    frames = ase.io.read(restart / "md.traj", index=":")
    summary, rdf = analyse_glass_sample(
        relaxation_frames(frames, final), counts, g["tetrahedral_cutoffs_A"],
        s["rdf_rmax_A"], s["rdf_nbins"], p.min_distance_A,
    )
    summary.update(composition=composition, sample=sample, seed_packing=seeds["packing"],
                   seed_md=seeds["md"], density_initial_g_cm3=float(p.density),
                   oracle=p.oracle, mq_steps=final.info["mq_steps"],
                   mq_minimise=final.info.get("mq_minimise"))
    ase.io.write(out.glass, final, format="extxyz")
    ase.io.write(out.frames, frames, format="extxyz")
    shutil.copyfile(restart / "thermo.csv", out.thermo)
    with open(out.rdf, "w") as fh:
        fh.write("composition,sample,pair,r_A,g_r\n")
        for r in rdf:
            fh.write(f"{composition},{sample},{r['pair']},{r['r_A']:.6g},{r['g_r']:.6g}\n")
    Path(out.summary).write_text(json.dumps(summary, indent=2, default=float))
    print(json.dumps(summary, indent=2, default=float))


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    require_gpus(snakemake.resources.get("gpu", 0))  # noqa: F821
    make_sample(snakemake.params, snakemake.wildcards.composition,  # noqa: F821
                int(snakemake.wildcards.sample), snakemake.threads, snakemake.output)  # noqa: F821
