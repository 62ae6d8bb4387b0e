"""Named model systems (seiflow.model.systems): parsing, checks, vacancy cells, sources."""

import ase.io
import numpy as np
import pytest
from ase.build import bulk

from seiflow.model.systems import (
    build_system,
    check_system_names,
    parse_system_name,
    read_source,
    system_elements,
    vacancy_cell,
)

RES = "workflow/resources/structures"
STRUCT = {"resource_dir": RES, "li_lattice_A": 3.44, "s_cl_disorder": 0.5}


@pytest.mark.parametrize("name, kind, arg", [
    ("interface", "interface", ""), ("Li2S", "phase", "Li2S"),
    ("Li6PS5Cl_ordered", "ordered", "Li6PS5Cl"), ("LiCl_vac", "vacancy", "LiCl"),
    ("glass_LiSiPS", "glass", "LiSiPS"), ("slab_LiPS", "slab", "LiPS"),
    ("iface_Li_100__LiCl_100", "iface", "Li_100__LiCl_100"),
])
def test_parse_system_name(name, kind, arg):
    assert parse_system_name(name) == (kind, arg)


@pytest.mark.parametrize("bad", ["glass_", "foo_bar"])
def test_parse_rejects_malformed_names(bad):
    with pytest.raises(ValueError):
        parse_system_name(bad)


def test_system_elements():
    assert system_elements("iface_Na_100__Na3P_001") == {"Na", "P"}
    assert system_elements("Li2O_vac") == {"Li", "O"}
    assert system_elements("glass_LiSiPS") is None


def test_check_system_names(root):
    res = root / RES
    tm = ["Li", "Na", "P", "S", "Cl", "O", "N"]
    check_system_names(["Li", "Na2S_vac", "iface_Li_100__LiCl_100"], tm,
                       {"Li": [2, 2, 2], "Na2S": [1, 1, 1]}, res)
    with pytest.raises(ValueError, match="supercells.Li2O"):
        check_system_names(["Li2O"], tm, {}, res)
    with pytest.raises(ValueError, match="Si"):
        check_system_names(["SiS2"], tm, {"SiS2": [1, 1, 1]}, res)
    with pytest.raises(ValueError, match="no .* to remove"):
        check_system_names(["SiS2_vac"], ["Si", "S"], {"SiS2": [1, 1, 1]}, res)


def test_vacancy_cell_removes_one_alkali_reproducibly():
    atoms = bulk("LiCl", "rocksalt", a=5.13, cubic=True).repeat(2)
    out, idx = vacancy_cell(atoms, seed=3)
    assert len(out) == len(atoms) - 1 and atoms[idx].symbol == "Li"
    assert out.get_chemical_symbols().count("Li") == 31
    assert out.get_chemical_symbols().count("Cl") == 32
    assert vacancy_cell(atoms, seed=3)[1] == idx
    na = bulk("NaCl", "rocksalt", a=5.64, cubic=True)
    assert na[vacancy_cell(na, 0)[1]].symbol == "Na"
    with pytest.raises(ValueError):
        vacancy_cell(bulk("Si", "diamond", a=5.43), 0)


def test_build_bulk_and_vacancy_systems(root, monkeypatch):
    monkeypatch.chdir(root)
    li3p = build_system("Li3P", STRUCT, {"Li3P": [2, 2, 1]}, {}, seed=1)
    vac = build_system("Li3P_vac", STRUCT, {"Li3P": [2, 2, 1]}, {}, seed=1)
    assert len(vac) == len(li3p) - 1
    assert np.allclose(vac.cell, li3p.cell)
    li = build_system("Li", STRUCT, {"Li": [2, 2, 2]}, {}, seed=1)
    assert len(li) == 16 and np.isclose(li.cell[0, 0], 2 * 3.44)


def test_sources_read_last_frame_and_reject_empty(tmp_path):
    frames = [bulk("Li", "bcc", a=3.44, cubic=True), bulk("Li", "bcc", a=3.50, cubic=True)]
    f = tmp_path / "slab.extxyz"
    ase.io.write(f, frames, format="extxyz")
    atoms = build_system("slab_LiPS", STRUCT, {}, {"slab_LiPS": f}, seed=0)
    assert np.isclose(atoms.cell[0, 0], 3.50)
    empty = tmp_path / "none.extxyz"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty"):
        read_source(empty)
    with pytest.raises(ValueError, match="no source"):
        build_system("glass_LiPS", STRUCT, {}, {}, seed=0)


def test_ordered_and_disordered_argyrodite(root, monkeypatch):
    """Li6PS5Cl_ordered keeps every Cl on one Wyckoff set; the default swaps half (paper 003)."""
    monkeypatch.chdir(root)
    sc = {"Li6PS5Cl": [1, 1, 1]}
    ordered = build_system("Li6PS5Cl_ordered", STRUCT, sc, {}, seed=1)
    disordered = build_system("Li6PS5Cl", STRUCT, sc, {}, seed=1)
    assert ordered.get_chemical_formula() == disordered.get_chemical_formula()
    cl = lambda a: {tuple(np.round(p, 2)) for p in a.get_scaled_positions()[  # noqa: E731
        np.array(a.get_chemical_symbols()) == "Cl"] % 1.0}
    assert cl(ordered) != cl(disordered)
