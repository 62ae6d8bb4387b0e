"""Reproducibility audit: compare the tables of two runs of the workflow.

``make audit`` runs the ``test`` scale twice — once in place (``results/test``, reused when it
exists) and once in a fresh copy of the tracked files — and compares every CSV/JSON table of the
second run with the first (:func:`compare_trees`). Differences are listed by file.

What is compared
----------------
* Every ``*.csv`` under the results folder (figures' data, tables, analyses) and every ``*.json``
  except the provenance records (they hold timestamps and checksums by design). JSON files are
  compared by content with the run's own folder path replaced by a token (DP-GEN's machine
  file holds absolute work folders).
* Bit identity first (SHA-256). Where bytes differ, a CSV is compared column by column:
  non-numeric columns must be equal; numeric columns must satisfy
  ``|new - ref| <= atol + rtol * |ref|`` (``numpy.isclose``), NaN equal to NaN.
* Columns that measure wall-clock time (names matching :data:`WALL_TIME_COLUMNS`) are not
  compared: they change from run to run on any machine.

Why a tolerance at all: the workflow seeds every random choice (structure disorder, rattling,
DP-GEN, DeePMD-kit training, LAMMPS velocities), but multi-threaded reductions in PyTorch
(training, model deviation) and MPI domain decomposition in LAMMPS sum floating-point numbers in
an order that can change between runs, so bit identity is only expected with one thread per
process. The tolerance is a command-line/Make variable and is printed in the report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Difference", "compare_tables", "compare_trees", "is_timing_field",
           "is_uncompared_field", "UNSTABLE_CHECKSUM_FIELDS", "TIMING_FIELDS",
           "WALL_TIME_COLUMNS", "main"]

#: Column names that hold wall-clock timings, never compared (regular expression, full match).
WALL_TIME_COLUMNS = re.compile(r"(wall.*|.*_wall(_s)?|.*wall_time.*|.*seconds_wall.*|elapsed.*)",
                               re.IGNORECASE)

#: Timing fields whose names the pattern above does not catch, with their writers: the DP-GEN
#: stage wall times of al_report.csv (seiflow.model.al_report: train_s, exploration_s, labelling_s,
#: total_s; unix_time_s of dpgen/stage_times.tsv), LAMMPS speed of the model checks
#: (model_stability.json / li_melting: atom_steps_per_s) and the oracle benchmark's cost per frame.
TIMING_FIELDS = frozenset({"train_s", "exploration_s", "labelling_s", "total_s", "unix_time_s",
                           "atom_steps_per_s", "reference_seconds_per_frame",
                           "seconds_per_frame"})


#: Checksums of files whose bytes differ between identical runs, never compared: a TorchScript
#: model (DeePMD-kit's frozen / compressed ``.pth``) holds a random ``serialization_id`` and,
#: in its debug pickles, the absolute paths of the installed deepmd sources; its predictions
#: (``model_rmse.csv``, every MD table) are compared instead. Writer: ``run_inputs.json`` of
#: every MD run (seiflow.md.lammps, the restart guard).
UNSTABLE_CHECKSUM_FIELDS = frozenset({"model_sha256"})


def is_timing_field(name: str) -> bool:
    """True for a column / JSON key that holds a wall-clock timing (never compared)."""
    return str(name) in TIMING_FIELDS or bool(WALL_TIME_COLUMNS.fullmatch(str(name)))


def is_uncompared_field(name: str) -> bool:
    """True for a JSON key the audit never compares: a timing (:func:`is_timing_field`) or the
    checksum of a file whose bytes are not reproducible (:data:`UNSTABLE_CHECKSUM_FIELDS`)."""
    return is_timing_field(name) or str(name) in UNSTABLE_CHECKSUM_FIELDS


#: Files never compared: provenance records carry timestamps and checksums by design.
SKIP_FILES = re.compile(r"(^|/)(provenance\.json|provenance/.*\.json|.*\.provenance\.json)$")


@dataclass(frozen=True)
class Difference:
    """One file that differs between the reference and the new run.

    Attributes
    ----------
    path : str
        Path relative to the compared folders.
    status : str
        ``"missing"`` (only in the reference), ``"extra"`` (only in the new run),
        ``"differs"`` (beyond tolerance) or ``"within_tolerance"`` (bytes differ, numbers agree).
    detail : str
        Human-readable reason (columns and the largest deviation).
    """

    path: str
    status: str
    detail: str = ""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compare_tables(ref: pd.DataFrame, new: pd.DataFrame, rtol: float, atol: float) -> str | None:
    """Compare two tables column by column.

    Parameters
    ----------
    ref, new : pandas.DataFrame
        Tables of the reference and the new run.
    rtol, atol : float
        Relative and absolute tolerance for numeric columns (``numpy.isclose``).

    Returns
    -------
    str or None
        ``None`` when the tables agree (wall-time columns ignored), else a description of the
        first disagreement (shape, columns, or the column with the largest deviation).

    Raises
    ------
    ValueError
        If a tolerance is negative.
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"tolerances must be non-negative, got rtol={rtol}, atol={atol}")
    if list(ref.columns) != list(new.columns):
        return f"columns differ: {list(ref.columns)} vs {list(new.columns)}"
    if ref.shape != new.shape:
        return f"shape differs: {ref.shape} vs {new.shape}"
    problems = []
    for col in ref.columns:
        if is_timing_field(col):
            continue
        a, b = ref[col], new[col]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
            ok = np.isclose(y, x, rtol=rtol, atol=atol, equal_nan=True)
            if not ok.all():
                dev = np.nanmax(np.abs(y - x)[~ok])
                problems.append(f"{col}: {int((~ok).sum())} value(s) off, max |diff| {dev:.3g}")
        elif not a.astype(str).equals(b.astype(str)):
            problems.append(f"{col}: text values differ")
    return "; ".join(problems) or None


def _files(root: Path) -> dict[str, Path]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and p.suffix in (".csv", ".json") and not SKIP_FILES.search(rel):
            out[rel] = p
    return out


def compare_trees(ref_dir: str | Path, new_dir: str | Path, rtol: float = 1e-6,
                  atol: float = 1e-9) -> tuple[list[Difference], int]:
    """Compare every table (CSV / JSON) of two results folders.

    Parameters
    ----------
    ref_dir, new_dir : path
        The reference results folder and the one of the rerun (e.g. ``results/test``).
    rtol, atol : float
        Tolerances for numeric CSV columns, see :func:`compare_tables`.

    Returns
    -------
    (differences, n_compared)
        Every file that is not bit-identical (``within_tolerance`` entries included, so the
        report shows them), and the number of files compared.

    Raises
    ------
    FileNotFoundError
        If either folder does not exist.
    """
    ref_dir, new_dir = Path(ref_dir), Path(new_dir)
    for d in (ref_dir, new_dir):
        if not d.is_dir():
            raise FileNotFoundError(f"results folder {d} does not exist")
    ref, new = _files(ref_dir), _files(new_dir)
    diffs = [Difference(p, "missing", "only in the reference run") for p in ref if p not in new]
    diffs += [Difference(p, "extra", "only in the new run") for p in new if p not in ref]
    for rel in sorted(set(ref) & set(new)):
        if _sha256(ref[rel]) == _sha256(new[rel]):
            continue
        if rel.endswith(".csv"):
            problem = compare_tables(pd.read_csv(ref[rel]), pd.read_csv(new[rel]), rtol, atol)
            diffs.append(Difference(rel, "differs", problem) if problem
                         else Difference(rel, "within_tolerance", f"rtol={rtol}, atol={atol}"))
        elif _json_without_run_root(ref[rel], ref_dir) != _json_without_run_root(new[rel], new_dir):
            diffs.append(Difference(rel, "differs", "JSON content differs"))
        else:
            diffs.append(Difference(rel, "within_tolerance", "same up to the run folder's path"))
    return diffs, len(set(ref) | set(new))


def _json_without_run_root(path: Path, results_dir: Path):
    """JSON content with the run's own folder (``results_dir/../..``) replaced by a token.

    DP-GEN's machine file names absolute work folders of the run; two runs in different
    folders are the same run when nothing else differs.
    """
    root = str(results_dir.resolve().parent.parent)
    return _without_timings(json.loads(path.read_text().replace(root, "<run>")))


def _without_timings(value):
    """JSON value with every uncompared key (:func:`is_uncompared_field`) removed, recursively."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if not is_uncompared_field(k)}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _tracked_copy(repo: Path, dest: Path) -> None:
    """Copy the git-tracked files of ``repo`` (working-tree versions) into ``dest``."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=repo, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = repo / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def main(argv: list[str] | None = None) -> int:
    """``python -m seiflow.audit``: rerun a scale in a fresh copy and compare tables.

    Exit status 0 when every table agrees within tolerance, 1 otherwise.
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="test")
    ap.add_argument("--cores", default="all")
    ap.add_argument("--workdir", default=".audit", help="fresh copy is made here (wiped)")
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-9)
    ap.add_argument("--compare-only", nargs=2, metavar=("REF", "NEW"),
                    help="skip the runs; compare two existing results folders")
    args = ap.parse_args(argv)
    repo = Path.cwd()
    if args.compare_only:
        ref_dir, new_dir = map(Path, args.compare_only)
    else:
        smk = [sys.executable, "-m", "snakemake", "--cores", args.cores,
               "--config", f"scale={args.scale}"]
        ref_dir = repo / "results" / args.scale
        print(f"[audit] reference run (reused if up to date): {ref_dir}", flush=True)
        subprocess.run(smk, cwd=repo, check=True)
        work = repo / args.workdir
        shutil.rmtree(work, ignore_errors=True)
        _tracked_copy(repo, work)
        if (repo / ".venv-dadapy").exists():  # the DADApy step's own interpreter (not tracked)
            (work / ".venv-dadapy").symlink_to(repo / ".venv-dadapy")
        print(f"[audit] fresh rerun in {work}", flush=True)
        subprocess.run(smk, cwd=work, check=True)
        new_dir = work / "results" / args.scale
    diffs, n = compare_trees(ref_dir, new_dir, args.rtol, args.atol)
    bad = [d for d in diffs if d.status != "within_tolerance"]
    print(f"[audit] {n} tables compared ({ref_dir} vs {new_dir}), rtol={args.rtol}, "
          f"atol={args.atol}; wall-time columns ignored")
    for d in diffs:
        print(f"  {d.status:17s} {d.path}  {d.detail}")
    n_ident = n - len(diffs)
    print(f"[audit] bit-identical: {n_ident}, within tolerance: "
          f"{len(diffs) - len(bad)}, differing: {len(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
