# Stage 4: production MD with LAMMPS pair_style deepmd (compressed model), in restartable
# segments: NVT equilibration, then NPT Nose-Hoover (tdamp 0.1 ps, pdamp 1 ps).


rule model_stability:
    """Exploding-model check: short NVT at the highest production temperature on the model
    study's production cell; conserved-energy drift and lost atoms. Gates production MD.
    """
    input:
        cell=lambda wc: model_check_input(wc.study),
        model=f"{RES}/{{study}}/model/compressed_model.pth",
    output:
        json=f"{RES}/{{study}}/model/stability.json",
        thermo=f"{RES}/{{study}}/model/stability_thermo.csv",
    log:
        f"logs/{SCALE}/{{study}}/model_stability.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/model_stability.tsv"
    conda:
        DEEPMD_ENV
    threads: rule_threads("model_stability")
    resources:
        **rule_resources("model_stability"),
    params:
        settings=S["model_check"],
        cell_file=lambda wc: model_check_cell(wc.study),
        temperature_K=lambda wc: model_check_temperature(wc.study),
        timestep_fs=S["md"]["timestep_fs"],
        type_map=lambda wc: model_type_map(wc.study),
        seed=config["seed"],
    script:
        "../../scripts/model_stability.py"


rule production_md:
    input:
        data=f"{RES}/{{study}}/structures/md_interface.lmp",
        info=f"{RES}/{{study}}/structures/md_interface.json",
        model=lambda wc: f"{RES}/{model_study(wc.study)}/model/compressed_model.pth",
        stability=lambda wc: f"{RES}/{model_study(wc.study)}/model/stability.json",
        validation=lambda wc: f"{RES}/{model_study(wc.study)}/tables/teacher_validation.csv",
    output:
        done=f"{RES}/{{study}}/md/{{run}}/md.done",
    log:
        f"logs/{SCALE}/{{study}}/production_md_{{run}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/production_md_{{run}}.tsv"
    conda:
        DEEPMD_ENV
    threads: rule_threads("production_md")
    resources:
        **rule_resources("production_md"),
    params:
        md=lambda wc: run_md_settings(wc.study, wc.run),
        temperature_K=lambda wc: run_conditions(wc.run)["temperature_K"],
        type_map=config["type_map"],
        seed=lambda wc: velocity_seed(wc.run),
    script:
        "../../scripts/production_md.py"


rule li_melting:
    """Melting check of a study's model: NPT heating of bulk bcc Li (paper 001 Fig. S5)."""
    input:
        model=lambda wc: f"{RES}/{model_study(wc.study)}/model/compressed_model.pth",
    output:
        csv=f"{RES}/{{study}}/analysis/li_melting.csv",
    log:
        f"logs/{SCALE}/{{study}}/li_melting.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/li_melting.tsv"
    conda:
        DEEPMD_ENV
    threads: rule_threads("li_melting")
    resources:
        **rule_resources("li_melting"),
    params:
        settings=S["li_melting"],
        type_map=config["type_map"],
        a_A=config["structures"]["li_lattice_A"],
        seed=config["seed"],
        rmsd_cutoff=config["analysis"]["structure"]["ptm_rmsd_cutoff"],
    script:
        "../../scripts/li_melting.py"
