"""A tiny district for the case and petition analytics, every answer worked out by hand.

Places: 东街道 = 东社区 (g1 1,000 residents, g2 500) + 南社区 (g3 500); 西镇 = 西村 (g4 2,000).
The month studied is 2026-10; AS_OF = 2026-11-20 18:00; MOMENT = 2026-10-20 00:00 (lights then).

October 2026 cases (k7 is excluded from assessment; k8 has no known grid):
  k1 g1 closed on time, satisfied, contacted, resolved, grid level, caller A   green | green
  k2 g1 closed late (10-12), dissatisfied, contacted, not resolved, community    red   | red (dissatisfied)
  k3 g2 closed 10-28 (late), basically satisfied, contacted, resolved, grid      yellow| green
  k4 g2 open, deadline 10-15, street level, caller D                              red   | red (overdue)
  k5 g3 open repeat, deadline 11-30, district level, caller E                     red   | red (repeat, open)
  k6 g3 cancelled                                                                 none  | none
  k7 g4 closed, satisfied, patrol, grid, EXCLUDED                                 green | green
  k8 —  received 10-20 10:00 (after MOMENT), closed on time, satisfied, not contacted
Carried over: k9 g1 received 09-20, still open (red, overdue); k10 g4 received 09-22, closed 10-02.
A year earlier: k11 g1 2025-10-08. Early-warning weeks: 2026-W45 (g3 ×6 其他, g1 ×1) against
2025-W45 (g1 ×3, g4 ×1, g3 ×1). k12 (caller U, 2026-06-01) is too old to link to q9.

October 2026 petitions: q1 (person link to k1), q2 (place link to k4), q3 (place link to k5),
q4 (unmapped category, no case), q5 (person link to k2, which also links by place), q6 (no grid),
q8 (person link to k4), q9 (caller's case 126 days before: no link). q7 is September's; q10 is
2026-W46's and not yet due for acceptance.
"""
from __future__ import annotations

from datetime import datetime as dt
from pathlib import Path

import polars as pl

from gridgov import store
from gridgov.config import AnalyticsConfig, Config

AS_OF = dt(2026, 11, 20, 18, 0)
MOMENT = dt(2026, 10, 20, 0, 0)

GRIDS = pl.DataFrame({
    "grid_id": ["g1", "g2", "g3", "g4"],
    "grid_name": ["东一网格", "东二网格", "南一网格", "西一网格"],
    "community_name": ["东社区", "东社区", "南社区", "西村"],
    "street_name": ["东街道", "东街道", "东街道", "西镇"],
    "grid_type": ["urban", "urban", "urban", "rural"],
    "population": [1000, 500, 500, 2000],
})

_C = ["case_id", "grid_id", "received_at", "deadline_at", "closed_at", "status", "satisfaction", "contacted",
      "resolved", "is_repeat", "excluded", "channel", "category", "handling_level", "handling_unit", "caller_key",
      "dispatched_at", "responded_at"]
_O = dict(contacted=None, resolved=None, is_repeat=False, excluded=False, channel="hotline", category="其他",
          handling_level="grid", handling_unit="东一网格", caller_key=None, dispatched_at=None, responded_at=None,
          satisfaction=None, closed_at=None, deadline_at=None)


def _case(case_id, grid_id, received_at, status, **kw):
    row = dict(_O, case_id=case_id, grid_id=grid_id, received_at=received_at, status=status, **kw)
    return tuple(row[c] for c in _C)


_CASES = [
    _case("k1", "g1", dt(2026, 10, 5, 9), "closed", deadline_at=dt(2026, 10, 8), closed_at=dt(2026, 10, 7),
          satisfaction="satisfied", contacted=True, resolved=True, category="物业服务", caller_key="A"),
    _case("k2", "g1", dt(2026, 10, 6, 9), "closed", deadline_at=dt(2026, 10, 9), closed_at=dt(2026, 10, 12),
          satisfaction="dissatisfied", contacted=True, resolved=False, category="停车难", handling_level="community",
          handling_unit="东社区居委会", caller_key="B"),
    _case("k3", "g2", dt(2026, 10, 10, 9), "closed", deadline_at=dt(2026, 10, 25), closed_at=dt(2026, 10, 28, 9),
          satisfaction="basically_satisfied", contacted=True, resolved=True, channel="app", category="噪音扰民",
          handling_unit="东二网格", caller_key="C", dispatched_at=dt(2026, 10, 10, 10),
          responded_at=dt(2026, 10, 10, 13)),
    _case("k4", "g2", dt(2026, 10, 12, 9), "in_progress", deadline_at=dt(2026, 10, 15), category="物业服务",
          handling_level="street", handling_unit="东街道办事处", caller_key="D"),
    _case("k5", "g3", dt(2026, 10, 15, 9), "pending", deadline_at=dt(2026, 11, 30), is_repeat=True,
          handling_level="district", handling_unit="区政务服务中心", caller_key="E"),
    _case("k6", "g3", dt(2026, 10, 16, 9), "cancelled", deadline_at=dt(2026, 10, 19), handling_level="community",
          handling_unit="南社区居委会"),
    _case("k7", "g4", dt(2026, 10, 18, 9), "closed", deadline_at=dt(2026, 10, 21), closed_at=dt(2026, 10, 19),
          satisfaction="satisfied", contacted=True, resolved=True, excluded=True, channel="patrol",
          category="环境整治", handling_unit="西一网格"),
    _case("k8", None, dt(2026, 10, 20, 10), "closed", deadline_at=dt(2026, 10, 23), closed_at=dt(2026, 10, 22),
          satisfaction="satisfied", contacted=False, resolved=True, handling_level="district",
          handling_unit="区政务服务中心"),
    _case("k9", "g1", dt(2026, 9, 20, 9), "in_progress", deadline_at=dt(2026, 9, 25), category="物业服务"),
    _case("k10", "g4", dt(2026, 9, 22, 9), "closed", deadline_at=dt(2026, 9, 29), closed_at=dt(2026, 10, 2),
          satisfaction="satisfied", contacted=True, resolved=True, handling_unit="西一网格"),
    _case("k11", "g1", dt(2025, 10, 8, 9), "closed", deadline_at=dt(2025, 10, 10), closed_at=dt(2025, 10, 9),
          satisfaction="satisfied", contacted=True, resolved=True, category="物业服务"),
    _case("k12", "g4", dt(2026, 6, 1, 9), "closed", deadline_at=dt(2026, 6, 10), closed_at=dt(2026, 6, 5),
          category="劳动保障", caller_key="U", handling_unit="西一网格"),
    # early warning: 2026-W45 (2-8 Nov) against 2025-W45 (3-9 Nov)
    *[_case(f"w{i}", "g3", dt(2026, 11, 2 + i, 10), "closed", deadline_at=dt(2026, 11, 12),
            closed_at=dt(2026, 11, 9), handling_unit="南一网格") for i in range(6)],
    _case("w6", "g1", dt(2026, 11, 4, 10), "closed", deadline_at=dt(2026, 11, 12), closed_at=dt(2026, 11, 9),
          category="物业服务"),
    *[_case(f"b{i}", "g1", dt(2025, 11, 4 + i, 10), "closed", deadline_at=dt(2025, 11, 12),
            closed_at=dt(2025, 11, 10), category="物业服务") for i in range(3)],
    _case("b3", "g4", dt(2025, 11, 5, 10), "closed", deadline_at=dt(2025, 11, 12), closed_at=dt(2025, 11, 10),
          category="环境整治", handling_unit="西一网格"),
    _case("b4", "g3", dt(2025, 11, 5, 11), "closed", deadline_at=dt(2025, 11, 12), closed_at=dt(2025, 11, 10),
          handling_unit="南一网格"),
]
CASES = pl.DataFrame(_CASES, schema=_C, orient="row")

_P = ["petition_id", "grid_id", "received_at", "form", "category", "persons", "is_repeat", "is_skip_level",
      "is_collective", "accepted_at", "deadline_at", "closed_at", "status", "satisfaction", "petitioner_key"]
PETITIONS = pl.DataFrame([
    ("q1", "g1", dt(2026, 10, 10, 9), "visit", "物业纠纷", 1, False, False, False, dt(2026, 10, 12, 9),
     dt(2026, 12, 9), dt(2026, 10, 30), "closed", "satisfied", "A"),
    ("q2", "g2", dt(2026, 10, 20, 9), "letter", "物业纠纷", 3, True, False, False, dt(2026, 11, 10, 9),
     dt(2026, 12, 19), None, "in_progress", None, "Z"),
    ("q3", "g3", dt(2026, 10, 25, 9), "online", "其他", 1, False, False, False, None,
     dt(2026, 12, 24), None, "pending", None, "Y"),
    ("q4", "g4", dt(2026, 10, 28, 9), "visit", "征地拆迁", 12, False, True, True, dt(2026, 10, 29, 9),
     dt(2026, 12, 27), dt(2026, 11, 5), "closed", "dissatisfied", "W"),
    ("q5", "g1", dt(2026, 10, 30, 9), "letter", "物业纠纷", 1, True, False, False, dt(2026, 10, 31, 9),
     dt(2026, 11, 8), dt(2026, 11, 10), "closed", "basically_satisfied", "B"),
    ("q6", None, dt(2026, 10, 15, 9), "online", "其他", 1, False, False, False, dt(2026, 10, 16, 9),
     dt(2026, 12, 14), dt(2026, 10, 20), "closed", None, "V"),
    ("q7", "g4", dt(2026, 9, 15, 9), "letter", "其他", 1, False, False, False, dt(2026, 9, 16, 9),
     dt(2026, 11, 14), dt(2026, 10, 1), "closed", "satisfied", "T"),
    ("q8", "g2", dt(2026, 10, 31, 23), "online", "劳动社保", 1, False, False, False, None,
     dt(2026, 12, 30), None, "pending", None, "D"),
    ("q9", "g4", dt(2026, 10, 5, 9), "visit", "劳动社保", 2, False, False, False, dt(2026, 10, 6, 9),
     dt(2026, 12, 4), None, "in_progress", None, "U"),
    ("q10", "g1", dt(2026, 11, 15, 9), "online", "其他", 1, False, False, False, None,
     dt(2027, 1, 14), None, "pending", None, "S"),
], schema=_P, orient="row")

CATEGORY_MAP = {"物业纠纷": ("物业服务", "停车难"), "劳动社保": ("劳动保障",), "其他": ("其他",)}


def config(**analytics) -> Config:
    """The policy the hand-worked answers assume: small samples below 2 rated cases, w = 1.0."""
    return Config(min_denominator=2, analytics=AnalyticsConfig(escalation_categories=CATEGORY_MAP, **analytics))


def build(path: Path | str) -> Path:
    con = store.connect(path)
    store.insert_frame(con, "grids", GRIDS)
    store.insert_frame(con, "cases", CASES)
    store.insert_frame(con, "petitions", PETITIONS)
    store.set_meta(con, "as_of", AS_OF.isoformat(sep=" "))
    con.close()
    return Path(path)
