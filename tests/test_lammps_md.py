"""LAMMPS production-MD inputs and the segment/restart bookkeeping."""

from pathlib import Path

import pytest

from seiflow.md.lammps import (
    completed_step,
    equilibration_input,
    npt_segment_input,
    parse_loop_time,
    segment_dumps,
)

TYPES = ["Li", "P", "S", "Cl"]


def test_equilibration_input_protocol():
    text = equilibration_input("cell.lmp", "model.pth", TYPES, 400.0, 0.001, 1000, 12345,
                               "restart.0")
    assert "pair_style deepmd model.pth" in text
    assert "pair_coeff * * Li P S Cl" in text
    assert "velocity all create 400.0 12345" in text
    assert "fix eq all nvt temp 400.0 400.0 0.1" in text  # tdamp 0.1 ps
    assert "run 1000" in text and "reset_timestep" not in text  # one clock from contact
    assert text.strip().endswith("write_restart restart.0")
    dumped = equilibration_input("c.lmp", "m.pth", TYPES, 300.0, 0.001, 100, 1, "r.100",
                                 dump_every=50, dump_file="dump.0.lammpstrj.part")
    assert "dump traj all custom 50 dump.0.lammpstrj.part id type element x y z c_pe" in dumped
    assert dumped.index("dump traj") < dumped.index("run 100")


def test_npt_segment_nose_hoover_damping_and_dump():
    text = npt_segment_input("restart.500", "m.pth", TYPES, 300.0, 1.0, 0.001, 500, 50,
                             "dump.500.lammpstrj.part", "restart.1000.tmp")
    assert text.startswith("read_restart restart.500")
    assert "fix prod all npt temp 300.0 300.0 0.1 aniso 1.0 1.0 1.0" in text  # pdamp 1 ps
    assert "dump traj all custom 50 dump.500.lammpstrj.part id type element x y z c_pe" in text
    assert "dump_modify traj element Li P S Cl sort id" in text
    assert "write_restart restart.1000.tmp" in text


def test_completed_step_ignores_unfinished_restarts(tmp_path: Path):
    assert completed_step(tmp_path) is None
    for name in ["restart.0", "restart.500", "restart.1000.tmp"]:
        (tmp_path / name).write_text("x")
    assert completed_step(tmp_path) == 500  # the .tmp of a killed segment does not count
    for name in ["dump.500.lammpstrj", "dump.0.lammpstrj", "dump.1000.lammpstrj.part"]:
        (tmp_path / name).write_text("x")
    assert [Path(p).name for p in segment_dumps(tmp_path)] == ["dump.0.lammpstrj",
                                                               "dump.500.lammpstrj"]


def test_parse_loop_time():
    log = "Loop time of 2.5 on 2 procs for 1000 steps with 500 atoms\n"
    (rec,) = parse_loop_time(log)
    assert rec["atom_steps_per_s"] == 1000 * 500 / 2.5
    assert rec["mpi_ranks"] == 2


def test_parse_thermo_reads_every_block_and_skips_warnings():
    from seiflow.md.lammps import parse_thermo

    log = """LAMMPS (2 Aug 2023)
   Step          Time           Temp          PotEng         Volume
         0   0              300           -10.5           100.0
WARNING: something odd
       100   0.1            310           -10.7           101.5
Loop time of 1.0 on 1 procs for 100 steps with 2 atoms
   Step          Time           Temp          PotEng         Volume
       100   0.1            310           -10.7           101.5
       200   0.2            305           -10.9           102.0
Loop time of 1.0 on 1 procs for 100 steps with 2 atoms
"""
    df = parse_thermo(log)
    assert list(df.columns) == ["Step", "Time", "Temp", "PotEng", "Volume"]
    assert df["Step"].tolist() == [0, 100, 100, 200]
    assert df["Volume"].iloc[-1] == 102.0
    assert parse_thermo("no thermo here").empty


def test_thermo_table_joins_segments_once_per_step(tmp_path):
    from seiflow.md.lammps import thermo_table

    head = "Step Time PotEng Volume\n"
    (tmp_path / "equilibration.log").write_text(head + "0 0 -1 10\n100 0.1 -2 10\nLoop time x\n")
    (tmp_path / "segment.300.log").write_text(head + "200 0.2 -3 11\n300 0.3 -4 12\nLoop time\n")
    (tmp_path / "segment.200.log").write_text(head + "100 0.1 -2 10\n200 0.2 -3 11\nLoop time\n")
    df = thermo_table(tmp_path)
    assert df["Step"].tolist() == [0, 100, 200, 300]
    assert df["Volume"].tolist() == [10, 10, 11, 12]
    with pytest.raises(ValueError, match="no LAMMPS thermo"):
        thermo_table(tmp_path / "missing")


def _fake_run(md_dir):
    """Files a half-finished segmented run leaves (equilibration + one NPT segment)."""
    for name in ("restart.100", "restart.300", "dump.0.lammpstrj", "dump.100.lammpstrj",
                 "dump.300.lammpstrj.part", "equilibration.in", "equilibration.log",
                 "segment.100.in", "segment.100.log"):
        (md_dir / name).write_text("x")
    (md_dir / "md.done").write_text("other rule's output")


def _fingerprint(tmp_path, model_text="model A", **md_over):
    from seiflow.md.lammps import run_fingerprint

    (tmp_path / "model.pth").write_text(model_text)
    (tmp_path / "conf.lmp").write_text("data")
    md = {"timestep_fs": 1.0, "nvt_steps": 100, "npt_steps": 1000, "segment_steps": 200,
          "dump_every": 10, "mpi_ranks": 1, "pressure_bar": 1.0, **md_over}
    return run_fingerprint(tmp_path / "conf.lmp", tmp_path / "model.pth", ["Li", "S"], md,
                           300.0, 7)


def test_clear_stale_run_keeps_a_run_with_the_same_inputs(tmp_path):
    """Same model and settings (a longer npt_steps, other ranks): the run resumes."""
    from seiflow.md.lammps import clear_stale_run, completed_step

    md_dir = tmp_path / "md"
    md_dir.mkdir()
    assert clear_stale_run(md_dir, _fingerprint(tmp_path)) == []  # fresh: nothing to remove
    _fake_run(md_dir)
    extended = _fingerprint(tmp_path, npt_steps=5000, mpi_ranks=4, segment_steps=500)
    assert clear_stale_run(md_dir, extended) == []
    assert completed_step(md_dir) == 300


def test_clear_stale_run_removes_the_segments_of_another_model(tmp_path):
    """A retrained model (other SHA-256) must not continue the old trajectory."""
    from seiflow.md.lammps import RUN_INPUTS_FILE, clear_stale_run, completed_step

    md_dir = tmp_path / "md"
    md_dir.mkdir()
    clear_stale_run(md_dir, _fingerprint(tmp_path))
    _fake_run(md_dir)
    removed = clear_stale_run(md_dir, _fingerprint(tmp_path, model_text="model B"))
    assert len(removed) == 9
    assert completed_step(md_dir) is None
    assert sorted(p.name for p in md_dir.iterdir()) == ["md.done", RUN_INPUTS_FILE]


def test_clear_stale_run_removes_a_run_without_a_record(tmp_path):
    """Segments from before run_inputs.json existed cannot be trusted: start over."""
    from seiflow.md.lammps import clear_stale_run

    md_dir = tmp_path / "md"
    md_dir.mkdir()
    _fake_run(md_dir)
    assert "restart.300" in clear_stale_run(md_dir, _fingerprint(tmp_path))


def test_run_fingerprint_sees_trajectory_settings(tmp_path):
    """Trajectory settings (timestep, dump cadence) change the fingerprint; the run length not."""
    base = _fingerprint(tmp_path)
    assert _fingerprint(tmp_path, timestep_fs=0.5) != base
    assert _fingerprint(tmp_path, dump_every=20) != base
    assert _fingerprint(tmp_path, npt_steps=99) == base


def _finished_run(md_dir: Path, nvt=200, seg=500, n_seg=2):
    """Files of a finished segmented run: equilibration to nvt, then n_seg segments."""
    md_dir.mkdir(exist_ok=True)
    (md_dir / "dump.0.lammpstrj").write_text("x")
    (md_dir / f"restart.{nvt}").write_text("x")
    for k in range(n_seg):
        start = nvt + k * seg
        for name in (f"dump.{start}.lammpstrj", f"segment.{start}.in", f"segment.{start}.log",
                     f"restart.{start + seg}"):
            (md_dir / name).write_text("x")


def test_shortened_run_is_cut_back_to_its_new_end(tmp_path):
    """npt_steps shortened after a finished 200 + 2 x 500 step run (issue 19): the run keeps
    its trajectory up to the new end, a segment boundary, and drops what came after."""
    from seiflow.md.lammps import completed_step, segment_dumps, truncate_run

    _finished_run(tmp_path)
    assert truncate_run(tmp_path, 1200) == []  # not shorter: nothing to do
    removed = truncate_run(tmp_path, 700)
    assert sorted(removed) == ["dump.700.lammpstrj", "restart.1200", "segment.700.in",
                               "segment.700.log"]
    assert completed_step(tmp_path) == 700
    assert [Path(p).name for p in segment_dumps(tmp_path)] == ["dump.0.lammpstrj",
                                                                "dump.200.lammpstrj"]


def test_shortened_run_off_a_segment_boundary_is_refused(tmp_path):
    from seiflow.md.lammps import truncate_run

    _finished_run(tmp_path)
    with pytest.raises(ValueError, match=r"reached step 1200.*\[200, 700, 1200\]"):
        truncate_run(tmp_path, 500)
    assert (tmp_path / "restart.1200").exists()  # nothing removed


def test_progress_line_reports_speed_and_eta():
    from seiflow.md.lammps import progress_line

    line = progress_line(700, 1200, {"wall_s": 50.0, "steps": 500}, 1.0)
    # 0.1 s/step at 1 fs: 864,000 steps/day = 0.864 ns/day; 500 steps left = 50 s
    assert line == "step 700/1200 (58 %), 0.864 ns/day, ETA 0.8 min"
    assert progress_line(200, 1200, None, 1.0) == "step 200/1200 (17 %)"
