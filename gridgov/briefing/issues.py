"""Sections 四 and 五 of the briefing (problems to solve; petitions) and the definitions note."""
from __future__ import annotations

import polars as pl

from gridgov import measures, metrics, petition_analytics
from gridgov.briefing import text
from gridgov.briefing.figures import Figures
from gridgov.briefing.model import Block, Chart, Column, Table, format_cell
from gridgov.briefing.sections import change_value, para, scope_name
from gridgov.briefing.text import comparisons, count, names, sentence, value
from gridgov.config import Config
from gridgov.i18n import t as ui_text

PHRASES: dict[str, tuple[str, str]] = {
    "h_issues": ("突出问题", "Problems to solve"),
    "h_petitions": ("信访情况", "Petitions"),
    "h_definitions": ("口径说明", "Definitions"),
    "s_categories": ("（一）诉求类别", "(1) Categories"),
    "s_warnings": ("（二）异常预警", "(2) Early warnings"),
    "s_hotspots": ("（三）持续热点", "(3) Persistent hotspots"),
    "s_overdue": ("（四）超期未办结工单", "(4) Overdue open cases"),
    "s_escalations": ("（五）诉转访", "(5) Requests that became petitions"),
    "top_categories": ("受理量居前的类别是：{items}。", "The largest categories: {items}."),
    "named_count": ("{name}{n}", "{name} {n}"),
    "rising": ("较上期增加较多的是：{items}。", "Rising most on the previous period: {items}."),
    "rise": ("{name}（增加{n}件，{change}）", "{name} (+{n}, {change})"),
    "rise_new": ("{name}（增加{n}件，上期无）", "{name} (+{n}, none before)"),
    "no_rising": ("各类别受理量均未较上期增加。", "No category rose on the previous period."),
    "no_cases": ("本期没有受理工单。", "No cases were received this period."),
    "t_categories": ("诉求类别", "Categories"),
    "c_categories": ("受理量居前的诉求类别", "The largest categories"),
    "col_category": ("诉求类别", "Category"), "col_received_before": ("上期受理量", "Previous"),
    "col_change": ("环比", "Change"),
    "warned": ("以{week}为检测周，与往年同期基线相比，{k}个单元诉求量显著偏高：{items}。",
               "In {week}, against the same weeks of earlier years, {k} units were significantly high: {items}."),
    "warning_item": ("{name}{parent}{n}件，为预期的{ratio}倍", "{name}{parent}: {n}, {ratio}× expected"),
    "warning_category": ("{name}类诉求", "{name} requests"),
    "parent": ("（{name}）", " ({name})"),
    "no_warnings": ("以{week}为检测周，经检验{tested}个单元，未发现诉求量显著高于往年同期的单元。",
                    "In {week}, {tested} units were tested and none was significantly above the same weeks of "
                    "earlier years."),
    "none_tested": ("以{week}为检测周，没有当周诉求达到{min}件、可作检验的单元。",
                    "In {week} no unit had the {min} cases a test needs."),
    "t_warnings": ("异常预警单元", "Early warnings"),
    "col_expected": ("预期件数", "Expected"), "col_ratio": ("倍数", "Ratio"), "col_this_week": ("检测周件数", "Cases"),
    "hotspots": ("按{period}各网格诉求千人比的热点分析（Getis-Ord Gi*），持续热点网格{persistent}个（本期与上期均为热点），"
                 "新出现热点网格{new}个{where}。",
                 "A hotspot analysis (Getis-Ord Gi*) of each grid's requests per 1,000 residents in {period} finds "
                 "{persistent} persistent hotspots (hot this period and the one before) and {new} new ones{where}."),
    "hot_where": ("；持续热点较多的{level}是{items}", "; most persistent hotspots are in {items}"),
    "named_grids": ("{name}（{n}个）", "{name} ({n})"),
    "no_hotspots": ("缺少网格边界数据，未作热点分析。", "Grid boundaries are missing: no hotspot analysis."),
    "t_hotspots": ("持续热点网格", "Persistent hotspot grids"),
    "col_rate": ("诉求千人比", "Requests per 1,000"), "col_gi_z": ("Gi* z 值", "Gi* z"),
    "lights": ("截至{as_of}，{when}受理及此前结转的工单中，红灯{red}（超期未办结{overdue}、重复诉求未办结{repeat}、"
               "办结不满意{dissatisfied}），黄灯{yellow}。",
               "As of {as_of}, among cases received {when_lower} and open cases carried over: {red} red ({overdue} "
               "overdue and open, {repeat} repeat requests open, {dissatisfied} closed with the resident "
               "dissatisfied), {yellow} yellow."),
    "longest": ("超期时间最长的是{case}（{category}，{place}），已超期{days}天。",
                "The longest overdue is {case} ({category}, {place}), {days} days past its deadline."),
    "overdue_note": ("超期未办结共{total}，表中列出超期时间最长的{n}件，Excel附件列出{listed}。",
                     "{total} overdue and open: the {n} longest overdue are listed; the Excel appendix lists {listed}."),
    "t_overdue": ("超期未办结工单（按超期天数）", "Overdue open cases (most overdue first)"),
    "escalations": ("{when}登记的信访件中，{n}此前有相关12345诉求（诉转访），占信访量的{share}；其中同一来电人{person}，"
                    "同一网格相关类别{place}。",
                    "Of the petitions registered {when_lower}, {n} followed a related 12345 request, {share} of all; "
                    "{person} by the same person and {place} from the same grid in a related category."),
    "no_escalations": ("{when}登记的信访件中未发现诉转访。", "No petition registered {when_lower} followed a request."),
    "no_petitions": ("{when}{scope}未登记信访件。", "{scope} registered no petitions {when_lower}."),
    "petitions": ("{when}{scope}登记信访件{n}", "{when} {scope} registered {n} petitions"),
    "petition_kinds": ("其中重复访{repeat}、越级访{skip}、集体访{collective}", "{repeat} repeat, {skip} skip-level and "
                       "{collective} collective"),
    "per_1000": ("千人信访量{value}", "{value} per 1,000 residents"),
    "petition_rates": ("{items}。", "{items}."),
    "most_petitions": ("信访量较多的{level}是{items}。", "Most petitions came from {items}."),
    "level_street": ("街道（镇）", "streets"), "level_community": ("社区（村）", "communities"),
    "t_petitions": ("各{level}信访情况", "Petitions by {level}"),
    "c_petitions": ("各{level}信访量", "Petitions by {level}"),
    "col_unit_street": ("街道（镇）", "Street"), "col_unit_community": ("社区（村）", "Community"),
    "rows_shown": ("表中列出前{n}项，共{total}项，完整列表见Excel附件。",
                   "The first {n} of {total} are listed; the Excel appendix lists all."),
    "small_cell_note": ("表中小于{n}的信访件数以“<{n}”表示。", "Petition counts below {n} are shown as “<{n}”."),
    "d_scope": ("统计范围：{scope}；统计期：{period}，按受理（登记）时间统计；{basis}；数据截至{as_of}。",
                "Scope: {scope}; period: {period}, by time received (registered); {basis}; data as of {as_of}."),
    "d_measures": ("指标定义：", "Measures: "),
    "d_ranking": ("排名与评定：按综合得分排名，回访量不足{min}件的单位得分仅供参考、排在最后，不参与先进、进步、整改评定。"
                  "先进：{advanced}；进步：{progress}；整改：{rectify}；治理类：{governance}。",
                  "Ranking: by composite score; units with fewer than {min} rated cases are ranked last and take no "
                  "advanced, progress or rectify class. Advanced: {advanced}; progress: {progress}; rectify: "
                  "{rectify}; governance focus: {governance}."),
    "d_grading": ("网格分级：见第三部分所述规则；无常住人口数据的网格不定级。",
                  "Grid grades: the rule stated in section 3; grids without population are ungraded."),
    "d_lights": ("三色督办：{red}{yellow}", "Case lights: {red} {yellow}"),
    "d_warnings": ("异常预警：检测周的件数与往年同期（同一ISO周前后各{half}周、最多{years}年）基线按全区变化折算后比较，"
                   "精确条件二项检验，按单元数作Bonferroni校正（总体显著性水平{alpha}）；当周少于{min}件的单元不检验。",
                   "Early warnings: a unit's cases in the week against its baseline (the same ISO week ± {half} weeks "
                   "in up to {years} earlier years), scaled by the district's change; exact conditional binomial "
                   "test, Bonferroni over the units (family-wise level {alpha}); units with fewer than {min} cases "
                   "are not tested."),
    "d_hotspots": ("持续热点：Getis-Ord Gi*（{weights}邻接），置信水平90%及以上为热点，本期与上期均为热点的为持续热点。",
                   "Persistent hotspots: Getis-Ord Gi* ({weights} contiguity), hot at 90% or more, hot in this "
                   "period and the one before."),
    "d_version": ("口径版本：{version}（“v”后为数据结构版本，其后为指标定义和配置参数的摘要，口径或参数变化时随之改变）。",
                  "Definitions version: {version} (the schema version after “v”, then a digest of the measure "
                  "definitions and policy settings, which changes whenever they do)."),
}


def p(key: str, lang: str, **fields) -> str:
    zh, en = PHRASES[key]
    return (zh if lang == "zh" else en).format(**fields)


def _level(f: Figures, lang: str) -> str:
    return p("level_" + f.unit_level, lang)


def categories(f: Figures, cfg: Config, lang: str) -> list[Block]:
    cats = f.categories.filter(pl.col("received") > 0)
    blocks = [Block("subheading", p("s_categories", lang))]
    if cats.height == 0:
        return blocks + [para(p("no_cases", lang))]
    top = cats.head(cfg.briefing.categories)
    blocks.append(para(p("top_categories", lang, items=names(
        [p("named_count", lang, name=r["unit_name"], n=count(r["received"], lang)) for r in top.iter_rows(named=True)],
        lang))))
    rising = f.categories.with_columns((pl.col("received") - pl.col("received_before")).alias("rise")).filter(
        pl.col("rise") > 0).sort(["rise", "unit"], descending=[True, False]).head(3)
    if rising.height:
        items = []
        for r in rising.iter_rows(named=True):
            ch = text.change("received", r["received"], r["received_before"], lang)
            key = "rise" if ch else "rise_new"
            items.append(p(key, lang, name=r["unit_name"], n=measures.format_value("received", r["rise"]), change=ch))
        blocks.append(para(p("rising", lang, items=names(items, lang))))
    else:
        blocks.append(para(p("no_rising", lang)))
    frame = f.categories.with_columns(
        pl.struct("received", "received_before").map_elements(
            lambda r: change_value("received", r["received"], r["received_before"]), return_dtype=pl.Float64
        ).alias("change"))
    cols = (Column("unit_name", p("col_category", lang)), Column("received", text.measure_label("received", lang), "count"),
            Column("received_before", p("col_received_before", lang), "count"),
            Column("change", p("col_change", lang), "change_count"),
            Column("completion_rate", text.measure_label("completion_rate", lang), "rate"),
            Column("satisfaction_rate", text.measure_label("satisfaction_rate", lang), "rate"))
    blocks.append(Block("table", table=Table("categories", p("t_categories", lang), cols, frame)))
    blocks.append(Block("chart", chart=Chart("categories", p("c_categories", lang), "categories",
                                             cats.head(10).select("unit_name", "received", "received_before"))))
    return blocks


def warnings(f: Figures, cfg: Config, lang: str) -> list[Block]:
    blocks = [Block("subheading", p("s_warnings", lang))]
    flagged = f.warnings.filter(pl.col("flagged")) if f.warnings.height else f.warnings
    week = f.warning_week.title(lang)
    if f.warnings.height == 0:
        return blocks + [para(p("none_tested", lang, week=week, min=cfg.analytics.warning_min_count))]
    if flagged.height == 0:
        return blocks + [para(p("no_warnings", lang, week=week, tested=f.warnings.height))]
    kinds = {k: ui_text("v_kind_" + k, lang) for k in ("category", "community", "grid")}

    def item(r: dict) -> str:
        # a grid's name already holds its community's; a community is placed in its street
        parent = p("parent", lang, name=r["parent"]) if r["parent"] and r["kind"] == "community" else ""
        name = p("warning_category", lang, name=r["unit_name"]) if r["kind"] == "category" else r["unit_name"]
        return p("warning_item", lang, name=name, parent=parent, n=measures.format_value("received", r["this_week"]),
                 ratio=format_cell("number1", r["ratio"]))

    shown = list(flagged.head(3).iter_rows(named=True))
    blocks.append(para(p("warned", lang, week=week, k=flagged.height, items=text.t("semi", lang).join(
        item(r) for r in shown))))
    frame = flagged.with_columns(pl.col("kind").replace_strict(kinds, default=pl.col("kind")).alias("kind_word"))
    cols = (Column("kind_word", ui_text("col_kind", lang)), Column("unit_name", ui_text("col_unit_name", lang)),
            Column("parent", ui_text("col_parent", lang)), Column("this_week", p("col_this_week", lang), "count"),
            Column("expected", p("col_expected", lang), "number1"), Column("ratio", p("col_ratio", lang), "number1"))
    rows = cfg.briefing.warning_rows
    note = p("rows_shown", lang, n=rows, total=flagged.height) if flagged.height > rows else None
    blocks.append(Block("table", table=Table("warnings", p("t_warnings", lang), cols, frame, document_rows=rows,
                                             note=note)))
    return blocks


def hotspots(f: Figures, cfg: Config, lang: str) -> list[Block]:
    blocks = [Block("subheading", p("s_hotspots", lang))]
    hot = f.hotspots
    if hot.height == 0 or hot["gi_class"].is_null().all():
        return blocks + [para(p("no_hotspots", lang))]
    persistent = hot.filter(pl.col("trend") == "persistent")
    new = int((hot["trend"] == "new").sum())
    column = "community_name" if f.street else "street_name"
    where = ""
    if persistent.height:
        most = persistent.group_by(column).agg(pl.len().alias("n")).sort(["n", column], descending=[True, False]).head(3)
        where = p("hot_where", lang, level=_level(f, lang), items=names(
            [p("named_grids", lang, name=r[column], n=r["n"]) for r in most.iter_rows(named=True)], lang))
    blocks.append(para(p("hotspots", lang, period=f.hotspot_period.title(lang), persistent=persistent.height, new=new,
                         where=where)))
    if persistent.height:
        frame = persistent.sort(["gi_z", "grid_id"], descending=[True, False])
        shown = [c for c in ("grid_id", "grid_name", "street_name", "community_name") if not (c == "street_name"
                                                                                                 and f.street)]
        cols = (*(Column(c, ui_text("col_" + c, lang)) for c in shown),
                Column("population", ui_text("col_population", lang), "count"),
                Column("cases", text.measure_label("received", lang), "count"),
                Column("case_rate", p("col_rate", lang), "number1"), Column("gi_z", p("col_gi_z", lang), "number2"))
        rows = cfg.briefing.grid_rows
        note = p("rows_shown", lang, n=rows, total=frame.height) if frame.height > rows else None
        blocks.append(Block("table", table=Table("hotspots", p("t_hotspots", lang), cols, frame, document_rows=rows,
                                                 note=note)))
    return blocks


def overdue(f: Figures, cfg: Config, lang: str) -> list[Block]:
    blocks = [Block("subheading", p("s_overdue", lang))]
    lights = f.lights
    when = text.period_word(f.period.kind, lang)
    blocks.append(para(p("lights", lang, as_of=text.as_of_text(f.as_of, lang), when=when, when_lower=when.lower(),
                         red=count(lights["red_cases"], lang), overdue=count(lights["red_overdue"], lang),
                         repeat=count(lights["red_repeat_open"], lang),
                         dissatisfied=count(lights["red_dissatisfied"], lang),
                         yellow=count(lights["yellow_cases"], lang))))
    cases = f.red_list.filter(pl.col("reason") == "overdue")
    if cases.height == 0:
        return blocks
    first = cases.row(0, named=True)
    place = first["grid_name"] or first["community_name"] or first["street_name"] or ui_text("unknown_street", lang)
    blocks.append(para(p("longest", lang, case=first["case_id"], category=first["category"] or "—", place=place,
                         days=format_cell("number1", first["days_overdue"]))))
    shown = ("case_id", "received_at", "category", "street_name", "grid_name", "handling_unit", "deadline_at",
             "days_overdue")
    kinds = {"received_at": "datetime", "deadline_at": "datetime", "days_overdue": "number1"}
    cols = tuple(Column(c, ui_text("col_" + c, lang), kinds.get(c, "text")) for c in shown
                 if not (c == "street_name" and f.street))
    rows = cfg.briefing.overdue_rows
    note = p("overdue_note", lang, total=count(lights["red_overdue"], lang), n=min(rows, cases.height),
             listed=count(cases.height, lang))
    blocks.append(Block("table", table=Table("overdue", p("t_overdue", lang), cols, cases, document_rows=rows,
                                             note=note)))
    return blocks


def escalations(f: Figures, cfg: Config, lang: str) -> list[Block]:
    when = text.period_word(f.period.kind, lang)
    blocks = [Block("subheading", p("s_escalations", lang))]
    if f.escalated.height == 0:
        return blocks + [para(p("no_escalations", lang, when=when, when_lower=when.lower()))]
    links = petition_analytics.link_counts(f.escalated)
    blocks.append(para(p("escalations", lang, when=when, when_lower=when.lower(), n=count(f.escalated.height, lang),
                         share=value("escalation_share", f.petitions.get("escalation_share")),
                         person=count(links["person"], lang), place=count(links["place"], lang))))
    return blocks


def issues(f: Figures, cfg: Config, lang: str) -> tuple[str, list[Block]]:
    return p("h_issues", lang), (categories(f, cfg, lang) + warnings(f, cfg, lang) + hotspots(f, cfg, lang)
                                 + overdue(f, cfg, lang) + escalations(f, cfg, lang))


PETITION_RATES = ("timely_acceptance_rate", "petition_on_time_rate", "petition_satisfaction_rate")


def petitions(f: Figures, cfg: Config, lang: str) -> tuple[str, list[Block]]:
    c, P = f.current, f.petitions
    when, scope = text.period_word(f.period.kind, lang), scope_name(f, lang)
    blocks = []
    if c["petitions"] == 0:
        blocks.append(para(p("no_petitions", lang, when=when, when_lower=when.lower(), scope=scope)))
    else:
        blocks.append(para(sentence([
            p("petitions", lang, when=when, scope=scope, n=count(c["petitions"], lang)),
            comparisons("petitions", c, f.previous, f.year_ago, lang),
        ], lang)[:-1] + text.t("semi", lang) + sentence([
            p("petition_kinds", lang, repeat=count(P["repeat_petitions"], lang), skip=count(P["skip_level_petitions"], lang),
              collective=count(P["collective_petitions"], lang)),
            p("per_1000", lang, value=value("petitions_per_1000", P.get("petitions_per_1000"))),
        ], lang)))
        rates = []
        for m in PETITION_RATES:
            v = P.get(m)
            label = text.measure_label(m, lang)
            rates.append(f"{label}{value(m, v)}" if v is not None and lang == "zh" else
                         f"{label} {value(m, v)}" if v is not None else
                         (f"{label}暂无数据" if lang == "zh" else f"{label}: no data"))
        blocks.append(para(p("petition_rates", lang, items=text.t("sep", lang).join(rates))))
        places = f.petition_units.filter((pl.col("petitions") > 0) & pl.col("population").is_not_null()).head(3)
        if places.height:
            blocks.append(para(p("most_petitions", lang, level=_level(f, lang), items=names(
                [p("named_count", lang, name=r["unit_name"],
                   n=format_cell("small_count", r["petitions"], lang, cfg.min_cell) + ("件" if lang == "zh" else ""))
                 for r in places.iter_rows(named=True)], lang))))
    blocks.append(Block("table", table=_petition_table(f, cfg, lang)))
    units = f.petition_units.filter(pl.col("population").is_not_null())
    if units.height:
        blocks.append(Block("chart", chart=Chart("petitions", p("c_petitions", lang, level=_level(f, lang)), "bars",
                                                 units.select("unit_name", "petitions"),
                                                 {"value": "petitions", "min_label": cfg.min_cell})))
    return p("h_petitions", lang), blocks


def _petition_table(f: Figures, cfg: Config, lang: str) -> Table:
    small = ("petitions", "repeat_petitions", "skip_level_petitions", "collective_petitions", "escalated_petitions")
    cols = (Column("unit_name", p("col_unit_" + f.unit_level, lang)),
            *(Column(m, text.measure_label(m, lang), "small_count") for m in small[:4]),
            Column("petitions_per_1000", text.measure_label("petitions_per_1000", lang), "number1"),
            Column("escalated_petitions", text.measure_label("escalated_petitions", lang), "small_count"),
            Column("escalation_share", text.measure_label("escalation_share", lang), "rate"))
    frame = f.petition_units.with_columns(
        pl.col("unit_name").replace(metrics.UNKNOWN_STREET, ui_text("unknown_street", lang)))
    return Table("petitions", p("t_petitions", lang, level=_level(f, lang)), cols, frame, small_cell=cfg.min_cell,
                 note=p("small_cell_note", lang, n=cfg.min_cell))


DEFINED = ("completion_rate", "on_time_rate", "response_rate", "resolution_rate", "satisfaction_rate",
           "composite_score", "repeat_rate", "cases_per_10k", "petitions_per_1000", "timely_acceptance_rate",
           "escalated_petitions")


def definitions(f: Figures, cfg: Config, lang: str, version: str) -> tuple[str, list[Block]]:
    a = cfg.analytics
    blocks = [para(p("d_scope", lang, scope=scope_name(f, lang), period=f.period.title(lang),
                     basis=text.basis_label(f.basis, lang), as_of=text.as_of_text(f.as_of, lang))),
              para(p("d_measures", lang) + ("" if lang == "zh" else " ").join(measures.ALL_MEASURES[m].definition(lang) for m in DEFINED)),
              para(p("d_ranking", lang, min=cfg.min_denominator,
                     **{c: ui_text("league_rule_" + c, lang, n=a.league[c]) for c in a.league})),
              para(p("d_grading", lang)),
              para(p("d_lights", lang, red=measures.ALL_MEASURES["red_cases"].definition(lang),
                     yellow=measures.ALL_MEASURES["yellow_cases"].definition(lang))),
              para(p("d_warnings", lang, half=a.warning_half_width, years=a.warning_years, alpha=a.warning_alpha,
                     min=a.warning_min_count)),
              para(p("d_hotspots", lang, weights=cfg.hotspots.weights)),
              para(p("d_version", lang, version=version))]
    return p("h_definitions", lang), blocks

