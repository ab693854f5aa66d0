"""Page building blocks shared by every page: captions, KPI cards, measure tables with downloads."""
from __future__ import annotations

from functools import partial

import polars as pl
import streamlit as st

from gridgov import audit, measures, metrics, privacy, table_files
from gridgov.config import Config
from gridgov.i18n import STRINGS, t
from gridgov.periods import Period
from ui import data


def page_caption(period: Period, street: str | None, basis: str, span: metrics.DataSpan, lang: str) -> None:
    as_of = f"{span.as_of:%Y-%m-%d %H:%M}" if span.as_of else "—"
    text = period.title(lang) + " · " + t("scope", lang, scope=street or t("all_streets", lang),
                                            basis=t("basis_" + basis, lang))
    text += " · " + t("as_of", lang, as_of=as_of)
    if span.source == "demo":
        text += " " + t("demo_badge", lang)
    st.caption(text)


def export_context(period: Period, street: str | None, basis: str, span: metrics.DataSpan, lang: str) -> tuple[str, str]:
    """What a download says about its view: a file-name part and a title line (period, scope, basis, as-of)."""
    scope = street or t("all_streets", lang)
    as_of = f"{span.as_of:%Y-%m-%d %H:%M}" if span.as_of else "—"
    return (f"{period.label}_{scope}_{t('basis_short_' + basis, lang)}",
            " · ".join([period.title(lang), t("scope", lang, scope=scope, basis=t("basis_" + basis, lang)),
                        t("as_of", lang, as_of=as_of)]))


def _help(measure: str, row: dict, cfg: Config, lang: str) -> str:
    m = measures.ALL_MEASURES[measure]
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


def kpi_row(names: tuple[str, ...], current: dict, previous: dict, cfg: Config, lang: str, per_row: int = 4,
            vs_previous: str | None = None, year_ago: dict | None = None) -> None:
    """One card per measure: value, change vs the previous period, definition and target on hover.

    `vs_previous` words the change (default 较上周); with `year_ago`, each card also states the
    change vs the same period a year earlier (同比)."""
    columns = [c for start in range(0, len(names), per_row) for c in st.columns(per_row)]
    for col, name in zip(columns, names):
        m = measures.ALL_MEASURES[name]
        value = current.get(name)
        shown = measures.format_value(name, value)
        if measures.is_small_sample(name, current, cfg):
            shown += " *"
        delta = measures.format_change(name, value, previous.get(name), lang)
        col.metric(
            m.label(lang), shown, delta=delta,
            delta_color="normal" if m.higher_is_better else "inverse",
            help=_help(name, current, cfg, lang), border=True,
            delta_description=(vs_previous or t("vs_previous", lang)) if delta else None,
        )
        if year_ago is not None:
            change = measures.format_change(name, value, year_ago.get(name), lang)
            col.caption(t("year_on_year", lang, change=change or "—"))
        target = cfg.targets.get(name)
        if target is not None:
            gap = measures.format_change(name, value, target, lang)
            line = t("target", lang, target=measures.format_value(name, target))
            if gap is not None:
                met = (value >= target) if m.higher_is_better else (value <= target)
                line += " · " + (t("target_met", lang) if met else t("gap_to_target", lang, gap=gap))
            col.caption(line)


# Number formats of columns that are not measures (measures carry their own).
NUMBER_FORMATS = {"days_overdue": "%.1f", "days_between": "%.1f", "hours": "%.1f", "expected": "%.1f",
                  "baseline_mean": "%.1f", "ratio": "%.1f×", "p_value": "%.1e"}


def _column_label(column: str, lang: str) -> str:
    if column in measures.ALL_MEASURES:
        return measures.ALL_MEASURES[column].label(lang)
    key = "col_" + column
    return t(key, lang) if key in STRINGS else column


def _column_config(columns: list[str], lang: str) -> dict:
    config = {}
    for column in columns:
        label = _column_label(column, lang)
        m = measures.ALL_MEASURES.get(column)
        if m is None:
            help_text = t("help_" + column, lang) if "help_" + column in STRINGS else None
            if column in NUMBER_FORMATS:
                config[column] = st.column_config.NumberColumn(label, format=NUMBER_FORMATS[column], help=help_text)
            elif column.endswith("_at"):
                config[column] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
            else:
                config[column] = st.column_config.Column(label, help=help_text)
        elif m.kind == "count":
            config[column] = st.column_config.NumberColumn(label, help=m.definition(lang), format="localized")
        else:
            # values arrive ×100 (see _for_display): one decimal, as the cards show them
            fmt = {"rate": "%.1f%%", "per": "%.2f"}.get(m.kind, "%.1f")
            config[column] = st.column_config.NumberColumn(label, help=m.definition(lang), format=fmt)
    return config


def _for_display(frame: pl.DataFrame) -> pl.DataFrame:
    """Rates and scores ×100, so tables and their CSV read like the cards (98.2, not 0.982)."""
    scaled = [c for c in frame.columns if c in measures.ALL_MEASURES and measures.display_scale(c) != 1]
    return frame.with_columns((pl.col(scaled) * 100).round(1)) if scaled else frame


def _export_label(column: str, lang: str) -> str:
    label = _column_label(column, lang)
    m = measures.ALL_MEASURES.get(column)
    return label + "(%)" if m is not None and m.kind == "rate" else label


def measure_table(frame: pl.DataFrame, columns: tuple[str, ...], lang: str, key: str,
                  rank: bool = False, file_stem: str = "table", title: str | None = None,
                  selectable: bool = False) -> int | None:
    """A table with translated headers, measure definitions on hover, and CSV and XLSX downloads of
    exactly what it shows. `file_stem` should name the period and filters; `title`, written as the
    files' first row, states them. With `selectable`, returns the index of the row a user picked."""
    shown = _for_display(frame.select([c for c in columns if c in frame.columns]))
    if not _is_admin():
        shown = privacy.mask_frame(shown)
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
    picking = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    # a short table shows every row; a long one scrolls inside ten rows' height
    height = 35 * (shown.height + 1) + 3 if shown.height <= 15 else "auto"
    event = st.dataframe(shown, hide_index=True, column_config=config, key=key, height=height, placeholder="—",
                         **picking)
    export = privacy.suppress_small_cells(shown, list(measures.PETITION_COUNTS), data.settings().min_cell)
    export = export.rename({c: _export_label(c, lang) if c != "rank" else t("rank", lang) for c in export.columns})
    downloads = st.container(horizontal=True, key=key + "_downloads")
    for fmt in table_files.FORMATS:
        file_name = table_files.file_name([file_stem], fmt)
        downloads.download_button(
            t("download_" + fmt, lang), partial(table_files.encode, export, title or file_stem, fmt),  # built on click
            file_name=file_name, mime=table_files.MIME[fmt], key=f"{key}_{fmt}",
            on_click=audited_export, args=(file_name, export.height),
        )
    rows = event.selection.rows if selectable else []
    return rows[0] if rows else None


def _is_admin() -> bool:
    user = st.session_state.get("user")
    return user is not None and user.role == "admin"


def audited_export(file_name: str, rows: int) -> None:
    """Download buttons' on_click: every export is written to the audit log."""
    user = st.session_state.get("user")
    audit.record(getattr(user, "name", None), getattr(user, "role", None), "export", {"file": file_name}, rows)
