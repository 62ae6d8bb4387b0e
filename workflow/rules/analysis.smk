# Stage 5: SEI analyses over the MD trajectories (streamed frame by frame).


rule sei_analysis:
    """Intact PS4 count, SEI thickness and reduced fraction alpha per frame."""
    input:
        done=f"{RES}/{{study}}/md/{{run}}/md.done",
        info=f"{RES}/{{study}}/structures/md_interface.json",
    output:
        f"{RES}/{{study}}/analysis/sei_{{run}}.csv",
    log:
        f"logs/{SCALE}/{{study}}/sei_analysis_{{run}}.log",
    conda:
        "../../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    params:
        analysis=config["analysis"],
        md=lambda wc: run_md_settings(wc.study, wc.run),
        conditions=lambda wc: run_conditions(wc.run),
        type_map=config["type_map"],
    script:
        "../scripts/sei_analysis.py"
