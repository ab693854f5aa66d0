"""The demo's clock (span, daily volumes, times of day) and its sampling and hashing helpers."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl

from . import vocab

START = datetime(2024, 9, 1)
# Fixed so the demo is deterministic; the last complete ISO week is 2026-W46.
DEMO_END = datetime(2026, 11, 20, 18, 0)
END_SEC = int((DEMO_END - START).total_seconds())
N_DAYS = (DEMO_END.date() - START.date()).days + 1
DAY = 86_400
HOUR = 3_600
_START64 = np.datetime64(START, "s")

# Residents call from breakfast to late evening.
HOUR_WEIGHTS = np.array([0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 3.0, 4.5, 5.0, 4.5,
                         3.5, 3.5, 4.5, 4.5, 4.0, 3.5, 3.0, 3.0, 2.8, 2.0, 1.2, 0.6])
OFFICE_HOURS = np.array([0] * 8 + [1, 3, 3, 3, 1, 2, 3, 3, 3, 2] + [0] * 6, dtype=float)


def rng(seed: int, *stream: int) -> np.random.Generator:
    """An independent generator per purpose, so changing one part never shifts another."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=stream))


class Calendar:
    """Per-day attributes of the span."""

    def __init__(self) -> None:
        dates = [START.date() + timedelta(days=k) for k in range(N_DAYS)]
        weekday = np.array([d.weekday() for d in dates])
        self.holiday = np.array([d in vocab.HOLIDAYS for d in dates])
        self.spring = np.array([d in vocab.SPRING_FESTIVAL for d in dates])
        makeup = np.array([d in vocab.MAKEUP_WORKDAYS for d in dates])
        self.weekend = (weekday >= 5) & ~makeup
        self.month = np.array([(d.year - START.year) * 12 + d.month - START.month for d in dates])
        self.month_of_year = np.array([d.month - 1 for d in dates])
        self.yyyymmdd = np.array([d.year * 10_000 + d.month * 100 + d.day for d in dates], dtype=np.int64)
        self.n_months = int(self.month[-1]) + 1
        years = np.arange(N_DAYS) / 365.25
        doy = np.array([d.timetuple().tm_yday for d in dates])
        self.summer = np.cos(2 * np.pi * (doy - 196) / 365.25)
        self.trend = 1.0 + 0.15 * years

    def volume(self, weekend: float, holiday: float, spring: float, season: float,
               trend: float, hours: np.ndarray) -> np.ndarray:
        """Relative expected count per day; the last day ends at DEMO_END."""
        v = np.where(self.weekend, weekend, 1.0)
        v = np.where(self.holiday, holiday, v)
        v = np.where(self.spring, spring, v)
        v = v * (1 + season * self.summer) * (1 + (self.trend - 1) * trend)
        v[-1] *= hours[: DEMO_END.hour].sum() / hours.sum()
        return v / v.sum()


def times_of_day(rng_: np.random.Generator, day: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Seconds since START for cases on the given days, never after DEMO_END."""
    cdf = np.cumsum(hours) / hours.sum()
    cut = hours.copy()
    cut[DEMO_END.hour:] = 0
    last_cdf = np.cumsum(cut) / cut.sum()
    u = rng_.random(day.size)
    hour = np.where(day == N_DAYS - 1, np.searchsorted(last_cdf, u, side="right"),
                    np.searchsorted(cdf, u, side="right"))
    return day * DAY + hour * HOUR + rng_.integers(0, HOUR, day.size)


def timestamps(sec: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Seconds since START as a polars datetime column; invalid entries are null."""
    stamps = (_START64 + sec.astype("timedelta64[s]")).astype("datetime64[us]")
    if valid is not None:
        stamps[~valid] = np.datetime64("NaT")
    return pl.Series(stamps)


def day_sequence(day: np.ndarray) -> np.ndarray:
    """1-based position of each row within its day, for rows sorted by time."""
    return np.arange(day.size) - np.searchsorted(day, day, side="left") + 1


def mix64(x: np.ndarray, salt: int) -> np.ndarray:
    """splitmix64 of x under a salt: a stand-in for the keyed hash import applies to phones."""
    z = x.astype(np.uint64) ^ np.uint64(salt)
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_SHIFTS = np.arange(60, -1, -4, dtype=np.uint64)


def hex16(x: np.ndarray) -> pl.Series:
    """Lower-case 16-digit hex strings of uint64 values, without a Python loop."""
    nibbles = ((x[:, None] >> _SHIFTS) & np.uint64(15)).astype(np.uint8)
    return pl.Series(np.ascontiguousarray(_HEX[nibbles]).view("S16").ravel()).cast(pl.String)


def cumulative(weights) -> np.ndarray:
    """Cumulative shares along the last axis, ending at 1."""
    w = np.asarray(weights, dtype=float)
    return np.cumsum(w, axis=-1) / w.sum(axis=-1, keepdims=True)


def pick(rng_: np.random.Generator, cdf: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Category index per row from a cumulative table with one row per group."""
    u = rng_.random(group.size)
    return (u[:, None] >= cdf[group][:, :-1]).sum(axis=1)


def frequent(rng_: np.random.Generator, pool: np.ndarray, ratio: int) -> np.ndarray:
    """Person index within a pool: one contact in ten comes from the pool's 1/ratio frequent
    contacts, so repeat callers exist in the same proportion at any scale."""
    size = np.where(rng_.random(pool.size) < 0.1, np.maximum(pool // ratio, 1), pool)
    return (rng_.random(pool.size) * size).astype(np.int64)


def draw(rng_: np.random.Generator, weights, n: int) -> np.ndarray:
    """n category indices with the given weights."""
    cdf = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cdf, rng_.random(n), side="right"), len(cdf) - 1)
