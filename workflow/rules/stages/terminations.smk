# Study "terminations" (paper 003), data stages: symmetric Li6PS5Cl surface terminations,
# gamma_surf and charge balancing; Li-metal | termination interfaces of the lowest-gamma
# terminations (charged and charge-balanced), E_str and gamma_inter (eqs 9-12), and the
# production-MD cell. Tables and figures: studies/terminations.smk.
# Inputs come from the bulk-relaxation stage: results/<scale>/bulk/relaxed/<phase>.extxyz|json.


BULK_RELAXED = f"{RES}/bulk/relaxed"
TI_SLABS = f"{RES}/terminations/slabs"


rule surface_terminations:
    """Symmetric slabs of every Miller plane up to max_index (terminations.enumeration:
    paper_003, Table 2), oracle gamma_surf (paper 003 eq 4) and charge balancing of the
    lowest ones (section 3.2.3)."""
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
        "../../../envs/oracle.yaml"
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
        "../../scripts/surface_terminations.py"


rule termination_interfaces:
    """Lowest-mismatch Li plane per termination (ZSL, strain on the metal), periodic
    LPSC | Li cells, fixed-cell oracle relaxation, gamma_inter and E_str."""
    input:
        records=f"{TI_SLABS}/terminations.json",
        slabs=f"{TI_SLABS}/terminations.extxyz",
        balanced=f"{TI_SLABS}/balanced.extxyz",
        metal=f"{RES}/bulk/relaxed/Li.extxyz",
        metal_json=f"{RES}/bulk/relaxed/Li.json",
    output:
        records=f"{RES}/terminations/interfaces/interfaces.json",
        frames=f"{RES}/terminations/interfaces/interfaces.extxyz",
    log:
        f"logs/{SCALE}/terminations/termination_interfaces.log",
    benchmark:
        f"benchmarks/{SCALE}/terminations/termination_interfaces.tsv"
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("termination_interfaces")
    resources:
        **rule_resources("termination_interfaces"),
    params:
        settings=config["termination_interfaces"],
        scale_settings=S["termination_interfaces"],
        gap_A=config["structures"]["interface_gap_A"],
        oracle=config["oracle"],
        oracle_threads=config["oracle_threads"],
    script:
        "../../scripts/termination_interfaces.py"


rule termination_md_structure:
    """Production-MD cell of study terminations: the relaxed Li | termination interface of
    the configured rank and state, repeated in plane, electrolyte centred (LAMMPS data).
    """
    input:
        records=f"{RES}/terminations/interfaces/interfaces.json",
        frames=f"{RES}/terminations/interfaces/interfaces.extxyz",
    output:
        data=f"{RES}/terminations/structures/md_interface.lmp",
        info=f"{RES}/terminations/structures/md_interface.json",
        poscar=f"{RES}/terminations/structures/md_interface.vasp",
    log:
        f"logs/{SCALE}/terminations/termination_md_structure.log",
    conda:
        "../../../envs/structures.yaml"
    threads: rule_threads("termination_md_structure")
    resources:
        **rule_resources("termination_md_structure"),
    params:
        rank=config["study"].get("terminations", {}).get("md_interface_rank"),
        state=config["study"].get("terminations", {}).get("md_interface_state"),
        in_plane_repeats=S["termination_interfaces"]["md_in_plane_repeats"],
        type_map=config["type_map"],
        min_distance_A=config["structures"]["min_distance_A"],
    script:
        "../../scripts/termination_md_structure.py"
