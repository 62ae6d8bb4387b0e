# Stage 6: figures (seaborn) with the CSV behind each, and the provenance record.


rule fig_ps4_thickness:
    """symmetric_cell Fig 2d: intact PS4 and SEI thickness vs time (paper 001)."""
    input:
        lambda wc: expand(
            f"{RES}/{wc.study}/analysis/sei_{{run}}.csv", run=md_runs(wc.study)
        ),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig2d.png",
            caption="../report/fig2d.rst",
            category="symmetric_cell",
        ),
        csv=f"{RES}/{{study}}/figures/fig2d.csv",
        prov=f"{RES}/{{study}}/provenance/fig2d.json",
    log:
        f"logs/{SCALE}/{{study}}/fig2d.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_ps4_thickness")
    resources:
        **rule_resources("fig_ps4_thickness"),
    params:
        ps4_cutoff_A=config["analysis"]["ps4_cutoff_A"],
    script:
        "../scripts/fig_ps4_thickness.py"


rule fig_alpha:
    """two_step Fig 2: reduced-electrolyte fraction alpha vs time with a + b ln t fits
    (paper 004)."""
    input:
        lambda wc: expand(
            f"{RES}/{wc.study}/analysis/sei_{{run}}.csv", run=md_runs(wc.study)
        ),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig2.png",
            caption="../report/fig2.rst",
            category="two_step",
        ),
        csv=f"{RES}/{{study}}/figures/fig2.csv",
        fits=f"{RES}/{{study}}/tables/alpha_fits.csv",
        prov=f"{RES}/{{study}}/provenance/fig2.json",
    log:
        f"logs/{SCALE}/{{study}}/fig2.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_alpha")
    resources:
        **rule_resources("fig_alpha"),
    params:
        fit_tmin_ps=S["analysis"]["fit_tmin_ps"],
        n_boot=config["analysis"]["n_bootstrap"],
        seed=config["seed"],
    script:
        "../scripts/fig_alpha.py"


rule fig_model_parity:
    """Energy / force parity of the compressed model on held-out oracle frames."""
    input:
        f"{RES}/{{study}}/model/test",
    output:
        png=report(
            f"{RES}/{{study}}/figures/model_parity.png",
            caption="../report/model_parity.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/model_parity.csv",
        rmse=f"{RES}/{{study}}/tables/model_rmse.csv",
        prov=f"{RES}/{{study}}/provenance/model_parity.json",
    log:
        f"logs/{SCALE}/{{study}}/model_parity.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_model_parity")
    resources:
        **rule_resources("fig_model_parity"),
    params:
        oracle=config["oracle"],
    script:
        "../scripts/fig_model_parity.py"


rule fig_product_ablation:
    """Paper 001 Figs. S3-S4 analogue: product errors before/after adding their data."""
    input:
        table=f"{RES}/{{study}}/tables/product_ablation.csv",
        parity=f"{RES}/{{study}}/tables/product_ablation_parity.csv",
    output:
        png=report(
            f"{RES}/{{study}}/figures/figS3.png",
            caption="../report/product_ablation.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/figS3.csv",
        prov=f"{RES}/{{study}}/provenance/figS3.json",
    log:
        f"logs/{SCALE}/{{study}}/fig_product_ablation.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_product_ablation")
    resources:
        **rule_resources("fig_product_ablation"),
    params:
        oracle=config["oracle"],
    script:
        "../scripts/fig_product_ablation.py"


rule fig_al_report:
    """Active-learning report: explored-frame shares, data-set size and wall time per stage
    of every DP-GEN iteration, with the convergence rule."""
    input:
        report=f"{RES}/{{study}}/tables/al_report.csv",
    output:
        png=report(
            f"{RES}/{{study}}/figures/al_report.png",
            caption="../report/al_report.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/al_report.csv",
        prov=f"{RES}/{{study}}/provenance/al_report.json",
    log:
        f"logs/{SCALE}/{{study}}/fig_al_report.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_al_report")
    resources:
        **rule_resources("fig_al_report"),
    params:
        stage_times=lambda wc: f"{RES}/{wc.study}/dpgen/stage_times.tsv",
        trust=lambda wc: model_settings(wc.study, "dpgen")["trust_level_force_eV_A"],
        convergence=lambda wc: model_settings(wc.study, "dpgen")["convergence"],
        study=lambda wc: wc.study,
    script:
        "../scripts/fig_al_report.py"


rule fig_rulegraph:
    """symmetric_cell Fig 1 analogue: the pipeline's own rule graph as its workflow schematic."""
    input:
        snakefile=workflow.main_snakefile,
        index=FIGURE_INDEX_FILE,
    output:
        png=report(
            f"{RES}/symmetric_cell/figures/fig1.png",
            caption="../report/fig1.rst",
            category="workflow",
        ),
        csv=f"{RES}/symmetric_cell/figures/fig1.csv",
        prov=f"{RES}/symmetric_cell/provenance/fig1.json",
    log:
        f"logs/{SCALE}/symmetric_cell/fig1.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_rulegraph")
    resources:
        **rule_resources("fig_rulegraph"),
    params:
        config=config,
        # stage of each rule = the rule file defining it (evaluated once all files are read)
        stage_of_rule=lambda wc: {
            r.name: Path(r.snakefile).stem for r in workflow.rules
        },
    script:
        "../scripts/fig_rulegraph.py"


rule figure_index:
    """Figure/table index (id -> rule, script, config keys) rendered for this run."""
    input:
        FIGURE_INDEX_FILE,
    output:
        f"{RES}/figure_index.md",
    log:
        f"logs/{SCALE}/figure_index.log",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("figure_index")
    resources:
        **rule_resources("figure_index"),
    params:
        studies=config["studies"],
        training_studies=training_studies(),
        scale=SCALE,
    script:
        "../scripts/figure_index.py"


rule provenance:
    """Resolved config, package versions, git commit and sha256 of inputs and models."""
    input:
        figures=[t for t in all_targets() if not t.endswith("provenance.json")],
        structures=expand(
            f"{RES}/{{study}}/structures/md_interface.vasp", study=md_studies()
        ),
        models=expand(
            f"{RES}/{{study}}/model/{{m}}",
            study=training_studies(),
            m=["frozen_model.pth", "compressed_model.pth"],
        ),
        resources=config["structures"]["resource_dir"],
    output:
        f"{RES}/provenance.json",
    log:
        f"logs/{SCALE}/provenance.log",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("provenance")
    resources:
        **rule_resources("provenance"),
    params:
        config=config,
    script:
        "../scripts/provenance.py"
