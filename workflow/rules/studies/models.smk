# Model figures of every study that trains its own model (figure_index.yaml: models):
# parity of the compressed model and the active-learning report. The al_table entry is
# written by collect_dataset (stages/active_learning.smk).


rule fig_model_parity:
    """Energy / force parity of the compressed model on held-out oracle frames."""
    input:
        f"{RES}/{{study}}/model/test",
    output:
        png=report(
            f"{RES}/{{study}}/figures/model_parity.png",
            caption="../../report/model_parity.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/model_parity.csv",
        rmse=f"{RES}/{{study}}/tables/model_rmse.csv",
        prov=f"{RES}/{{study}}/provenance/model_parity.json",
    log:
        f"logs/{SCALE}/{{study}}/model_parity.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_model_parity")
    resources:
        **rule_resources("fig_model_parity"),
    params:
        oracle=config["oracle"],
    script:
        "../../scripts/fig_model_parity.py"


rule fig_al_report:
    """Active-learning report: explored-frame shares, data-set size and wall time per stage
    of every DP-GEN iteration, with the convergence rule."""
    input:
        report=f"{RES}/{{study}}/tables/al_report.csv",
    output:
        png=report(
            f"{RES}/{{study}}/figures/al_report.png",
            caption="../../report/al_report.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/al_report.csv",
        prov=f"{RES}/{{study}}/provenance/al_report.json",
    log:
        f"logs/{SCALE}/{{study}}/fig_al_report.log",
    conda:
        "../../../envs/figures.yaml"
    threads: rule_threads("fig_al_report")
    resources:
        **rule_resources("fig_al_report"),
    params:
        stage_times=lambda wc: f"{RES}/{wc.study}/dpgen/stage_times.tsv",
        trust=lambda wc: model_settings(wc.study, "dpgen")["trust_level_force_eV_A"],
        convergence=lambda wc: model_settings(wc.study, "dpgen")["convergence"],
        study=lambda wc: wc.study,
    script:
        "../../scripts/fig_al_report.py"
