# Stage 7: figures and tables of the SEI structure analyses (issue 4): snapshots, Li PTM,
# region RDFs, XRD, thermo, crystalline share (two_step), CN / thickness / crystallinity /
# flux / decomposition times / composition (terminations).


ruleorder: fig_rulegraph > fig_snapshot


rule fig_snapshot:
    """OVITO snapshot (headless Tachyon) of the first or last frame of a study's first run."""
    input:
        snapshots=lambda wc: f"{RES}/{wc.study}/analysis/snapshots_{first_run(wc.study)}.extxyz",
        frames=lambda wc: (
            f"{RES}/{wc.study}/analysis/structure_{first_run(wc.study)}.csv"
            if SNAPSHOTS.get((wc.study, wc.snap), (None, None))[1] == "li_ptm"
            else []
        ),
    output:
        png=report(
            f"{RES}/{{study}}/figures/{{snap}}.png",
            caption="../report/snapshot.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/{{snap}}.csv",
        prov=f"{RES}/{{study}}/provenance/{{snap}}.json",
    log:
        f"logs/{SCALE}/{{study}}/fig_snapshot_{{snap}}.log",
    wildcard_constraints:
        study="symmetric_cell|two_step",
        snap="fig1|fig2a|fig3",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_snapshot")
    resources:
        **rule_resources("fig_snapshot"),
    params:
        which=lambda wc: snapshot_spec(wc)[0],
        scheme=lambda wc: snapshot_spec(wc)[1],
        title=lambda wc: snapshot_spec(wc)[2],
    script:
        "../scripts/fig_snapshot.py"


rule fig_region_rdf:
    """symmetric_cell Fig. 5d: SEI vs SSE partial RDFs with ideal Li2S peaks; P+Cl share of
    the crystalline anion sites."""
    input:
        rdf=lambda wc: runs_of(wc.study, "rdf"),
        frames=lambda wc: runs_of(wc.study, "structure"),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig5d.png",
            caption="../report/fig5d.rst",
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
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_region_rdf")
    resources:
        **rule_resources("fig_region_rdf"),
    params:
        li2s_a_A=config["analysis"]["li2s_a_A"],
        window_ps=S["analysis"]["window_ps"],
    script:
        "../scripts/fig_region_rdf.py"


rule fig_xrd:
    """symmetric_cell Fig. S12: XRD of the SEI region of the last frame vs ideal Li2S."""
    input:
        snapshots=lambda wc: f"{RES}/{wc.study}/analysis/snapshots_{first_run(wc.study)}.extxyz",
    output:
        png=report(
            f"{RES}/{{study}}/figures/figS12.png",
            caption="../report/figS12.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/figS12.csv",
        prov=f"{RES}/{{study}}/provenance/figS12.json",
    log:
        f"logs/{SCALE}/{{study}}/figS12.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_xrd")
    resources:
        **rule_resources("fig_xrd"),
    params:
        li2s_a_A=config["analysis"]["li2s_a_A"],
        fwhm_deg=config["analysis"]["xrd_fwhm_deg"],
        two_theta_range=[10.0, 80.0],
    script:
        "../scripts/fig_xrd.py"


rule fig_thermo:
    """symmetric_cell Fig. S6: volume, potential energy and temperature vs time."""
    input:
        done=lambda wc: [
            f"{RES}/{wc.study}/md/{run}/md.done" for run in md_runs(wc.study)
        ],
    output:
        png=report(
            f"{RES}/{{study}}/figures/figS6.png",
            caption="../report/figS6.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/figS6.csv",
        prov=f"{RES}/{{study}}/provenance/figS6.json",
    log:
        f"logs/{SCALE}/{{study}}/figS6.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_thermo")
    resources:
        **rule_resources("fig_thermo"),
    params:
        runs=lambda wc: md_runs(wc.study),
        conditions=lambda wc: [run_conditions(r) for r in md_runs(wc.study)],
    script:
        "../scripts/fig_thermo.py"


rule fig_crystalline_share:
    """two_step Fig. 4: crystalline share of the reduced electrolyte vs time, sqrt(t) and
    linear fits with covariance and bootstrap errors."""
    input:
        runs=lambda wc: runs_of(wc.study, "structure"),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig4.png",
            caption="../report/two_step_fig4.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/fig4.csv",
        fits=f"{RES}/{{study}}/tables/fig4_fits.csv",
        prov=f"{RES}/{{study}}/provenance/fig4.json",
    log:
        f"logs/{SCALE}/{{study}}/fig4.log",
    wildcard_constraints:
        study="two_step",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_crystalline_share")
    resources:
        **rule_resources("fig_crystalline_share"),
    params:
        fit_tmin_ps=S["analysis"]["fit_tmin_ps"],
        n_boot=config["analysis"]["n_bootstrap"],
        seed=config["seed"],
    script:
        "../scripts/fig_crystalline_share.py"


rule fig_structure_series:
    """terminations Figs. 9, 11a, 11b: CN, SEI thickness and crystallinity vs time."""
    input:
        runs=lambda wc: runs_of(wc.study, TERMINATION_SERIES[wc.series][0]),
    output:
        png=report(
            f"{RES}/{{study}}/figures/{{series}}.png",
            caption="../report/terminations_series.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/{{series}}.csv",
        prov=f"{RES}/{{study}}/provenance/{{series}}.json",
    log:
        f"logs/{SCALE}/{{study}}/{{series}}.log",
    wildcard_constraints:
        study="terminations",
        series="fig9|fig11a|fig11b",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_structure_series")
    resources:
        **rule_resources("fig_structure_series"),
    params:
        quantities=lambda wc: TERMINATION_SERIES[wc.series][1],
        title=lambda wc: TERMINATION_SERIES[wc.series][2],
    script:
        "../scripts/fig_structure_series.py"


rule terminations_sei_tables:
    """terminations Table 5 (decomposition / crystallisation times) and the SEI composition
    Li2S(1-x-y)PxCly (numbers.csv)."""
    input:
        sei=lambda wc: runs_of("terminations", "sei"),
        frames=lambda wc: runs_of("terminations", "structure"),
    output:
        tab5=f"{RES}/terminations/tables/tab5.csv",
        tab5_png=f"{RES}/terminations/tables/tab5.png",
        numbers=f"{RES}/terminations/tables/numbers.csv",
        prov=f"{RES}/terminations/provenance/tab5_numbers.json",
    log:
        f"logs/{SCALE}/terminations/terminations_sei_tables.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("terminations_sei_tables")
    resources:
        **rule_resources("terminations_sei_tables"),
    params:
        threshold=config["analysis"]["crystalline_threshold"],
        window_ps=S["analysis"]["window_ps"],
    script:
        "../scripts/terminations_sei_tables.py"


rule fig_flux:
    """terminations Figs. 12-13 and Table 6: Li flux through 3 Å membranes."""
    input:
        flux=lambda wc: runs_of("terminations", "flux"),
    output:
        fig12=report(
            f"{RES}/terminations/figures/fig12.png",
            caption="../report/terminations_flux.rst",
            category="SEI structure",
        ),
        fig12_csv=f"{RES}/terminations/figures/fig12.csv",
        fig13=report(
            f"{RES}/terminations/figures/fig13.png",
            caption="../report/terminations_flux.rst",
            category="SEI structure",
        ),
        fig13_csv=f"{RES}/terminations/figures/fig13.csv",
        tab6=f"{RES}/terminations/tables/tab6.csv",
        tab6_png=f"{RES}/terminations/tables/tab6.png",
        prov=f"{RES}/terminations/provenance/fig12_fig13_tab6.json",
    log:
        f"logs/{SCALE}/terminations/fig_flux.log",
    conda:
        "../../envs/figures.yaml"
    threads: rule_threads("fig_flux")
    resources:
        **rule_resources("fig_flux"),
    params:
        window_ps=S["analysis"]["window_ps"],
    script:
        "../scripts/fig_flux.py"


rule fig_li_melting:
    """symmetric_cell Fig. S5: BCC share of heated bulk Li vs temperature."""
    input:
        csv=f"{RES}/{{study}}/analysis/li_melting.csv",
    output:
        png=report(
            f"{RES}/{{study}}/figures/figS5.png",
            caption="../report/figS5.rst",
            category="SEI structure",
        ),
        csv=f"{RES}/{{study}}/figures/figS5.csv",
        prov=f"{RES}/{{study}}/provenance/figS5.json",
    log:
        f"logs/{SCALE}/{{study}}/figS5.log",
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_li_melting")
    resources:
        **rule_resources("fig_li_melting"),
    script:
        "../scripts/fig_li_melting.py"


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
            caption="../report/cell_variants.rst",
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
        "../../envs/figures.yaml"
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
        "../scripts/fig_cell_variants.py"
