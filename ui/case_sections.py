"""Sections of 诉求办理 and 三色督办 (and the early-warning list of 总览): widgets, fetch, chart."""
from __future__ import annotations

from datetime import datetime, time

import polars as pl
import streamlit as st

from gridgov import case_analytics, drill as core_drill, early_warning, league, measures, metrics
from gridgov.i18n import t
from ui import analytics, charts, data, drill
from ui.analytics import View

KPIS = ("received", "completion_rate", "on_time_rate", "response_rate", "resolution_rate", "satisfaction_rate",
        "composite_score", "repeat_rate", "grid_handled_share", "cases_per_10k", "petitions", "closed")
RATES = ("completion_rate", "on_time_rate", "response_rate", "resolution_rate", "satisfaction_rate",
         "composite_score", "repeat_rate")
UNIT_COLUMNS = ("unit_name", "league", "received") + RATES + ("grid_handled_share", "cases_per_10k", "petitions")
CASE_COLUMNS = ("case_id", "light", "reason", "days_overdue", "received_at", "category", "subcategory", "channel",
                "handling_unit", "status", "deadline_at", "closed_at", "satisfaction")
RED_COLUMNS = ("case_id", "days_overdue", "reason", "received_at", "deadline_at", "category", "subcategory",
               "street_name", "community_name", "grid_name", "handling_unit")
WARNING_COLUMNS = ("kind", "unit_name", "parent", "this_week", "expected", "ratio", "baseline_mean",
                   "baseline_weeks", "p_value")


def figures(v: View):
    """The scope's child units and totals for the period, the period before (环比) and a year earlier (同比)."""
    units, current = case_analytics.scope_figures(data.fetch, v.period, v.cfg, v.scope, v.basis, v.register)
    before, previous = case_analytics.scope_figures(data.fetch, v.period.previous(), v.cfg, v.scope, v.basis,
                                                    v.register)
    _, year_ago = case_analytics.scope_figures(data.fetch, v.period.year_ago(), v.cfg, v.scope, v.basis, v.register)
    return units, before, current, previous, year_ago


def volume(v: View) -> None:
    granularity = st.segmented_control(
        t("granularity", v.lang), case_analytics.GRANULARITIES, key="cases_granularity",
        default="week" if v.period.kind != "week" else "day", required=True,
        format_func=lambda g: t("granularity_" + g, v.lang))
    frame = case_analytics.volume(data.fetch, v.period, v.scope, v.basis, granularity,
                                  v.span.first_received_at.date() if v.span.first_received_at else None)
    st.plotly_chart(charts.volume_figure(frame, granularity, v.lang, v.period), key="cases_volume_chart")


def _ranked(units: pl.DataFrame, before: pl.DataFrame, v: View) -> pl.DataFrame:
    classed = league.classify(units, before, v.cfg)
    return metrics.rank_units(classed, "unit", v.cfg)


def units_table(v: View, units: pl.DataFrame, before: pl.DataFrame, key: str) -> pl.DataFrame:
    """The scope's child places ranked by composite score with their league classes; a click drills down."""
    ranked = _ranked(units, before, v)
    level = v.scope.child
    st.subheader(t("units_title_" + level, v.lang))
    picked = analytics.table(v, ranked, UNIT_COLUMNS, key=f"{key}_{v.scope.level}", rank=True,
                             name=t("file_units_" + level, v.lang), selectable=True, level=level)
    unmatched = units.filter(pl.col("unit") == metrics.UNKNOWN_STREET)["received"].sum()
    st.caption(t("units_note", v.lang, n=v.cfg.min_denominator, unmatched=int(unmatched or 0)))
    if picked is not None:
        drill.down(v.scope, ranked["unit"][picked])
    return ranked


def league_classes(v: View, ranked: pl.DataFrame) -> None:
    """The four classes and the rules that chose them."""
    st.subheader(t("league_title", v.lang))
    n = v.cfg.analytics.league
    for column, cls in zip(st.columns(len(league.CLASSES)), league.CLASSES):
        names = ranked.filter(pl.col("league").list.contains(cls))["unit_name"].to_list()
        with column.container(border=True, key=f"league_{cls}"):
            st.markdown(f"**{t('v_league_' + cls, v.lang)}**")
            st.markdown("\n".join(f"- {name}" for name in names) if names else "—")
            st.caption(t("league_rule_" + cls, v.lang, n=n[cls]))
    st.caption(t("league_note", v.lang, n=v.cfg.min_denominator))


def breakdowns(v: View) -> None:
    """By category (two levels), channel and handling level; the share kept inside the grid."""
    def by(dimension: str) -> pl.DataFrame:
        return case_analytics.case_units(data.fetch, v.period.start, v.period.end, v.cfg, v.scope, v.basis, dimension)

    left, right = st.columns([1, 1])
    left.plotly_chart(charts.category_figure(by("subcategory"), v.lang, t("by_category", v.lang)),
                      key="cases_category_chart")
    channels = analytics.words(by("channel").rename({"unit": "channel"}), v.lang)
    right.plotly_chart(charts.share_figure(channels, "channel", "received", v.lang, t("by_channel", v.lang)),
                       key="cases_channel_chart")
    levels = by("handling_level")
    right.plotly_chart(charts.share_figure(analytics.words(levels.rename({"unit": "handling_level"}), v.lang),
                                           "handling_level", "received", v.lang, t("by_level", v.lang)),
                       key="cases_level_chart")
    share = case_analytics.totals(levels, v.cfg)["grid_handled_share"]
    right.caption(t("grid_share_note", v.lang, share=measures.format_value("grid_handled_share", share)))
    categories = by("category").sort("received", descending=True).with_columns(
        (pl.col("rated") < v.cfg.min_denominator).alias("small_sample")).rename({"unit_name": "category"})
    analytics.table(v, categories, ("category", "received") + RATES + ("grid_handled_share",),
                    key="cases_categories", name=t("file_categories", v.lang))


def handling_units(v: View) -> None:
    frame = case_analytics.case_units(data.fetch, v.period.start, v.period.end, v.cfg, v.scope, v.basis,
                                      "handling_unit").with_columns(
        (pl.col("rated") < v.cfg.min_denominator).alias("small_sample"),
        pl.col("parent").alias("handling_level")).sort("received", descending=True).rename({"unit_name": "handling_unit"})
    analytics.table(v, frame, ("handling_unit", "handling_level", "received") + RATES,
                    key="cases_handling_units", name=t("file_handling_units", v.lang))
    st.caption(t("small_note", v.lang, n=v.cfg.min_denominator))


def warnings(v: View, key: str, compact: bool = False) -> None:
    """Units whose cases in the period's last complete week are far above their seasonal baseline."""
    week = early_warning.warning_week(v.period, v.as_of)
    found = early_warning.detect(data.fetch, week, v.cfg, v.scope, v.basis, v.span.first_received_at)
    flagged = found.filter(pl.col("flagged"))
    a = v.cfg.analytics
    st.subheader(t("warning_title", v.lang, week=week.title(v.lang)))
    if flagged.height == 0:
        st.success(t("warning_none", v.lang, tested=found.height))
    else:
        shown = flagged.head(a.warning_rows) if compact else flagged
        analytics.table(v, shown, WARNING_COLUMNS, key=key, name=t("file_warnings", v.lang) + "_" + week.label)
    st.caption(t("warning_method", v.lang, years=a.warning_years, half=a.warning_half_width, alpha=a.warning_alpha,
                 min_count=a.warning_min_count, tested=found.height))


def case_list(v: View, key: str, lights: tuple[str, ...] = (), carry_over: bool = False, name: str = "",
              moment: datetime | None = None) -> None:
    """Cases of the scope with their lights as of `moment` (default: the data's time), most overdue
    first; clicking one opens it."""
    cases = case_analytics.case_list(data.fetch, v.period, moment or v.as_of, v.scope, v.basis, v.cfg, lights,
                                     carry_over)
    columns = RED_COLUMNS if lights == ("red",) else CASE_COLUMNS
    picked = analytics.table(v, cases, columns, key=key, name=name or t("file_cases", v.lang), selectable=True)
    if cases.height >= v.cfg.analytics.list_rows:
        st.caption(t("list_capped", v.lang, n=v.cfg.analytics.list_rows))
    if picked is not None:
        drill.open_leaf("case", cases["case_id"][picked])


def lights_moment(v: View) -> datetime:
    """The moment lights are judged at: the data's as-of time, or the end of a chosen earlier day."""
    first = v.span.first_received_at.date()
    latest = v.as_of.date()
    if "lights_on" not in st.session_state:
        asked = st.query_params.get("on")
        try:
            chosen = datetime.strptime(asked, "%Y-%m-%d").date() if asked else latest
        except ValueError:
            chosen = latest
        st.session_state["lights_on"] = min(max(chosen, first), latest)
    day = st.date_input(t("lights_on", v.lang), min_value=first, max_value=latest, key="lights_on",
                        help=t("lights_on_help", v.lang), width=220)
    if day == latest:
        st.query_params.pop("on", None)
        return v.as_of
    st.query_params["on"] = f"{day:%Y-%m-%d}"
    return datetime.combine(day, time(23, 59, 59))


def light_units(v: View, moment: datetime) -> pl.DataFrame:
    """Lights as of `moment` per child place of the scope (or, inside a grid, of the grid)."""
    return case_analytics.light_units(data.fetch, v.period, moment, v.scope, v.basis, v.scope.child or "grid")


def light_view(v: View, units: pl.DataFrame, key: str) -> None:
    """Lights per child place and why cases are red; a click on a place drills down."""
    level = v.scope.child or "grid"
    places = units.filter(pl.col("unit") != metrics.UNKNOWN_STREET)
    left, right = st.columns([3, 2])
    left.plotly_chart(charts.lights_figure(places, v.lang, t("lights_by_" + level, v.lang)), key=key + "_chart")
    totals = case_analytics.light_totals(units)
    reasons = pl.DataFrame({"reason": ["overdue", "repeat_open", "dissatisfied"],
                            "cases": [totals["red_overdue"], totals["red_repeat_open"], totals["red_dissatisfied"]]})
    right.plotly_chart(charts.share_figure(analytics.words(reasons, v.lang), "reason", "cases", v.lang,
                                           t("red_reasons", v.lang)), key=key + "_reasons")
    if v.scope.child:
        st.caption(t("drill_hint", v.lang))
        picked = analytics.table(v, places, ("unit_name", "red_cases", "yellow_cases", "green_cases", "red_overdue",
                                             "red_repeat_open", "red_dissatisfied", "carried_over"),
                                 key=f"{key}_{v.scope.level}", name=t("file_lights_" + level, v.lang), selectable=True,
                                 level=level)
        if picked is not None:
            drill.down(v.scope, places["unit"][picked])


def overview_warnings(week, street: str | None, basis: str, span: metrics.DataSpan, lang: str) -> None:
    """总览's compact early-warning list: the week's flagged units in the chosen street (or district)."""
    v = View(lang, data.settings(), span, week, basis, drill.places(), core_drill.Scope(street))
    warnings(v, key="overview_warnings", compact=True)
    st.caption(t("overview_warnings_note", lang))
