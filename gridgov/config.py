"""Policy configuration (targets, weights, thresholds) from gridgov.toml."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "gridgov.toml"


GRADE_LEVELS = ("case_red", "case_yellow", "petition_red", "petition_yellow")


@dataclass(frozen=True)
class GradingConfig:
    """The 红黄绿 grid grading rule ([grading] in gridgov.toml) and the grid-health limits."""
    rule: str = "percentile"  # "percentile" or "absolute"
    estimate: str = "raw"     # grade on the "raw" rates or on the empirical-Bayes "shrunk" rates
    # rule = "percentile": a rate at or above this percentile of the district's graded grids
    percentile: dict[str, float] = field(default_factory=lambda: {
        "case_red": 90.0, "case_yellow": 70.0, "petition_red": 90.0, "petition_yellow": 70.0})
    # rule = "absolute": per 1,000 residents per half-year
    absolute: dict[str, float] = field(default_factory=lambda: {
        "case_red": 60.0, "case_yellow": 45.0, "petition_red": 8.0, "petition_yellow": 5.0})
    interval_level: float = 0.95
    min_street_grids: int = 5  # fewer graded grids in a street: shrink toward the district instead
    urban_households: tuple[int, int] = (300, 500)
    rural_households: tuple[int, int] = (200, 300)
    max_population: int = 2000
    max_residents_per_worker: int = 1500


@dataclass(frozen=True)
class HotspotConfig:
    """The hotspot map ([hotspots] and [map] in gridgov.toml)."""
    weights: str = "queen"     # "queen", "rook" or "distance"
    distance_km: float = 1.0   # the band for weights = "distance"
    snap_degrees: float = 1e-6  # polygons are snapped to this grid before contiguity is tested
    fdr: bool = False          # Benjamini-Hochberg false discovery rate control of the Gi* p-values
    bin_m: int = 250           # side of the case-density squares, metres
    red_points: int = 2000     # at most this many red-light cases are drawn as points
    case_rows: int = 200       # a clicked grid's case list
    tile_url: str = ""         # e.g. "http://tiles.intranet/{z}/{x}/{y}.png"; empty = no base map
    tile_zoom: int = 13
    tile_attribution: str = ""


LEAGUE_CLASSES = ("advanced", "progress", "rectify", "governance")


@dataclass(frozen=True)
class AnalyticsConfig:
    """The case and petition pages ([league], [petitions], [early_warning], [supervision] in gridgov.toml)."""
    # How many units each league class takes: 先进 (top composite score), 进步 (largest rise in it
    # vs the previous period), 整改 (bottom composite score), 治理类 (most requests per 10,000).
    league: dict[str, int] = field(default_factory=lambda: {c: 3 for c in LEAGUE_CLASSES})
    accept_days: int = 15            # a petition accepted within this many days is accepted in time
    escalation_person_days: int = 90  # 诉转访: a petition this many days after the same person's case
    escalation_place_days: int = 30   # ... or after an unsettled case of its grid in a mapped category
    # 诉转访 by place: petition category -> the case categories it matches in the same grid
    escalation_categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warning_alpha: float = 0.05      # early warning: family-wise error rate (Bonferroni) per kind of unit
    warning_years: int = 2           # baseline: the same weeks of up to this many earlier years
    warning_half_width: int = 1      # baseline: the same ISO week ± this many weeks
    warning_min_count: int = 5       # a unit with fewer cases this week is never flagged
    warning_rows: int = 10           # rows of the early-warning list on 总览
    list_rows: int = 500             # rows of case and petition lists (red list, drill-down)


def _analytics(raw: dict) -> AnalyticsConfig:
    d = AnalyticsConfig()
    league = {**d.league, **{k: int(v) for k, v in raw.get("league", {}).items()}}
    if set(league) != set(LEAGUE_CLASSES) or min(league.values()) < 0:
        raise ValueError(f"league takes exactly {', '.join(LEAGUE_CLASSES)}, each a count >= 0")
    petitions, warning = raw.get("petitions", {}), raw.get("early_warning", {})
    mapping = petitions.get("escalation_categories", {})
    if not all(isinstance(v, list) for v in mapping.values()):
        raise ValueError("petitions.escalation_categories maps a petition category to a list of case categories")
    alpha = float(warning.get("alpha", d.warning_alpha))
    if not 0 < alpha < 1:
        raise ValueError("early_warning.alpha must be between 0 and 1")
    return AnalyticsConfig(
        league=league,
        accept_days=int(petitions.get("accept_days", d.accept_days)),
        escalation_person_days=int(petitions.get("escalation_person_days", d.escalation_person_days)),
        escalation_place_days=int(petitions.get("escalation_place_days", d.escalation_place_days)),
        escalation_categories={str(k): tuple(str(c) for c in v) for k, v in mapping.items()},
        warning_alpha=alpha,
        warning_years=max(1, int(warning.get("baseline_years", d.warning_years))),
        warning_half_width=max(0, int(warning.get("half_width_weeks", d.warning_half_width))),
        warning_min_count=int(warning.get("min_count", d.warning_min_count)),
        warning_rows=int(warning.get("overview_rows", d.warning_rows)),
        list_rows=int(raw.get("supervision", {}).get("list_rows", d.list_rows)),
    )


@dataclass(frozen=True)
class Config:
    basically_satisfied_weight: float = 1.0
    min_denominator: int = 10
    composite_weights: dict[str, float] = field(
        default_factory=lambda: {"response_rate": 0.1, "resolution_rate": 0.5, "satisfaction_rate": 0.4}
    )
    targets: dict[str, float] = field(default_factory=dict)
    min_cell: int = 3  # exports show petition counts below this as "<3" (privacy)
    trend_weeks: int = 12
    overdue_rows: int = 20
    grading: GradingConfig = field(default_factory=GradingConfig)
    hotspots: HotspotConfig = field(default_factory=HotspotConfig)
    analytics: AnalyticsConfig = field(default_factory=AnalyticsConfig)
    quality: "QualityConfig" = field(default_factory=lambda: QualityConfig())
    briefing: "BriefingConfig" = field(default_factory=lambda: BriefingConfig())


def parse(text: str) -> Config:
    raw = tomllib.loads(text)
    measures = raw.get("measures", {})
    overview = raw.get("overview", {})
    weights = measures.get("composite_weights", Config().composite_weights)
    if set(weights) != {"response_rate", "resolution_rate", "satisfaction_rate"}:
        raise ValueError("measures.composite_weights must weight exactly response_rate, resolution_rate, satisfaction_rate")
    return Config(
        basically_satisfied_weight=float(measures.get("basically_satisfied_weight", 1.0)),
        min_denominator=int(measures.get("min_denominator", 10)),
        composite_weights={k: float(v) for k, v in weights.items()},
        targets={k: float(v) for k, v in raw.get("targets", {}).items()},
        min_cell=int(raw.get("privacy", {}).get("min_cell", 3)),
        trend_weeks=int(overview.get("trend_weeks", 12)),
        overdue_rows=int(overview.get("overdue_rows", 20)),
        grading=_grading(raw.get("grading", {})),
        hotspots=_hotspots(raw.get("hotspots", {}), raw.get("map", {})),
        analytics=_analytics(raw),
        quality=_quality(raw.get("quality", {})),
        briefing=_briefing(raw.get("briefing", {})),
    )


def _levels(given: dict, default: dict[str, float], where: str, top: float | None) -> dict[str, float]:
    levels = {**default, **{k: float(v) for k, v in given.items()}}
    if set(levels) != set(GRADE_LEVELS):
        raise ValueError(f"{where} takes exactly {', '.join(GRADE_LEVELS)}")
    for kind in ("case", "petition"):
        red, yellow = levels[kind + "_red"], levels[kind + "_yellow"]
        if not 0 <= yellow <= red or (top is not None and red > top):
            raise ValueError(f"{where}: need 0 <= {kind}_yellow <= {kind}_red" + (f" <= {top:g}" if top else ""))
    return levels


def _grading(raw: dict) -> GradingConfig:
    d = GradingConfig()
    rule, estimate = raw.get("rule", d.rule), raw.get("estimate", d.estimate)
    if rule not in ("percentile", "absolute"):
        raise ValueError('grading.rule must be "percentile" or "absolute"')
    if estimate not in ("raw", "shrunk"):
        raise ValueError('grading.estimate must be "raw" or "shrunk"')
    level = float(raw.get("interval_level", d.interval_level))
    if not 0 < level < 1:
        raise ValueError("grading.interval_level must be between 0 and 1")
    health = raw.get("health", {})
    return GradingConfig(
        rule=rule, estimate=estimate,
        percentile=_levels(raw.get("percentile", {}), d.percentile, "grading.percentile", 100.0),
        absolute=_levels(raw.get("absolute", {}), d.absolute, "grading.absolute", None),
        interval_level=level,
        min_street_grids=int(raw.get("min_street_grids", d.min_street_grids)),
        urban_households=tuple(int(x) for x in health.get("urban_households", d.urban_households)),
        rural_households=tuple(int(x) for x in health.get("rural_households", d.rural_households)),
        max_population=int(health.get("max_population", d.max_population)),
        max_residents_per_worker=int(health.get("max_residents_per_worker", d.max_residents_per_worker)),
    )


def _hotspots(raw: dict, map_raw: dict) -> HotspotConfig:
    d = HotspotConfig()
    weights = raw.get("weights", d.weights)
    if weights not in ("queen", "rook", "distance"):
        raise ValueError('hotspots.weights must be "queen", "rook" or "distance"')
    tile_url = str(map_raw.get("tile_url", d.tile_url)).strip()
    if tile_url and not all(k in tile_url for k in ("{z}", "{x}", "{y}")):
        raise ValueError("map.tile_url must contain {z}, {x} and {y}")
    return HotspotConfig(
        weights=weights,
        distance_km=float(raw.get("distance_km", d.distance_km)),
        snap_degrees=float(raw.get("snap_degrees", d.snap_degrees)),
        fdr=bool(raw.get("fdr", d.fdr)),
        bin_m=int(raw.get("bin_m", d.bin_m)),
        red_points=int(raw.get("red_points", d.red_points)),
        case_rows=int(raw.get("case_rows", d.case_rows)),
        tile_url=tile_url,
        tile_zoom=int(map_raw.get("tile_zoom", d.tile_zoom)),
        tile_attribution=str(map_raw.get("tile_attribution", d.tile_attribution)),
    )


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Config:
    return parse(Path(path).read_text(encoding="utf-8"))


def load(path: str | Path | None = None) -> Config:
    """The configuration in GRIDGOV_CONFIG, else gridgov.toml at the project root."""
    p = Path(path or os.environ.get("GRIDGOV_CONFIG") or DEFAULT_PATH)
    if not p.exists():
        return Config()
    return _load(str(p), p.stat().st_mtime)


@dataclass(frozen=True)
class QualityConfig:
    """The 数据质量 panel ([quality] in gridgov.toml)."""
    month_end_days: int = 3          # a closure in a month's last N days counts as "at month end"
    month_end_alert: float = 0.25    # flag a source-month whose share of month-end closures reaches this
    rows: int = 500                  # rows shown behind one figure


def _quality(raw: dict) -> QualityConfig:
    d = QualityConfig()
    days, alert = int(raw.get("month_end_days", d.month_end_days)), float(raw.get("month_end_alert", d.month_end_alert))
    if not 1 <= days <= 10:
        raise ValueError("quality.month_end_days must be between 1 and 10")
    if not 0 < alert <= 1:
        raise ValueError("quality.month_end_alert must be a share between 0 and 1")
    return QualityConfig(month_end_days=days, month_end_alert=alert, rows=int(raw.get("rows", d.rows)))


@dataclass(frozen=True)
class BriefingConfig:
    """The meeting briefing ([briefing] in gridgov.toml): how many rows its lists show in the document
    (the Excel appendix holds every row)."""
    categories: int = 5        # categories named in 突出问题
    overdue_rows: int = 10     # the longest-overdue open cases listed
    grid_rows: int = 10        # grids listed (turned red, persistent hotspots)
    warning_rows: int = 10     # early warnings listed


def _briefing(raw: dict) -> BriefingConfig:
    d = BriefingConfig()
    values = {k: int(raw.get(k, getattr(d, k))) for k in ("categories", "overdue_rows", "grid_rows", "warning_rows")}
    if min(values.values()) < 1:
        raise ValueError("briefing: categories, overdue_rows, grid_rows and warning_rows must each be at least 1")
    return BriefingConfig(**values)
