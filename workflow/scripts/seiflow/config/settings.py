"""Settings resolution: the effective settings of a study, a run or a scale from the config.

Pure functions of the (schema-validated) config mapping, shared by the Snakemake input
functions (``workflow/rules/common.smk`` binds them to the run's ``config`` and scale block)
and by :func:`seiflow.config.checks.check_config`, which resolves every scale's settings
before any job starts.

Vocabulary
----------
scale block
    ``config["scales"][<scale>]``: everything that changes with the scale (test/demo/paper).
model study
    A study that runs DP-GEN and trains its own DeePMD model; another study may borrow it
    (``study.<name>.model_from``).
cell variant
    ``md.md_by_study.<study>.variants.<name>``: a production cell that differs from the
    study's own (a Li2S coating, another LPSC size). It runs in the pseudo-study folder
    ``<study>--<name>`` with the study's model.
run id
    ``T<K>_p<bar>_v<seed>``: one production run (temperature, NPT pressure, velocity seed).
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = [
    "INTERFACE_MD_STUDIES", "BUILT_MD_STUDIES", "OWN_MODEL_STUDIES", "MODEL_BLOCKS",
    "VARIANT_SEP", "model_settings", "split_variant", "md_settings", "study_variants",
    "variant_studies", "model_study", "run_id", "run_conditions", "run_ids",
]

#: Studies of the Li | LPSC production-MD chain (study.<name> blocks, DP-GEN + DeePMD model).
#: symmetric_cell/two_step build their cell from the Li and LPSC lattices (md_structure),
#: terminations takes a relaxed Li | termination interface (termination_md_structure).
INTERFACE_MD_STUDIES = ("symmetric_cell", "two_step", "terminations")
#: Studies whose production cell is built from the Li and LPSC lattices (cell variants allowed).
BUILT_MD_STUDIES = ("symmetric_cell", "two_step")
#: Studies that train their own model of another chemistry (study.<name>.type_map): their
#: initial-data / exploration systems come from their own stages (glass samples and slabs,
#: decomposition interfaces); scales.<scale>.model_by_study.<name> overrides the model blocks.
OWN_MODEL_STUDIES = ("glass", "decomposition_interfaces")
#: Blocks of a scale that build a model (``model_by_study.<study>`` may override each).
MODEL_BLOCKS = ("initial_data", "exploration_systems", "dpgen", "final_model")
#: Separator of a study and its cell variant in a pseudo-study name.
VARIANT_SEP = "--"


def model_settings(scale_block: Mapping[str, Any], study: str | None, key: str) -> Any:
    """Model-building block ``key`` of the model study ``study`` at one scale.

    Parameters
    ----------
    scale_block : mapping
        ``config["scales"][<scale>]``.
    study : str or None
        Model study; None gives the scale block's own setting.
    key : str
        One of :data:`MODEL_BLOCKS`.

    Returns
    -------
    The scale block's ``key`` with ``model_by_study.<study>.<key>`` applied: dict keys
    replaced one by one, a list (exploration_systems) replaced as a whole.
    """
    over = scale_block.get("model_by_study", {}).get(study, {}).get(key)
    if over is None:
        return scale_block[key]
    if isinstance(over, dict):
        return {**scale_block[key], **over}
    return over


def split_variant(study: str | None) -> tuple[str | None, str | None]:
    """``"symmetric_cell--coated"`` -> ``("symmetric_cell", "coated")``; no variant -> None."""
    if study is None:
        return None, None
    base, _, variant = study.partition(VARIANT_SEP)
    return base, (variant or None)


def md_settings(md_block: Mapping[str, Any], study: str | None) -> dict:
    """Production-MD settings of ``study`` (a study, a cell variant, or None for the default).

    Parameters
    ----------
    md_block : mapping
        ``config["scales"][<scale>]["md"]``.
    study : str or None
        Study or pseudo-study ``<study>--<variant>``.

    Returns
    -------
    dict
        ``md_block`` with the study's ``md_by_study`` overrides and, for a cell variant, the
        variant's overrides applied (structure keys such as ``coating_layers`` stay in the
        result; ``md_by_study`` and ``variants`` removed).
    """
    base, variant = split_variant(study)
    merged = {k: v for k, v in md_block.items() if k != "md_by_study"}
    by_study = dict(md_block["md_by_study"].get(base, {}))
    variants = by_study.pop("variants", {})
    merged.update(by_study)
    if variant is not None:
        merged.update(variants[variant])
    return merged


def study_variants(md_block: Mapping[str, Any], study: str) -> dict:
    """Cell variants of ``study`` at one scale: name -> overrides."""
    return md_block["md_by_study"].get(study, {}).get("variants", {})


def variant_studies(md_block: Mapping[str, Any], study: str, kind: str) -> list[str]:
    """Pseudo-studies of the cell variants of ``study`` of one kind.

    ``kind`` is ``"coating"`` (variants setting ``coating_layers`` > 0) or ``"size"``
    (variants setting ``lpsc_repeats``, no coating).
    """
    out = []
    for name, v in study_variants(md_block, study).items():
        coated = v.get("coating_layers", 0) > 0
        if (kind == "coating" and coated) or (
            kind == "size" and "lpsc_repeats" in v and not coated
        ):
            out.append(f"{study}{VARIANT_SEP}{name}")
    return out


def model_study(config: Mapping[str, Any], study: str) -> str:
    """The study whose DP-GEN run and final model serve ``study`` (itself unless
    ``model_from``; a cell variant uses the model of its study)."""
    base = split_variant(study)[0]
    return config["study"][base].get("model_from", base)


def run_id(temperature_K: float, pressure_bar: float, velocity_seed: int) -> str:
    """Name of one production run: ``T<K>_p<bar>_v<seed>`` (e.g. ``T400_p1_v1``)."""
    return f"T{int(temperature_K)}_p{float(pressure_bar):g}_v{int(velocity_seed)}"


def run_conditions(run: str) -> dict:
    """Temperature (K), pressure (bar) and velocity seed of a run id (inverse of
    :func:`run_id`)."""
    T, p, v = run.split("_")
    return {
        "temperature_K": float(T[1:]),
        "pressure_bar": float(p[1:]),
        "velocity_seed": int(v[1:]),
    }


def run_ids(md: Mapping[str, Any]) -> list[str]:
    """Run ids of every (temperature, pressure, velocity seed) of resolved MD settings
    ``md`` (:func:`md_settings`), temperature-major."""
    return [
        run_id(T, p, v)
        for T in md["temperatures_K"]
        for p in md["pressures_bar"]
        for v in md["velocity_seeds"]
    ]
