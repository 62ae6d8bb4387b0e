"""Helpers shared by every stage: config validation, scale block, paths and targets."""

from pathlib import Path

from snakemake.utils import validate

validate(config, schema="../../config/schema.yaml")

SCALE = config["scale"]
S = config["scales"][SCALE]  # the block of everything that changes with scale
RES = f"results/{SCALE}"
SCRIPTS = str(Path(workflow.basedir) / "workflow" / "scripts")


def _check_config_semantics(cfg):
    """Cross-key checks the JSON schema cannot express; fail before any job starts."""
    if len(cfg["descriptor"]["sel"]) != len(cfg["type_map"]):
        raise ValueError(
            f"descriptor.sel has {len(cfg['descriptor']['sel'])} entries but type_map has "
            f"{len(cfg['type_map'])} elements"
        )
    for study in cfg["studies"]:
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
    for name, block in cfg["scales"].items():
        md = block["md"]
        if md["segment_steps"] > md["npt_steps"]:
            raise ValueError(f"scales.{name}.md: segment_steps exceeds npt_steps")
        if md["npt_steps"] % md["segment_steps"]:
            raise ValueError(
                f"scales.{name}.md: npt_steps must be a multiple of segment_steps"
            )
        if md["nvt_steps"] % md["dump_every"]:
            raise ValueError(
                f"scales.{name}.md: nvt_steps must be a multiple of dump_every"
            )
        if md["segment_steps"] % md["dump_every"]:
            raise ValueError(
                f"scales.{name}.md: segment_steps must be a multiple of dump_every"
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


_check_config_semantics(config)


def model_study(study):
    """The study whose DP-GEN run and final model serve ``study`` (itself unless model_from)."""
    return config["study"][study].get("model_from", study)


def training_studies():
    """Studies that run their own active learning and training."""
    return sorted({model_study(s) for s in config["studies"]})


def md_temperatures():
    return S["md"]["temperatures_K"]


def n_segments():
    return S["md"]["npt_steps"] // S["md"]["segment_steps"]


FIGURES = {
    "symmetric_cell": ["fig2d"],
    "two_step": ["fig2"],
}


def all_targets():
    """Every figure (PNG + CSV) of the configured studies, the model parity figures and the
    provenance record."""
    targets = [f"{RES}/provenance.json"]
    for study in config["studies"]:
        for fig in FIGURES[study]:
            targets += [
                f"{RES}/{study}/figures/{fig}.png",
                f"{RES}/{study}/figures/{fig}.csv",
            ]
    for study in training_studies():
        targets += [
            f"{RES}/{study}/figures/model_parity.png",
            f"{RES}/{study}/figures/model_parity.csv",
            f"{RES}/{study}/tables/model_rmse.csv",
            f"{RES}/{study}/tables/al_report.csv",
        ]
    return targets
