"""Helpers shared by every stage: config validation, scale block, paths and targets."""

from pathlib import Path

import copy
import sys

import yaml

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))
from seiflow.build.bulk import check_bulk_config
from seiflow.config.checks import (
    check_dpgen_block,
    check_model_from_type_maps,
    check_type_maps,
)
from seiflow.build.glass import check_glass_config
from seiflow.config.job_resources import check_resource_table, job_size
from seiflow.model.systems import check_system_names
from seiflow.build.cells import check_interface_config
from seiflow.build.termination_interfaces import check_termination_interfaces_config
from seiflow.build.terminations import check_terminations_config

from snakemake.utils import validate

validate(config, schema="../../config/schema.yaml")


wildcard_constraints:
    run=r"T\d+_p[0-9.e+]+_v\d+",


SCALE = config["scale"]
S = config["scales"][SCALE]  # the block of everything that changes with scale
RES = f"results/{SCALE}"
SCRIPTS = str(Path(workflow.basedir) / "workflow" / "scripts")
# conda env of DeePMD-kit / LAMMPS rules: CPU build locally, GPU build on clusters
DEEPMD_ENV = f"../../envs/deepmd-lammps-{config['deepmd_device']}.yaml"
# DP-GEN's env carries dp and lmp for the stage jobs it dispatches: same CPU / GPU switch
DPGEN_ENV = f"../../envs/dpgen-{config['deepmd_device']}.yaml"


def rule_threads(rule):
    """Snakemake ``threads`` of ``rule`` from config/resources.yaml (seiflow.config.job_resources)."""
    return job_size(config["resources"], rule, config).threads


def rule_resources(rule):
    """Snakemake ``resources`` of ``rule`` from config/resources.yaml: memory growing with
    the attempt, runtime, cpus_per_task, GPUs (deepmd_device gpu), MPI tasks and launcher.
    """
    return job_size(config["resources"], rule, config).resources()


#: Studies of the Li | LPSC production-MD chain (study.<name> blocks, DP-GEN + DeePMD model).
#: symmetric_cell/two_step build their cell from the Li and LPSC lattices (md_structure),
#: terminations takes a relaxed Li | termination interface (termination_md_structure).
INTERFACE_MD_STUDIES = ("symmetric_cell", "two_step", "terminations")
BUILT_MD_STUDIES = ("symmetric_cell", "two_step")


#: Studies that train their own model of another chemistry (study.<name>.type_map): their
#: initial-data / exploration systems come from their own stages (glass samples and slabs,
#: decomposition interfaces); scales.<scale>.model_by_study.<name> overrides the model blocks.
OWN_MODEL_STUDIES = ("glass", "decomposition_interfaces")
MODEL_BLOCKS = ("initial_data", "exploration_systems", "dpgen", "final_model")


def model_settings(study, key, block=None):
    """Model-building block ``key`` (initial_data, exploration_systems, dpgen, final_model) of
    the model study ``study``: the scale block's, with ``model_by_study.<study>`` applied
    (dict keys replaced one by one; exploration_systems replaced)."""
    block = S if block is None else block
    over = block.get("model_by_study", {}).get(study, {}).get(key)
    if over is None:
        return block[key]
    if isinstance(over, dict):
        return {**block[key], **over}
    return over


#: A cell variant of a study (md_by_study.<study>.variants.<name>) runs in the pseudo-study
#: folder results/<scale>/<study>--<name>/ with the study's model and the variant's overrides.
VARIANT_SEP = "--"


def split_variant(study):
    """``"symmetric_cell--coated"`` -> ``("symmetric_cell", "coated")``; no variant -> None."""
    if study is None:
        return None, None
    base, _, variant = study.partition(VARIANT_SEP)
    return base, (variant or None)


def md_settings(study, block=None):
    """Production-MD settings of ``study``: ``scales.<scale>.md`` with the study's
    ``md_by_study`` overrides and, for a cell variant, the variant's overrides applied
    (structure keys such as ``coating_layers`` stay in the result; variants removed)."""
    block = S["md"] if block is None else block
    base, variant = split_variant(study)
    merged = {k: v for k, v in block.items() if k != "md_by_study"}
    by_study = dict(block["md_by_study"].get(base, {}))
    variants = by_study.pop("variants", {})
    merged.update(by_study)
    if variant is not None:
        merged.update(variants[variant])
    return merged


def study_variants(study, block=None):
    """Cell variants of ``study`` at this scale: name -> overrides."""
    block = S["md"] if block is None else block
    return block["md_by_study"].get(study, {}).get("variants", {})


def variant_studies(study, kind):
    """Pseudo-studies of the cell variants of ``study`` of one kind: ``coating`` (variants
    setting coating_layers > 0) or ``size`` (variants setting lpsc_repeats, no coating).
    """
    out = []
    for name, v in study_variants(study).items():
        coated = v.get("coating_layers", 0) > 0
        if (kind == "coating" and coated) or (
            kind == "size" and "lpsc_repeats" in v and not coated
        ):
            out.append(f"{study}{VARIANT_SEP}{name}")
    return out


def coating_layers(study):
    """Li2S coating layers of the production cell of ``study`` (variant override first)."""
    base, variant = split_variant(study)
    if variant is not None:
        return study_variants(base)[variant].get(
            "coating_layers", config["study"][base]["coating_layers"]
        )
    return config["study"][base]["coating_layers"]


def _check_md_block(md, where):
    """Segment / dump bookkeeping of one set of production-MD settings."""
    if md["segment_steps"] > md["npt_steps"]:
        raise ValueError(f"{where}: segment_steps exceeds npt_steps")
    if md["npt_steps"] % md["segment_steps"]:
        raise ValueError(f"{where}: npt_steps must be a multiple of segment_steps")
    if md["nvt_steps"] % md["dump_every"]:
        raise ValueError(f"{where}: nvt_steps must be a multiple of dump_every")
    if md["segment_steps"] % md["dump_every"]:
        raise ValueError(f"{where}: segment_steps must be a multiple of dump_every")


def _check_model_blocks(cfg, name, block, study):
    """Model blocks of one scale (``study`` None) or one model_by_study entry: merged blocks
    validated by the schema, exploration systems with initial data, trust levels, iteration
    systems explored, and every element of the systems in the study's type map."""
    where = f"scales.{name}" + (f".model_by_study.{study}" if study else "")
    merged = {k: model_settings(study, k, block) for k in MODEL_BLOCKS}
    if study:
        if study not in OWN_MODEL_STUDIES + ("symmetric_cell",):
            raise ValueError(f"{where}: only studies training their own model")
        probe = copy.deepcopy(cfg)
        probe["scales"][name].update(copy.deepcopy(merged))
        probe["scales"][name].pop("model_by_study")
        try:
            validate(probe, schema="../../config/schema.yaml")
        except Exception as err:
            raise ValueError(
                f"{where}: merged model blocks fail the schema: {err}"
            ) from None
    systems = merged["initial_data"]["systems"]
    missing = set(merged["exploration_systems"]) - set(systems)
    if missing:
        raise ValueError(
            f"{where}.exploration_systems {sorted(missing)} have no initial data "
            "(add them to initial_data.systems)"
        )
    for i, it in enumerate(merged["dpgen"]["iterations"]):
        extra = set(it.get("systems", [])) - set(merged["exploration_systems"])
        if extra:
            raise ValueError(
                f"{where}.dpgen.iterations[{i}].systems {sorted(extra)} are not explored"
            )
    check_dpgen_block(merged["dpgen"], f"{where}.dpgen")
    lo, hi = merged["dpgen"]["trust_level_force_eV_A"]
    if not lo < hi:
        raise ValueError(f"{where}.dpgen: trust levels need lo < hi, got {lo}, {hi}")
    check_system = block.get("model_by_study", {}).get(study, {}).get(
        "model_check_system"
    ) or cfg["study"].get(study or "", {}).get("model_check_system")
    if check_system is not None and check_system not in systems:
        raise ValueError(
            f"study.{study}.model_check_system {check_system!r} is not in "
            f"{where}.initial_data.systems"
        )
    type_map = cfg["study"].get(study or "", {}).get("type_map", cfg["type_map"])
    check_system_names(
        systems,
        type_map,
        merged["initial_data"]["supercells"],
        cfg["structures"]["resource_dir"],
        where=f"{where}.initial_data",
    )


def _check_config_semantics(cfg):
    """Cross-key checks the JSON schema cannot express; fail before any job starts."""
    check_type_maps(cfg)
    check_model_from_type_maps(cfg)
    # the global blocks, then each model study's overrides (study.<name>.descriptor / ...)
    merged = {"(global)": ({}, {})}
    for name, blk in cfg["study"].items():
        overrides = {"descriptor", "short_range_repulsion"} & set(blk)
        if "model_from" in blk and overrides:
            raise ValueError(
                f"study.{name} uses the model of {blk['model_from']!r} (model_from): set "
                f"{', '.join(sorted(overrides))} in study.{blk['model_from']} instead"
            )
        if "model_from" not in blk:
            merged[f"study.{name}"] = (
                blk.get("descriptor", {}),
                blk.get("short_range_repulsion", {}),
            )
    for where, (descriptor_over, zbl_over) in merged.items():
        descriptor = {**cfg["descriptor"], **descriptor_over}
        zbl = {**cfg["short_range_repulsion"], **zbl_over}
        if zbl["zbl"] and descriptor["type"] != "se_atten_v2":
            raise ValueError(
                f"{where}: short_range_repulsion.zbl needs descriptor.type se_atten_v2 "
                "(DeePMD-kit's DP-ZBL model takes mixed-type descriptors only), got "
                f"{descriptor['type']!r}"
            )
        if not zbl["sw_rmin_A"] < zbl["sw_rmax_A"] < descriptor["rcut_A"]:
            raise ValueError(
                f"{where}: short_range_repulsion needs sw_rmin_A < sw_rmax_A < descriptor.rcut_A"
            )
    if len(cfg["descriptor"]["sel"]) != len(cfg["type_map"]):
        raise ValueError(
            f"descriptor.sel has {len(cfg['descriptor']['sel'])} entries but type_map has "
            f"{len(cfg['type_map'])} elements"
        )
    for study in OWN_MODEL_STUDIES:
        blk = cfg["study"].get(study)
        if study in cfg["studies"] and blk is None:
            raise ValueError(
                f"study {study!r} trains its own model: add a study.{study} block"
            )
        if blk is not None and len(blk["descriptor_sel"]) != len(blk["type_map"]):
            raise ValueError(
                f"study.{study}: descriptor_sel has {len(blk['descriptor_sel'])} entries for "
                f"{len(blk['type_map'])} elements of type_map"
            )
    for study in set(cfg["studies"]) & set(INTERFACE_MD_STUDIES):
        if study not in cfg["study"]:
            raise ValueError(
                f"study {study!r} is listed in 'studies' but has no 'study' block"
            )
        src = cfg["study"][study].get("model_from")
        if src is not None and (
            src not in cfg["study"] or cfg["study"][src].get("model_from")
        ):
            raise ValueError(
                f"study {study!r}: model_from={src!r} must name a study that trains its own model"
            )
    if "terminations" in cfg["studies"]:
        rank = cfg["study"]["terminations"]["md_interface_rank"]
        for name, block in cfg["scales"].items():
            n = block["termination_interfaces"]["n_interfaces"]
            if rank > n:
                raise ValueError(
                    f"study.terminations.md_interface_rank={rank} but scales.{name}."
                    f"termination_interfaces.n_interfaces={n}: that interface is never built"
                )
    for name, block in cfg["scales"].items():
        bmd = block["bulk_md"]
        _check_md_block(bmd, f"scales.{name}.bulk_md")
        ref = cfg["classification"]["reference_series"]
        if ref not in bmd["series"]:
            raise ValueError(
                f"classification.reference_series={ref!r} is not a series of "
                f"scales.{name}.bulk_md.series {sorted(bmd['series'])}"
            )
        for series, sr in bmd["series"].items():
            type_map = (
                cfg["study"].get(sr["model"], {}).get("type_map", cfg["type_map"])
            )
            check_system_names(
                sr["systems"],
                type_map,
                bmd["supercells"],
                cfg["structures"]["resource_dir"],
                where=f"scales.{name}.bulk_md.series.{series}",
            )
    for name, block in cfg["scales"].items():
        for study in [None] + list(block["md"]["md_by_study"]):
            where = f"scales.{name}.md" + (f".md_by_study.{study}" if study else "")
            _check_md_block(md_settings(study, block["md"]), where)
            for variant, v in (
                study_variants(study, block["md"]).items() if study else []
            ):
                if study not in BUILT_MD_STUDIES:
                    raise ValueError(
                        f"{where}.variants: only {BUILT_MD_STUDIES} build their cells"
                    )
                _check_md_block(
                    md_settings(f"{study}{VARIANT_SEP}{variant}", block["md"]),
                    f"{where}.variants.{variant}",
                )
                if v.get("coating_layers", 0) > 0 and "Li2S" not in (
                    block["initial_data"]["systems"]
                ):
                    raise ValueError(
                        f"{where}.variants.{variant}: a Li2S coating needs Li2S in "
                        f"scales.{name}.initial_data.systems (the model must see Li2S)"
                    )
        for study in [None] + list(block.get("model_by_study", {})):
            _check_model_blocks(cfg, name, block, study)
        for study in set(cfg["studies"]) & set(OWN_MODEL_STUDIES):
            if study not in block.get("model_by_study", {}):
                raise ValueError(
                    f"study {study!r} trains its own model: add scales.{name}."
                    f"model_by_study.{study} (its initial-data and exploration systems)"
                )
        missing = set(block["oracle_benchmark"]["systems"]) - set(
            block["initial_data"]["systems"]
        )
        if missing:
            raise ValueError(
                f"scales.{name}.oracle_benchmark.systems {sorted(missing)} have no initial "
                "data (add them to initial_data.systems)"
            )
        check = block["model_check"]
        if check["thermo_every"] > check["nsteps"] // 2:
            raise ValueError(
                f"scales.{name}.model_check: thermo_every must leave >= 2 thermo "
                "intervals in nsteps (the drift is a fit over time)"
            )


_check_config_semantics(config)
check_bulk_config(config)
check_interface_config(config)
check_terminations_config(config)
check_termination_interfaces_config(config)
check_glass_config(
    config["glass"], config["scales"], config["structures"]["li_lattice_A"]
)


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


def window_msd_runs(study):
    """Run of paper 001 Fig. 2b (fig_window_msd) at every scale = ``window_msd.run``,
    "first" = the study's first run (lowest temperature, first pressure and seed). Checks
    every scale's block before any job starts: the run exists, and every origin is a dump
    frame whose window ends within the run (seiflow.analysis.phase_transport.check_windows).
    """
    from seiflow.md.lammps import dump_times_ps
    from seiflow.analysis.phase_transport import check_windows

    runs_by_scale = {}
    for scale, block in config["scales"].items():
        md = md_settings(study, block["md"])
        runs = [
            run_id(T, p, v)
            for T in md["temperatures_K"]
            for p in md["pressures_bar"]
            for v in md["velocity_seeds"]
        ]
        chosen = block["window_msd"]["run"]
        runs_by_scale[scale] = runs[0] if chosen == "first" else chosen
        if runs_by_scale[scale] not in runs:
            raise ValueError(
                f"scales.{scale}.window_msd.run={chosen!r} is not a production run of "
                f"{study} ({runs})"
            )
        try:
            check_windows(
                dump_times_ps(md),
                block["window_msd"]["origins_ps"],
                block["window_msd"]["window_ps"],
            )
        except ValueError as err:
            raise ValueError(f"scales.{scale}.window_msd: {err}") from None
    return runs_by_scale


# --- Li|glass slab MD runs (glass.smk, glass_crystallisation.smk) ---


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


def model_study(study):
    """The study whose DP-GEN run and final model serve ``study`` (itself unless model_from;
    a cell variant uses the model of its study)."""
    base = split_variant(study)[0]
    return config["study"][base].get("model_from", base)


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


def run_id(temperature_K, pressure_bar, velocity_seed):
    """Name of one production run: ``T<K>_p<bar>_v<seed>`` (e.g. ``T400_p1_v1``)."""
    return f"T{int(temperature_K)}_p{float(pressure_bar):g}_v{int(velocity_seed)}"


def md_runs(study):
    """Run ids of every (temperature, pressure, velocity seed) of ``study``."""
    md = md_settings(study)
    return [
        run_id(T, p, v)
        for T in md["temperatures_K"]
        for p in md["pressures_bar"]
        for v in md["velocity_seeds"]
    ]


def run_conditions(run):
    """Temperature (K), pressure (bar) and velocity seed of a run id (inverse of run_id)."""
    T, p, v = run.split("_")
    return {
        "temperature_K": float(T[1:]),
        "pressure_bar": float(p[1:]),
        "velocity_seed": int(v[1:]),
    }


def run_md_settings(study, run):
    """md_settings(study) with the NPT pressure of ``run``."""
    return {**md_settings(study), "pressure_bar": run_conditions(run)["pressure_bar"]}


def velocity_seed(run):
    """LAMMPS velocity seed of ``run``: master seed + 1000 x replica seed + temperature."""
    c = run_conditions(run)
    return config["seed"] + 1000 * c["velocity_seed"] + int(c["temperature_K"])


FIGURE_INDEX_FILE = Path(workflow.basedir) / "workflow" / "figure_index.yaml"
with open(FIGURE_INDEX_FILE) as _fh:
    FIGURE_INDEX = yaml.safe_load(_fh)


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


# --- SEI structure figures (sei_figures.smk) ---


def runs_of(study, stem):
    """Per-run analysis files ``analysis/<stem>_<run>.csv`` of every run of ``study``."""
    return [f"{RES}/{study}/analysis/{stem}_{run}.csv" for run in md_runs(study)]


def first_run(study):
    """The first run of ``study`` (lowest temperature, first pressure and seed)."""
    return md_runs(study)[0]


#: Snapshot figures: (study, id) -> frame (0 first, -1 last), colour scheme, title.
SNAPSHOTS = {
    ("symmetric_cell", "fig2a"): (
        -1,
        "li_ptm",
        "Li coloured by PTM (paper 001 Fig. 2a)",
    ),
    ("two_step", "fig1"): (
        0,
        "element",
        "Li(110) | LPSC(110) model (paper 004 Fig. 1)",
    ),
    ("two_step", "fig3"): (-1, "phase", "crystalline / amorphous (paper 004 Fig. 3)"),
}


def snapshot_spec(wc):
    """(frame, scheme, title) of snapshot figure ``wc.snap`` of ``wc.study``."""
    try:
        return SNAPSHOTS[(wc.study, wc.snap)]
    except KeyError:
        raise ValueError(
            f"no snapshot figure {wc.study}/{wc.snap} (known: {sorted(SNAPSHOTS)})"
        ) from None


#: terminations (paper 003) time series: id -> (source stem, {column: (label, factor)}, title)
TERMINATION_SERIES = {
    "fig9": (
        "structure",
        {
            "cn_S_P": ("S–P CN (3 Å)", 1.0),
            "cn_S_Li": ("S–Li CN (3 Å)", 1.0),
            "cn_P_Li": ("P–Li CN (3 Å)", 1.0),
            "cn_Cl_Li": ("Cl–Li CN (3 Å)", 1.0),
        },
        "coordination numbers vs time (paper 003 Fig. 9)",
    ),
    "fig11a": (
        "sei",
        {"sei_thickness_mean_A": ("SEI thickness, intact-PS$_4$ method (Å)", 1.0)},
        "SEI thickness (paper 003 Fig. 11a)",
    ),
    "fig11b": (
        "structure",
        {
            "s8li_share": ("S with 8 Li neighbours (%)", 100.0),
            "sei_crystalline_share": ("PTM-crystalline SEI anions (%)", 100.0),
        },
        "degree of crystallisation (paper 003 Fig. 11b)",
    ),
}


def cell_variant_group(study, fig):
    """The study's own cell plus its coating variants (fig6) or size variants (figS17)."""
    kind = {"fig6": "coating", "figS17": "size"}[fig]
    return [study] + variant_studies(study, kind)


def shared_temperatures(studies):
    """Production temperatures (K) every one of ``studies`` runs at, sorted."""
    return sorted(
        set.intersection(*[set(md_settings(s)["temperatures_K"]) for s in studies])
    )
