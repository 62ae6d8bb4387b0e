"""Reaction-product ablation (paper 001 Figs. S3-S4 analogue): system naming, split, table, plot."""

import numpy as np
import pandas as pd
import pytest

from seiflow.model.product_ablation import (
    ablation_table,
    reduced_formula,
    split_product_systems,
    system_composition,
)
from seiflow.plot.product_ablation import plot_product_ablation

TM = ["Li", "P", "S", "Cl"]


def test_system_composition_and_reduced_formula():
    assert system_composition("Li64P0S32Cl0", TM) == {"Li": 64, "S": 32}
    assert reduced_formula(system_composition("Li48P16S0Cl0", TM)) == "Li3P"
    assert reduced_formula(system_composition("Li24P4S20Cl4", TM)) == "Li6PS5Cl"
    for bad in ("Li64S32", "Li64P0S32Cl0x", "P0Li64S32Cl0"):
        with pytest.raises(ValueError):
            system_composition(bad, TM)


def test_split_product_systems(tmp_path):
    names = ["Li64P0S32Cl0", "Li32P0S0Cl32", "Li48P16S0Cl0", "Li24P4S20Cl4", "Li54P0S0Cl0",
             "Li8P0S4Cl0"]
    dirs = [str(tmp_path / n) for n in names]
    others, by = split_product_systems(dirs, TM, ["Li2S", "Li3P", "LiCl"])
    assert sorted(others) == sorted([dirs[3], dirs[4]])  # LPSC and Li metal stay
    assert by == {"Li2S": [dirs[0], dirs[5]], "Li3P": [dirs[2]], "LiCl": [dirs[1]]}


def test_ablation_table_orders_and_checks():
    r = {"energy_meV_per_atom": 1.0, "force_meV_per_A": 50.0, "n_frames": 2}
    t = ablation_table({("LiCl", "after"): r, ("LiCl", "before"): {**r, "energy_meV_per_atom": 9.0}})
    assert list(t["model"]) == ["before", "after"]
    assert list(t["energy_meV_per_atom"]) == [9.0, 1.0]
    with pytest.raises(ValueError, match="before"):
        ablation_table({("LiCl", "after"): r})


def test_plot_writes_png_and_table(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for product in ("Li2S", "LiCl"):
        for model, err in (("before", 0.05), ("after", 0.005)):
            for q in ("energy_per_atom", "force"):
                ref = rng.normal(size=6)
                rows.append(pd.DataFrame({"quantity": q, "reference": ref,
                                          "predicted": ref + rng.normal(0, err, 6),
                                          "product": product, "model": model}))
    parity = pd.concat(rows, ignore_index=True)
    r = {"energy_meV_per_atom": 1.0, "force_meV_per_A": 5.0, "n_frames": 6}
    table = ablation_table({(p, m): r for p in ("Li2S", "LiCl") for m in ("before", "after")})
    plot_product_ablation(parity, table, tmp_path / "f.png", tmp_path / "f.csv")
    assert (tmp_path / "f.png").stat().st_size > 10_000
    assert pd.read_csv(tmp_path / "f.csv").shape == (4, 5)
    with pytest.raises(ValueError, match="model"):
        plot_product_ablation(parity.drop(columns="model"), table, tmp_path / "g.png",
                              tmp_path / "g.csv")
