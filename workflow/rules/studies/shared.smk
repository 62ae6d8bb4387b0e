# Shared bulk-phase table (figure_index.yaml: shared.bulk): relaxed vs reference lattice
# constants of every configured phase (inputs: stages/bulk.smk, studies/terminations.smk).


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
        "../../../envs/structures.yaml"
    threads: rule_threads("lattice_table")
    resources:
        **rule_resources("lattice_table"),
    script:
        "../../scripts/lattice_table.py"
