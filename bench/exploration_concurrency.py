"""Wall time of one DP-GEN exploration stage (``run_model_devi``) under two machine files.

The exploration stage of a finished DP-GEN iteration is rerun from a copy of its work folder,
once with the machine file as ``dpgen_inputs`` writes it (``machine.json``: dpdispatcher's
``Shell`` starts every task of the stage at once) and once with the concurrency bound that
``seiflow.model.active_learning.run_dpgen`` applies (``machine.run.json``: one job whose tasks
run ``para_deg`` = the job's cores at a time). Same tasks, same LAMMPS inputs and velocity seeds,
same models; only the scheduling differs. Each run gets a fresh dpdispatcher ``remote_root``, so
nothing is recovered from an earlier submission.

Usage (repository root, the project venv on PATH; WORKDIR is a ``results/<scale>/<study>/dpgen``
folder whose iteration ITER has run its model-deviation stage, i.e. ``record.dpgen`` holds
``ITER 4``)::

    PATH=.venv/bin:$PATH python bench/exploration_concurrency.py WORKDIR [--iter 0] \
        [--machine machine.json machine.run.json]

Prints, per machine file, the wall time of ``run_model_devi`` (s), the peak number of tasks
running LAMMPS at once and the peak summed resident memory of the LAMMPS processes (GiB,
sampled every second with psutil).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

#: task outputs of the model-deviation stage, removed from the copy before the rerun
MODEL_DEVI_OUTPUTS = ("model_devi.out", "model_devi.log", "traj", "log.lammps")


def _fresh_copy(workdir: Path, iteration: int, dest: Path) -> Path:
    """Copy the iteration's exploration folder (and the param/machine files) to ``dest``,
    without the stage's outputs."""
    iter_name = f"iter.{iteration:06d}"
    src = workdir / iter_name / "01.model_devi"
    out = dest / iter_name / "01.model_devi"
    shutil.copytree(src, out, symlinks=True)
    for task in out.glob("task.*"):
        for name in MODEL_DEVI_OUTPUTS:
            p = task / name
            if p.is_dir():  # make_model_devi creates traj/ empty; it is a forward file
                shutil.rmtree(p)
                p.mkdir()
            elif p.exists():
                p.unlink()
    for name in ("param.json", "machine.json", "machine.run.json"):
        if (workdir / name).exists():
            shutil.copy2(workdir / name, dest / name)
    return dest


class _Sampler(threading.Thread):
    """Peak number of tasks running LAMMPS and peak summed RSS of the LAMMPS processes
    working under ``root`` (1 s samples). dpdispatcher's ``Shell`` detaches its jobs
    (``nohup ... &``), so they are found by their working folder, not as children of this
    process."""

    def __init__(self, root: Path):
        super().__init__(daemon=True)
        self.root = str(root)
        self.stop = threading.Event()
        self.peak_rss_GiB = 0.0
        self.peak_lammps = 0

    def run(self):
        while not self.stop.is_set():
            rss, tasks = 0, set()
            for proc in psutil.process_iter(["name", "cwd", "memory_info"]):
                info = proc.info
                if info["name"] == "lmp" and (info["cwd"] or "").startswith(self.root):
                    tasks.add(info["cwd"])  # the venv's lmp is a wrapper + the binary: 2 per task
                    rss += info["memory_info"].rss if info["memory_info"] else 0
            n = len(tasks)
            self.peak_rss_GiB = max(self.peak_rss_GiB, rss / 2**30)
            self.peak_lammps = max(self.peak_lammps, n)
            self.stop.wait(1.0)


def time_model_devi(workdir: Path, iteration: int, machine_file: str) -> dict:
    """Rerun ``run_model_devi`` of ``iteration`` from a fresh copy with ``machine_file``.

    Returns
    -------
    dict
        ``machine`` (file name), ``wall_s`` (s), ``peak_lammps_tasks``,
        ``peak_rss_GiB`` (GiB, summed over the LAMMPS processes), ``para_deg`` /
        ``group_size`` of the model_devi resources.
    """
    from dpgen.generator.run import run_jdata_arginfo, run_model_devi, update_mass_map
    from dpgen.remote.decide_machine import convert_mdata
    from dpgen.util import load_file, normalize

    with tempfile.TemporaryDirectory(prefix="explore_bench_") as tmp:
        dest = _fresh_copy(workdir, iteration, Path(tmp) / "work")
        machine = json.loads((dest / machine_file).read_text())
        machine["model_devi"]["machine"]["remote_root"] = str(Path(tmp) / "remote")
        res = machine["model_devi"]["resources"]
        cwd = os.getcwd()
        os.chdir(dest)
        try:
            jdata = normalize(run_jdata_arginfo(), load_file("param.json"))
            update_mass_map(jdata)
            mdata = convert_mdata(machine)
            sampler = _Sampler(Path(tmp))
            sampler.start()
            t0 = time.perf_counter()
            run_model_devi(iteration, jdata, mdata)
            wall = time.perf_counter() - t0
            sampler.stop.set()
            sampler.join()
        finally:
            os.chdir(cwd)
    return {"machine": machine_file, "wall_s": round(wall, 1),
            "peak_lammps_tasks": sampler.peak_lammps,
            "peak_rss_GiB": round(sampler.peak_rss_GiB, 2),
            "group_size": res.get("group_size"), "para_deg": res.get("para_deg", 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--iter", type=int, default=0)
    ap.add_argument("--machine", nargs="+", default=["machine.json", "machine.run.json"])
    args = ap.parse_args()
    for name in args.machine:
        print(json.dumps(time_model_devi(args.workdir.resolve(), args.iter, name)), flush=True)


if __name__ == "__main__":
    main()
