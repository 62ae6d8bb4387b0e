import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture()
def config():
    with open(ROOT / "config" / "config.yaml") as fh:
        return yaml.safe_load(fh)
