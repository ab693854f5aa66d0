"""Early warning (变被动响应为主动发现): units whose cases this week are far above their own seasonal baseline.

The test, per unit u (a category, community or grid) and week w:
- baseline weeks: the same ISO week as w, ± `half_width` weeks, in each of up to `years` earlier
  years, keeping only weeks the data cover completely; B = u's cases in them, X = u's cases in w;
- the district's cases D_now in w and D_base in the baseline weeks scale for growth and season:
  under H0 ("u moved like the district") X and B are Poisson with X | X+B ~ Binomial(X+B, p0),
  p0 = D_now / (D_now + D_base) (the exact conditional test of two Poisson rates);
- p = P(Binomial(X+B, p0) >= X), one-sided; the expected count is B × D_now / D_base;
- units with X below `min_count` are not tested; a tested unit is flagged when p < alpha / m,
  m the number of units of its kind tested that week (Bonferroni: at most `alpha` chance of any
  false alarm per kind and week when nothing changed).
"""
from __future__ import annotations

import math
from datetime import date, datetime

import polars as pl

from gridgov import drill, metrics
from gridgov.config import Config
from gridgov.periods import Period, last_complete

KINDS = ("category", "community", "grid")
EVIDENCE = ("kind", "unit", "unit_name", "parent", "this_week", "baseline_weeks", "baseline_total",
            "baseline_mean", "expected", "ratio", "p_value", "threshold", "flagged")


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                   -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, 1.0 - x) / b


def binomial_upper_tail(x: int, n: int, p: float) -> float:
    """P(Binomial(n, p) >= x)."""
    if x <= 0:
        return 1.0
    if x > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return min(1.0, max(0.0, regularized_beta(x, n - x + 1, p)))


def baseline_weeks(week: Period, cfg: Config, first_day: date | datetime | None) -> list[Period]:
    """The baseline weeks of `week`: its ISO week ± half_width in each of up to `years` earlier
    years, those the data cover completely (starting on or after the first day of data)."""
    a = cfg.analytics
    out, anchor = [], week
    for _ in range(a.warning_years):
        anchor = anchor.year_ago()
        out += [anchor.shift(d) for d in range(-a.warning_half_width, a.warning_half_width + 1)]
    if first_day is not None:
        first = first_day if isinstance(first_day, datetime) else datetime.combine(first_day, datetime.min.time())
        out = [w for w in out if w.start >= first]
    return sorted(set(out), key=lambda w: w.start)


def test(counts: pl.DataFrame, week_start: date, baseline: list[date], district_now: int, district_base: int,
         cfg: Config, kind: str) -> pl.DataFrame:
    """The evidence for each unit of one kind: counts per unit and week in, one row per tested unit out,
    most significant first (columns EVIDENCE). `counts` has unit, unit_name, parent, week_start, cases."""
    a = cfg.analytics
    empty = pl.DataFrame(schema={c: t for c, t in zip(EVIDENCE, (
        pl.String, pl.String, pl.String, pl.String, pl.Int64, pl.Int64, pl.Int64, pl.Float64, pl.Float64,
        pl.Float64, pl.Float64, pl.Float64, pl.Boolean))})
    if not baseline or district_base <= 0 or district_now <= 0:
        return empty
    known = counts.filter(pl.col("unit").is_not_null())
    per_unit = known.group_by("unit").agg(
        pl.col("unit_name").first(), pl.col("parent").first(),
        pl.col("cases").filter(pl.col("week_start") == week_start).sum().alias("this_week"),
        pl.col("cases").filter(pl.col("week_start").is_in(baseline)).sum().alias("baseline_total"),
    )
    tested = per_unit.filter(pl.col("this_week") >= a.warning_min_count)
    if tested.height == 0:
        return empty
    p0 = district_now / (district_now + district_base)
    scale = district_now / district_base
    threshold = a.warning_alpha / tested.height
    p_values = [binomial_upper_tail(x, x + b, p0)
                for x, b in zip(tested["this_week"].to_list(), tested["baseline_total"].to_list())]
    return tested.with_columns(
        pl.lit(kind).alias("kind"),
        pl.lit(len(baseline), dtype=pl.Int64).alias("baseline_weeks"),
        (pl.col("baseline_total") / len(baseline)).alias("baseline_mean"),
        (pl.col("baseline_total") * scale).alias("expected"),
        pl.Series("p_value", p_values, dtype=pl.Float64),
        pl.lit(threshold).alias("threshold"),
    ).with_columns(
        pl.when(pl.col("expected") > 0).then(pl.col("this_week") / pl.col("expected")).alias("ratio"),
        (pl.col("p_value") < pl.col("threshold")).alias("flagged"),
    ).select(EVIDENCE).cast({"this_week": pl.Int64, "baseline_total": pl.Int64}).sort(["p_value", "unit"])


def warning_week(period: Period, as_of: datetime | None) -> Period:
    """The week a period's warnings speak of: its last complete ISO week (the week itself for weeks)."""
    moment = min(period.end, as_of) if as_of is not None else period.end
    return last_complete("week", moment)


def detect(fetch: metrics.Fetch, week: Period, cfg: Config, scope: drill.Scope, basis: str,
           first_day: date | datetime | None, kinds: tuple[str, ...] = KINDS) -> pl.DataFrame:
    """Every tested unit of each kind below the scope with its evidence (flagged ones first)."""
    baseline = baseline_weeks(week, cfg, first_day)
    starts = [week.start.date()] + [w.start.date() for w in baseline]
    nowhere = drill.Scope().params()
    district = fetch("weekly_unit_counts", dimension="district", week_starts=starts, basis=basis, **nowhere)
    now = int(district.filter(pl.col("week_start") == starts[0])["cases"].sum() or 0)
    base = int(district.filter(pl.col("week_start") != starts[0])["cases"].sum() or 0)
    below = {"district": KINDS, "street": KINDS, "community": ("category", "grid"), "grid": ("category",)}
    frames = [test(fetch("weekly_unit_counts", dimension=kind, week_starts=starts, basis=basis, **scope.params()),
                   starts[0], starts[1:], now, base, cfg, kind)
              for kind in kinds if kind in below[scope.level]]
    frames = [f for f in frames if f.height]
    if not frames:
        return test(pl.DataFrame(), starts[0], [], 0, 0, cfg, "")
    return pl.concat(frames).sort(["flagged", "p_value"], descending=[True, False])
