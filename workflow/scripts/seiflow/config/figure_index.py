"""The figure/table index (workflow/figure_index.yaml): checks and a Markdown rendering."""

from __future__ import annotations

from pathlib import Path

__all__ = ["resolve_config_key", "index_rows", "render_markdown"]


def resolve_config_key(config: dict, key: str, scale: str):
    """Value of a dotted config key; a leading ``S.`` means ``scales.<scale>.``.

    Raises
    ------
    KeyError
        If any part of the path is missing (the index names a key the config does not have).
    """
    parts = key.split(".")
    if parts[0] == "S":
        parts = ["scales", scale] + parts[1:]
    node = config
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"config key {key!r} (scale {scale!r}) not found at {part!r}")
        node = node[part]
    return node


def index_rows(index: dict, studies: list[str], training_studies: list[str]) -> list[dict]:
    """One row per figure/table of the configured studies, the shared stages (``bulk``) and
    each model-training study.

    Returns dicts with keys ``study, id, paper, kind, rule, script, outputs, config``.
    """
    rows = []
    for study in studies:
        for fig_id, e in index["studies"].get(study, {}).items():
            rows.append({"study": study, "id": fig_id, **e})
    for study, entries in index.get("shared", {}).items():
        for fig_id, e in entries.items():
            rows.append({"study": study, "id": fig_id, **e})
    for study in training_studies:
        for fig_id, e in index["models"].items():
            rows.append({"study": study, "id": fig_id, **e})
    return rows


def render_markdown(rows: list[dict], scale: str) -> str:
    """Markdown table: figure id -> paper figure, rule, script, outputs, config keys."""
    lines = [f"# Figure and table index (scale `{scale}`)", "",
             "Outputs are under `results/%s/<study>/`; per-output provenance records are in "
             "`results/%s/<study>/provenance/<id>.json`. `S.` = `scales.%s.`." % (scale, scale,
                                                                                   scale), "",
             "| study | id | reproduces | kind | rule | script | outputs | config keys |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append("| {study} | {id} | {paper} | {kind} | `{rule}` | `{script}` | {outs} | {cfg} |"
                     .format(outs=", ".join(f"`{o}`" for o in r["outputs"]),
                             cfg=", ".join(f"`{c}`" for c in r["config"]),
                             script=Path(r["script"]).as_posix(), **{k: r[k] for k in
                             ("study", "id", "paper", "kind", "rule")}))
    return "\n".join(lines) + "\n"
