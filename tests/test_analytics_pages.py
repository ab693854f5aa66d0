"""AppTest: 诉求办理, 三色督办 and 信访 through dashboard.py on tests/tiny_analytics.py — figures, a drill
step by clicking a row, filter changes, links that reproduce a view, and the downloads."""
from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from gridgov import store
from tests import tiny_analytics as ta

ROOT_SCRIPT = str(Path(__file__).resolve().parent.parent / "dashboard.py")
OCTOBER = {"period": "month", "month": "2026-10"}
# The policy the hand-worked answers assume (tests/tiny_analytics.config), not the project's gridgov.toml.
POLICY = """
[measures]
min_denominator = 2
[petitions.escalation_categories]
"物业纠纷" = ["物业服务", "停车难"]
"劳动社保" = ["劳动保障"]
"其他" = ["其他"]
"""


@pytest.fixture
def page(tmp_path, monkeypatch, open_page):
    path = ta.build(tmp_path / "analytics.duckdb")
    monkeypatch.setenv("GRIDGOV_DB", str(path))
    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    monkeypatch.setenv("GRIDGOV_CONFIG", str(tmp_path / "policy.toml"))
    st.cache_data.clear()
    st.cache_resource.clear()

    def make(url_path: str, **query_params) -> AppTest:
        at = AppTest.from_file(ROOT_SCRIPT, default_timeout=60)
        at.query_params.update(query_params)
        return open_page(at, url_path).run()

    yield make
    st.cache_data.clear()
    st.cache_resource.clear()
    store.close_instance(path)


@pytest.fixture
def files(monkeypatch):
    """What each download button of a run would serve: file name -> the bytes it builds on click."""
    built: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        built[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return built


def metrics_of(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at, key: str) -> pl.DataFrame:
    """A clickable table by its key (AppTest knows only those tables' keys)."""
    found = [d for d in at.dataframe if d.key == key]
    assert found, f"no table {key}; tables: {[d.key for d in at.dataframe]}"
    return pl.from_pandas(found[0].value)


def table_with(at, column: str) -> pl.DataFrame:
    """The first table showing `column`."""
    found = [pl.from_pandas(d.value) for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with {column}"
    return found[0]


def click_row(at, key: str, column: str, value: str) -> AppTest:
    """Select the table row whose `column` shows `value`, as a click in the browser does."""
    rows = table(at, key)[column].to_list()
    at.session_state[key] = {"selection": {"rows": [rows.index(value)], "columns": [], "cells": []}}
    return at.run()


def query(at) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()}


def test_cases_page_shows_octobers_figures_and_ranks_the_streets(page):
    at = page("cases", **OCTOBER)
    assert not at.exception
    values = metrics_of(at)
    assert values["受理量"] == "7"
    assert values["办结率"] == "57.1%"
    assert values["万人诉求比"] == "17.5"
    assert values["信访量"] == "8"
    streets = table(at, "cases_units_district")
    # 东街道 is ranked; 西镇 has no rated case (a small sample, marked and last); unmatched cases are not ranked
    assert streets["street_name"].to_list() == ["东街道", "西镇 *"]
    assert streets["rank"].to_list() == [1, 2]


def test_cases_page_drills_from_street_to_community_to_grid_to_one_case(page):
    at = page("cases", **OCTOBER)
    at = click_row(at, "cases_units_district", "street_name", "东街道")
    assert not at.exception
    assert at.session_state["street"] == "东街道" and query(at)["street"] == "东街道"
    assert metrics_of(at)["受理量"] == "6"
    at = click_row(at, "cases_units_street", "community_name", "东社区")
    assert query(at)["community"] == "东社区" and metrics_of(at)["受理量"] == "4"
    at = click_row(at, "cases_units_community", "grid_name", "东二网格 *")   # one rated case: marked
    assert query(at)["grid"] == "g2"
    cases = table(at, "cases_list")
    assert set(cases["case_id"]) == {"k3", "k4"}
    at = click_row(at, "cases_list", "case_id", "k4")
    assert not at.exception and query(at)["case"] == "k4"
    assert any("工单 k4" in s.value and "红灯" in s.value for s in at.subheader)
    steps = table_with(at, "step")
    assert steps["step"].to_list()[0] == "受理"
    at.button(key="cases_case_close").click().run()
    assert "case" not in at.query_params and table(at, "cases_list").height == 2


def test_the_breadcrumb_goes_back_up(page):
    at = page("cases", street="东街道", community="东社区", grid="g1", **OCTOBER)
    assert not at.exception and table(at, "cases_list").height == 2
    at.button(key="cases_up_1").click().run()          # back to 东街道
    assert "community" not in at.query_params and "grid" not in at.query_params
    assert metrics_of(at)["受理量"] == "6"
    at.button(key="cases_up_0").click().run()          # back to the district
    assert "street" not in at.query_params and metrics_of(at)["受理量"] == "7"


def test_a_link_reproduces_the_drilled_view_and_a_bad_one_is_cut_back(page):
    at = page("cases", street="东街道", community="东社区", **OCTOBER)
    assert metrics_of(at)["受理量"] == "4"
    assert table(at, "cases_units_community")["grid_name"].to_list() == ["东一网格", "东二网格 *"]
    at = page("cases", street="东街道", community="西村", grid="g4", **OCTOBER)
    assert not at.exception and metrics_of(at)["受理量"] == "6"
    assert "community" not in at.query_params and "grid" not in at.query_params


def test_filter_changes_on_the_cases_page(page):
    at = page("cases", **OCTOBER)
    at.radio(key="basis").set_value("all").run()
    assert metrics_of(at)["受理量"] == "8" and query(at)["basis"] == "all"
    at.radio(key="period").set_value("week").run()
    assert query(at)["period"] == "week" and query(at)["week"] == "2026-W46" and "month" not in at.query_params
    assert metrics_of(at)["受理量"] == "0" and metrics_of(at)["办结率"] == "—"
    at.selectbox(key="week").set_value("2026-W45").run()
    assert metrics_of(at)["受理量"] == "7"              # w0-w6
    assert not at.exception


def test_changing_the_street_in_the_sidebar_leaves_the_drill_path(page):
    at = page("cases", street="东街道", community="东社区", **OCTOBER)
    at.selectbox(key="street").set_value("西镇").run()
    assert "community" not in at.query_params and query(at)["street"] == "西镇"


def test_the_league_states_its_rules(page):
    at = page("cases", **OCTOBER)
    captions = " ".join(c.value for c in at.caption)
    assert "综合得分最高的 3 个" in captions and "万人诉求比最高的 3 个" in captions


def test_every_table_downloads_as_csv_and_xlsx_named_and_titled_by_its_filters(page, files):
    at = page("cases", street="东街道", **OCTOBER)
    assert not at.exception
    name = "社区指标_2026-10_东街道_考核口径"
    assert {name + ".csv", name + ".xlsx"} <= set(files), sorted(files)
    csv_bytes = files[name + ".csv"]()
    title, body = csv_bytes.decode("utf-8-sig").split("\n", 1)
    assert "2026年10月" in title and "全区 › 东街道" in title and "考核口径" in title
    shown = pl.read_csv(io.BytesIO(body.encode()))
    assert shown.columns[:3] == ["名次", "社区/村", "分类评定"]
    assert dict(zip(shown["社区/村"], shown["受理量"])) == {"东社区": 4, "南社区 *": 2}   # no rated case: marked
    book = pl.read_excel(io.BytesIO(files[name + ".xlsx"]()), has_header=False)
    assert book[0, 0] == title and book.row(1)[:4] == ("名次", "社区/村", "分类评定", "受理量")


def test_supervision_lights_as_of_a_chosen_day(page):
    at = page("supervision", on="2026-10-20", **OCTOBER)
    assert not at.exception
    # judged at the end of 20 Oct: k8 (received that morning, closed on the 22nd) is yellow beside k3
    assert metrics_of(at) == {"红灯": "4", "黄灯": "2", "绿灯": "1"}
    red = table(at, "supervision_red")
    assert red["case_id"].to_list() == ["k9", "k4", "k5", "k2"]
    # judged at the end of 20 Oct: k9 is 26 days past its deadline of 25 Sep, k4 6 days past 15 Oct
    assert red["days_overdue"].to_list()[:2] == [pytest.approx(26.0, abs=0.01), pytest.approx(6.0, abs=0.01)]
    at.date_input(key="lights_on").set_value(ta.AS_OF.date()).run()
    assert "on" not in at.query_params
    assert metrics_of(at) == {"红灯": "4", "黄灯": "0", "绿灯": "3"}


def test_supervision_drills_into_a_street_and_opens_a_red_case(page):
    at = page("supervision", **OCTOBER)
    at = click_row(at, "supervision_units_district", "street_name", "东街道")
    assert not at.exception and query(at)["street"] == "东街道"
    assert "supervision_units_street" in [d.key for d in at.dataframe]
    at = click_row(at, "supervision_red", "case_id", "k2")
    assert query(at)["case"] == "k2"
    assert any("办结不满意" in s.value for s in at.subheader)


def test_petitions_page_figures_drill_and_escalations(page):
    at = page("petitions", **OCTOBER)
    assert not at.exception
    values = metrics_of(at)
    assert (values["信访量"], values["诉转访"], values["诉转访占比"], values["及时受理率"]) == ("8", "5", "62.5%", "62.5%")
    escalated = table(at, "petitions_escalated")
    assert set(escalated["petition_id"]) == {"q1", "q2", "q3", "q5", "q8"}
    assert set(escalated["link"]) == {"同一人", "同网格同类"}
    at = click_row(at, "petitions_units_district", "street_name", "东街道")
    assert query(at)["street"] == "东街道" and metrics_of(at)["信访量"] == "5"
    at = click_row(at, "petitions_units_street", "community_name", "南社区")
    at = click_row(at, "petitions_units_community", "grid_name", "南一网格")
    assert table(at, "petitions_list")["petition_id"].to_list() == ["q3"]
    at = click_row(at, "petitions_list", "petition_id", "q3")
    assert query(at)["petition"] == "q3" and any("q3" in s.value for s in at.subheader)


def test_petitions_page_filter_change(page):
    at = page("petitions", **OCTOBER)
    at.selectbox(key="month").set_value("2026-09").run()
    assert metrics_of(at)["信访量"] == "1" and query(at)["month"] == "2026-09"


def test_the_pages_in_english(page):
    for path in ("cases", "supervision", "petitions"):
        at = page(path, lang="en", **OCTOBER)
        assert not at.exception, path
    assert "Received" in metrics_of(page("cases", lang="en", **OCTOBER))


def test_the_overview_lists_early_warnings(page, tmp_path, monkeypatch):
    policy = tmp_path / "warning_policy.toml"
    policy.write_text("[early_warning]\nalpha = 0.2\nbaseline_years = 1\nhalf_width_weeks = 0\nmin_count = 3\n",
                      encoding="utf-8")
    monkeypatch.setenv("GRIDGOV_CONFIG", str(policy))
    at = page("overview", week="2026-W45")
    assert not at.exception
    warnings = table_with(at, "p_value")
    assert set(warnings["unit_name"]) == {"其他", "南社区", "南一网格"}
    at = page("overview")          # 2026-W46: nothing is tested
    assert any("均未显著高于" in s.value for s in at.success)
