"""Cross-key config checks that the JSON schema cannot express, as pure functions.

Called at parse time by ``workflow/rules/common.smk`` (``_check_config_semantics``), so a bad
input stops the workflow before any job starts with a message that names the key. Each check
raises :class:`ValueError`.
"""

from __future__ import annotations

from ase.data import chemical_symbols

#: Element symbols (ASE's table without the placeholder "X" at index 0).
ELEMENTS = frozenset(chemical_symbols[1:])


def check_type_maps(cfg: dict) -> None:
    """Every ``type_map`` (global and ``study.<name>.type_map``) lists element symbols.

    Raises
    ------
    ValueError
        Naming the key and the entry that is not an element (e.g. ``'Xx'``).
    """
    maps = {"type_map": cfg["type_map"]}
    maps.update({f"study.{name}.type_map": blk["type_map"]
                 for name, blk in cfg.get("study", {}).items() if "type_map" in blk})
    for key, type_map in maps.items():
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
