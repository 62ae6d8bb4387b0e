# Study symmetric_cell (paper 001): every figure and table rule of the study.
# fig2a (snapshot) is drawn by fig_snapshot in studies/two_step.smk.


ruleorder: fig_rulegraph > fig_snapshot


rule fig_rulegraph:
    """symmetric_cell Fig 1 analogue: the pipeline's own rule graph as its workflow schematic."""
    input:
        snakefile=workflow.main_snakefile,
        index=FIGURE_INDEX_FILE,
    output:
        png=report(
            f"{RES}/symmetric_cell/figures/fig1.png",
            caption="../../report/fig1.rst",
            category="workflow",
        ),
        csv=f"{RES}/symmetric_cell/figures/fig1.csv",
        prov=f"{RES}/symmetric_cell/provenance/fig1.json",
    log:
        f"logs/{SCALE}/symmetric_cell/fig1.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_rulegraph")
    resources:
        **rule_resources("fig_rulegraph"),
    params:
        config=config,
        # interpreter with snakemake (the driver's: a conda job env has no snakemake)
        snakemake_python=sys.executable,
        # stage of each rule = the rule file defining it (evaluated once all files are read)
        stage_of_rule=lambda wc: {
            r.name: Path(r.snakefile).stem for r in workflow.rules
        },
    script:
        "../../scripts/fig_rulegraph.py"


rule hull_orderings:
    """Paper 001 text: every symmetry-distinct Li2S0.75P0.125Cl0.125 ordering of the 24-atom
    cell, relaxed with the oracle; E above the Li2S-Li3P-LiCl hull (pymatgen)."""
    input:
        li2s=f"{RES}/bulk/relaxed/Li2S.extxyz",
        terminals=expand(
            f"{RES}/bulk/relaxed/{{phase}}.json", phase=["Li2S", "Li3P", "LiCl"]
        ),
    output:
        csv=f"{RES}/symmetric_cell/tables/hull_orderings.csv",
        json=f"{RES}/symmetric_cell/tables/hull_orderings.json",
        numbers=f"{RES}/symmetric_cell/tables/numbers.csv",
        extxyz=f"{RES}/symmetric_cell/hull/orderings_relaxed.extxyz",
        prov=f"{RES}/symmetric_cell/provenance/hull.json",
    log:
        f"logs/{SCALE}/symmetric_cell/hull_orderings.log",
    benchmark:
        f"benchmarks/{SCALE}/symmetric_cell/hull_orderings.tsv"
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("hull_orderings")
    resources:
        **rule_resources("hull_orderings"),
    params:
        oracle=config["oracle"],
        supercell=config["hull"]["supercell"],
        n_p=config["hull"]["n_p"],
        n_cl=config["hull"]["n_cl"],
        symprec_A=config["hull"]["symprec_A"],
        keep_symmetry=config["hull"]["keep_symmetry"],
        temperature_K=config["hull"]["temperature_K"],
        fmax_eV_A=S["bulk"]["fmax_eV_A"],
        max_steps=S["bulk"]["max_steps"],
        optimizer=config["bulk"]["optimizer"],
    script:
        "../../scripts/hull_orderings.py"


rule fig_product_ablation:
    """Paper 001 Figs. S3-S4 analogue: product errors before/after adding their data."""
    input:
        table=f"{RES}/{{study}}/tables/product_ablation.csv",
        parity=f"{RES}/{{study}}/tables/product_ablation_parity.csv",
    output:
        png=report(
            f"{RES}/{{study}}/figures/figS3.png",
            caption="../../report/product_ablation.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/figS3.csv",
        prov=f"{RES}/{{study}}/provenance/figS3.json",
    log:
        f"logs/{SCALE}/{{study}}/fig_product_ablation.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_product_ablation")
    resources:
        **rule_resources("fig_product_ablation"),
    params:
        oracle=config["oracle"],
    script:
        "../../scripts/fig_product_ablation.py"


rule fig_ps4_thickness:
    """symmetric_cell Fig 2d: intact PS4 and SEI thickness vs time (paper 001)."""
    input:
        lambda wc: expand(
            f"{RES}/{wc.study}/analysis/sei_{{run}}.csv", run=md_runs(wc.study)
        ),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig2d.png",
            caption="../../report/fig2d.rst",
            category="symmetric_cell",
        ),
        csv=f"{RES}/{{study}}/figures/fig2d.csv",
        prov=f"{RES}/{{study}}/provenance/fig2d.json",
    log:
        f"logs/{SCALE}/{{study}}/fig2d.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_ps4_thickness")
    resources:
        **rule_resources("fig_ps4_thickness"),
    params:
        ps4_cutoff_A=config["analysis"]["ps4_cutoff_A"],
    script:
        "../../scripts/fig_ps4_thickness.py"


# Stage 5c: transport of the Li metal by local crystal structure (paper 001 Fig. 2b): the
# metal-region Li of one production run classified by PTM at each origin, window-averaged
# MSD in-plane and out-of-plane (seiflow.analysis.phase_transport).


# WINDOW_MSD_STUDY: the study whose production run Fig. 2b analyses (seiflow.config.checks)
#: Run of Fig. 2b at this scale (every scale's window_msd block is checked by check_config).
WINDOW_MSD_RUN = window_msd_run(SCALE, S, WINDOW_MSD_STUDY)


rule fig_window_msd:
    """symmetric_cell Fig. 2b: window-averaged MSD of the metal-region Li by PTM class
    (BCC/HCP/FCC/other, classified at each origin), in-plane and out-of-plane."""
    input:
        done=f"{RES}/{{study}}/md/{WINDOW_MSD_RUN}/md.done",
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig2b.png",
            caption="../../report/symmetric_cell_fig2b.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/fig2b.csv",
        prov=f"{RES}/{{study}}/provenance/fig2b.json",
    log:
        f"logs/{SCALE}/{{study}}/fig2b.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/fig2b.tsv"
    wildcard_constraints:
        study=WINDOW_MSD_STUDY,
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_window_msd")
    resources:
        **rule_resources("fig_window_msd"),
    params:
        run=WINDOW_MSD_RUN,
        md=lambda wc: run_md_settings(wc.study, WINDOW_MSD_RUN),
        type_map=config["type_map"],
        origins_ps=S["window_msd"]["origins_ps"],
        window_ps=S["window_msd"]["window_ps"],
        ptm_rmsd_cutoff=S["window_msd"]["ptm_rmsd_cutoff"],
        ps4_cutoff_A=config["analysis"]["ps4_cutoff_A"],
    script:
        "../../scripts/fig_window_msd.py"


rule fig_region_rdf:
    """symmetric_cell Fig. 5d: SEI vs SSE partial RDFs with ideal Li2S peaks; P+Cl share of
    the crystalline anion sites."""
    input:
        rdf=lambda wc: runs_of(wc.study, "rdf"),
        frames=lambda wc: runs_of(wc.study, "structure"),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig5d.png",
            caption="../../report/fig5d.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/fig5d.csv",
        occupancy=f"{RES}/{{study}}/tables/fig5d_occupancy.csv",
        prov=f"{RES}/{{study}}/provenance/fig5d.json",
    log:
        f"logs/{SCALE}/{{study}}/fig5d.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_region_rdf")
    resources:
        **rule_resources("fig_region_rdf"),
    params:
        li2s_a_A=config["analysis"]["li2s_a_A"],
        window_ps=S["analysis"]["window_ps"],
    script:
        "../../scripts/fig_region_rdf.py"


rule fig_xrd:
    """symmetric_cell Fig. S12: XRD of the SEI region of the last frame vs ideal Li2S."""
    input:
        snapshots=lambda wc: f"{RES}/{wc.study}/analysis/snapshots_{first_run(wc.study)}.extxyz",
    output:
        png=report(
            f"{RES}/{{study}}/figures/figS12.png",
            caption="../../report/figS12.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/figS12.csv",
        prov=f"{RES}/{{study}}/provenance/figS12.json",
    log:
        f"logs/{SCALE}/{{study}}/figS12.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_xrd")
    resources:
        **rule_resources("fig_xrd"),
    params:
        li2s_a_A=config["analysis"]["li2s_a_A"],
        fwhm_deg=config["analysis"]["xrd_fwhm_deg"],
        two_theta_range=[10.0, 80.0],
    script:
        "../../scripts/fig_xrd.py"


rule fig_thermo:
    """symmetric_cell Fig. S6: volume, potential energy and temperature vs time."""
    input:
        done=lambda wc: [
            f"{RES}/{wc.study}/md/{run}/md.done" for run in md_runs(wc.study)
        ],
    output:
        png=report(
            f"{RES}/{{study}}/figures/figS6.png",
            caption="../../report/figS6.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/figS6.csv",
        prov=f"{RES}/{{study}}/provenance/figS6.json",
    log:
        f"logs/{SCALE}/{{study}}/figS6.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_thermo")
    resources:
        **rule_resources("fig_thermo"),
    params:
        runs=lambda wc: md_runs(wc.study),
        conditions=lambda wc: [run_conditions(r) for r in md_runs(wc.study)],
    script:
        "../../scripts/fig_thermo.py"


rule fig_li_melting:
    """symmetric_cell Fig. S5: BCC share of heated bulk Li vs temperature."""
    input:
        csv=f"{RES}/{{study}}/analysis/li_melting.csv",
    output:
        png=report(
            f"{RES}/{{study}}/figures/figS5.png",
            caption="../../report/figS5.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/figS5.csv",
        prov=f"{RES}/{{study}}/provenance/figS5.json",
    log:
        f"logs/{SCALE}/{{study}}/figS5.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_li_melting")
    resources:
        **rule_resources("fig_li_melting"),
    script:
        "../../scripts/fig_li_melting.py"


rule fig_cell_variants:
    """symmetric_cell Fig. 6 (Li2S coating) and Fig. S17 (cell size): intact PS4 and SEI
    thickness of the study's cell next to its cell variants."""
    input:
        sei=lambda wc: [
            f for s in cell_variant_group(wc.study, wc.fig) for f in runs_of(s, "sei")
        ],
        info=lambda wc: [
            f"{RES}/{s}/structures/md_interface.json"
            for s in cell_variant_group(wc.study, wc.fig)
        ],
    output:
        png=report(
            f"{RES}/{{study}}/figures/{{fig}}.png",
            caption="../../report/cell_variants.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/{{fig}}.csv",
        prov=f"{RES}/{{study}}/provenance/{{fig}}.json",
    log:
        f"logs/{SCALE}/{{study}}/{{fig}}.log",
    wildcard_constraints:
        study="symmetric_cell",
        fig="fig6|figS17",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_cell_variants")
    resources:
        **rule_resources("fig_cell_variants"),
    params:
        studies=lambda wc: cell_variant_group(wc.study, wc.fig),
        names=lambda wc: [
            split_variant(s)[1] or "study cell"
            for s in cell_variant_group(wc.study, wc.fig)
        ],
        temperatures_K=lambda wc: shared_temperatures(
            cell_variant_group(wc.study, wc.fig)
        ),
        title=lambda wc: {
            "fig6": "with and without a Li$_2$S coating (paper 001 Fig. 6)",
            "figS17": "cell-size series (paper 001 Figs. S17-S18)",
        }[wc.fig],
    script:
        "../../scripts/fig_cell_variants.py"


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
            caption="../../report/symmetric_cell_figS15.rst",
            category="symmetric_cell",
        ),
        msd_csv=f"{RES}/symmetric_cell/figures/figS15.csv",
        points=f"{RES}/symmetric_cell/tables/figS15_diffusion.csv",
        table=f"{RES}/symmetric_cell/tables/figS15_arrhenius.csv",
        prov=f"{RES}/symmetric_cell/provenance/figS15.json",
    log:
        f"logs/{SCALE}/symmetric_cell/figS15.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_hull_msd")
    resources:
        **rule_resources("fig_hull_msd"),
    params:
        quantities=["D"],
        extrapolate_T_K=TRANSPORT["extrapolate_T_K"],
        msd_title="Li MSD in Li2S0.75P0.125Cl0.125 supercells (paper 001 Fig. S15)",
    script:
        "../../scripts/fig_arrhenius.py"


rule fig_classification:
    """symmetric_cell Fig. 4 (paper 001 Fig. 4, Figs. S10-S11): snapshot with the sampled Li
    coloured by phase, phase fractions vs time (core / non-core) and the cluster table of the
    first run."""
    input:
        clusters=lambda wc: f"{RES}/{wc.study}/classification/labels_{first_run(wc.study)}.csv",
        points=lambda wc: f"{RES}/{wc.study}/classification/points_{first_run(wc.study)}.csv",
        fractions=lambda wc: (
            f"{RES}/{wc.study}/classification/fractions_{first_run(wc.study)}.csv"
        ),
        snapshot=lambda wc: (
            f"{RES}/{wc.study}/classification/snapshot_{first_run(wc.study)}.extxyz"
        ),
        summary=lambda wc: (
            f"{RES}/{wc.study}/classification/clusters_{first_run(wc.study)}.json"
        ),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig4.png",
            caption="../../report/classification.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/fig4.csv",
        clusters=f"{RES}/{{study}}/tables/fig4_clusters.csv",
        prov=f"{RES}/{{study}}/provenance/fig4.json",
    log:
        f"logs/{SCALE}/{{study}}/fig4.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_classification")
    resources:
        **rule_resources("fig_classification"),
    params:
        run=lambda wc: first_run(wc.study),
        classification=CLS,
        reference_phases=CLS_PHASES,
    script:
        "../../scripts/fig_classification.py"
