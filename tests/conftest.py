from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gridgov import store  # noqa: E402
from gridgov.config import Config  # noqa: E402
from tests import tiny  # noqa: E402


@pytest.fixture
def tiny_path(tmp_path):
    return tiny.build(tmp_path / "tiny.duckdb")


@pytest.fixture
def tiny_con(tiny_path):
    con = store.connect(tiny_path)
    yield con
    con.close()


@pytest.fixture
def fetch(tiny_con):
    import queries

    def run(name, **params):
        return queries.fetch(tiny_con, name, **params)

    return run


@pytest.fixture
def cfg():
    return Config(targets={"completion_rate": 0.98, "satisfaction_rate": 0.93})
