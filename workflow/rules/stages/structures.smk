# Stage 1: starting structures from published crystallographic data (pymatgen / ASE).


rule exploration_structures:
    """Bulk and interface cells for initial oracle data and DP-GEN exploration."""
    input:
        resources=config["structures"]["resource_dir"],
        sources=lambda wc: list(system_sources(wc.study).values()),
    output:
        directory(f"{RES}/{{study}}/structures/systems"),
    log:
        f"logs/{SCALE}/{{study}}/exploration_structures.log",
    conda:
        "../../../envs/structures.yaml"
    threads: rule_threads("exploration_structures")
    resources:
        **rule_resources("exploration_structures"),
    params:
        structures=config["structures"],
        initial_data=lambda wc: model_settings(wc.study, "initial_data"),
        lpsc_repeats=S["exploration_interface"]["lpsc_repeats"],
        ratio=lambda wc: config["study"][wc.study].get("li_to_lpsc_ratio"),
        lpsc_facet=lambda wc: config["study"][wc.study].get("lpsc_facet", "100"),
        coating_layers=lambda wc: config["study"][wc.study].get("coating_layers", 0),
        sources=lambda wc: system_sources(wc.study),
        seed=config["seed"],
    script:
        "../../scripts/build_structures.py"


rule md_structure:
    """Symmetric Li(110)|Li6PS5Cl(100)|Li cell of the production MD (LAMMPS data file)."""
    input:
        resources=config["structures"]["resource_dir"],
    output:
        data=f"{RES}/{{study}}/structures/md_interface.lmp",
        info=f"{RES}/{{study}}/structures/md_interface.json",
        poscar=f"{RES}/{{study}}/structures/md_interface.vasp",
    log:
        f"logs/{SCALE}/{{study}}/md_structure.log",
    wildcard_constraints:
        study=f"({'|'.join(BUILT_MD_STUDIES)})({VARIANT_SEP}[A-Za-z0-9_]+)?",
    conda:
        "../../../envs/structures.yaml"
    threads: rule_threads("md_structure")
    resources:
        **rule_resources("md_structure"),
    params:
        structures=config["structures"],
        lpsc_repeats=lambda wc: md_lpsc_repeats(wc.study),
        ratio=lambda wc: config["study"][split_variant(wc.study)[0]]["li_to_lpsc_ratio"],
        lpsc_facet=lambda wc: config["study"][split_variant(wc.study)[0]]["lpsc_facet"],
        coating_layers=lambda wc: coating_layers(wc.study),
        type_map=config["type_map"],
        seed=lambda wc: config["seed"] + 1,
    script:
        "../../scripts/md_structure.py"
