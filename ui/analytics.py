"""What the analytics pages (诉求办理, 三色督办, 信访) share: the view's context, its caption and
export names, code values as words, and the one-case and one-petition views."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl
import streamlit as st

from gridgov import case_analytics, drill as core_drill, metrics, privacy
from gridgov.config import Config
from gridgov.i18n import STRINGS, t
from gridgov.periods import Period
from ui import charts, data, drill, filters, widgets

# Columns whose codes are shown as words (i18n keys "v_<column>_<code>").
CODED = ("channel", "handling_level", "status", "satisfaction", "light", "reason", "link", "form", "league",
         "case_status", "case_satisfaction", "kind", "step", "result")
# The name column of a place table, by the level it lists.
PLACE_COLUMN = {"street": "street_name", "community": "community_name", "grid": "grid_name"}
YES_NO = ("is_repeat", "is_skip_level", "is_collective", "excluded", "contacted", "resolved")
_SHARED_CODES = {"case_status": "status", "case_satisfaction": "satisfaction", "result": "satisfaction"}


@dataclass(frozen=True)
class View:
    """Everything a page's sections need to know about what is being looked at."""
    lang: str
    cfg: Config
    span: metrics.DataSpan
    period: Period
    basis: str
    register: pl.DataFrame
    scope: core_drill.Scope
    case_basis: bool = True  # False where the assessment basis does not apply (petitions)

    @property
    def as_of(self) -> datetime:
        return self.span.as_of

    def place_path(self) -> list[str]:
        names = [self.scope.street, self.scope.community,
                 core_drill.grid_name(self.register, self.scope.grid) if self.scope.grid else None]
        return [t("all_streets", self.lang)] + [n for n in names if n]

    def file_stem(self, table: str) -> str:
        """`table`, period, place path and basis: what a downloaded file's name says."""
        parts = [table, self.period.label] + (self.place_path()[1:] or self.place_path()) + (
            [t("basis_short_" + self.basis, self.lang)] if self.case_basis else [])
        return "_".join(parts)

    def title(self, table: str) -> str:
        """The first row of a downloaded file: the table, period, place path, basis and as-of time."""
        basis = [t("basis_" + self.basis, self.lang)] if self.case_basis else []
        return " · ".join([table, self.period.title(self.lang), " › ".join(self.place_path())] + basis
                          + [t("as_of", self.lang, as_of=f"{self.as_of:%Y-%m-%d %H:%M}")])


def view(leaf: str, case_basis: bool = True) -> tuple[View | None, str | None]:
    """The page's view from the sidebar filters and drill keys (None when there are no data), and the
    opened case or petition; mirrors the drill keys in the URL."""
    span = metrics.data_span(data.fetch)
    period = filters.selected_period()
    if span.empty or period is None:
        st.info(t("no_data", filters.lang()))
        return None, None
    register = drill.places()
    scope = drill.current_scope(register)
    opened = drill.opened(leaf)
    drill.sync_url(leaf)
    return View(filters.lang(), data.settings(), span, period, filters.selected_basis(), register, scope,
                case_basis), opened


def caption(v: View) -> None:
    scope = (t("scope", v.lang, scope=" › ".join(v.place_path()), basis=t("basis_" + v.basis, v.lang))
             if v.case_basis else t("scope_only", v.lang, scope=" › ".join(v.place_path())))
    text = " · ".join([v.period.title(v.lang), scope, t("as_of", v.lang, as_of=f"{v.as_of:%Y-%m-%d %H:%M}")])
    if v.span.source == "demo":
        text += " " + t("demo_badge", v.lang)
    st.caption(text)


def kpis(v: View, names: tuple[str, ...], current: dict, previous: dict, year_ago: dict | None) -> None:
    """KPI cards with the change vs the previous period (环比) and vs a year earlier (同比)."""
    widgets.kpi_row(names, current, previous, v.cfg, v.lang, vs_previous=t("vs_previous_" + v.period.kind, v.lang),
                    year_ago=year_ago)


def words(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Code values (hotline, red, overdue, …) as the words of the page's language."""
    out = []
    for column in frame.columns:
        series = frame[column]
        if column in CODED and series.dtype == pl.List(pl.String):
            series = series.list.eval(pl.element().map_elements(lambda c: _word("league", c, lang), return_dtype=pl.String)
                                      ).list.join("、" if lang == "zh" else ", ")
        elif column in CODED and series.dtype == pl.String:
            field = _SHARED_CODES.get(column, column)
            series = series.map_elements(lambda c, f=field: _word(f, c, lang), return_dtype=pl.String)
        elif column in YES_NO and series.dtype == pl.Boolean:
            series = series.map_elements(lambda b: t("yes", lang) if b else t("no", lang), return_dtype=pl.String)
        out.append(series.alias(column))
    return pl.DataFrame(out) if out else frame


def _word(field: str, code: str | None, lang: str) -> str | None:
    if code is None:
        return None
    key = f"v_{field}_{code}"
    return t(key, lang) if key in STRINGS else code


def table(v: View, frame: pl.DataFrame, columns: tuple[str, ...], key: str, name: str, rank: bool = False,
          selectable: bool = False, level: str | None = None) -> int | None:
    """A measure table of the view, its downloads named and titled by the view. With `level`, the
    unit_name column is headed by that place level (街道/镇, 社区/村, 网格)."""
    if level in PLACE_COLUMN:
        frame = frame.rename({"unit_name": PLACE_COLUMN[level]})
        columns = tuple(PLACE_COLUMN[level] if c == "unit_name" else c for c in columns)
    return widgets.measure_table(words(frame, v.lang), columns, v.lang, key=key, rank=rank,
                                 file_stem=v.file_stem(name), title=v.title(name), selectable=selectable)


def _facts(facts: dict, fields: tuple[str, ...], lang: str, key: str) -> None:
    """A record's fields as a two-column table, every row visible."""
    st.dataframe(pl.DataFrame({"field": [t("col_" + c, lang) for c in fields],
                               "value": [str(facts[c]) if facts[c] is not None else "—" for c in fields]}),
                 hide_index=True, column_config={"field": t("col_field", lang), "value": t("col_value", lang)},
                 height=35 * (len(fields) + 1) + 3, key=key + "_facts")


CASE_FACTS = ("category", "subcategory", "channel", "street_name", "community_name", "grid_name",
              "handling_unit", "handling_level", "status", "is_repeat", "excluded", "contacted", "resolved",
              "satisfaction")


def case_detail(v: View, case_id: str, key: str, moment: datetime | None = None) -> None:
    """One case: its light as of `moment` (default: the data's time), its facts, description and timeline."""
    drill.close_button("case", v.lang, key=key + "_close")
    found = data.fetch("case_detail", case_id=case_id, as_of=moment or v.as_of)
    if found.height == 0:
        st.warning(t("case_missing", v.lang, id=case_id))
        return
    case = found.row(0, named=True)
    light = _word("light", case["light"], v.lang) or t("v_light_none", v.lang)
    st.subheader(t("case_heading", v.lang, id=case_id, light=light, reason=_word("reason", case["reason"], v.lang)))
    facts = words(found.select(CASE_FACTS), v.lang).row(0, named=True)
    left, right = st.columns([2, 3])
    with left:
        _facts(facts, CASE_FACTS, v.lang, key)
    with right:
        shown = privacy.mask_frame(found.select("description", "address")).row(0, named=True)
        st.markdown(f"**{t('col_description', v.lang)}**：{shown['description'] or '—'}")
        st.caption(f"{t('col_address', v.lang)}：{shown['address'] or '—'}")
        steps = case_analytics.timeline(case)
        judged = moment or v.as_of
        if case["reason"] == "overdue":
            st.markdown(t("case_overdue_days", v.lang, days=(judged - case["deadline_at"]).total_seconds() / 86400,
                          at=f"{judged:%Y-%m-%d %H:%M}"))
        # the moment judged at joins the line while it does not squeeze the steps into a dot
        near = case["reason"] in ("overdue", "repeat_open", "in_time") and (judged - case["received_at"]).days <= 60
        st.plotly_chart(charts.timeline_figure(steps, case["deadline_at"], v.lang, judged if near else None),
                        key=key + "_timeline")
        table(v, steps, ("step", "at", "hours", "result"), key + "_steps", t("file_case_timeline", v.lang) + "_" + case_id)


PETITION_FACTS = ("form", "category", "street_name", "community_name", "grid_name", "persons", "is_repeat",
                  "is_skip_level", "is_collective", "status", "satisfaction")


def petition_detail(v: View, petition_id: str, key: str) -> None:
    """One petition (no petitioner identity): its facts and timeline."""
    drill.close_button("petition", v.lang, key=key + "_close")
    found = data.fetch("petition_detail", petition_id=petition_id)
    if found.height == 0:
        st.warning(t("petition_missing", v.lang, id=petition_id))
        return
    row = found.row(0, named=True)
    st.subheader(t("petition_heading", v.lang, id=petition_id))
    facts = words(found.select(PETITION_FACTS), v.lang).row(0, named=True)
    steps = pl.DataFrame({"step": ["registered", "accepted_at", "closed_at"],
                          "at": [row["received_at"], row["accepted_at"], row["closed_at"]]},
                         schema={"step": pl.String, "at": pl.Datetime("us")})
    left, right = st.columns([2, 3])
    with left:
        _facts(facts, PETITION_FACTS, v.lang, key)
    with right:
        st.plotly_chart(charts.timeline_figure(steps, row["deadline_at"], v.lang), key=key + "_timeline")
