"""Model-deviation bookkeeping and DP-GEN resume guard."""

import json

import numpy as np
import pytest

from seiflow.model.active_learning import check_resumable, classify_model_deviation


def test_classify_model_deviation_counts():
    f = np.array([0.01, 0.1, 0.15, 0.2, 0.49, 0.5, 3.0])
    c = classify_model_deviation(f, 0.15, 0.5)
    assert c == {"n_frames": 7, "n_accurate": 2, "n_candidate": 3, "n_failed": 2}
    with pytest.raises(ValueError):
        classify_model_deviation(f, 0.5, 0.15)


def test_resume_guard_refuses_changed_param(tmp_path):
    (tmp_path / "param.json").write_text(json.dumps({"numb_models": 4}))
    (tmp_path / "machine.json").write_text("{}")
    check_resumable(tmp_path)  # first start records the inputs
    check_resumable(tmp_path)  # unchanged: resumes
    (tmp_path / "param.json").write_text(json.dumps({"numb_models": 2}))
    with pytest.raises(RuntimeError, match="differs"):
        check_resumable(tmp_path)
    assert (tmp_path / "param.started.json").exists()  # nothing deleted


def test_fp_data_dirs_finds_every_multisystem_folder(tmp_path):
    from seiflow.model.active_learning import deepmd_system_dirs, fp_data_dirs

    for sub in ["02.fp/data.000/Li16", "02.fp/data.001/Cl4Li24P4S20", "01.model_devi/x"]:
        (tmp_path / sub).mkdir(parents=True)
        (tmp_path / sub / "type.raw").write_text("0\n")
    assert [d.split("/")[-1] for d in fp_data_dirs(tmp_path)] == ["Li16", "Cl4Li24P4S20"]
    assert len(deepmd_system_dirs(tmp_path)) == 3


def test_unseeded_default_rng_is_seeded_from_global_state():
    """DP-GEN's ``np.random.default_rng()`` (no seed) repeats once numpy.random is seeded."""
    import numpy as np

    from seiflow.model.active_learning import _seeded_default_rng

    draws = []
    for _ in range(2):
        np.random.seed(123)
        draws.append([_seeded_default_rng().integers(1 << 30) for _ in range(3)])
    assert draws[0] == draws[1] and len(set(draws[0])) == 3
    assert _seeded_default_rng(7).integers(1 << 30) == np.random.default_rng(7).integers(1 << 30)


def test_shell_stages_bounded_to_the_job_cores(tmp_path):
    """dpdispatcher's Shell batch starts every job at once; bounded, one job runs its tasks
    para_deg at a time. Real dpdispatcher run: 6 tasks, 2 cores -> never more than 2 at once."""
    import time

    from dpdispatcher import Machine, Resources, Submission, Task

    from seiflow.model.active_learning import bound_shell_concurrency
    from seiflow.model.dpgen_inputs import make_machine

    machine = make_machine(str(tmp_path / "remote"), "chgnet", "/x/scripts")
    slurm = make_machine(str(tmp_path / "remote"), "chgnet", "/x/scripts",
                         dispatcher={"batch_type": "Slurm"})
    bounded = bound_shell_concurrency(machine, 2)
    assert machine["fp"]["resources"]["group_size"] == 1  # input untouched
    for stage in ("train", "model_devi", "fp"):
        assert bounded[stage]["resources"]["group_size"] == 0
        assert bounded[stage]["resources"]["para_deg"] == 2
    assert bound_shell_concurrency(slurm, 2) == slurm  # a scheduler bounds Slurm stages
    with pytest.raises(ValueError, match="parallel_tasks"):
        bound_shell_concurrency(machine, 0)

    stage = bounded["fp"]
    work = tmp_path / "work"
    tasks = []
    for k in range(6):
        (work / f"t{k}").mkdir(parents=True)
        tasks.append(Task(command="date +%s.%N > start; sleep 0.6; date +%s.%N > end",
                          task_work_path=f"t{k}/", backward_files=["start", "end"]))
    sub = Submission(
        work_base=str(work),
        machine=Machine.load_from_dict({**stage["machine"], "local_root": str(work),
                                        "remote_root": str(tmp_path / "remote")}),
        resources=Resources.load_from_dict({**stage["resources"], "envs": {}}),
        task_list=tasks)
    t0 = time.time()
    sub.run_submission(check_interval=1)
    spans = [(float((work / f"t{k}" / "start").read_text()),
              float((work / f"t{k}" / "end").read_text())) for k in range(6)]
    most = max(sum(s <= t < e for s, e in spans) for t, _ in spans)
    assert most <= 2, json.dumps(spans)
    assert len(sub.belonging_jobs) == 1 and time.time() - t0 > 3 * 0.6
