"""UI strings, Chinese first and English second, kept in one place."""
from __future__ import annotations

LANGS = {"zh": "中文", "en": "English"}

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("党建引领网格治理数据看板", "Grid governance dashboard"),
    "nav_overview": ("总览", "Overview"),
    "language": ("语言 / Language", "语言 / Language"),
    "filters": ("筛选", "Filters"),
    "week": ("统计周", "Week"),
    "street": ("街道/镇", "Street / town"),
    "all_streets": ("全区", "Whole district"),
    "basis": ("统计口径", "Basis"),
    "basis_assessment": ("考核口径（剔除不纳入考核工单）", "Assessment (excluded cases left out)"),
    "basis_all": ("全部工单", "All cases"),
    "building_demo": ("首次启动：正在生成演示数据（示范区）…", "First start: building the demo district…"),
    "demo_built": ("演示数据已生成：{cases:,} 件工单，{grids:,} 个网格。", "Demo district built: {cases:,} cases, {grids:,} grids."),
    "no_data": ("数据库中还没有工单数据。请在“数据导入”页导入，或运行 python -m gridgov demo。",
                "The database holds no cases yet. Import data, or run python -m gridgov demo."),
    "overview_title": ("总览 · 周工作态势", "Overview · the week"),
    "as_of": ("数据截至 {as_of}", "Data as of {as_of}"),
    "demo_badge": ("（演示数据）", "(demo data)"),
    "scope": ("范围：{scope}；口径：{basis}", "Scope: {scope}; basis: {basis}"),
    "vs_previous": ("较上周", "vs last week"),
    "target": ("目标 {target}", "target {target}"),
    "gap_to_target": ("距目标 {gap}", "gap to target {gap}"),
    "target_met": ("已达标", "target met"),
    "small_sample": ("样本较少（{n} 件），仅供参考", "small sample ({n} cases): read with care"),
    "trend_title": ("近 {weeks} 周趋势", "Last {weeks} weeks"),
    "trend_measure": ("趋势指标", "Trend measure"),
    "ranking_title": ("街道排名（按综合得分）", "Street ranking (composite score)"),
    "overdue_title": ("超期未办结工单（前 {n} 件）", "Open cases past deadline (top {n})"),
    "overdue_none": ("截至数据时间，没有超期未办结的工单。", "No open case is past its deadline."),
    "download_csv": ("下载 CSV", "Download CSV"),
    "week_start": ("周起始日", "Week starting"),
    "rank": ("名次", "Rank"),
    "col_case_id": ("工单编号", "Case"),
    "col_received_at": ("受理时间", "Received"),
    "col_category": ("诉求类型", "Category"),
    "col_subcategory": ("二级分类", "Subcategory"),
    "col_street_name": ("街道/镇", "Street"),
    "col_community_name": ("社区/村", "Community"),
    "col_grid_name": ("网格", "Grid"),
    "col_handling_unit": ("承办单位", "Handling unit"),
    "col_deadline_at": ("办结时限", "Deadline"),
    "col_days_overdue": ("超期天数", "Days overdue"),
    "col_petitions": ("信访量", "Petitions"),
    "unknown_street": ("（未匹配网格）", "(no known grid)"),
    "no_cases_in_week": ("所选周没有受理工单。", "No cases were received in the chosen week."),
}


def t(key: str, lang: str = "zh", **fields) -> str:
    zh, en = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text
