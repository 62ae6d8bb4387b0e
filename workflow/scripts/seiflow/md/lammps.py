"""Production MD with LAMMPS ``pair_style deepmd``, run in restartable segments.

Protocol (Ding et al., paper 001, methods): velocities at T, NVT equilibration, then NPT
with Nosé–Hoover thermostat and barostat (time constants 0.1 ps and 1 ps). Every segment is
its own LAMMPS process that starts from ``restart.<step>`` and writes ``restart.<step+n>``;
a killed run resumes from the last finished segment. Each segment writes its own dump file,
renamed from ``*.part`` only after LAMMPS finished, so a dump file on disk is always complete.
A run resumes only with the inputs it started with: ``run_inputs.json`` records the SHA-256 of
the model and data file and every setting that changes the trajectory; when a rerun brings
other inputs (a retrained model, say) the stale segments are removed and the run starts over
(:func:`clear_stale_run`). ``npt_steps`` is not part of it, so a run can be extended.

The timestep counter runs on from the NVT equilibration into NPT (no reset): Li and the
electrolyte react from the first step of contact, so the SEI clock starts at step 0 and the
equilibration is dumped too (``dump.0.lammpstrj``).
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pandas as pd

from seiflow.config.job_resources import mpi_command
from seiflow.provenance import sha256

_RESTART_RE = re.compile(r"restart\.(\d+)$")
_LOOP_RE = re.compile(
    r"Loop time of ([0-9.eE+-]+) on (\d+) procs for (\d+) steps with (\d+) atoms"
)


def _header(pair_model: str, type_map: list[str], timestep_ps: float) -> str:
    return (
        f"pair_style deepmd {pair_model}\n"
        f"pair_coeff * * {' '.join(type_map)}\n"
        "neighbor 1.0 bin\n"
        "neigh_modify every 1 delay 0 check yes\n"
        f"timestep {timestep_ps:.6g}\n"
        "thermo_style custom step time temp pe ke etotal press vol lx ly lz\n"
        "thermo_modify lost error flush yes\n"
    )


def _start_from_data(data_file: str, model: str, type_map: list[str], timestep_ps: float,
                     thermo_every: int, temperature_K: float, seed: int) -> str:
    """Read an ``atom_style atomic`` data file, set up the DeePMD pair style and thermo output,
    and draw Gaussian velocities at ``temperature_K`` (seed folded into 1 .. 2^31 - 2)."""
    seed = int(seed) % (2**31 - 1) or 1
    return (
        "units metal\natom_style atomic\nboundary p p p\n"
        f"read_data {data_file}\n"
        + _header(model, type_map, timestep_ps)
        + f"thermo {thermo_every}\n"
        f"velocity all create {temperature_K} {seed} dist gaussian mom yes rot no\n"
    )


def equilibration_input(data_file: str, model: str, type_map: list[str], temperature_K: float,
                        timestep_ps: float, nvt_steps: int, seed: int, restart_out: str,
                        thermo_every: int = 100, dump_every: int | None = None,
                        dump_file: str | None = None, frozen_ids=None,
                        freeze_z_only: bool = False) -> str:
    """LAMMPS input of the NVT equilibration (steps 0..nvt_steps) ending in ``restart_out``.

    Parameters
    ----------
    data_file : str
        ``atom_style atomic`` data file whose types follow ``type_map``.
    model : str
        DeePMD model file (``.pth``).
    temperature_K : float
        Target temperature (K); Gaussian velocities with zero total momentum.
    timestep_ps : float
        MD time step (ps, LAMMPS metal units).
    nvt_steps : int
        Nosé–Hoover NVT steps (tdamp 0.1 ps); 0 only assigns velocities.
    seed : int
        Velocity seed (1 <= seed < 2^31 after folding).
    dump_every, dump_file : int, str, optional
        Trajectory dump of the equilibration (same columns as :func:`npt_segment_input`).
    frozen_ids, freeze_z_only : optional
        Atom ids held fixed (:func:`freeze_commands`); None (default) adds nothing, so the
        input is the same as without these arguments.

    Returns
    -------
    str
        LAMMPS input text.
    """
    dump = _dump(dump_every, dump_file, type_map) if dump_file else ""
    freeze = "" if frozen_ids is None else freeze_commands(
        frozen_ids, freeze_z_only, ["thermo_temp", "eq_temp"], zero_velocities=True)
    return (
        _start_from_data(data_file, model, type_map, timestep_ps, thermo_every,
                         temperature_K, seed)
        + f"fix eq all nvt temp {temperature_K} {temperature_K} 0.1\n"
        + freeze
        + dump
        + f"run {int(nvt_steps)}\n"
        "unfix eq\n"
        f"write_restart {restart_out}\n"
    )


def _dump(dump_every: int, dump_file: str, type_map: list[str]) -> str:
    # c_pe: per-atom potential energy (eV) of the DeePMD model (paper 000 Fig 2 profiles)
    return (
        "compute pe all pe/atom\n"
        f"dump traj all custom {int(dump_every)} {dump_file} id type element x y z c_pe\n"
        f"dump_modify traj element {' '.join(type_map)} sort id\n"
    )


def id_ranges(ids) -> str:
    """Atom ids (1-based) as LAMMPS ``group ... id`` arguments, runs joined as ``a:b``."""
    ids = sorted({int(i) for i in ids})
    if not ids or ids[0] < 1:
        raise ValueError("ids must be a non-empty set of positive LAMMPS atom ids")
    out, start, prev = [], ids[0], ids[0]
    for i in ids[1:] + [None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        out.append(str(start) if start == prev else f"{start}:{prev}")
        if i is not None:
            start = prev = i
    return " ".join(out)


def freeze_commands(frozen_ids, z_only: bool, temp_computes: list[str],
                    zero_velocities: bool) -> str:
    """LAMMPS commands holding the atoms ``frozen_ids`` fixed (paper 000, Methods: the top and
    bottom 7 Å of the Li|glass slab "frozen along the z axis").

    ``fix setforce`` zeroes their force (z only when ``z_only``, else all components) and,
    after ``velocity all create``, ``velocity set`` zeroes the same velocity components, so
    the Nosé–Hoover integrator (which scales v and adds f dt/m) never moves them except by
    the barostat's affine box rescaling.  The removed degrees of freedom (n or 3 n, plus the
    default 3 of the total momentum) are taken out of every temperature compute in
    ``temp_computes`` (``compute_modify extra/dof``), so the thermostat holds the *mobile*
    atoms at T.

    Parameters
    ----------
    frozen_ids : iterable of int
        1-based LAMMPS atom ids (data-file order).
    z_only : bool
        Freeze z only (x, y free) or all three components.
    temp_computes : list of str
        Temperature compute ids to correct (``thermo_temp`` and ``<fix-id>_temp``).
    zero_velocities : bool
        Also zero the frozen velocity components (needed after ``velocity create``; restart
        files carry the zeroed velocities).
    """
    ids = sorted({int(i) for i in frozen_ids})
    comp = "NULL NULL 0.0" if z_only else "0.0 0.0 0.0"
    dof = 3 + len(ids) * (1 if z_only else 3)
    text = f"group frozen id {id_ranges(ids)}\n"
    if zero_velocities:
        text += f"velocity frozen set {comp}\n"
    text += f"fix freeze frozen setforce {comp}\n"
    for c in temp_computes:
        text += f"compute_modify {c} extra/dof {dof}\n"
    return text


def bulk_npt_input(data_file: str, model: str, type_map: list[str], temperature_K: float,
                   pressure_bar: float, timestep_ps: float, n_steps: int, dump_every: int,
                   dump_file: str, seed: int, thermo_every: int = 100) -> str:
    """LAMMPS input of a bulk NPT run from a crystal (isotropic Nosé–Hoover, tdamp 0.1 ps,
    pdamp 1 ps), dumped every ``dump_every`` steps (columns of :func:`npt_segment_input`).
    Used for the melting check of a model (paper 001 Fig. S5)."""
    return (
        _start_from_data(data_file, model, type_map, timestep_ps, thermo_every,
                         temperature_K, seed)
        + f"fix md all npt temp {temperature_K} {temperature_K} 0.1 "
        f"iso {pressure_bar} {pressure_bar} 1.0\n"
        + _dump(dump_every, dump_file, type_map)
        + f"run {int(n_steps)}\n"
    )


def npt_segment_input(restart_in: str, model: str, type_map: list[str], temperature_K: float,
                      pressure_bar: float, timestep_ps: float, n_steps: int, dump_every: int,
                      dump_file: str, restart_out: str, thermo_every: int = 100,
                      frozen_ids=None, freeze_z_only: bool = False) -> str:
    """LAMMPS input of one NPT segment (Nosé–Hoover, tdamp 0.1 ps, pdamp 1 ps, ``aniso``).

    ``frozen_ids`` (default None: nothing added) holds those atoms fixed in every segment
    (:func:`freeze_commands`; their zeroed velocities come with the restart file).

    The dump has columns ``id type element x y z c_pe`` (Å; per-atom potential energy in eV,
    ``compute pe/atom``) sorted by id; ``element`` carries the symbols so analyses never guess
    the type order. The thermostat/barostat state travels in
    the restart files (same fix ID in every segment).
    """
    return (
        f"read_restart {restart_in}\n"
        + _header(model, type_map, timestep_ps)
        + f"thermo {thermo_every}\n"
        f"fix prod all npt temp {temperature_K} {temperature_K} 0.1 "
        f"aniso {pressure_bar} {pressure_bar} 1.0\n"
        + ("" if frozen_ids is None else freeze_commands(
            frozen_ids, freeze_z_only, ["thermo_temp", "prod_temp"], zero_velocities=False))
        + _dump(dump_every, dump_file, type_map)
        + f"run {int(n_steps)}\n"
        f"write_restart {restart_out}\n"
    )


def completed_step(md_dir: str | Path) -> int | None:
    """Timestep of the newest finished restart file in ``md_dir`` (None if none)."""
    steps = [int(m.group(1)) for p in glob.glob(os.path.join(str(md_dir), "restart.*"))
             if (m := _RESTART_RE.search(p))]
    return max(steps) if steps else None


RUN_INPUTS_FILE = "run_inputs.json"
# settings that do not change the trajectory so far: a run resumes across changes of these
_RESUMABLE_MD_KEYS = ("npt_steps", "segment_steps", "mpi_ranks")
# files of a run that belong to its inputs (removed when the inputs change)
_RUN_STATE_GLOBS = ("restart.*", "dump.*.lammpstrj*", "segment.*.in", "segment.*.log",
                    "equilibration.in", "equilibration.log")


def run_fingerprint(data_file: str | Path, model: str | Path, type_map: list[str], md: dict,
                    temperature_K: float, seed: int, frozen_ids=None,
                    freeze_z_only: bool = False) -> dict:
    """Everything a segmented MD run's trajectory depends on, as a JSON-able dict.

    Holds the SHA-256 of ``data_file`` and ``model`` (not their paths or times), the type map,
    the temperature, the velocity seed, the frozen atoms and every ``md`` setting except
    ``npt_steps``, ``segment_steps`` and ``mpi_ranks`` (a longer run, other segment lengths or
    rank counts continue the same trajectory).
    """
    return {
        "data_sha256": sha256(data_file),
        "model_sha256": sha256(model),
        "type_map": list(type_map),
        "md": {k: md[k] for k in sorted(md) if k not in _RESUMABLE_MD_KEYS},
        "temperature_K": float(temperature_K),
        "seed": int(seed),
        "frozen_ids": None if frozen_ids is None else sorted(int(i) for i in set(frozen_ids)),
        "freeze_z_only": bool(freeze_z_only),
    }


def clear_stale_run(md_dir: str | Path, fingerprint: dict) -> list[str]:
    """Remove the segments of a run in ``md_dir`` that started from other inputs.

    A run resumes from its newest restart file only if ``run_inputs.json`` in ``md_dir``
    equals ``fingerprint`` (:func:`run_fingerprint`); otherwise (other model or settings, or a
    run from before fingerprints were recorded) its restart, dump and segment files are
    removed, as Snakemake removes the outputs of a job it reruns. ``run_inputs.json`` is then
    (re)written.

    Returns
    -------
    list of str
        Names of the removed files (empty when the run resumes or starts fresh).
    """
    md_dir = Path(md_dir)
    record = md_dir / RUN_INPUTS_FILE
    old = json.loads(record.read_text()) if record.is_file() else None
    removed = []
    if old != fingerprint:
        for pattern in _RUN_STATE_GLOBS:
            for path in sorted(md_dir.glob(pattern)):
                path.unlink()
                removed.append(path.name)
    record.write_text(json.dumps(fingerprint, indent=1, sort_keys=True))
    return removed


def truncate_run(md_dir: str | Path, end_step: int) -> list[str]:
    """Cut a run on disk back to ``end_step`` when the config asks for a shorter run.

    A run that went past ``end_step`` (``npt_steps`` shortened after it finished) keeps its
    trajectory up to ``end_step`` when that step is one of its segment boundaries (a
    ``restart.<end_step>`` file exists): the restart files after it and the dumps and segment
    inputs / logs that start at or after it are removed. Nothing is removed when the run does
    not go past ``end_step``.

    Returns
    -------
    list of str
        Names of the removed files.

    Raises
    ------
    ValueError
        If the run went past ``end_step`` and ``end_step`` is not one of its segment
        boundaries (the message lists them).
    """
    md_dir = Path(md_dir)
    boundaries = sorted(int(m.group(1)) for p in md_dir.glob("restart.*")
                        if (m := _RESTART_RE.search(p.name)))
    if not boundaries or boundaries[-1] <= end_step:
        return []
    done = boundaries[-1]  # completed_step(md_dir)
    if end_step not in boundaries:
        raise ValueError(
            f"{md_dir}: the run on disk reached step {done}, past the configured end "
            f"(nvt_steps + npt_steps = {end_step}), which is not one of its segment boundaries "
            f"{boundaries}: set npt_steps so that the end is one of them, or remove {md_dir} "
            "to start the run over"
        )
    removed = []
    for path in sorted(md_dir.iterdir()):
        name = path.name
        m = _RESTART_RE.search(name)
        if m and int(m.group(1)) > end_step:
            removed.append(name)
        elif re.fullmatch(r"(dump|segment)\.(\d+)\..*", name) and \
                int(name.split(".")[1]) >= end_step:
            removed.append(name)
    for name in removed:
        (md_dir / name).unlink()
    return removed


def segment_dumps(md_dir: str | Path) -> list[str]:
    """Finished segment dump files in time order."""
    files = glob.glob(os.path.join(str(md_dir), "dump.*.lammpstrj"))
    return sorted(files, key=lambda p: int(Path(p).name.split(".")[1]))


def parse_loop_time(log_text: str) -> list[dict]:
    """Performance lines of a LAMMPS log: wall seconds, ranks, steps, atoms, atom-steps/s."""
    out = []
    for m in _LOOP_RE.finditer(log_text):
        wall, procs, steps, atoms = float(m[1]), int(m[2]), int(m[3]), int(m[4])
        out.append({"wall_s": wall, "mpi_ranks": procs, "steps": steps, "atoms": atoms,
                    "atom_steps_per_s": steps * atoms / wall if wall > 0 else float("nan")})
    return out


def dump_steps(md: dict) -> list[int]:
    """Dumped timesteps of a production run: 0, dump_every, ..., nvt_steps + npt_steps (one
    clock from the first contact, equilibration included)."""
    return list(range(0, md["nvt_steps"] + md["npt_steps"] + 1, md["dump_every"]))


def dump_times_ps(md: dict) -> list[float]:
    """Times (ps) of the dumped frames of :func:`dump_steps`."""
    return [s * md["timestep_fs"] / 1000.0 for s in dump_steps(md)]


def run_frames(md_dir: str | Path, type_map: list[str], md: dict):
    """Frames of a production run in time order, streamed from its segment dumps.

    Segments share their boundary frame; each timestep is yielded once.

    Yields
    ------
    (ase.Atoms, float)
        Frame (see :func:`seiflow.analysis.sei_formation.iter_lammps_dump`) and its time (ps).

    Raises
    ------
    RuntimeError
        If the dumped timesteps differ from :func:`dump_steps` (a missing or foreign
        segment), so times are never silently shifted.
    """
    from seiflow.analysis.sei_formation import iter_lammps_dump

    expected = iter(zip(dump_steps(md), dump_times_ps(md)))
    last = -1
    for dump in segment_dumps(md_dir):
        for atoms in iter_lammps_dump(dump, type_map=type_map):
            step = int(atoms.info["timestep"])
            if step <= last:
                continue
            want, time_ps = next(expected, (None, None))
            if step != want:
                raise RuntimeError(f"{dump}: frame at step {step}, expected step {want}")
            last = step
            yield atoms, time_ps
    missing = next(expected, None)
    if missing is not None:
        raise RuntimeError(f"{md_dir}: trajectory ends before step {missing[0]}")


def write_lammps_data(atoms, type_map: list[str], path) -> None:
    """LAMMPS data file (``atom_style atomic``, types in ``type_map`` order, masses)."""
    import ase.io

    ase.io.write(path, atoms, format="lammps-data", specorder=list(type_map),
                 atom_style="atomic", masses=True)


def write_md_cell(atoms, info: dict, type_map: list[str], out_data: str, out_info: str,
                  out_poscar: str) -> None:
    """Write a production-MD cell: LAMMPS data file (:func:`write_lammps_data`), POSCAR
    (fractional, atom order kept) and its info JSON (also printed)."""
    import ase.io

    write_lammps_data(atoms, type_map, out_data)
    ase.io.write(out_poscar, atoms, format="vasp", direct=True, sort=False)
    with open(out_info, "w") as fh:
        json.dump(info, fh, indent=2, default=float)
    print(json.dumps(info, indent=2, default=float))


def parse_thermo(log_text: str) -> pd.DataFrame:
    """Thermo output of a LAMMPS log as a table.

    Reads every block between a header line starting with ``Step`` and the following
    ``Loop time`` line (``thermo_style custom step time temp pe ke etotal press vol lx ly lz``
    prints ``Step Time Temp PotEng KinEng TotEng Press Volume Lx Ly Lz``).

    Returns
    -------
    pandas.DataFrame
        One row per thermo line, columns as printed by LAMMPS (metal units: time ps,
        energies eV, pressure bar, volume Å^3, lengths Å). Empty if the log has no block.
    """
    blocks, rows, header = [], [], None
    for line in log_text.splitlines() + ["Loop time"]:
        fields = line.split()
        if fields[:1] == ["Step"] or line.startswith("Loop time"):
            if header and rows:
                blocks.append(pd.DataFrame(rows, columns=header))
            header, rows = (fields if fields[:1] == ["Step"] else None), []
            continue
        if header is None or len(fields) != len(header):
            continue
        try:
            rows.append([float(x) for x in fields])
        except ValueError:
            continue
    return pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame()


def thermo_table(md_dir: str | Path) -> pd.DataFrame:
    """Thermo output of the equilibration and every finished segment of a production run,
    one row per step (segments share boundary steps; the later segment's row is dropped)."""
    md_dir = Path(md_dir)
    logs = [md_dir / "equilibration.log"] + sorted(
        md_dir.glob("segment.*.log"), key=lambda p: int(p.name.split(".")[1]))
    frames = [parse_thermo(p.read_text()) for p in logs if p.exists()]
    frames = [f for f in frames if not f.empty]
    if not frames:
        raise ValueError(f"{md_dir}: no LAMMPS thermo output found")
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates(subset="Step", keep="first").reset_index(drop=True)


def run_lammps(input_text: str, workdir: Path, name: str, lmp_cmd: list[str]) -> list[dict]:
    """Write ``<name>.in``, run LAMMPS in ``workdir`` and return its loop-time records.

    Raises
    ------
    subprocess.CalledProcessError
        If LAMMPS fails (e.g. lost atoms of an exploding model); the log stays on disk.
    """
    (workdir / f"{name}.in").write_text(input_text)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "DP_INTRA_OP_PARALLELISM_THREADS": "1",
           "DP_INTER_OP_PARALLELISM_THREADS": "1"}
    subprocess.run([*lmp_cmd, "-in", f"{name}.in", "-log", f"{name}.log", "-screen", "none"],
                   cwd=workdir, check=True, env=env)
    return parse_loop_time((workdir / f"{name}.log").read_text())


def run_production(md_dir: str | Path, data_file: str, model: str, type_map: list[str],
                   md: dict, temperature_K: float, seed: int, frozen_ids=None,
                   freeze_z_only: bool = False, launcher: str | None = "mpirun") -> dict:
    """Run or resume the segmented production MD in ``md_dir``.

    Parameters
    ----------
    md_dir : path
        Work folder of this temperature (created if needed).
    data_file, model : str
        LAMMPS data file and DeePMD model (made absolute here).
    md : dict
        ``timestep_fs``, ``nvt_steps``, ``npt_steps``, ``segment_steps``, ``dump_every``,
        ``mpi_ranks``, ``pressure_bar``.
    temperature_K : float
    seed : int
        Velocity seed.
    frozen_ids, freeze_z_only : optional
        1-based atom ids held fixed in the equilibration and every segment
        (:func:`freeze_commands`, paper 000's frozen boundary layers); None (default):
        no atom is frozen and the inputs are unchanged.
    launcher : str or None
        MPI launcher when ``md["mpi_ranks"]`` > 1 (the rule's ``resources.mpi``: ``mpirun``
        locally, ``srun`` in a Slurm allocation; :func:`seiflow.config.job_resources.mpi_command`).

    Returns
    -------
    dict
        Steps done, segments, wall time (s), performance records of every segment run now.
    """
    md_dir = Path(md_dir)
    md_dir.mkdir(parents=True, exist_ok=True)
    data_file, model = os.path.abspath(data_file), os.path.abspath(model)
    stale = clear_stale_run(md_dir, run_fingerprint(data_file, model, type_map, md,
                                                    temperature_K, seed, frozen_ids,
                                                    freeze_z_only))
    if stale:
        print(f"{md_dir}: inputs differ from run_inputs.json of the run on disk; removed "
              f"{len(stale)} stale files ({', '.join(stale[:4])}{', ...' if len(stale) > 4 else ''})"
              " and starting over", flush=True)
    run_end = int(md["nvt_steps"]) + int(md["npt_steps"])
    cut = truncate_run(md_dir, run_end)
    if cut:
        print(f"{md_dir}: the run on disk went past the configured end (step {run_end}); kept "
              f"its trajectory up to step {run_end} and removed {len(cut)} later files",
              flush=True)
    lmp_cmd = mpi_command("lmp", int(md["mpi_ranks"]), launcher)
    dt_ps = float(md["timestep_fs"]) / 1000.0
    t0 = time.time()
    perf = []
    nvt = int(md["nvt_steps"])
    if completed_step(md_dir) is None:
        perf += run_lammps(
            equilibration_input(data_file, model, type_map, temperature_K, dt_ps, nvt, seed,
                                f"restart.{nvt}.tmp", dump_every=md["dump_every"],
                                dump_file="dump.0.lammpstrj.part", frozen_ids=frozen_ids,
                                freeze_z_only=freeze_z_only),
            md_dir, "equilibration", lmp_cmd)
        os.replace(md_dir / "dump.0.lammpstrj.part", md_dir / "dump.0.lammpstrj")
        os.replace(md_dir / f"restart.{nvt}.tmp", md_dir / f"restart.{nvt}")
    while (step := completed_step(md_dir)) < nvt + md["npt_steps"]:
        end = step + int(md["segment_steps"])
        part = f"dump.{step}.lammpstrj.part"
        perf += run_lammps(
            npt_segment_input(f"restart.{step}", model, type_map, temperature_K,
                              md["pressure_bar"], dt_ps, md["segment_steps"], md["dump_every"],
                              part, f"restart.{end}.tmp", frozen_ids=frozen_ids,
                              freeze_z_only=freeze_z_only),
            md_dir, f"segment.{step}", lmp_cmd)
        os.replace(md_dir / part, md_dir / f"dump.{step}.lammpstrj")
        os.replace(md_dir / f"restart.{end}.tmp", md_dir / f"restart.{end}")
        print(progress_line(end, run_end, perf[-1] if perf else None,
                            float(md["timestep_fs"])), flush=True)
    return {"last_step": completed_step(md_dir), "nvt_steps": nvt,
            "timestep_fs": md["timestep_fs"],
            "temperature_K": temperature_K, "segments": len(segment_dumps(md_dir)),
            **({} if frozen_ids is None else {"n_frozen": len(set(frozen_ids)),
                                              "freeze_z_only": bool(freeze_z_only)}),
            "stale_files_removed": len(stale),
            "wall_s_this_call": time.time() - t0, "performance": perf}


def progress_line(step: int, end_step: int, perf: dict | None, timestep_fs: float) -> str:
    """One progress line of a segmented run: step, share done, ns/day and ETA of the rest.

    Parameters
    ----------
    step, end_step : int
        Step reached and last step of the run.
    perf : dict or None
        :func:`parse_loop_time` record of the segment just run (``wall_s``, ``steps``).
    timestep_fs : float
        MD timestep (fs).
    """
    line = f"step {step}/{end_step} ({100.0 * step / end_step:.0f} %)"
    if perf and perf.get("wall_s", 0) > 0 and perf.get("steps", 0) > 0:
        s_per_step = perf["wall_s"] / perf["steps"]
        ns_day = 86400.0 / s_per_step * timestep_fs * 1e-6
        eta_min = (end_step - step) * s_per_step / 60.0
        line += f", {ns_day:.3g} ns/day, ETA {eta_min:.1f} min"
    return line


def write_summary(summary: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(summary, indent=2))
