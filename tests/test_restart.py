"""A run killed hard (kill -9) leaves Snakemake's lock behind: the rerun says what to do.

Real snakemake, real SIGKILL, in a copy of the workflow (scale test; the first job of the
figure index).
"""

import os
import shutil
import signal
import subprocess
import time

import pytest

TARGET = "results/test/figure_index.md"


@pytest.fixture()
def workdir(root, tmp_path):
    for item in ("Snakefile", "workflow", "config", "envs", "profiles"):
        src = root / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / item)
    return tmp_path


def smk(*flags, target=TARGET):
    return ["snakemake", "--cores", "1", *flags, "--config", "scale=test", "--", target]


def test_hard_kill_leaves_a_lock_and_the_rerun_names_the_fix(workdir):
    proc = subprocess.Popen(smk(), cwd=workdir, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    locks = workdir / ".snakemake" / "locks"
    deadline = time.time() + 120
    while time.time() < deadline and not any(locks.glob("*")):
        assert proc.poll() is None, "snakemake ended before it took its lock"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # no chance to remove the lock
    proc.wait()
    assert any(locks.glob("*"))
    res = subprocess.run(smk(), cwd=workdir, capture_output=True, text=True, timeout=300)
    out = res.stdout + res.stderr
    assert res.returncode != 0 and "LockException" in out, out[-2000:]
    assert "run `snakemake --unlock` once" in out
    unlock = subprocess.run(smk("--unlock"), cwd=workdir, capture_output=True, text=True,
                            timeout=300)
    assert unlock.returncode == 0, unlock.stderr[-2000:]
    res = subprocess.run(smk(), cwd=workdir, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (workdir / TARGET).stat().st_size > 0
    assert not any(locks.glob("*")) and "seiflow: .snakemake/locks" not in res.stderr
