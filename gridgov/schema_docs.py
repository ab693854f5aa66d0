"""What every table, view and column analysts can query means (../shared/SCHEMA.md), in zh and en."""
from __future__ import annotations

Meaning = tuple[str, str]  # (中文, English)

_LINEAGE: dict[str, Meaning] = {
    "source_file": ("导入来源文件", "the file this row was imported from"),
    "source_row": ("来源文件中的行号", "its row in that file"),
    "imported_at": ("导入时间", "when it was imported"),
}

_PLACE: dict[str, Meaning] = {
    "grid_id": ("网格编码；为空表示未匹配网格（计入全区，不丢弃）", "grid key; empty when no grid matched (counted at district level, never dropped)"),
    "grid_name": ("网格名称", "grid name"),
    "community_name": ("社区/村", "community / village"),
    "street_name": ("街道/镇", "street / town"),
}

_BUCKETS: dict[str, Meaning] = {
    "received_on": ("受理日期", "date received"),
    "week_start": ("受理所在周的周一", "Monday of the week received"),
    "week": ("ISO 周，如 2026-W46", "ISO week, e.g. 2026-W46"),
    "month": ("月份，如 2026-11", "month, e.g. 2026-11"),
}


def _count(zh: str, en: str) -> Meaning:
    return (zh + "（0 或 1，求和即为计数）", en + " (0 or 1; sum it)")


TABLES: dict[str, Meaning] = {
    "grids": ("网格：每个网格一行", "grids: one row per grid"),
    "cases": ("工单：每件诉求一行（12345 热线、随手拍、网格巡查、走访）", "cases: one row per work order (12345 hotline, app, patrol, visit)"),
    "petitions": ("信访件：每件一行", "petitions: one row per petition"),
    "case_facts": ("工单事实视图：工单 + 所在网格、周/月，以及各指标的可加计数", "case facts view: cases with their place, week, month and each measure's additive counts"),
    "petition_facts": ("信访事实视图：信访件 + 所在网格、周/月，以及可加计数", "petition facts view: petitions with their place, week, month and additive counts"),
    "measure_definitions": ("指标定义：名称、中英文名、口径", "measure definitions: name, labels and definition"),
    "saved_queries": ("自助分析中保存的查询", "queries saved in the workbench"),
    "meta": ("数据库元信息（数据截至时间、来源）", "database facts (as-of time, source)"),
    "schema_version": ("数据库结构版本", "schema version history"),
}

COLUMNS: dict[str, dict[str, Meaning]] = {
    "grids": {
        "grid_id": ("网格编码（主键）", "grid key"),
        "grid_name": ("网格名称", "grid name"),
        "community_name": ("社区/村", "community / village"),
        "street_name": ("街道/镇", "street / town"),
        "grid_type": ("网格类型：urban 城市 / rural 农村 / special 专属网格（园区、校园）", "urban / rural / special (a campus, a business park)"),
        "households": ("户数", "households"),
        "population": ("常住人口", "resident population"),
        "full_time_staff": ("专职网格员", "full-time grid workers"),
        "part_time_staff": ("兼职网格员（民警、法律顾问、物业人员）", "part-time staff (police, legal adviser, property staff)"),
        "volunteers": ("N 类力量（志愿者等）", "volunteers and other forces"),
        "has_party_branch": ("网格党组织已建", "the grid has a party branch"),
        "leader_is_party_member": ("网格长为党员", "the grid leader is a party member"),
        "centroid_lon": ("中心点经度（WGS-84）", "centroid longitude (WGS-84)"),
        "centroid_lat": ("中心点纬度（WGS-84）", "centroid latitude (WGS-84)"),
        "boundary": ("边界 GeoJSON（WGS-84，可为空）", "boundary as GeoJSON (WGS-84, nullable)"),
        **_LINEAGE,
    },
    "cases": {
        "case_id": ("工单编号（主键）", "case key"),
        "received_at": ("受理时间", "received"),
        "channel": ("来源渠道：hotline 12345 / app 随手拍、码上办 / patrol 网格巡查 / visit 走访 / other", "hotline (12345) / app / patrol / visit / other"),
        "category": ("诉求分类（一级）", "category (first level)"),
        "subcategory": ("诉求分类（二级）", "subcategory (second level)"),
        "description": ("诉求内容", "what the resident asked"),
        "address": ("地址", "address"),
        "lon": ("经度（WGS-84，可为空）", "longitude (WGS-84, nullable)"),
        "lat": ("纬度（WGS-84，可为空）", "latitude (WGS-84, nullable)"),
        "grid_id": _PLACE["grid_id"],
        "handling_unit": ("承办单位", "handling unit"),
        "handling_level": ("承办层级：grid / community / street / district", "handling level: grid / community / street / district"),
        "dispatched_at": ("派单时间", "dispatched"),
        "responded_at": ("首次联系时间", "first contact"),
        "deadline_at": ("办结时限", "deadline"),
        "closed_at": ("办结时间", "closed"),
        "status": ("状态：pending 待办 / in_progress 办理中 / closed 已办结 / cancelled 已撤销", "pending / in_progress / closed / cancelled"),
        "contacted": ("回访：承办单位已联系群众（可为空）", "follow-up: the unit contacted the resident (nullable)"),
        "resolved": ("回访：问题已解决（可为空）", "follow-up: the problem was solved (nullable)"),
        "satisfaction": ("回访评价：satisfied 满意 / basically_satisfied 基本满意 / dissatisfied 不满意 / 空＝未评价", "satisfied / basically_satisfied / dissatisfied / empty = not rated"),
        "is_repeat": ("重复诉求", "repeat request"),
        "excluded": ("不纳入考核（不合理诉求、申诉成立）", "excluded from assessment (unreasonable request, upheld appeal)"),
        "caller_key": ("来电人电话的加密哈希（不存电话本身）", "keyed hash of the caller's phone (the phone is never stored)"),
        **_LINEAGE,
    },
    "petitions": {
        "petition_id": ("信访件编号（主键）", "petition key"),
        "received_at": ("登记时间", "registered"),
        "accepted_at": ("受理时间", "accepted"),
        "deadline_at": ("办理期限", "deadline"),
        "closed_at": ("办结时间", "closed"),
        "form": ("形式：letter 来信 / visit 来访 / online 网上信访", "letter / visit / online"),
        "category": ("信访事项分类", "petition category"),
        "grid_id": _PLACE["grid_id"],
        "persons": ("涉及人数", "people involved"),
        "is_repeat": ("重复访", "repeat petition"),
        "is_skip_level": ("越级访", "skip-level petition"),
        "is_collective": ("集体访", "collective petition"),
        "status": ("状态（同工单）", "status (as cases)"),
        "satisfaction": ("评价（同工单）", "rating (as cases)"),
        "petitioner_key": ("信访人身份的加密哈希（不存姓名、电话、身份证号）", "keyed hash of the petitioner (name, phone and ID are never stored)"),
        **_LINEAGE,
    },
    "case_facts": {
        "case_id": ("工单编号", "case key"),
        "received_at": ("受理时间", "received"),
        **_BUCKETS,
        "channel": ("来源渠道", "channel"),
        "category": ("诉求分类（一级）", "category"),
        "subcategory": ("诉求分类（二级）", "subcategory"),
        "handling_unit": ("承办单位", "handling unit"),
        "handling_level": ("承办层级", "handling level"),
        "status": ("状态", "status"),
        "satisfaction": ("回访评价", "follow-up rating"),
        "contacted": ("回访：已联系", "follow-up: contacted"),
        "resolved": ("回访：已解决", "follow-up: solved"),
        "is_repeat": ("重复诉求", "repeat request"),
        "deadline_at": ("办结时限", "deadline"),
        "closed_at": ("办结时间", "closed"),
        **_PLACE,
        "excluded": ("不纳入考核", "excluded from assessment"),
        "in_assessment": ("纳入考核口径（考核口径只统计此列为真的工单）", "on the assessment basis (the assessment basis counts only these)"),
        "received": _count("受理", "received"),
        "closed": _count("已办结", "closed"),
        "closed_with_deadline": _count("已办结且有办结时限", "closed with a deadline"),
        "closed_on_time": _count("按期办结（办结时间不晚于时限）", "closed on or before the deadline"),
        "rated": _count("有回访评价", "rated"),
        "rated_contacted": _count("有评价且已联系", "rated and contacted"),
        "rated_resolved": _count("有评价且已解决", "rated and solved"),
        "satisfied": _count("满意", "satisfied"),
        "basically_satisfied": _count("基本满意", "basically satisfied"),
        "dissatisfied": _count("不满意", "dissatisfied"),
        "repeats": _count("重复诉求", "repeat request"),
    },
    "petition_facts": {
        "petition_id": ("信访件编号", "petition key"),
        "received_at": ("登记时间", "registered"),
        **_BUCKETS,
        "form": ("形式", "form"),
        "category": ("信访事项分类", "petition category"),
        "status": ("状态", "status"),
        "satisfaction": ("评价", "rating"),
        "persons": ("涉及人数", "people involved"),
        **_PLACE,
        "petitions": _count("信访件", "petition"),
        "repeat_petitions": _count("重复访", "repeat petition"),
        "skip_level_petitions": _count("越级访", "skip-level petition"),
        "collective_petitions": _count("集体访", "collective petition"),
    },
    "measure_definitions": {
        "position": ("显示顺序", "display order"),
        "name": ("指标名（与 python -m gridgov metrics 的键相同）", "measure name (the keys of python -m gridgov metrics)"),
        "kind": ("count 计数 / rate 比率（0–1）/ score 得分（0–1）", "count / rate (0-1) / score (0-1)"),
        "label_zh": ("中文名", "Chinese label"),
        "label_en": ("英文名", "English label"),
        "definition_zh": ("口径（中文）", "definition in Chinese"),
        "definition_en": ("口径（英文）", "definition in English"),
        "denominator": ("比率的分母计数列", "the count a rate divides by"),
        "higher_is_better": ("越高越好", "higher is better"),
    },
    "saved_queries": {
        "query_id": ("查询编号（分享链接中的 ?q=）", "query id (the ?q= of a shared link)"),
        "name": ("名称", "name"),
        "description": ("说明", "description"),
        "sql": ("SQL", "SQL"),
        "created_at": ("创建时间", "created"),
        "updated_at": ("更新时间", "updated"),
    },
    "meta": {"key": ("键", "key"), "value": ("值", "value")},
    "schema_version": {"version": ("版本", "version"), "applied_at": ("升级时间", "applied")},
}

# The order tables appear in the schema browser: the canonical tables, then the analysts' views.
ORDER = tuple(TABLES)


def meaning(table: str, column: str, lang: str = "zh") -> str:
    pair = COLUMNS.get(table, {}).get(column)
    if pair is None:
        return ""
    return pair[0] if lang == "zh" else pair[1]


def table_meaning(table: str, lang: str = "zh") -> str:
    pair = TABLES.get(table)
    if pair is None:
        return ""
    return pair[0] if lang == "zh" else pair[1]
