"""Grid risk grading (红黄绿网格动态管理), per grid per half-year, as SCHEMA.md defines it.

    case_rate     = 12345 hotline cases (channel = 'hotline', excluded cases left out) per 1,000 residents
    petition_rate = petitions per 1,000 residents

A grid is red when either rate reaches its red threshold, yellow when either reaches its yellow
threshold, else green; a grid with no population (0 or unknown) is "ungraded", never green. A rate
of zero never reaches a threshold (a percentile threshold can be 0 when most grids have no
petitions, and a grid with none must not turn yellow for it). Thresholds are configuration
([grading] in gridgov.toml): absolute numbers per 1,000 residents per half-year, or percentiles of
the rate across the district's graded grids (linear interpolation between order statistics, as
numpy's default "linear" method and Excel's PERCENTILE.INC).

Noise. A rate over a small population swings with one case: a grid of 150 residents with two
petitions has 13.3 petitions per 1,000. Each rate is shown with an exact Poisson (Garwood)
interval: for a count k, the bounds are chi2(α/2; 2k)/2 and chi2(1-α/2; 2k+2)/2 events, divided by
the population in thousands. And the grades can be computed on an empirical-Bayes shrunk rate
(Marshall 1991, the Poisson-gamma "EB smoothed rate"): within each street (or the whole district
when the street has fewer than `min_street_grids` graded grids), with exposures n_i = population /
1,000 and raw rates r_i = k_i / n_i,

    m   = Σk / Σn                          the street's rate (the prior mean)
    s²  = Σ n_i (r_i - m)² / Σn            the exposure-weighted variance of the raw rates
    A   = max(0, s² - m / n̄)               the variance between grids beyond Poisson noise, n̄ = Σn / N
    C_i = A / (A + m / n_i)                how much of its own rate a grid keeps (0..1)
    shrunk_i = m + C_i (r_i - m)           = (k_i + m²/A) / (n_i + m/A), the gamma posterior mean

so a large grid keeps nearly its own rate and a small one is pulled toward its street's. The
grading rule is then applied unchanged to the shrunk rates (percentiles of the shrunk rates under
the percentile rule).

What-if. "How many fewer cases would change the grade" holds the thresholds and every other grid
fixed and searches the largest count whose rate stays below the threshold (with the shrunk
estimate, the rate is a + b·k for the grid's street constants, so the same search applies).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import polars as pl
from scipy import stats

from gridgov.config import Config, GradingConfig
from gridgov.periods import Period

Fetch = Callable[..., pl.DataFrame]
GRADES = ("red", "yellow", "green", "ungraded")
KINDS = ("case", "petition")
COUNT = {"case": "cases", "petition": "petitions"}
ESTIMATES = ("raw", "shrunk")
# `python -m gridgov grades` prints these keys per grid (CLI.md), and the page shows the same values.
CLI_KEYS = ("grid_id", "population", "cases", "petitions", "case_rate", "petition_rate", "grade")


@dataclass(frozen=True)
class Thresholds:
    """The rule as applied to one half-year: each rate's red and yellow threshold (per 1,000)."""
    rule: str
    estimate: str
    setting: dict[str, float]          # the configured percentile or absolute number per level
    value: dict[str, float | None]     # the threshold per level; None when no grid is graded

    def of(self, kind: str, level: str) -> float | None:
        return self.value[f"{kind}_{level}"]


@dataclass(frozen=True)
class Grading:
    period: Period
    thresholds: Thresholds
    grids: pl.DataFrame   # one row per grid: attributes, counts, rates, intervals, shrinkage, grade
    previous: "Grading | None" = None


def inputs(fetch: Fetch, period: Period) -> pl.DataFrame:
    """Each grid's register entry with its hotline cases (assessment basis) and petitions in the period."""
    return fetch("grid_counts", start=period.start, end=period.end, categories=[], channels=["hotline"],
                 basis="assessment")


def with_rates(frame: pl.DataFrame) -> pl.DataFrame:
    """Add graded (population > 0), case_rate and petition_rate per 1,000 residents (null when ungraded)."""
    graded = pl.col("population").fill_null(0) > 0
    return frame.with_columns(graded.alias("graded")).with_columns(
        pl.when(pl.col("graded")).then(pl.col(COUNT[k]) * 1000.0 / pl.col("population")).alias(f"{k}_rate")
        for k in KINDS
    )


def percentile(values: np.ndarray, q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between order statistics; None when empty."""
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None
    return float(np.percentile(values, q, method="linear"))


def reaches(rate: float | None, threshold: float | None) -> bool:
    """A rate reaches a threshold when it is above zero and at or above it."""
    return rate is not None and threshold is not None and rate > 0 and rate >= threshold


def grade_of(case_rate: float | None, petition_rate: float | None, th: Thresholds) -> str:
    if case_rate is None or petition_rate is None:
        return "ungraded"
    rates = {"case": case_rate, "petition": petition_rate}
    for level in ("red", "yellow"):
        if any(reaches(rates[k], th.of(k, level)) for k in KINDS):
            return level
    return "green"


def thresholds(frame: pl.DataFrame, g: GradingConfig, estimate: str) -> Thresholds:
    """The rule's thresholds for this half-year, from the rates used for grading (raw or shrunk)."""
    if g.rule == "absolute":
        return Thresholds("absolute", estimate, dict(g.absolute), dict(g.absolute))
    value = {}
    for level, q in g.percentile.items():
        kind = level.split("_")[0]
        column = _rate_column(kind, estimate)
        graded = frame.filter(pl.col("graded"))[column].cast(pl.Float64).to_numpy()
        value[level] = percentile(graded, q)
    return Thresholds("percentile", estimate, dict(g.percentile), value)


def _rate_column(kind: str, estimate: str) -> str:
    return f"{kind}_rate" + ("_shrunk" if estimate == "shrunk" else "")


def intervals(frame: pl.DataFrame, level: float) -> pl.DataFrame:
    """Add exact Poisson (Garwood) bounds of each rate: {kind}_rate_low, {kind}_rate_high."""
    alpha = 1 - level
    out = {}
    thousands = frame["population"].fill_null(0).cast(pl.Float64).to_numpy() / 1000.0
    graded = frame["graded"].to_numpy()
    for kind in KINDS:
        k = frame[COUNT[kind]].cast(pl.Float64).to_numpy()
        low, high = poisson_interval(k, alpha)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{kind}_rate_low"] = np.where(graded, low / np.where(graded, thousands, 1), np.nan)
            out[f"{kind}_rate_high"] = np.where(graded, high / np.where(graded, thousands, 1), np.nan)
    return frame.with_columns(pl.Series(name, values).fill_nan(None) for name, values in out.items())


def poisson_interval(k: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) two-sided 1-alpha interval of a Poisson mean given the counts k."""
    k = np.asarray(k, dtype=float)
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return low, high


@dataclass(frozen=True)
class Prior:
    """Empirical-Bayes constants of one street (or the district) for one rate."""
    mean: float      # m, per 1,000 residents
    between: float   # A, the between-grid variance of the rate beyond Poisson noise
    scope: str       # the street's name, or "" for the district


def prior(counts: np.ndarray, thousands: np.ndarray, scope: str) -> Prior:
    """Marshall's method-of-moments estimate of the gamma prior from graded grids' counts and exposures."""
    total = thousands.sum()
    if total <= 0:
        return Prior(0.0, 0.0, scope)
    m = counts.sum() / total
    rates = counts / thousands
    s2 = float((thousands * (rates - m) ** 2).sum() / total)
    n_bar = total / len(thousands)
    return Prior(float(m), max(0.0, s2 - m / n_bar), scope)


def keep_share(p: Prior, thousands: float) -> float:
    """C = A / (A + m/n): the share of its own raw rate a grid keeps."""
    if p.mean <= 0:
        return 1.0   # every grid of the scope has a zero rate: nothing to shrink toward
    return p.between / (p.between + p.mean / thousands)


def shrink(frame: pl.DataFrame, g: GradingConfig) -> pl.DataFrame:
    """Add {kind}_rate_shrunk, {kind}_keep (C_i) and the prior per graded grid (street, or district fallback)."""
    graded = frame.filter(pl.col("graded"))
    thousands_all = graded["population"].cast(pl.Float64).to_numpy() / 1000.0
    streets = graded["street_name"].fill_null("").to_list()
    by_street: dict[str, list[int]] = {}
    for i, s in enumerate(streets):
        by_street.setdefault(s, []).append(i)
    columns: dict[str, list[Any]] = {}
    for kind in KINDS:
        counts_all = graded[COUNT[kind]].cast(pl.Float64).to_numpy()
        district = prior(counts_all, thousands_all, "")
        priors = {s: prior(counts_all[ix], thousands_all[ix], s) if s and len(ix) >= g.min_street_grids else district
                  for s, ix in by_street.items()}
        shrunk, keep, mean, between, scope = [], [], [], [], []
        for i, s in enumerate(streets):
            p = priors[s]
            c = keep_share(p, thousands_all[i])
            raw = counts_all[i] / thousands_all[i]
            shrunk.append(p.mean + c * (raw - p.mean))
            keep.append(c)
            mean.append(p.mean)
            between.append(p.between)
            scope.append(p.scope)
        columns[f"{kind}_rate_shrunk"] = shrunk
        columns[f"{kind}_keep"] = keep
        columns[f"{kind}_prior_mean"] = mean
        columns[f"{kind}_prior_between"] = between
        columns[f"{kind}_prior_scope"] = scope
    if graded.height:
        shrunk_frame = pl.DataFrame({"grid_id": graded["grid_id"], **columns},
                                    schema_overrides={c: pl.Float64 for c in columns if not c.endswith("_scope")})
    else:
        shrunk_frame = pl.DataFrame({"grid_id": []}, schema={"grid_id": pl.String}).with_columns(
            pl.lit(None, dtype=pl.String if c.endswith("_scope") else pl.Float64).alias(c) for c in columns)
    return frame.join(shrunk_frame, on="grid_id", how="left")


def grade_frame(frame: pl.DataFrame, g: GradingConfig, estimate: str) -> tuple[pl.DataFrame, Thresholds]:
    """Rates, intervals, shrinkage, thresholds and the grade of every grid in a frame of inputs."""
    if estimate not in ESTIMATES:
        raise ValueError(f"estimate must be one of {ESTIMATES}")
    frame = shrink(intervals(with_rates(frame), g.interval_level), g)
    th = thresholds(frame, g, estimate)
    case_col, petition_col = _rate_column("case", estimate), _rate_column("petition", estimate)
    grades = [grade_of(c, p, th) for c, p in zip(frame[case_col].to_list(), frame[petition_col].to_list())]
    frame = frame.with_columns(pl.Series("grade", grades, dtype=pl.String))
    uncertain = []
    for row in frame.iter_rows(named=True):
        uncertain.append(_straddles(row, th))
    return frame.with_columns(pl.Series("uncertain", uncertain, dtype=pl.Boolean)), th


def _straddles(row: dict, th: Thresholds) -> bool:
    """True when a rate's interval holds the threshold that decides its grade (the grade may be noise)."""
    if row["grade"] == "ungraded":
        return False
    for kind in KINDS:
        low, high = row[f"{kind}_rate_low"], row[f"{kind}_rate_high"]
        for level in ("red", "yellow"):
            t = th.of(kind, level)
            if t is not None and t > 0 and low < t <= high:
                return True
    return False


def grade(fetch: Fetch, period: Period, cfg: Config, estimate: str | None = None,
          with_previous: bool = True) -> Grading:
    """Every grid's grade for a half-year (and, for transitions, the half-year before)."""
    if period.kind != "half":
        raise ValueError("grids are graded per half-year")
    estimate = estimate or cfg.grading.estimate
    frame, th = grade_frame(inputs(fetch, period), cfg.grading, estimate)
    previous = grade(fetch, period.previous(), cfg, estimate, with_previous=False) if with_previous else None
    if previous is not None and previous.grids["cases"].sum() + previous.grids["petitions"].sum() == 0:
        previous = None   # no data at all in the half-year before: no grade to compare with
    if previous is not None:
        frame = frame.join(previous.grids.select("grid_id", pl.col("grade").alias("previous_grade")),
                           on="grid_id", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("previous_grade"))
    return Grading(period, th, frame, previous)


def restrict(grading: Grading, street: str | None) -> Grading:
    """The same grading (thresholds from the whole district) showing one street's grids only."""
    if not street:
        return grading
    keep = pl.col("street_name") == street
    previous = None if grading.previous is None else restrict(grading.previous, street)
    return Grading(grading.period, grading.thresholds, grading.grids.filter(keep), previous)


def cli_rows(grading: Grading) -> list[dict[str, Any]]:
    """The rows `python -m gridgov grades` prints: CLI_KEYS per grid, in grid order."""
    return grading.grids.select(CLI_KEYS).to_dicts()


# ---- transitions ----------------------------------------------------------------------------

def counts_by_street(grading: Grading) -> pl.DataFrame:
    """One row per street: grids per grade, and the total."""
    frame = grading.grids.with_columns(pl.col("street_name").fill_null("—"))
    wide = frame.group_by("street_name").agg(
        *(pl.col("grade").eq(g).sum().cast(pl.Int64).alias(g) for g in GRADES),
        pl.len().cast(pl.Int64).alias("grids"),
    ).sort("street_name")
    return wide


def transition_matrix(grading: Grading) -> pl.DataFrame:
    """Rows: the previous half-year's grade; columns: this half-year's; cells: grids."""
    frame = grading.grids.with_columns(pl.col("previous_grade").fill_null("ungraded"))
    rows = []
    for before in GRADES:
        part = frame.filter(pl.col("previous_grade") == before)
        rows.append({"previous_grade": before, **{g: int((part["grade"] == g).sum()) for g in GRADES}})
    return pl.DataFrame(rows)


def turned_red(grading: Grading) -> pl.DataFrame:
    return grading.grids.filter((pl.col("grade") == "red") & (pl.col("previous_grade").fill_null("") != "red"))


def left_red(grading: Grading) -> pl.DataFrame:
    return grading.grids.filter((pl.col("previous_grade") == "red") & (pl.col("grade") != "red"))


# ---- why this grade -------------------------------------------------------------------------

@dataclass(frozen=True)
class Linear:
    """The graded rate of one grid as a function of its count k: intercept + slope·k (per 1,000)."""
    intercept: float
    slope: float

    def at(self, k: int) -> float:
        return self.intercept + self.slope * k


def linear(row: dict, kind: str, estimate: str) -> Linear:
    thousands = row["population"] / 1000.0
    if estimate == "raw":
        return Linear(0.0, 1.0 / thousands)
    c, m = row[f"{kind}_keep"], row[f"{kind}_prior_mean"]
    return Linear(m * (1 - c), c / thousands)


def largest_below(f: Linear, threshold: float, ceiling: int) -> int | None:
    """The largest count k in [0, ceiling] whose rate does not reach the threshold; None if none does."""
    def ok(k: int) -> bool:
        return not reaches(f.at(k), threshold)

    if not ok(0):
        return None
    if f.slope <= 0:
        return ceiling
    k = min(ceiling, max(0, math.ceil((threshold - f.intercept) / f.slope) - 1))
    while k < ceiling and ok(k + 1):   # guard the float rounding of the closed form
        k += 1
    while k > 0 and not ok(k):
        k -= 1
    return k


def smallest_reaching(f: Linear, threshold: float) -> int | None:
    """The smallest count whose rate reaches the threshold; None when no count can."""
    if f.slope <= 0:
        return 0 if reaches(f.at(0), threshold) else None
    k = max(0, math.ceil((threshold - f.intercept) / f.slope))
    while k > 0 and reaches(f.at(k - 1), threshold):
        k -= 1
    while not reaches(f.at(k), threshold):
        k += 1
    return k


def why(grading: Grading, grid_id: str) -> dict[str, Any]:
    """The inputs of one grid's grade, the threshold each rate is measured against, and the what-if counts.

    For each rate and level (red, yellow): `reached`, and either `fewer` (how many fewer cases or
    petitions would bring the rate below that threshold, others unchanged) or `more` (how many more
    would make it reach it). `to_change` says what would change the grade: for a red grid, the
    reductions that make it leave red; for a yellow grid, those that make it green; for a green grid,
    the fewest more cases or petitions that would make it yellow.
    """
    rows = grading.grids.filter(pl.col("grid_id") == grid_id).to_dicts()
    if not rows:
        raise KeyError(grid_id)
    row = rows[0]
    th = grading.thresholds
    out: dict[str, Any] = {"row": row, "thresholds": th, "rates": {}, "to_change": {}}
    if row["grade"] == "ungraded":
        return out
    for kind in KINDS:
        f = linear(row, kind, th.estimate)
        count = int(row[COUNT[kind]])
        rate = f.at(count)
        per_level = {}
        for level in ("red", "yellow"):
            t = th.of(kind, level)
            entry: dict[str, Any] = {"threshold": t, "reached": reaches(rate, t)}
            if t is not None:
                if entry["reached"]:
                    k = largest_below(f, t, count)
                    entry["fewer"] = None if k is None else count - k
                else:
                    k = smallest_reaching(f, t)
                    entry["more"] = None if k is None else k - count
            per_level[level] = entry
        out["rates"][kind] = {"count": count, "rate": rate, "levels": per_level}
    grade_now = row["grade"]
    if grade_now in ("red", "yellow"):
        level = grade_now
        out["to_change"] = {
            "direction": "fewer", "level": level,
            "needed": {k: out["rates"][k]["levels"][level].get("fewer", 0) if out["rates"][k]["levels"][level]["reached"] else 0
                       for k in KINDS},
        }
    else:
        out["to_change"] = {
            "direction": "more", "level": "yellow",
            "needed": {k: out["rates"][k]["levels"]["yellow"].get("more") for k in KINDS},
        }
    return out


# ---- grid health (网格设置) -------------------------------------------------------------------

HEALTH_FLAGS = ("above_size", "below_size", "over_max_population", "no_full_time_staff",
                "many_residents_per_worker", "no_party_branch", "non_party_leader")


def health(frame: pl.DataFrame, g: GradingConfig) -> pl.DataFrame:
    """Per grid: residents per full-time worker and each flag of HEALTH_FLAGS.

    above_size / below_size: households above / below the range for the grid's type (urban
    300-500, rural 200-300 by default; special grids have no norm); over_max_population: more
    residents than max_population (2,000: the seeds' known defect of rural grids);
    no_full_time_staff; many_residents_per_worker: residents per full-time worker above the
    configured maximum; no_party_branch; non_party_leader (a missing answer counts as no).
    """
    hh = pl.col("households")
    pop = pl.col("population")
    staff = pl.col("full_time_staff").fill_null(0)
    urban, rural = pl.col("grid_type") == "urban", pl.col("grid_type") == "rural"
    lo = pl.when(urban).then(g.urban_households[0]).when(rural).then(g.rural_households[0])
    hi = pl.when(urban).then(g.urban_households[1]).when(rural).then(g.rural_households[1])
    per_worker = pl.when(staff > 0).then(pop.cast(pl.Float64) / staff)
    return frame.with_columns(
        per_worker.alias("residents_per_worker"),
        (hh > hi).fill_null(False).alias("above_size"),
        (hh < lo).fill_null(False).alias("below_size"),
        (pop > g.max_population).fill_null(False).alias("over_max_population"),
        (staff == 0).alias("no_full_time_staff"),
        (per_worker > g.max_residents_per_worker).fill_null(False).alias("many_residents_per_worker"),
        (~pl.col("has_party_branch").fill_null(False)).alias("no_party_branch"),
        (~pl.col("leader_is_party_member").fill_null(False)).alias("non_party_leader"),
    )


def health_by_street(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per street: grids, residents, full-time workers, residents per worker and each flag's count."""
    return frame.with_columns(pl.col("street_name").fill_null("—")).group_by("street_name").agg(
        pl.len().cast(pl.Int64).alias("grids"),
        pl.col("population").sum().cast(pl.Int64).alias("population"),
        pl.col("full_time_staff").sum().cast(pl.Int64).alias("full_time_staff"),
        *(pl.col(f).sum().cast(pl.Int64).alias(f) for f in HEALTH_FLAGS),
    ).with_columns(
        pl.when(pl.col("full_time_staff") > 0).then(pl.col("population") / pl.col("full_time_staff"))
        .alias("residents_per_worker")
    ).sort("street_name")
