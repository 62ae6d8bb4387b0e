"""A DP-GEN run killed during its labelling (fp) stage resumes from record.dpgen without redoing
the fp tasks that had finished (real DP-GEN, DeePMD-kit, LAMMPS and CHGNet on a 16-atom Li cell).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seiflow.model.dpgen_inputs import check_dpgen_inputs, make_machine, make_param

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workflow" / "scripts"
N_FP = 4

DPGEN_CFG = {
    "numb_models": 2,
    "iterations": [{"temps": [600], "nsteps": 40, "trj_freq": 10, "ensemble": "nvt"}],
    # trust levels that make every explored frame a candidate: N_FP labelling tasks
    "trust_level_force_eV_A": [1.0e-6, 1.0e3],
    "fp_task_max": N_FP,
    "fp_task_min": 1,
    "training_steps": 20,
    "stop_lr": 1.0e-4,
    "neuron_descriptor": [4, 8],
    "axis_neuron": 2,
    "neuron_fitting": [8, 8],
    "timestep_ps": 0.001,
    "fp_group_size": N_FP,  # one job, tasks run one after another: the kill lands between them
    "ratio_failed": 0.5,
}

RUNNER = """
import sys
sys.path.insert(0, {scripts!r})
from seiflow.model.active_learning import run_dpgen
run_dpgen({workdir!r}, 7, {remote!r})
"""


def _init_data(path: Path) -> None:
    """Four rattled 16-atom bcc Li frames labelled with CHGNet (the run's oracle)."""
    import dpdata
    from ase.build import bulk

    from seiflow.oracle.calculators import get_calculator, label_frames

    atoms = bulk("Li", "bcc", a=3.44, cubic=True).repeat((2, 2, 2))
    frames = []
    for seed in range(4):
        a = atoms.copy()
        a.rattle(0.05, seed=seed)
        frames.append(a)
    labelled = label_frames(frames, get_calculator("chgnet"))
    system = dpdata.LabeledSystem(labelled[0], fmt="ase/structure", type_map=["Li"])
    for a in labelled[1:]:
        system.append(dpdata.LabeledSystem(a, fmt="ase/structure", type_map=["Li"]))
    system.to_deepmd_npy(str(path))
    atoms.write(path.parent.parent / "exploration" / "Li.vasp", format="vasp", direct=True)


def _start(workdir: Path, log) -> subprocess.Popen:
    code = RUNNER.format(scripts=str(SCRIPTS), workdir=str(workdir),
                         remote=str(workdir / "remote"))
    env = {**os.environ, "PYTHONPATH": str(SCRIPTS)}
    return subprocess.Popen([sys.executable, "-c", code], cwd=workdir, stdout=log,
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _finished_fp_tasks(workdir: Path) -> set[str]:
    """fp tasks whose dpdispatcher task tag says they finished (and wrote their label)."""
    return {tag.parent.name for tag in (workdir / "remote" / "fp").rglob("*_task_tag_finished")
            if (tag.parent / "output.extxyz").exists()}


@pytest.mark.e2e
def test_killed_dpgen_resumes_without_redoing_finished_fp_tasks(tmp_path):
    if not shutil.which("lmp") or not shutil.which("dp"):
        pytest.skip("lmp/dp not on PATH (run with the venv's bin first on PATH)")
    work = tmp_path / "dpgen"
    for sub in ("dpgen", "init_data", "exploration"):
        (tmp_path / sub).mkdir()
    _init_data(tmp_path / "init_data" / "Li")
    param = make_param(["Li"], ["Li"], [["Li.vasp"]], DPGEN_CFG,
                       {"rcut_A": 4.0, "rcut_smth_A": 3.5, "sel": [40]}, seed=7)
    # every oracle call appends its task name to a ledger (the remote folders are cleaned once
    # a job is downloaded, so the ledger is the record of what ran)
    ledger = tmp_path / "fp_calls.txt"
    fp_cmd = (f"echo $(basename $(pwd)) >> {ledger} && "
              "python -m seiflow.oracle.calculators input.poscar output.extxyz --oracle chgnet")
    machine = make_machine(str(work / "remote"), "chgnet", str(SCRIPTS), fp_group_size=N_FP,
                           dispatcher={"stages": {"fp": {"command": fp_cmd}}})
    check_dpgen_inputs(param, machine)
    (work / "param.json").write_text(json.dumps(param))
    (work / "machine.json").write_text(json.dumps(machine))

    with open(tmp_path / "run1.log", "w") as log:
        proc = _start(work, log)
        deadline = time.time() + 900
        while time.time() < deadline and proc.poll() is None:
            done = _finished_fp_tasks(work)
            if 1 <= len(done) < N_FP:
                break
            time.sleep(0.5)
        assert proc.poll() is None, (tmp_path / "run1.log").read_text()[-3000:]
        done_before_kill = _finished_fp_tasks(work)
        assert 1 <= len(done_before_kill) < N_FP, "no fp task finished before the deadline"
        os.kill(proc.pid, signal.SIGTERM)  # what Snakemake / Slurm send
        proc.wait(timeout=120)
    assert proc.returncode != 0
    record = (work / "record.dpgen").read_text().split()
    assert record[-2:] == ["0", "6"], "the kill should land in run_fp (after make_fp)"

    with open(tmp_path / "run2.log", "w") as log:
        proc = _start(work, log)
        assert proc.wait(timeout=1200) == 0, (tmp_path / "run2.log").read_text()[-3000:]

    calls = ledger.read_text().split()
    labelled = sorted((work / "iter.000000" / "02.fp").glob("task.*/output.extxyz"))
    assert len(labelled) == N_FP  # every labelling task ran ...
    assert set(calls) == {p.parent.name for p in labelled}
    for task in done_before_kill:  # ... but those finished before the kill only once
        assert calls.count(task) == 1, f"{task} was labelled again after the restart: {calls}"
    starts = [ln for ln in (work / "stage_times.tsv").read_text().splitlines()
              if ln.startswith("start")]
    assert len(starts) == 2
    from seiflow.model.al_report import read_stage_times

    times = read_stage_times(work / "stage_times.tsv")
    assert {(0, 7), (0, 8)} <= set(zip(times["iteration"], times["task"]))
