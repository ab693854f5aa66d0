"""Page building blocks shared by every page: captions, KPI cards, measure tables with downloads."""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov import measures, metrics
from gridgov.config import Config
from gridgov.i18n import STRINGS, t
from gridgov.periods import Period


def page_caption(period: Period, street: str | None, basis: str, span: metrics.DataSpan, lang: str) -> None:
    as_of = f"{span.as_of:%Y-%m-%d %H:%M}" if span.as_of else "—"
    text = period.title(lang) + " · " + t("scope", lang, scope=street or t("all_streets", lang),
                                            basis=t("basis_" + basis, lang))
    text += " · " + t("as_of", lang, as_of=as_of)
    if span.source == "demo":
        text += " " + t("demo_badge", lang)
    st.caption(text)


def _help(measure: str, row: dict, cfg: Config, lang: str) -> str:
    m = measures.MEASURES[measure]
    parts = [m.definition(lang)]
    target = cfg.targets.get(measure)
    value = row.get(measure)
    if target is not None:
        parts.append(t("target", lang, target=measures.format_value(measure, target)))
        gap = metrics.gap_to_target(measure, value, cfg)
        if gap is not None:
            parts.append(t("gap_to_target", lang, gap=measures.format_change(measure, value, target, lang)))
    if measures.is_small_sample(measure, row, cfg):
        parts.append(t("small_sample", lang, n=row.get(m.denominator)))
    return "  \n".join(parts)


def kpi_row(names: tuple[str, ...], current: dict, previous: dict, cfg: Config, lang: str, per_row: int = 4) -> None:
    """One card per measure: value, change vs the previous period, definition and target on hover."""
    columns = [c for start in range(0, len(names), per_row) for c in st.columns(per_row)]
    for col, name in zip(columns, names):
        m = measures.MEASURES[name]
        value = current.get(name)
        shown = measures.format_value(name, value)
        if measures.is_small_sample(name, current, cfg):
            shown += " *"
        delta = measures.format_change(name, value, previous.get(name), lang)
        col.metric(
            m.label(lang), shown, delta=delta,
            delta_color="normal" if m.higher_is_better else "inverse",
            help=_help(name, current, cfg, lang), border=True,
            delta_description=t("vs_previous", lang) if delta else None,
        )
        target = cfg.targets.get(name)
        if target is not None:
            gap = measures.format_change(name, value, target, lang)
            line = t("target", lang, target=measures.format_value(name, target))
            if gap is not None:
                met = (value >= target) if m.higher_is_better else (value <= target)
                line += " · " + (t("target_met", lang) if met else t("gap_to_target", lang, gap=gap))
            col.caption(line)


def _column_label(column: str, lang: str) -> str:
    if column in measures.MEASURES:
        return measures.MEASURES[column].label(lang)
    key = "col_" + column
    return t(key, lang) if key in STRINGS else column


def _column_config(columns: list[str], lang: str) -> dict:
    config = {}
    for column in columns:
        label = _column_label(column, lang)
        m = measures.MEASURES.get(column)
        if m is None:
            if column == "days_overdue":
                config[column] = st.column_config.NumberColumn(label, format="%.1f")
            elif column.endswith("_at"):
                config[column] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
            else:
                config[column] = st.column_config.Column(label)
        elif m.kind == "count":
            config[column] = st.column_config.NumberColumn(label, help=m.definition(lang), format="localized")
        else:
            # values arrive ×100 (see _for_display): one decimal, as the cards show them
            config[column] = st.column_config.NumberColumn(
                label, help=m.definition(lang), format="%.1f%%" if m.kind == "rate" else "%.1f")
    return config


def _for_display(frame: pl.DataFrame) -> pl.DataFrame:
    """Rates and scores ×100, so tables and their CSV read like the cards (98.2, not 0.982)."""
    scaled = [c for c in frame.columns if c in measures.MEASURES and measures.MEASURES[c].kind != "count"]
    return frame.with_columns((pl.col(scaled) * 100).round(1)) if scaled else frame


def _export_label(column: str, lang: str) -> str:
    label = _column_label(column, lang)
    m = measures.MEASURES.get(column)
    return label + "(%)" if m is not None and m.kind == "rate" else label


def measure_table(frame: pl.DataFrame, columns: tuple[str, ...], lang: str, key: str,
                  rank: bool = False, file_stem: str = "table") -> None:
    """A table with translated headers, measure definitions on hover, and a CSV download."""
    shown = _for_display(frame.select([c for c in columns if c in frame.columns]))
    if "street_name" in shown.columns:
        shown = shown.with_columns(
            pl.col("street_name").replace(metrics.UNKNOWN_STREET, t("unknown_street", lang))
        )
    if "small_sample" in frame.columns:
        label = shown.columns[0]
        shown = shown.with_columns(
            pl.when(frame["small_sample"]).then(pl.col(label) + " *").otherwise(pl.col(label)).alias(label))
    if rank:
        shown = shown.with_row_index("rank", offset=1)
    config = _column_config(shown.columns, lang)
    if rank:
        config["rank"] = st.column_config.NumberColumn(t("rank", lang), width="small")
    st.dataframe(shown, hide_index=True, column_config=config, key=key)
    export = shown.rename({c: _export_label(c, lang) if c != "rank" else t("rank", lang) for c in shown.columns})
    st.download_button(
        t("download_csv", lang), export.write_csv(include_bom=True).encode("utf-8"),
        file_name=f"{file_stem}.csv", mime="text/csv", key=key + "_csv",
    )
