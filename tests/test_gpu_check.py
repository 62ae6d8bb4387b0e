"""bench/gpu_check.sh, the prepared GPU check: on a machine without a GPU, asking for the GPU
path must fail at once with a clear message (exit 2), never fall back to the CPU silently."""

import subprocess

import pytest


def test_gpu_check_refuses_gpu_mode_without_a_gpu(root, tmp_path):
    smi = subprocess.run(["bash", "-c", "command -v nvidia-smi && nvidia-smi -L"],
                         capture_output=True, text=True)
    if smi.returncode == 0:
        pytest.skip("a GPU is visible: run `bash bench/gpu_check.sh` itself")
    res = subprocess.run(["bash", str(root / "bench" / "gpu_check.sh"), "--device", "gpu",
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stdout[-2000:] + res.stderr[-2000:]
    assert "GPU" in res.stdout + res.stderr
