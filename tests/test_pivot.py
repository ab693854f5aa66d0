"""Pivots without SQL: the same numbers as `python -m gridgov metrics`, totals from counts, bound filters."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

import queries
from gridgov import config, measures, metrics, periods, pivot, store
from tests.test_cli import gridgov

W46 = periods.parse("week", "2026-W46")


def spec(**kw) -> pivot.PivotSpec:
    return pivot.PivotSpec(**{"rows": ("street",), "start": W46.start, "end": W46.end, **kw})


@pytest.mark.parametrize("period_args,basis", [(("--week", "2026-W46"), "assessment"),
                                               (("--month", "2026-11"), "all")])
def test_pivot_by_street_equals_the_metrics_command(tiny_path, period_args, basis):
    out = gridgov("metrics", *period_args, "--by", "street", "--basis", basis, "--json", db=tiny_path)
    assert out.returncode == 0, out.stderr
    expected = {row["street_name"]: row for row in json.loads(out.stdout)}
    period = periods.parse(period_args[0].lstrip("-"), period_args[1])
    cfg = config.load()  # the command's configuration
    con = store.connect(tiny_path)  # after the command: one process holds the file at a time
    try:
        for name in measures.METRIC_KEYS:
            result = pivot.build(lambda q, **p: queries.fetch(con, q, **p),
                                 spec(measure=name, start=period.start, end=period.end, basis=basis), cfg)
            got = dict(zip(result.table["street"], result.table[name]))
            assert set(got) == set(expected), name
            for street, row in expected.items():
                assert got[street] == pytest.approx(row[name]), (name, street)
    finally:
        con.close()


def test_totals_are_evaluated_from_summed_counts_not_summed_rates(fetch, cfg):
    result = pivot.build(fetch, spec(measure="completion_rate"), cfg, total_label="合计")
    rows = dict(zip(result.table["street"], result.table["completion_rate"]))
    # 东街道 3/4, 西镇 undefined (no assessed case), 未匹配 0/1; the district 3/5, as on the overview.
    assert rows == {"东街道": 0.75, "西镇": None, metrics.UNKNOWN_STREET: 0.0, "合计": pytest.approx(0.6)}


def test_columns_pivot_counts_with_totals_both_ways(fetch, cfg):
    result = pivot.build(fetch, spec(rows=("street", "community"), columns=("channel",), measure="received",
                                     start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), basis="all"),
                         cfg, total_label="合计")
    table = {r["street"]: r for r in result.table.to_dicts()}
    assert table["东街道"] == {"street": "东街道", "community": "东社区", "app": 1, "hotline": 4, "patrol": 0, "合计": 5}
    assert table["西镇"]["patrol"] == 1 and table["西镇"]["合计"] == 2
    assert table["合计"] == {"street": "合计", "community": "", "app": 1, "hotline": 6, "patrol": 1, "合计": 8}


def test_week_columns_and_grid_rows_for_petitions(fetch, cfg):
    result = pivot.build(fetch, spec(rows=("grid",), columns=("week",), measure="petitions",
                                     start=datetime(2026, 11, 1), end=datetime(2026, 11, 16)), cfg, total_label="合计")
    table = {r["grid"]: r for r in result.table.to_dicts()}
    assert table["g3 西一网格"]["2026-W46"] == 1
    assert table[metrics.UNKNOWN_STREET]["2026-W45"] == 1
    assert table["合计"]["合计"] == 3


def test_filters_are_bound_values(fetch, cfg):
    only_hotline = pivot.build(fetch, spec(measure="received", channels=("hotline",)), cfg)
    assert dict(zip(only_hotline.table["street"], only_hotline.table["received"])) == {"东街道": 3, metrics.UNKNOWN_STREET: 1}
    injected = pivot.build(fetch, spec(measure="received", streets=("东街道' or '1'='1",)), cfg)
    assert injected.long.height == 0


@pytest.mark.parametrize("bad,message", [
    (dict(rows=()), "row dimension"),
    (dict(rows=("street; drop table cases",)), "Unknown dimension"),
    (dict(rows=("street",), columns=("street",)), "only once"),
    (dict(measure="colour"), "Unknown measure"),
    (dict(measure="petitions", rows=("category",)), "Petitions"),
    (dict(measure="petitions", channels=("app",)), "Petitions"),
    (dict(rows=("street", "community", "grid")), "At most"),
])
def test_invalid_pivots_are_refused_with_a_message(fetch, cfg, bad, message):
    with pytest.raises(pivot.PivotError, match=message) as refused:
        pivot.build(fetch, spec(**bad), cfg)
    assert refused.value.zh


def test_an_empty_period_gives_an_empty_pivot(fetch, cfg):
    result = pivot.build(fetch, spec(start=datetime(2020, 1, 1), end=datetime(2020, 1, 8), columns=("week",)), cfg,
                         total_label="合计")
    assert result.long.height == 0
