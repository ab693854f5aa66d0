"""AppTest: the 自助分析 page through dashboard.py — SQL, saved queries shared by URL, pivots, downloads."""
from __future__ import annotations

import io
import zipfile

import polars as pl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from gridgov import store

PER_STREET = "select street_name, sum(received) as received from case_facts where in_assessment group by all order by 1"


@pytest.fixture
def workbench(tiny_app):
    return lambda **query_params: tiny_app("workbench", **query_params)


@pytest.fixture
def deferred_files(monkeypatch):
    """What each deferred download button would serve: file name -> (file id, the callable)."""
    files: dict[str, tuple[str, object]] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kw)
        files[file_name] = (file_id, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return files


def frames(at) -> list[pl.DataFrame]:
    return [pl.from_pandas(d.value) for d in at.dataframe]


def frame_with(at, column: str) -> pl.DataFrame:
    return next(f for f in frames(at) if column in f.columns)


def run_sql(at, sql: str):
    at.text_area(key="workbench_sql").set_value(sql)
    return at.button(key="workbench_run").click().run()


def test_the_page_opens_with_the_example_run(workbench):
    at = workbench().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["自助分析"]
    result = frame_with(at, "received")
    assert set(result.columns) == {"week", "street_name", "received", "closed"}
    assert any("行 · 用时" in c.value for c in at.caption)
    assert at.get("plotly_chart"), "the quick chart is drawn"


def test_a_refused_query_shows_why_and_changes_nothing(workbench, tiny_path):
    at = run_sql(workbench().run(), "with gone as (delete from cases returning *) select count(*) from gone")
    assert not at.exception
    assert "不能写入数据" in at.error[0].value
    at = run_sql(at, "select count(*) as n from cases")
    assert frame_with(at, "n")["n"].to_list() == [8]


def test_a_saved_query_is_shared_by_url(workbench, tiny_path):
    at = run_sql(workbench().run(), PER_STREET)
    at.text_input(key="workbench_save_name").set_value("各街道受理量")
    at.text_area(key="workbench_save_description").set_value("考核口径，全部时间")
    at.button(key="workbench_save").click().run()
    assert not at.exception
    query_id = at.query_params["q"][0] if isinstance(at.query_params["q"], list) else at.query_params["q"]
    assert any("各街道受理量" in s.value for s in at.success)
    cur = store.instance(tiny_path).cursor()
    assert cur.execute("select name, sql from saved_queries").fetchall() == [("各街道受理量", PER_STREET)]

    # Someone opens the shared link in a new session: the query is loaded and run.
    shared = workbench(q=query_id).run()
    assert not shared.exception
    assert shared.text_area(key="workbench_sql").value == PER_STREET
    assert shared.selectbox(key="workbench_saved").value == query_id
    assert any("考核口径，全部时间" in c.value for c in shared.caption)
    assert frame_with(shared, "received")["received"].to_list() == [5, 1, 1]


def test_picking_a_saved_query_loads_and_runs_it(workbench, tiny_path):
    from gridgov import saved_queries

    query_id = saved_queries.save(store.instance(tiny_path), "工单数", "", "select count(*) as n from cases")
    at = workbench().run()
    at.selectbox(key="workbench_saved").set_value(query_id).run()
    assert not at.exception
    assert at.text_area(key="workbench_sql").value == "select count(*) as n from cases"
    assert frame_with(at, "n")["n"].to_list() == [8]
    assert at.query_params["q"] in (query_id, [query_id])


def test_an_unknown_shared_id_says_so(workbench):
    at = workbench(q="nosuchid").run()
    assert not at.exception
    assert any("nosuchid" in w.value for w in at.warning)


def test_downloads_hold_the_full_result_in_three_formats(workbench, deferred_files):
    at = run_sql(workbench().run(), "select range as n, 'x' || range as label from range(20000)")
    assert not at.exception
    assert any("20,000" not in c.value and "10,000 行" in c.value for c in at.caption)
    assert at.warning, "the truncation is announced"
    buttons = {b.proto.label: b for b in at.get("download_button") if b.proto.deferred_file_id}
    assert set(buttons) == {"下载 CSV", "下载 Excel", "下载 Parquet"}
    at.get("download_button")[0].click().run()   # a click reruns nothing and breaks nothing
    assert not at.exception

    _, make_csv = deferred_files["workbench.csv"]
    csv = pl.read_csv(io.BytesIO(make_csv()))
    assert csv.height == 20000 and csv["label"][19999] == "x19999"   # past the page's cap
    _, make_parquet = deferred_files["workbench.parquet"]
    assert pl.read_parquet(io.BytesIO(make_parquet())).height == 20000
    _, make_xlsx = deferred_files["workbench.xlsx"]
    with zipfile.ZipFile(io.BytesIO(make_xlsx())) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert 'ref="A1:B20001"' in sheet


def test_a_saved_query_names_its_download(workbench, deferred_files, tiny_path):
    from gridgov import saved_queries

    query_id = saved_queries.save(store.instance(tiny_path), "各街道", "", PER_STREET)
    at = workbench(q=query_id).run()
    assert not at.exception
    file_id, make_csv = deferred_files["各街道.csv"]
    assert file_id in {b.proto.deferred_file_id for b in at.get("download_button")}
    assert pl.read_csv(io.BytesIO(make_csv()))["received"].to_list() == [5, 1, 1]


def test_the_pivot_shows_the_weeks_measures_with_totals(workbench):
    at = workbench().run()
    at.selectbox(key="workbench_pivot_measure").set_value("completion_rate").run()
    assert not at.exception
    table = frame_with(at, "street")
    rows = dict(zip(table["street"], table["completion_rate"]))
    assert rows["东街道"] == 0.75 and rows["合计"] == pytest.approx(0.6)   # the overview's 60.0% for 2026-W46

    at.selectbox(key="workbench_pivot_columns").set_value("channel")
    at.selectbox(key="workbench_pivot_measure").set_value("received").run()
    table = frame_with(at, "street")
    assert table.columns == ["street", "app", "hotline", "合计"]
    assert table.filter(pl.col("street") == "合计").row(0) == ("合计", 1, 4, 5)
    labels = [b.proto.label for b in at.get("download_button") if not b.proto.deferred_file_id]
    assert labels[-2:] == ["下载 CSV", "下载 Excel"]


def test_a_pivot_that_cannot_be_built_explains_itself(workbench):
    at = workbench().run()
    at.multiselect(key="workbench_pivot_rows").set_value(["category"])
    at.selectbox(key="workbench_pivot_measure").set_value("petitions").run()
    assert not at.exception
    assert any("信访量只能" in w.value for w in at.warning)


def test_the_page_in_english(workbench):
    at = workbench(lang="en").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Analyst workbench"]
    assert any("rows ·" in c.value for c in at.caption)
