# Bulk phases (issue 7): oracle relaxation of every bulk phase from the versioned CIFs,
# and the explicit ordered / S/Cl-disordered Li6PS5Cl cells (paper 003; their table and
# figure, terminations Table 1 and Fig. 3, are in studies/terminations.smk; the lattice
# table in studies/shared.smk).
#
# Config keys (see config/README.md):
#   config["bulk"]: reference_file, optimizer, keep_symmetry, symprec_A, lpsc_s_cl_disorder
#   S["bulk"]:      phases, fmax_eV_A, max_steps, lpsc_supercell, lpsc_n_seeds
# Outputs for later stages: results/<scale>/bulk/relaxed/<phase>.{extxyz,json} with the
# energy per formula unit (seiflow.builders.bulk.read_relaxed), including Li6PS5Cl_ordered and
# Li6PS5Cl_disordered (lowest-energy replica).

# workflow/scripts is on sys.path (common.smk)
from seiflow.builders.bulk import RELAXABLE_PHASES

# Replica indices of the explicit Li6PS5Cl cells (same index = same Li sites, seed + index).
BULK_LPSC_REPLICAS = list(range(S["bulk"]["lpsc_n_seeds"]))


rule relax_bulk:
    """Relax one ordered bulk phase (cell + positions, FixSymmetry) with the oracle."""
    input:
        cif=f"{config['structures']['resource_dir']}/{{phase}}.cif",
    output:
        extxyz=f"{RES}/bulk/relaxed/{{phase}}.extxyz",
        json=f"{RES}/bulk/relaxed/{{phase}}.json",
    log:
        f"logs/{SCALE}/bulk/relax_{{phase}}.log",
    benchmark:
        f"benchmarks/{SCALE}/bulk/relax_{{phase}}.tsv"
    wildcard_constraints:
        phase="|".join(RELAXABLE_PHASES),
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("relax_bulk")
    resources:
        **rule_resources("relax_bulk"),
    params:
        oracle=config["oracle"],
        fmax_eV_A=S["bulk"]["fmax_eV_A"],
        max_steps=S["bulk"]["max_steps"],
        optimizer=config["bulk"]["optimizer"],
        keep_symmetry=config["bulk"]["keep_symmetry"],
        symprec_A=config["bulk"]["symprec_A"],
    script:
        "../../scripts/relax_bulk.py"


rule relax_lpsc_order:
    """Relax one explicit 52-atom-per-cell Li6PS5Cl cell, ordered or S/Cl-disordered
    (paper 003), without symmetry constraint."""
    input:
        cif=f"{config['structures']['resource_dir']}/Li6PS5Cl.cif",
    output:
        extxyz=f"{RES}/bulk/relaxed/lpsc/{{order}}_r{{replica}}.extxyz",
        json=f"{RES}/bulk/relaxed/lpsc/{{order}}_r{{replica}}.json",
    log:
        f"logs/{SCALE}/bulk/relax_lpsc_{{order}}_r{{replica}}.log",
    benchmark:
        f"benchmarks/{SCALE}/bulk/relax_lpsc_{{order}}_r{{replica}}.tsv"
    wildcard_constraints:
        order="ordered|disordered",
        replica=r"\d+",
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("relax_lpsc_order")
    resources:
        **rule_resources("relax_lpsc_order"),
    params:
        supercell=S["bulk"]["lpsc_supercell"],
        s_cl_disorder=config["bulk"]["lpsc_s_cl_disorder"],
        seed=lambda wc: config["seed"] + int(wc.replica),
        oracle=config["oracle"],
        fmax_eV_A=S["bulk"]["fmax_eV_A"],
        max_steps=S["bulk"]["max_steps"],
        optimizer=config["bulk"]["optimizer"],
    script:
        "../../scripts/relax_lpsc_order.py"
