# Stage 5b (issue 6): unsupervised classification of the Li environments of a production run
# (paper 001 Fig. 4, Figs. S10-S11; seiflow.analysis.phase_classification): (a) Li-centred SOAP + PCA of
# the MD frames and of the reference bulk MD, (b) PAk density + DPA clustering with DADApy in its
# own environment (DADApy pins numpy<2), (c) clusters named after the reference phases, phase
# fractions vs time (the figure of the first run: studies/symmetric_cell.smk).

from snakemake.settings.types import DeploymentMethod

CLS = config["classification"]
#: md.done of the reference bulk-MD runs (series classification.reference_series); the system
#: of each run is the phase label of its frames, the series' model orders the dumped types.
CLS_REFERENCE_RUNS = bulk_md_runs(CLS["reference_series"])
CLS_PHASES = [Path(p).parent.parent.name for p in CLS_REFERENCE_RUNS]
CLS_REFERENCE_MODEL = S["bulk_md"]["series"][CLS["reference_series"]]["model"]
#: Interpreter of the DADApy step: python of envs/dadapy.yaml in a conda run, else
#: classification.dadapy_python (the repository's .venv-dadapy).
DADAPY_PYTHON = (
    "python"
    if DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method
    else CLS["dadapy_python"]
)


rule classification_dataset:
    """Step (a): Li-centred SOAP descriptors (DScribe) of every frame_stride-th frame of one
    production run and of NPT frames of the reference bulk MD, L2-normalised and PCA-reduced,
    as one dataset .npz; the last classified MD frame as extxyz."""
    input:
        done=f"{RES}/{{study}}/md/{{run}}/md.done",
        refs=CLS_REFERENCE_RUNS,
    output:
        dataset=f"{RES}/{{study}}/classification/dataset_{{run}}.npz",
        snapshot=f"{RES}/{{study}}/classification/snapshot_{{run}}.extxyz",
    log:
        f"logs/{SCALE}/{{study}}/classification_dataset_{{run}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/classification_dataset_{{run}}.tsv"
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("classification_dataset")
    resources:
        **rule_resources("classification_dataset"),
    params:
        md=lambda wc: run_md_settings(wc.study, wc.run),
        type_map=lambda wc: model_type_map(wc.study),
        ref_md=bulk_md_settings(),
        ref_type_map=model_type_map(CLS_REFERENCE_MODEL),
        phases=CLS_PHASES,
        classification=CLS,
        seed=config["seed"],
    script:
        "../../scripts/classification_descriptors.py"


rule classification_clustering:
    """Step (b): 2NN intrinsic dimension, PAk log-density and DPA (ADP) clustering with core /
    non-core flags (DADApy; workflow/scripts/density_peaks.py); JSON summary."""
    input:
        f"{RES}/{{study}}/classification/dataset_{{run}}.npz",
    output:
        clusters=f"{RES}/{{study}}/classification/clusters_{{run}}.npz",
        summary=f"{RES}/{{study}}/classification/clusters_{{run}}.json",
    log:
        f"logs/{SCALE}/{{study}}/classification_clustering_{{run}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/classification_clustering_{{run}}.tsv"
    conda:
        "../../../envs/dadapy.yaml"
    threads: rule_threads("classification_clustering")
    resources:
        **rule_resources("classification_clustering"),
    params:
        python=DADAPY_PYTHON,
        script=f"{SCRIPTS}/density_peaks.py",
        maxk=CLS["maxk"],
        Z=CLS["Z"],
        dup_tol=CLS["dup_tol"],
        seed=config["seed"],
    shell:
        "{params.python} {params.script} {input} {output.clusters} --maxk {params.maxk}"
        " --Z {params.Z} --dup-tol {params.dup_tol} --seed {params.seed}"
        " --n-jobs {threads} > {output.summary} 2> {log}"


rule classification_labels:
    """Step (c): clusters named after the reference phase of their core points, phase of every
    point, phase fractions of the MD Li environments per frame (all / core / split)."""
    input:
        dataset=f"{RES}/{{study}}/classification/dataset_{{run}}.npz",
        clusters=f"{RES}/{{study}}/classification/clusters_{{run}}.npz",
    output:
        clusters=f"{RES}/{{study}}/classification/labels_{{run}}.csv",
        points=f"{RES}/{{study}}/classification/points_{{run}}.csv",
        fractions=f"{RES}/{{study}}/classification/fractions_{{run}}.csv",
    log:
        f"logs/{SCALE}/{{study}}/classification_labels_{{run}}.log",
    conda:
        "../../../envs/analysis.yaml"
    threads: rule_threads("classification_labels")
    resources:
        **rule_resources("classification_labels"),
    params:
        min_reference_points=CLS["min_reference_points"],
    script:
        "../../scripts/classification_labels.py"
