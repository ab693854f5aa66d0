"""AppTest: the 会议简报 page through dashboard.py on the tiny district — preview, downloads, period
change, and a street user's briefing confined to their street."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from docx import Document
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from gridgov import audit, auth, store

ROOT_SCRIPT = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PASSWORD = "correct-horse-9"


@pytest.fixture
def deferred_files(monkeypatch):
    """What each deferred download button would serve: file name -> the callable building it."""
    files: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        files[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return files


@pytest.fixture
def briefing_page(tiny_app):
    return lambda **query_params: tiny_app("briefing", **query_params)


@pytest.fixture
def analytics_page(tmp_path, monkeypatch, open_page):
    from tests import tiny_analytics

    path = tiny_analytics.build(tmp_path / "analytics.duckdb")
    monkeypatch.setenv("GRIDGOV_DB", str(path))
    monkeypatch.setenv("GRIDGOV_AUDIT_DB", str(tmp_path / "audit.duckdb"))
    st.cache_data.clear()
    st.cache_resource.clear()

    def make(**query_params) -> AppTest:
        at = AppTest.from_file(ROOT_SCRIPT, default_timeout=60)
        at.query_params.update(query_params)
        return open_page(at, "briefing")

    yield make
    st.cache_data.clear()
    st.cache_resource.clear()
    store.close_instance(path)
    audit.close()


def preview_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_page_previews_the_last_complete_week_with_the_metrics_figures(briefing_page, deferred_files):
    at = briefing_page().run()
    assert not at.exception
    assert at.title[0].value == "会议简报"
    text = preview_text(at)
    # tests/tiny.py, 2026-W46 on the assessment basis: c1-c4 and c6 received (c5 is excluded),
    # c1, c2 and c4 closed (60.0%), c1 closed on time of the two closed with a deadline (50.0%)
    assert "本周全区共受理群众诉求5件" in text
    assert "办结3件，办结率60.0%" in text and "按期办结率50.0%" in text
    assert "一、总体情况" in text and "五、信访情况" in text and "口径说明" in text
    overall = next(d.value for d in at.dataframe if "指标" in d.value.columns)
    assert overall.set_index("指标").loc["受理量", "本期"] == "5"
    assert {"会议简报_2026-W46_全区.docx", "会议简报_2026-W46_全区.xlsx"} <= set(deferred_files)


def test_the_word_download_is_the_briefing_shown_and_is_audited(briefing_page, deferred_files):
    at = briefing_page().run()
    document = Document(io.BytesIO(deferred_files["会议简报_2026-W46_全区.docx"]()))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "本周全区共受理群众诉求5件" in body
    assert [b.key for b in at.download_button][:2] == ["briefing_docx", "briefing_xlsx"]
    at.download_button(key="briefing_docx").click().run()
    assert not at.exception
    rows = audit.entries(datetime.now() - timedelta(hours=1), datetime.now() + timedelta(hours=1), ["briefing"])
    assert rows.height == 1
    assert '"period": "2026-W46"' in rows["detail"][0] and '"format": "docx"' in rows["detail"][0]
    assert rows["user_name"][0] == "demo"


def test_choosing_another_week_rebuilds_the_briefing(briefing_page):
    at = briefing_page().run()
    at.selectbox(key="week").set_value("2026-W45").run()
    assert not at.exception
    text = preview_text(at)
    assert "2026年第45周" in "\n".join(c.value for c in at.caption)
    assert "本周全区共受理群众诉求2件" in text      # c7 and c8


def test_switching_to_months_briefs_on_the_chosen_month(analytics_page):
    at = analytics_page().run()
    at.radio(key="period").set_value("month").run()
    at.selectbox(key="month").set_value("2026-10").run()
    assert not at.exception
    text = preview_text(at)
    # tests/tiny_analytics.py, October 2026: k1-k6 and k8 received (k7 is excluded), k1-k3 and k8 closed;
    # petitions q1-q6, q8 and q9
    assert "本月全区共受理群众诉求7件" in text and "办结4件，办结率57.1%" in text
    assert "本月全区登记信访件8件" in text


def test_a_month_can_be_chosen_from_the_url(analytics_page):
    at = analytics_page(period="month", month="2026-10").run()
    assert not at.exception
    assert "本月全区共受理群众诉求7件" in preview_text(at)


def test_a_street_briefing_counts_only_that_street(briefing_page):
    at = briefing_page(street="东街道").run()
    assert not at.exception
    assert "本周东街道共受理群众诉求4件" in preview_text(at)


@pytest.fixture
def street_user(tiny_path, tmp_path, monkeypatch, briefing_page):
    monkeypatch.setenv("GRIDGOV_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("GRIDGOV_AUTH", "on")
    auth.add_user("east", "street", PASSWORD, street="东街道")
    return briefing_page


def test_a_street_users_only_choice_is_their_street(street_user, open_page):
    at = street_user().run()
    at.text_input(key="login_name").input("east")
    at.text_input(key="login_password").input(PASSWORD)
    at = open_page(at.button[0].click().run(), "briefing").run()
    assert not at.exception
    assert at.session_state["street"] == "东街道"
    text = preview_text(at)
    assert "本周东街道共受理群众诉求4件" in text and "西镇" not in text
