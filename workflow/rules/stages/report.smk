# Bookkeeping: the figure index rendered for this run and the run's provenance record.


rule figure_index:
    """Figure/table index (id -> rule, script, config keys) rendered for this run."""
    input:
        FIGURE_INDEX_FILE,
    output:
        f"{RES}/figure_index.md",
    log:
        f"logs/{SCALE}/figure_index.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("figure_index")
    resources:
        **rule_resources("figure_index"),
    params:
        studies=config["studies"],
        training_studies=training_studies(),
        scale=SCALE,
    script:
        "../../scripts/figure_index.py"


rule provenance:
    """Resolved config, package versions, git commit and sha256 of inputs and models."""
    input:
        figures=[t for t in all_targets() if not t.endswith("provenance.json")],
        structures=expand(
            f"{RES}/{{study}}/structures/md_interface.vasp", study=md_studies()
        ),
        models=expand(
            f"{RES}/{{study}}/model/{{m}}",
            study=training_studies(),
            m=["frozen_model.pth", "compressed_model.pth"],
        ),
        resources=config["structures"]["resource_dir"],
    output:
        f"{RES}/provenance.json",
    log:
        f"logs/{SCALE}/provenance.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("provenance")
    resources:
        **rule_resources("provenance"),
    params:
        config=config,
    script:
        "../../scripts/provenance.py"
