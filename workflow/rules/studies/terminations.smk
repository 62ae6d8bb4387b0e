# Study terminations (paper 003): every table and figure rule: Table 1 / Fig. 3 (ordered
# vs disordered Li6PS5Cl), Tables 2-4 (terminations, interfaces), Figs. 6-7a, Figs. 4-5 and
# S6 (bulk transport), Figs. 9, 11a-b, 12-13 and Tables 5-6 (SEI of the production run).


#: Time-series figures: id -> (source stem, {column: (label, factor)}, title): the ``series``
#: field of their workflow/figure_index.yaml entries.
TERMINATION_SERIES = {
    fig_id: (
        e["series"]["source"],
        {col: tuple(v) for col, v in e["series"]["quantities"].items()},
        e["series"]["title"],
    )
    for fig_id, e in FIGURE_INDEX["studies"]["terminations"].items()
    if "series" in e
}


rule lpsc_order_table:
    """terminations Table 1: relaxed a, b, c, angles and energy per formula unit of ordered
    vs disordered Li6PS5Cl next to the published values; keeps the lowest-energy cells.
    """
    input:
        relaxed=expand(
            f"{RES}/bulk/relaxed/lpsc/{{order}}_r{{replica}}.json",
            order=["ordered", "disordered"],
            replica=BULK_LPSC_REPLICAS,
        ),
        extxyz=expand(
            f"{RES}/bulk/relaxed/lpsc/{{order}}_r{{replica}}.extxyz",
            order=["ordered", "disordered"],
            replica=BULK_LPSC_REPLICAS,
        ),
        reference=config["bulk"]["reference_file"],
    output:
        tab1=f"{RES}/terminations/tables/tab1.csv",
        seeds=f"{RES}/bulk/tables/lpsc_order_seeds.csv",
        ordered_extxyz=f"{RES}/bulk/relaxed/Li6PS5Cl_ordered.extxyz",
        ordered_json=f"{RES}/bulk/relaxed/Li6PS5Cl_ordered.json",
        disordered_extxyz=f"{RES}/bulk/relaxed/Li6PS5Cl_disordered.extxyz",
        disordered_json=f"{RES}/bulk/relaxed/Li6PS5Cl_disordered.json",
        prov=f"{RES}/terminations/provenance/tab1.json",
    log:
        f"logs/{SCALE}/terminations/tab1.log",
    conda:
        "../../../envs/structures.yaml"
    threads: rule_threads("lpsc_order_table")
    resources:
        **rule_resources("lpsc_order_table"),
    params:
        oracle=config["oracle"],
    script:
        "../../scripts/lpsc_order_table.py"


rule fig_lpsc_lattice:
    """terminations Fig 3 analogue: relaxed lattice parameters of ordered vs disordered
    Li6PS5Cl (one point per replica) and the published values; rendered tab1."""
    input:
        tab1=f"{RES}/terminations/tables/tab1.csv",
        seeds=f"{RES}/bulk/tables/lpsc_order_seeds.csv",
    output:
        png=report(
            f"{RES}/terminations/figures/fig3.png",
            caption="../../report/terminations_fig3.rst",
            category="terminations",
        ),
        csv=f"{RES}/terminations/figures/fig3.csv",
        tab1_png=f"{RES}/terminations/tables/tab1.png",
        prov=f"{RES}/terminations/provenance/fig3.json",
    log:
        f"logs/{SCALE}/terminations/fig3.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_lpsc_lattice")
    resources:
        **rule_resources("fig_lpsc_lattice"),
    script:
        "../../scripts/fig_lpsc_lattice.py"


rule termination_tables:
    """Table 2 (all terminations; symmetric terminations per plane next to the published
    counts) and Table 4 (charged vs neutral gamma_surf), CSV + image."""
    input:
        records=f"{RES}/terminations/slabs/terminations.json",
        published_counts=config["terminations"]["published_counts_file"],
    output:
        tab2=f"{RES}/terminations/tables/tab2.csv",
        tab2_png=f"{RES}/terminations/tables/tab2.png",
        tab2_counts=f"{RES}/terminations/tables/tab2_counts.csv",
        tab4=f"{RES}/terminations/tables/tab4.csv",
        tab4_png=f"{RES}/terminations/tables/tab4.png",
        prov=f"{RES}/terminations/provenance/tab2_tab4.json",
    log:
        f"logs/{SCALE}/terminations/termination_tables.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("termination_tables")
    resources:
        **rule_resources("termination_tables"),
    script:
        "../../scripts/termination_tables.py"


rule termination_interface_figures:
    """Table 3 (E_str), Table 4 interface part (charged vs neutral gamma_inter), Fig 6, Fig 7a."""
    input:
        records=f"{RES}/terminations/interfaces/interfaces.json",
        frames=f"{RES}/terminations/interfaces/interfaces.extxyz",
    output:
        tab3=f"{RES}/terminations/tables/tab3.csv",
        tab3_png=f"{RES}/terminations/tables/tab3.png",
        tab4=f"{RES}/terminations/tables/tab4_interfaces.csv",
        fig6=report(
            f"{RES}/terminations/figures/fig6.png",
            caption="../../report/terminations_fig6.rst",
            category="terminations",
        ),
        fig6_csv=f"{RES}/terminations/figures/fig6.csv",
        fig7a=report(
            f"{RES}/terminations/figures/fig7a.png",
            caption="../../report/terminations_fig7a.rst",
            category="terminations",
        ),
        fig7a_csv=f"{RES}/terminations/figures/fig7a.csv",
        prov=f"{RES}/terminations/provenance/tab3_tab4_interfaces_fig6_fig7a.json",
    log:
        f"logs/{SCALE}/terminations/termination_interface_figures.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("termination_interface_figures")
    resources:
        **rule_resources("termination_interface_figures"),
    params:
        rdf_r_max_A=config["termination_interfaces"]["rdf_r_max_A"],
        rdf_bin_A=config["termination_interfaces"]["rdf_bin_A"],
    script:
        "../../scripts/termination_interface_figures.py"


rule fig_li_trajectories:
    """terminations Fig 4: Li trajectory lines of ordered vs S/Cl-disordered Li6PS5Cl
    (bulk_md series ordering, paper 003)."""
    input:
        traj=[f"{d}/li_unwrapped.npz" for d in SERIES_RUN_DIRS.get("ordering", [])],
    output:
        png=report(
            f"{RES}/terminations/figures/fig4.png",
            caption="../../report/terminations_fig4.rst",
            category="terminations",
        ),
        csv=f"{RES}/terminations/figures/fig4.csv",
        prov=f"{RES}/terminations/provenance/fig4.json",
    log:
        f"logs/{SCALE}/terminations/fig4.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_li_trajectories")
    resources:
        **rule_resources("fig_li_trajectories"),
    params:
        labels=SERIES_RUN_LABELS.get("ordering", []),
        plane="xy",
        max_frames=400,
    script:
        "../../scripts/fig_li_trajectories.py"


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
            caption="../../report/terminations_fig5.rst",
            category="terminations",
        ),
        csv=f"{RES}/terminations/figures/fig5.csv",
        msd_png=report(
            f"{RES}/terminations/figures/figS6.png",
            caption="../../report/terminations_figS6.rst",
            category="terminations",
        ),
        msd_csv=f"{RES}/terminations/figures/figS6.csv",
        table=f"{RES}/terminations/tables/arrhenius.csv",
        prov=f"{RES}/terminations/provenance/fig5.json",
    log:
        f"logs/{SCALE}/terminations/fig5.log",
    conda:
        "../../../envs/analysis.yaml"
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
        "../../scripts/fig_arrhenius.py"


rule fig_structure_series:
    """terminations Figs. 9, 11a, 11b: CN, SEI thickness and crystallinity vs time."""
    input:
        runs=lambda wc: runs_of(wc.study, TERMINATION_SERIES[wc.series][0]),
    output:
        png=report(
            f"{RES}/{{study}}/figures/{{series}}.png",
            caption="../../report/terminations_series.rst",
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
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_structure_series")
    resources:
        **rule_resources("fig_structure_series"),
    params:
        quantities=lambda wc: TERMINATION_SERIES[wc.series][1],
        title=lambda wc: TERMINATION_SERIES[wc.series][2],
    script:
        "../../scripts/fig_structure_series.py"


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
        "../../../envs/figures.yaml"
    threads: rule_threads("terminations_sei_tables")
    resources:
        **rule_resources("terminations_sei_tables"),
    params:
        threshold=config["analysis"]["crystalline_threshold"],
        window_ps=S["analysis"]["window_ps"],
    script:
        "../../scripts/terminations_sei_tables.py"


rule fig_flux:
    """terminations Figs. 12-13 and Table 6: Li flux through 3 Å membranes."""
    input:
        flux=lambda wc: runs_of("terminations", "flux"),
    output:
        fig12=report(
            f"{RES}/terminations/figures/fig12.png",
            caption="../../report/terminations_flux.rst",
            category="SEI structure",
        ),
        fig12_csv=f"{RES}/terminations/figures/fig12.csv",
        fig13=report(
            f"{RES}/terminations/figures/fig13.png",
            caption="../../report/terminations_flux.rst",
            category="SEI structure",
        ),
        fig13_csv=f"{RES}/terminations/figures/fig13.csv",
        tab6=f"{RES}/terminations/tables/tab6.csv",
        tab6_png=f"{RES}/terminations/tables/tab6.png",
        prov=f"{RES}/terminations/provenance/fig12_fig13_tab6.json",
    log:
        f"logs/{SCALE}/terminations/fig_flux.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_flux")
    resources:
        **rule_resources("fig_flux"),
    params:
        window_ps=S["analysis"]["window_ps"],
    script:
        "../../scripts/fig_flux.py"
