# Study `glass` (paper 000, Zhou, Luo, An): melt-quenched Li2S-SiS2-P2S5 glasses (LiSiS,
# LiSiPS, LiPS), per-sample checks, and the Li(100) | glass slabs of the production MD.
#
# glass_sample: random packing at the configured density -> FIRE minimisation -> Langevin NVT
#   melt at T_melt -> linear quench to T_final -> isotropic MTK NPT relaxation (ASE MD), with
#   the oracle (CHGNet locally). N samples per composition, each with its own seeds derived
#   from config["seed"] (seiflow.builders.glass.sample_seeds). The trajectory is kept in a restart/
#   folder that is not a Snakemake output, so a killed job resumes from its last frame.
# glass_slab: sample `slab_sample` of each composition on bcc Li(100), top and bottom
#   freeze_A (paper 000: 7 A) frozen and flagged in the per-atom "frozen" array.
#
# Active learning (bootstrap of the glass study's DP-GEN run, wired by the active-learning
# stage): the oracle-quenched samples seed the exploration. Their frames.extxyz (every
# traj_every steps of melt, quench and relaxation, oracle-labelled) go into the initial
# training data, and the relaxed glass.extxyz of every composition/sample are the starting
# configurations of the DP-GEN model_devi tasks: NVT and NPT runs over 300-1000 K (paper 000:
# 64 iterations, 300-1000 K), i.e. re-melting at the top of the range and quenching through
# it, so the explored states are the liquid, the supercooled liquid and the glass at every
# temperature the melt-quench protocol crosses. Once the DP model is trained, the same
# melt_quench function (any ASE calculator) regenerates the paper-scale samples with it.


rule glass_sample:
    """One melt-quenched glass sample and its checks (density, tetrahedra, partial RDFs)."""
    output:
        glass=f"{RES}/glass/samples/{{composition}}/s{{sample}}/glass.extxyz",
        frames=f"{RES}/glass/samples/{{composition}}/s{{sample}}/frames.extxyz",
        thermo=f"{RES}/glass/samples/{{composition}}/s{{sample}}/thermo.csv",
        summary=f"{RES}/glass/samples/{{composition}}/s{{sample}}/summary.json",
        rdf=f"{RES}/glass/samples/{{composition}}/s{{sample}}/rdf.csv",
    log:
        f"logs/{SCALE}/glass/glass_sample_{{composition}}_s{{sample}}.log",
    benchmark:
        f"benchmarks/{SCALE}/glass/glass_sample_{{composition}}_s{{sample}}.tsv"
    wildcard_constraints:
        composition="|".join(config["glass"]["compositions"]),
        sample=r"\d+",
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("glass_sample")
    resources:
        **rule_resources("glass_sample"),
    params:
        glass={
            k: config["glass"][k]
            for k in [
                "min_distance_A",
                "minimise_fmax_eV_A",
                "T_final_K",
                "pressure_bar",
                "tetrahedral_cutoffs_A",
            ]
        },
        protocol={
            k: v
            for k, v in S["glass"].items()
            if k not in ("n_li_layers", "n_samples")
        },
        composition=lambda wc: config["glass"]["compositions"][wc.composition],
        density=lambda wc: config["glass"]["density_g_cm3"][wc.composition],
        seed=config["seed"],
        oracle=config["oracle"],
        min_distance_A=config["structures"]["min_distance_A"],
        restart_dir=lambda wc: f"{RES}/glass/samples/{wc.composition}/s{wc.sample}/restart",
    script:
        "../../scripts/glass_sample.py"


rule glass_slab:
    """Li(100) | glass cell of one composition, frozen top and bottom layers flagged."""
    input:
        glass=f"{RES}/glass/samples/{{composition}}/s{config['glass']['slab_sample']}/glass.extxyz",
    output:
        extxyz=f"{RES}/glass/structures/slab_{{composition}}.extxyz",
        poscar=f"{RES}/glass/structures/slab_{{composition}}.vasp",
        data=f"{RES}/glass/structures/slab_{{composition}}.lmp",
        info=f"{RES}/glass/structures/slab_{{composition}}.json",
    log:
        f"logs/{SCALE}/glass/glass_slab_{{composition}}.log",
    wildcard_constraints:
        composition="|".join(config["glass"]["compositions"]),
    conda:
        "../../../envs/structures.yaml"
    threads: rule_threads("glass_slab")
    resources:
        **rule_resources("glass_slab"),
    params:
        li_lattice_A=config["structures"]["li_lattice_A"],
        n_li_layers=S["glass"]["n_li_layers"],
        gap_A=config["glass"]["slab_gap_A"],
        freeze_A=config["glass"]["freeze_A"],
        freeze_z_only=config["glass"]["freeze_z_only"],
        min_distance_A=config["structures"]["min_distance_A"],
        type_map=config["study"]["glass"]["type_map"],
    script:
        "../../scripts/glass_slab.py"


# glass_md: production MD of each Li|glass slab with the glass study's own model (paper 000:
#   NPT 300 K, 1 fs, 15 ns), restartable segments (seiflow.md.lammps.run_production) with the
#   frozen top/bottom freeze_A layers of the slab held fixed; gated by the model's stability
#   check (which stays on study.glass.model_check_system: glass is no INTERFACE_MD study).
# glass_md_analysis: one streamed pass per run: z-profiles per profile_window_ps, two-step
#   logistic fits (Li|SEI, SEI|SSE), SEI region of the last fit_window_ps (atoms between the
#   fitted midpoints at the window start, frozen atoms excluded), MSD and kinisi D_xy / D_z
#   per species (seiflow.analysis.glass_md).
GLASS_MD = S["glass_md"]
GLASS_COMPOSITIONS = GLASS_MD["compositions"]
#: runs of the slab MD: one per composition, plus the velocity-seed replicas of
#: glass_md.crystallisation.composition (paper 000 Fig. S9), named <composition>_v<k>
GLASS_CRYST = GLASS_MD["crystallisation"]
GLASS_CRYST_RUNS = [GLASS_CRYST["composition"]] + glass_replica_runs(
    GLASS_CRYST["composition"], GLASS_CRYST["replicas"]
)
GLASS_RUNS = GLASS_COMPOSITIONS + GLASS_CRYST_RUNS[1:]


rule glass_md:
    """Production MD (NVT equilibration + NPT segments) of one Li|glass slab, frozen layers
    fixed (paper 000, Methods); run = composition, or <composition>_v<k> for the k-th
    velocity-seed replica (paper 000 Fig. S9)."""
    input:
        data=lambda wc: glass_slab_file(wc.run, "lmp"),
        extxyz=lambda wc: glass_slab_file(wc.run, "extxyz"),
        info=lambda wc: glass_slab_file(wc.run, "json"),
        model=f"{RES}/glass/model/compressed_model.pth",
        stability=f"{RES}/glass/model/stability.json",
        validation=f"{RES}/glass/tables/teacher_validation.csv",
    output:
        done=f"{RES}/glass/md/{{run}}/md.done",
    log:
        f"logs/{SCALE}/glass/glass_md_{{run}}.log",
    benchmark:
        f"benchmarks/{SCALE}/glass/glass_md_{{run}}.tsv"
    wildcard_constraints:
        run="|".join(GLASS_RUNS),
    conda:
        DEEPMD_ENV
    threads: rule_threads("glass_md")
    resources:
        **rule_resources("glass_md"),
    params:
        md={
            k: v
            for k, v in GLASS_MD.items()
            if k not in ("compositions", "crystallisation")
        },
        type_map=model_type_map("glass"),
        seed=lambda wc: glass_velocity_seed(wc.run),
    script:
        "../../scripts/glass_md.py"


rule glass_md_analysis:
    """Windowed z-profiles, logistic interface fits, SEI-region MSD and D_xy / D_z of one
    Li|glass run, streamed frame by frame (paper 000 Figs. 2, 6, Table 2); per-frame atom
    counts of the SEI region over the fit window (sei_counts.csv, paper 000 Table 1)."""
    input:
        done=f"{RES}/glass/md/{{run}}/md.done",
        extxyz=lambda wc: glass_slab_file(wc.run, "extxyz"),
    output:
        profiles=f"{RES}/glass/analysis/{{run}}/profiles.csv",
        interfaces=f"{RES}/glass/analysis/{{run}}/interfaces.csv",
        diffusion=f"{RES}/glass/analysis/{{run}}/diffusion.csv",
        msd=f"{RES}/glass/analysis/{{run}}/msd.csv",
        sei_counts=f"{RES}/glass/analysis/{{run}}/sei_counts.csv",
        summary=f"{RES}/glass/analysis/{{run}}/summary.json",
    log:
        f"logs/{SCALE}/glass/glass_md_analysis_{{run}}.log",
    benchmark:
        f"benchmarks/{SCALE}/glass/glass_md_analysis_{{run}}.tsv"
    wildcard_constraints:
        run="|".join(GLASS_RUNS),
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("glass_md_analysis")
    resources:
        **rule_resources("glass_md_analysis"),
    params:
        md={
            k: v
            for k, v in GLASS_MD.items()
            if k not in ("compositions", "crystallisation")
        },
        type_map=model_type_map("glass"),
        analysis=config["glass"]["md_analysis"],
        mcmc=config["transport"]["mcmc"],
        max_intervals=config["transport"]["max_intervals"],
        seed=config["seed"],
    script:
        "../../scripts/glass_md_analysis.py"


# glass_structure: a second streamed pass per run (after glass_md_analysis, whose fit-window
#   midpoints bound the regions): CN profiles along z per profile window with the paper's
#   pair cutoffs (glass.md_analysis.cn_cutoffs_A; frozen atoms never centres), partial RDFs of
#   the SSE and SEI regions over the fit window (region-normalised), last frame
#   (seiflow.analysis.glass_structure).


rule glass_structure:
    """CN profiles along z vs time, SSE/SEI partial RDFs and the last frame of one Li|glass
    run, streamed frame by frame (paper 000 Fig. 1, Fig. 4, Figs. S4-S7)."""
    input:
        done=f"{RES}/glass/md/{{composition}}/md.done",
        extxyz=f"{RES}/glass/structures/slab_{{composition}}.extxyz",
        interfaces=f"{RES}/glass/analysis/{{composition}}/interfaces.csv",
        profiles=f"{RES}/glass/analysis/{{composition}}/profiles.csv",
    output:
        cn=f"{RES}/glass/analysis/{{composition}}/cn_profiles.csv",
        rdf=f"{RES}/glass/analysis/{{composition}}/region_rdf.csv",
        last=f"{RES}/glass/analysis/{{composition}}/last_frame.extxyz",
        summary=f"{RES}/glass/analysis/{{composition}}/structure_summary.json",
    log:
        f"logs/{SCALE}/glass/glass_structure_{{composition}}.log",
    benchmark:
        f"benchmarks/{SCALE}/glass/glass_structure_{{composition}}.tsv"
    wildcard_constraints:
        composition="|".join(GLASS_COMPOSITIONS),
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("glass_structure")
    resources:
        **rule_resources("glass_structure"),
    params:
        md={
            k: v
            for k, v in GLASS_MD.items()
            if k not in ("compositions", "crystallisation")
        },
        type_map=model_type_map("glass"),
        analysis=config["glass"]["md_analysis"],
    script:
        "../../scripts/glass_structure.py"


# glass_crystallisation: one streamed pass per run (main run and replicas <composition>_v<k>
#   of glass_md): in the SEI region of each analysed frame (between the Li|SEI and SEI|SSE
#   midpoints fitted for the frame's own profile window by glass_md_analysis) the crystalline
#   anions (PTM fcc on the S/P anion sublattice, seiflow.analysis.crystallinity), their P / S
#   occupancy, the empty Li tetrahedral sites of the crystalline lattice and the crystalline
#   Li. The onset is the start of the first stretch of at least min_duration_ps with a
#   crystalline share >= threshold. If the run crystallised, a second streamed pass unwraps
#   the crystalline Li selected at the onset frame and gives kinisi D_xy / D_z and the
#   Nernst-Einstein conductivity of the crystalline SEI (paper 000 text: 0.397 mS/cm).


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
        "../../../envs/analysis.yaml"
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
        "../../scripts/glass_crystallisation.py"
