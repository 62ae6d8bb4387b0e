"""Model errors on reaction products before / after adding them to the training data.

Paper 001 (Figs. S3-S4): a DeePMD model trained without Li2S, Li3P and LiCl frames is tested
on those reaction products; adding them to the training set brings the energy error below
3 meV/atom. Here the "after" model is the study's final model (trained on every labelled
frame) and the "before" model is trained with the same input and seed on the same training
frames minus every system whose reduced formula is a reaction product; both are tested on
the held-out frames of the product systems.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

_COUNT = re.compile(r"([A-Z][a-z]?)(\d+)")


def system_composition(name: str, type_map: Sequence[str]) -> dict[str, int]:
    """Element counts of a dpdata ``MultiSystems`` folder name (``Li64P0S32Cl0``).

    Raises
    ------
    ValueError
        If the name is not a sequence of element+count in ``type_map`` order.
    """
    pairs = _COUNT.findall(name)
    if "".join(f"{e}{n}" for e, n in pairs) != name or [e for e, _ in pairs] != list(type_map):
        raise ValueError(f"{name!r} is not a dpdata system name for type_map {list(type_map)}")
    return {e: int(n) for e, n in pairs if int(n) > 0}


def reduced_formula(counts: dict[str, int]) -> str:
    """pymatgen reduced formula of element counts (``{"Li": 64, "S": 32}`` -> ``Li2S``)."""
    from pymatgen.core import Composition

    return Composition(counts).reduced_formula


def split_product_systems(system_dirs: Iterable[str | Path], type_map: Sequence[str],
                          products: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Separate reaction-product systems from the others.

    Parameters
    ----------
    system_dirs : iterable of path
        ``deepmd/npy`` system folders named by dpdata (``<El><n>...`` in type_map order).
    products : sequence of str
        Reduced formulas of the reaction products (``["Li2S", "Li3P", "LiCl"]``).

    Returns
    -------
    (others, by_product)
        Folders of non-product systems, and product formula -> its folders.
    """
    from pymatgen.core import Composition

    wanted = {Composition(p).reduced_formula: p for p in products}
    others, by_product = [], {p: [] for p in products}
    for d in system_dirs:
        formula = reduced_formula(system_composition(Path(d).name, type_map))
        if formula in wanted:
            by_product[wanted[formula]].append(str(d))
        else:
            others.append(str(d))
    return others, by_product


def ablation_table(rmse: dict[tuple[str, str], dict]) -> pd.DataFrame:
    """Tidy table of the errors of both models on each product.

    Parameters
    ----------
    rmse : dict
        ``(product, model)`` -> :func:`seiflow.model.dp_test.parity_rmse` result (keys
        energy_meV_per_atom, force_meV_per_A, n_frames), model ``"before"`` (trained without
        the products) or ``"after"`` (the final model).

    Returns
    -------
    pandas.DataFrame
        One row per product and model (before first): product, model, energy_meV_per_atom,
        force_meV_per_A, n_frames.

    Raises
    ------
    ValueError
        If a product lacks one of the two models.
    """
    products = sorted({p for p, _ in rmse})
    rows = []
    for p in products:
        for m in ("before", "after"):
            if (p, m) not in rmse:
                raise ValueError(f"no {m!r} errors for product {p}")
            rows.append({"product": p, "model": m, **rmse[(p, m)]})
    return pd.DataFrame(rows)
