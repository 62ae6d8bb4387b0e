"""Config validation: the JSON schema and the cross-key checks fail before any job starts."""

import copy
import subprocess

import pytest
from snakemake.utils import validate

SCHEMA = "config/schema.yaml"


def test_shipped_config_is_valid(config, root):
    validate(config, str(root / SCHEMA))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda c: c.update(scale="huge"), "huge"),
        (lambda c: c.update(oracle="mace"), "mace"),
        (lambda c: c["scales"]["test"]["md"].update(temperatures_K=[]), "temperatures_K"),
        (lambda c: c["scales"]["test"]["dpgen"].update(numb_models=1), "numb_models"),
        (lambda c: c["structures"].update(s_cl_disorder=1.5), "s_cl_disorder"),
        (lambda c: c["scales"]["demo"]["md"].pop("timestep_fs"), "timestep_fs"),
        # issue 7 stages: unknown phase, Miller (0,0,0), negative density
        (lambda c: c["scales"]["demo"]["bulk"]["phases"].append("Unobtainium"), "Unobtainium"),
        (lambda c: c["scales"]["test"]["decomposition"].update(miller_indices=[[0, 0, 0]]),
         "miller_indices"),
        (lambda c: c["glass"]["density_g_cm3"].update(LiPS=-1.9), "-1.9"),
        (lambda c: c.update(studies=["symmetric_cell", "no_such_study"]), "no_such_study"),
        (lambda c: c["scales"]["test"]["md"]["md_by_study"]["symmetric_cell"]["variants"].update(
            bad={"lpsc_repeats": [1, 1]}), "too short|\\[1, 1\\]"),
        (lambda c: c["analysis"]["structure"].update(cn_pairs=[["S", "Li", "P"]]), "too long|S"),
        (lambda c: c["study"]["terminations"].update(md_interface_state="half"), "half"),
        # issue 19: a production temperature no model or cell survives
        (lambda c: c["scales"]["test"]["md"].update(temperatures_K=[40000]), "40000"),
        (lambda c: c["scales"]["test"]["bulk_md"]["series"]["lpsc"].update(
            temperatures_K=[600, 9000]), "9000"),
    ],
)
def test_schema_rejects_bad_values(config, root, mutate, message):
    bad = copy.deepcopy(config)
    mutate(bad)
    with pytest.raises(Exception, match=message):
        validate(bad, str(root / SCHEMA))


def test_dry_run_rejects_inconsistent_config_before_any_job(root, tmp_path):
    """A semantic error (sel length vs type_map) stops snakemake at parse time."""
    res = subprocess.run(
        ["snakemake", "-n", "--config", "scale=test", "type_map=[Li,P,S]"],
        cwd=root, capture_output=True, text=True,
    )
    assert res.returncode != 0
    assert "descriptor.sel" in res.stdout + res.stderr


@pytest.mark.parametrize(
    "override, message",
    [
        ("glass:\n  compositions:\n    LiPS: {Li2S: 75, SiS2: 0, P2S5: 20}\n", "must sum to 100"),
        ("scales:\n  test:\n    terminations:\n      miller_indices: [[2, 0, 0]]\n", "max_index"),
        ("scales:\n  test:\n    initial_data:\n      systems: [Li, Li6PS5Cl, Li3P, LiCl, interface]\n",
         "Li2S coating needs Li2S"),
        ("study:\n  terminations:\n    md_interface_rank: 3\n", "md_interface_rank=3"),
        # per-study models (issue 3): an element outside the study's type map, an unknown
        # phase, an iteration exploring a system that is not explored, a merged block that
        # fails the schema
        ("scales:\n  test:\n    model_by_study:\n      glass:\n        initial_data:\n"
         "          systems: [Li, LiCl, glass_LiSiPS, slab_LiSiPS]\n"
         "          supercells: {Li: [2, 2, 2], LiCl: [1, 1, 1]}\n",
         "outside the model's type_map"),
        ("scales:\n  test:\n    model_by_study:\n      decomposition_interfaces:\n"
         "        initial_data:\n          systems: [Li, Unobtainium, Li3P, LiCl_vac, iface_Li_100__LiCl_100]\n",
         "Unobtainium.cif"),
        ("scales:\n  test:\n    model_by_study:\n      glass:\n        dpgen:\n"
         "          iterations: [{temps: [300], nsteps: 10, trj_freq: 5, ensemble: nvt, "
         "systems: [glass_LiPS]}]\n", "are not explored"),
        ("scales:\n  test:\n    model_by_study:\n      glass:\n        dpgen:\n"
         "          numb_models: 1\n", "merged model blocks fail the schema"),
        # DP-ZBL per model study: the glass model with ZBL but the global se_e2_a descriptor
        ("study:\n  glass:\n    short_range_repulsion: {zbl: true}\n",
         "study.glass: short_range_repulsion.zbl needs descriptor.type se_atten_v2"),
        # an override on a study that borrows its model would be silently ignored
        ("study:\n  two_step:\n    short_range_repulsion: {zbl: false}\n",
         "set short_range_repulsion in study.symmetric_cell instead"),
        # issue 19: inputs that used to pass and fail (or waste) a job later
        ("type_map: [Li, P, S, Xx]\n", "type_map: ['Xx'] is not an element"),
        ("study:\n  two_step:\n    model_from: glass\n",
         "study.two_step.model_from='glass': that model's type_map ['Li', 'Si', 'P', 'S'] differs"),
        # config/resources.yaml (issue 17): every malformed job size is refused by name
        ('mpi_launcher: ""\n', "On instance['mpi_launcher']"),
        ("resources:\n  classes:\n    md: {mpi_ranks_from: gpu}\n",
         "'gpu' is not one of ['md', 'bulk_md', 'glass_md', 'dft', 'dft_reference']"),
        ("resources:\n  classes:\n    md: {gpus: -1}\n", "-1 is less than the minimum of 0"),
        ("resources:\n  classes:\n    tiny: {threads: 1}\n", "'mem_mb' is a required property"),
        ("resources:\n  rules:\n    fig_alpha: heavy\n",
         "resources.rules.fig_alpha: unknown class 'heavy'"),
        ("resources:\n  rules:\n    no_such_rule: light\n",
         "resources.rules names rules the workflow does not have: ['no_such_rule']"),
        ("resources:\n  classes:\n    tiny: {mem_mb: {test: 500}, runtime_min: 10}\n"
         "  rules:\n    fig_alpha: tiny\n",
         "resources.rules.fig_alpha.mem_mb: no value for scale 'demo'"),
        ("scales:\n  test:\n    dpgen:\n      fp_task_min: 5\n",
         "scales.test.dpgen.fp_task_min=5 exceeds fp_task_max=4"),
        ("scales:\n  test:\n    dpgen:\n      iterations: "
         "[{temps: [600], nsteps: 300, trj_freq: 500, ensemble: nvt}]\n",
         "scales.test.dpgen.iterations[0].trj_freq=500 exceeds nsteps=300"),
    ],
)
def test_dry_run_rejects_bad_stage_config_before_any_job(root, tmp_path, override, message):
    """Cross-key errors of the structure stages (glass mol % not summing to 100, a Miller
    index above max_index) stop snakemake while it parses the workflow: no job runs."""
    extra = tmp_path / "bad.yaml"
    extra.write_text(override)
    res = subprocess.run(
        ["snakemake", "-n", "--configfile", "config/config.yaml", str(extra),
         "--config", "scale=test"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    assert res.returncode != 0
    out = res.stdout + res.stderr
    assert message in out and "Job stats" not in out, out[-2000:]


@pytest.mark.parametrize("scale", ["test", "demo", "paper"])
def test_dry_run_resolves_every_scale(root, scale):
    res = subprocess.run(["snakemake", "-n", "--config", f"scale={scale}"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    out = res.stdout + res.stderr
    assert "production_md" in out or "Nothing to be done" in out


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda c: c.update(type_map=["Li", "P", "S", "Xx"]), r"type_map: \['Xx'\] is not"),
        (lambda c: c["study"]["glass"].update(type_map=["Li", "Si", "Pp", "S"]),
         r"study.glass.type_map: \['Pp'\]"),
        (lambda c: c["study"]["terminations"].update(model_from="decomposition_interfaces"),
         "study.terminations.model_from='decomposition_interfaces'"),
    ],
)
def test_type_map_checks(config, mutate, message):
    """seiflow.config.checks, called by common.smk at parse time (fast, no snakemake)."""
    from seiflow.config.checks import check_model_from_type_maps, check_type_maps

    check_type_maps(config)
    check_model_from_type_maps(config)
    bad = copy.deepcopy(config)
    mutate(bad)
    with pytest.raises(ValueError, match=message):
        check_type_maps(bad)
        check_model_from_type_maps(bad)


def test_dpgen_block_checks(config):
    from seiflow.config.checks import check_dpgen_block

    dpgen = config["scales"]["test"]["dpgen"]
    check_dpgen_block(dpgen, "scales.test.dpgen")
    with pytest.raises(ValueError, match="fp_task_min=9 exceeds fp_task_max=4"):
        check_dpgen_block({**dpgen, "fp_task_min": 9}, "x")
    it = {**dpgen["iterations"][0], "trj_freq": dpgen["iterations"][0]["nsteps"] + 1}
    with pytest.raises(ValueError, match=r"x.iterations\[0\].trj_freq"):
        check_dpgen_block({**dpgen, "iterations": [it]}, "x")
    # trj_freq == nsteps still dumps two frames (0 and nsteps): allowed
    ok = {**dpgen["iterations"][0], "trj_freq": dpgen["iterations"][0]["nsteps"]}
    check_dpgen_block({**dpgen, "iterations": [ok]}, "x")
