"""The cluster path for real: the test scale through `--workflow-profile profiles/slurm` on the
single-node Slurm of tests/slurm/local_cluster.sh (`make test-slurm`; not part of `make test`).

Three snakemake runs in one fresh copy of the workflow, each as a cluster user would type it
(profile + the CPU-only overlay tests/slurm/ci.yaml):

A. the model chain (structures, CHGNet labels, DP-GEN, training, model test); one CHGNet
   labelling job is cancelled with scancel while it runs: Snakemake resubmits it as attempt 2
   with twice the memory;
B. production MD, SEI analysis, figure and a 2-rank bulk MD (srun --mpi=pmi2 inside the job's
   own allocation), with --retries 0; production MD is cancelled after its first segment, so
   the run fails;
C. the same command again: only the unfinished jobs run, and production MD continues from its
   last restart file.

Checked: every job went through sbatch (job ids in the snakemake log, every one listed by
`squeue --states=all` as COMPLETED, or CANCELLED where the test cancelled it); DP-GEN's train,
model_devi and fp stages were their own Slurm jobs (dpdispatcher's Slurm batch); the retry and
the resume; and the figures and tables equal those of the local run of `make test` (the audit's
comparison), or of a local run made here when there is none.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from seiflow.audit import compare_trees

pytestmark = pytest.mark.slurm

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / ".test-runs"
SCALE = "test"
RES = f"results/{SCALE}"
MODEL_TARGETS = [
    f"{RES}/symmetric_cell/tables/model_rmse.csv",
    f"{RES}/symmetric_cell/model/stability.json",
]
MD_TARGETS = [
    f"{RES}/symmetric_cell/figures/fig2d.png",
    f"{RES}/symmetric_cell/bulk_md/Li6PS5Cl/T600/md.done",
]
#: Results written by the 2-rank bulk MD: another domain decomposition than the local 1-rank
#: run, so not compared; DP-GEN's machine files (the written one, its copy at the start of the
#: run, and the run's copy with Shell stages bounded to the job's cores) name the Slurm
#: dispatcher by design.
NOT_COMPARED = re.compile(r"(/bulk_md/|dpgen/machine(\.started|\.run)?\.json$)")
#: Longest a single snakemake run may take here (2 cores); the whole test stays < 40 min.
RUN_TIMEOUT_S = 1500


def _snakemake_cmd(targets: list[str], retries: int) -> list[str]:
    """The README's cluster command plus the local cluster's overlay (no conda channel here:
    the venv's tools, --sdm env-modules with no module named; no slurmdbd: squeue)."""
    return [
        sys.executable, "-m", "snakemake", "--workflow-profile", "profiles/slurm",
        "--configfile", "config/config.yaml", "config/resources.yaml",
        "profiles/slurm/cluster.yaml", "tests/slurm/ci.yaml",
        "--config", f"scale={SCALE}",
        "--sdm", "env-modules",
        "--slurm-status-command", "squeue",
        "--slurm-no-account",
        "--slurm-partition-config", "tests/slurm/partitions.yaml",
        "--slurm-init-seconds-before-status-checks", "5",
        "--jobs", "4", "--retries", str(retries), "--verbose",
        "--", *targets,
    ]


def _squeue_all() -> list[dict]:
    """Every job Slurm still knows (MinJobAge 2 h): id, name, comment, state, memory."""
    out = subprocess.run(["squeue", "--states=all", "-h", "-o", "%i|%j|%k|%T|%m"],
                         capture_output=True, text=True, check=True).stdout
    jobs = []
    for line in out.splitlines():
        jid, name, comment, state, mem = line.split("|")
        jobs.append({"id": jid, "name": name, "comment": comment, "state": state, "mem": mem})
    return jobs


def _mem_mb(text: str) -> int:
    m = re.fullmatch(r"(\d+)([MG])", text)
    assert m, text
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


class _Canceller(threading.Thread):
    """scancel the first running Slurm job of ``rule`` once ``ready()`` holds."""

    def __init__(self, rule: str, ready=lambda: True):
        super().__init__(daemon=True)
        self.rule, self.ready, self.cancelled, self.stop = rule, ready, None, False

    def run(self):
        while not self.stop and self.cancelled is None:
            for job in _squeue_all():
                if (job["comment"].startswith(f"rule_{self.rule}") and job["state"] == "RUNNING"
                        and self.ready()):
                    subprocess.run(["scancel", job["id"]], check=True)
                    self.cancelled = job
                    break
            time.sleep(1)


def _run(work: Path, cmd: list[str], log: Path) -> tuple[int, str]:
    """Run snakemake in its own process group; on timeout interrupt it (SIGINT: snakemake
    cancels its Slurm jobs) and kill the group."""
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=work, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            rc = proc.wait(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            rc = -1
    return rc, log.read_text()


def _submitted(text: str) -> dict[str, str]:
    """Slurm job id -> rule of every job snakemake submitted (its log lines)."""
    ids = {}
    for m in re.finditer(r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: ([^)]*)\)",
                         text):
        rule = re.search(r"slurm_logs/rule_(\w+?)/", m.group(2))
        ids[m.group(1)] = rule.group(1) if rule else "?"
    return ids


def _job_stats(text: str) -> dict[str, int]:
    """Rule -> job count of the first "Job stats" table of a snakemake log (its DAG)."""
    block = text.split("Job stats:", 1)[1].split("total", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)\s*$", block, re.M)}


def _tail(text: str, n: int = 4000) -> str:
    return text[-n:]


def _local_reference(targets: list[str]) -> Path:
    """Results of the local test-scale run: the one `make test` keeps (SEIFLOW_E2E_DIR) or a
    run of the same targets made here."""
    ref = RUNS / "local"
    if not (ref / RES / "symmetric_cell" / "figures" / "fig2d.csv").is_file():
        shutil.rmtree(ref, ignore_errors=True)
        _copy_workflow(ref)
        res = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", "--config",
                              f"scale={SCALE}", "--", *targets], cwd=ref, capture_output=True,
                             text=True, timeout=3000)
        assert res.returncode == 0, _tail(res.stdout + res.stderr)
    return ref / RES


def _copy_workflow(dest: Path) -> None:
    dest.mkdir(parents=True)
    for item in ("Snakefile", "workflow", "config", "envs", "profiles", "tests"):
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, dest / item)


@pytest.fixture(scope="module")
def slurm_runs():
    if subprocess.run(["sinfo", "-h"], capture_output=True).returncode != 0:
        pytest.fail("no Slurm controller answers: run `tests/slurm/local_cluster.sh up` "
                    "(make test-slurm does)")
    work = RUNS / "slurm"
    shutil.rmtree(work, ignore_errors=True)
    _copy_workflow(work)
    runs = {}
    # A: model chain; one labelling job cancelled while it runs -> attempt 2
    cancel = _Canceller("initial_data")
    cancel.start()
    runs["A"] = _run(work, _snakemake_cmd(MODEL_TARGETS, retries=1), work / "run_A.log")
    cancel.stop = True
    runs["A_cancelled"] = cancel.cancelled
    assert runs["A"][0] == 0, _tail(runs["A"][1])
    # B: production MD cancelled after its first segment, no retries -> the run fails
    md_dir = work / RES / "symmetric_cell" / "md"
    cancel = _Canceller("production_md", ready=lambda: any(md_dir.glob("*/dump.700.lammpstrj.part"))
                        or any(md_dir.glob("*/segment.700.in")))
    cancel.start()
    runs["B"] = _run(work, _snakemake_cmd(MD_TARGETS, retries=0), work / "run_B.log")
    cancel.stop = True
    runs["B_cancelled"] = cancel.cancelled
    # C: the same command again
    runs["C"] = _run(work, _snakemake_cmd(MD_TARGETS, retries=0), work / "run_C.log")
    assert runs["C"][0] == 0, _tail(runs["C"][1])
    return work, runs


def test_every_job_went_through_sbatch(slurm_runs):
    work, runs = slurm_runs
    jobs = {j["id"]: j for j in _squeue_all()}
    for name in ("A", "B", "C"):
        text = runs[name][1]
        submitted = _submitted(text)
        assert submitted, f"run {name} submitted nothing:\n{_tail(text)}"
        # every job of the run's DAG (snakemake's "Job stats" table) was submitted, none ran
        # on the login node (the table's counts; retries only add submissions)
        planned = _job_stats(text)
        assert planned, f"run {name}: no job stats"
        assert set(submitted.values()) <= set(planned), (name, submitted, planned)
        if runs[name][0] == 0:  # B stops at the cancelled job: its later jobs never start
            for rule, count in planned.items():
                n = sum(1 for r in submitted.values() if r == rule)
                assert n >= count, f"run {name}: {rule} planned {count}x, submitted {n}x"
        for jid, rule in submitted.items():
            assert jid in jobs, f"run {name}: Slurm job {jid} ({rule}) unknown to squeue"
            assert jobs[jid]["comment"].startswith(f"rule_{rule}"), jobs[jid]
            assert jobs[jid]["state"] in ("COMPLETED", "CANCELLED"), jobs[jid]
        # the sbatch line of every job: partition from the partition file, memory, runtime
        for line in re.findall(r"sbatch call: (.*)", text):
            assert "-p debug" in line and "--mem " in line and " -t " in line, line


def _dpgen_stage_jobs(log_text: str) -> dict[str, list[str]]:
    """DP-GEN stage -> Slurm job ids that dpdispatcher submitted for it (dpgen_run's log:
    "iter ... task 01: run_train", then "job <hash> was submitted; job_id is <id>")."""
    stages, current = {"train": [], "model_devi": [], "fp": []}, None
    for line in log_text.splitlines():
        m = re.search(r"task \d+: run_(train|model_devi|fp)\b", line)
        if m:
            current = m.group(1)
        elif re.search(r"task \d+: ", line):
            current = None
        m = re.search(r"was submitted; job_id is (\d+)", line)
        if m and current:
            stages[current].append(m.group(1))
    return stages


def test_dpgen_stages_were_their_own_slurm_jobs(slurm_runs):
    work, _ = slurm_runs
    log = (work / "logs" / SCALE / "symmetric_cell" / "dpgen_run.log").read_text()
    jobs = {j["id"]: j for j in _squeue_all()}
    stages = _dpgen_stage_jobs(log)
    for stage, ids in stages.items():
        assert ids, f"DP-GEN's {stage} stage submitted no Slurm job:\n{log[-3000:]}"
        for jid in ids:
            assert jobs[jid]["state"] == "COMPLETED", jobs[jid]
            assert not jobs[jid]["comment"].startswith("rule_")  # not a snakemake job
    ids = sum(stages.values(), [])
    assert len(set(ids)) == len(ids)
    # the driver job itself held one core while DP-GEN's jobs ran (dispatcher_threads)
    assert "--cpus-per-task=1" in next(
        line for line in (work / "run_A.log").read_text().splitlines()
        if line.startswith("sbatch call:") and "rule_dpgen_run" in line)


def test_mpi_job_ran_its_ranks_with_srun_inside_its_allocation(slurm_runs):
    work, runs = slurm_runs
    sbatch = next(line for line in runs["B"][1].splitlines()
                  if line.startswith("sbatch call:") and "rule_bulk_md_wildcards" in line)
    assert "--ntasks=2" in sbatch and "--cpus-per-task=1" in sbatch, sbatch
    md = work / RES / "symmetric_cell" / "bulk_md" / "Li6PS5Cl" / "T600"
    for log in md.glob("*.log"):
        assert "on 2 procs" in log.read_text(), log  # one LAMMPS run on 2 MPI ranks


def test_cancelled_job_is_retried_with_twice_the_memory(slurm_runs):
    _, runs = slurm_runs
    first = runs["A_cancelled"]
    assert first is not None, "the labelling job was never seen running"
    ours = set(_submitted(runs["A"][1]))  # Slurm keeps older runs' jobs for MinJobAge
    same = [j for j in _squeue_all() if j["comment"] == first["comment"] and j["id"] in ours]
    states = sorted(j["state"] for j in same)
    assert states == ["CANCELLED", "COMPLETED"], same
    retry = next(j for j in same if j["state"] == "COMPLETED")
    assert _mem_mb(retry["mem"]) == 2 * _mem_mb(first["mem"]), (first, retry)


def test_cancelled_run_resumes_without_redoing_finished_jobs(slurm_runs):
    work, runs = slurm_runs
    assert runs["B_cancelled"] is not None, "production MD was never cancelled"
    assert runs["B"][0] != 0  # the cancelled job failed the run (no retries)
    done_before = set(_submitted(runs["A"][1]).values()) | (
        set(_submitted(runs["B"][1]).values()) - {"production_md", "sei_analysis",
                                                  "fig_ps4_thickness"})
    rerun = set(_submitted(runs["C"][1]).values())
    assert "production_md" in rerun
    assert not rerun & {"train_model", "dpgen_run", "initial_data", "compress_model"}
    assert not rerun & (done_before - {"production_md", "sei_analysis", "fig_ps4_thickness"})
    # production MD went on from its last restart file: run C did not redo the equilibration
    done = json.loads(next((work / RES / "symmetric_cell" / "md").glob("*/md.done")).read_text())
    assert done["last_step"] == 1200
    assert len(done["performance"]) < done["segments"] + 1, done["performance"]


def test_figures_and_tables_equal_the_local_run(slurm_runs):
    work, _ = slurm_runs
    ref = _local_reference(MODEL_TARGETS + MD_TARGETS)
    new = work / RES
    diffs, n = compare_trees(ref, new)
    compared = [d for d in diffs if d.status != "missing" and not NOT_COMPARED.search(d.path)]
    bad = [d for d in compared if d.status != "within_tolerance"]
    assert n > 10
    assert not bad, "\n".join(f"{d.status} {d.path}: {d.detail}" for d in bad)
