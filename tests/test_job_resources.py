"""Job sizes from config/resources.yaml (seiflow.config.job_resources) and the GPU guard
(seiflow.device): what the local scheduler and the Slurm plugin are given."""

import copy

import pytest
import yaml

from seiflow.device import require_gpus
from seiflow.config.job_resources import (
    check_resource_table,
    job_size,
    mpi_command,
    rule_class,
)

TABLE = {
    "classes": {
        "light": {"threads": 1, "mem_mb": {"test": 1000, "paper": 4000}, "runtime_min": 30},
        "train": {"threads": {"test": 1, "paper": 8}, "gpus": 1, "mem_mb": 3000,
                  "runtime_min": {"test": 60, "paper": 4320}},
        "md": {"threads": 1, "gpus": 1, "mpi_ranks_from": "md", "mem_mb": 3000,
               "runtime_min": 60},
        "oracle": {"threads": "oracle_threads", "mpi_ranks_from": "dft", "mem_mb": 3000,
                   "runtime_min": 60},
        "driver": {"threads": 16, "dispatcher_threads": 1, "mem_mb": 3000, "runtime_min": 60},
    },
    "rules": {"fig": "light", "train_model": "train", "production_md": "md",
              "glass_md": {"class": "md", "mpi_ranks_from": "glass_md"},
              "initial_data": "oracle", "dpgen_run": "driver",
              "oracle_benchmark": {"class": "oracle", "mpi_ranks_from": "dft_reference"}},
}


def _config(**over):
    cfg = {
        "scale": "test", "oracle": "chgnet", "oracle_threads": 2, "deepmd_device": "cpu",
        "mpi_launcher": "mpirun", "dispatcher": {"batch_type": "Shell"},
        "dft": {"mpi_ranks": 32, "mpi_launcher": "srun"},
        "scales": {"test": {"md": {"mpi_ranks": 1}, "glass_md": {"mpi_ranks": 4}},
                   "paper": {"md": {"mpi_ranks": 2}, "glass_md": {"mpi_ranks": 4}}},
    }
    cfg.update(over)
    return cfg


def test_cpu_rule_per_scale_values_and_memory_growing_with_attempt():
    size = job_size(TABLE, "fig", _config())
    res = size.resources()
    assert size.threads == 1 and res["runtime"] == 30 and res["cpus_per_task"] == 1
    assert [res["mem_mb"](None, a) for a in (1, 2, 3)] == [1000, 2000, 3000]
    assert res["gpu"] == 0 and "tasks" not in res and "mpi" not in res
    assert job_size(TABLE, "fig", _config(scale="paper")).resources()["mem_mb"](None, 1) == 4000


def test_gpus_only_in_gpu_mode():
    assert job_size(TABLE, "train_model", _config()).resources()["gpu"] == 0
    gpu = job_size(TABLE, "train_model", _config(scale="paper", deepmd_device="gpu"))
    res = gpu.resources()
    assert res["gpu"] == 1 and res["cpus_per_task"] == 8 and res["runtime"] == 4320
    assert gpu.threads == 8 and "tasks_per_gpu" not in res  # one process: no task geometry


def test_mpi_job_gets_tasks_launcher_and_one_core_per_rank():
    # glass_md: 4 ranks from scales.<scale>.glass_md; on GPUs the task geometry is explicit
    size = job_size(TABLE, "glass_md", _config(deepmd_device="gpu",
                                               mpi_launcher="srun --mpi=pmix"))
    res = size.resources()
    assert size.threads == 4 and res["cpus_per_task"] == 1
    assert res["tasks"] == 4 and res["mpi"] == "srun --mpi=pmix"
    assert res["gpu"] == 1 and res["tasks_per_gpu"] == 4
    # one rank: not an MPI job (the plugin refuses mpi with tasks=1)
    res1 = job_size(TABLE, "production_md", _config()).resources()
    assert "mpi" not in res1 and "tasks" not in res1
    res2 = job_size(TABLE, "production_md", _config(scale="paper")).resources()
    assert res2["tasks"] == 2 and res2["mpi"] == "mpirun" and "tasks_per_gpu" not in res2


def test_dft_ranks_only_for_a_dft_oracle_and_always_for_the_reference():
    ml = job_size(TABLE, "initial_data", _config())
    assert ml.mpi_ranks == 1 and ml.threads == 2  # oracle_threads
    dft = job_size(TABLE, "initial_data", _config(oracle="cp2k"))
    assert dft.mpi_ranks == 32 and dft.resources()["mpi"] == "srun"
    assert job_size(TABLE, "oracle_benchmark", _config()).mpi_ranks == 32


def test_dpgen_driver_holds_one_core_when_dpgen_submits_its_own_jobs():
    assert job_size(TABLE, "dpgen_run", _config()).threads == 16  # Shell: tasks run inside
    slurm = _config(dispatcher={"batch_type": "Slurm"})
    assert job_size(TABLE, "dpgen_run", slurm).threads == 1


def test_errors_name_the_rule_and_key():
    with pytest.raises(ValueError, match="rule 'nope' has no entry in resources.rules"):
        job_size(TABLE, "nope", _config())
    bad = copy.deepcopy(TABLE)
    bad["rules"]["fig"] = "heavy"
    with pytest.raises(ValueError, match="resources.rules.fig: unknown class 'heavy'"):
        rule_class(bad, "fig")
    with pytest.raises(ValueError, match=r"resources.rules.fig.mem_mb: no value for scale 'demo'"):
        job_size(TABLE, "fig", _config(scale="demo"))
    with pytest.raises(ValueError, match=r"rules without an entry .*\['extra_rule'\]"):
        check_resource_table(TABLE, list(TABLE["rules"]) + ["extra_rule"], ["test"])
    with pytest.raises(ValueError, match=r"does not have: \['fig'\]"):
        check_resource_table(TABLE, [r for r in TABLE["rules"] if r != "fig"], ["test"])


def test_shipped_table_resolves_every_rule_at_every_scale(root):
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text())
    table = yaml.safe_load((root / "config" / "resources.yaml").read_text())["resources"]
    check_resource_table(table, list(table["rules"]), list(cfg["scales"]))
    cluster = yaml.safe_load((root / "profiles" / "slurm" / "cluster.yaml").read_text())
    gpu_cfg = {**cfg, **{k: v for k, v in cluster.items() if k not in ("dft", "dispatcher")},
               "dispatcher": cluster["dispatcher"], "scale": "paper"}
    gpu_rules = {r for r in table["rules"] if job_size(table, r, gpu_cfg).gpus}
    # every DeePMD-kit / LAMMPS rule that runs a model asks for a GPU on the cluster
    assert {"train_model", "compress_model", "test_model", "production_md", "bulk_md",
            "glass_md", "model_stability", "li_melting", "product_ablation"} <= gpu_rules
    assert not gpu_rules & {"initial_data", "dpgen_run", "sei_analysis", "fig_alpha"}


def test_mpi_command():
    assert mpi_command("lmp", 1, None) == ["lmp"]
    assert mpi_command("lmp", 2, "srun --mpi=pmi2") == ["srun", "--mpi=pmi2", "-n", "2", "lmp"]
    assert mpi_command(["cp2k.psmp", "-i", "x"], 4, "mpirun") == [
        "mpirun", "-n", "4", "cp2k.psmp", "-i", "x"]
    with pytest.raises(ValueError, match="need a launcher"):
        mpi_command("lmp", 2, None)
    with pytest.raises(ValueError, match=">= 1"):
        mpi_command("lmp", 0, "mpirun")


def _report(n):
    return {"torch": "2.12.0", "torch_cuda": "12.9", "cuda_available": n > 0,
            "device_count": n, "devices": ["NVIDIA H100"] * n,
            "CUDA_VISIBLE_DEVICES": "", "nvidia_smi": "nvidia-smi not found"}


def test_gpu_guard_fails_loudly_without_a_gpu(capsys):
    assert require_gpus(0) == {}  # CPU jobs: no check, torch not even imported
    with pytest.raises(RuntimeError, match=r"asked for 1 GPU\(s\).*sees 0.*CUDA build: 12.9"):
        require_gpus(1, _report(0))
    assert require_gpus(1, _report(1))["devices"] == ["NVIDIA H100"]
    assert "NVIDIA H100" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="asked for 2"):
        require_gpus(2, _report(1))


def test_gpu_guard_on_this_machine():
    """A real check: this machine has no GPU, so asking for one must fail here."""
    from seiflow.device import gpu_report

    report = gpu_report()
    if report["device_count"]:
        pytest.skip("a GPU is visible on this machine")
    with pytest.raises(RuntimeError, match="would run on the CPU"):
        require_gpus(1)
