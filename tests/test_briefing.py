"""The meeting briefing: `python -m gridgov briefing` writes a Word document and an Excel appendix
whose every figure is what `python -m gridgov metrics` / `grades` (and the pages' functions)
return for the same period and scope. Hand-worked figures on tests/tiny_analytics.py; the full
number-by-number check on a small demo district."""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from docx import Document

import queries
from gridgov import (briefing, case_analytics, cli, config, drill, early_warning, grading, hotmap, hotspots, measures,
                     metrics, petition_analytics, periods, store)
from gridgov.briefing import figures as briefing_figures
from tests import tiny_analytics

ROOT = Path(__file__).resolve().parent.parent


def run_briefing(db: Path, out: Path, *args: str) -> list[Path]:
    """`python -m gridgov briefing …` in a subprocess; the paths it printed."""
    env = dict(os.environ, GRIDGOV_DB=str(db))
    done = subprocess.run([sys.executable, "-m", "gridgov", "briefing", *args, "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return [Path(line) for line in done.stdout.splitlines()]


def cli_output(db: Path, *args: str) -> str:
    """What `python -m gridgov ARGS` prints (run in this process, through gridgov.cli.main)."""
    old = os.environ.get("GRIDGOV_DB")
    os.environ["GRIDGOV_DB"] = str(db)
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            assert cli.main(list(args)) == 0
    finally:
        if old is None:
            del os.environ["GRIDGOV_DB"]
        else:
            os.environ["GRIDGOV_DB"] = old
    return buffer.getvalue()


def cli_json(db: Path, *args: str):
    return json.loads(cli_output(db, *args, "--json"))


def period_args(p: periods.Period) -> list[str]:
    return ["--" + p.kind, p.label]


def docx_parts(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(str(path))
    return [p.text for p in doc.paragraphs], [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def table_with(tables: list[list[list[str]]], first_header: str, second_header: str | None = None) -> list[list[str]]:
    found = [t for t in tables if t[0][0] == first_header and (second_header is None or t[0][1] == second_header)]
    assert len(found) == 1, [t[0] for t in tables]
    return found[0]


# --- hand-worked: tests/tiny_analytics.py, October 2026 ---------------------------------------

@pytest.fixture(scope="module")
def analytics_briefing(tmp_path_factory) -> tuple[list[str], list[list[list[str]]], Path]:
    work = tmp_path_factory.mktemp("analytics")
    db = tiny_analytics.build(work / "analytics.duckdb")
    paths = run_briefing(db, work / "out", "--period", "2026-10")
    assert [p.name for p in paths][:2] == ["会议简报_2026-10_全区.docx", "会议简报_2026-10_全区.xlsx"]
    paragraphs, tables = docx_parts(paths[0])
    return paragraphs, tables, paths[1]


def test_the_overall_section_states_the_hand_worked_figures(analytics_briefing):
    paragraphs, _, _ = analytics_briefing
    text = "\n".join(paragraphs)
    # October: k1-k6 and k8 on the assessment basis (k7 excluded); September: k9, k10 → +250.0%;
    # the data start in October 2025, so October 2025 is not fully covered: no 同比
    assert "本月全区共受理群众诉求7件，环比上升250.0%，去年同期无数据。" in text
    # closed k1, k2, k3, k8 (4/7); on time k1, k8 of the four closed with a deadline
    assert "办结4件，办结率57.1%（环比上升7.1个百分点），按期办结率50.0%（环比上升50.0个百分点）。" in text
    # rated k1, k2, k3, k8: contacted 3, resolved 3, satisfied + basically satisfied 3 → 75.0% each
    assert "回访4件（回访量不足10件，仅供参考），响应率75.0%" in text and "综合得分75.0分" in text


def test_problems_and_petitions_state_the_hand_worked_figures(analytics_briefing):
    text = "\n".join(analytics_briefing[0])
    # lights as of 2026-11-20 18:00: k4, k9 overdue; k5 a repeat still open; k2 closed dissatisfied
    assert "红灯4件（超期未办结2件、重复诉求未办结1件、办结不满意1件），黄灯0件" in text
    assert "超期时间最长的是k9（物业服务，东一网格）" in text
    # 诉转访: q1, q5, q8 by person; q2, q3 by place; of 8 petitions
    assert "5件此前有相关12345诉求（诉转访），占信访量的62.5%；其中同一来电人3件，同一网格相关类别2件" in text
    assert "本月全区登记信访件8件" in text and "缺少网格边界数据，未作热点分析。" in text


def test_petition_counts_below_the_privacy_minimum_are_hidden(analytics_briefing):
    _, tables, _ = analytics_briefing
    petitions = table_with(tables, "街道（镇）", "信访量")
    rows = {r[0]: r for r in petitions[1:]}
    assert rows["东街道"][1] == "5" and rows["西镇"][1] == "<3"   # q1-q3, q5, q8 / q4, q9


def test_sections_come_in_the_circulars_order(analytics_briefing):
    headings = [p for p in analytics_briefing[0] if re.match(r"^[一二三四五]、|^口径说明$", p)]
    assert headings == ["一、总体情况", "二、街道排名", "三、网格分级", "四、突出问题", "五、信访情况", "口径说明"]


# --- every number against the CLI: a small demo district --------------------------------------

SCOPES = [("2026-W46", None), ("2026-10", "岳麓街道")]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from gridgov import demo

    path = tmp_path_factory.mktemp("demo") / "gridgov.duckdb"
    demo.build(path, cases=20_000)
    return path


@pytest.fixture(scope="module", params=SCOPES, ids=["week-district", "month-street"])
def case(request, demo_db, tmp_path_factory):
    label, street = request.param
    period = briefing.parse_period(label)
    out = tmp_path_factory.mktemp("briefing")
    paths = run_briefing(demo_db, out, "--period", label, *(["--street", street] if street else []))
    scope = ["--street", street] if street else []
    half = briefing_figures.half_of(period)
    c = {
        "period": period, "street": street, "paths": paths, "cfg": config.load(),
        "current": cli_json(demo_db, "metrics", *period_args(period), *scope),
        "previous": cli_json(demo_db, "metrics", *period_args(period.previous()), *scope),
        "year_ago": cli_json(demo_db, "metrics", *period_args(period.year_ago()), *scope),
        "units": cli_json(demo_db, "metrics", *period_args(period), *scope, "--by", "community" if street else "street"),
        "grades": cli_json(demo_db, "grades", "--half", half.label),
        "grades_before": cli_json(demo_db, "grades", "--half", half.previous().label),
        "grades_text": cli_output(demo_db, "grades", "--half", half.label).splitlines()[0],
        "half": half,
    }
    c["paragraphs"], c["tables"] = docx_parts(paths[0])
    c["workbook"] = openpyxl.load_workbook(paths[1])
    con = store.connect(demo_db)
    try:
        c["page"] = page_figures(lambda name, **p: queries.fetch(con, name, **p), period, street, c["cfg"])
    finally:
        con.close()
    return c


def page_figures(fetch, period: periods.Period, street: str | None, cfg) -> dict:
    """What the pages' functions (诉求办理, 三色督办, 信访, 热点地图) return for the period and scope."""
    scope = drill.Scope(street)
    span = metrics.data_span(fetch)
    places = fetch("grid_places")
    level = scope.child
    units = case_analytics.case_units(fetch, period.start, period.end, cfg, scope, "assessment", level, places)
    before = period.previous()
    cats = case_analytics.case_units(fetch, period.start, period.end, cfg, scope, "assessment", "category")
    cats_before = case_analytics.case_units(fetch, before.start, before.end, cfg, scope, "assessment", "category")
    warnings = early_warning.detect(fetch, early_warning.warning_week(period, span.as_of), cfg, scope, "assessment",
                                    span.first_received_at)
    nb = hotspots.neighbours(fetch("grid_boundaries"), cfg.hotspots)
    hot = hotmap.hotspot_frame(fetch, hotmap.MapFilters(briefing_figures.hotspot_period(period)), nb, cfg.hotspots.fdr)
    if street:
        hot = hot.filter(pl.col("street_name") == street)
    lights = case_analytics.light_totals(case_analytics.light_units(fetch, period, span.as_of, scope, "assessment",
                                                                    level))
    red = case_analytics.case_list(fetch, period, span.as_of, scope, "assessment", cfg, ("red",), carry_over=True)
    escalated = petition_analytics.escalations(fetch, period, cfg, scope)
    petition_units = petition_analytics.petition_units(fetch, period, span.as_of, cfg, scope, level, places, escalated)
    return {"units": units, "categories": cats, "categories_before": cats_before, "warnings": warnings, "hot": hot,
            "lights": lights, "red": red, "escalated": escalated, "petition_units": petition_units,
            "petitions": petition_analytics.totals(petition_units, cfg, drill.scope_population(places, scope)),
            "places": places, "as_of": span.as_of}


def magnitude(text: str | None) -> str | None:
    """The digits of a formatted figure: "-3.8%" → "3.8", "+0.5个百分点" → "0.5", "2,794" → "2,794"."""
    if text is None:
        return None
    found = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    return found.group(0) if found else None


def allowed_numbers(c: dict) -> set[str]:
    """Every figure the briefing's text may state, from the CLI and the pages' functions."""
    cfg, page = c["cfg"], c["page"]
    out: set[str] = set()

    def add(*values):
        out.update(m for m in (magnitude(v) for v in values) if m)

    cur, prev, yoy = c["current"], c["previous"], c["year_ago"]
    for name in measures.METRIC_KEYS:
        target = cfg.targets.get(name)
        add(*(measures.format_value(name, d[name]) for d in (cur, prev, yoy)),
            measures.format_change(name, cur[name], prev[name]), measures.format_change(name, cur[name], yoy[name]),
            measures.format_value(name, target) if target is not None else None,
            measures.format_change(name, cur[name], target) if target is not None else None)
    add(str(cfg.min_denominator), str(cfg.analytics.warning_min_count))
    rows = c["units"]
    add(str(len([r for r in rows if r["rated"] >= cfg.min_denominator and r["composite_score"] is not None])))
    for r in rows:
        add(*(measures.format_value(m, r[m]) for m in measures.METRIC_KEYS))
    add(*(measures.format_value("cases_per_10k", v) for v in page["units"]["cases_per_10k"].to_list()))
    # grades: the CLI's rows for this half-year and the one before, in the briefing's scope
    grids = grid_streets(page["places"], c["street"])
    now = {r["grid_id"]: r["grade"] for r in c["grades"] if r["grid_id"] in grids}
    before = {r["grid_id"]: r["grade"] for r in c["grades_before"] if r["grid_id"] in grids}
    add(str(len(now)), *(str(list(now.values()).count(g)) for g in grading.GRADES))
    add(str(sum(1 for g, x in now.items() if x == "red" and before.get(g) != "red")),
        str(sum(1 for g, x in now.items() if x != "red" and before.get(g) == "red")))
    unit_of = {r["grid_id"]: r["community_name" if c["street"] else "street_name"]
               for r in page["places"].iter_rows(named=True)}
    for unit in set(unit_of[g] for g in now):
        add(str(sum(1 for g, x in now.items() if x == "red" and unit_of[g] == unit)))
    add(*re.findall(r"\d+\.\d\d", c["grades_text"]),
        *(f"{v:g}" for v in cfg.grading.percentile.values()))
    # categories, warnings, hotspots, lights, the red list, 诉转访 and petitions
    joined = page["categories"].join(page["categories_before"].select("unit", pl.col("received").alias("before")),
                                     on="unit", how="left").with_columns(pl.col("before").fill_null(0))
    for r in joined.iter_rows(named=True):
        add(measures.format_value("received", r["received"]), measures.format_value("received", r["received"] - r["before"]),
            measures.format_change("received", r["received"], r["before"]))
    flagged = page["warnings"].filter(pl.col("flagged")) if page["warnings"].height else page["warnings"]
    add(str(page["warnings"].height), str(flagged.height),
        *(measures.format_value("received", v) for v in flagged["this_week"].to_list()),
        *(f"{v:,.1f}" for v in flagged["ratio"].to_list()))
    hot = page["hot"]
    persistent = hot.filter(pl.col("trend") == "persistent")
    add(str(persistent.height), str(int((hot["trend"] == "new").sum())),
        *(str(v) for v in persistent.group_by("community_name" if c["street"] else "street_name").len()["len"].to_list()))
    add(*(measures.format_value("received", v) for v in page["lights"].values()))
    overdue = page["red"].filter(pl.col("reason") == "overdue")
    if overdue.height:
        add(f"{overdue['days_overdue'][0]:,.1f}")
    links = petition_analytics.link_counts(page["escalated"])
    P = page["petitions"]
    add(str(page["escalated"].height), str(links["person"]), str(links["place"]),
        *(measures.format_value(m, P[m]) for m in ("escalation_share", "repeat_petitions", "skip_level_petitions",
                                                  "collective_petitions", "petitions_per_1000", "timely_acceptance_rate",
                                                  "petition_on_time_rate", "petition_satisfaction_rate")),
        *(str(v) for v in page["petition_units"]["petitions"].to_list()))
    return out


def grid_streets(places: pl.DataFrame, street: str | None) -> set[str]:
    chosen = places if street is None else places.filter(pl.col("street_name") == street)
    return set(chosen["grid_id"].to_list())


DATES = re.compile(r"\d{4}年(第\d{1,2}周（\d{2}月\d{2}日—\d{2}月\d{2}日）|\d{1,2}月\d{1,2}日 \d{2}:\d{2}|"
                   r"\d{1,2}月|第[一二三四]季度|[上下]半年)")


def numbers_in(paragraph: str, names: list[str]) -> list[str]:
    """The figures a sentence states: dates, period names, grid names, case ids and "12345" taken out."""
    text = DATES.sub(" ", paragraph)
    for name in names:
        text = text.replace(name, " ")
    text = re.sub(r"GD\d+|12345", " ", text)
    return re.findall(r"\d[\d,]*(?:\.\d+)?", text)


def test_every_number_in_the_text_is_a_figure_of_the_cli_or_the_pages(case):
    allowed = allowed_numbers(case)
    names = sorted({*case["page"]["places"]["grid_name"].to_list(), *case["page"]["places"]["grid_id"].to_list()},
                   key=len, reverse=True)
    body = case["paragraphs"][case["paragraphs"].index("一、总体情况"):case["paragraphs"].index("口径说明")]
    stray = {(p[:40], n) for p in body for n in numbers_in(p, names) if n not in allowed}
    assert not stray
    assert sum(len(numbers_in(p, names)) for p in body) > 60   # the text is made of figures


def test_the_opening_sentences_state_the_metrics_figures(case):
    cur, prev, yoy = case["current"], case["previous"], case["year_ago"]
    words = {"week": "本周", "month": "本月"}[case["period"].kind]
    scope = case["street"] or "全区"

    def moved(name, base):
        sign = measures.format_change(name, cur[name], base[name])
        return ("上升" if sign.startswith("+") else "下降") + sign[1:]

    text = "\n".join(case["paragraphs"])
    fv = measures.format_value
    assert (f"{words}{scope}共受理群众诉求{fv('received', cur['received'])}件，环比{moved('received', prev)}，"
            f"同比{moved('received', yoy)}。") in text
    assert f"办结{fv('closed', cur['closed'])}件，办结率{fv('completion_rate', cur['completion_rate'])}" in text
    assert f"回访{fv('rated', cur['rated'])}件" in text
    assert f"综合得分{fv('composite_score', cur['composite_score'])}分" in text
    assert f"{words}{scope}登记信访件{fv('petitions', cur['petitions'])}件，环比{moved('petitions', prev)}" in text
    assert case["page"]["petitions"]["petitions"] == cur["petitions"]


def test_the_main_figures_table_equals_metrics(case):
    table = table_with(case["tables"], "指标", "本期")
    by_label = {measures.MEASURES[m].zh: m for m in measures.METRIC_KEYS}
    assert [r[0] for r in table[1:]] == [measures.MEASURES[m].zh for m in measures.METRIC_KEYS]
    cfg, cur, prev, yoy = case["cfg"], case["current"], case["previous"], case["year_ago"]
    for label, now, before, mom, year, yoy_change, target in table[1:]:
        m = by_label[label]
        assert (now, before, year) == tuple(measures.format_value(m, d[m]) for d in (cur, prev, yoy))
        assert mom == (measures.format_change(m, cur[m], prev[m]) or "—")
        assert yoy_change == (measures.format_change(m, cur[m], yoy[m]) or "—")
        assert target == measures.format_value(m, cfg.targets.get(m))


def test_the_ranking_table_equals_metrics_by_place_in_rank_order(case):
    level = "社区（村）" if case["street"] else "街道（镇）"
    table = table_with(case["tables"], "名次", level)
    key = "community_name" if case["street"] else "street_name"
    cli_rows = {r[key]: r for r in case["units"]}
    header = table[0]
    shown = []
    for row in table[1:]:
        name = row[1].removesuffix(" *")
        expected = cli_rows[name]
        for m in ("received", "completion_rate", "on_time_rate", "response_rate", "resolution_rate",
                  "satisfaction_rate", "composite_score"):
            assert row[header.index(measures.MEASURES[m].zh)] == measures.format_value(m, expected[m]), (name, m)
        shown.append((row[1].endswith(" *"), expected["composite_score"]))
    assert [int(r[0]) for r in table[1:]] == list(range(1, len(table)))
    assert set(cli_rows) - {metrics.UNKNOWN_STREET} == {r[1].removesuffix(" *") for r in table[1:]}
    ranked = [s for small, s in shown if not small and s is not None]
    assert ranked == sorted(ranked, reverse=True)
    assert [small for small, _ in shown] == sorted(small for small, _ in shown)   # small samples last


def test_the_grade_tables_equal_grades(case):
    level = "社区（村）" if case["street"] else "街道（镇）"
    table = table_with(case["tables"], level, "红")
    places = case["page"]["places"]
    grids = grid_streets(places, case["street"])
    unit_of = {r["grid_id"]: r["community_name" if case["street"] else "street_name"] for r in places.iter_rows(named=True)}
    grades = [r for r in case["grades"] if r["grid_id"] in grids]
    for row in table[1:]:
        mine = [r for r in grades if row[0] == "合计" or unit_of[r["grid_id"]] == row[0]]
        assert row[1:] == [str(sum(r["grade"] == g for r in mine)) for g in grading.GRADES] + [str(len(mine))]
    before = {r["grid_id"]: r["grade"] for r in case["grades_before"]}
    turned = next(t for t in case["tables"] if "上一半年度等级" in t[0])    # 新转为红色的网格
    words = {"red": "红", "yellow": "黄", "green": "绿", "ungraded": "未评定"}
    cli = {r["grid_id"]: r for r in grades}
    assert len(turned) > 1
    for row in turned[1:]:
        r = cli[row[0]]
        assert r["grade"] == "red" and before[row[0]] != "red"
        assert row[-1] == words[before[row[0]]]
        values = dict(zip(turned[0], row))
        assert values["常住人口"] == f"{r['population']:,}" and values["12345 工单"] == f"{r['cases']:,}"
        assert values["工单率（每千人）"] == f"{r['case_rate']:,.1f}"
        assert values["信访率（每千人）"] == f"{r['petition_rate']:,.1f}"
        assert values["信访量"] == (f"<{case['cfg'].min_cell}" if 0 < r["petitions"] < case["cfg"].min_cell
                                   else str(r["petitions"]))


def test_the_excel_appendix_holds_the_figures_as_numbers_with_formats(case):
    book = case["workbook"]
    assert book.sheetnames[0] == "目录" and book.sheetnames[1] == "表1 主要指标"
    sheet = book["表1 主要指标"]
    assert [c.value for c in sheet[4]] == ["指标", "本期", "上期", "环比", "去年同期", "同比", "目标"]
    assert sheet[4][0].font.bold
    cur = case["current"]
    for row in sheet.iter_rows(min_row=5, max_row=4 + len(measures.METRIC_KEYS)):
        m = next(k for k in measures.METRIC_KEYS if measures.MEASURES[k].zh == row[0].value)
        kind = measures.MEASURES[m].kind
        expected = cur[m] * 100 if kind == "score" and cur[m] is not None else cur[m]
        assert row[1].value == pytest.approx(expected), m
        assert row[1].number_format == {"count": "#,##0", "rate": "0.0%", "score": "0.0"}[kind]
    ranking = book[next(n for n in book.sheetnames if n.startswith("表2 "))]
    key = "community_name" if case["street"] else "street_name"
    cli_rows = {r[key]: r for r in case["units"]}
    header = [c.value for c in ranking[4]]
    for row in ranking.iter_rows(min_row=5, max_row=ranking.max_row):
        if row[1].value is None or not isinstance(row[0].value, int):
            continue
        r = cli_rows[row[1].value.removesuffix(" *")]
        cell = row[header.index("满意率")]
        assert cell.value == pytest.approx(r["satisfaction_rate"]) and cell.number_format == "0.0%"
        assert row[header.index("受理量")].value == r["received"]
    red_sheet = book[next(n for n in book.sheetnames if n.endswith("红色网格名单"))]
    listed = {row[0].value for row in red_sheet.iter_rows(min_row=5) if row[0].value and row[0].value != "网格编码"}
    grids = grid_streets(case["page"]["places"], case["street"])
    assert listed - {None} >= {r["grid_id"] for r in case["grades"] if r["grade"] == "red" and r["grid_id"] in grids}
    assert len([n for n in book.sheetnames if n != "目录"]) == len(case_tables(case))


def case_tables(case) -> list[str]:
    """The captions of every table the document names (shown or appendix-only)."""
    return [p for p in case["paragraphs"] if re.match(r"^表\d+ ", p)]


def test_a_period_is_read_from_its_form():
    assert briefing.parse_period("2026-W46") == periods.Period("week", 2026, 46)
    assert briefing.parse_period("2026-10") == periods.Period("month", 2026, 10)
    assert briefing.parse_period("2026-q3") == periods.Period("quarter", 2026, 3)
    assert briefing.parse_period("2026-H1") == periods.Period("half", 2026, 1)
    with pytest.raises(ValueError, match="no ISO week 60"):
        briefing.parse_period("2026-W60")


@pytest.mark.parametrize("args,message", [
    (("--period", "2026-13"), "bad month"),
    (("--period", "2026-10", "--street", "北街道"), "unknown street"),
])
def test_briefing_errors_are_one_line(tmp_path, args, message):
    db = tiny_analytics.build(tmp_path / "t.duckdb")
    env = dict(os.environ, GRIDGOV_DB=str(db))
    done = subprocess.run([sys.executable, "-m", "gridgov", "briefing", *args, "--out", str(tmp_path / "o")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1
