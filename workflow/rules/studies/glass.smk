# Study glass (paper 000): every table and figure rule. Data stages: stages/glass.smk.
#
# glass_samples_table: composition, seeds, atoms, density, tetrahedral P / Si shares
#   -> tables/glass_samples.csv, and the partial RDFs -> figures/glass_rdf.png (+ .csv).
# fig_glass_profiles / fig_glass_diffusion: paper 000 Fig. 2 and Fig. 6 / Table 2.
#   The analysis also counts the atoms of each species between the fit window's midpoints in
#   every fit-window frame (sei_counts.csv).
# fig_glass_growth: paper 000 Fig. 3 / Tables S1-S2: SEI thickness per profile window (distance
#   between the fitted midpoints; failed fits dropped with a note), growth laws and the
#   predictive test (seiflow.analysis.glass_growth, reusing seiflow.analysis.growth).
# glass_sei_composition: paper 000 Table 1: SEI number densities and atomic % (seiflow.analysis.glass_growth).
# fig_glass_cn / fig_glass_rdf / fig_glass_snapshot: paper 000 Fig. 4 (Figs. S5-S7), Fig. S4
#   (+ first-peak table), Fig. 1.
# fig_glass_crystallisation: paper 000 Fig. 5 (crystalline share, P occupancy, Li vacancies
#   vs time), Fig. S8 (SEI thickness and Li|SEI boundary vs time, linear rates after the
#   onset), Fig. S9 (crystalline share of every seed, which crystallise) and the text numbers
#   (tables/numbers.csv) with the published values.


rule glass_samples_table:
    """Per-sample table (density, tetrahedral shares) and partial-RDF figure of the glasses."""
    input:
        summaries=expand(
            f"{RES}/glass/samples/{{composition}}/s{{sample}}/summary.json",
            composition=list(config["glass"]["compositions"]),
            sample=range(S["glass"]["n_samples"]),
        ),
        rdfs=expand(
            f"{RES}/glass/samples/{{composition}}/s{{sample}}/rdf.csv",
            composition=list(config["glass"]["compositions"]),
            sample=range(S["glass"]["n_samples"]),
        ),
    output:
        table=f"{RES}/glass/tables/glass_samples.csv",
        png=report(
            f"{RES}/glass/figures/glass_rdf.png",
            caption="../../report/glass_rdf.rst",
            category="glass",
        ),
        csv=f"{RES}/glass/figures/glass_rdf.csv",
        prov=f"{RES}/glass/provenance/glass_samples.json",
    log:
        f"logs/{SCALE}/glass/glass_samples_table.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("glass_samples_table")
    resources:
        **rule_resources("glass_samples_table"),
    params:
        tetrahedral_cutoffs_A=config["glass"]["tetrahedral_cutoffs_A"],
    script:
        "../../scripts/glass_samples_table.py"


rule fig_glass_profiles:
    """glass Fig. 2: density and Li potential-energy profiles with two-step logistic fits,
    Li|SEI and SEI|SSE positions and widths vs time (paper 000)."""
    input:
        profiles=expand(
            f"{RES}/glass/analysis/{{c}}/profiles.csv", c=GLASS_COMPOSITIONS
        ),
        interfaces=expand(
            f"{RES}/glass/analysis/{{c}}/interfaces.csv", c=GLASS_COMPOSITIONS
        ),
    output:
        png=report(
            f"{RES}/glass/figures/fig2.png",
            caption="../../report/glass_fig2.rst",
            category="glass",
        ),
        csv=f"{RES}/glass/figures/fig2.csv",
        table=f"{RES}/glass/tables/fig2_interfaces.csv",
        prov=f"{RES}/glass/provenance/fig2.json",
    log:
        f"logs/{SCALE}/glass/fig2.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_glass_profiles")
    resources:
        **rule_resources("fig_glass_profiles"),
    params:
        title="Li | glass: density and Li potential-energy profiles (paper 000 Fig. 2)",
    script:
        "../../scripts/fig_glass_profiles.py"


rule fig_glass_diffusion:
    """glass Fig. 6 / Table 2: MSD of Li, Si, P, S in the SEI region, D_xy (d = 2) and D_z
    (d = 1) from kinisi with 95 % intervals (paper 000)."""
    input:
        msd=expand(f"{RES}/glass/analysis/{{c}}/msd.csv", c=GLASS_COMPOSITIONS),
        diffusion=expand(
            f"{RES}/glass/analysis/{{c}}/diffusion.csv", c=GLASS_COMPOSITIONS
        ),
    output:
        png=report(
            f"{RES}/glass/figures/fig6.png",
            caption="../../report/glass_fig6.rst",
            category="glass",
        ),
        csv=f"{RES}/glass/figures/fig6.csv",
        table=f"{RES}/glass/tables/tab2.csv",
        prov=f"{RES}/glass/provenance/fig6.json",
    log:
        f"logs/{SCALE}/glass/fig6.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_glass_diffusion")
    resources:
        **rule_resources("fig_glass_diffusion"),
    params:
        title="Li | glass: MSD in the SEI region (paper 000 Fig. 6)",
    script:
        "../../scripts/fig_glass_diffusion.py"


rule fig_glass_growth:
    """glass Fig. 3 / Fig. S2 and Tables S1-S2: SEI thickness (distance between the fitted
    Li|SEI and SEI|SSE midpoints) per profile window vs time, d ~ t^1/2, t^1/3, t^n, ln t
    fits with R² and covariance errors, predictive test (paper 000; seiflow.analysis.glass_growth).
    """
    input:
        interfaces=expand(
            f"{RES}/glass/analysis/{{c}}/interfaces.csv", c=GLASS_COMPOSITIONS
        ),
    output:
        png=report(
            f"{RES}/glass/figures/fig3.png",
            caption="../../report/glass_fig3.rst",
            category="glass",
        ),
        csv=f"{RES}/glass/figures/fig3.csv",
        tabS1=f"{RES}/glass/tables/tabS1.csv",
        tabS2=f"{RES}/glass/tables/tabS2.csv",
        prov=f"{RES}/glass/provenance/fig3.json",
    log:
        f"logs/{SCALE}/glass/fig3.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_glass_growth")
    resources:
        **rule_resources("fig_glass_growth"),
    params:
        growth=config["glass"]["md_analysis"]["growth"],
        title="Li | glass: SEI thickness vs time and growth laws (paper 000 Fig. 3)",
    script:
        "../../scripts/fig_glass_growth.py"


rule glass_sei_composition:
    """glass Table 1: number densities (1/A^3) of Li, Si, P, S in the SEI region (between the
    fit window's midpoints, frozen layers excluded), mean and std over the fit-window frames,
    atomic percentages and the full-reduction reference (paper 000; seiflow.analysis.glass_growth).
    """
    input:
        counts=expand(
            f"{RES}/glass/analysis/{{c}}/sei_counts.csv", c=GLASS_COMPOSITIONS
        ),
    output:
        table=f"{RES}/glass/tables/tab1.csv",
        prov=f"{RES}/glass/provenance/tab1.json",
    log:
        f"logs/{SCALE}/glass/tab1.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("glass_sei_composition")
    resources:
        **rule_resources("glass_sei_composition"),
    params:
        species=model_type_map("glass"),
        compositions=config["glass"]["compositions"],
    script:
        "../../scripts/glass_sei_composition.py"


rule fig_glass_cn:
    """glass Fig. 4 / Figs. S5-S7: coordination-number profiles along z vs time with the
    paper's element-pair cutoffs, fitted midpoints overlaid (paper 000)."""
    input:
        cn=expand(f"{RES}/glass/analysis/{{c}}/cn_profiles.csv", c=GLASS_COMPOSITIONS),
        interfaces=expand(
            f"{RES}/glass/analysis/{{c}}/interfaces.csv", c=GLASS_COMPOSITIONS
        ),
    output:
        png=report(
            f"{RES}/glass/figures/fig4.png",
            caption="../../report/glass_fig4.rst",
            category="glass",
        ),
        csv=f"{RES}/glass/figures/fig4.csv",
        prov=f"{RES}/glass/provenance/fig4.json",
    log:
        f"logs/{SCALE}/glass/fig4.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_glass_cn")
    resources:
        **rule_resources("fig_glass_cn"),
    params:
        title="Li | glass: coordination-number profiles vs time (paper 000 Fig. 4, Figs. S5-S7)",
    script:
        "../../scripts/fig_glass_cn.py"


rule fig_glass_rdf:
    """glass Fig. S4: partial RDFs of the SSE vs the SEI region over the fit window and
    their first-peak positions (paper 000)."""
    input:
        rdf=expand(f"{RES}/glass/analysis/{{c}}/region_rdf.csv", c=GLASS_COMPOSITIONS),
    output:
        png=report(
            f"{RES}/glass/figures/figS4.png",
            caption="../../report/glass_figS4.rst",
            category="glass",
        ),
        csv=f"{RES}/glass/figures/figS4.csv",
        table=f"{RES}/glass/tables/figS4_peaks.csv",
        prov=f"{RES}/glass/provenance/figS4.json",
    log:
        f"logs/{SCALE}/glass/figS4.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_glass_rdf")
    resources:
        **rule_resources("fig_glass_rdf"),
    params:
        title="Li | glass: partial RDFs, SSE vs SEI region (paper 000 Fig. S4)",
    script:
        "../../scripts/fig_glass_rdf.py"


rule fig_glass_snapshot:
    """glass Fig. 1: last frame of each Li|glass run coloured by element (OVITO headless)."""
    input:
        frames=expand(
            f"{RES}/glass/analysis/{{c}}/last_frame.extxyz", c=GLASS_COMPOSITIONS
        ),
    output:
        png=report(
            f"{RES}/glass/figures/fig1.png",
            caption="../../report/glass_fig1.rst",
            category="glass",
        ),
        csv=f"{RES}/glass/figures/fig1.csv",
        prov=f"{RES}/glass/provenance/fig1.json",
    log:
        f"logs/{SCALE}/glass/fig1.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_glass_snapshot")
    resources:
        **rule_resources("fig_glass_snapshot"),
    params:
        compositions=GLASS_COMPOSITIONS,
        title="Li | glass interface models, last frame (paper 000 Fig. 1)",
    script:
        "../../scripts/fig_glass_snapshot.py"


rule fig_glass_crystallisation:
    """glass Fig. 5, Figs. S8-S9 and the crystalline-SEI numbers (paper 000)."""
    input:
        series=expand(
            f"{RES}/glass/analysis/{{r}}/crystallisation.csv",
            r=GLASS_CRYST_RUNS,
        ),
        summaries=expand(
            f"{RES}/glass/analysis/{{r}}/crystallisation.json",
            r=GLASS_CRYST_RUNS,
        ),
        conductivity=f"{RES}/glass/analysis/{GLASS_CRYST['composition']}/crystalline_conductivity.csv",
        interfaces=f"{RES}/glass/analysis/{GLASS_CRYST['composition']}/interfaces.csv",
    output:
        fig5=report(
            f"{RES}/glass/figures/fig5.png",
            caption="../../report/glass_fig5.rst",
            category="glass",
        ),
        fig5_csv=f"{RES}/glass/figures/fig5.csv",
        figS8=report(
            f"{RES}/glass/figures/figS8.png",
            caption="../../report/glass_fig5.rst",
            category="glass",
        ),
        figS8_csv=f"{RES}/glass/figures/figS8.csv",
        figS9=report(
            f"{RES}/glass/figures/figS9.png",
            caption="../../report/glass_fig5.rst",
            category="glass",
        ),
        figS9_csv=f"{RES}/glass/figures/figS9.csv",
        numbers=f"{RES}/glass/tables/numbers.csv",
        prov=f"{RES}/glass/provenance/fig5.json",
    log:
        f"logs/{SCALE}/glass/fig5.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_glass_crystallisation")
    resources:
        **rule_resources("fig_glass_crystallisation"),
    params:
        composition=GLASS_CRYST["composition"],
        growth_profile=config["glass"]["md_analysis"]["growth"]["profile"],
        crystallisation=config["glass"]["md_analysis"]["crystallisation"],
        min_duration_ps=GLASS_CRYST["min_duration_ps"],
    script:
        "../../scripts/fig_glass_crystallisation.py"
