"""GPU guard of the DeePMD-kit / LAMMPS rules: a job that asked for GPUs must see them.

On a cluster node whose NVIDIA driver is older than the CUDA build of PyTorch, or where
``CUDA_VISIBLE_DEVICES`` is empty, PyTorch silently falls back to the CPU and a paper-scale
training or MD job would run for days at CPU speed. Every rule that requests GPUs (resource
``gpu`` > 0, see :mod:`seiflow.config.job_resources`) calls :func:`require_gpus` first, so such a job
fails at once with the reason. DeePMD-kit (``dp --pt``) and ``pair_style deepmd`` then use the
GPU by themselves (LAMMPS logs ``load model from: ... to gpu <id>``).

Run as ``python -m seiflow.device --gpus N`` from shell rules.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess


def nvidia_smi() -> str:
    """``nvidia-smi`` query of the visible GPUs (name, driver, memory), or why there is none."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return "nvidia-smi not found"
    res = subprocess.run([exe, "--query-gpu=index,name,driver_version,memory.total",
                          "--format=csv,noheader"], capture_output=True, text=True)
    return (res.stdout or res.stderr).strip() or f"nvidia-smi exit {res.returncode}"


def gpu_report() -> dict:
    """What PyTorch sees: version, CUDA build, device count and names.

    Returns
    -------
    dict
        ``torch``, ``torch_cuda`` (CUDA version PyTorch was built for, None for a CPU build),
        ``cuda_available``, ``device_count``, ``devices`` (names), ``CUDA_VISIBLE_DEVICES``,
        ``nvidia_smi``.
    """
    import torch

    available = torch.cuda.is_available()
    n = torch.cuda.device_count() if available else 0
    return {
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "cuda_available": available,
        "device_count": n,
        "devices": [torch.cuda.get_device_name(i) for i in range(n)],
        "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES"),
        "nvidia_smi": nvidia_smi(),
    }


def require_gpus(n_gpus: int, report: dict | None = None) -> dict:
    """Fail unless PyTorch sees at least ``n_gpus`` GPUs (no check when ``n_gpus`` is 0).

    Parameters
    ----------
    n_gpus : int
        GPUs the job asked for (the rule's ``resources.gpu``).
    report : dict, optional
        A :func:`gpu_report` (made here when omitted; tests pass their own).

    Returns
    -------
    dict
        The report (also printed, for the rule's log); empty when ``n_gpus`` is 0.

    Raises
    ------
    RuntimeError
        If fewer GPUs are visible than requested, with the PyTorch CUDA build, the driver
        (nvidia-smi) and ``CUDA_VISIBLE_DEVICES`` in the message.
    """
    if int(n_gpus) <= 0:
        return report or {}
    report = report or gpu_report()
    if report["device_count"] < int(n_gpus):
        raise RuntimeError(
            f"this job asked for {n_gpus} GPU(s) (deepmd_device: gpu) but PyTorch "
            f"{report['torch']} sees {report['device_count']}: it would run on the CPU. "
            f"PyTorch CUDA build: {report['torch_cuda']}; CUDA_VISIBLE_DEVICES="
            f"{report['CUDA_VISIBLE_DEVICES']!r}; nvidia-smi: {report['nvidia_smi']}. "
            "Check that the node has a GPU, that its driver supports this CUDA build "
            "(README, 'GPU stack'), and that the job got a GPU (--gpus)."
        )
    print(f"GPU check: {n_gpus} GPU(s) requested, PyTorch sees {report['devices']} "
          f"(CUDA build {report['torch_cuda']}; {report['nvidia_smi']})", flush=True)
    return report


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m seiflow.device --gpus N``; prints the report, exits 1 on
    a missing GPU."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpus", type=int, default=0, help="GPUs the job asked for")
    args = parser.parse_args(argv)
    try:
        require_gpus(args.gpus)
    except RuntimeError as err:
        raise SystemExit(f"GPU check failed: {err}") from None


if __name__ == "__main__":
    main()
