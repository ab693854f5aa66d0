"""Policy configuration (targets, weights, thresholds) from gridgov.toml."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "gridgov.toml"


@dataclass(frozen=True)
class Config:
    basically_satisfied_weight: float = 1.0
    min_denominator: int = 10
    composite_weights: dict[str, float] = field(
        default_factory=lambda: {"response_rate": 0.1, "resolution_rate": 0.5, "satisfaction_rate": 0.4}
    )
    targets: dict[str, float] = field(default_factory=dict)
    trend_weeks: int = 12
    overdue_rows: int = 20


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
        trend_weeks=int(overview.get("trend_weeks", 12)),
        overdue_rows=int(overview.get("overdue_rows", 20)),
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
