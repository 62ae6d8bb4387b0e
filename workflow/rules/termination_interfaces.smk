# Study "terminations" (paper 003), section 3.2.2: Li-metal | Li6PS5Cl-termination interfaces of
# the lowest-gamma terminations (charged and charge-balanced), E_str and gamma_inter (eqs 9-12,
# Tables 3 and 4), Fig 6 (gamma_inter per interface) and Fig 7a (P-S / Li-P RDFs).
# Inputs: terminations stage (slabs/) and the bulk stage (relaxed Li).

TI_SLABS = f"{RES}/terminations/slabs"


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
        "../../envs/oracle.yaml"
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
        "../scripts/termination_interfaces.py"


rule termination_interface_figures:
    """Table 3 (E_str), Table 4 interface part (charged vs neutral gamma_inter), Fig 6, Fig 7a."""
    input:
        records=f"{RES}/terminations/interfaces/interfaces.json",
        frames=f"{RES}/terminations/interfaces/interfaces.extxyz",
    output:
        tab3=f"{RES}/terminations/tables/tab3.csv",
        tab3_png=f"{RES}/terminations/tables/tab3.png",
        tab4=f"{RES}/terminations/tables/tab4_interfaces.csv",
        fig6=report(
            f"{RES}/terminations/figures/fig6.png",
            caption="../report/terminations_fig6.rst",
            category="terminations",
        ),
        fig6_csv=f"{RES}/terminations/figures/fig6.csv",
        fig7a=report(
            f"{RES}/terminations/figures/fig7a.png",
            caption="../report/terminations_fig7a.rst",
            category="terminations",
        ),
        fig7a_csv=f"{RES}/terminations/figures/fig7a.csv",
        prov=f"{RES}/terminations/provenance/tab3_tab4_interfaces_fig6_fig7a.json",
    log:
        f"logs/{SCALE}/terminations/termination_interface_figures.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("termination_interface_figures")
    resources:
        **rule_resources("termination_interface_figures"),
    params:
        rdf_r_max_A=config["termination_interfaces"]["rdf_r_max_A"],
        rdf_bin_A=config["termination_interfaces"]["rdf_bin_A"],
    script:
        "../scripts/termination_interface_figures.py"


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
        "../../envs/structures.yaml"
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
        "../scripts/termination_md_structure.py"
