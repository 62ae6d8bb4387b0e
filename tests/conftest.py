import os
import runpy
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))
#: Real external data for tests: $SEIFLOW_SHARED_DATA, else ../shared/data next to the
#: checkout (the project layout), else /work/shared/data (a fresh clone elsewhere, e.g. CI's).
SHARED_DATA = next(
    (p for p in (Path(os.environ.get("SEIFLOW_SHARED_DATA", ROOT.parent / "shared" / "data")),
                 Path("/work/shared/data")) if p.is_dir()),
    ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture()
def config():
    """The shipped config as the workflow loads it: config.yaml, then resources.yaml."""
    with open(ROOT / "config" / "config.yaml") as fh:
        cfg = yaml.safe_load(fh)
    with open(ROOT / "config" / "resources.yaml") as fh:
        cfg.update(yaml.safe_load(fh))
    return cfg


def run_rule_script(name, smk):
    """Run workflow/scripts/<name> as Snakemake would, with the stand-in ``snakemake`` object
    ``smk``; restores stdout/stderr, which the script sends to its log file."""
    saved = sys.stdout, sys.stderr
    try:
        runpy.run_path(str(ROOT / "workflow" / "scripts" / name),
                       init_globals={"snakemake": smk}, run_name="__main__")
    finally:
        sys.stdout.close()
        sys.stdout, sys.stderr = saved
