"""Exploding-model check: thermo parsing, conserved-energy drift and the verdict."""

import numpy as np
import pandas as pd
import pytest

from ase.build import bulk

from seiflow.model.stability import (
    FINAL_DUMP,
    THERMO_COLUMNS,
    close_contacts,
    conserved_energy_drift,
    parse_stability_thermo,
    stability_input,
    stability_verdict,
)


def _log(rows):
    head = "   Step          Time           Temp          PotEng         KinEng         TotEng" \
           "       Econserve       Atoms   \n"
    body = "".join(" ".join(f"{v:g}" for v in r) + "\n" for r in rows)
    return ("LAMMPS (2 Aug 2023)\nrun 100\n" + head + body
            + "Loop time of 1.0 on 1 procs for 100 steps with 10 atoms\n")


def _thermo(slope_eV_ps, n_atoms=100, n=11, noise=0.0, atoms_end=None):
    t = np.linspace(0.0, 1.0, n)
    e = -500.0 + slope_eV_ps * t + noise * np.sin(37 * t)
    atoms = np.full(n, n_atoms)
    if atoms_end is not None:
        atoms[-1] = atoms_end
    return pd.DataFrame({"step": np.arange(n) * 100, "time": t, "temp": 400.0, "pe": e - 5,
                         "ke": 5.0, "etotal": e, "econserve": e, "atoms": atoms})


def test_input_has_nvt_econserve_and_lost_atom_guard():
    text = stability_input("cell.lmp", "m.pth", ["Li", "P", "S", "Cl"], 400.0, 0.001, 1000, 7,
                           50)
    assert "fix nvt all nvt temp 400.0 400.0 0.1" in text
    assert "thermo_style custom " + " ".join(THERMO_COLUMNS) in text
    assert "thermo_modify lost error" in text and "run 1000" in text
    assert "pair_coeff * * Li P S Cl" in text
    assert text.rstrip().endswith(f"write_dump all custom {FINAL_DUMP} id type x y z modify sort id")
    with pytest.raises(ValueError):
        stability_input("c", "m", ["Li"], 400.0, 0.001, 10, 1, 20)


def test_parse_thermo_block():
    rows = [[0, 0.0, 400, -10.0, 1.0, -9.0, -9.0, 10], [100, 0.1, 410, -10.1, 1.1, -9.0, -8.99, 10]]
    df = parse_stability_thermo(_log(rows))
    assert list(df.columns) == list(THERMO_COLUMNS) and len(df) == 2
    assert df["econserve"].iloc[1] == pytest.approx(-8.99)
    with pytest.raises(ValueError, match="no thermo block"):
        parse_stability_thermo("nothing here\n")


def test_drift_is_the_fitted_slope_per_atom():
    d = conserved_energy_drift(_thermo(slope_eV_ps=0.5, n_atoms=100, noise=0.01))
    assert d["drift_meV_atom_ps"] == pytest.approx(5.0, rel=0.05)  # 0.5 eV/ps / 100 atoms
    assert d["max_deviation_meV_atom"] == pytest.approx(5.0, rel=0.1)
    assert d["finite"] and d["n_atoms_start"] == d["n_atoms_end"] == 100
    flat = conserved_energy_drift(_thermo(0.0))
    assert flat["drift_meV_atom_ps"] == pytest.approx(0.0, abs=1e-9)


def test_verdict_flags_drift_lost_atoms_and_nan():
    ok, reason = stability_verdict(conserved_energy_drift(_thermo(0.05)), 1.0)
    assert ok and reason == "stable"
    ok, reason = stability_verdict(conserved_energy_drift(_thermo(-5.0)), 1.0)
    assert not ok and "drift -50" in reason
    ok, reason = stability_verdict(conserved_energy_drift(_thermo(0.0, atoms_end=98)), 1.0)
    assert not ok and "lost atoms: 100 -> 98" in reason
    bad = _thermo(0.0)
    bad.loc[5, "econserve"] = np.nan
    ok, reason = stability_verdict(conserved_energy_drift(bad), 1.0)
    assert not ok and "non-finite" in reason


def li2s():
    return bulk("Li2S", "fluorite", a=5.71, cubic=True) * (2, 2, 2)


def test_close_contacts_of_a_crystal_and_a_collapsed_pair():
    at = li2s()
    c = close_contacts(at, 0.5)
    assert c["n_close_pairs"] == 0 and c["close_pairs_by_element"] == {}
    assert c["min_pair_distance_A"] == pytest.approx(5.71 * np.sqrt(3) / 4, rel=1e-6)  # Li-S
    s = [k for k, x in enumerate(at.get_chemical_symbols()) if x == "S"]
    v = at.get_distance(s[0], s[1], mic=True, vector=True)
    at.positions[s[1]] = at.positions[s[0]] + 0.5 * v / np.linalg.norm(v)  # S-S at 0.5 Å
    c = close_contacts(at, 0.5)
    assert c["min_pair_distance_A"] == pytest.approx(0.5, abs=1e-6)
    assert c["close_pairs_by_element"]["S-S"] == [1, pytest.approx(0.5, abs=1e-6)]
    # the moved S also sits near Li (0.5 x (1.28 + 1.05) = 1.165 Å)?  count is what it is:
    assert c["n_close_pairs"] == sum(n for n, _ in c["close_pairs_by_element"].values())
    with pytest.raises(ValueError):
        close_contacts(at, 0.0)


def test_verdict_fails_or_flags_a_collapse():
    drift = conserved_energy_drift(_thermo(0.0))
    contacts = {"n_close_pairs": 3, "min_contact_fraction": 0.5,
                "close_pairs_by_element": {"S-S": [3, 0.49]}}
    ok, reason = stability_verdict(drift, 1.0, contacts, "fail")
    assert not ok and "3 collapsed atom pairs" in reason and "S-S x3 (shortest 0.49 A)" in reason
    ok, reason = stability_verdict(drift, 1.0, contacts, "flag")
    assert ok and reason.startswith("FLAGGED: 3 collapsed")
    ok, reason = stability_verdict(conserved_energy_drift(_thermo(-5.0)), 1.0, contacts, "flag")
    assert not ok and "drift" in reason and "also: 3 collapsed" in reason
    ok, reason = stability_verdict(drift, 1.0, {**contacts, "n_close_pairs": 0}, "fail")
    assert ok and reason == "stable"
    with pytest.raises(ValueError, match="on_collapse"):
        stability_verdict(drift, 1.0, contacts, "ignore")
