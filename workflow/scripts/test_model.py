"""Rule test_model: dp --pt test of the compressed model on held-out oracle frames."""

import os
import subprocess
from pathlib import Path

from seiflow.device import require_gpus

if __name__ == "__main__":
    log = open(snakemake.log[0], "w")  # noqa: F821
    require_gpus(snakemake.resources.get("gpu", 0))  # noqa: F821
    out = Path(snakemake.output[0])  # noqa: F821
    out.mkdir(parents=True, exist_ok=True)
    cmd = ["dp", "--pt", "test", "-m", snakemake.input.model, "-s",  # noqa: F821
           snakemake.input.valid, "-d", str(out / "detail")]  # noqa: F821
    print(" ".join(cmd), file=log, flush=True)
    subprocess.run(cmd, check=True, stdout=log, stderr=subprocess.STDOUT,
                   env={**os.environ, "OMP_NUM_THREADS": "1"})
