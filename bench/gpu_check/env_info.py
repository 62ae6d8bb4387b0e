"""Print what PyTorch / DeePMD-kit see (JSON on stdout) for bench/gpu_check.sh.

``cuda_usable`` is true only when torch.cuda.is_available() and a small matmul actually ran
on cuda:0 (catches a driver older than the CUDA build of the torch wheel, or a GPU
architecture the wheel has no kernels for).
"""

import json
import os
import platform
import warnings

import torch

with warnings.catch_warnings(record=True) as caught:  # e.g. "NVIDIA driver ... too old"
    warnings.simplefilter("always")
    cuda_available = torch.cuda.is_available()
info = {
    "python": platform.python_version(),
    "torch_version": torch.__version__,
    "torch_cuda_build": torch.version.cuda,
    "cuda_available": cuda_available,
    "cuda_device_count": torch.cuda.device_count() if cuda_available else 0,
    "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES", "unset"),
    "gpu_name": None,
    "gpu_capability": None,
    "cuda_usable": False,
    "cuda_error": "; ".join(str(w.message).strip() for w in caught) or None,
}
try:
    import deepmd

    info["deepmd_version"] = deepmd.__version__
except Exception as err:  # noqa: BLE001 - report, never fail here
    info["deepmd_version"] = f"import failed: {err}"
if info["cuda_available"]:
    try:
        info["gpu_name"] = torch.cuda.get_device_name(0)
        info["gpu_capability"] = ".".join(map(str, torch.cuda.get_device_capability(0)))
        a = torch.randn(256, 256, device="cuda:0", dtype=torch.float64)
        float((a @ a).sum())  # forces the kernel to run and synchronise
        info["cuda_usable"] = True
    except Exception as err:  # noqa: BLE001
        info["cuda_error"] = f"{type(err).__name__}: {err}"
print(json.dumps(info))
