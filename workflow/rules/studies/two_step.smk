# Study two_step (paper 004): Fig. 1 and Fig. 3 (snapshots; the same rule draws
# symmetric_cell Fig. 2a), Fig. 2 (alpha vs time) and Fig. 4 (crystalline share).


#: Snapshot figures: (study, id) -> frame (0 first, -1 last), colour scheme, title: the
#: ``snapshot`` field of their workflow/figure_index.yaml entries.
SNAPSHOTS = {
    (study, fig_id): tuple(e["snapshot"][k] for k in ("frame", "scheme", "title"))
    for study, entries in FIGURE_INDEX["studies"].items()
    for fig_id, e in entries.items()
    if "snapshot" in e
}


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
            caption="../../report/snapshot.rst",
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
        "../../../envs/analysis.yaml"
    threads: rule_threads("fig_snapshot")
    resources:
        **rule_resources("fig_snapshot"),
    params:
        which=lambda wc: snapshot_spec(wc)[0],
        scheme=lambda wc: snapshot_spec(wc)[1],
        title=lambda wc: snapshot_spec(wc)[2],
    script:
        "../../scripts/fig_snapshot.py"


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
            caption="../../report/fig2.rst",
            category="two_step",
        ),
        csv=f"{RES}/{{study}}/figures/fig2.csv",
        fits=f"{RES}/{{study}}/tables/alpha_fits.csv",
        prov=f"{RES}/{{study}}/provenance/fig2.json",
    log:
        f"logs/{SCALE}/{{study}}/fig2.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_alpha")
    resources:
        **rule_resources("fig_alpha"),
    params:
        fit_tmin_ps=S["analysis"]["fit_tmin_ps"],
        n_boot=config["analysis"]["n_bootstrap"],
        seed=config["seed"],
    script:
        "../../scripts/fig_alpha.py"


rule fig_crystalline_share:
    """two_step Fig. 4: crystalline share of the reduced electrolyte vs time, sqrt(t) and
    linear fits with covariance and bootstrap errors."""
    input:
        runs=lambda wc: runs_of(wc.study, "structure"),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig4.png",
            caption="../../report/two_step_fig4.rst",
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
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_crystalline_share")
    resources:
        **rule_resources("fig_crystalline_share"),
    params:
        fit_tmin_ps=S["analysis"]["fit_tmin_ps"],
        n_boot=config["analysis"]["n_bootstrap"],
        seed=config["seed"],
    script:
        "../../scripts/fig_crystalline_share.py"
