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
        # the schema and check_config (every other case: tests/test_check_config.py, fast)
        ('mpi_launcher: ""\n', "config.mpi_launcher: '' should be non-empty"),
        ("glass:\n  compositions:\n    LiPS: {Li2S: 75, SiS2: 0, P2S5: 20}\n", "must sum to 100"),
        ("scales:\n  test:\n    dpgen:\n      fp_task_min: 5\n",
         "scales.test.dpgen.fp_task_min=5 exceeds fp_task_max=4"),
        # checks that need the workflow's rules (Snakefile: check_resource_table)
        ("resources:\n  classes:\n    tiny: {mem_mb: {test: 500}, runtime_min: 10}\n"
         "  rules:\n    fig_alpha: tiny\n",
         "resources.rules.fig_alpha.mem_mb: no value for scale 'demo'"),
        ("resources:\n  rules:\n    fig_alpha: heavy\n",
         "resources.rules.fig_alpha: unknown class 'heavy'"),
        ("resources:\n  rules:\n    no_such_rule: light\n",
         "resources.rules names rules the workflow does not have: ['no_such_rule']"),
    ],
)
def test_dry_run_rejects_bad_stage_config_before_any_job(root, tmp_path, override, message):
    """A bad config stops snakemake while it parses the workflow (check_config in common.smk,
    check_resource_table in the Snakefile): no job runs, the message names the key."""
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
