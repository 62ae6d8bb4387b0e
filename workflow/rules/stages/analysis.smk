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
        "../../../envs/analysis.yaml"
    threads: rule_threads("sei_analysis")
    resources:
        **rule_resources("sei_analysis"),
    params:
        analysis=config["analysis"],
        md=lambda wc: run_md_settings(wc.study, wc.run),
        conditions=lambda wc: run_conditions(wc.run),
        type_map=config["type_map"],
    script:
        "../../scripts/sei_analysis.py"


rule structure_analysis:
    """Regions (metal/SEI/SSE), SEI composition, CN, S-8-Li and PTM crystallinity, z-profiles,
    region RDFs and Li flux of one production run, streamed frame by frame (issue 4)."""
    input:
        done=f"{RES}/{{study}}/md/{{run}}/md.done",
    output:
        frames=f"{RES}/{{study}}/analysis/structure_{{run}}.csv",
        profiles=f"{RES}/{{study}}/analysis/profiles_{{run}}.csv",
        cn_profiles=f"{RES}/{{study}}/analysis/cn_profiles_{{run}}.csv",
        rdf=f"{RES}/{{study}}/analysis/rdf_{{run}}.csv",
        flux=f"{RES}/{{study}}/analysis/flux_{{run}}.csv",
        snapshots=f"{RES}/{{study}}/analysis/snapshots_{{run}}.extxyz",
    log:
        f"logs/{SCALE}/{{study}}/structure_analysis_{{run}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/structure_analysis_{{run}}.tsv"
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("structure_analysis")
    resources:
        **rule_resources("structure_analysis"),
    params:
        md=lambda wc: run_md_settings(wc.study, wc.run),
        conditions=lambda wc: run_conditions(wc.run),
        type_map=config["type_map"],
        structure=config["analysis"]["structure"],
        ps4_cutoff_A=config["analysis"]["ps4_cutoff_A"],
        window_ps=S["analysis"]["window_ps"],
        rdf_r_max_A=S["analysis"]["rdf_r_max_A"],
    script:
        "../../scripts/structure_analysis.py"
