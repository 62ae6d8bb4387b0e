# Study "terminations" (paper 003): symmetric Li6PS5Cl surface terminations, gamma_surf,
# charge balancing (Table 2 and the surface part of Table 4).
# Inputs come from the bulk-relaxation stage: results/<scale>/bulk/relaxed/<phase>.extxyz|json.

BULK_RELAXED = f"{RES}/bulk/relaxed"


rule surface_terminations:
    """Symmetric slabs of every Miller plane (|index| <= max_index), oracle gamma_surf
    (paper 003 eq 4) and charge balancing of the lowest ones (section 3.2.3)."""
    input:
        bulk=f"{BULK_RELAXED}/{config['terminations']['bulk_phase']}.extxyz",
        lpsc=f"{BULK_RELAXED}/{config['terminations']['bulk_phase']}.json",
        li3p=f"{BULK_RELAXED}/Li3P.json",
        li2s=f"{BULK_RELAXED}/Li2S.json",
        licl=f"{BULK_RELAXED}/LiCl.json",
        resources=config["structures"]["resource_dir"],
    output:
        records=f"{RES}/terminations/slabs/terminations.json",
        slabs=f"{RES}/terminations/slabs/terminations.extxyz",
        balanced=f"{RES}/terminations/slabs/balanced.extxyz",
    log:
        f"logs/{SCALE}/terminations/surface_terminations.log",
    benchmark:
        f"benchmarks/{SCALE}/terminations/surface_terminations.tsv"
    conda:
        "../../envs/oracle.yaml"
    threads: rule_threads("surface_terminations")
    resources:
        **rule_resources("surface_terminations"),
    params:
        settings=config["terminations"],
        scale_settings=S["terminations"],
        oracle=config["oracle"],
        oracle_threads=config["oracle_threads"],
        seed=config["seed"],
        min_distance_A=config["structures"]["min_distance_A"],
    script:
        "../scripts/surface_terminations.py"


rule termination_tables:
    """Table 2 (all terminations) and Table 4 (charged vs neutral gamma_surf), CSV + image."""
    input:
        records=f"{RES}/terminations/slabs/terminations.json",
    output:
        tab2=f"{RES}/terminations/tables/tab2.csv",
        tab2_png=f"{RES}/terminations/tables/tab2.png",
        tab4=f"{RES}/terminations/tables/tab4.csv",
        tab4_png=f"{RES}/terminations/tables/tab4.png",
        prov=f"{RES}/terminations/provenance/tab2_tab4.json",
    log:
        f"logs/{SCALE}/terminations/termination_tables.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("termination_tables")
    resources:
        **rule_resources("termination_tables"),
    script:
        "../scripts/termination_tables.py"
