"""Sections of 信访: measures, forms and categories, the drill table, the petition list and 诉转访."""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov import drill as core_drill, petition_analytics
from gridgov.i18n import t
from ui import analytics, charts, data, drill
from ui.analytics import View

KPIS = ("petitions", "repeat_petitions", "skip_level_petitions", "collective_petitions", "timely_acceptance_rate",
        "petition_on_time_rate", "petition_satisfaction_rate", "petitions_per_1000", "escalated_petitions",
        "escalation_share")
UNIT_COLUMNS = ("unit_name", "petitions", "repeat_petitions", "skip_level_petitions", "collective_petitions",
                "timely_acceptance_rate", "petition_on_time_rate", "petition_satisfaction_rate", "petitions_per_1000",
                "escalated_petitions", "escalation_share")
LIST_COLUMNS = ("petition_id", "petition_received_at", "form", "category", "grid_name", "persons", "is_repeat",
                "is_skip_level", "is_collective", "accepted_at", "deadline_at", "closed_at", "status", "satisfaction")
ESCALATION_COLUMNS = ("petition_id", "petition_received_at", "petition_category", "link", "days_between", "case_id",
                      "case_received_at", "case_category", "case_status", "case_satisfaction", "linked_cases",
                      "street_name", "community_name", "grid_name")


def _figures(v: View, period) -> tuple[pl.DataFrame, dict, pl.DataFrame]:
    escalated = petition_analytics.escalations(data.fetch, period, v.cfg, v.scope)
    units = petition_analytics.petition_units(data.fetch, period, v.as_of, v.cfg, v.scope, v.scope.child or "grid",
                                              v.register, escalated)
    return units, petition_analytics.totals(units, v.cfg, core_drill.scope_population(v.register, v.scope)), escalated


def figures(v: View):
    """Child units, totals and escalations for the period; totals for the period before and a year earlier."""
    units, current, escalated = _figures(v, v.period)
    _, previous, _ = _figures(v, v.period.previous())
    _, year_ago, _ = _figures(v, v.period.year_ago())
    return units, current, previous, year_ago, escalated


def forms_and_categories(v: View) -> None:
    left, right = st.columns(2)
    for column, dimension in ((left, "form"), (right, "category")):
        frame = petition_analytics.petition_units(data.fetch, v.period, v.as_of, v.cfg, v.scope, dimension)
        frame = analytics.words(frame.rename({"unit": dimension}) if dimension == "form" else frame, v.lang)
        label = dimension if dimension == "form" else "unit"
        column.plotly_chart(charts.share_figure(frame, label, "petitions", v.lang, t("petitions_by_" + dimension, v.lang)),
                            key=f"petitions_{dimension}_chart")


def units_table(v: View, units: pl.DataFrame, key: str) -> None:
    level = v.scope.child
    st.subheader(t("petition_units_title_" + level, v.lang))
    picked = analytics.table(v, units, UNIT_COLUMNS, key=f"{key}_{v.scope.level}",
                             name=t("file_petition_units_" + level, v.lang), selectable=True, level=level)
    st.caption(t("petition_units_note", v.lang, days=v.cfg.analytics.accept_days))
    if picked is not None:
        drill.down(v.scope, units["unit"][picked])


def petition_list(v: View, key: str) -> None:
    petitions = data.fetch("petition_list", start=v.period.start, end=v.period.end,
                           row_limit=v.cfg.analytics.list_rows, **v.scope.params()
                           ).rename({"received_at": "petition_received_at"})  # 登记, not a case's 受理
    st.subheader(t("petition_list_title", v.lang))
    picked = analytics.table(v, petitions, LIST_COLUMNS, key=key, name=t("file_petitions", v.lang), selectable=True)
    if picked is not None:
        drill.open_leaf("petition", petitions["petition_id"][picked])


def escalations(v: View, escalated: pl.DataFrame, key: str) -> None:
    """诉转访: the petitions that followed a case, with the case and how they are linked."""
    a = v.cfg.analytics
    st.subheader(t("escalation_title", v.lang))
    links = petition_analytics.link_counts(escalated)
    st.markdown(t("escalation_counts", v.lang, total=escalated.height, person=links["person"], place=links["place"]))
    mapped = "；".join(f"{p} ↔ {'、'.join(c)}" for p, c in sorted(a.escalation_categories.items())) or "—"
    st.caption(t("escalation_rule", v.lang, person_days=a.escalation_person_days, place_days=a.escalation_place_days,
                 mapping=mapped))
    picked = analytics.table(v, escalated, ESCALATION_COLUMNS, key=key, name=t("file_escalations", v.lang),
                             selectable=True)
    if picked is not None:
        drill.open_leaf("petition", escalated["petition_id"][picked])
