"""Helpers shared by every stage: config validation, scale block, paths and targets."""

from pathlib import Path

import sys

import yaml

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))
from seiflow.bulk import check_bulk_config
from seiflow.glass import check_glass_config
from seiflow.structures import check_interface_config
from seiflow.termination_interfaces import check_termination_interfaces_config
from seiflow.terminations import check_terminations_config

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


#: Studies of the Li | LPSC production-MD chain (study.<name> blocks, DP-GEN + DeePMD model).
#: symmetric_cell/two_step build their cell from the Li and LPSC lattices (md_structure),
#: terminations takes a relaxed Li | termination interface (termination_md_structure).
#: The glass stage builds structures and oracle tables; its active learning is issue 3 work.
INTERFACE_MD_STUDIES = ("symmetric_cell", "two_step", "terminations")
BUILT_MD_STUDIES = ("symmetric_cell", "two_step")


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


def _check_config_semantics(cfg):
    """Cross-key checks the JSON schema cannot express; fail before any job starts."""
    if len(cfg["descriptor"]["sel"]) != len(cfg["type_map"]):
        raise ValueError(
            f"descriptor.sel has {len(cfg['descriptor']['sel'])} entries but type_map has "
            f"{len(cfg['type_map'])} elements"
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
        missing = set(block["exploration_systems"]) - set(
            block["initial_data"]["systems"]
        )
        if missing:
            raise ValueError(
                f"scales.{name}.exploration_systems {sorted(missing)} have no initial data "
                "(add them to initial_data.systems)"
            )
        lo, hi = block["dpgen"]["trust_level_force_eV_A"]
        if not lo < hi:
            raise ValueError(
                f"scales.{name}.dpgen: trust levels need lo < hi, got {lo}, {hi}"
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
    return sorted({model_study(s) for s in md_studies()})


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
