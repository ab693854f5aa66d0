"""`python -m gridgov grades`: the grades of a half-year as a table or JSON, one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gridgov(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, GRIDGOV_DB=str(db))
    return subprocess.run([sys.executable, "-m", "gridgov", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_grades_json_has_one_object_per_grid_with_the_contract_keys(tiny_path):
    out = gridgov("grades", "--half", "2026-H2", "--json", db=tiny_path)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [list(r) for r in rows] == [["grid_id", "population", "cases", "petitions", "case_rate",
                                        "petition_rate", "grade"]] * 3
    assert [(r["grid_id"], r["grade"]) for r in rows] == [("g1", "red"), ("g2", "green"), ("g3", "ungraded")]
    assert rows[2]["case_rate"] is None and rows[2]["population"] == 0


def test_grades_table_states_the_thresholds(tiny_path):
    out = gridgov("grades", "--half", "2026-H2", db=tiny_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "rule percentile on raw rates" in lines[0] and "case_red 2.90" in lines[0]
    assert lines[2].split() == ["g1", "1000", "3", "1", "3.00", "1.00", "red"]
    assert lines[4].split() == ["g3", "0", "1", "1", "-", "-", "ungraded"]    # c8 (hotline), p2


def test_a_half_year_with_no_data_grades_every_populated_grid_green(tiny_path):
    rows = json.loads(gridgov("grades", "--half", "2025-H1", "--json", db=tiny_path).stdout)
    assert [r["grade"] for r in rows] == ["green", "green", "ungraded"]


def test_grades_refuses_a_bad_half_year_in_one_line(tiny_path, tmp_path):
    out = gridgov("grades", "--half", "2026-H3", db=tiny_path)
    assert out.returncode == 2 and out.stderr.strip() == "gridgov: bad half '2026-H3'; expected the form 2026-H1"
    missing = gridgov("grades", "--half", "2026-H1", db=tmp_path / "none.duckdb")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no database" in missing.stderr
