"""`python -m gridgov import` as scheduled jobs call it: summaries, exit codes, a busy database, the demo."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gridgov import store

ROOT = Path(__file__).resolve().parent.parent
CSV = "工单编号,受理时间,诉求类型,工单状态,来电号码\nk1,2026/11/16 9:05,物业服务,处理中,13812345678\nk2,2026-13-01,噪音扰民,已办结,\n"


def gridgov(*args: str, db: Path, tmp: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, GRIDGOV_DB=str(db), GRIDGOV_HASH_KEY_FILE=str(tmp / "hash.key"),
               GRIDGOV_PROFILES_DIR=str(tmp / "profiles"), GRIDGOV_AUDIT_DB=str(tmp / "audit.duckdb"))
    return subprocess.run([sys.executable, "-m", "gridgov", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_import_prints_one_json_summary_per_file(tiny_path, tmp_path):
    f = tmp_path / "工单.csv"
    f.write_text(CSV, encoding="gbk")
    out = gridgov("import", "cases", str(f), "--json", db=tiny_path, tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    [r] = doc["files"]
    assert (r["status"], r["profile"], r["encoding"], r["rows_read"], r["inserted"], r["rejected"], r["reasons"]) == (
        "imported", "cn_12345", "gbk", 2, 1, 1, {"bad_timestamp": 1})


def test_text_summary_and_a_refused_file_exits_non_zero(tiny_path, tmp_path):
    good, bad = tmp_path / "a.csv", tmp_path / "b.csv"
    good.write_text(CSV, encoding="utf-8")
    bad.write_text("甲,乙\n1,2\n", encoding="utf-8")
    out = gridgov("import", "cases", str(good), str(bad), db=tiny_path, tmp=tmp_path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0].startswith("a.csv: profile cn_12345, encoding utf-8 (valid UTF-8) · read 2 · inserted 1 · updated 0")
    assert "bad_timestamp (the time cannot be read): 1" in lines[1]
    assert lines[2].startswith("b.csv: REFUSED — no profile for cases fits these headers (甲, 乙)")
    assert "Traceback" not in out.stderr
    again = gridgov("import", "cases", str(good), "--json", db=tiny_path, tmp=tmp_path)
    assert json.loads(again.stdout)["files"][0]["unchanged"] == 1


def test_import_is_refused_while_another_process_holds_the_database(tiny_path, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(CSV, encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-c", "import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); sys.stdin.read()", str(tiny_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "open"
        out = gridgov("import", "cases", str(f), db=tiny_path, tmp=tmp_path)
    finally:
        server.communicate("", timeout=30)
    assert out.returncode == 2
    assert "is open in another gridgov process (PID" in out.stderr and "数据导入" in out.stderr
    assert out.stdout == ""


def test_a_demo_database_needs_a_decision_and_replace_demo_removes_it(tiny_path, tmp_path):
    con = store.connect(tiny_path)
    store.set_meta(con, "source", "demo")
    con.close()
    f = tmp_path / "a.csv"
    f.write_text(CSV, encoding="utf-8")
    refused = gridgov("import", "cases", str(f), db=tiny_path, tmp=tmp_path)
    assert refused.returncode == 2 and "--replace-demo" in refused.stderr
    out = gridgov("import", "cases", str(f), "--replace-demo", "--json", db=tiny_path, tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    con = store.connect(tiny_path)
    assert con.execute("select case_id from cases").fetchall() == [("k1",)]
    con.close()


def test_a_missing_file_is_a_one_line_error(tiny_path, tmp_path):
    out = gridgov("import", "cases", str(tmp_path / "nope.csv"), db=tiny_path, tmp=tmp_path)
    assert out.returncode == 2 and out.stderr.strip() == f"gridgov: no such file: {tmp_path / 'nope.csv'}"
