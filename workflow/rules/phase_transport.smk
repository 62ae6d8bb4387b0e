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
            caption="../report/symmetric_cell_fig2b.rst",
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
        "../../envs/analysis.yaml"
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
        "../scripts/fig_window_msd.py"
