# Stage 5b (issue 6): Li transport of the bulk-MD series (bulk_md.smk), seiflow.analysis.transport.
# Per run: unwrapped Li + plain MSD (unwrap_run); per run of a series: kinisi D*, sigma_NE,
# sigma_collective over one fit window shared by the whole series (diffusion_run, which
# derives the window from the plain MSD of every run of the series when
# transport.start_fit_ps is auto); the Arrhenius figures and tables of each series are in
# studies/*.smk.

TRANSPORT = config["transport"]
#: Run folders bulk_md/<system>/T<T> and '<system> <T> K' labels of every bulk-MD series.
SERIES_RUN_DIRS = {
    name: [
        f"{RES}/{s['model']}/bulk_md/{system}/T{T}"
        for system in s["systems"]
        for T in s["temperatures_K"]
    ]
    for name, s in S["bulk_md"]["series"].items()
}
SERIES_RUN_LABELS = {
    name: [f"{system} {T} K" for system in s["systems"] for T in s["temperatures_K"]]
    for name, s in S["bulk_md"]["series"].items()
}


rule unwrap_run:
    """Unwrapped positions of the diffusing ions over the NPT production of one bulk-MD run
    (TOR scheme, frames streamed) and their plain multiple-origin MSD."""
    input:
        done=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/md.done",
    output:
        traj=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/li_unwrapped.npz",
        msd=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/li_msd.csv",
    log:
        f"logs/{SCALE}/{{model}}/unwrap_run_{{system}}_T{{T}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{model}}/unwrap_run_{{system}}_T{{T}}.tsv"
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("unwrap_run")
    resources:
        **rule_resources("unwrap_run"),
    params:
        md=bulk_md_settings(),
        type_map=lambda wc: model_type_map(wc.model),
        species=TRANSPORT["species"],
        max_intervals=TRANSPORT["max_intervals"],
    script:
        "../../scripts/unwrap_run.py"


rule diffusion_run:
    """kinisi D* (xyz, in-plane xy, out-of-plane z), Nernst-Einstein and collective sigma of
    one run of a bulk-MD series, over the fit window of the series; flags runs whose ions
    do not diffuse."""
    input:
        traj=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/li_unwrapped.npz",
        cell=f"{RES}/{{model}}/bulk_md/{{system}}/cell.json",
        # plain MSD tables fixing the fit window: every run of the series (auto), else its own
        msd=lambda wc: (
            [f"{d}/li_msd.csv" for d in SERIES_RUN_DIRS[wc.series]]
            if TRANSPORT["start_fit_ps"] == "auto"
            else [f"{RES}/{wc.model}/bulk_md/{wc.system}/T{wc.T}/li_msd.csv"]
        ),
    output:
        json=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/diffusion_{{series}}.json",
        msd=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/msd_{{series}}.csv",
    log:
        f"logs/{SCALE}/{{model}}/diffusion_run_{{series}}_{{system}}_T{{T}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{model}}/diffusion_run_{{series}}_{{system}}_T{{T}}.tsv"
    wildcard_constraints:
        series="|".join(S["bulk_md"]["series"]),
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("diffusion_run")
    resources:
        **rule_resources("diffusion_run"),
    params:
        transport=TRANSPORT,
        series_runs=lambda wc: SERIES_RUN_DIRS[wc.series],
        min_msd_A2=TRANSPORT["min_msd_A2"],
        seed=lambda wc: config["seed"] + int(wc.T),
    script:
        "../../scripts/diffusion_run.py"


rule interface_diffusion:
    """In-plane / out-of-plane kinisi D* of the Li of each origin (metal, binary; all, and
    those starting in the interface region) of one metal|binary interface run of the bulk_md
    series interfaces (paper 002 Fig. 4, Table S8)."""
    input:
        traj=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/li_unwrapped.npz",
        cell=f"{RES}/{{model}}/bulk_md/{{system}}/cell.json",
        msd=lambda wc: (
            [f"{d}/li_msd.csv" for d in SERIES_RUN_DIRS["interfaces"]]
            if TRANSPORT["start_fit_ps"] == "auto"
            else [f"{RES}/{wc.model}/bulk_md/{wc.system}/T{wc.T}/li_msd.csv"]
        ),
    output:
        csv=f"{RES}/{{model}}/bulk_md/{{system}}/T{{T}}/diffusion_origin.csv",
    log:
        f"logs/{SCALE}/{{model}}/interface_diffusion_{{system}}_T{{T}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{model}}/interface_diffusion_{{system}}_T{{T}}.tsv"
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("interface_diffusion")
    resources:
        **rule_resources("interface_diffusion"),
    params:
        transport=TRANSPORT,
        min_msd_A2=TRANSPORT["min_msd_A2"],
        seed=lambda wc: config["seed"] + int(wc.T),
    script:
        "../../scripts/interface_diffusion.py"
