"""The figure/table index (workflow/figure_index.yaml): checks and a Markdown rendering."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

__all__ = ["ENTRY_KEYS", "load_index", "resolve_config_key", "index_entries",
           "check_entry_code", "index_rows", "render_markdown"]


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


#: Keys every index entry carries (``caption`` may be null; ``snapshot`` / ``series`` optional).
ENTRY_KEYS = ("paper", "kind", "rule", "rule_file", "function", "script", "outputs", "config")


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML SafeLoader that refuses a mapping with the same key twice (PyYAML keeps the last
    one silently, so an entry pasted into the middle of another steals its keys)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ValueError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}"
                                 f" of {key_node.start_mark.name}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_index(path: str | Path) -> dict:
    """Read workflow/figure_index.yaml, refusing duplicate keys.

    Raises
    ------
    ValueError
        A mapping holds the same key twice (message names the key and the line).
    """
    with open(path) as fh:
        return yaml.load(fh, Loader=_UniqueKeyLoader)


def index_entries(index: dict) -> Iterator[tuple[str, str, dict]]:
    """Every entry of the index as ``(study, id, entry)``: the studies, the shared stages
    (``bulk``) and the model figures (study ``models``)."""
    for section in ("studies", "shared"):
        for study, entries in index.get(section, {}).items():
            for fig_id, e in entries.items():
                yield study, fig_id, e
    for fig_id, e in index.get("models", {}).items():
        yield "models", fig_id, e


def check_entry_code(entry: dict, root: str | Path) -> list[str]:
    """What of one index entry's code does not exist (empty list: all of it does).

    Checks that every key of :data:`ENTRY_KEYS` is set, that ``rule_file`` (relative to the
    repository ``root``) exists and defines
    ``rule <rule>:``, that ``function`` (dotted ``package.module.name``) imports and is
    callable, and that ``script`` and ``caption`` (when not null) exist. Importing the
    function needs ``workflow/scripts`` on ``sys.path``.

    Returns
    -------
    list of str
        One message per problem, naming the missing file, rule or function.
    """
    root = Path(root)
    problems = [f"no {key}" for key in ENTRY_KEYS if not entry.get(key)]
    rule_file = root / entry.get("rule_file", "")
    if entry.get("rule_file") and not rule_file.is_file():
        problems.append(f"rule file {entry['rule_file']} does not exist")
    elif entry.get("rule_file") and not re.search(
            rf"^rule {re.escape(entry['rule'])}:", rule_file.read_text(), re.M):
        problems.append(f"{entry['rule_file']} does not define rule {entry['rule']}")
    if entry.get("function"):
        module, _, name = entry["function"].rpartition(".")
        try:
            func = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, ValueError) as exc:
            problems.append(f"function {entry['function']} does not import ({exc})")
        else:
            if not callable(func):
                problems.append(f"function {entry['function']} is not callable")
    if entry.get("script") and not (root / entry["script"]).is_file():
        problems.append(f"script {entry['script']} does not exist")
    if entry.get("caption") and not (root / entry["caption"]).is_file():
        problems.append(f"caption {entry['caption']} does not exist")
    return problems


def index_rows(index: dict, studies: list[str], training_studies: list[str]) -> list[dict]:
    """One row per figure/table of the configured studies, the shared stages (``bulk``) and
    each model-training study.

    Returns dicts with keys ``study, id, paper, kind, rule, rule_file, function, script,
    outputs, config`` (and the entry's other fields).
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
    """Markdown table: figure id -> paper figure, rule and its file, the seiflow function
    computing its numbers, script, outputs, config keys."""
    lines = [f"# Figure and table index (scale `{scale}`)", "",
             "Outputs are under `results/%s/<study>/`; per-output provenance records are in "
             "`results/%s/<study>/provenance/<id>.json`. `S.` = `scales.%s.`." % (scale, scale,
                                                                                   scale), "",
             "| study | id | reproduces | kind | rule | rule file | function | script | outputs "
             "| config keys |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append("| {study} | {id} | {paper} | {kind} | `{rule}` | `{rule_file}` | "
                     "`{function}` | `{script}` | {outs} | {cfg} |"
                     .format(outs=", ".join(f"`{o}`" for o in r["outputs"]),
                             cfg=", ".join(f"`{c}`" for c in r["config"]),
                             script=Path(r["script"]).as_posix(), **{k: r[k] for k in
                             ("study", "id", "paper", "kind", "rule", "rule_file",
                              "function")}))
    return "\n".join(lines) + "\n"
