"""Work orders (工单) of the demo district, generated one chunk of whole days at a time."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from . import timeline, vocab
from .geography import RURAL, URBAN, District
from .timeline import DAY, END_SEC, HOUR, Calendar

SATISFACTION = pl.Series(["satisfied", "basically_satisfied", "dissatisfied", None])
TRISTATE = pl.Series([False, True, None])
STATUS = pl.Series(["pending", "in_progress", "closed", "cancelled"])
PATROL, VISIT = 2, 3
GRID, COMMUNITY, STREET, DISTRICT = 0, 1, 2, 3


@dataclass
class Sample:
    """Some cases with a known grid, kept so petitions can name an earlier caller."""
    received: np.ndarray
    grid: np.ndarray
    caller: np.ndarray


class Tables:
    """Lookups shared by every chunk: categories, units, per-month grid weights, caller pools."""

    def __init__(self, district: District, calendar: Calendar, total: int, salt: int) -> None:
        self.d, self.cal, self.salt = district, calendar, salt
        n = self.n_grids = len(district.kind)
        cats = vocab.CATEGORIES
        subs = [(c, name, w, tpls) for c, (_, _, _, _, _, _, sl) in enumerate(cats) for name, w, tpls in sl]
        self.category = pl.Series([c[0] for c in cats])
        self.subcategory = pl.Series([s[1] for s in subs])
        self.deadline_days = np.array([c[2] for c in cats])
        self.stuck_prone = np.array([c[5] for c in cats])
        width = max(len(c[6]) for c in cats)
        self.sub_start = np.cumsum([0] + [len(c[6]) for c in cats])[:-1]
        self.sub_cdf = timeline.cumulative([[w for _, w, _ in c[6]] + [0] * (width - len(c[6]))
                                            for c in cats])
        self.template = pl.Series([t for s in subs for t in s[3]])
        self.tpl_count = np.array([len(s[3]) for s in subs])
        self.tpl_start = np.cumsum(np.r_[0, self.tpl_count])[:-1]
        by_type = np.array([vocab.CATEGORY_BY_TYPE.get(c[0], (1.0, 1.0, 1.0)) for c in cats])
        season = np.cos(2 * np.pi * (np.arange(12) - 6) / 12)
        base = np.array([c[1] for c in cats]) * (1 + np.outer(season, [c[4] for c in cats]))
        # Row moy * 3 + grid kind: the category mix of a month in a kind of grid.
        self.cat_cdf = timeline.cumulative((base[:, None, :] * by_type.T[None, :, :]).reshape(36, -1))
        self.level_cdf = timeline.cumulative(vocab.LEVEL_WEIGHTS)

        weight = np.where(district.population > 0, district.population, 60.0)
        monthly = weight * (1 + (district.hot_factor - 1) * district.hot)
        self.grid_cdf = timeline.cumulative(monthly)
        share = monthly.sum(0) / monthly.sum()
        # Pools sized to expected calls so the share of repeat callers does not depend on scale.
        pool = np.r_[np.ceil(0.6 * 0.99 * total * share), np.ceil(0.6 * 0.01 * total)] + 5
        self.caller_pool = pool.astype(np.int64)
        self.kind = np.r_[district.kind, URBAN]
        self.quality = np.r_[district.quality[district.street], 0.0]
        self.hot = np.c_[district.hot, np.zeros(calendar.n_months)]
        self.box = np.r_[district.inner_box, np.zeros((1, 4))]

        f = district.frame
        self.grid_id = pl.concat([f["grid_id"], pl.Series([None], dtype=pl.String)])
        self.street_name = pl.concat([f["street_name"], pl.Series([""])])
        self.community_name = pl.concat([f["community_name"], pl.Series([""])])
        communities = f["community_name"].unique(maintain_order=True)
        comm_index = {name: k for k, name in enumerate(communities)}
        self.comm = np.r_[[comm_index[c] for c in f["community_name"]], 0]
        street_index = {s[0]: k for k, s in enumerate(vocab.STREETS)}
        self.street = np.r_[[street_index[s] for s in f["street_name"]], 0]
        self.unit = pl.Series(
            list(f["grid_name"])
            + [c + ("村委会" if c.endswith("村") else "居委会") for c in communities]
            + [s[0] + ("人民政府" if s[2] else "办事处") for s in vocab.STREETS]
            + [c[3] for c in cats]
        )
        self.unit_offsets = (0, n, n + len(comm_index), n + len(comm_index) + len(vocab.STREETS))

    def generate(self, rng: np.random.Generator, days: np.ndarray, counts: np.ndarray,
                 first_row: int, sample_rate: float) -> tuple[pl.DataFrame, Sample]:
        """The cases received on the given days, in received order, and a sample of them."""
        cal = self.cal
        received = np.sort(timeline.times_of_day(rng, np.repeat(days, counts), timeline.HOUR_WEIGHTS))
        day = received // DAY
        n = received.size
        month = cal.month[day]
        grid = draw_grids(rng, self.grid_cdf, month, unknown_share=0.01)
        unknown = grid == self.n_grids
        kind = self.kind[grid]
        cat = timeline.pick(rng, self.cat_cdf, cal.month_of_year[day] * 3 + kind)
        sub = self.sub_start[cat] + timeline.pick(rng, self.sub_cdf, cat)
        tpl = self.tpl_start[sub] + (rng.random(n) * self.tpl_count[sub]).astype(np.int64)

        # Grid workers patrol and knock on doors by day; at night residents phone.
        channel = timeline.draw(rng, vocab.CHANNEL_WEIGHTS, n)
        hour = received % DAY // HOUR
        channel[((hour < 8) | (hour >= 19)) & ((channel == PATROL) | (channel == VISIT))] = 0
        level = timeline.pick(rng, self.level_cdf, channel)
        level[unknown] = DISTRICT
        o = self.unit_offsets
        unit = np.select([level == GRID, level == COMMUNITY, level == STREET],
                         [grid, o[1] + self.comm[grid], o[2] + self.street[grid]], o[3] + cat)

        quality, hot = self.quality[grid], self.hot[month, grid]
        life = _handle(rng, received, self.deadline_days[cat], self.stuck_prone[cat], level, channel,
                       quality, hot)
        excluded = rng.random(n) < 0.015
        rating = _follow_up(rng, life, channel, quality, hot, excluded)

        caller = ((grid + 1) << 32) | timeline.frequent(rng, self.caller_pool[grid], 50)
        keep = ~unknown & (rng.random(n) < sample_rate)
        located = ~unknown & (rng.random(n) < 0.98)
        box = self.box[grid]
        lon = np.round(box[:, 0] + rng.random(n) * (box[:, 1] - box[:, 0]), 6)
        lat = np.round(box[:, 2] + rng.random(n) * (box[:, 3] - box[:, 2]), 6)
        lon[~located], lat[~located] = np.nan, np.nan

        frame = self._texts(rng, day, grid, kind, channel, tpl).select(
            "case_id",
            received_at=timeline.timestamps(received),
            channel=pl.Series(vocab.CHANNELS).gather(channel),
            category=self.category.gather(cat),
            subcategory=self.subcategory.gather(sub),
            description="description", address="address",
            lon=pl.Series(lon, nan_to_null=True), lat=pl.Series(lat, nan_to_null=True),
            grid_id=self.grid_id.gather(grid),
            handling_unit=self.unit.gather(unit),
            handling_level=pl.Series(vocab.LEVELS).gather(level),
            dispatched_at=timeline.timestamps(life["dispatched"], life["is_dispatched"]),
            responded_at=timeline.timestamps(rating["responded"], rating["has_response"]),
            deadline_at=timeline.timestamps(life["deadline"]),
            closed_at=timeline.timestamps(life["closed_at"], life["closed"]),
            status=STATUS.gather(life["status"]),
            contacted=TRISTATE.gather(rating["contacted"]),
            resolved=TRISTATE.gather(rating["resolved"]),
            satisfaction=SATISFACTION.gather(rating["satisfaction"]),
            is_repeat=pl.Series(rng.random(n) < 0.055 * (1 + hot)),
            excluded=pl.Series(excluded),
            caller_key=timeline.hex16(timeline.mix64(caller, self.salt)),
            source_file=pl.lit("demo"),
            source_row=pl.int_range(first_row, first_row + n, dtype=pl.Int64),
            imported_at=pl.lit(timeline.DEMO_END, dtype=pl.Datetime("us")),
        )
        return frame, Sample(received[keep], grid[keep], caller[keep])

    def _texts(self, rng: np.random.Generator, day: np.ndarray, grid: np.ndarray, kind: np.ndarray,
               channel: np.ndarray, tpl: np.ndarray) -> pl.DataFrame:
        """case_id, description and address; a case without a grid is placed by its road."""
        n = day.size
        building = rng.integers(1, 40, n)
        building = np.where(kind == RURAL, building % 12 + 1, building)
        return pl.DataFrame({
            "seq": self.cal.yyyymmdd[day] * 1_000_000 + timeline.day_sequence(day),
            "known": grid < self.n_grids, "rural": kind == RURAL, "building": building,
            "road": pl.Series(vocab.ROADS).gather(rng.integers(0, len(vocab.ROADS), n)),
            "community": self.community_name.gather(grid), "street": self.street_name.gather(grid),
            "prefix": pl.Series(vocab.CHANNEL_PREFIXES).gather(channel),
            "template": self.template.gather(tpl),
        }).with_columns(
            place=pl.when("known").then(pl.concat_str([
                "community", pl.col("building").cast(pl.String),
                pl.when("rural").then(pl.lit("组")).otherwise(pl.lit("栋"))])
            ).otherwise(pl.concat_str(["road", pl.lit("附近")])),
        ).select(
            case_id=pl.concat_str([pl.lit("GD"), pl.col("seq").cast(pl.String)]),
            description=pl.concat_str(["prefix", "place", "template"]),
            address=pl.when("known").then(pl.concat_str(["street", "place"])).otherwise("place"),
        )


def draw_grids(rng: np.random.Generator, cdf: np.ndarray, month: np.ndarray,
               unknown_share: float) -> np.ndarray:
    """Grid index per row from per-month cumulative weights; len(grids) stands for unknown."""
    n_grids = cdf.shape[1]
    grid = np.empty(month.size, dtype=np.int64)
    for m in np.unique(month):
        sel = month == m
        grid[sel] = np.searchsorted(cdf[m], rng.random(int(sel.sum())), side="right")
    grid = np.minimum(grid, n_grids - 1)
    grid[rng.random(month.size) < unknown_share] = n_grids
    return grid


def _handle(rng: np.random.Generator, received: np.ndarray, deadline_days: np.ndarray,
            stuck_prone: np.ndarray, level: np.ndarray, channel: np.ndarray, quality: np.ndarray,
            hot: np.ndarray) -> dict[str, np.ndarray]:
    """Dispatch, deadline, closing and status as of DEMO_END (seconds since START)."""
    n = received.size
    dispatch = np.where(channel == PATROL, rng.integers(60, 1_800, n),
                        np.clip(rng.lognormal(np.log(2_400), 0.9, n), 120, 6 * HOUR))
    # Some orders bounce between units (退单) for a day or more before anyone takes them.
    dispatch = np.where(rng.random(n) < 0.015, rng.uniform(1, 3, n) * DAY, dispatch)
    dispatched = received + dispatch.astype(np.int64)
    late = rng.random(n) < (0.042 * np.exp(0.5 * quality) * (1 + 0.6 * hot)
                            * np.where(stuck_prone, 1.3, 1.0))
    on_time = rng.beta(1.3, 3.5, n) * np.where(level == GRID, 0.5, 1.0)
    duration = np.where(late, (1 + rng.exponential(0.35, n)) * deadline_days * DAY + HOUR,
                        on_time * deadline_days * DAY)
    closed_at = np.maximum(received + duration.astype(np.int64), dispatched + rng.integers(600, 4_200, n))
    # A small backlog never closes; hard categories and bad streets hold more of it, and old
    # cases have mostly been cleared since.
    age = (END_SEC - received) / DAY
    stuck = rng.random(n) < (0.028 * np.where(stuck_prone, 3.0, 1.0) * np.exp(0.5 * quality)
                             * (1 + hot) * np.exp(-age / 90))
    cancelled = rng.random(n) < 0.003
    is_dispatched = dispatched <= END_SEC
    closed = ~cancelled & ~stuck & is_dispatched & (closed_at <= END_SEC)
    return {
        "dispatched": dispatched, "is_dispatched": is_dispatched, "late": late,
        "deadline": received + deadline_days * DAY, "closed_at": closed_at, "closed": closed,
        "cancelled": cancelled, "status": np.select([cancelled, ~is_dispatched, closed], [3, 0, 2], 1),
    }


def _follow_up(rng: np.random.Generator, life: dict[str, np.ndarray], channel: np.ndarray,
               quality: np.ndarray, hot: np.ndarray, excluded: np.ndarray) -> dict[str, np.ndarray]:
    """The return call (回访) after closing, and the first contact with the resident."""
    n = channel.size
    closed, closed_at = life["closed"], life["closed_at"]
    # Hotline and app cases are called back; patrol finds rarely are. A rating takes days.
    asked = rng.random(n) < np.where(channel <= 1, 0.85, 0.08)
    rated = closed & asked & (closed_at + rng.uniform(0.5, 3, n) * DAY <= END_SEC)
    p_dissatisfied = (0.047 * np.exp(0.4 * quality) * (1 + 0.5 * hot) * np.where(life["late"], 2.5, 1.0)
                      * np.where(excluded, 3.0, 1.0))
    p_basic = 0.16 * np.exp(0.2 * quality)
    u = rng.random(n)
    satisfaction = np.where(u < p_dissatisfied, 2, np.where(u < p_dissatisfied + p_basic, 1, 0))
    # Satisfaction follows from whether the problem was solved and the resident heard back.
    resolved = (rng.random(n) < np.array([0.985, 0.85, 0.18])[satisfaction]).astype(np.int64)
    contacted = (rng.random(n) < np.array([0.985, 0.97, 0.85])[satisfaction]).astype(np.int64)
    satisfaction[~rated], resolved[~rated], contacted[~rated] = 3, 2, 2
    delay = np.clip(rng.lognormal(np.log(3 * HOUR), 1.5, n), 300, 5 * DAY).astype(np.int64)
    responded = life["dispatched"] + delay
    responded = np.where(closed, np.minimum(responded, closed_at), responded)
    has_response = (life["is_dispatched"] & (responded <= END_SEC) & (contacted != 0)
                    & ~life["cancelled"])
    return {"satisfaction": satisfaction, "resolved": resolved, "contacted": contacted,
            "responded": responded, "has_response": has_response}
