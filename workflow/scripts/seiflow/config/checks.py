"""Every check of the workflow's config behind one function, :func:`check_config`.

``workflow/rules/common.smk`` calls ``check_config(config)`` once at parse time, so a bad
input stops the workflow before any job starts, with a message that names the key. The same
function is importable (tests call it directly on config dicts):

1. the JSON schema (``config/schema.yaml``; fills defaults; a violation is reported as one
   line naming the key, not the whole schema);
2. cross-key checks the schema cannot express (this module);
3. the domain checks that live next to their constants (``seiflow.builders.*.check_*_config``,
   ``seiflow.model.systems.check_system_names``, ``seiflow.analysis.phase_transport.check_windows``).

Every check raises :class:`ValueError`.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Mapping

import yaml
from ase.data import chemical_symbols

from seiflow.config.settings import (
    BUILT_MD_STUDIES,
    INTERFACE_MD_STUDIES,
    MODEL_BLOCKS,
    OWN_MODEL_STUDIES,
    VARIANT_SEP,
    md_settings,
    model_settings,
    run_ids,
    study_variants,
)

#: The config schema of the workflow (JSON schema in YAML).
SCHEMA_FILE = Path(__file__).resolve().parents[4] / "config" / "schema.yaml"

#: Element symbols (ASE's table without the placeholder "X" at index 0).
ELEMENTS = frozenset(chemical_symbols[1:])


def model_type_maps(cfg: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every type map that a model of this config labels: ``"(global)"`` and each study
    with its own ``type_map``."""
    maps = {"(global)": list(cfg["type_map"])}
    maps.update({name: list(blk["type_map"]) for name, blk in cfg.get("study", {}).items()
                 if "type_map" in blk})
    return maps


def check_type_maps(cfg: dict) -> None:
    """Every ``type_map`` (global and ``study.<name>.type_map``) lists element symbols.

    Raises
    ------
    ValueError
        Naming the key and the entry that is not an element (e.g. ``'Xx'``).
    """
    for name, type_map in model_type_maps(cfg).items():
        key = "type_map" if name == "(global)" else f"study.{name}.type_map"
        bad = [t for t in type_map if t not in ELEMENTS]
        if bad:
            raise ValueError(f"{key}: {bad} {'is not an element' if len(bad) == 1 else 'are not elements'} "
                             "(use chemical symbols such as Li, P, S, Cl)")


def check_model_from_type_maps(cfg: dict) -> None:
    """A study that borrows the model of another (``model_from``) must have its type map.

    The production cell of the borrowing study is written in its own type order; a model of
    another chemistry cannot run it.

    Raises
    ------
    ValueError
        Naming ``study.<name>.model_from`` and both type maps.
    """
    studies = cfg.get("study", {})
    for name, blk in studies.items():
        src = blk.get("model_from")
        if src is None or src not in studies:
            continue
        own = blk.get("type_map", cfg["type_map"])
        theirs = studies[src].get("type_map", cfg["type_map"])
        if list(own) != list(theirs):
            raise ValueError(
                f"study.{name}.model_from={src!r}: that model's type_map {list(theirs)} differs "
                f"from the type_map of {name} {list(own)}; borrow a model of the same chemistry"
            )


def check_dpgen_block(dpgen: dict, where: str) -> None:
    """DP-GEN settings that would silently waste a run.

    - ``fp_task_min`` > ``fp_task_max``: DP-GEN labels nothing (numb_task 0) and goes on;
    - an iteration with ``trj_freq`` > ``nsteps``: its exploration dumps one frame.

    Raises
    ------
    ValueError
        Naming ``<where>.fp_task_min`` or ``<where>.iterations[i].trj_freq``.
    """
    if dpgen["fp_task_min"] > dpgen["fp_task_max"]:
        raise ValueError(
            f"{where}.fp_task_min={dpgen['fp_task_min']} exceeds fp_task_max="
            f"{dpgen['fp_task_max']}: DP-GEN would label no frame"
        )
    for i, it in enumerate(dpgen["iterations"]):
        if it["trj_freq"] > it["nsteps"]:
            raise ValueError(
                f"{where}.iterations[{i}].trj_freq={it['trj_freq']} exceeds nsteps="
                f"{it['nsteps']}: the exploration would dump a single frame"
            )


def check_yaml_syntax(paths) -> None:
    """Parse each YAML config file; a syntax error names the file, line and column.

    Snakemake's own message for a broken config file is "Config file is not valid JSON or
    YAML", with neither file nor line; the Snakefile calls this before ``configfile:``.

    Raises
    ------
    ValueError
        ``<path>, line L, column C: <problem>`` (lines and columns from 1).
    """
    for path in paths:
        try:
            yaml.safe_load(Path(path).read_text())
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(err, "problem", None) or str(err)
            raise ValueError(f"{path}{where}: {problem} (YAML syntax)") from None


def stale_lock_hint() -> str:
    """What to do when ``.snakemake/locks`` holds a lock at start-up.

    Snakemake removes its lock when a run ends, fails or is interrupted with Ctrl-C; a lock
    left behind means another snakemake runs in this folder now, or one was killed hard
    (``kill -9``, a lost node, a power cut). Snakemake then refuses to run with a
    ``LockException``; the fix is ``snakemake --unlock`` (README "When a run is interrupted").
    """
    return ("seiflow: .snakemake/locks holds the lock of another run. If no other snakemake "
            "runs in this folder (the last one was killed with kill -9, lost its node or "
            "the power), run `snakemake --unlock` once, then the same command again: "
            "finished outputs are kept and unfinished ones are redone.")


def validate_schema(cfg: dict, schema_file: str | Path = SCHEMA_FILE) -> None:
    """Validate ``cfg`` against the JSON schema and fill its defaults (in place).

    Raises
    ------
    ValueError
        One line: the key path and jsonschema's message of the most relevant violation
        (e.g. ``config: Additional properties are not allowed ('foo' was unexpected)``).
    """
    from snakemake.utils import validate

    try:
        validate(cfg, schema=str(schema_file))
    except Exception:
        raise ValueError(schema_error(cfg, schema_file)) from None


def schema_error(cfg: Mapping[str, Any], schema_file: str | Path = SCHEMA_FILE) -> str:
    """The most relevant schema violation of ``cfg`` as one line naming the key."""
    import jsonschema

    schema = yaml.safe_load(Path(schema_file).read_text())
    cls = jsonschema.validators.validator_for(schema)
    err = jsonschema.exceptions.best_match(cls(schema).iter_errors(cfg))
    if err is None:
        return f"config does not satisfy {schema_file}"
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
    return f"config{path}: {err.message} (schema: {Path(schema_file).name})"


def check_md_block(md: Mapping[str, Any], where: str) -> None:
    """Segment / dump bookkeeping of one set of production-MD settings.

    Raises
    ------
    ValueError
        ``<where>: segment_steps exceeds npt_steps`` and the three "must be a multiple"
        cases (npt_steps of segment_steps, nvt_steps and segment_steps of dump_every).
    """
    if md["segment_steps"] > md["npt_steps"]:
        raise ValueError(f"{where}: segment_steps exceeds npt_steps")
    if md["npt_steps"] % md["segment_steps"]:
        raise ValueError(f"{where}: npt_steps must be a multiple of segment_steps")
    if md["nvt_steps"] % md["dump_every"]:
        raise ValueError(f"{where}: nvt_steps must be a multiple of dump_every")
    if md["segment_steps"] % md["dump_every"]:
        raise ValueError(f"{where}: segment_steps must be a multiple of dump_every")


def check_model_blocks(cfg: dict, name: str, block: Mapping[str, Any], study: str | None,
                       schema_file: str | Path = SCHEMA_FILE) -> None:
    """Model blocks of one scale (``study`` None) or one ``model_by_study`` entry.

    The merged blocks satisfy the schema, exploration systems have initial data, iteration
    systems are explored, DP-GEN settings are sane (:func:`check_dpgen_block`), trust levels
    ordered, ``model_check_system`` has initial data, and every element of the systems is in
    the study's type map (:func:`seiflow.model.systems.check_system_names`).

    Raises
    ------
    ValueError
        Naming ``scales.<name>[.model_by_study.<study>]`` and the key.
    """
    from snakemake.utils import validate

    from seiflow.model.systems import check_system_names

    where = f"scales.{name}" + (f".model_by_study.{study}" if study else "")
    merged = {k: model_settings(block, study, k) for k in MODEL_BLOCKS}
    if study:
        if study not in OWN_MODEL_STUDIES + ("symmetric_cell",):
            raise ValueError(f"{where}: only studies training their own model")
        probe = copy.deepcopy(cfg)
        probe["scales"][name].update(copy.deepcopy(merged))
        probe["scales"][name].pop("model_by_study")
        try:
            validate(probe, schema=str(schema_file))
        except Exception:
            raise ValueError(
                f"{where}: merged model blocks fail the schema: {schema_error(probe, schema_file)}"
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
    check_system_names(systems, type_map, merged["initial_data"]["supercells"],
                       cfg["structures"]["resource_dir"], where=f"{where}.initial_data")


def check_model_settings(cfg: Mapping[str, Any]) -> None:
    """Descriptor / DP-ZBL / type-map consistency of the global model and every model study.

    Raises
    ------
    ValueError
        DP-ZBL without ``se_atten_v2``, switching radii out of order, ``sel`` and
        ``type_map`` of different lengths, overrides set on a study that borrows its model.
    """
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


def check_studies(cfg: Mapping[str, Any]) -> None:
    """Every listed study has the blocks it needs, and ``model_from`` names a model study.

    Raises
    ------
    ValueError
        Naming the study and the missing or inconsistent key.
    """
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


def check_bulk_md(cfg: Mapping[str, Any], name: str, block: Mapping[str, Any]) -> None:
    """Bulk-MD series of one scale: MD bookkeeping, the classification reference series,
    and systems the series' models can type.

    Raises
    ------
    ValueError
        Naming ``scales.<name>.bulk_md`` or ``classification.reference_series``.
    """
    from seiflow.model.systems import check_system_names

    bmd = block["bulk_md"]
    check_md_block(bmd, f"scales.{name}.bulk_md")
    ref = cfg["classification"]["reference_series"]
    if ref not in bmd["series"]:
        raise ValueError(
            f"classification.reference_series={ref!r} is not a series of "
            f"scales.{name}.bulk_md.series {sorted(bmd['series'])}"
        )
    for series, sr in bmd["series"].items():
        type_map = cfg["study"].get(sr["model"], {}).get("type_map", cfg["type_map"])
        check_system_names(sr["systems"], type_map, bmd["supercells"],
                           cfg["structures"]["resource_dir"],
                           where=f"scales.{name}.bulk_md.series.{series}")


def check_production_md(name: str, block: Mapping[str, Any]) -> None:
    """Production MD of one scale: the default and every study's settings and cell variants.

    Raises
    ------
    ValueError
        Naming ``scales.<name>.md[.md_by_study.<study>[.variants.<variant>]]``.
    """
    for study in [None] + list(block["md"]["md_by_study"]):
        where = f"scales.{name}.md" + (f".md_by_study.{study}" if study else "")
        check_md_block(md_settings(block["md"], study), where)
        for variant, v in (study_variants(block["md"], study).items() if study else []):
            if study not in BUILT_MD_STUDIES:
                raise ValueError(
                    f"{where}.variants: only {BUILT_MD_STUDIES} build their cells"
                )
            check_md_block(md_settings(block["md"], f"{study}{VARIANT_SEP}{variant}"),
                           f"{where}.variants.{variant}")
            if v.get("coating_layers", 0) > 0 and "Li2S" not in (
                block["initial_data"]["systems"]
            ):
                raise ValueError(
                    f"{where}.variants.{variant}: a Li2S coating needs Li2S in "
                    f"scales.{name}.initial_data.systems (the model must see Li2S)"
                )


def check_scale_models(cfg: dict, name: str, block: Mapping[str, Any],
                       schema_file: str | Path = SCHEMA_FILE) -> None:
    """Model building, oracle benchmark and model check of one scale.

    Raises
    ------
    ValueError
        Naming ``scales.<name>`` and the key.
    """
    for study in [None] + list(block.get("model_by_study", {})):
        check_model_blocks(cfg, name, block, study, schema_file)
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


def check_teacher_validation(cfg: Mapping[str, Any]) -> None:
    """Teacher validation (issue 21, rule teacher_validation): the per-study phases and RDF
    cells name model studies (studies without ``model_from``) and systems with initial data
    at every scale, RDF pairs are elements of the model, every MD run samples a frame.

    Raises
    ------
    ValueError
        Naming ``teacher_validation.<key>`` or ``scales.<scale>.teacher_validation.<key>``.
    """
    tv = cfg["teacher_validation"]
    models = {s for s, blk in cfg["study"].items() if "model_from" not in blk}
    for key in ("phases", "rdf_by_study", "reactive_by_study"):
        unknown = set(tv[key]) - models
        if unknown:
            raise ValueError(f"teacher_validation.{key}: {sorted(unknown)} are not model "
                             f"studies (studies without model_from: {sorted(models)})")
    for key, field in (("rdf_by_study", "pairs"), ("reactive_by_study", "centres")):
        for study, entry in tv[key].items():
            type_map = cfg["study"][study].get("type_map", cfg["type_map"])
            used = {e for pair in entry[field] for e in pair} if field == "pairs" else set(
                entry[field]) | {"Li", "S"}
            bad = sorted(used - set(type_map))
            if bad:
                raise ValueError(f"teacher_validation.{key}.{study}.{field}: {bad} not in "
                                 f"the model's type map {type_map}")
    for name, block in cfg["scales"].items():
        for study in models & (set(tv["phases"]) | set(tv["rdf_by_study"])
                               | set(tv["reactive_by_study"])):
            systems = set(model_settings(block, study, "initial_data")["systems"])
            wanted = {("phases", p) for p in tv["phases"].get(study, [])}
            for key in ("rdf_by_study", "reactive_by_study"):
                if study in tv[key]:
                    wanted.add((key, tv[key][study]["system"]))
            for key, system in sorted(wanted):
                if system not in systems:
                    raise ValueError(
                        f"teacher_validation.{key}.{study}: {system!r} has no initial data at "
                        f"scale {name} (scales.{name}.initial_data.systems or model_by_study."
                        f"{study}.initial_data.systems)")
        for run in ("own_frames", "bcc_li", "rdf", "reactive"):
            md = block["teacher_validation"][run]
            if md["sample_every"] > md["steps"]:
                raise ValueError(f"scales.{name}.teacher_validation.{run}: sample_every "
                                 f"({md['sample_every']}) exceeds steps ({md['steps']}): no frame")


def check_glass_md(cfg: Mapping[str, Any], name: str, block: Mapping[str, Any]) -> None:
    """Li | glass slab MD of one scale (paper 000): MD bookkeeping, fit window within the
    run, simulated compositions known, crystallisation composition simulated.

    Raises
    ------
    ValueError
        Naming ``scales.<name>.glass_md`` and the key.
    """
    gmd = block["glass_md"]
    check_md_block(gmd, f"scales.{name}.glass_md")
    run_ps = (gmd["nvt_steps"] + gmd["npt_steps"]) * gmd["timestep_fs"] / 1e3
    if gmd["fit_window_ps"] > run_ps:
        raise ValueError(
            f"scales.{name}.glass_md.fit_window_ps={gmd['fit_window_ps']} exceeds the "
            f"run ({run_ps:g} ps)"
        )
    if gmd["start_fit_ps"] >= gmd["fit_window_ps"]:
        raise ValueError(
            f"scales.{name}.glass_md.start_fit_ps must be shorter than fit_window_ps"
        )
    unknown = set(gmd["compositions"]) - set(cfg["glass"]["compositions"])
    if unknown:
        raise ValueError(
            f"scales.{name}.glass_md.compositions {sorted(unknown)} are not in glass.compositions"
        )
    cryst = gmd["crystallisation"]["composition"]
    if cryst not in gmd["compositions"]:
        raise ValueError(
            f"scales.{name}.glass_md.crystallisation.composition={cryst!r} is not simulated "
            f"at this scale (glass_md.compositions: {gmd['compositions']})"
        )


def window_msd_run(name: str, block: Mapping[str, Any], study: str) -> str:
    """The run of paper 001 Fig. 2b (window-averaged MSD) at one scale, checked.

    ``window_msd.run`` names a run id, or ``"first"`` (the study's first run: lowest
    temperature, first pressure and seed). Every origin must be a dump frame whose window
    ends within the run (:func:`seiflow.analysis.phase_transport.check_windows`).

    Raises
    ------
    ValueError
        Naming ``scales.<name>.window_msd``.
    """
    from seiflow.analysis.phase_transport import check_windows
    from seiflow.md.lammps import dump_times_ps

    md = md_settings(block["md"], study)
    runs = run_ids(md)
    chosen = block["window_msd"]["run"]
    run = runs[0] if chosen == "first" else chosen
    if run not in runs:
        raise ValueError(
            f"scales.{name}.window_msd.run={chosen!r} is not a production run of "
            f"{study} ({runs})"
        )
    try:
        check_windows(dump_times_ps(md), block["window_msd"]["origins_ps"],
                      block["window_msd"]["window_ps"])
    except ValueError as err:
        raise ValueError(f"scales.{name}.window_msd: {err}") from None
    return run


def check_oracle(cfg: Mapping[str, Any]) -> None:
    """The DFT oracle a run labels with is usable, before any job starts.

    * ``oracle: vasp``: ``dft.vasp.pp_path`` is set and ``<pp_path>/potpaw_PBE/<symbol>/POTCAR``
      exists for every element of every type map (:func:`seiflow.oracle.dft.potcar_symbols`);
    * ``oracle: cp2k``: the data folder, basis and potential files hold every element
      (:func:`seiflow.oracle.dft.check_cp2k_installation`); the binaries are checked too when
      DP-GEN runs its stages on this machine (``dispatcher.batch_type: Shell``), not when a
      cluster's jobs load CP2K themselves.

    Raises
    ------
    ValueError
        ``oracle=vasp: dft.vasp.pp_path ...`` / ``oracle=cp2k: ...`` naming the key or file.
    """
    from seiflow.oracle.dft import (
        CP2KSettings,
        OracleError,
        check_cp2k_installation,
        potcar_symbols,
    )

    if cfg["oracle"] == "vasp":
        vasp = cfg["dft"]["vasp"]
        if not vasp["pp_path"]:
            raise ValueError("oracle=vasp: set dft.vasp.pp_path (the folder holding potpaw_PBE/)")
        root = Path(vasp["pp_path"]) / "potpaw_PBE"
        if not root.is_dir():
            raise ValueError(f"oracle=vasp: dft.vasp.pp_path: {root} does not exist")
        for where, type_map in model_type_maps(cfg).items():
            missing = [str(root / sym / "POTCAR")
                       for sym in potcar_symbols(type_map, str(vasp["paper"]))
                       if not (root / sym / "POTCAR").is_file()]
            if missing:
                raise ValueError(f"oracle=vasp: dft.vasp.pp_path lacks {missing} "
                                 f"(type_map of {where})")
    elif cfg["oracle"] == "cp2k":
        settings = CP2KSettings.from_config(cfg["dft"]["cp2k"])
        local = cfg["dispatcher"]["batch_type"] == "Shell"
        for where, type_map in model_type_maps(cfg).items():
            try:
                check_cp2k_installation(settings, type_map,
                                        binaries=("cp2k.psmp",) if local else ())
            except OracleError as err:
                raise ValueError(f"oracle=cp2k ({where} type_map): {err}") from None


#: Study of paper 001 Fig. 2b (window-averaged MSD by local structure).
WINDOW_MSD_STUDY = "symmetric_cell"


def check_config(cfg: dict, schema_file: str | Path = SCHEMA_FILE) -> None:
    """Every check of the workflow's config, in order; fills schema defaults in place.

    Parameters
    ----------
    cfg : dict
        The merged config (``config/config.yaml``, ``config/resources.yaml``, overlays,
        ``--config`` overrides); ``cfg["scale"]`` selects the scale that runs, every scale's
        block is checked.
    schema_file : path
        JSON schema (default :data:`SCHEMA_FILE`).

    Raises
    ------
    ValueError
        The first problem found, naming the key (``scales.<scale>.<block>.<key>``,
        ``study.<name>.<key>``, ...) and, where there is one, the fix.
    """
    from seiflow.builders.bulk import check_bulk_config
    from seiflow.builders.cells import check_interface_config
    from seiflow.builders.glass import check_glass_config
    from seiflow.builders.metal_binary import check_decomposition_config
    from seiflow.builders.termination_interfaces import check_termination_interfaces_config
    from seiflow.builders.terminations import check_terminations_config

    validate_schema(cfg, schema_file)
    check_type_maps(cfg)
    check_model_from_type_maps(cfg)
    check_oracle(cfg)
    check_model_settings(cfg)
    check_studies(cfg)
    for name, block in cfg["scales"].items():
        check_bulk_md(cfg, name, block)
    for name, block in cfg["scales"].items():
        check_production_md(name, block)
        check_scale_models(cfg, name, block, schema_file)
    check_teacher_validation(cfg)
    check_bulk_config(cfg)
    check_interface_config(cfg)
    check_terminations_config(cfg)
    check_termination_interfaces_config(cfg)
    check_glass_config(cfg["glass"], cfg["scales"], cfg["structures"]["li_lattice_A"])
    for name, block in cfg["scales"].items():
        check_glass_md(cfg, name, block)
    check_decomposition_config(cfg)
    for name, block in cfg["scales"].items():
        window_msd_run(name, block, WINDOW_MSD_STUDY)
