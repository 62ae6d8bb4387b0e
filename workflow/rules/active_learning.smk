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
        "../../envs/oracle.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    params:
        oracle=config["oracle"],
        oracle_threads=config["oracle_threads"],
        initial_data=S["initial_data"],
        type_map=config["type_map"],
        seed=config["seed"],
        min_distance=config["structures"]["min_distance_A"],
    script:
        "../scripts/initial_data.py"


rule dpgen_inputs:
    """param.json and machine.json generated from config and checked with DP-GEN's schema."""
    input:
        init=lambda wc: expand(
            f"{RES}/{wc.study}/init_data/{{system}}",
            system=S["initial_data"]["systems"],
        ),
        systems=f"{RES}/{{study}}/structures/systems",
    output:
        param=f"{RES}/{{study}}/dpgen/param.json",
        machine=f"{RES}/{{study}}/dpgen/machine.json",
    log:
        f"logs/{SCALE}/{{study}}/dpgen_inputs.log",
    conda:
        "../../envs/dpgen.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    params:
        type_map=config["type_map"],
        dpgen=S["dpgen"],
        exploration_systems=S["exploration_systems"],
        descriptor=config["descriptor"],
        oracle=config["oracle"],
        seed=config["seed"],
        pressure_bar=S["md"]["pressures_bar"][0],
        mpi_ranks=S["md"]["mpi_ranks"],
        scripts=SCRIPTS,
    script:
        "../scripts/dpgen_inputs.py"


rule dpgen_run:
    """DP-GEN iterations (train, LAMMPS model deviation, oracle fp); resumes from
    record.dpgen when restarted."""
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
        "../../envs/dpgen.yaml"
    threads: workflow.cores
    resources:
        mem_mb=8000,
    params:
        seed=config["seed"],
    script:
        "../scripts/dpgen_run.py"


rule collect_dataset:
    """Initial + DP-GEN labelled frames, split into training and held-out frames; AL report."""
    input:
        done=f"{RES}/{{study}}/dpgen/dpgen.done",
        init=lambda wc: expand(
            f"{RES}/{wc.study}/init_data/{{system}}",
            system=S["initial_data"]["systems"],
        ),
    output:
        train=directory(f"{RES}/{{study}}/dataset/train"),
        valid=directory(f"{RES}/{{study}}/dataset/valid"),
        summary=f"{RES}/{{study}}/dataset/summary.json",
        al_report=f"{RES}/{{study}}/tables/al_report.csv",
        prov=f"{RES}/{{study}}/provenance/al_report.json",
    log:
        f"logs/{SCALE}/{{study}}/collect_dataset.log",
    conda:
        "../../envs/dpgen.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    params:
        type_map=config["type_map"],
        validation_fraction=S["final_model"]["validation_fraction"],
        trust=S["dpgen"]["trust_level_force_eV_A"],
        seed=config["seed"],
    script:
        "../scripts/collect_dataset.py"
