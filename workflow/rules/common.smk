"""Validation, targets and input functions shared by every stage.

The config is checked by one importable function, seiflow.config.checks.check_config (schema
with defaults, then every cross-key and domain check, every scale), before any job starts;
settings resolution lives in seiflow.config.settings, bound here to this run's config.

Rule files: stages/*.smk (data-producing stages) and studies/<study>.smk (each study's figure
and table rules; workflow/figure_index.yaml names the file of every figure's rule). Constants
of one stage live in its file; its helper functions are here, at the end, in one section per
file that uses them (snakemake --lint refuses functions next to rules).
"""

from pathlib import Path

import sys

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))
from seiflow.config import settings
from seiflow.config.checks import (
    WINDOW_MSD_STUDY,
    check_config,
    stale_lock_hint,
    window_msd_run,
)
from seiflow.config.figure_index import load_index
from seiflow.config.job_resources import check_resource_table, job_size
from seiflow.config.settings import (
    BUILT_MD_STUDIES,
    INTERFACE_MD_STUDIES,
    OWN_MODEL_STUDIES,
    VARIANT_SEP,
    run_conditions,
    run_id,
    split_variant,
)

check_config(config)
if workflow.is_main_process and any(Path(".snakemake/locks").glob("*")):
    print(stale_lock_hint(), file=sys.stderr)


wildcard_constraints:
    run=r"T\d+_p[0-9.e+]+_v\d+",


SCALE = config["scale"]
S = config["scales"][SCALE]  # the block of everything that changes with scale
RES = f"results/{SCALE}"
SCRIPTS = str(Path(workflow.basedir) / "workflow" / "scripts")
# conda env of DeePMD-kit / LAMMPS rules (relative to workflow/rules/stages/): CPU build
# locally, GPU build on clusters
DEEPMD_ENV = f"../../../envs/deepmd-lammps-{config['deepmd_device']}.yaml"
# DP-GEN's env carries dp and lmp for the stage jobs it dispatches: same CPU / GPU switch
DPGEN_ENV = f"../../../envs/dpgen-{config['deepmd_device']}.yaml"


def rule_threads(rule):
    """Snakemake ``threads`` of ``rule`` from config/resources.yaml (seiflow.config.job_resources)."""
    return job_size(config["resources"], rule, config).threads


def rule_resources(rule):
    """Snakemake ``resources`` of ``rule`` from config/resources.yaml: memory growing with
    the attempt, runtime, cpus_per_task, GPUs (deepmd_device gpu), MPI tasks and launcher.
    """
    return job_size(config["resources"], rule, config).resources()


def model_settings(study, key):
    """Model-building block ``key`` of model study ``study`` at this scale
    (seiflow.config.settings.model_settings)."""
    return settings.model_settings(S, study, key)


def md_settings(study):
    """Production-MD settings of ``study`` or cell variant at this scale
    (seiflow.config.settings.md_settings)."""
    return settings.md_settings(S["md"], study)


def study_variants(study):
    """Cell variants of ``study`` at this scale: name -> overrides."""
    return settings.study_variants(S["md"], study)


def variant_studies(study, kind):
    """Pseudo-studies of the ``coating`` or ``size`` cell variants of ``study``."""
    return settings.variant_studies(S["md"], study, kind)


def coating_layers(study):
    """Li2S coating layers of the production cell of ``study`` (variant override first)."""
    base, variant = split_variant(study)
    if variant is not None:
        return study_variants(base)[variant].get(
            "coating_layers", config["study"][base]["coating_layers"]
        )
    return config["study"][base]["coating_layers"]


def model_type_map(study):
    """Element order (DeePMD types = LAMMPS types) of the model of ``study``."""
    return (
        config["study"].get(model_study(study), {}).get("type_map", config["type_map"])
    )


def model_descriptor(study):
    """Descriptor settings of the model of ``study``: the global ``descriptor`` block, with
    ``study.<model study>.descriptor`` over it and ``sel`` per element of its type map.
    """
    blk = config["study"].get(model_study(study), {})
    sel = blk.get("descriptor_sel")
    return {
        **config["descriptor"],
        **blk.get("descriptor", {}),
        **({"sel": sel} if sel else {}),
    }


def model_short_range(study):
    """DP-ZBL settings of the model of ``study``: the global ``short_range_repulsion`` block
    with ``study.<model study>.short_range_repulsion`` over it."""
    blk = config["study"].get(model_study(study), {})
    return {**config["short_range_repulsion"], **blk.get("short_range_repulsion", {})}


def zbl_table_input(study):
    """The ZBL pair table of ``study``'s model ([] when its short-range repulsion is off)."""
    if not model_short_range(study)["zbl"]:
        return []
    return f"{RES}/{model_study(study)}/zbl/zbl.table"


def source_file(name):
    """File another stage builds for system ``name`` (seiflow.model.systems), else None:
    ``glass_<c>`` (melt-quenched sample 0 of composition c), ``slab_<c>`` (Li|glass slab),
    ``iface_<pairing>[_vac]`` (relaxed metal|binary interface), ``hull_<ordering>`` (the
    oracle-relaxed Li2S0.75P0.125Cl0.125 orderings)."""
    kind, _, rest = name.partition("_")
    if not rest:
        return None
    if kind == "glass":
        return f"{RES}/glass/samples/{rest}/s0/glass.extxyz"
    if kind == "slab":
        return f"{RES}/glass/structures/slab_{rest}.extxyz"
    if kind == "iface":
        return f"{RES}/decomposition_interfaces/interfaces/{rest.removesuffix('_vac')}.extxyz"
    if kind == "hull":
        return f"{RES}/symmetric_cell/hull/orderings_relaxed.extxyz"
    return None


def system_sources(study):
    """Files of the initial-data systems of ``study`` built by other stages
    (:func:`source_file`). Name -> path."""
    names = sorted(set(model_settings(study, "initial_data")["systems"]))
    return {n: f for n in names if (f := source_file(n)) is not None}


def model_study(study):
    """The study whose DP-GEN run and final model serve ``study`` (itself unless model_from;
    a cell variant uses the model of its study)."""
    return settings.model_study(config, study)


def md_studies():
    """Configured studies that run the interface production-MD chain."""
    return [s for s in config["studies"] if s in INTERFACE_MD_STUDIES]


def training_studies():
    """Studies that run their own active learning and training."""
    own = [s for s in config["studies"] if s in OWN_MODEL_STUDIES]
    return sorted({model_study(s) for s in md_studies()} | set(own))


def production_studies_of_model(model):
    """Studies and cell variants whose production MD uses the model of study ``model``."""
    out = []
    for s in md_studies():
        out += [s] + [f"{s}{VARIANT_SEP}{v}" for v in study_variants(s)]
    return [s for s in out if model_study(s) == model]


def highest_production_temperature(model):
    """Highest production temperature (K) of any run that uses the model of ``model``."""
    return max(
        max(md_settings(s)["temperatures_K"])
        for s in production_studies_of_model(model)
    )


def md_lpsc_repeats(study):
    """LPSC repeats of the production cell of ``study``."""
    return md_settings(study)["lpsc_repeats"]


def md_runs(study):
    """Run ids of every (temperature, pressure, velocity seed) of ``study``."""
    return settings.run_ids(md_settings(study))


def run_md_settings(study, run):
    """md_settings(study) with the NPT pressure of ``run``."""
    return {**md_settings(study), "pressure_bar": run_conditions(run)["pressure_bar"]}


def velocity_seed(run):
    """LAMMPS velocity seed of ``run``: master seed + 1000 x replica seed + temperature."""
    c = run_conditions(run)
    return config["seed"] + 1000 * c["velocity_seed"] + int(c["temperature_K"])


FIGURE_INDEX_FILE = Path(workflow.basedir) / "workflow" / "figure_index.yaml"
FIGURE_INDEX = load_index(FIGURE_INDEX_FILE)  # refuses duplicate keys


def study_figures(study):
    """Figure/table ids of ``study`` in workflow/figure_index.yaml."""
    return list(FIGURE_INDEX["studies"].get(study, {}))


def index_outputs(study, entry):
    """Output paths of one figure-index entry of ``study`` under results/<scale>/<study>/."""
    return [f"{RES}/{study}/{out}" for out in entry["outputs"]]


def provenance_file(study, fig_id):
    """Per-output provenance record written next to the study's figures/tables."""
    return f"{RES}/{study}/provenance/{fig_id}.json"


def all_targets():
    """Every figure/table of workflow/figure_index.yaml for the configured studies (study
    figures, and model figures/tables of each study that trains a model), with their
    per-output provenance records, the figure index and the run's provenance record."""
    targets = [f"{RES}/provenance.json", f"{RES}/figure_index.md"]
    for study in config["studies"]:
        for fig_id, entry in FIGURE_INDEX["studies"].get(study, {}).items():
            targets += index_outputs(study, entry)
            targets.append(provenance_file(study, entry.get("provenance", fig_id)))
    for study, entries in FIGURE_INDEX["shared"].items():
        for fig_id, entry in entries.items():
            targets += index_outputs(study, entry)
            targets.append(provenance_file(study, entry.get("provenance", fig_id)))
    if "glass" in config["studies"]:
        targets += expand(
            f"{RES}/glass/structures/slab_{{c}}.json", c=config["glass"]["compositions"]
        )
    for study in training_studies():
        for fig_id, entry in FIGURE_INDEX["models"].items():
            targets += index_outputs(study, entry) + [provenance_file(study, fig_id)]
        targets.append(f"{RES}/{study}/model/stability.json")
    return targets


# --- exploding-model check (stages/md.smk: model_stability) ---


def model_check_cell(study):
    """Cell file of the exploding-model check of model study ``study``: its production-MD
    cell, or, for a model without production MD yet, the POSCAR of its model_check_system
    (scales.<scale>.model_by_study.<study>, else study.<study>; in structures/systems).
    """
    if production_studies_of_model(study):
        return f"{RES}/{study}/structures/md_interface.lmp"
    name = S.get("model_by_study", {}).get(study, {}).get("model_check_system")
    name = name or config["study"][study]["model_check_system"]
    return f"{RES}/{study}/structures/systems/{name}.vasp"


def model_check_input(study):
    """Input of rule model_stability that provides model_check_cell(study) (the systems
    directory when the cell is one of its POSCARs)."""
    cell = model_check_cell(study)
    return cell if cell.endswith(".lmp") else str(Path(cell).parent)


def model_check_temperature(study):
    """Temperature (K) of the exploding-model check: the highest production temperature of
    the runs using the model, else the highest DP-GEN exploration temperature."""
    if production_studies_of_model(study):
        return highest_production_temperature(study)
    return max(max(it["temps"]) for it in model_settings(study, "dpgen")["iterations"])


# --- bulk MD (stages/bulk_md.smk, stages/transport.smk, stages/classification.smk) ---


def bulk_md_settings():
    """run_production settings of the bulk MD (scales.<scale>.bulk_md)."""
    keys = ("timestep_fs", "nvt_steps", "npt_steps", "segment_steps", "dump_every")
    md = {k: S["bulk_md"][k] for k in keys}
    return {
        **md,
        "mpi_ranks": S["bulk_md"]["mpi_ranks"],
        "pressure_bar": S["bulk_md"]["pressure_bar"],
    }


def bulk_md_runs(series):
    """``md.done`` files of every system and temperature of one bulk-MD series."""
    s = S["bulk_md"]["series"][series]
    return [
        f"{RES}/{s['model']}/bulk_md/{system}/T{T}/md.done"
        for system in s["systems"]
        for T in s["temperatures_K"]
    ]


# --- per-run analysis files (stages/analysis.smk) read by the study figure rules ---


def runs_of(study, stem):
    """Per-run analysis files ``analysis/<stem>_<run>.csv`` of every run of ``study``."""
    return [f"{RES}/{study}/analysis/{stem}_{run}.csv" for run in md_runs(study)]


def first_run(study):
    """The first run of ``study`` (lowest temperature, first pressure and seed)."""
    return md_runs(study)[0]


# --- Li|glass slab MD runs (stages/glass.smk; GLASS_COMPOSITIONS is defined there) ---


def glass_replica_runs(composition, n_replicas):
    """Velocity-seed replica runs ``<composition>_v1 .. _v<n>`` (paper 000 Fig. S9)."""
    return [f"{composition}_v{k}" for k in range(1, int(n_replicas) + 1)]


def glass_run_composition(run):
    """Composition of a glass MD run (``LiPS`` for ``LiPS`` and ``LiPS_v2``)."""
    return run.split("_v")[0]


def glass_slab_file(run, ext):
    """The Li|glass slab (extxyz, lmp or json) a glass MD run starts from: replicas start
    from the same slab as their composition's run (paper 000: "the exact same initial
    LiPS structure")."""
    return f"{RES}/glass/structures/slab_{glass_run_composition(run)}.{ext}"


def glass_velocity_seed(run):
    """LAMMPS velocity seed of a glass MD run: config seed + the composition's index in
    glass_md.compositions, + 100 k for replica k (so replicas never share a seed)."""
    comp = glass_run_composition(run)
    k = int(run.split("_v")[1]) if "_v" in run else 0
    return config["seed"] + GLASS_COMPOSITIONS.index(comp) + 100 * k


# --- cell variants (studies/symmetric_cell.smk: fig_cell_variants) ---


def cell_variant_group(study, fig):
    """The study's own cell plus its coating variants (fig6) or size variants (figS17)."""
    kind = {"fig6": "coating", "figS17": "size"}[fig]
    return [study] + variant_studies(study, kind)


def shared_temperatures(studies):
    """Production temperatures (K) every one of ``studies`` runs at, sorted."""
    return sorted(
        set.intersection(*[set(md_settings(s)["temperatures_K"]) for s in studies])
    )


# --- snapshot figures (studies/two_step.smk: fig_snapshot; SNAPSHOTS is defined there from
# the `snapshot` fields of workflow/figure_index.yaml) ---


def snapshot_spec(wc):
    """(frame, scheme, title) of snapshot figure ``wc.snap`` of ``wc.study``."""
    try:
        return SNAPSHOTS[(wc.study, wc.snap)]
    except KeyError:
        raise ValueError(
            f"no snapshot figure {wc.study}/{wc.snap} (known: {sorted(SNAPSHOTS)})"
        ) from None
