"""DP-ZBL short-range repulsion: the LAMMPS-written ZBL table and the DeePMD-kit inputs."""

import json

import numpy as np
import pytest

from seiflow.model.dpgen_inputs import deepmd_training_input, make_param, short_range_settings
from seiflow.model.zbl import dpzbl_model_keys, pair_columns, write_zbl_table, zbl_pair_table

TYPES = ["Li", "P", "S", "Cl"]
ZBL = {"zbl": True, "sw_rmin_A": 1.0, "sw_rmax_A": 1.6, "smin_alpha_A": 0.1}


def zbl_textbook(z1, z2, r):
    """Ziegler-Biersack-Littmark universal potential (eV, Å), for the cross-check only."""
    a = 0.46850 / (z1**0.23 + z2**0.23)
    x = r / a
    phi = (0.18175 * np.exp(-3.19980 * x) + 0.50986 * np.exp(-0.94229 * x)
           + 0.28022 * np.exp(-0.40290 * x) + 0.02817 * np.exp(-0.20162 * x))
    return 14.399645 * z1 * z2 / r * phi


def test_pair_columns_follow_deepmd_order():
    assert pair_columns(["A", "B", "C"]) == [("A", "A"), ("A", "B"), ("A", "C"), ("B", "B"),
                                             ("B", "C"), ("C", "C")]


@pytest.fixture(scope="module")
def table():
    return zbl_pair_table(TYPES, r_min_A=0.1, r_max_A=6.0, n_points=600)


def test_lammps_table_is_the_zbl_potential(table):
    r = table[:, 0]
    assert r[0] == pytest.approx(0.1) and r[-1] == pytest.approx(6.0)
    inner = r < 2.0  # below pair_style zbl's inner cutoff: bare ZBL + LAMMPS's constant shift
    for col, (a, b) in enumerate(pair_columns(TYPES), start=1):
        z1, z2 = ({"Li": 3, "P": 15, "S": 16, "Cl": 17}[e] for e in (a, b))
        shift = table[inner, col] - zbl_textbook(z1, z2, r[inner])
        assert np.ptp(shift) < 1e-3 * table[inner, col].max()  # same forces
        assert -2.0 < shift.mean() < 0.0  # the switching shift that brings E(outer) to 0
        assert np.all(np.diff(table[:, col]) <= 1e-12)  # repulsive, monotonic
        assert table[r >= 2.5, col] == pytest.approx(0.0, abs=1e-12)  # switched off at outer


def test_table_file_loads_in_deepmd(tmp_path):
    from deepmd.utils.pair_tab import PairTab

    path = write_zbl_table(tmp_path / "zbl.table", TYPES, n_points=300)
    tab = PairTab(str(path), rcut=6.0)
    assert tab.ntypes == 4


def test_dpzbl_training_input_and_dpgen_param(tmp_path):
    desc = {"type": "se_atten_v2", "rcut_A": 6.0, "rcut_smth_A": 0.5, "sel": [64, 16, 48, 16],
            "tebd_dim": 8}
    sr = short_range_settings(ZBL, str(tmp_path / "zbl" / "zbl.table"), tmp_path / "model")
    assert sr["table"] == "../zbl/zbl.table"
    cfg = deepmd_training_input(TYPES, desc, [8], 4, [16], 100, 3, short_range=sr)
    m = cfg["model"]
    assert m["descriptor"]["type"] == "se_atten_v2" and m["descriptor"]["sel"] == 144
    assert m["descriptor"]["attn_layer"] == 0
    assert {k: m[k] for k in ("use_srtab", "sw_rmin", "sw_rmax", "smin_alpha")} == \
        {"use_srtab": "../zbl/zbl.table", "sw_rmin": 1.0, "sw_rmax": 1.6, "smin_alpha": 0.1}
    with pytest.raises(ValueError, match="mixed-type"):
        deepmd_training_input(TYPES, {**desc, "type": "se_e2_a"}, [8], 4, [16], 100, 3,
                              short_range=sr)
    assert short_range_settings({**ZBL, "zbl": False}, None, tmp_path) is None
    with pytest.raises(ValueError, match="no ZBL table"):
        short_range_settings(ZBL, None, tmp_path)
    dpgen = {"trust_level_force_eV_A": [0.1, 0.3], "numb_models": 2, "iterations": [
        {"temps": [300], "nsteps": 10, "trj_freq": 5, "ensemble": "nvt"}],
        "neuron_descriptor": [8], "axis_neuron": 4, "neuron_fitting": [16],
        "training_steps": 10, "stop_lr": 1e-5, "timestep_ps": 0.001, "ratio_failed": 0.5,
        "fp_task_max": 5, "fp_task_min": 1}
    param = make_param(TYPES, ["a"], [["a.vasp"]], dpgen, desc, 1,
                       short_range=short_range_settings(ZBL, str(tmp_path / "zbl" / "zbl.table"),
                                                        tmp_path / "dpgen"))
    assert param["srtab_file_path"] == "../zbl/zbl.table"
    assert param["default_training_param"]["model"]["use_srtab"] == "zbl.table"  # DP-GEN copies it
    json.dumps(param)
    with pytest.raises(ValueError):
        dpzbl_model_keys("t", 1.6, 1.0, 0.1)
