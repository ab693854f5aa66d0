"""Pivot tables without SQL: counts grouped in DuckDB, measures from gridgov.measures, pivoted in polars.

The dimensions are names from a fixed list that the pivot queries map to columns
(queries/pivot_case_counts.sql); every value a user chooses is a bound parameter. Counts are
additive, so the totals row and column are sums of counts evaluated again, never sums of rates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import polars as pl

from gridgov import measures, metrics
from gridgov.config import Config

Fetch = Callable[..., pl.DataFrame]

DIMENSIONS = ("street", "community", "grid", "category", "subcategory", "channel", "handling_level", "week", "month")
PLACES = ("street", "community", "grid")
PETITION_DIMENSIONS = PLACES + ("week", "month")  # petitions carry no case category, channel or level
MAX_ROWS = 2
MAX_COLUMNS = 1
SLOTS = MAX_ROWS + MAX_COLUMNS
BLANK = "（空）"


class PivotError(ValueError):
    """A pivot that cannot be built as asked; carries a message in both languages."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class PivotSpec:
    rows: tuple[str, ...]
    start: datetime
    end: datetime              # exclusive
    columns: tuple[str, ...] = ()
    measure: str = "received"
    streets: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    basis: str = "assessment"


@dataclass(frozen=True)
class Pivot:
    spec: PivotSpec
    long: pl.DataFrame    # one row per combination: the dimensions, every count and every measure
    table: pl.DataFrame   # rows × column values of the one chosen measure, with totals if asked


def validate(spec: PivotSpec) -> None:
    dims = spec.rows + spec.columns
    if not spec.rows:
        raise PivotError("请至少选择一个行维度", "Choose at least one row dimension")
    if len(spec.rows) > MAX_ROWS or len(spec.columns) > MAX_COLUMNS:
        raise PivotError(f"最多 {MAX_ROWS} 个行维度、{MAX_COLUMNS} 个列维度",
                         f"At most {MAX_ROWS} row and {MAX_COLUMNS} column dimensions")
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise PivotError("未知维度：" + ", ".join(unknown), "Unknown dimension: " + ", ".join(unknown))
    if len(set(dims)) != len(dims):
        raise PivotError("同一维度不能既做行又做列", "A dimension can be used only once")
    if spec.measure not in measures.MEASURES:
        raise PivotError(f"未知指标：{spec.measure}", f"Unknown measure: {spec.measure}")
    if spec.basis not in metrics.BASES:
        raise PivotError(f"未知口径：{spec.basis}", f"Unknown basis: {spec.basis}")
    if spec.start >= spec.end:
        raise PivotError("统计期的结束须晚于开始", "The period must end after it starts")
    if spec.measure in measures.PETITION_COUNTS and not _petitions_fit(spec):
        raise PivotError("信访量只能按街道、社区、网格、周、月分组，且不能按诉求类型或渠道筛选",
                         "Petitions group only by street, community, grid, week or month, without a category or channel filter")


def _petitions_fit(spec: PivotSpec) -> bool:
    return all(d in PETITION_DIMENSIONS for d in spec.rows + spec.columns) and not spec.categories and not spec.channels


def _slots(spec: PivotSpec) -> dict[str, str]:
    dims = list(spec.rows + spec.columns) + ["none"] * SLOTS
    return {f"dim_{i + 1}": dims[i] for i in range(SLOTS)}


def counts(fetch: Fetch, spec: PivotSpec) -> pl.DataFrame:
    """Summed case (and, where they share the dimensions, petition) counts per combination."""
    validate(spec)
    slots = _slots(spec)
    keys = list(slots)
    common = dict(slots, start=spec.start, end=spec.end, streets=list(spec.streets))
    cases = fetch("pivot_case_counts", **common, categories=list(spec.categories),
                  channels=list(spec.channels), basis=spec.basis)
    frame = cases
    if _petitions_fit(spec):
        petitions = fetch("pivot_petition_counts", **common)
        frame = cases.join(petitions, on=keys, how="full", coalesce=True, nulls_equal=True)
    present = [c for c in measures.ALL_COUNTS if c in frame.columns]
    frame = frame.with_columns(pl.col(present).fill_null(0).cast(pl.Int64))
    dims = spec.rows + spec.columns
    frame = frame.rename({f"dim_{i + 1}": d for i, d in enumerate(dims)}).drop(keys[len(dims):])
    return frame.with_columns(
        pl.col(d).cast(pl.String).fill_null(metrics.UNKNOWN_STREET if d in PLACES else BLANK) for d in dims
    )


def _summed(frame: pl.DataFrame, by: list[str], cfg: Config) -> pl.DataFrame:
    present = [c for c in measures.ALL_COUNTS if c in frame.columns]
    if by:
        summed = frame.group_by(by, maintain_order=True).agg(pl.col(present).sum())
    else:
        summed = frame.select(pl.col(present).sum())
    return measures.evaluate(summed, cfg)


def build(fetch: Fetch, spec: PivotSpec, cfg: Config, total_label: str | None = None) -> Pivot:
    """The pivot of one measure; with total_label, a totals row (and column) named so."""
    long = _summed(counts(fetch, spec), list(spec.rows + spec.columns), cfg).sort(list(spec.rows + spec.columns))
    measure = spec.measure
    rows = list(spec.rows)
    is_count = measures.MEASURES[measure].kind == "count"
    if long.height == 0:
        return Pivot(spec, long, long.select(rows + [measure]))
    if not spec.columns:
        table = long.select(rows + [measure])
        if total_label is not None:
            total = _summed(long, [], cfg).select(measure)
            total = total.with_columns([pl.lit(total_label if i == 0 else "").alias(r) for i, r in enumerate(rows)])
            table = pl.concat([table, total.select(rows + [measure])], how="vertical_relaxed")
        return Pivot(spec, long, table)

    column = spec.columns[0]
    values = sorted(long[column].unique().to_list())
    table = long.pivot(on=column, on_columns=values, index=rows, values=measure)
    table = table.select(rows + [str(v) for v in values])
    if total_label is not None:
        by_row = _summed(long, rows, cfg).select(rows + [pl.col(measure).alias(total_label)])
        table = table.join(by_row, on=rows, how="left", nulls_equal=True, maintain_order="left")
        by_column = _summed(long, [column], cfg)
        cells = {str(v): by_column.filter(pl.col(column) == v)[measure].item() for v in values}
        cells[total_label] = _summed(long, [], cfg)[measure].item()
        total = {r: (total_label if i == 0 else "") for i, r in enumerate(rows)} | cells
        table = pl.concat([table, pl.DataFrame([total], schema=table.schema)], how="vertical_relaxed")
    if is_count:
        table = table.with_columns(pl.exclude(rows).fill_null(0))
    return Pivot(spec, long, table)
