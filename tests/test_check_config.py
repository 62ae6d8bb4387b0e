"""seiflow.config.check_config: one importable function refuses every bad config by key.

Each row is a YAML overlay merged into the shipped config the way Snakemake merges a second
``--configfile`` (recursive update), and the message ``check_config`` must raise. These are
the same checks the workflow runs at parse time (common.smk calls ``check_config(config)``);
tests/test_config.py runs a few of them through ``snakemake -n`` as well.
"""

import copy

import pytest
import yaml
from snakemake.utils import update_config

from seiflow.config import check_config


def overlaid(config, overlay):
    cfg = copy.deepcopy(config)
    update_config(cfg, yaml.safe_load(overlay))
    return cfg


@pytest.mark.parametrize("scale", ["test", "demo", "paper"])
def test_shipped_config_passes(config, scale):
    cfg = copy.deepcopy(config)
    cfg["scale"] = scale
    check_config(cfg)
    # schema defaults were filled in place (e.g. the analysis block's defaults)
    assert "analysis" in cfg


CASES = [
    # schema: one line naming the key, not the schema
    ("no_such_key: 1\n", "Additional properties are not allowed ('no_such_key' was unexpected)"),
    ("scales:\n  test:\n    md:\n      temperatures_K: [40000]\n",
     "config.scales.test.md.temperatures_K[0]: 40000 is greater than the maximum of 3000"),
    ('mpi_launcher: ""\n', "config.mpi_launcher: '' should be non-empty"),
    ("resources:\n  classes:\n    md: {gpus: -1}\n",
     "config.resources.classes.md.gpus: -1 is less than the minimum of 0"),
    # cross-key checks
    ("type_map: [Li, P, S]\n", "descriptor.sel has 4 entries but type_map has 3 elements"),
    ("type_map: [Li, P, S, Xx]\n", "type_map: ['Xx'] is not an element"),
    ("study:\n  two_step:\n    model_from: glass\n",
     "study.two_step.model_from='glass': that model's type_map ['Li', 'Si', 'P', 'S'] differs"),
    ("study:\n  terminations:\n    md_interface_rank: 3\n", "md_interface_rank=3"),
    ("study:\n  glass:\n    short_range_repulsion: {zbl: true}\n",
     "study.glass: short_range_repulsion.zbl needs descriptor.type se_atten_v2"),
    ("study:\n  two_step:\n    short_range_repulsion: {zbl: false}\n",
     "set short_range_repulsion in study.symmetric_cell instead"),
    ("scales:\n  test:\n    dpgen:\n      fp_task_min: 5\n",
     "scales.test.dpgen.fp_task_min=5 exceeds fp_task_max=4"),
    ("scales:\n  test:\n    dpgen:\n      iterations: "
     "[{temps: [600], nsteps: 300, trj_freq: 500, ensemble: nvt}]\n",
     "scales.test.dpgen.iterations[0].trj_freq=500 exceeds nsteps=300"),
    ("scales:\n  test:\n    md:\n      segment_steps: 7\n",
     "scales.test.md: npt_steps must be a multiple of segment_steps"),
    ("scales:\n  test:\n    initial_data:\n      systems: [Li, Li6PS5Cl, Li3P, LiCl, interface]\n",
     "Li2S coating needs Li2S"),
    ("scales:\n  test:\n    model_by_study:\n      glass:\n        dpgen:\n"
     "          iterations: [{temps: [300], nsteps: 10, trj_freq: 5, ensemble: nvt, "
     "systems: [glass_LiPS]}]\n", "are not explored"),
    ("scales:\n  test:\n    model_by_study:\n      glass:\n        dpgen:\n"
     "          numb_models: 1\n", "merged model blocks fail the schema"),
    ("scales:\n  test:\n    model_check:\n      thermo_every: 100000\n",
     "scales.test.model_check: thermo_every must leave >= 2 thermo intervals"),
    # domain checks next to their constants
    ("glass:\n  compositions:\n    LiPS: {Li2S: 75, SiS2: 0, P2S5: 20}\n", "must sum to 100"),
    ("scales:\n  test:\n    terminations:\n      miller_indices: [[2, 0, 0]]\n", "max_index"),
    # Li | glass slab MD (was inline in glass.smk, current scale only; now every scale)
    ("scales:\n  demo:\n    glass_md:\n      fit_window_ps: 100000\n",
     "scales.demo.glass_md.fit_window_ps=100000 exceeds the run"),
    ("scales:\n  test:\n    glass_md:\n      crystallisation: {composition: LiSiPS}\n"
     "      compositions: [LiPS]\n",
     "scales.test.glass_md.crystallisation.composition='LiSiPS' is not simulated"),
    # window-averaged MSD (paper 001 Fig. 2b)
    ("scales:\n  test:\n    window_msd:\n      run: T9_p1_v1\n",
     "scales.test.window_msd.run='T9_p1_v1' is not a production run of symmetric_cell"),
    ("scales:\n  test:\n    window_msd:\n      origins_ps: [0.23]\n",
     "scales.test.window_msd: origins_ps [0.23] are not frame times"),
]


@pytest.mark.parametrize("overlay, message", CASES, ids=[m[:40] for _, m in CASES])
def test_check_config_refuses_by_key(config, overlay, message):
    cfg = overlaid(config, overlay)
    cfg["scale"] = "test"
    with pytest.raises(ValueError) as err:
        check_config(cfg)
    assert message in str(err.value)
    # one readable message, never the schema dump
    assert len(str(err.value)) < 600, str(err.value)[:600]


@pytest.mark.parametrize("damage", ["truncate", "garble"])
def test_unreadable_cif_is_refused_naming_file_and_system(config, root, tmp_path, damage):
    """A truncated CIF gave pymatgen's "Invalid CIF file with no structures!" or "zip()
    argument 2 is longer than argument 1" from a job, without the file's name."""
    import shutil

    res = tmp_path / "structures"
    shutil.copytree(root / "workflow" / "resources" / "structures", res)
    cif = res / "Li2S.cif"
    text = cif.read_text()
    if damage == "truncate":
        cif.write_text(text[: len(text) // 2])
    else:  # the atom loop cut after its header: coordinates missing
        cif.write_text(text[: text.index("_atom_site_fract_z") + len("_atom_site_fract_z")]
                       + "\n Li1 Li 0.25\n")
    cfg = copy.deepcopy(config)
    cfg["scale"] = "test"
    cfg["structures"]["resource_dir"] = str(res)
    with pytest.raises(ValueError) as err:
        check_config(cfg)
    msg = str(err.value)
    assert f"{cif}: not a readable CIF" in msg and "system 'Li2S'" in msg, msg


def test_too_close_atoms_name_the_structure():
    from ase import Atoms

    from seiflow.builders.cells import StructureValidationError, validate_structure

    atoms = Atoms("Li2", positions=[[0, 0, 0], [0.5, 0, 0]], cell=[10, 10, 10], pbc=True)
    with pytest.raises(StructureValidationError,
                       match=r"^Li2S.vasp \(frame 3\): atoms 0 \(Li\) and 1 \(Li\) are 0.500"):
        validate_structure(atoms, name="Li2S.vasp (frame 3)")


def test_vasp_oracle_needs_its_potcars(config, tmp_path):
    cfg = copy.deepcopy(config)
    cfg.update(scale="test", oracle="vasp")
    with pytest.raises(ValueError, match=r"oracle=vasp: set dft.vasp.pp_path"):
        check_config(copy.deepcopy(cfg))
    cfg["dft"]["vasp"]["pp_path"] = str(tmp_path)
    with pytest.raises(ValueError, match="potpaw_PBE does not exist"):
        check_config(copy.deepcopy(cfg))
    from seiflow.oracle.dft import potcar_symbols

    symbols = {s for tm in ([config["type_map"]] + [b["type_map"] for b in
               config["study"].values() if "type_map" in b]) for s in potcar_symbols(tm, "001")}
    for sym in sorted(symbols)[1:]:  # the first one left out
        (tmp_path / "potpaw_PBE" / sym).mkdir(parents=True)
        (tmp_path / "potpaw_PBE" / sym / "POTCAR").write_text("PAW\n")
    with pytest.raises(ValueError, match=rf"lacks \['{tmp_path}/potpaw_PBE/{sorted(symbols)[0]}/POTCAR'\]"):
        check_config(copy.deepcopy(cfg))
    first = sorted(symbols)[0]
    (tmp_path / "potpaw_PBE" / first).mkdir()
    (tmp_path / "potpaw_PBE" / first / "POTCAR").write_text("PAW\n")
    check_config(cfg)


def test_cp2k_oracle_needs_its_data_files(config, tmp_path):
    cfg = copy.deepcopy(config)
    cfg.update(scale="test", oracle="cp2k")
    cfg["dft"]["cp2k"]["data_dir"] = str(tmp_path / "nowhere")
    with pytest.raises(ValueError, match=r"oracle=cp2k \(\(global\) type_map\): .*nowhere"):
        check_config(cfg)


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    from seiflow.config.checks import check_yaml_syntax

    good = tmp_path / "good.yaml"
    good.write_text("a: 1\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("scales:\n  test:\n    md: {temperatures_K: [300\n")
    check_yaml_syntax([good])
    with pytest.raises(ValueError, match=rf"^{bad}, line 4, column 1: .* \(YAML syntax\)$"):
        check_yaml_syntax([good, bad])
