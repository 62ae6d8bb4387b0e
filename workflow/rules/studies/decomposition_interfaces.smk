# Study decomposition_interfaces (paper 002): Fig. 1 (Wulff shapes), Table S3 (lattice
# match), Fig. 2 (interface energetics), Fig. 3 (Arrhenius of the bulk binaries) and Fig. 4 /
# Table S8 (D* by origin at the interfaces). Data stages: stages/decomposition.smk,
# stages/transport.smk.


rule fig_wulff:
    """decomposition_interfaces Fig. 1: Wulff shapes with gamma and area fraction per facet."""
    input:
        expand(f"{DEC}/surfaces/{{phase}}.json", phase=DEC_S["phases"]),
    output:
        png=report(
            f"{DEC}/figures/fig1.png",
            caption="../../report/decomposition_fig1.rst",
            category="decomposition_interfaces",
        ),
        csv=f"{DEC}/figures/fig1.csv",
        prov=f"{DEC}/provenance/fig1.json",
    log:
        f"logs/{SCALE}/decomposition_interfaces/fig1.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_wulff")
    resources:
        **rule_resources("fig_wulff"),
    params:
        phases=DEC_S["phases"],
    script:
        "../../scripts/fig_wulff.py"


rule decomposition_lattice_match:
    """decomposition_interfaces Table S3: the coincidence cell (ZSL) of every pairing chosen by
    decomposition.interface_cell_choice under max_interface_atoms (the cell the interfaces
    are built with), and the best-ranked candidate cells of each pairing."""
    input:
        extxyz=expand(f"{RES}/bulk/relaxed/{{phase}}.extxyz", phase=DEC_PAIRING_PHASES),
    output:
        csv=f"{DEC}/tables/tabS3.csv",
        candidates=f"{DEC}/tables/tabS3_candidates.csv",
        png=f"{DEC}/tables/tabS3.png",
        prov=f"{DEC}/provenance/tabS3.json",
    log:
        f"logs/{SCALE}/decomposition_interfaces/tabS3.log",
    benchmark:
        f"benchmarks/{SCALE}/decomposition_interfaces/tabS3.tsv"
    conda:
        "../../../envs/structures.yaml"
    threads: rule_threads("decomposition_lattice_match")
    resources:
        **rule_resources("decomposition_lattice_match"),
    params:
        phases=DEC_PAIRING_PHASES,
        pairings=DEC_S["pairings"],
        symprec_A=DEC_CFG["symprec_A"],
        settings=DEC_INTERFACE_SETTINGS,
    script:
        "../../scripts/decomposition_lattice_match.py"


rule fig_adhesion:
    """decomposition_interfaces Fig. 2: E_f, sigma and W_adh of every interface (Li and Na
    panels); pairings that could not be modelled are listed in the CSV."""
    input:
        expand(f"{DEC}/interfaces/{{pairing}}.json", pairing=list(DEC_PAIRINGS)),
    output:
        png=report(
            f"{DEC}/figures/fig2.png",
            caption="../../report/decomposition_fig2.rst",
            category="decomposition_interfaces",
        ),
        csv=f"{DEC}/figures/fig2.csv",
        prov=f"{DEC}/provenance/fig2.json",
    log:
        f"logs/{SCALE}/decomposition_interfaces/fig2.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_adhesion")
    resources:
        **rule_resources("fig_adhesion"),
    script:
        "../../scripts/fig_adhesion.py"


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
            caption="../../report/decomposition_fig3.rst",
            category="decomposition_interfaces",
        ),
        csv=f"{RES}/decomposition_interfaces/figures/fig3.csv",
        table=f"{RES}/decomposition_interfaces/tables/arrhenius.csv",
        prov=f"{RES}/decomposition_interfaces/provenance/fig3.json",
    log:
        f"logs/{SCALE}/decomposition_interfaces/fig3.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_arrhenius_binaries")
    resources:
        **rule_resources("fig_arrhenius_binaries"),
    params:
        quantities=["D"],
        panels={"Li tracer diffusion in the bulk binaries": ["D"]},
        extrapolate_T_K=TRANSPORT["extrapolate_T_K"],
        title="bulk binaries, pristine and one Li vacancy (paper 002 Fig. 3)",
    script:
        "../../scripts/fig_arrhenius.py"


rule fig_interface_diffusion:
    """decomposition_interfaces Fig 4 / Table S8: D* of Li from the metal and from the binary,
    in-plane and out-of-plane, at the metal|binary interfaces (paper 002)."""
    input:
        csv=[f"{d}/diffusion_origin.csv" for d in SERIES_RUN_DIRS.get("interfaces", [])],
    output:
        png=report(
            f"{RES}/decomposition_interfaces/figures/fig4.png",
            caption="../../report/decomposition_fig4.rst",
            category="decomposition_interfaces",
        ),
        csv=f"{RES}/decomposition_interfaces/figures/fig4.csv",
        table=f"{RES}/decomposition_interfaces/tables/tabS8.csv",
        prov=f"{RES}/decomposition_interfaces/provenance/fig4.json",
    log:
        f"logs/{SCALE}/decomposition_interfaces/fig4.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_interface_diffusion")
    resources:
        **rule_resources("fig_interface_diffusion"),
    params:
        title="Li D* by origin at metal|binary interfaces, Li vacancies near the interface (paper 002 Fig. 4)",
    script:
        "../../scripts/fig_interface_diffusion.py"
