# Stage 2: oracle-labelled initial data and DP-GEN active learning.


rule initial_data:
    """Rattled (and short oracle-MD) frames of one system, labelled by the oracle."""
    input:
        systems=f"{RES}/{{study}}/structures/systems",
    output:
        directory(f"{RES}/{{study}}/init_data/{{system}}"),
    log:
        f"logs/{SCALE}/{{study}}/initial_data_{{system}}.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/initial_data_{{system}}.tsv"
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("initial_data")
    resources:
        **rule_resources("initial_data"),
    params:
        oracle=config["oracle"],
        oracle_threads=config["oracle_threads"],
        initial_data=lambda wc: model_settings(wc.study, "initial_data"),
        type_map=lambda wc: model_type_map(wc.study),
        seed=config["seed"],
        min_distance=config["structures"]["min_distance_A"],
    script:
        "../../scripts/initial_data.py"


rule dpgen_inputs:
    """param.json and machine.json generated from config and checked with DP-GEN's schema."""
    input:
        init=lambda wc: expand(
            f"{RES}/{wc.study}/init_data/{{system}}",
            system=model_settings(wc.study, "initial_data")["systems"],
        ),
        systems=f"{RES}/{{study}}/structures/systems",
        zbl=lambda wc: zbl_table_input(wc.study),
    output:
        param=f"{RES}/{{study}}/dpgen/param.json",
        machine=f"{RES}/{{study}}/dpgen/machine.json",
    log:
        f"logs/{SCALE}/{{study}}/dpgen_inputs.log",
    conda:
        DPGEN_ENV
    threads: rule_threads("dpgen_inputs")
    resources:
        **rule_resources("dpgen_inputs"),
    params:
        type_map=lambda wc: model_type_map(wc.study),
        dpgen=lambda wc: model_settings(wc.study, "dpgen"),
        exploration_systems=lambda wc: model_settings(wc.study, "exploration_systems"),
        descriptor=lambda wc: model_descriptor(wc.study),
        short_range=lambda wc: model_short_range(wc.study),
        oracle=config["oracle"],
        dft=config["dft"],
        dispatcher=config["dispatcher"],
        seed=config["seed"],
        pressure_bar=S["md"]["pressures_bar"][0],
        mpi_ranks=S["md"]["mpi_ranks"],
        scripts=SCRIPTS,
    script:
        "../../scripts/dpgen_inputs.py"


rule dpgen_run:
    """DP-GEN iterations (train, LAMMPS model deviation, oracle fp); resumes from
    record.dpgen when restarted; stops early when the convergence rule fires."""
    input:
        param=f"{RES}/{{study}}/dpgen/param.json",
        machine=f"{RES}/{{study}}/dpgen/machine.json",
    output:
        done=f"{RES}/{{study}}/dpgen/dpgen.done",
    log:
        f"logs/{SCALE}/{{study}}/dpgen_run.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/dpgen_run.tsv"
    conda:
        DPGEN_ENV
    threads: rule_threads("dpgen_run")
    resources:
        **rule_resources("dpgen_run"),
    params:
        seed=config["seed"],
        convergence=lambda wc: model_settings(wc.study, "dpgen")["convergence"],
    script:
        "../../scripts/dpgen_run.py"


rule collect_dataset:
    """Initial + DP-GEN labelled frames, split into training and held-out frames; AL report."""
    input:
        done=f"{RES}/{{study}}/dpgen/dpgen.done",
        init=lambda wc: expand(
            f"{RES}/{wc.study}/init_data/{{system}}",
            system=model_settings(wc.study, "initial_data")["systems"],
        ),
    output:
        train=directory(f"{RES}/{{study}}/dataset/train"),
        valid=directory(f"{RES}/{{study}}/dataset/valid"),
        summary=f"{RES}/{{study}}/dataset/summary.json",
        al_report=f"{RES}/{{study}}/tables/al_report.csv",
        prov=f"{RES}/{{study}}/provenance/al_table.json",
    log:
        f"logs/{SCALE}/{{study}}/collect_dataset.log",
    conda:
        DPGEN_ENV
    threads: rule_threads("collect_dataset")
    resources:
        **rule_resources("collect_dataset"),
    params:
        type_map=lambda wc: model_type_map(wc.study),
        validation_fraction=lambda wc: model_settings(wc.study, "final_model")[
            "validation_fraction"
        ],
        trust=lambda wc: model_settings(wc.study, "dpgen")["trust_level_force_eV_A"],
        seed=config["seed"],
    script:
        "../../scripts/collect_dataset.py"


rule oracle_benchmark:
    """Embedded teachers (CHGNet, SevenNet) against the DFT reference (CP2K) on initial-data
    frames of bulk phases and the Li|LPSC interface: energy / force / stress errors, parity
    plot and the teacher with the lowest force error. Not part of `all` (an hour of DFT at
    demo scale): `make oracle-benchmark`; the e2e test runs it at test scale."""
    input:
        init=lambda wc: expand(
            f"{RES}/{wc.study}/init_data/{{system}}",
            system=S["oracle_benchmark"]["systems"],
        ),
    output:
        table=f"{RES}/{{study}}/tables/oracle_benchmark.csv",
        json=f"{RES}/{{study}}/tables/oracle_benchmark.json",
        png=report(
            f"{RES}/{{study}}/figures/oracle_benchmark.png",
            caption="../../report/oracle_benchmark.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/oracle_benchmark.csv",
        prov=f"{RES}/{{study}}/provenance/oracle_benchmark.json",
    log:
        f"logs/{SCALE}/{{study}}/oracle_benchmark.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/oracle_benchmark.tsv"
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("oracle_benchmark")
    resources:
        **rule_resources("oracle_benchmark"),
    params:
        teachers=S["oracle_benchmark"]["teachers"],
        reference=S["oracle_benchmark"]["reference"],
        n_frames_per_system=S["oracle_benchmark"]["n_frames_per_system"],
        max_atoms=S["oracle_benchmark"]["max_atoms"],
        seed=config["seed"],
        oracle_threads=config["oracle_threads"],
        dft=config["dft"],
    script:
        "../../scripts/oracle_benchmark.py"
