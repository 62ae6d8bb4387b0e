# Stage 5b (issue 6): Li transport of the bulk-MD series (bulk_md.smk), seiflow.analysis.transport.
# Per run: unwrapped Li + plain MSD (unwrap_run); per run of a series: kinisi D*, sigma_NE,
# sigma_collective over one fit window shared by the whole series (diffusion_run, which
# derives the window from the plain MSD of every run of the series when
# transport.start_fit_ps is auto); per series: Arrhenius figures and tables.

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
        "../../envs/analysis.yaml"
    threads: rule_threads("unwrap_run")
    resources:
        **rule_resources("unwrap_run"),
    params:
        md=bulk_md_settings(),
        type_map=lambda wc: model_type_map(wc.model),
        species=TRANSPORT["species"],
        max_intervals=TRANSPORT["max_intervals"],
    script:
        "../scripts/unwrap_run.py"


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
        "../../envs/analysis.yaml"
    threads: rule_threads("diffusion_run")
    resources:
        **rule_resources("diffusion_run"),
    params:
        transport=TRANSPORT,
        series_runs=lambda wc: SERIES_RUN_DIRS[wc.series],
        min_msd_A2=TRANSPORT["min_msd_A2"],
        seed=lambda wc: config["seed"] + int(wc.T),
    script:
        "../scripts/diffusion_run.py"


rule fig_arrhenius_lpsc:
    """terminations Fig 5 (+ Figs S6-S7): Arrhenius of D*, sigma_NE and sigma_collective of
    bulk S/Cl-disordered Li6PS5Cl, extrapolated to transport.extrapolate_T_K (paper 003).
    """
    input:
        json=[f"{d}/diffusion_lpsc.json" for d in SERIES_RUN_DIRS.get("lpsc", [])],
        msd=[f"{d}/msd_lpsc.csv" for d in SERIES_RUN_DIRS.get("lpsc", [])],
    output:
        png=report(
            f"{RES}/terminations/figures/fig5.png",
            caption="../report/terminations_fig5.rst",
            category="terminations",
        ),
        csv=f"{RES}/terminations/figures/fig5.csv",
        msd_png=report(
            f"{RES}/terminations/figures/figS6.png",
            caption="../report/terminations_figS6.rst",
            category="terminations",
        ),
        msd_csv=f"{RES}/terminations/figures/figS6.csv",
        table=f"{RES}/terminations/tables/arrhenius.csv",
        prov=f"{RES}/terminations/provenance/fig5.json",
    log:
        f"logs/{SCALE}/terminations/fig5.log",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_arrhenius_lpsc")
    resources:
        **rule_resources("fig_arrhenius_lpsc"),
    params:
        quantities=["D", "sigma_NE", "sigma_collective"],
        panels={
            "tracer diffusion": ["D"],
            "conductivity": ["sigma_NE", "sigma_collective"],
        },
        extrapolate_T_K=TRANSPORT["extrapolate_T_K"],
        title="bulk Li$_6$PS$_5$Cl (S/Cl disordered): Arrhenius (paper 003 Fig. 5)",
        msd_title="MSD and mean squared charge displacement (paper 003 Figs. S6, S7)",
    script:
        "../scripts/fig_arrhenius.py"


rule fig_arrhenius_binaries:
    """decomposition_interfaces Fig 3: Arrhenius of Li D* of the bulk binaries, pristine
    and with one Li vacancy, E_a per system (paper 002)."""
    input:
        json=[
            f"{d}/diffusion_binaries.json" for d in SERIES_RUN_DIRS.get("binaries", [])
        ],
        msd=[f"{d}/msd_binaries.csv" for d in SERIES_RUN_DIRS.get("binaries", [])],
    output:
        png=report(
            f"{RES}/decomposition_interfaces/figures/fig3.png",
            caption="../report/decomposition_fig3.rst",
            category="decomposition_interfaces",
        ),
        csv=f"{RES}/decomposition_interfaces/figures/fig3.csv",
        table=f"{RES}/decomposition_interfaces/tables/arrhenius.csv",
        prov=f"{RES}/decomposition_interfaces/provenance/fig3.json",
    log:
        f"logs/{SCALE}/decomposition_interfaces/fig3.log",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_arrhenius_binaries")
    resources:
        **rule_resources("fig_arrhenius_binaries"),
    params:
        quantities=["D"],
        panels={"Li tracer diffusion in the bulk binaries": ["D"]},
        extrapolate_T_K=TRANSPORT["extrapolate_T_K"],
        title="bulk binaries, pristine and one Li vacancy (paper 002 Fig. 3)",
    script:
        "../scripts/fig_arrhenius.py"


rule fig_li_trajectories:
    """terminations Fig 4: Li trajectory lines of ordered vs S/Cl-disordered Li6PS5Cl
    (bulk_md series ordering, paper 003)."""
    input:
        traj=[f"{d}/li_unwrapped.npz" for d in SERIES_RUN_DIRS.get("ordering", [])],
    output:
        png=report(
            f"{RES}/terminations/figures/fig4.png",
            caption="../report/terminations_fig4.rst",
            category="terminations",
        ),
        csv=f"{RES}/terminations/figures/fig4.csv",
        prov=f"{RES}/terminations/provenance/fig4.json",
    log:
        f"logs/{SCALE}/terminations/fig4.log",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_li_trajectories")
    resources:
        **rule_resources("fig_li_trajectories"),
    params:
        labels=SERIES_RUN_LABELS.get("ordering", []),
        plane="xy",
        max_frames=400,
    script:
        "../scripts/fig_li_trajectories.py"


rule fig_hull_msd:
    """symmetric_cell Fig S15: Li MSD in the Li2S0.75P0.125Cl0.125 ordering supercells
    (bulk_md series hull: the oracle-relaxed hull orderings, paper 001), with D* per run and
    per-ordering Arrhenius fits extrapolated to transport.extrapolate_T_K."""
    input:
        json=[f"{d}/diffusion_hull.json" for d in SERIES_RUN_DIRS.get("hull", [])],
        msd=[f"{d}/msd_hull.csv" for d in SERIES_RUN_DIRS.get("hull", [])],
    output:
        msd_png=report(
            f"{RES}/symmetric_cell/figures/figS15.png",
            caption="../report/symmetric_cell_figS15.rst",
            category="symmetric_cell",
        ),
        msd_csv=f"{RES}/symmetric_cell/figures/figS15.csv",
        points=f"{RES}/symmetric_cell/tables/figS15_diffusion.csv",
        table=f"{RES}/symmetric_cell/tables/figS15_arrhenius.csv",
        prov=f"{RES}/symmetric_cell/provenance/figS15.json",
    log:
        f"logs/{SCALE}/symmetric_cell/figS15.log",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_hull_msd")
    resources:
        **rule_resources("fig_hull_msd"),
    params:
        quantities=["D"],
        extrapolate_T_K=TRANSPORT["extrapolate_T_K"],
        msd_title="Li MSD in Li2S0.75P0.125Cl0.125 supercells (paper 001 Fig. S15)",
    script:
        "../scripts/fig_arrhenius.py"


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
        "../../envs/analysis.yaml"
    threads: rule_threads("interface_diffusion")
    resources:
        **rule_resources("interface_diffusion"),
    params:
        transport=TRANSPORT,
        min_msd_A2=TRANSPORT["min_msd_A2"],
        seed=lambda wc: config["seed"] + int(wc.T),
    script:
        "../scripts/interface_diffusion.py"


rule fig_interface_diffusion:
    """decomposition_interfaces Fig 4 / Table S8: D* of Li from the metal and from the binary,
    in-plane and out-of-plane, at the metal|binary interfaces (paper 002)."""
    input:
        csv=[f"{d}/diffusion_origin.csv" for d in SERIES_RUN_DIRS.get("interfaces", [])],
    output:
        png=report(
            f"{RES}/decomposition_interfaces/figures/fig4.png",
            caption="../report/decomposition_fig4.rst",
            category="decomposition_interfaces",
        ),
        csv=f"{RES}/decomposition_interfaces/figures/fig4.csv",
        table=f"{RES}/decomposition_interfaces/tables/tabS8.csv",
        prov=f"{RES}/decomposition_interfaces/provenance/fig4.json",
    log:
        f"logs/{SCALE}/decomposition_interfaces/fig4.log",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_interface_diffusion")
    resources:
        **rule_resources("fig_interface_diffusion"),
    params:
        title="Li D* by origin at metal|binary interfaces, Li vacancies near the interface (paper 002 Fig. 4)",
    script:
        "../scripts/fig_interface_diffusion.py"
