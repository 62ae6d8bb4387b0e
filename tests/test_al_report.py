"""Active-learning report: DP-GEN stage times, convergence rule, merged table and figure."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from conftest import run_rule_script

from seiflow.model.al_report import (DPGEN_TASKS, convergence_state, merge_report,
                                     read_stage_times, stage_wall_times)
from seiflow.plot.al_report import plot_al_report

HEADER = "event\titeration\ttask\tunix_time_s\n"
# run killed during iteration 0 task 4 (run_model_devi) at ~1100 s, resumed at 1200 s
KILLED_RUN = [("start", -1, -1, 1000.0), ("done", 0, 0, 1001.0), ("done", 0, 1, 1031.0),
              ("done", 0, 2, 1033.0), ("done", 0, 3, 1034.0),
              ("start", -1, -1, 1200.0), ("done", 0, 4, 1260.0), ("done", 0, 5, 1262.0),
              ("done", 0, 6, 1263.0), ("done", 0, 7, 1363.0), ("done", 0, 8, 1365.0),
              ("done", 1, 0, 1366.0), ("done", 1, 1, 1396.0), ("done", 1, 2, 1398.0)]


def _tsv(path, rows, header=HEADER):
    path.write_text(header + "".join("\t".join(map(str, r)) + "\n" for r in rows))
    return path


def _report(cand, failed, n_frames=None, dataset=None):
    n = len(cand)
    cand, failed = np.asarray(cand, float), np.asarray(failed, float)
    return pd.DataFrame({
        "iteration": np.arange(n),
        "n_frames": np.full(n, 100) if n_frames is None else n_frames,
        "share_accurate": 1.0 - cand - failed, "share_candidate": cand, "share_failed": failed,
        "dataset_size": np.arange(n) * 10 + 50 if dataset is None else dataset,
    })


def test_stage_times_with_kill_and_restart(tmp_path):
    t = read_stage_times(_tsv(tmp_path / "stage_times.tsv", KILLED_RUN))
    assert len(t) == 12 and list(t["task_name"][:3]) == list(DPGEN_TASKS[:3])
    w = t.set_index(["iteration", "task"])["wall_s"]
    assert w[(0, 1)] == pytest.approx(30.0)
    assert w[(0, 4)] == pytest.approx(60.0)  # from the restart; the 66 s before the kill are lost
    assert list(t.loc[t["after_restart"], ["iteration", "task"]].itertuples(index=False)) == [
        (0, 4)]
    s = stage_wall_times(t).set_index("iteration")
    assert s.loc[0, "train_s"] == pytest.approx(33.0)
    assert s.loc[0, "exploration_s"] == pytest.approx(1.0 + 60.0 + 2.0)
    assert s.loc[0, "labelling_s"] == pytest.approx(103.0)
    assert s.loc[0, "total_s"] == pytest.approx(199.0)
    # the last DP-GEN iteration only trains
    assert s.loc[1, "train_s"] == pytest.approx(33.0) and np.isnan(s.loc[1, "labelling_s"])
    assert s.loc[1, "total_s"] == pytest.approx(33.0)


@pytest.mark.parametrize("rows, header, line", [
    (KILLED_RUN[:3] + [("done", 0, 2, 1000.5)], HEADER, 5),  # time goes back within a run
    ([("done", 0, 0, 1001.0)], HEADER, 2),  # no start line
    (KILLED_RUN[:2] + [("done", 0, 9, 1002.0)], HEADER, 4),  # no DP-GEN task 9
    (KILLED_RUN[:3] + [("done", 0, 1, 1040.0)], HEADER, 5),  # same task finished twice
    (KILLED_RUN[:2] + [("done", 0, "x", 1002.0)], HEADER, 4),  # not an integer
    (KILLED_RUN[:2] + [("finish", 0, 1, 1002.0)], HEADER, 4),  # unknown event
    (KILLED_RUN[:2], "event\titer\ttask\ttime\n", 1),  # wrong header
])
def test_malformed_stage_times_name_the_line(tmp_path, rows, header, line):
    with pytest.raises(ValueError, match=rf"stage_times.tsv:{line}:"):
        read_stage_times(_tsv(tmp_path / "stage_times.tsv", rows, header))


def test_run_killed_before_first_task_has_no_times(tmp_path):
    t = read_stage_times(_tsv(tmp_path / "stage_times.tsv", KILLED_RUN[:1]))
    assert t.empty and t["wall_s"].dtype == float
    walls = stage_wall_times(t)
    assert walls.empty and "labelling_s" in walls
    m = merge_report(_report([0.1], [0.0]), walls)
    assert m["iteration"].tolist() == [0] and m["total_s"].isna().all()


def test_restart_may_start_earlier_than_last_line_of_killed_run(tmp_path):
    rows = KILLED_RUN[:3] + [("start", -1, -1, 1020.0), ("done", 0, 2, 1025.0)]
    t = read_stage_times(_tsv(tmp_path / "stage_times.tsv", rows))
    assert t["wall_s"].tolist() == pytest.approx([1.0, 30.0, 5.0])


def test_convergence_fires_at_the_right_iteration():
    r = _report([0.5, 0.2, 0.04, 0.03, 0.02], [0.3, 0.05, 0.0, 0.005, 0.0])
    s = convergence_state(r, 0.05, 0.01, 2)
    assert s["converged"] and s["iteration"] == 3
    assert convergence_state(r, 0.05, 0.01, 3)["iteration"] == 4
    s4 = convergence_state(r, 0.05, 0.01, 4)
    assert not s4["converged"] and s4["iteration"] is None
    assert convergence_state(r, 0.05, 0.01, 1)["iteration"] == 2
    # a later iteration (new exploration conditions) breaks the rule
    r_late = _report([0.5, 0.2, 0.04, 0.03, 0.02, 0.3], [0.3, 0.05, 0.0, 0.005, 0.0, 0.0])
    s_late = convergence_state(r_late, 0.05, 0.01, 2)
    assert not s_late["converged"] and s_late["iteration"] == 3 and "5" in s_late["reason"]
    # rows are ordered by iteration before the rule is applied
    assert convergence_state(r.iloc[::-1], 0.05, 0.01, 2)["iteration"] == 3


def test_all_failed_or_unexplored_never_converges():
    all_failed = _report([0.0] * 4, [1.0] * 4)
    for thresholds in [(0.05, 0.01), (1.0, 1.0)]:
        assert not convergence_state(all_failed, *thresholds, 1)["converged"]
    unexplored = _report([0.0] * 3, [0.0] * 3, n_frames=[0, 0, 0])
    assert not convergence_state(unexplored, 0.05, 0.01, 1)["converged"]
    short = convergence_state(_report([0.0], [0.0]), 0.05, 0.01, 2)
    assert not short["converged"] and "patience" in short["reason"]


@pytest.mark.parametrize("kw", [
    {"max_candidate_share": 0.0}, {"max_candidate_share": 1.5}, {"max_failed_share": -0.1},
    {"patience": 0}, {"patience": 1.5},
])
def test_convergence_rejects_bad_arguments(kw):
    args = {"max_candidate_share": 0.05, "max_failed_share": 0.01, "patience": 2, **kw}
    with pytest.raises(ValueError):
        convergence_state(_report([0.1], [0.0]), **args)


def test_convergence_requires_columns():
    with pytest.raises(ValueError, match="share_failed"):
        convergence_state(_report([0.1], [0.0]).drop(columns="share_failed"), 0.05, 0.01, 1)


def test_merge_keeps_all_iterations(tmp_path):
    walls = stage_wall_times(read_stage_times(_tsv(tmp_path / "t.tsv", KILLED_RUN)))
    walls = pd.concat([walls, walls.iloc[[1]].assign(iteration=2)], ignore_index=True)
    report = _report([0.3, 0.1], [0.1, 0.0]).assign(iteration=[0, 3])
    m = merge_report(report, walls)
    assert m["iteration"].tolist() == [0, 1, 2, 3]
    assert m["share_candidate"].isna().tolist() == [False, True, True, False]
    assert m["train_s"].isna().tolist() == [False, False, False, True]
    none = merge_report(report, None)
    assert none["iteration"].tolist() == [0, 3] and none["total_s"].isna().all()
    with pytest.raises(ValueError, match="repeated"):
        merge_report(pd.concat([report, report]), walls)


def _check_png(path):
    import matplotlib.image as mpimg

    assert path.stat().st_size > 0
    img = mpimg.imread(path)
    assert img.ndim == 3 and img.shape[0] > 300 and img.shape[1] > 300


@pytest.mark.parametrize("n_iter", [1, 4])
def test_plot_writes_png_and_csv(tmp_path, n_iter):
    report = _report(np.linspace(0.4, 0.02, n_iter), np.linspace(0.2, 0.0, n_iter))
    walls = None
    if n_iter > 1:
        walls = stage_wall_times(read_stage_times(_tsv(tmp_path / "t.tsv", KILLED_RUN)))
    table = merge_report(report, walls)
    png = tmp_path / "fig" / "al_report.png"
    plot_al_report(table, png, trust_levels=(0.15, 0.5),
                   convergence={"max_candidate_share": 0.05, "max_failed_share": 0.01,
                                "patience": 1}, title="test")
    _check_png(png)
    back = pd.read_csv(png.with_suffix(".csv"))
    assert back["iteration"].tolist() == list(range(n_iter))
    assert np.allclose(back["share_candidate"], table["share_candidate"])


def test_plot_rejects_bad_input(tmp_path):
    table = merge_report(_report([0.1], [0.0]), None)
    with pytest.raises(ValueError, match="trust"):
        plot_al_report(table, tmp_path / "a.png", trust_levels=(0.5, 0.15))
    with pytest.raises(ValueError, match="dataset_size"):
        plot_al_report(table.drop(columns="dataset_size"), tmp_path / "a.png")



def test_script_with_and_without_stage_times(tmp_path, root):
    iocontainers = pytest.importorskip("snakemake.iocontainers")
    nl = iocontainers.Namedlist
    report = tmp_path / "al_report.csv"
    _report([0.3, 0.04], [0.1, 0.0]).to_csv(report, index=False)
    times = tmp_path / "stage_times.tsv"
    for with_times in (False, True):
        if with_times:
            _tsv(times, KILLED_RUN)
        out = tmp_path / f"fig{int(with_times)}"
        smk = type("Smk", (), {})()
        smk.input = nl(fromdict={"report": str(report)})
        smk.output = nl(fromdict={"png": str(out / "al_report.png"),
                                  "csv": str(out / "al_report.csv")})
        smk.params = nl(fromdict={"stage_times": str(times), "trust": [0.15, 0.5],
                                  "study": "symmetric_cell",
                                  "convergence": {"max_candidate_share": 0.05,
                                                  "max_failed_share": 0.01, "patience": 1}})
        smk.log = [str(tmp_path / f"log{int(with_times)}.txt")]
        run_rule_script("fig_al_report.py", smk)
        _check_png(out / "al_report.png")
        csv = pd.read_csv(out / "al_report.csv")
        assert csv["train_s"].notna().any() == with_times
        assert csv["iteration"].tolist() == [0, 1]
        log = (tmp_path / f"log{int(with_times)}.txt").read_text()
        assert "'converged': True" in log
