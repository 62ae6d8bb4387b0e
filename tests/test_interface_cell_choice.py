"""Tests for the choice of the coherent interface cell (paper 002 Table S3, issue 20):
seiflow.builders.metal_binary.rank_zsl_matches / choose_interface_cell / lattice_match_tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from seiflow.builders.metal_binary import (
    INTERFACE_CELL_CHOICES,
    InterfaceError,
    InterfaceUnavailable,
    build_interface,
    choose_interface_cell,
    interface_atom_counts,
    lattice_match_tables,
    match_pairing,
    rank_zsl_matches,
    zsl_matches,
)
from seiflow.builders.surfaces import symmetrized_bulk

# 12 % length tolerance: admits the 1 x 1 cell of a 3.0 / 3.3 A square pair (10 % strain)
TOL = {"max_length_tol": 0.12, "max_angle_tol": 0.05, "max_area_ratio_tol": 0.2}


def _square_pair():
    """Film: square 3.0 A, one atom per cell; substrate: square 3.3 A, two atoms per cell.

    Coincidence cells up to 50 A^2: 1 x 1 (10.89 A^2, 10 % strain, 1 + 2 atoms) and
    sqrt(5) x sqrt(5) of the film on 2 x 2 of the substrate (43.56 A^2, strain
    6.6 / (3 sqrt 5) - 1 = -1.61 %, 5 + 8 atoms).
    """
    film = np.array([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0]])
    sub = 1.1 * film
    film_slab = Structure(Lattice.tetragonal(3.0, 12.0), ["Li"], [[0, 0, 0.5]])
    sub_slab = Structure(Lattice.tetragonal(3.3, 12.0), ["Li", "Cl"],
                         [[0, 0, 0.5], [0.5, 0.5, 0.5]])
    return film, sub, film_slab, sub_slab


def test_smallest_area_and_lowest_mismatch_pick_different_cells():
    film, sub, fslab, sslab = _square_pair()
    matches = zsl_matches(film, sub, 50.0, **TOL)
    small = choose_interface_cell(matches, fslab, sslab, "smallest_area", None, 3)
    low = choose_interface_cell(matches, fslab, sslab, "lowest_mismatch", None, 3)
    assert small["chosen"]["area_A2"] == pytest.approx(3.3 ** 2)
    assert small["chosen"]["mismatch_percent"] == pytest.approx(10.0)
    assert small["chosen"]["n_atoms"] == 3
    strain = (6.6 / (3.0 * math.sqrt(5)) - 1) * 100
    assert low["chosen"]["area_A2"] == pytest.approx(4 * 3.3 ** 2)
    assert low["chosen"]["strain_u_percent"] == pytest.approx(strain)
    assert low["chosen"]["strain_v_percent"] == pytest.approx(strain)
    assert low["chosen"]["n_atoms"] == 5 + 8
    # the chosen cell is rank 1 and flagged in the candidates; the other rule's best is listed
    for res, other_area in ((small, 4 * 3.3 ** 2), (low, 3.3 ** 2)):
        chosen = [c for c in res["candidates"] if c["chosen"]]
        assert len(chosen) == 1 and chosen[0]["rank"] == 1
        assert chosen[0]["area_A2"] == pytest.approx(res["chosen"]["area_A2"])
        assert any(c["area_A2"] == pytest.approx(other_area) for c in res["candidates"])
        ranks = [c["rank"] for c in res["candidates"]]
        assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    # candidate rows carry both cells' vectors and the strain of each vector
    c = next(c for c in low["candidates"] if c["chosen"])
    assert c["metal_a_A"] == pytest.approx(3.0 * math.sqrt(5))
    assert c["binary_a_A"] == pytest.approx(6.6)
    assert c["metal_gamma_deg"] == pytest.approx(90.0)
    assert c["area_mismatch_percent"] == pytest.approx((43.56 / 45.0 - 1) * 100)
    # symmetry-equivalent copies are listed once
    keys = [(round(c["area_A2"], 3), round(c["mismatch_percent"], 3), round(c["metal_a_A"], 3),
             round(c["metal_b_A"], 3)) for c in small["candidates"]]
    assert len(keys) == len(set(keys))
    assert small["n_distinct"] < small["n_matches"]


def test_lowest_mismatch_grows_with_the_search_area_smallest_area_does_not():
    film, sub, fslab, sslab = _square_pair()
    for max_area in (20.0, 50.0):
        m = zsl_matches(film, sub, max_area, **TOL)
        assert choose_interface_cell(m, fslab, sslab, "smallest_area")["chosen"][
            "mismatch_percent"] == pytest.approx(10.0)
    lows = [choose_interface_cell(zsl_matches(film, sub, a, **TOL), fslab, sslab,
                                  "lowest_mismatch")["chosen"]["mismatch_percent"]
            for a in (20.0, 50.0)]
    assert lows[0] == pytest.approx(10.0) and lows[1] == pytest.approx(1.613, abs=1e-3)


def test_atom_limit_and_infeasible_bound():
    film, sub, fslab, sslab = _square_pair()
    matches = zsl_matches(film, sub, 50.0, **TOL)
    # 12 atoms exclude the 13-atom low-mismatch cell: the next one that fits is chosen
    res = choose_interface_cell(matches, fslab, sslab, "lowest_mismatch", 12, 3)
    assert res["chosen"]["n_atoms"] <= 12
    assert res["chosen"]["mismatch_percent"] == pytest.approx(10.0)
    excluded = [c for c in res["candidates"] if not c["within_max_atoms"]]
    assert excluded and all(c["n_atoms"] > 12 and not c["chosen"] for c in excluded)
    with pytest.raises(InterfaceUnavailable, match="max_interface_atoms=2"):
        choose_interface_cell(matches, fslab, sslab, "smallest_area", 2)
    with pytest.raises(InterfaceError, match="interface_cell_choice"):
        choose_interface_cell(matches, fslab, sslab, "largest_area")
    with pytest.raises(InterfaceError, match="max_interface_atoms"):
        choose_interface_cell(matches, fslab, sslab, "smallest_area", 0)
    with pytest.raises(InterfaceError, match="n_cell_candidates"):
        choose_interface_cell(matches, fslab, sslab, "smallest_area", None, 0)
    with pytest.raises(InterfaceError, match="interface_cell_choice"):
        rank_zsl_matches(matches, "rms")
    assert set(INTERFACE_CELL_CHOICES) == {"smallest_area", "lowest_mismatch"}


def test_atom_count_is_that_of_the_built_interface():
    li = symmetrized_bulk(Structure.from_spacegroup(229, Lattice.cubic(3.44), ["Li"],
                                                    [[0, 0, 0]]), "Li")
    licl = symmetrized_bulk(Structure.from_spacegroup(225, Lattice.cubic(5.13), ["Li", "Cl"],
                                                      [[0, 0, 0], [0.5, 0.5, 0.5]]), "LiCl")
    p = {"metal": "Li", "metal_miller": [1, 0, 0], "binary": "LiCl", "binary_miller": [1, 0, 0]}
    for choice in INTERFACE_CELL_CHOICES:
        mp = match_pairing(p, li, licl, 8.0, 6.0, 45.0, TOL, "max_principal",
                           cell_choice=choice, max_atoms=200, n_candidates=4)
        atoms, info = build_interface(mp["metal_slab"], mp["binary_slab"],
                                      mp["best"]["match"], 2.0)
        assert len(atoms) == mp["row"]["n_atoms"] == mp["best"]["n_atoms"]
        assert info["n_metal"] == mp["row"]["n_metal"]
        assert info["area_A2"] == pytest.approx(mp["row"]["area_A2"])
        counts = interface_atom_counts(mp["metal_slab"], mp["binary_slab"], mp["best"]["match"])
        assert counts["n_binary"] == info["n_binary"]
        assert mp["row"]["interface_cell_choice"] == choice
        (row_c,) = [c for c in mp["candidates"] if c["chosen"]]
        assert row_c["area_A2"] == pytest.approx(mp["row"]["area_A2"])
        assert row_c["mismatch_percent"] == pytest.approx(mp["row"]["mismatch_percent"])


def test_lattice_match_tables_rows_and_candidates():
    li = symmetrized_bulk(Structure.from_spacegroup(229, Lattice.cubic(3.44), ["Li"],
                                                    [[0, 0, 0]]), "Li")
    licl = symmetrized_bulk(Structure.from_spacegroup(225, Lattice.cubic(5.13), ["Li", "Cl"],
                                                      [[0, 0, 0], [0.5, 0.5, 0.5]]), "LiCl")
    bulks = {"Li": li, "LiCl": licl}
    pairs = [{"metal": "Li", "metal_miller": [1, 0, 0], "binary": "LiCl",
              "binary_miller": [1, 0, 0]}]
    settings = {"metal_thickness_A": {"Li": 8.0}, "binary_thickness_A": 6.0,
                "max_area_A2": 45.0, "zsl": TOL, "mismatch_definition": "max_principal",
                "interface_cell_choice": "smallest_area", "max_interface_atoms": 500,
                "n_cell_candidates": 3}
    out = lattice_match_tables(pairs, bulks, settings)
    (row,) = out["rows"]
    assert row["status"] == "ok" and row["n_atoms"] > 0
    # Li(100) 3.44 A on LiCl(100) 3.627 A squares: the 1 x 1 cell is the smallest
    assert row["area_A2"] == pytest.approx(5.13 ** 2 / 2)
    chosen = [c for c in out["candidates"] if c["chosen"]]
    assert len(chosen) == 1 and chosen[0]["pairing"] == row["pairing"]
    assert chosen[0]["n_atoms"] == row["n_atoms"]
    # an atom limit below the smallest cell: an unavailable row in both tables, with the reason
    small = lattice_match_tables(pairs, bulks, {**settings, "max_interface_atoms": 3})
    assert small["rows"][0]["status"] == "unavailable"
    assert "max_interface_atoms=3" in small["rows"][0]["note"]
    assert [c["status"] for c in small["candidates"]] == ["unavailable"]
    with pytest.raises(InterfaceError, match="interface_cell_choice"):
        lattice_match_tables(pairs, bulks, {**settings, "interface_cell_choice": "x"})
