"""Per-rule conda envs, the pip lock they must agree with, and the cluster profiles."""

import re
import subprocess
import sys

import pytest
import yaml

# name[extras] ==version (pip) or =version[=build] (conda; the build string selects e.g. the
# CUDA variant of the GPU envs)
PIN = re.compile(
    r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(==|=)\s*([0-9][^\s=#]*)(=[^\s#]+)?\s*$"
)


def _lock(root, name="requirements.lock"):
    out = {}
    for line in (root / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, ver = line.split("==")
            out[name.strip().lower().replace("_", "-")] = ver.strip()
    return out


def _env_pins(env):
    """(name, version, source) of every dependency; raises on an unpinned one."""
    pins = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep["pip"]:
                m = PIN.match(pip_dep)
                assert m and m.group(3) == "==", f"unpinned pip dependency {pip_dep!r}"
                pins.append((m.group(1), m.group(4), "pip"))
        elif dep == "pip":
            continue
        else:
            m = PIN.match(dep)
            assert m and m.group(3) == "=", f"unpinned conda dependency {dep!r}"
            pins.append((m.group(1), m.group(4), "conda"))
    return pins


def _env_files(root):
    files = sorted((root / "envs").glob("*.yaml"))
    assert files
    return files


def test_every_env_parses_is_conda_forge_and_pinned(root):
    for f in _env_files(root):
        env = yaml.safe_load(f.read_text())
        assert env["channels"] == ["conda-forge"], f.name
        pins = _env_pins(env)
        assert ("python", "3.11", "conda") in pins, f"{f.name}: python=3.11 expected"


# Environments whose pip lock is not requirements.lock (DADApy pins numpy<2: its own venv).
SEPARATE_LOCKS = {"dadapy.yaml": "requirements-dadapy.lock"}


def _release(name, ver):
    """Version as the release it names: LAMMPS is 2025.07.22 on conda-forge and
    2025.7.22.<build> on PyPI, the same stable release of 22 July 2025."""
    if name == "lammps":
        return ".".join(str(int(x)) for x in ver.split(".")[:3])
    return ver


def test_envs_agree_with_pip_lock(root):
    checked = 0
    for f in _env_files(root):
        lock = _lock(root, SEPARATE_LOCKS.get(f.name, "requirements.lock"))
        for name, ver, _ in _env_pins(yaml.safe_load(f.read_text())):
            key = name.lower().replace("_", "-")
            if key in lock:
                assert _release(key, lock[key]) == _release(key, ver), (
                    f"{f.name}: {name}={ver} but its pip lock has {lock[key]}")
                checked += 1
    assert checked > 20  # numpy, ase, pymatgen, torch, deepmd-kit, ... are shared


GPU_STACK = ("pytorch", "deepmd-kit", "lammps")


def test_gpu_envs_are_one_conda_forge_cuda_stack(root):
    """No mixed CUDA majors (issue 17): the GPU envs take PyTorch, DeePMD-kit and LAMMPS from
    conda-forge, all CUDA builds of the one cuda-version, and nothing CUDA-related from pip."""
    for name in ("deepmd-lammps-gpu.yaml", "dpgen-gpu.yaml"):
        env = yaml.safe_load((root / "envs" / name).read_text())
        conda = {d.split("=")[0]: d for d in env["dependencies"] if isinstance(d, str)}
        pip = [p for d in env["dependencies"] if isinstance(d, dict) for p in d["pip"]]
        cuda = conda["cuda-version"].split("=")[1]
        tag = "cuda" + cuda.replace(".", "")
        for pkg in GPU_STACK:
            build = conda[pkg].split("=")[2]
            assert build.startswith(tag), f"{name}: {pkg} build {build} is not {tag}"
        for p in pip:
            assert not re.match(r"(torch|deepmd-kit|lammps|nvidia-|cuda-)", p), f"{name}: {p}"
        assert "ovito" not in conda


def test_ovito_python_module_comes_from_pypi(root):
    """conda-forge's ovito is the desktop application without the Python module."""
    for f in _env_files(root):
        env = yaml.safe_load(f.read_text())
        conda = [d for d in env["dependencies"] if isinstance(d, str)]
        assert not any(d.startswith("ovito") for d in conda), f.name
    pip = [p for d in yaml.safe_load((root / "envs" / "analysis.yaml").read_text())[
        "dependencies"] if isinstance(d, dict) for p in d["pip"]]
    assert "ovito==3.17.2" in pip


def test_rule_families_have_envs(root):
    names = {f.stem for f in _env_files(root)}
    assert {"structures", "oracle", "dpgen-cpu", "dpgen-gpu", "deepmd-lammps-cpu",
            "deepmd-lammps-gpu", "analysis", "figures"} <= names


def _rule_blocks(root):
    for smk in sorted((root / "workflow" / "rules").rglob("*.smk")):
        text = smk.read_text()
        for m in re.finditer(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)*)", text, re.M):
            yield smk, m.group(1), m.group(2)


def test_every_rule_has_conda_log_threads_resources(root):
    common = (root / "workflow" / "rules" / "common.smk").read_text()
    n = 0
    for smk, rule, body in _rule_blocks(root):
        for key in ("conda:", "log:", "threads:", "resources:"):
            assert f"    {key}" in body, f"{smk}: rule {rule} has no {key}"
        env = re.search(r"conda:\n\s+(.+)", body).group(1).strip()
        if env not in ("DEEPMD_ENV", "DPGEN_ENV"):
            path = (smk.parent / env.strip('"')).resolve()  # relative to the rule's file
            assert path.is_file(), f"{smk}: rule {rule} names missing env {env}"
        else:  # common.smk's f-string, also relative to the file of the rule using it
            stem = re.search(rf'^{env} = f"(.+?)-{{config', common, re.M).group(1)
            for device in ("cpu", "gpu"):
                path = (smk.parent / f"{stem}-{device}.yaml").resolve()
                assert path.is_file(), f"{smk}: rule {rule}: {env} -> missing {path}"
        n += 1
    assert n >= 15


def test_deepmd_env_switch_names_existing_files(root, config):
    for device in ("cpu", "gpu"):
        assert (root / "envs" / f"deepmd-lammps-{device}.yaml").is_file()
    assert config["deepmd_device"] == "cpu"  # local default; profiles/slurm switches to gpu


def test_slurm_profile_requests(root):
    """Job sizes come from config/resources.yaml only: the profile sets none per rule (so no
    rule can be forgotten) and no cpus_per_task default that would override threads."""
    prof = yaml.safe_load((root / "profiles" / "slurm" / "config.yaml").read_text())
    assert prof["executor"] == "slurm"
    assert prof["retries"] >= 1
    assert "set-resources" not in prof
    assert "cpus_per_task" not in prof["default-resources"]
    assert "attempt" in str(prof["default-resources"]["mem_mb"])
    for key in ("slurm_account", "slurm_partition"):  # left to the user, documented
        assert key not in prof["default-resources"]
    assert prof["configfile"][:2] == ["config/config.yaml", "config/resources.yaml"]
    cluster = yaml.safe_load((root / "profiles" / "slurm" / "cluster.yaml").read_text())
    assert cluster["deepmd_device"] == "gpu"
    assert cluster["mpi_launcher"].startswith("srun")
    assert cluster["dispatcher"]["batch_type"] == "Slurm"
    stages = cluster["dispatcher"]["stages"]
    assert stages["train"]["gpu_per_node"] >= 1 and stages["model_devi"]["gpu_per_node"] >= 1
    assert stages["fp"]["gpu_per_node"] == 0  # DFT labelling on CPU nodes


def test_slurm_machine_file_from_profile_passes_dpgen_schema(root, config):
    """The cluster profile's dispatcher block gives a machine.json DP-GEN accepts: Slurm jobs,
    GPUs for train / model_devi, CPUs for fp, the DFT command of the cluster."""
    from seiflow.model.dpgen_inputs import check_dpgen_inputs, make_machine, make_param

    cluster = yaml.safe_load((root / "profiles" / "slurm" / "cluster.yaml").read_text())
    block = config["scales"]["paper"]
    param = make_param(config["type_map"], ["Li"], [["Li.vasp"]], block["dpgen"],
                       config["descriptor"], seed=1)
    dft = {**config["dft"], **cluster["dft"]}
    machine = make_machine("/scratch/run/remote", "vasp", "/x/scripts",
                           dispatcher=cluster["dispatcher"], dft=dft)
    check_dpgen_inputs(param, machine)
    for stage in ("train", "model_devi", "fp"):
        assert machine[stage]["machine"]["batch_type"] == "Slurm"
        assert machine[stage]["resources"]["queue_name"]
    assert machine["train"]["resources"]["gpu_per_node"] == 1
    assert machine["fp"]["resources"]["gpu_per_node"] == 0
    assert machine["fp"]["command"] == "srun vasp_std"


def _job_resources(stdout):
    """rule name -> resources line of each job printed by a dry run with -p."""
    out = {}
    for block in stdout.split("\nrule ")[1:]:
        name = block.split(":", 1)[0].strip()
        m = re.search(r"resources: (.*)", block)
        if m:
            out.setdefault(name, m.group(1))
    return out


def test_paper_scale_dry_run_with_slurm_profile(root):
    """Paper scale resolves, lists every study's figures, and GPU rules ask for GPUs.

    (The DAG time is measured by bench/dag_time.sh, not asserted here.)"""
    res = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--config", "scale=paper",
         "--workflow-profile", "profiles/slurm", "--sdm", "env-modules"],
        cwd=root, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout + res.stderr
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text())
    index = yaml.safe_load((root / "workflow" / "figure_index.yaml").read_text())
    for study in cfg["studies"]:
        for fig_id, entry in index["studies"].get(study, {}).items():
            for o in entry["outputs"]:
                assert f"results/paper/{study}/{o}" in out, f"{study}/{fig_id}: {o} not in DAG"
    resources = _job_resources(out)
    for rule in ("train_model", "production_md", "compress_model", "test_model"):
        assert re.search(r"\bgpu=1\b", resources[rule]), resources[rule]
    for rule in ("initial_data", "dpgen_run", "sei_analysis", "exploration_structures"):
        assert re.search(r"\bgpu=0\b", resources[rule]), resources[rule]
    assert "cpus_per_task=8" in resources["train_model"]
    assert "runtime=4320" in resources["train_model"]
    # DP-GEN submits its own GPU / CPU stage jobs: the driver holds one CPU
    assert "cpus_per_task=1" in resources["dpgen_run"]
    # paper glass MD: 4 MPI ranks on one GPU, launched with srun inside the allocation
    assert re.search(r"tasks=4, mpi=srun --mpi=\w+, tasks_per_gpu=4", resources["glass_md"])
    assert "cluster.yaml" in out  # GPU config overrides loaded by the profile
