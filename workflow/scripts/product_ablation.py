"""Rule product_ablation: a model trained without the reaction products (Li2S, Li3P, LiCl)
and the final model, both tested on the products' held-out oracle frames (paper 001 Figs.
S3-S4). Restartable: dp train resumes from its checkpoint."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from seiflow.model.active_learning import deepmd_system_dirs
from seiflow.device import require_gpus
from seiflow.model.dpgen_inputs import deepmd_training_input, short_range_settings
from seiflow.model.dp_test import parity_rmse, read_dp_test_detail
from seiflow.model.product_ablation import ablation_table, split_product_systems


def _run(cmd, cwd, log):
    print("$ " + " ".join(cmd), file=log, flush=True)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=log, stderr=subprocess.STDOUT,
                   env={**os.environ, "OMP_NUM_THREADS": "1", "DP_INTRA_OP_PARALLELISM_THREADS":
                        "1", "DP_INTER_OP_PARALLELISM_THREADS": "1"})


def product_ablation(train, valid, final_model, workdir, p, log, zbl=None):
    """Train the no-product model in ``workdir`` and test both models on each product
    (DP-ZBL with the ``zbl`` table when short_range_repulsion.zbl is on, as the final model).

    Returns (table, parity frame)."""
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    others_train, _ = split_product_systems(deepmd_system_dirs(train), p.type_map, p.products)
    others_valid, prod_valid = split_product_systems(deepmd_system_dirs(valid), p.type_map,
                                                     p.products)
    prod_valid = {k: v for k, v in prod_valid.items() if v}
    if not prod_valid:
        raise ValueError(f"no held-out frames of {p.products} in {valid}: raise "
                         "final_model.validation_fraction or the products' initial data")
    if not others_train:
        raise ValueError("every training system is a reaction product: nothing to ablate")
    rel = lambda d: os.path.relpath(d, workdir)  # noqa: E731
    cfg = deepmd_training_input(
        p.type_map, p.descriptor, p.dpgen["neuron_descriptor"], p.dpgen["axis_neuron"],
        p.dpgen["neuron_fitting"], p.final_model["training_steps"], p.seed,
        stop_lr=p.final_model["stop_lr"], training_systems=[rel(d) for d in others_train],
        validation_systems=[rel(d) for d in (others_valid or others_train)],
        short_range=short_range_settings(p.short_range, zbl, workdir))
    text = json.dumps(cfg, indent=2)
    old = workdir / "input.json"
    if old.exists() and old.read_text() != text:  # new data or settings: never resume stale
        for f in [*workdir.glob("model.ckpt*"), workdir / "checkpoint", workdir / "lcurve.out"]:
            f.unlink(missing_ok=True)
    old.write_text(text)
    if not (workdir / "frozen_model.pth").exists():  # a failed later step keeps the checkpoint
        restart = ["--restart", (workdir / "checkpoint").read_text().strip()] \
            if (workdir / "checkpoint").exists() else []
        _run(["dp", "--pt", "train", "input.json", *restart], workdir, log)
        _run(["dp", "--pt", "freeze", "-o", "frozen_model.pth"], workdir, log)
    models = {"before": str((workdir / "frozen_model.pth").resolve()),
              "after": str(Path(final_model).resolve())}
    rmse, parity = {}, []
    for product, dirs in prod_valid.items():
        listfile = workdir / f"test_{product}.txt"
        listfile.write_text("\n".join(str(Path(d).resolve()) for d in dirs) + "\n")
        for name, model in models.items():
            prefix = workdir / f"detail_{product}_{name}"
            _run(["dp", "--pt", "test", "-m", model, "-f", str(listfile), "-n", "1000000",
                  "-d", str(prefix)], workdir, log)
            df = read_dp_test_detail(prefix)
            rmse[(product, name)] = parity_rmse(df)
            parity.append(df.assign(product=product, model=name))
    return ablation_table(rmse), pd.concat(parity, ignore_index=True)


if __name__ == "__main__":
    log = open(snakemake.log[0], "w")  # noqa: F821
    sys.stdout = sys.stderr = log
    require_gpus(snakemake.resources.get("gpu", 0))  # noqa: F821
    i, o = snakemake.input, snakemake.output  # noqa: F821
    table, parity = product_ablation(i.train, i.valid, i.model, Path(o.frozen).parent,
                                     snakemake.params, log, zbl=i.zbl or None)  # noqa: F821
    table.to_csv(o.table, index=False)
    parity.to_csv(o.parity, index=False)
    print(table.to_string(), flush=True)
