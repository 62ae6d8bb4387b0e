"""Li diffusion by origin at metal | binary interfaces (paper 002 Fig. 4, Table S8):
interface-cell labels and vacancies (seiflow.model.systems) and origin_diffusion
(seiflow.analysis.interface_transport) on hand-built cells and synthetic random walks."""

import numpy as np
import pandas as pd
import pytest
from ase import Atoms

from seiflow.analysis.interface_transport import origin_diffusion
from seiflow.plot.interface_transport import plot_origin_diffusion
from seiflow.model.systems import (
    build_system,
    interface_origins,
    interface_planes_z,
    interface_region_mask,
    interface_vacancy_cell,
)

A2PS_TO_CM2S = 1e-4  # 1 Å²/ps in cm²/s
MCMC = {"n_samples": 500, "n_burn": 500}


def layered_interface(n_layers_metal=6, n_layers_binary=6, dz=2.0, a=4.0, shift=0.0):
    """Periodic two-slab cell: 2 Li per layer; metal layers (tag 1) at z = shift + k dz,
    binary layers (tag 0: Li + Cl) after them; c = (n_m + n_b) dz, so the boundaries lie at
    shift + (n_m - 0.5) dz and shift - 0.5 dz (mod c)."""
    symbols, pos, tags = [], [], []
    n = n_layers_metal + n_layers_binary
    for k in range(n):
        z = shift + k * dz
        metal = k < n_layers_metal
        for x, y, s in ([(0, 0, "Li"), (a / 2, a / 2, "Li")] if metal
                        else [(0, 0, "Li"), (a / 2, a / 2, "Cl")]):
            symbols.append(s)
            pos.append((x, y, z))
            tags.append(1 if metal else 0)
    atoms = Atoms(symbols, positions=pos, cell=[a, a, n * dz], pbc=True)
    atoms.set_tags(tags)
    atoms.wrap()
    return atoms


def test_interface_planes_and_region_by_hand():
    atoms = layered_interface(shift=1.0)  # metal z = 1..11, binary z = 13..23, c = 24
    np.testing.assert_allclose(interface_planes_z(atoms), [0.0, 12.0])
    region = interface_region_mask(atoms, 2.5)  # layers within 2.5 Å of z = 0 / 12: 4 per side
    z = atoms.positions[:, 2]
    np.testing.assert_array_equal(np.unique(z[region]), [1.0, 11.0, 13.0, 23.0])
    assert (interface_origins(atoms)[atoms.get_tags() == 1] == "metal").all()
    assert set(interface_origins(atoms)) == {"metal", "binary"}


def test_interface_checks():
    atoms = layered_interface()
    one_tag = atoms.copy()
    one_tag.set_tags(0)
    with pytest.raises(ValueError, match="metal"):
        interface_planes_z(one_tag)
    with pytest.raises(ValueError, match="positive"):
        interface_region_mask(atoms, 0.0)
    tilted = atoms.copy()
    tilted.set_cell(atoms.cell.array + [[0, 0, 0], [0, 0, 0], [1.0, 0, 0]])
    with pytest.raises(ValueError, match="along z"):
        interface_planes_z(tilted)
    with pytest.raises(ValueError, match="fraction"):
        interface_vacancy_cell(atoms, 1.5, 2.0, seed=0)


def test_interface_vacancy_cell_removes_region_li_reproducibly():
    atoms = layered_interface(n_layers_metal=20, n_layers_binary=20, shift=1.0).repeat((3, 3, 1))
    region = interface_region_mask(atoms, 2.5)
    li = np.array(atoms.get_chemical_symbols()) == "Li"
    n_region = int((region & li).sum())
    out, info = interface_vacancy_cell(atoms, 0.011, 2.5, seed=3)
    assert info["n_li_region"] == n_region
    assert info["n_vacancies"] == max(1, round(0.011 * n_region))
    assert len(out) == len(atoms) - info["n_vacancies"]
    assert all(region[i] and li[i] for i in info["removed"])
    keep = np.setdiff1d(np.arange(len(atoms)), info["removed"])
    np.testing.assert_array_equal(out.get_tags(), atoms.get_tags()[keep])  # order, tags kept
    again, info2 = interface_vacancy_cell(atoms, 0.011, 2.5, seed=3)
    assert info2["removed"] == info["removed"]


def test_build_iface_vac_and_hull_systems(tmp_path):
    import ase.io

    src = tmp_path / "iface.extxyz"
    ase.io.write(src, layered_interface(shift=1.0), format="extxyz")
    vac = {"fraction": 0.011, "region_A": 2.5}
    atoms = build_system("iface_Li_100__LiCl_100_vac", {}, {"iface_Li_100__LiCl_100_vac":
                         [2, 2, 1]}, {"iface_Li_100__LiCl_100_vac": src}, 0,
                         interface_vacancies=vac)
    assert len(atoms) == 4 * 24 - 1 and atoms.info["interface_vacancies"]["n_vacancies"] == 1
    with pytest.raises(ValueError, match="interface_vacancies"):
        build_system("iface_X_vac", {}, {}, {"iface_X_vac": src}, 0)
    hull = tmp_path / "orderings.extxyz"
    frames = []
    for k, n in enumerate((2, 3)):
        a = Atoms(f"Li{n}", positions=np.eye(3)[:n] * 2, cell=[4, 4, 4], pbc=True)
        a.info["ordering"] = f"o{k}"
        frames.append(a)
    ase.io.write(hull, frames, format="extxyz")
    got = build_system("hull_o1", {}, {"hull_o1": [1, 1, 2]}, {"hull_o1": hull}, 0)
    assert len(got) == 6
    with pytest.raises(ValueError, match="no ordering"):
        build_system("hull_o7", {}, {}, {"hull_o7": hull}, 0)


def synthetic_interface_traj(rng, n_frames=201, dt=0.1, D_metal_xy=0.05, n_metal=48,
                             n_binary=48):
    """Metal Li random walk in-plane only (D_xy known, z vibrates); binary Li vibrate."""
    n = n_metal + n_binary
    sd = np.zeros((n, 3))
    sd[:n_metal, :2] = np.sqrt(2 * D_metal_xy * dt)
    steps = rng.normal(size=(n_frames - 1, n, 3)) * sd
    start = rng.uniform(0, 20, size=(1, n, 3))
    pos = np.concatenate([start, start + np.cumsum(steps, axis=0)])
    pos += rng.normal(scale=0.1, size=pos.shape)  # vibrations
    # atom order of the cell: Cl framework first, then the Li (indices into the cell)
    indices = np.arange(10, 10 + n)
    origin = ["binary"] * 10 + ["metal"] * n_metal + ["binary"] * n_binary
    region = [False] * 10 + [k % 2 == 0 for k in range(n)]
    return {"positions": pos, "framework": np.zeros((n_frames, 0, 3)),
            "cells": np.broadcast_to(np.eye(3) * 20.0, (n_frames, 3, 3)),
            "times_ps": np.arange(n_frames) * dt, "indices": indices}, origin, region


def test_origin_diffusion_separates_metal_and_binary_li():
    rng = np.random.default_rng(11)
    traj, origin, region = synthetic_interface_traj(rng)
    t_end = float(traj["times_ps"][-1])
    table = origin_diffusion(traj, origin, region, start_fit_ps=1.0, end_fit_ps=0.6 * t_end,
                             mcmc=MCMC, max_intervals=50, min_msd_A2=1.0, seed=1)
    assert len(table) == 8 and set(table["n_li"]) == {48, 24}
    # the fit window of every row: the given start, the last interval <= the given end
    assert (table["start_fit_ps"] == 1.0).all()
    assert table["end_fit_ps"].between(0.5 * t_end, 0.6 * t_end + 1e-9).all()
    row = table.set_index(["origin", "group", "direction"])
    m = row.loc[("metal", "all", "in-plane")]
    D = 0.05 * A2PS_TO_CM2S
    assert abs(m["D_cm2_s"] - D) < 3 * m["D_std_cm2_s"] and m["D_std_cm2_s"] < 0.25 * D
    assert m["diffusive"] and m["d"] == 2
    assert row.loc[("metal", "interface region", "in-plane"), "n_li"] == 24
    for key in [("metal", "all", "out-of-plane"), ("binary", "all", "in-plane"),
                ("binary", "all", "out-of-plane")]:
        assert not row.loc[key, "diffusive"], key  # vibrations only
        assert row.loc[key, "D_cm2_s"] < 0.05 * D, key


def test_origin_diffusion_label_errors_and_empty_groups():
    rng = np.random.default_rng(12)
    traj, origin, region = synthetic_interface_traj(rng, n_frames=41, n_binary=0)
    with pytest.raises(ValueError, match="indices"):
        origin_diffusion(traj, origin[:20], region[:20], 1.0)
    with pytest.raises(ValueError, match="unknown origins"):
        origin_diffusion(traj, ["film"] * len(origin), region, 1.0)
    table = origin_diffusion(traj, origin, region, 1.0, mcmc=MCMC, max_intervals=20)
    binary = table[table["origin"] == "binary"]
    assert (binary["n_li"] == 0).all() and binary["D_cm2_s"].isna().all()
    assert binary["end_fit_ps"].isna().all()
    metal = table[table["origin"] == "metal"]  # no end given: every lag is fitted
    assert np.allclose(metal["end_fit_ps"], traj["times_ps"][-1])


def test_plot_origin_diffusion_writes_table(tmp_path):
    rows = [{"system": "iface_Li_100__LiCl_100_vac", "temperature_K": 400.0, "origin": o,
             "group": "all", "direction": d, "D_cm2_s": 1e-7, "D_ci95_lo_cm2_s": 5e-8,
             "D_ci95_hi_cm2_s": 2e-7, "diffusive": o == "metal"}
            for o in ("metal", "binary") for d in ("in-plane", "out-of-plane")]
    table = pd.DataFrame(rows)
    plot_origin_diffusion(table, tmp_path / "f.png", tmp_path / "f.csv")
    assert (tmp_path / "f.png").stat().st_size > 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "f.csv"), table)
    with pytest.raises(ValueError):
        plot_origin_diffusion(table.drop(columns="origin"), tmp_path / "g.png", tmp_path / "g.csv")
