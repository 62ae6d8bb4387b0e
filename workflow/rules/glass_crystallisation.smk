# Study `glass` (paper 000): crystallisation of the SEI of one Li|glass composition (LiPS in
# the paper) and of its velocity-seed replicas.
#
# glass_crystallisation: one streamed pass per run (main run and replicas <composition>_v<k>
#   of glass_md): in the SEI region of each analysed frame (between the Li|SEI and SEI|SSE
#   midpoints fitted for the frame's own profile window by glass_md_analysis) the crystalline
#   anions (PTM fcc on the S/P anion sublattice, seiflow.analysis.crystallinity), their P / S
#   occupancy, the empty Li tetrahedral sites of the crystalline lattice and the crystalline
#   Li. The onset is the start of the first stretch of at least min_duration_ps with a
#   crystalline share >= threshold. If the run crystallised, a second streamed pass unwraps
#   the crystalline Li selected at the onset frame and gives kinisi D_xy / D_z and the
#   Nernst-Einstein conductivity of the crystalline SEI (paper 000 text: 0.397 mS/cm).
# fig_glass_crystallisation: paper 000 Fig. 5 (crystalline share, P occupancy, Li vacancies
#   vs time), Fig. S8 (SEI thickness and Li|SEI boundary vs time, linear rates after the
#   onset), Fig. S9 (crystalline share of every seed, which crystallise) and the text numbers
#   (tables/numbers.csv) with the published values.


rule glass_crystallisation:
    """Crystalline share, P occupancy, Li vacancies and crystalline Li of the SEI of one
    Li|glass run vs time, onset, post-onset rates and crystalline-SEI conductivity
    (paper 000 Fig. 5, Figs. S8-S9, text)."""
    input:
        done=f"{RES}/glass/md/{{run}}/md.done",
        extxyz=lambda wc: glass_slab_file(wc.run, "extxyz"),
        interfaces=f"{RES}/glass/analysis/{{run}}/interfaces.csv",
        profiles=f"{RES}/glass/analysis/{{run}}/profiles.csv",
    output:
        series=f"{RES}/glass/analysis/{{run}}/crystallisation.csv",
        conductivity=f"{RES}/glass/analysis/{{run}}/crystalline_conductivity.csv",
        summary=f"{RES}/glass/analysis/{{run}}/crystallisation.json",
    log:
        f"logs/{SCALE}/glass/glass_crystallisation_{{run}}.log",
    benchmark:
        f"benchmarks/{SCALE}/glass/glass_crystallisation_{{run}}.tsv"
    wildcard_constraints:
        run="|".join(GLASS_RUNS),
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("glass_crystallisation")
    resources:
        **rule_resources("glass_crystallisation"),
    params:
        md={
            k: v
            for k, v in GLASS_MD.items()
            if k not in ("compositions", "crystallisation")
        },
        scale_settings=GLASS_CRYST,
        type_map=model_type_map("glass"),
        growth_profile=config["glass"]["md_analysis"]["growth"]["profile"],
        crystallisation=config["glass"]["md_analysis"]["crystallisation"],
        mcmc=config["transport"]["mcmc"],
        max_intervals=config["transport"]["max_intervals"],
        seed=config["seed"],
    script:
        "../scripts/glass_crystallisation.py"


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
            caption="../report/glass_fig5.rst",
            category="glass",
        ),
        fig5_csv=f"{RES}/glass/figures/fig5.csv",
        figS8=report(
            f"{RES}/glass/figures/figS8.png",
            caption="../report/glass_fig5.rst",
            category="glass",
        ),
        figS8_csv=f"{RES}/glass/figures/figS8.csv",
        figS9=report(
            f"{RES}/glass/figures/figS9.png",
            caption="../report/glass_fig5.rst",
            category="glass",
        ),
        figS9_csv=f"{RES}/glass/figures/figS9.csv",
        numbers=f"{RES}/glass/tables/numbers.csv",
        prov=f"{RES}/glass/provenance/fig5.json",
    log:
        f"logs/{SCALE}/glass/fig5.log",
    conda:
        "../../envs/analysis.yaml"
    threads: rule_threads("fig_glass_crystallisation")
    resources:
        **rule_resources("fig_glass_crystallisation"),
    params:
        composition=GLASS_CRYST["composition"],
        growth_profile=config["glass"]["md_analysis"]["growth"]["profile"],
        crystallisation=config["glass"]["md_analysis"]["crystallisation"],
        min_duration_ps=GLASS_CRYST["min_duration_ps"],
    script:
        "../scripts/fig_glass_crystallisation.py"
