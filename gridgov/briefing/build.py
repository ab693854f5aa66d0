"""Assemble the briefing: gather the figures, write the sections, number the tables and charts."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime

from gridgov import hotspots, measures, store
from gridgov.briefing import figures, issues, sections, text
from gridgov.briefing.model import Block, Briefing, Section
from gridgov.config import Config
from gridgov.periods import Period


def definitions_version(cfg: Config) -> str:
    """v<schema version>-<digest of every measure's definition and the policy settings>: it changes
    whenever a definition, a weight, a target or a threshold does, so two briefings with the same
    version were computed the same way."""
    policy = {
        "measures": [[m.name, m.kind, m.definition_zh, m.definition_en, m.denominator]
                     for m in measures.ALL_MEASURES.values()],
        "basically_satisfied_weight": cfg.basically_satisfied_weight,
        "min_denominator": cfg.min_denominator,
        "composite_weights": cfg.composite_weights,
        "targets": cfg.targets,
        "grading": dataclasses.asdict(cfg.grading),
        "analytics": dataclasses.asdict(cfg.analytics),
        "hotspots": {k: getattr(cfg.hotspots, k) for k in ("weights", "distance_km", "snap_degrees", "fdr")},
    }
    payload = json.dumps(policy, sort_keys=True, ensure_ascii=False, default=str)
    return f"v{store.SCHEMA_VERSION}-{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:8]}"


def _numbered(raw: list[tuple[int, str, list[Block]]]) -> tuple[Section, ...]:
    out, n_table, n_chart = [], 0, 0
    for number, heading, blocks in raw:
        numbered = []
        for b in blocks:
            if b.kind == "table":
                n_table += 1
                b = dataclasses.replace(b, table=dataclasses.replace(b.table, number=n_table))
            elif b.kind == "chart":
                n_chart += 1
                b = dataclasses.replace(b, chart=dataclasses.replace(b.chart, number=n_chart))
            numbered.append(b)
        out.append(Section(number, heading, tuple(numbered)))
    return tuple(out)


def build(fetch: figures.Fetch, period: Period, cfg: Config, street: str | None = None, lang: str = "zh",
          basis: str = "assessment", neighbours: hotspots.Neighbours | None = None) -> Briefing:
    """The briefing for a period (week, month, quarter or half-year) and a scope (the district or one
    street), every figure from the functions the pages and `python -m gridgov` use."""
    text.check_lang(lang)
    f = figures.gather(fetch, period, cfg, street, basis, neighbours)
    version = definitions_version(cfg)
    raw = [
        (1, sections.p("h_overall", lang), sections.overall(f, cfg, lang)),
        (2, *sections.ranking(f, cfg, lang)),
        (3, sections.p("h_grading", lang), sections.grades_section(f, cfg, lang)),
        (4, *issues.issues(f, cfg, lang)),
        (5, *issues.petitions(f, cfg, lang)),
        (0, *issues.definitions(f, cfg, lang, version)),
    ]
    scope = sections.scope_name(f, lang)
    return Briefing(
        title=text.t("title", lang), subtitle=text.t("subtitle", lang, period=period.title(lang), scope=scope),
        period_label=period.label, period_title=period.title(lang), scope=scope, street=street, basis=basis,
        as_of=f.as_of, definitions_version=version, lang=lang, sections=_numbered(raw),
        generated_at=datetime.now().replace(microsecond=0),
    )
