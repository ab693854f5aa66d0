"""Building blocks of the 网格分级 page (and the grade card the hotspot map opens)."""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov import grading
from gridgov.config import GradingConfig
from gridgov.i18n import STRINGS, t
from gridgov.periods import Period

GRID_COLUMNS = ("grid_id", "grid_name", "street_name", "community_name", "population", "cases", "case_rate",
                "case_interval", "case_rate_shrunk", "petitions", "petition_rate", "petition_interval",
                "petition_rate_shrunk", "grade", "previous_grade", "uncertain")
LIST_COLUMNS = ("grid_id", "grid_name", "street_name", "community_name", "population", "cases", "case_rate",
                "petitions", "petition_rate", "grade", "previous_grade")


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def grade_label(grade: str | None, lang: str) -> str:
    return t("grade_" + grade, lang) if grade else "—"


def half_label(period: Period, lang: str, as_of) -> str:
    partial = as_of is not None and period.end > as_of
    return period.title(lang) + (t("grading_partial", lang) if partial else "")


def rule_statement(th: grading.Thresholds, lang: str) -> str:
    """The rule as applied, in words, with each threshold's setting and value."""
    shrunk = t("grading_rule_on_shrunk", lang) if th.estimate == "shrunk" else ""
    head = t("grading_rule_" + th.rule, lang, estimate=shrunk)
    lines = []
    for kind in grading.KINDS:
        shown = {}
        for level in ("red", "yellow"):
            key = f"{kind}_{level}"
            value = fmt(th.value[key], 2)
            shown[level] = (t("grading_pct", lang, p=th.setting[key], value=value) if th.rule == "percentile"
                            else value)
        lines.append("- " + t("grading_rule_line", lang, rate=t(kind + "_rate", lang), **shown))
    return "\n".join([t("grading_rule_head", lang), "", head, *lines, "", t("grading_rule_config", lang)])


def display_frame(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Grades translated and each rate's interval as one text column, for tables and their CSV."""
    out = frame
    for kind in grading.KINDS:
        if f"{kind}_rate_low" in frame.columns:
            low, high = pl.col(f"{kind}_rate_low").round(1), pl.col(f"{kind}_rate_high").round(1)
            out = out.with_columns(pl.when(low.is_null()).then(pl.lit("—"))
                                   .otherwise(pl.format("{} – {}", low, high)).alias(f"{kind}_interval"))
    for column in ("grade", "previous_grade"):
        if column in out.columns:
            out = out.with_columns(pl.col(column).replace_strict(
                {g: t("grade_" + g, lang) for g in grading.GRADES}, default=None, return_dtype=pl.String))
    return out


def _config(columns: list[str], lang: str) -> dict:
    config = {}
    for c in columns:
        label = _label(c, lang)
        if c == "gi_z":
            config[c] = st.column_config.NumberColumn(label, format="%.2f")
        elif c == "gi_p":
            config[c] = st.column_config.NumberColumn(label, format="%.4f")
        elif c in ("rate", "residents_per_worker") or c.endswith("_rate") or c.endswith("_rate_shrunk"):
            help_text = t(c + "_help", lang) if c in ("case_rate", "petition_rate") else None
            config[c] = st.column_config.NumberColumn(label, format="%.1f", help=help_text)
        elif c == "uncertain":
            config[c] = st.column_config.CheckboxColumn(label, help=t("col_uncertain_help", lang))
        elif c in ("population", "cases", "filtered_cases", "petitions", "households", "grids", "full_time_staff"):
            config[c] = st.column_config.NumberColumn(label, format="localized")
        else:
            config[c] = st.column_config.Column(label)
    return config


def _label(column: str, lang: str) -> str:
    return t("col_" + column, lang) if ("col_" + column) in STRINGS else column


def table(frame: pl.DataFrame, columns: tuple[str, ...], lang: str, key: str, file_stem: str) -> None:
    """A grid table with translated headers and a CSV download of exactly what is shown."""
    shown = display_frame(frame, lang)
    shown = shown.select([c for c in columns if c in shown.columns])
    st.dataframe(shown, hide_index=True, column_config=_config(shown.columns, lang), key=key)
    labels = {c: _label(c, lang) for c in shown.columns}
    st.download_button(t("download_csv", lang), shown.rename(labels).write_csv(include_bom=True).encode("utf-8"),
                       file_name=f"{file_stem}.csv", mime="text/csv", key=key + "_csv")


def street_counts(g: grading.Grading, lang: str) -> pl.DataFrame:
    counts = grading.counts_by_street(g)
    return counts.rename({"street_name": t("col_street_name", lang), "grids": t("col_grids", lang),
                          **{k: t("grade_" + k, lang) for k in grading.GRADES}})


def transitions(g: grading.Grading, lang: str, file_stem: str) -> None:
    previous = g.period.previous().title(lang)
    if g.previous is None:
        st.info(t("grading_no_previous", lang, previous=previous))
        return
    matrix = grading.transition_matrix(g).with_columns(
        pl.col("previous_grade").replace_strict({k: t("grade_" + k, lang) for k in grading.GRADES}))
    matrix = matrix.rename({"previous_grade": previous + " ＼ " + g.period.title(lang),
                            **{k: t("grade_" + k, lang) for k in grading.GRADES}})
    st.dataframe(matrix, hide_index=True, key="grading_matrix")
    st.caption(t("grading_matrix_caption", lang, previous=previous, current=g.period.title(lang)))
    turned, left = grading.turned_red(g), grading.left_red(g)
    a, b = st.columns(2)
    with a:
        st.markdown("**" + t("grading_turned_red", lang, n=turned.height) + "**")
        table(turned, LIST_COLUMNS, lang, "grading_turned_red", file_stem + "_turned_red")
    with b:
        st.markdown("**" + t("grading_left_red", lang, n=left.height) + "**")
        table(left, LIST_COLUMNS, lang, "grading_left_red", file_stem + "_left_red")


def _state(entry: dict, lang: str) -> str:
    if entry["reached"]:
        return (t("why_reached_fewer", lang, n=entry["fewer"]) if entry.get("fewer") is not None
                else t("why_reached_cannot", lang))
    return t("why_not_reached", lang, n=entry["more"]) if entry.get("more") is not None else t("why_not_reachable", lang)


def grade_card(g: grading.Grading, grid_id: str, lang: str, level: float) -> None:
    """One grid's grade with its inputs, thresholds, interval, shrunk rate and the what-if counts."""
    w = grading.why(g, grid_id)
    row = w["row"]
    st.markdown(f"#### {row['grid_name']}（{row['grid_id']}）· {g.period.title(lang)}：**{grade_label(row['grade'], lang)}**")
    st.caption(" · ".join(str(x) for x in (row["street_name"], row["community_name"],
                                            t("map_tip_population", lang, population=fmt(row["population"], 0)))))
    if row["grade"] == "ungraded":
        st.info(t("why_ungraded", lang))
        return
    for column, kind in zip(st.columns(2), grading.KINDS):
        r = w["rates"][kind]
        column.metric(t(kind + "_rate", lang), fmt(r["rate"], 1), help=t(kind + "_rate_help", lang), border=True)
        scope = row[f"{kind}_prior_scope"] or t("why_district", lang)
        column.caption(t("why_counts", lang, count=r["count"], population=row["population"],
                         rate=fmt(row[f"{kind}_rate"]), level=level, low=fmt(row[f"{kind}_rate_low"]),
                         high=fmt(row[f"{kind}_rate_high"]), shrunk=fmt(row[f"{kind}_rate_shrunk"]),
                         keep=row[f"{kind}_keep"], scope=scope, mean=fmt(row[f"{kind}_prior_mean"])))
        for lvl in ("red", "yellow"):
            entry = r["levels"][lvl]
            column.markdown("- " + t("why_threshold", lang, level=grade_label(lvl, lang),
                                     threshold=fmt(entry["threshold"], 2), state=_state(entry, lang)))
    change = w["to_change"]
    needed = change["needed"]
    if change["direction"] == "fewer":
        parts = [t(f"why_need_{'cases' if k == 'case' else 'petitions'}_fewer", lang, n=n)
                 for k, n in needed.items() if n]
        target = grade_label("yellow" if change["level"] == "red" else "green", lang)
        if parts:
            st.markdown(t("why_leave", lang, target=target, needs=t("why_and", lang).join(parts)))
    else:
        parts = [t(f"why_need_{'cases' if k == 'case' else 'petitions'}_more", lang, n=n)
                 for k, n in needed.items() if n is not None]
        if parts:
            st.markdown(t("why_turn", lang, needs=" ".join(parts)))
    if g.previous is not None:
        st.caption(t("why_previous", lang, grade=grade_label(row.get("previous_grade"), lang)))


def health(frame: pl.DataFrame, gcfg: GradingConfig, lang: str) -> None:
    """Counts of each grid-health flag by street, and a list per flag."""
    flagged = grading.health(frame, gcfg)
    st.caption(t("health_caption", lang, u0=gcfg.urban_households[0], u1=gcfg.urban_households[1],
                 r0=gcfg.rural_households[0], r1=gcfg.rural_households[1], max_pop=gcfg.max_population,
                 per_worker=gcfg.max_residents_per_worker))
    by_street = grading.health_by_street(flagged)
    labels = {f: t("flag_" + f, lang) for f in grading.HEALTH_FLAGS}
    st.dataframe(by_street.rename({"street_name": t("col_street_name", lang), **labels}), hide_index=True,
                 column_config=_config(["grids", "population", "full_time_staff", "residents_per_worker"], lang),
                 key="grading_health_streets")
    columns = ("grid_id", "grid_name", "street_name", "community_name", "grid_type", "households", "population",
               "full_time_staff", "residents_per_worker")
    for flag in grading.HEALTH_FLAGS:
        rows = flagged.filter(pl.col(flag))
        with st.expander(t("health_list", lang, flag=labels[flag], n=rows.height)):
            table(rows, columns, lang, f"grading_health_{flag}", f"grid_health_{flag}")


def url_choice(key: str, param: str, options: list[str], default: str | None) -> None:
    """Seed a widget's session state from the URL once, and keep the URL showing the current choice."""
    if st.session_state.get(key) not in options:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in options else default
    value = st.session_state.get(key)
    if value and st.query_params.get(param) != value:
        st.query_params[param] = value
    elif not value and param in st.query_params:
        del st.query_params[param]


def pick_half(halves: list[Period], as_of, lang: str) -> Period:
    """The half-year picker (default: the last complete half-year), kept in ?g_half=."""
    labels = [p.label for p in halves]
    complete = [p.label for p in halves if as_of is None or p.end <= as_of]
    url_choice("grading_half", "g_half", labels, complete[0] if complete else labels[0])
    chosen = st.selectbox(t("grading_half", lang), labels, key="grading_half",
                          format_func=lambda label: half_label(halves[labels.index(label)], lang, as_of))
    return halves[labels.index(chosen)]


def pick_grid(frame: pl.DataFrame, key: str, lang: str, param: str) -> str | None:
    """A grid picker over the frame's grids (also set by clicking the map), kept in the URL."""
    ids = frame["grid_id"].to_list()
    names = dict(zip(ids, frame["grid_name"].to_list()))
    url_choice(key, param, ids, None)
    return st.selectbox(t("why_pick", lang), ids, key=key, index=None, placeholder=t("hs_pick_none", lang),
                        format_func=lambda gid: f"{gid} {names.get(gid) or ''}")


def select_from_map(map_key: str, grid_key: str) -> None:
    """on_select callback: a click on a grid polygon picks that grid."""
    from ui.maps import selected_grid

    chosen = selected_grid(st.session_state.get(map_key))
    if chosen:
        st.session_state[grid_key] = chosen


def grade_map(g: grading.Grading, geometry, street: str | None, selected: str | None, lang: str):
    """Grid polygons coloured by grade, with street boundaries; fitted to the street when one is chosen."""
    from ui import maps

    return maps.grade_deck(g, geometry, street, selected, lang)
