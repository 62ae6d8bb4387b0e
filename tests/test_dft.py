"""DFT oracles: one CP2K frame labelled identically by DP-GEN and ASE; VASP inputs per paper."""

import glob
import os
import shutil
import subprocess
import time

import ase.io
import dpdata
import numpy as np
import pytest
from ase.build import bulk
from ase.stress import voigt_6_to_full_3x3_stress
from pymatgen.io.vasp.inputs import Incar, Poscar

from seiflow.builders.bulk import bulk_atoms, lpsc_cell
from seiflow.oracle.dft import (
    VASP_SETTINGS_BY_PAPER,
    CP2KSettings,
    check_cp2k_installation,
    cp2k_calculator,
    cp2k_fp_command,
    cp2k_fp_param,
    potcar_symbols,
    validate_vasp_inputs,
    vasp_fp_param,
    write_dpgen_incar,
    write_vasp_inputs,
)
from seiflow.model.dpgen_inputs import check_dpgen_inputs, make_machine, make_param
from seiflow.oracle.calculators import OracleError

TYPE_MAP = ["Li", "P", "S", "Cl"]
HAS_CP2K = all(shutil.which(b) for b in ("cp2k.psmp", "cp2k_shell.psmp"))
needs_cp2k = pytest.mark.skipif(not HAS_CP2K, reason="CP2K (cp2k.psmp, cp2k_shell.psmp) absent")
WALL = {}  # CP2K wall times (s), printed by the last CP2K test


def li2(rattled: bool):
    """2-atom cubic bcc Li (a = 3.44 Å); rattled: atom 1 moved off its inversion centre."""
    atoms = bulk("Li", "bcc", a=3.44, cubic=True)
    if rattled:
        atoms.positions[1] += [0.12, -0.05, 0.08]
    return atoms


# --------------------------------------------------------------------------- CP2K, real runs
@pytest.fixture(scope="module")
def dpgen_label(tmp_path_factory):
    """Rattled frame through DP-GEN's own fp stage: make_fp_cp2k -> cp2k.psmp -> post_fp."""
    from dpgen.generator.post_fp import post_fp_dpdata
    from dpgen.generator.run import make_fp_cp2k

    root = tmp_path_factory.mktemp("dpgen_cp2k")
    task = root / "iter.000000" / "02.fp" / "task.000.000000"
    task.mkdir(parents=True)
    ase.io.write(task / "POSCAR", li2(rattled=True), format="vasp")
    jdata = {"type_map": TYPE_MAP, **cp2k_fp_param(CP2KSettings(), TYPE_MAP)}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)  # DP-GEN works on paths relative to the run folder
        make_fp_cp2k(0, jdata)
        t0 = time.perf_counter()
        with open(task / "output", "w") as out:
            subprocess.run(cp2k_fp_command(1), shell=True, cwd=task, stdout=out, check=True,
                           env={**os.environ, "OMP_NUM_THREADS": "1"})
        WALL["dpgen route, rattled Li2"] = time.perf_counter() - t0
        post_fp_dpdata("iter.000000/02.fp", jdata)
    (data,) = glob.glob(str(root / "iter.000000/02.fp/data.000/*/"))
    return task, dpdata.LabeledSystem(data, fmt="deepmd/npy")


@pytest.fixture(scope="module")
def ase_labels(tmp_path_factory):
    """Same rattled frame, then the symmetric one, through ASE's CP2K shell."""
    calc = cp2k_calculator(CP2KSettings(), directory=tmp_path_factory.mktemp("ase_cp2k"))
    out = {}
    try:
        for name, rattled in (("rattled", True), ("symmetric", False)):
            atoms = li2(rattled)
            atoms.calc = calc
            t0 = time.perf_counter()
            out[name] = (atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress(),
                         atoms.get_volume())
            WALL[f"ase route, {name} Li2"] = time.perf_counter() - t0
    finally:
        calc.close()
    return out


@needs_cp2k
def test_dpgen_task_input_has_the_settings_physics(dpgen_label):
    task, _ = dpgen_label
    text = (task / "input.inp").read_text()
    for line in ("CUTOFF 400", "REL_CUTOFF 50", "METHOD FERMI_DIRAC", "ELECTRONIC_TEMPERATURE 300",
                 "ADDED_MOS 20", "METHOD BROYDEN_MIXING", "&XC_FUNCTIONAL PBE", "&KIND Cl",
                 "BASIS_SET DZVP-MOLOPT-SR-GTH", "POTENTIAL GTH-PBE", "EPS_DEFAULT 1.0E-12"):
        assert line in text, line
    assert str(CP2KSettings().resolved_data_dir / "BASIS_MOLOPT") in text  # absolute path
    assert "&OT" not in text  # metals: diagonalisation, not orbital transformation
    assert "SCF run converged" in (task / "output").read_text()


@needs_cp2k
def test_dpgen_and_ase_routes_agree(dpgen_label, ase_labels):
    _, system = dpgen_label
    e_ase, f_ase, stress_ase, volume = ase_labels["rattled"]
    assert system.get_atom_names()[:1] == ["Li"] and system.get_natoms() == 2
    e_dp, f_dp = system["energies"][0], system["forces"][0]
    assert -420.0 < e_dp / 2 < -190.0  # GTH-q3 Li: about -205 eV/atom (all 3 electrons)
    assert abs(e_dp - e_ase) / 2 < 1e-3  # eV/atom
    np.testing.assert_allclose(f_dp, f_ase, atol=1e-3)  # eV/Å
    virial_ase = -volume * voigt_6_to_full_3x3_stress(stress_ase)  # eV
    np.testing.assert_allclose(system["virials"][0], virial_ase, atol=5e-3)
    print(f"dE = {abs(e_dp - e_ase) / 2:.1e} eV/atom, max dF = {np.abs(f_dp - f_ase).max():.1e} "
          f"eV/Å, max dW = {np.abs(system['virials'][0] - virial_ase).max():.1e} eV, "
          f"|sum F| = {np.abs(f_dp.sum(axis=0)).max():.1e}, max |F| = {np.abs(f_dp).max():.2f}")
    # rattled: real forces that balance (periodic cell, GPW egg-box error only)
    assert np.abs(f_dp).max() > 0.05
    assert np.abs(f_dp.sum(axis=0)).max() < 5e-3


@needs_cp2k
def test_symmetric_atom_has_no_force(ase_labels):
    _, f_sym, stress, _ = ase_labels["symmetric"]
    _, f_rat, _, _ = ase_labels["rattled"]
    print(f"symmetric frame: max |F| = {np.abs(f_sym).max():.1e} eV/Å")
    assert np.abs(f_sym).max() < 1e-4  # both atoms sit on inversion centres
    assert np.abs(f_rat).max() > 100 * np.abs(f_sym).max()
    assert np.allclose(stress[:3], stress[0], atol=1e-6)  # cubic: isotropic diagonal stress
    print("CP2K wall times (s):", {k: round(v, 1) for k, v in WALL.items()})


# --------------------------------------------------------------------------- CP2K, set-up
@needs_cp2k
def test_installation_check_passes_for_the_studies():
    check_cp2k_installation(CP2KSettings(), TYPE_MAP + ["Si", "Na"], ("cp2k.psmp",))


def test_installation_check_catches_missing_pieces(tmp_path):
    with pytest.raises(OracleError, match="binary 'cp2k.nope'"):
        check_cp2k_installation(CP2KSettings(), TYPE_MAP, ("cp2k.nope",))
    with pytest.raises(OracleError, match="data folder"):
        check_cp2k_installation(CP2KSettings(data_dir=str(tmp_path / "none")), TYPE_MAP, ())
    if not HAS_CP2K:
        pytest.skip("CP2K data files absent")
    with pytest.raises(OracleError, match="no basis 'DZVP-MOLOPT-SR-GTH' for element 'La'"):
        check_cp2k_installation(CP2KSettings(), ["Li", "La"], ())
    with pytest.raises(OracleError, match="q3 but potential"):  # Li basis q3, potential q1
        check_cp2k_installation(CP2KSettings(pseudopotential="GTH-PADE-q1"), ["Li"], ())
    (tmp_path / "BASIS_MOLOPT").write_text(" Li DZVP-MOLOPT-SR-GTH DZVP-MOLOPT-SR-GTH-q3\n")
    with pytest.raises(OracleError, match="potential file"):
        check_cp2k_installation(CP2KSettings(data_dir=str(tmp_path)), ["Li"], ())


def test_settings_from_config_and_commands():
    s = CP2KSettings.from_config({"cutoff_Ry": 500, "smearing_K": 1000.0})
    assert (s.cutoff_Ry, s.smearing_K, s.xc) == (500, 1000.0, "PBE")
    with pytest.raises(ValueError, match="cutof_Ry"):
        CP2KSettings.from_config({"cutof_Ry": 500})
    with pytest.raises(ValueError, match="added_mos"):
        CP2KSettings(added_mos=0)
    assert cp2k_fp_command(1) == "cp2k.psmp -i input.inp"
    assert cp2k_fp_command(4, launcher="srun") == "srun -n 4 cp2k.psmp -i input.inp"
    with pytest.raises(ValueError, match="mpi_ranks"):
        cp2k_fp_command(0)
    p = cp2k_fp_param(CP2KSettings(data_dir="/opt/cp2k/data"), TYPE_MAP)
    dft = p["user_fp_params"]["FORCE_EVAL"]["DFT"]
    assert dft["BASIS_SET_FILE_NAME"] == "/opt/cp2k/data/BASIS_MOLOPT"
    assert p["user_fp_params"]["FORCE_EVAL"]["SUBSYS"]["KIND"]["_"] == TYPE_MAP
    assert dft["SCF"]["SMEAR"]["ELECTRONIC_TEMPERATURE"] == 300.0


# --------------------------------------------------------------------------- VASP inputs
def interface_like(gap=2.0):
    """Li6PS5Cl cell with a lattice-matched bcc Li block on top, ``gap`` Å apart (unsorted)."""
    lpsc = lpsc_cell("ordered")
    li = bulk("Li", "bcc", a=lpsc.cell[0, 0] / 3, cubic=True).repeat((3, 3, 2))
    li.positions += [0.0, 0.0, lpsc.cell[2, 2] + gap]
    atoms = lpsc + li
    atoms.cell[2, 2] = lpsc.cell[2, 2] + li.cell[2, 2] + 2 * gap
    return atoms


@pytest.mark.parametrize("paper", sorted(VASP_SETTINGS_BY_PAPER))
def test_vasp_inputs_per_paper(tmp_path, paper):
    for name, atoms in (("Li2S", bulk_atoms("Li2S")), ("interface", interface_like())):
        d = write_vasp_inputs(atoms, tmp_path / name, paper)
        validate_vasp_inputs(d, paper)
        assert not (d / "POTCAR").exists()
        species = Poscar.from_file(d / "POSCAR").site_symbols
        spec = (d / "POTCAR.spec").read_text().split()
        assert [s.split("_")[0] for s in spec] == species
        assert len(Poscar.from_file(d / "POSCAR").structure) == len(atoms)
    assert species == ["Li", "P", "S", "Cl"]  # sorted by electronegativity, Li block merged
    incar = Incar.from_file(d / "INCAR")
    assert incar["NSW"] == 0 and incar["ISIF"] == 2
    s = VASP_SETTINGS_BY_PAPER[paper]
    assert incar["GGA"].upper() == {"PBE": "PE", "PBESOL": "PS"}[s["xc"].upper()]
    assert (d / "KPOINTS").exists() == s["gamma_only"]


def test_paper_values():
    p = VASP_SETTINGS_BY_PAPER
    assert p["000"]["xc"] == "PBEsol" and p["000"]["incar"]["ENCUT"] == 500.0
    assert p["000"]["incar"]["KSPACING"] == 0.5
    assert {k: p[k]["xc"] for k in ("001", "002", "003")} == dict.fromkeys(("001", "002", "003"),
                                                                             "PBE")
    assert p["003"]["incar"]["ENCUT"] == 400.0 and p["003"]["gamma_only"]
    assert potcar_symbols(TYPE_MAP, "001")[0] == "Li_sv"  # 1s2 2s1: 3 valence electrons
    assert potcar_symbols(TYPE_MAP, "003") == ["Li", "P", "S", "Cl"]  # Li(s1)


def test_paper_001_kspacing_gives_its_meshes(tmp_path):
    from dpgen.auto_test.lib.vasp import make_kspacing_kpoints

    ks = VASP_SETTINGS_BY_PAPER["001"]["incar"]["KSPACING"]
    for atoms, mesh in ((bulk("Li", "bcc", a=3.42, cubic=True).repeat(3), "3 3 3"),
                        (lpsc_cell("ordered"), "4 4 4")):
        ase.io.write(tmp_path / "POSCAR", atoms, format="vasp")
        assert make_kspacing_kpoints(str(tmp_path / "POSCAR"), ks, True).split("\n")[3] == mesh


@pytest.mark.parametrize("tag, value, match", [("ENCUT", 450.0, "ENCUT"), ("GGA", "PS", "GGA"),
                                               ("NSW", 50, "NSW"), ("ISIF", 0, "ISIF")])
def test_tampered_incar_rejected(tmp_path, tag, value, match):
    d = write_vasp_inputs(bulk_atoms("Li2S"), tmp_path, "003")
    incar = Incar.from_file(d / "INCAR")
    incar[tag] = value
    incar.write_file(d / "INCAR")
    with pytest.raises(ValueError, match=match):
        validate_vasp_inputs(d, "003")


def test_wrong_files_rejected(tmp_path):
    d = write_vasp_inputs(bulk_atoms("Li2S"), tmp_path / "a", "003")
    (d / "POTCAR.spec").write_text("S\nLi\n")  # not POSCAR order
    with pytest.raises(ValueError, match="POTCAR.spec"):
        validate_vasp_inputs(d, "003")
    (d / "POTCAR.spec").write_text("Li_sv\nS\n")  # paper 003 uses Li (s1)
    with pytest.raises(ValueError, match="POTCAR.spec"):
        validate_vasp_inputs(d, "003")
    (d / "KPOINTS").unlink()
    with pytest.raises(ValueError, match="missing"):
        validate_vasp_inputs(d, "003")
    d = write_vasp_inputs(bulk_atoms("Li2S"), tmp_path / "b", "000")
    with pytest.raises(ValueError, match="GGA"):  # PBEsol inputs are not paper 001's PBE
        validate_vasp_inputs(d, "001")
    shutil.copy(tmp_path / "a" / "INCAR", d / "KPOINTS")  # any KPOINTS overrides KSPACING
    with pytest.raises(ValueError, match="KPOINTS"):
        validate_vasp_inputs(d, "000")
    with pytest.raises(ValueError, match="unknown paper"):
        validate_vasp_inputs(d, "042")


# --------------------------------------------------------------------------- DP-GEN schema
@pytest.fixture()
def base_param(config):
    block = config["scales"]["test"]["dpgen"]
    param = make_param(TYPE_MAP, ["Li"], [["Li.vasp"]], block, config["descriptor"], seed=1)
    for key in ("fp_style", "fp_params"):
        param.pop(key)
    return param


def test_dpgen_schema_accepts_fp_fragments(tmp_path, base_param):
    machine = make_machine("/r", "chgnet", "/x")
    check_dpgen_inputs({**base_param, **cp2k_fp_param(CP2KSettings(), TYPE_MAP)}, machine)
    for paper in VASP_SETTINGS_BY_PAPER:
        incar = write_dpgen_incar(TYPE_MAP, paper, tmp_path / f"INCAR.{paper}")
        text = incar.read_text()
        assert "KSPACING" in text and "KGAMMA" in text and "MAGMOM" not in text
        frag = vasp_fp_param(TYPE_MAP, paper, incar, "/opt/vasp/potpaw_PBE.64")
        assert len(frag["fp_pp_files"]) == len(TYPE_MAP)
        check_dpgen_inputs({**base_param, **frag}, machine)
    assert frag["fp_pp_files"] == ["Li_sv/POTCAR", "P/POTCAR", "S/POTCAR", "Cl/POTCAR"]


def test_dpgen_schema_rejects_broken_fragments(base_param):
    machine = make_machine("/r", "chgnet", "/x")
    vasp = vasp_fp_param(TYPE_MAP, "003", "INCAR", "/pp")
    vasp.pop("fp_pp_files")
    with pytest.raises(ValueError, match="param.json"):
        check_dpgen_inputs({**base_param, **vasp}, machine)
    cp2k = {**cp2k_fp_param(CP2KSettings(), TYPE_MAP), "user_fp_params": "PBE"}
    with pytest.raises(ValueError, match="param.json"):
        check_dpgen_inputs({**base_param, **cp2k}, machine)
