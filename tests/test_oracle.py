"""The embedded oracle labels a real cell offline, and rejects unphysical frames."""

import ase.io
import dpdata
import numpy as np
import pytest
from ase.build import bulk

from seiflow.oracle.calculators import OracleError, get_calculator, label_frames, label_poscar_to_extxyz


@pytest.fixture(scope="module")
def chgnet():
    return get_calculator("chgnet")


def test_chgnet_labels_bcc_li_and_dpgen_reads_it(tmp_path, chgnet):
    atoms = bulk("Li", "bcc", a=3.44, cubic=True).repeat(2)
    atoms.rattle(0.05, seed=3)
    ase.io.write(tmp_path / "input.poscar", atoms, format="vasp")
    label_poscar_to_extxyz(tmp_path / "input.poscar", tmp_path / "output.extxyz", "chgnet")
    system = dpdata.LabeledSystem(str(tmp_path / "output.extxyz"), fmt="extxyz")
    assert len(system) == 1 and system.get_natoms() == 16
    e_per_atom = system["energies"][0] / 16
    assert -2.5 < e_per_atom < -1.0  # CHGNet (MP-GGA) bcc Li is about -1.9 eV/atom
    f = system["forces"][0]
    assert np.abs(f.sum(axis=0)).max() < 1e-3  # forces of a periodic cell sum to zero
    assert "virials" in system.data


def test_overlapping_atoms_rejected(tmp_path, chgnet):
    atoms = bulk("Li", "bcc", a=3.44, cubic=True).repeat(2)
    atoms.positions[1] = atoms.positions[0] + [0.9, 0.0, 0.0]  # CHGNet: ~157 eV/Å
    with pytest.raises(OracleError, match="exceeds"):
        label_frames([atoms], chgnet, max_abs_force=50.0)
    # DP-GEN candidates are labelled whatever their forces (the oracle is the reference)
    ase.io.write(tmp_path / "input.poscar", atoms, format="vasp")
    label_poscar_to_extxyz(tmp_path / "input.poscar", tmp_path / "output.extxyz", "chgnet")
    system = dpdata.LabeledSystem(str(tmp_path / "output.extxyz"), fmt="extxyz")
    assert np.abs(system["forces"]).max() > 50.0


def test_unknown_oracle_and_dft_without_settings():
    with pytest.raises(OracleError, match="unknown oracle"):
        get_calculator("castep")
    with pytest.raises(OracleError, match="needs the 'dft' config block"):
        get_calculator("vasp")


def test_dft_oracles_from_config(config, tmp_path):
    """cp2k and vasp calculators carry the configured physics (no DFT run here)."""
    import shutil

    vasp = get_calculator("vasp", dft=config["dft"], directory=tmp_path / "vasp")
    assert vasp.parameters["xc"] == "pbe" and vasp.parameters["encut"] == 520.0
    assert vasp.parameters["setups"]["Li"] == "_sv"  # paper 001: Li_sv
    if shutil.which("cp2k_shell.psmp") is None:
        pytest.skip("CP2K not installed")
    cp2k = get_calculator("cp2k", dft=config["dft"], directory=tmp_path / "cp2k")
    assert "DZVP-MOLOPT-SR-GTH" in cp2k.parameters["basis_set"]
    assert "mpirun.openmpi" in cp2k.command and "-n 2" in cp2k.command
    assert "ELECTRONIC_TEMPERATURE" in cp2k.parameters["inp"]


def test_oracle_id_names_the_physics():
    """Restart records compare these strings: every oracle and DFT setting differs."""
    from seiflow.oracle.calculators import OracleError, oracle_id

    dft = {"cp2k": {"xc": "PBE", "cutoff_Ry": 400}, "vasp": {"paper": "001"}}
    ids = {oracle_id("chgnet"), oracle_id("sevennet"), oracle_id("cp2k", dft),
           oracle_id("cp2k", {**dft, "cp2k": {"xc": "PBE", "cutoff_Ry": 600}}),
           oracle_id("vasp", dft)}
    assert len(ids) == 5
    with pytest.raises(OracleError, match="dft"):
        oracle_id("cp2k")
    with pytest.raises(OracleError, match="unknown"):
        oracle_id("mace")
