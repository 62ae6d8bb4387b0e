"""Generators of DP-GEN param.json / machine.json, checked with DP-GEN's own schema."""

import pytest

from seiflow.model.dpgen_inputs import (
    check_dpgen_inputs,
    deepmd_training_input,
    make_machine,
    make_param,
)

SYSTEMS = ["interface", "Li6PS5Cl", "Li"]


@pytest.mark.parametrize("scale", ["test", "demo", "paper"])
def test_param_and_machine_pass_dpgen_schema(config, scale):
    block = config["scales"][scale]
    param = make_param(config["type_map"], SYSTEMS, [[f"{s}.vasp"] for s in SYSTEMS],
                       block["dpgen"], config["descriptor"], seed=7)
    machine = make_machine("/tmp/remote", "chgnet", "/tmp/scripts", mpi_ranks=2)
    check_dpgen_inputs(param, machine)
    assert param["numb_models"] == block["dpgen"]["numb_models"]
    assert param["fp_style"] == "custom"
    assert param["fp_params"]["output_fmt"] == "extxyz"
    assert param["fp_params"]["input_fmt"] == "vasp/poscar"
    assert param["train_backend"] == "pytorch"
    lo, hi = block["dpgen"]["trust_level_force_eV_A"]
    assert (param["model_devi_f_trust_lo"], param["model_devi_f_trust_hi"]) == (lo, hi)
    assert len(param["model_devi_jobs"]) == len(block["dpgen"]["iterations"])
    for job, it in zip(param["model_devi_jobs"], block["dpgen"]["iterations"]):
        assert job["temps"] == [float(t) for t in it["temps"]]
        assert job["sys_idx"] == [0, 1, 2]
    if scale != "test":
        assert param["numb_models"] == 4


def test_machine_pins_threads_and_separate_remote_roots():
    m = make_machine("/work/run1/remote", "sevennet", "/x/scripts", mpi_ranks=2)
    roots = {m[k]["machine"]["remote_root"] for k in ("train", "model_devi", "fp")}
    assert len(roots) == 3 and all(r.startswith("/work/run1/remote/") for r in roots)
    for stage in ("train", "model_devi", "fp"):
        envs = m[stage]["resources"]["envs"]
        assert envs["OMP_NUM_THREADS"] == "1"
        assert envs["DP_INTRA_OP_PARALLELISM_THREADS"] == "1"
        assert envs["DP_INTER_OP_PARALLELISM_THREADS"] == "1"
        assert m[stage]["machine"]["context_type"] == "LocalContext"
        assert m[stage]["machine"]["batch_type"] == "Shell"
    assert m["model_devi"]["command"] == "mpirun -n 2 lmp"
    assert "--oracle sevennet" in m["fp"]["command"]
    assert m["fp"]["resources"]["envs"]["PYTHONPATH"] == "/x/scripts"


def test_machine_rejects_relative_remote_root():
    with pytest.raises(ValueError, match="absolute"):
        make_machine("remote", "chgnet", "/x")


def test_schema_check_rejects_bad_param(config):
    block = config["scales"]["test"]
    param = make_param(config["type_map"], SYSTEMS, [["a.vasp"]], block["dpgen"],
                       config["descriptor"], seed=1)
    param["model_devi_f_trust_lo"] = "high"
    with pytest.raises(ValueError, match="param.json"):
        check_dpgen_inputs(param, make_machine("/r", "chgnet", "/x"))


def test_trust_levels_and_models_validated(config):
    block = dict(config["scales"]["test"]["dpgen"])
    with pytest.raises(ValueError, match="trust"):
        make_param(config["type_map"], SYSTEMS, [["a"]], {**block,
                   "trust_level_force_eV_A": [0.5, 0.1]}, config["descriptor"], seed=1)
    with pytest.raises(ValueError, match="numb_models"):
        make_param(config["type_map"], SYSTEMS, [["a"]], {**block, "numb_models": 1},
                   config["descriptor"], seed=1)


def test_training_input_sel_must_match_types(config):
    with pytest.raises(ValueError, match="sel"):
        deepmd_training_input(["Li", "P"], config["descriptor"], [8], 4, [16], 10, 1)
    t = deepmd_training_input(config["type_map"], config["descriptor"], [8], 4, [16], 100, 3,
                              stop_lr=1e-5, training_systems=["a"], validation_systems=["b"])
    assert t["learning_rate"]["stop_lr"] == 1e-5
    assert t["training"]["validation_data"]["systems"] == ["b"]
    assert t["model"]["descriptor"]["rcut"] == config["descriptor"]["rcut_A"]


def test_iterations_explore_named_systems_at_their_pressures(config):
    """An iteration's ``systems`` picks the DP-GEN sys_idx (e.g. NPT on bulk glasses only,
    NVT on the Li|glass slab); ``pressures_bar`` sets its NPT pressures (paper 001: 1/5/10 GPa);
    naming an unexplored system is an error."""
    dp = dict(config["scales"]["test"]["dpgen"])
    names = ["glass_LiPS", "slab_LiPS", "Li2S"]
    dp["iterations"] = [
        {"temps": [300], "nsteps": 10, "trj_freq": 5, "ensemble": "nvt"},
        {"temps": [900], "nsteps": 10, "trj_freq": 5, "ensemble": "npt",
         "systems": ["Li2S", "glass_LiPS"], "pressures_bar": [1.0, 1.0e4]},
    ]
    param = make_param(config["type_map"], SYSTEMS, [[f"{n}.vasp"] for n in names], dp,
                       config["descriptor"], seed=1, system_names=names)
    jobs = param["model_devi_jobs"]
    assert jobs[0]["sys_idx"] == [0, 1, 2] and jobs[0]["press"] == [1.0]
    assert jobs[1]["sys_idx"] == [2, 0] and jobs[1]["press"] == [1.0, 1.0e4]
    check_dpgen_inputs(param, make_machine("/r", "chgnet", "/x"))
    dp["iterations"][1]["systems"] = ["interface"]
    with pytest.raises(ValueError, match="interface"):
        make_param(config["type_map"], SYSTEMS, [["a"]] * 3, dp, config["descriptor"], seed=1,
                   system_names=names)
    with pytest.raises(ValueError, match="system_names"):
        make_param(config["type_map"], SYSTEMS, [["a"]] * 3, dp, config["descriptor"], seed=1)


def test_slurm_stage_jobs_get_the_path_of_the_dpgen_env():
    """dpdispatcher's Slurm scripts start `bash -l`, whose profile resets PATH: the stage jobs
    export the PATH of the env that wrote machine.json, so dp / lmp are found (issue 17)."""
    from seiflow.model.dpgen_inputs import make_machine

    slurm = {"batch_type": "Slurm", "source_list": [], "stages": {}}
    m = make_machine("/abs/remote", "chgnet", "/abs/scripts", dispatcher=slurm,
                     job_path="/envs/dpgen/bin:/usr/bin")
    for stage in ("train", "model_devi", "fp"):
        assert m[stage]["resources"]["envs"]["PATH"] == "/envs/dpgen/bin:/usr/bin"
        assert m[stage]["resources"]["envs"]["OMP_NUM_THREADS"] == "1"
    shell = make_machine("/abs/remote", "chgnet", "/abs/scripts", job_path="/x/bin")
    assert all("PATH" not in shell[s]["resources"]["envs"] for s in ("train", "model_devi", "fp"))
