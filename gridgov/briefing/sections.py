"""Sections 一 to 三 of the briefing (overall figures, the ranking, grid grades): sentences written
from the numbers of figures.Figures, the tables behind them and their charts."""
from __future__ import annotations

import polars as pl

from gridgov import grading, measures
from gridgov.briefing import text
from gridgov.briefing.figures import Figures
from gridgov.briefing.model import Block, Chart, Column, Table, chinese_numeral
from gridgov.briefing.text import comparisons, count, names, sentence, value
from gridgov.config import Config
from gridgov.i18n import t as ui_text

PHRASES: dict[str, tuple[str, str]] = {
    "h_overall": ("总体情况", "Overall"),
    "h_ranking_street": ("街道排名", "Street ranking"),
    "h_ranking_community": ("社区排名", "Community ranking"),
    "h_grading": ("网格分级", "Grid grades"),
    "received": ("{when}{scope}共受理群众诉求{n}", "{when} {scope} received {n} requests"),
    "received_none": ("{when}{scope}未受理群众诉求。", "{when} {scope} received no requests."),
    "closed": ("办结{n}", "{n} were closed"),
    "rate_with_change": ("{label}{value}（环比{change}）", "{label} {value} ({change} on the previous period)"),
    "rate": ("{label}{value}", "{label} {value}"),
    "rate_missing": ("{label}暂无数据", "{label}: no data"),
    "rated": ("回访{n}", "{n} residents were called back"),
    "rated_small": ("（回访量不足{min}件，仅供参考）", " (fewer than {min} rated cases: read with care)"),
    "unrated": ("{when}暂无回访数据，响应率、解决率、满意率和综合得分无法计算。",
                "No follow-up ratings {when_lower}: the response, resolution and satisfaction rates and the "
                "composite score cannot be computed."),
    "score": ("综合得分{value}分", "composite score {value}"),
    "score_with_change": ("综合得分{value}分（环比{change}）", "composite score {value} ({change} on the previous period)"),
    "targets": ("对照目标，{parts}", "Against targets, {parts}"),
    "targets_met": ("{items}已达标", "{items} met theirs"),
    "targets_missed": ("{items}未达标", "{items} fell short"),
    "target_gap": ("{label}（目标{target}，差{gap}）", "{label} (target {target}, {gap} short)"),
    "t_overall": ("主要指标", "Main figures"),
    "c_volume_week": ("受理量走势（按周，与去年同期对比）", "Requests received per week, against a year earlier"),
    "c_volume_month": ("受理量走势（按月，与去年同期对比）", "Requests received per month, against a year earlier"),
    "col_measure": ("指标", "Measure"), "col_current": ("本期", "This period"), "col_previous": ("上期", "Previous"),
    "col_mom": ("环比", "Change"), "col_year_ago": ("去年同期", "Year earlier"), "col_yoy": ("同比", "Year on year"),
    "col_target": ("目标", "Target"), "col_rank": ("名次", "Rank"), "col_unit_street": ("街道（镇）", "Street"),
    "col_unit_community": ("社区（村）", "Community"), "col_league": ("分类评定", "Class"),
    "level_street": ("街道（镇）", "streets"), "level_community": ("社区（村）", "communities"),
    "ranked": ("按综合得分排名，{n}个{level}中，居前{k}位的是{top}；居后{k}位的是{bottom}",
               "By composite score, of {n} {level} the top {k} are {top}; the bottom {k} are {bottom}"),
    "not_ranked": ("各{level}回访量均不足{min}件，本期不作排名。",
                   "None of the {level} has {min} or more rated cases: no ranking this period."),
    "named_score": ("{name}（{value}分）", "{name} ({value})"),
    "league": ("分类评定：先进类{advanced}；进步类（综合得分较上期提升最多）{progress}；整改类{rectify}；"
               "治理类（万人诉求比最高）{governance}。",
               "Classes: advanced {advanced}; progress (largest rise in score) {progress}; rectify {rectify}; "
               "governance focus (most "
               "requests per 10,000 residents) {governance}."),
    "named_per": ("{name}（{value}）", "{name} ({value})"),
    "small": ("{items}回访量不足{min}件，得分仅供参考，排在最后，不参与先进、进步、整改评定。",
              "{items} had fewer than {min} rated cases: their scores are for reference, ranked last and in no class."),
    "unmatched": ("另有{n}件工单未匹配到网格，计入合计、不参与排名。",
                  "{n} cases have no known grid: they count in the totals but in no ranking."),
    "t_ranking": ("{level}主要指标排名", "{level} ranked by composite score"),
    "c_ranking": ("{level}综合得分", "Composite score by {level}"),
    "small_note": ("* 回访量不足{min}件，得分仅供参考。", "* fewer than {min} rated cases: read with care."),
    "graded": ("按{half}数据{partial}，{scope}{total}个网格中，红色网格{red}个、黄色{yellow}个、绿色{green}个{ungraded}",
               "On {half} data{partial}, of {scope}'s {total} grids {red} are red, {yellow} yellow and {green} green{ungraded}"),
    "partial": ("（截至{as_of}，半年度尚未结束）", " (to {as_of}; the half-year is not over)"),
    "ungraded": ("，另有{n}个网格无常住人口数据、未定级", "; {n} grids have no population and are ungraded"),
    "transitions": ("与{half}相比，新转为红色网格{turned}个，退出红色网格{left}个",
                    "Against {half}, {turned} grids turned red and {left} left red"),
    "no_previous": ("{half}无数据，不作比较。", "No data for {half}: no comparison."),
    "most_red": ("红色网格较多的{level}是{items}。", "The {level} with the most red grids: {items}."),
    "named_grids": ("{name}（{n}个）", "{name} ({n})"),
    "rule": ("分级规则：每半年按各网格12345热线诉求（剔除不纳入考核的工单）和信访件的千人比评定，任一比率达到红色阈值为红色，"
             "达到黄色阈值为黄色，其余为绿色；{how}。本期阈值（每千人）：诉求红色{case_red}、黄色{case_yellow}，"
             "信访红色{petition_red}、黄色{petition_yellow}。",
             "Rule: every half-year each grid's 12345 hotline cases (excluded cases left out) and petitions per "
             "1,000 residents are graded; either rate at its red threshold makes the grid red, at its yellow "
             "threshold yellow, otherwise green; {how}. Thresholds this half-year (per 1,000): cases red "
             "{case_red}, yellow {case_yellow}; petitions red {petition_red}, yellow {petition_yellow}."),
    "how_percentile": ("阈值为全区已定级网格比率的百分位数（红色第{red}、黄色第{yellow}百分位）",
                       "thresholds are percentiles of the graded grids' rates (red {red}th, yellow {yellow}th)"),
    "how_absolute": ("阈值为配置的固定值", "thresholds are fixed numbers from the configuration"),
    "how_shrunk": ("，按经验贝叶斯收缩后的比率评定", ", graded on empirical-Bayes shrunk rates"),
    "t_grades": ("各{level}网格分级", "Grid grades by {level}"),
    "t_turned_red": ("新转为红色的网格", "Grids that turned red"),
    "t_red": ("红色网格名单", "Red grids"),
    "c_grades": ("各{level}网格分级", "Grid grades by {level}"),
    "total": ("合计", "Total"),
    "rows_shown": ("表中列出前{n}个，共{total}个，完整名单见Excel附件。",
                   "The first {n} of {total} are listed; the Excel appendix lists all."),
    "appendix_only": ("共{total}个，名单见Excel附件。", "{total} in all, listed in the Excel appendix."),
}


def p(key: str, lang: str, **fields) -> str:
    zh, en = PHRASES[key]
    return (zh if lang == "zh" else en).format(**fields)


def para(s: str) -> Block:
    return Block("paragraph", s)


def scope_name(f: Figures, lang: str) -> str:
    return f.street or text.t("district", lang)


def _rate_clause(measure: str, f: Figures, lang: str) -> str:
    label = text.measure_label(measure, lang)
    v = f.current.get(measure)
    if v is None:
        return p("rate_missing", lang, label=label)
    mom = text.change(measure, v, f.previous.get(measure), lang) if f.previous is not None else None
    key = "rate_with_change" if mom else "rate"
    return p(key, lang, label=label, value=value(measure, v), change=mom)


def _target_sentence(f: Figures, cfg: Config, lang: str) -> str | None:
    met, missed = [], []
    for name in measures.METRIC_KEYS:
        target, v = cfg.targets.get(name), f.current.get(name)
        if target is None or v is None:
            continue
        m = measures.MEASURES[name]
        label = m.label(lang)
        if (v >= target) if m.higher_is_better else (v <= target):
            met.append(label)
        else:
            gap = measures.format_change(name, v, target, lang).lstrip("+-")
            missed.append(p("target_gap", lang, label=label, target=value(name, target), gap=gap))
    if not met and not missed:
        return None
    parts = []
    if met:
        parts.append(p("targets_met", lang, items=names(met, lang)))
    if missed:
        parts.append(p("targets_missed", lang, items=names(missed, lang)))
    return p("targets", lang, parts=text.t("semi", lang).join(parts)) + text.t("end", lang)


def change_value(measure: str, current, previous):
    """The change measures.format_change words, as a number: a fraction for counts, a difference of
    fractions for rates and scores; None where format_change gives none."""
    if current is None or previous is None:
        return None
    if measures.ALL_MEASURES[measure].kind in ("rate", "score"):
        return current - previous
    return None if previous == 0 else (current - previous) / previous


def overall(f: Figures, cfg: Config, lang: str) -> list[Block]:
    c, when, scope = f.current, text.period_word(f.period.kind, lang), scope_name(f, lang)
    blocks = []
    if c["received"] == 0:
        blocks.append(para(p("received_none", lang, when=when, scope=scope)))
    else:
        blocks.append(para(text.sentences([sentence([
            p("received", lang, when=when, scope=scope, n=count(c["received"], lang)),
            comparisons("received", c, f.previous, f.year_ago, lang),
        ], lang), sentence([
            p("closed", lang, n=count(c["closed"], lang)),
            _rate_clause("completion_rate", f, lang),
            _rate_clause("on_time_rate", f, lang),
        ], lang)], lang)))
        if c["rated"] == 0:
            blocks.append(para(p("unrated", lang, when=when, when_lower=when.lower())))
        else:
            small = p("rated_small", lang, min=cfg.min_denominator) if c["rated"] < cfg.min_denominator else ""
            score = c["composite_score"]
            mom = text.change("composite_score", score, f.previous.get("composite_score"), lang) \
                if f.previous is not None else None
            blocks.append(para(sentence([
                p("rated", lang, n=count(c["rated"], lang)) + small,
                text.t("list", lang).join(_rate_clause(m, f, lang)
                                          for m in ("response_rate", "resolution_rate", "satisfaction_rate")),
                p("score_with_change" if mom else "score", lang, value=value("composite_score", score), change=mom),
                _rate_clause("repeat_rate", f, lang),
            ], lang)))
        targets = _target_sentence(f, cfg, lang)
        if targets:
            blocks.append(para(targets))
    blocks.append(Block("table", table=_overall_table(f, cfg, lang)))
    granularity = "c_volume_" + f.volume_granularity
    blocks.append(Block("chart", chart=Chart("volume", p(granularity, lang), "volume", f.volume,
                                             {"granularity": f.volume_granularity})))
    return blocks


def _overall_table(f: Figures, cfg: Config, lang: str) -> Table:
    rows = []
    for name in measures.METRIC_KEYS:
        now = f.current.get(name)
        before = f.previous.get(name) if f.previous is not None else None
        year = f.year_ago.get(name) if f.year_ago is not None else None
        rows.append({"measure": name, "label": text.measure_label(name, lang), "current": now, "previous": before,
                     "mom": change_value(name, now, before), "year_ago": year, "yoy": change_value(name, now, year),
                     "target": cfg.targets.get(name)})
    frame = pl.DataFrame(rows, schema={"measure": pl.String, "label": pl.String, "current": pl.Float64,
                                       "previous": pl.Float64, "mom": pl.Float64, "year_ago": pl.Float64,
                                       "yoy": pl.Float64, "target": pl.Float64})
    cols = (Column("label", p("col_measure", lang)), Column("current", p("col_current", lang), "measure"),
            Column("previous", p("col_previous", lang), "measure"), Column("mom", p("col_mom", lang), "change"),
            Column("year_ago", p("col_year_ago", lang), "measure"), Column("yoy", p("col_yoy", lang), "change"),
            Column("target", p("col_target", lang), "measure"))
    return Table("overall", p("t_overall", lang), cols, frame, measure_column="measure")


def _named(frame: pl.DataFrame, measure: str, key: str, lang: str) -> list[str]:
    return [p(key, lang, name=r["unit_name"], value=value(measure, r[measure])) for r in frame.iter_rows(named=True)]


def ranking(f: Figures, cfg: Config, lang: str) -> tuple[str, list[Block]]:
    level = f.unit_level
    level_word = p("level_" + level, lang)
    units = f.units
    rankable = units.filter(~pl.col("small_sample") & pl.col("composite_score").is_not_null())
    blocks = []
    if rankable.height >= 2:
        k = min(3, rankable.height // 2)
        k_word = chinese_numeral(k) if lang == "zh" else str(k)
        blocks.append(para(p("ranked", lang, n=rankable.height, level=level_word, k=k_word,
                             top=names(_named(rankable.head(k), "composite_score", "named_score", lang), lang),
                             bottom=names(_named(rankable.tail(k), "composite_score", "named_score", lang), lang))
                           + text.t("end", lang)))
    else:
        blocks.append(para(p("not_ranked", lang, level=level_word, min=cfg.min_denominator)))
    order = {"advanced": ("composite_score", True), "progress": ("composite_change", True),
             "rectify": ("composite_score", True), "governance": ("cases_per_10k", True)}
    members = {c: units.filter(pl.col("league").list.contains(c)).sort(by, descending=desc, nulls_last=True)
               for c, (by, desc) in order.items()}
    blocks.append(para(p("league", lang, **{c: names(members[c]["unit_name"].to_list(), lang)
                                           for c in ("advanced", "progress", "rectify")},
                         governance=names(_named(members["governance"], "cases_per_10k", "named_per", lang), lang))))
    small = units.filter(pl.col("small_sample"))["unit_name"].to_list()
    notes = []
    if small:
        notes.append(p("small", lang, items=names(small, lang), min=cfg.min_denominator))
    if f.unmatched:
        notes.append(p("unmatched", lang, n=measures.format_value("received", f.unmatched)))
    if notes:
        blocks.append(para(text.sentences(notes, lang)))
    blocks.append(Block("table", table=_ranking_table(f, cfg, lang)))
    if units.height:
        blocks.append(Block("chart", chart=Chart("ranking", p("c_ranking", lang, level=level_word), "ranking",
                                                 units.select("unit_name", "composite_score", "small_sample"),
                                                 {"target": cfg.targets.get("composite_score")})))
    return p("h_ranking_" + level, lang), blocks


def _ranking_table(f: Figures, cfg: Config, lang: str) -> Table:
    league_words = {c: ui_text("v_league_" + c, lang) for c in ("advanced", "progress", "rectify", "governance")}
    frame = f.units.with_row_index("rank", offset=1).with_columns(
        pl.when(pl.col("small_sample")).then(pl.col("unit_name") + " *").otherwise(pl.col("unit_name")).alias("name"),
        pl.col("league").list.eval(pl.element().replace_strict(league_words, default=pl.element()))
        .list.join(text.t("list", lang)).alias("classes"),
        pl.col("rank").cast(pl.Int64),
    )
    measures_shown = ("received", "completion_rate", "on_time_rate", "response_rate", "resolution_rate",
                      "satisfaction_rate", "composite_score")
    cols = (Column("rank", p("col_rank", lang), "count"), Column("name", p("col_unit_" + f.unit_level, lang)),
            *(Column(m, text.measure_label(m, lang), measures.ALL_MEASURES[m].kind) for m in measures_shown),
            Column("cases_per_10k", text.measure_label("cases_per_10k", lang), "number1"),
            Column("classes", p("col_league", lang)))
    level_word = p("level_" + f.unit_level, lang)
    note = p("small_note", lang, min=cfg.min_denominator) if f.units["small_sample"].any() else None
    return Table("ranking", p("t_ranking", lang, level=level_word), cols, frame, note=note)


def _grade_counts(g: grading.Grading, level: str) -> pl.DataFrame:
    """Grids per grade in each street (grading.counts_by_street), or in each community of one street."""
    if level == "street":
        frame = grading.counts_by_street(g).rename({"street_name": "unit_name"})
    else:
        grids = g.grids.with_columns(pl.col("community_name").fill_null("—"))
        frame = grids.group_by("community_name").agg(
            *(pl.col("grade").eq(x).sum().cast(pl.Int64).alias(x) for x in grading.GRADES),
            pl.len().cast(pl.Int64).alias("grids"),
        ).sort("community_name").rename({"community_name": "unit_name"})
    return frame.select("unit_name", *grading.GRADES, "grids")


GRID_COLUMNS = ("grid_id", "grid_name", "street_name", "community_name", "population", "cases", "case_rate",
                "petitions", "petition_rate", "previous_grade")


def _grid_table(key: str, title: str, grids: pl.DataFrame, level: str, lang: str, rows: int, cfg: Config) -> Table:
    words = {x: ui_text("grade_" + x, lang) for x in grading.GRADES}
    frame = grids.sort(["case_rate", "grid_id"], descending=[True, False], nulls_last=True).with_columns(
        pl.col("previous_grade").replace_strict(words, default=None, return_dtype=pl.String))
    kinds = {"population": "count", "cases": "count", "petitions": "small_count", "case_rate": "number1",
             "petition_rate": "number1"}
    shown = [c for c in GRID_COLUMNS if not (c == "street_name" and level == "community")]
    cols = tuple(Column(c, ui_text("col_" + c, lang), kinds.get(c, "text")) for c in shown)
    note = (p("rows_shown", lang, n=rows, total=frame.height) if 0 < rows < frame.height
            else p("appendix_only", lang, total=frame.height) if rows == 0 else None)
    return Table(key, title, cols, frame, document_rows=rows, note=note, small_cell=cfg.min_cell)


def grades_section(f: Figures, cfg: Config, lang: str) -> list[Block]:
    g, level = f.grades, f.unit_level
    level_word = p("level_" + level, lang)
    grids = g.grids
    n = {x: int((grids["grade"] == x).sum()) for x in grading.GRADES}
    partial = p("partial", lang, as_of=text.as_of_text(f.as_of, lang)) if f.half_partial else ""
    ungraded = p("ungraded", lang, n=n["ungraded"]) if n["ungraded"] else ""
    blocks = [para(p("graded", lang, half=g.period.title(lang), partial=partial, scope=scope_name(f, lang),
                     total=grids.height, red=n["red"], yellow=n["yellow"], green=n["green"], ungraded=ungraded)
                   + text.t("end", lang))]
    turned = grading.turned_red(g)
    if g.previous is not None:
        blocks.append(para(p("transitions", lang, half=g.previous.period.title(lang), turned=turned.height,
                             left=grading.left_red(g).height) + text.t("end", lang)))
    else:
        blocks.append(para(p("no_previous", lang, half=g.period.previous().title(lang))))
    counts = _grade_counts(g, level)
    most = counts.filter(pl.col("red") > 0).sort(["red", "unit_name"], descending=[True, False]).head(3)
    if most.height:
        blocks.append(para(p("most_red", lang, level=level_word, items=names(
            [p("named_grids", lang, name=r["unit_name"], n=r["red"]) for r in most.iter_rows(named=True)], lang))))
    th = g.thresholds
    how = (p("how_percentile", lang, red=_setting(th, "red"), yellow=_setting(th, "yellow"))
           if th.rule == "percentile" else p("how_absolute", lang))
    if th.estimate == "shrunk":
        how += p("how_shrunk", lang)
    blocks.append(para(p("rule", lang, how=how, **{k: "—" if v is None else f"{v:,.2f}" for k, v in th.value.items()})))

    total = {"unit_name": p("total", lang), **{x: n[x] for x in grading.GRADES}, "grids": grids.height}
    frame = pl.concat([counts, pl.DataFrame([total], schema=counts.schema)])
    cols = (Column("unit_name", p("col_unit_" + level, lang)),
            *(Column(x, ui_text("grade_" + x, lang), "count") for x in grading.GRADES),
            Column("grids", ui_text("col_grids", lang), "count"))
    blocks.append(Block("table", table=Table("grades", p("t_grades", lang, level=level_word), cols, frame)))
    if counts.height:
        blocks.append(Block("chart", chart=Chart("grades", p("c_grades", lang, level=level_word), "grades", counts)))
    rows = cfg.briefing.grid_rows
    if turned.height:
        blocks.append(Block("table", table=_grid_table("turned_red", p("t_turned_red", lang), turned, level, lang,
                                                        rows, cfg)))
    red = grids.filter(pl.col("grade") == "red")
    if red.height:
        blocks.append(Block("table", table=_grid_table("red_grids", p("t_red", lang), red, level, lang, 0, cfg)))
    return blocks


def _setting(th: grading.Thresholds, level: str) -> str:
    """The percentile setting shared by both rates, or both when they differ (case/petition)."""
    case, petition = th.setting[f"case_{level}"], th.setting[f"petition_{level}"]
    return f"{case:g}" if case == petition else f"{case:g}/{petition:g}"
