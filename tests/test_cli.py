"""`python -m gridgov` as scripts call it: exit codes, one-line errors, --json output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def gridgov(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, GRIDGOV_DB=str(db))
    return subprocess.run([sys.executable, "-m", "gridgov", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_metrics_json_for_a_week(tiny_path):
    out = gridgov("metrics", "--week", "2026-W46", "--json", db=tiny_path)
    assert out.returncode == 0, out.stderr
    m = json.loads(out.stdout)
    assert list(m) == ["received", "closed", "completion_rate", "on_time_rate", "rated", "response_rate",
                       "resolution_rate", "satisfaction_rate", "composite_score", "repeat_rate", "petitions"]
    assert (m["received"], m["closed"], m["petitions"]) == (5, 3, 2)
    assert m["completion_rate"] == pytest.approx(0.6)


def test_metrics_by_street_and_undefined_rates_as_null(tiny_path):
    out = gridgov("metrics", "--week", "2026-W46", "--by", "street", "--json", db=tiny_path)
    rows = {r["street_name"]: r for r in json.loads(out.stdout)}
    assert rows["东街道"]["received"] == 4
    assert rows["西镇"]["completion_rate"] is None


def test_metrics_for_a_month_with_all_cases(tiny_path):
    out = gridgov("metrics", "--month", "2026-11", "--basis", "all", "--json", db=tiny_path)
    assert json.loads(out.stdout)["received"] == 8


def test_metrics_text_output_shows_chinese_labels(tiny_path):
    out = gridgov("metrics", "--week", "2026-W46", "--street", "东街道", db=tiny_path)
    assert out.returncode == 0
    assert "办结率" in out.stdout and "75.0%" in out.stdout


@pytest.mark.parametrize("args,message", [
    (("metrics", "--week", "2026-W60"), "no ISO week"),
    (("metrics",), "exactly one period"),
    (("metrics", "--week", "2026-W46", "--month", "2026-11"), "exactly one period"),
    (("metrics", "--week", "2026-W46", "--street", "北街道"), "unknown street"),
])
def test_user_errors_exit_non_zero_with_one_line(tiny_path, args, message):
    out = gridgov(*args, db=tiny_path)
    assert out.returncode != 0
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout == ""


def test_missing_database_is_a_one_line_error(tmp_path):
    out = gridgov("metrics", "--week", "2026-W46", db=tmp_path / "none.duckdb")
    assert out.returncode == 2
    assert "no database" in out.stderr and len(out.stderr.strip().splitlines()) == 1
