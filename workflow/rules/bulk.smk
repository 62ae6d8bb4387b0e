# Bulk phases (issue 7): oracle relaxation of every bulk phase from the versioned CIFs,
# relaxed-vs-reference lattice table, and ordered vs S/Cl-disordered Li6PS5Cl (paper 003,
# terminations Table 1 and Fig. 3).
#
# Config keys (see config/README.md):
#   config["bulk"]: reference_file, optimizer, keep_symmetry, symprec_A, lpsc_s_cl_disorder
#   S["bulk"]:      phases, fmax_eV_A, max_steps, lpsc_supercell, lpsc_n_seeds
# Outputs for later stages: results/<scale>/bulk/relaxed/<phase>.{extxyz,json} with the
# energy per formula unit (seiflow.build.bulk.read_relaxed), including Li6PS5Cl_ordered and
# Li6PS5Cl_disordered (lowest-energy replica).

# workflow/scripts is on sys.path (common.smk)
from seiflow.build.bulk import RELAXABLE_PHASES

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
        "../../envs/oracle.yaml"
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
        "../scripts/relax_bulk.py"


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
        "../../envs/oracle.yaml"
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
        "../scripts/relax_lpsc_order.py"


rule lpsc_order_table:
    """terminations Table 1: relaxed a, b, c, angles and energy per formula unit of ordered
    vs disordered Li6PS5Cl next to the published values; keeps the lowest-energy cells.
    """
    input:
        relaxed=expand(
            f"{RES}/bulk/relaxed/lpsc/{{order}}_r{{replica}}.json",
            order=["ordered", "disordered"],
            replica=BULK_LPSC_REPLICAS,
        ),
        extxyz=expand(
            f"{RES}/bulk/relaxed/lpsc/{{order}}_r{{replica}}.extxyz",
            order=["ordered", "disordered"],
            replica=BULK_LPSC_REPLICAS,
        ),
        reference=config["bulk"]["reference_file"],
    output:
        tab1=f"{RES}/terminations/tables/tab1.csv",
        seeds=f"{RES}/bulk/tables/lpsc_order_seeds.csv",
        ordered_extxyz=f"{RES}/bulk/relaxed/Li6PS5Cl_ordered.extxyz",
        ordered_json=f"{RES}/bulk/relaxed/Li6PS5Cl_ordered.json",
        disordered_extxyz=f"{RES}/bulk/relaxed/Li6PS5Cl_disordered.extxyz",
        disordered_json=f"{RES}/bulk/relaxed/Li6PS5Cl_disordered.json",
        prov=f"{RES}/terminations/provenance/tab1.json",
    log:
        f"logs/{SCALE}/terminations/tab1.log",
    conda:
        "../../envs/structures.yaml"
    threads: rule_threads("lpsc_order_table")
    resources:
        **rule_resources("lpsc_order_table"),
    params:
        oracle=config["oracle"],
    script:
        "../scripts/lpsc_order_table.py"


rule fig_lpsc_lattice:
    """terminations Fig 3 analogue: relaxed lattice parameters of ordered vs disordered
    Li6PS5Cl (one point per replica) and the published values; rendered tab1."""
    input:
        tab1=f"{RES}/terminations/tables/tab1.csv",
        seeds=f"{RES}/bulk/tables/lpsc_order_seeds.csv",
    output:
        png=report(
            f"{RES}/terminations/figures/fig3.png",
            caption="../report/terminations_fig3.rst",
            category="terminations",
        ),
        csv=f"{RES}/terminations/figures/fig3.csv",
        tab1_png=f"{RES}/terminations/tables/tab1.png",
        prov=f"{RES}/terminations/provenance/fig3.json",
    log:
        f"logs/{SCALE}/terminations/fig3.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_lpsc_lattice")
    resources:
        **rule_resources("fig_lpsc_lattice"),
    script:
        "../scripts/fig_lpsc_lattice.py"


rule lattice_table:
    """Relaxed vs experimental / published lattice constants of every configured phase and
    of the ordered / disordered Li6PS5Cl cells (relative error in %)."""
    input:
        relaxed=expand(f"{RES}/bulk/relaxed/{{phase}}.json", phase=S["bulk"]["phases"])
        + [
            f"{RES}/bulk/relaxed/Li6PS5Cl_ordered.json",
            f"{RES}/bulk/relaxed/Li6PS5Cl_disordered.json",
        ],
        reference=config["bulk"]["reference_file"],
    output:
        csv=f"{RES}/bulk/tables/lattice.csv",
        prov=f"{RES}/bulk/provenance/lattice.json",
    log:
        f"logs/{SCALE}/bulk/lattice_table.log",
    conda:
        "../../envs/structures.yaml"
    threads: rule_threads("lattice_table")
    resources:
        **rule_resources("lattice_table"),
    script:
        "../scripts/lattice_table.py"


rule hull_orderings:
    """Paper 001 text: every symmetry-distinct Li2S0.75P0.125Cl0.125 ordering of the 24-atom
    cell, relaxed with the oracle; E above the Li2S-Li3P-LiCl hull (pymatgen)."""
    input:
        li2s=f"{RES}/bulk/relaxed/Li2S.extxyz",
        terminals=expand(
            f"{RES}/bulk/relaxed/{{phase}}.json", phase=["Li2S", "Li3P", "LiCl"]
        ),
    output:
        csv=f"{RES}/symmetric_cell/tables/hull_orderings.csv",
        json=f"{RES}/symmetric_cell/tables/hull_orderings.json",
        numbers=f"{RES}/symmetric_cell/tables/numbers.csv",
        extxyz=f"{RES}/symmetric_cell/hull/orderings_relaxed.extxyz",
        prov=f"{RES}/symmetric_cell/provenance/hull.json",
    log:
        f"logs/{SCALE}/symmetric_cell/hull_orderings.log",
    benchmark:
        f"benchmarks/{SCALE}/symmetric_cell/hull_orderings.tsv"
    conda:
        "../../envs/oracle.yaml"
    threads: rule_threads("hull_orderings")
    resources:
        **rule_resources("hull_orderings"),
    params:
        oracle=config["oracle"],
        supercell=config["hull"]["supercell"],
        n_p=config["hull"]["n_p"],
        n_cl=config["hull"]["n_cl"],
        symprec_A=config["hull"]["symprec_A"],
        keep_symmetry=config["hull"]["keep_symmetry"],
        temperature_K=config["hull"]["temperature_K"],
        fmax_eV_A=S["bulk"]["fmax_eV_A"],
        max_steps=S["bulk"]["max_steps"],
        optimizer=config["bulk"]["optimizer"],
    script:
        "../scripts/hull_orderings.py"
