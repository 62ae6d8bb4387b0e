# Stage 4b (issue 6): bulk MD with a study's DeePMD model over temperature series
# (scales.<scale>.bulk_md.series): transport (Arrhenius, conductivity) and the reference
# frames of the unsupervised classification. Restartable segment by segment.


wildcard_constraints:
    T=r"\d+",


rule bulk_md_cell:
    """Bulk (or one-vacancy) supercell of one system, a hull ordering or a metal|binary
    interface (with its atoms' origins), as a LAMMPS data file in the model's type order.
    """
    input:
        resources=config["structures"]["resource_dir"],
        # glass / slab / iface / hull systems: the file of the stage that builds them
        source=lambda wc: source_file(wc.system) or [],
    output:
        data=f"{RES}/{{model}}/bulk_md/{{system}}/cell.lmp",
        info=f"{RES}/{{model}}/bulk_md/{{system}}/cell.json",
        poscar=f"{RES}/{{model}}/bulk_md/{{system}}/cell.vasp",
    log:
        f"logs/{SCALE}/{{model}}/bulk_md_cell_{{system}}.log",
    conda:
        "../../../envs/structures.yaml"
    threads: rule_threads("bulk_md_cell")
    resources:
        **rule_resources("bulk_md_cell"),
    params:
        structures=config["structures"],
        supercells=S["bulk_md"]["supercells"],
        type_map=lambda wc: model_type_map(wc.model),
        min_distance=config["structures"]["min_distance_A"],
        interface_vacancies=S["bulk_md"]["interface_vacancies"],
        seed=config["seed"],
    script:
        "../../scripts/bulk_md_cell.py"


rule bulk_md:
    """NVT equilibration + segmented NPT production of one bulk system at one temperature
    with the compressed model (after its exploding-model check); resumes from the last
    restart file."""
    input:
        data=f"{RES}/{{model}}/bulk_md/{{system}}/cell.lmp",
        model=f"{RES}/{{model}}/model/compressed_model.pth",
        stability=f"{RES}/{{model}}/model/stability.json",
        validation=f"{RES}/{{model}}/tables/teacher_validation.csv",
    output:
        done=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/md.done",
    log:
        f"logs/{SCALE}/{{model}}/bulk_md_{{system}}_T{{T}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{model}}/bulk_md_{{system}}_T{{T}}.tsv"
    conda:
        DEEPMD_ENV
    threads: rule_threads("bulk_md")
    resources:
        **rule_resources("bulk_md"),
    params:
        md=bulk_md_settings(),
        type_map=lambda wc: model_type_map(wc.model),
        seed=lambda wc: config["seed"] + 7 * int(wc.T),
    script:
        "../../scripts/bulk_md.py"
