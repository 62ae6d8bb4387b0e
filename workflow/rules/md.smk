# Stage 4: production MD with LAMMPS pair_style deepmd (compressed model), in restartable
# segments: NVT equilibration, then NPT Nose-Hoover (tdamp 0.1 ps, pdamp 1 ps).


rule production_md:
    input:
        data=f"{RES}/{{study}}/structures/md_interface.lmp",
        info=f"{RES}/{{study}}/structures/md_interface.json",
        model=lambda wc: f"{RES}/{model_study(wc.study)}/model/compressed_model.pth",
    output:
        done=f"{RES}/{{study}}/md/{{run}}/md.done",
    log:
        f"logs/{SCALE}/{{study}}/production_md_{{run}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/production_md_{{run}}.tsv"
    conda:
        DEEPMD_ENV
    threads: S["md"]["mpi_ranks"]
    resources:
        mem_mb=8000,
    params:
        md=lambda wc: run_md_settings(wc.study, wc.run),
        temperature_K=lambda wc: run_conditions(wc.run)["temperature_K"],
        type_map=config["type_map"],
        seed=lambda wc: velocity_seed(wc.run),
    script:
        "../scripts/production_md.py"
