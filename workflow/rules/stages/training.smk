# Stage 3: final DeePMD-kit model on all labelled data: train, freeze, compress, test.


rule zbl_table:
    """ZBL pair energies of every type pair of the study's model, written by LAMMPS
    (pair_style zbl + pair_write) as a DeePMD-kit use_srtab table (seiflow.model.zbl).
    """
    output:
        f"{RES}/{{study}}/zbl/zbl.table",
    log:
        f"logs/{SCALE}/{{study}}/zbl_table.log",
    conda:
        DEEPMD_ENV
    threads: rule_threads("zbl_table")
    resources:
        **rule_resources("zbl_table"),
    params:
        type_map=lambda wc: model_type_map(wc.study),
        rcut_A=config["descriptor"]["rcut_A"],
    script:
        "../../scripts/zbl_table.py"


rule training_input:
    """DeePMD-kit input.json (PyTorch backend; DP-ZBL when the model's short_range_repulsion.zbl) for
    the final model."""
    input:
        train=f"{RES}/{{study}}/dataset/train",
        valid=f"{RES}/{{study}}/dataset/valid",
        zbl=lambda wc: zbl_table_input(wc.study),
    output:
        f"{RES}/{{study}}/model/input.json",
    log:
        f"logs/{SCALE}/{{study}}/training_input.log",
    conda:
        DEEPMD_ENV
    threads: rule_threads("training_input")
    resources:
        **rule_resources("training_input"),
    params:
        type_map=lambda wc: model_type_map(wc.study),
        descriptor=lambda wc: model_descriptor(wc.study),
        dpgen=lambda wc: model_settings(wc.study, "dpgen"),
        final_model=lambda wc: model_settings(wc.study, "final_model"),
        short_range=lambda wc: model_short_range(wc.study),
        seed=config["seed"],
    script:
        "../../scripts/training_input.py"


rule train_model:
    """dp --pt train; a killed run restarts from its last checkpoint, but never from the
    checkpoint of a different input.json (input.started.json records the one it began with).
    """
    input:
        f"{RES}/{{study}}/model/input.json",
    output:
        ckpt=f"{RES}/{{study}}/model/model.ckpt.pt",
        lcurve=f"{RES}/{{study}}/model/lcurve.out",
    log:
        f"logs/{SCALE}/{{study}}/train_model.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/train_model.tsv"
    conda:
        DEEPMD_ENV
    threads: rule_threads("train_model")
    resources:
        **rule_resources("train_model"),
    params:
        scripts=SCRIPTS,  # seiflow.device: fail at once if a requested GPU is not visible
    shell:
        "log=$(realpath {log}); "
        "PYTHONPATH={params.scripts} python -m seiflow.device --gpus {resources.gpu} > $log 2>&1 && "
        "cd $(dirname {input}) && "
        "if [ -f checkpoint ] && cmp -s input.json input.started.json; then "
        'restart="--restart $(cat checkpoint)"; '
        "else rm -f checkpoint model.ckpt-*.pt; restart=; fi; cp input.json input.started.json; "
        "OMP_NUM_THREADS={threads} DP_INTRA_OP_PARALLELISM_THREADS={threads} "
        "DP_INTER_OP_PARALLELISM_THREADS=1 dp --pt train input.json $restart >> $log 2>&1"


rule freeze_model:
    """dp --pt freeze, run in the model folder: DeePMD-kit rebuilds the model from its
    input, whose DP-ZBL table path is relative to that folder."""
    input:
        f"{RES}/{{study}}/model/model.ckpt.pt",
    output:
        f"{RES}/{{study}}/model/frozen_model.pth",
    log:
        f"logs/{SCALE}/{{study}}/freeze_model.log",
    conda:
        DEEPMD_ENV
    threads: rule_threads("freeze_model")
    resources:
        **rule_resources("freeze_model"),
    shell:
        "log=$(realpath {log}); cd $(dirname {input}) && "
        "dp --pt freeze -c model.ckpt.pt -o frozen_model.pth > $log 2>&1"


rule compress_model:
    """Tabulated embedding nets (dp compress): several times faster MD, same accuracy."""
    input:
        model=f"{RES}/{{study}}/model/frozen_model.pth",
        train=f"{RES}/{{study}}/dataset/train",
    output:
        f"{RES}/{{study}}/model/compressed_model.pth",
    log:
        f"logs/{SCALE}/{{study}}/compress_model.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/compress_model.tsv"
    conda:
        DEEPMD_ENV
    threads: rule_threads("compress_model")
    resources:
        **rule_resources("compress_model"),
    params:
        scripts=SCRIPTS,  # seiflow.device: fail at once if a requested GPU is not visible
    shell:
        "log=$(realpath {log}); "
        "PYTHONPATH={params.scripts} python -m seiflow.device --gpus {resources.gpu} > $log 2>&1 && "
        "cd $(dirname {input.model}) && "
        "OMP_NUM_THREADS=1 dp --pt compress -i frozen_model.pth -o compressed_model.pth "
        ">> $log 2>&1"


rule test_model:
    """dp test of the compressed model on the held-out oracle frames."""
    input:
        model=f"{RES}/{{study}}/model/compressed_model.pth",
        valid=f"{RES}/{{study}}/dataset/valid",
    output:
        directory(f"{RES}/{{study}}/model/test"),
    log:
        f"logs/{SCALE}/{{study}}/test_model.log",
    conda:
        DEEPMD_ENV
    threads: rule_threads("test_model")
    resources:
        **rule_resources("test_model"),
    script:
        "../../scripts/test_model.py"


rule product_ablation:
    """Paper 001 Figs. S3-S4: a model trained without the reaction products (same input and
    seed as the final model) and the final model, tested on the products' held-out frames;
    dp train resumes from its checkpoint (the work folder is not an output, so a failed
    job keeps it)."""
    input:
        train=f"{RES}/{{study}}/dataset/train",
        valid=f"{RES}/{{study}}/dataset/valid",
        model=f"{RES}/{{study}}/model/compressed_model.pth",
        zbl=lambda wc: zbl_table_input(wc.study),
    output:
        frozen=f"{RES}/{{study}}/model_no_products/frozen_model.pth",
        table=f"{RES}/{{study}}/tables/product_ablation.csv",
        parity=f"{RES}/{{study}}/tables/product_ablation_parity.csv",
    log:
        f"logs/{SCALE}/{{study}}/product_ablation.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/product_ablation.tsv"
    wildcard_constraints:
        study="symmetric_cell",
    conda:
        DEEPMD_ENV
    threads: rule_threads("product_ablation")
    resources:
        **rule_resources("product_ablation"),
    params:
        products=lambda wc: config["study"][wc.study]["reaction_products"],
        type_map=lambda wc: model_type_map(wc.study),
        short_range=lambda wc: model_short_range(wc.study),
        descriptor=lambda wc: model_descriptor(wc.study),
        dpgen=lambda wc: model_settings(wc.study, "dpgen"),
        final_model=lambda wc: model_settings(wc.study, "final_model"),
        seed=config["seed"],
    script:
        "../../scripts/product_ablation.py"
