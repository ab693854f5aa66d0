"""Building blocks of the 热点地图 page: its filters, the layered map, the Gi* table and a grid's cases."""
from __future__ import annotations

from urllib.parse import urlparse

import polars as pl
import streamlit as st

from gridgov import geo, hotmap, hotspots, metrics
from gridgov.config import Config
from gridgov.i18n import STRINGS, t
from gridgov.periods import Period
from ui import data, filters, grading_view, maps

COLOUR_BY = ("grade", "rate", "gi")
LAYERS = ("density", "red", "streets")
HOT_COLUMNS = ("grid_id", "grid_name", "street_name", "population", "filtered_cases", "petitions", "rate", "gi_z", "gi_p",
               "gi_class", "previous_class", "trend", "grade")
CASE_COLUMNS = ("case_id", "received_at", "channel", "category", "subcategory", "status", "deadline_at",
                "closed_at", "satisfaction", "light")


def _label(prefix: str, value: str | None, lang: str) -> str:
    key = prefix + str(value)
    return t(key, lang) if key in STRINGS else ("—" if value is None else str(value))


def pick_filters(span: metrics.DataSpan, cfg: Config, lang: str) -> tuple[hotmap.MapFilters, str, list[str]] | None:
    """Period kind and period, categories, channels, rate, colouring and layers (kept in the URL)."""
    a, b, c, d = st.columns([1, 1, 2, 2])
    grading_view.url_choice("hs_kind", "hs_kind", list(hotmap.PERIOD_KINDS), "half")
    kind = a.radio(t("hs_period_kind", lang), hotmap.PERIOD_KINDS, key="hs_kind",
                   format_func=lambda k: t("hs_kind_" + k, lang))
    options = hotmap.period_options(kind, span.first_received_at, span.as_of)
    if not options:
        return None
    labels = [p.label for p in options]
    complete = [p.label for p in options if not hotmap.is_partial(p, span.as_of)]
    grading_view.url_choice("hs_period", "hs_period", labels, complete[0] if complete else labels[0])
    chosen = b.selectbox(t("hs_period", lang), labels, key="hs_period",
                         format_func=lambda x: grading_view.half_label(options[labels.index(x)], lang, span.as_of))
    values = data.fetch("case_filter_values")
    categories = c.multiselect(t("hs_categories", lang), values.filter(pl.col("dimension") == "category")["value"],
                               key="hs_categories", placeholder=t("hs_all", lang))
    channels = d.multiselect(t("hs_channels", lang), values.filter(pl.col("dimension") == "channel")["value"],
                             key="hs_channels", placeholder=t("hs_all", lang),
                             format_func=lambda v: _label("hs_channel_", v, lang))
    e, f, g = st.columns([2, 2, 3])
    rate = e.radio(t("hs_rate", lang), hotmap.RATES, key="hs_rate", horizontal=True,
                   format_func=lambda r: t("hs_rate_" + r, lang))
    grading_view.url_choice("hs_colour", "hs_colour", list(COLOUR_BY), "grade")
    colour = f.radio(t("hs_colour", lang), COLOUR_BY, key="hs_colour", horizontal=True,
                     format_func=lambda k: t("hs_colour_" + k, lang))
    available = LAYERS + (("tiles",) if cfg.hotspots.tile_url else ())
    layers = g.multiselect(t("hs_layers", lang), available, key="hs_layers",
                           default=[x for x in available if x != "density"],
                           format_func=lambda k: t("hs_layer_" + k, lang, m=cfg.hotspots.bin_m))
    period: Period = options[labels.index(chosen)]
    f_ = hotmap.MapFilters(period, tuple(categories), tuple(channels), filters.selected_street(),
                           filters.selected_basis(), rate)
    return f_, colour, layers


def hotspot_map(md: hotmap.MapData, geometry: geo.Geometry, colour: str, layers: list[str], cfg: Config,
                lang: str):
    """The layered Deck and its legend, the grid picked below (or clicked) outlined."""
    return maps.hotspot_deck(md, geometry, colour, layers, cfg.hotspots, lang, st.session_state.get("hs_grid"))


def offline_note(cfg: Config, layers: list[str], lang: str) -> str:
    if cfg.hotspots.tile_url and "tiles" in layers:
        note = t("hs_tiles_from", lang, host=urlparse(cfg.hotspots.tile_url).netloc or cfg.hotspots.tile_url,
                 zoom=cfg.hotspots.tile_zoom)
        return (note + " " + cfg.hotspots.tile_attribution).strip()
    return t("hs_offline", lang)


def gi_section(md: hotmap.MapData, cfg: Config, lang: str) -> None:
    """Counts of hot spots by trend, the method in one line, and the table of hot and fading grids."""
    s = hotmap.hotspot_summary(md.grids)
    hot = sum(s[c] for c in hotspots.CLASSES if c.startswith("hot_"))
    cold = sum(s[c] for c in hotspots.CLASSES if c.startswith("cold_"))
    st.markdown(t("hs_summary", lang, hot=hot, persistent=s["persistent"], new=s["new"], fading=s["fading"], cold=cold))
    h = cfg.hotspots
    weights = t("hs_weights_" + h.weights, lang, km=h.distance_km)
    st.caption(t("hs_gi_caption", lang, rate=t("hs_rate_" + md.filters.rate, lang), weights=weights,
                 previous=md.filters.period.previous().title(lang), fdr=t("hs_fdr_on" if h.fdr else "hs_fdr_off", lang)))
    rows = md.grids.filter(pl.col("trend").is_not_null())
    if md.filters.street:
        rows = rows.filter(pl.col("street_name") == md.filters.street)
    rows = rows.with_columns(pl.col(md.filters.rate).alias("rate"), pl.col("cases").alias("filtered_cases")).sort(
        "gi_z", descending=True, nulls_last=True)
    shown = rows.with_columns(
        pl.col("gi_class").replace_strict({c: t("gi_" + c, lang) for c in hotspots.CLASSES}, default=None),
        pl.col("previous_class").replace_strict({c: t("gi_" + c, lang) for c in hotspots.CLASSES}, default=None),
        pl.col("trend").replace_strict({c: t("trend_" + c, lang) for c in hotspots.TRENDS}, default=None),
    )
    st.markdown("**" + t("hs_hot_table", lang) + "**")
    grading_view.table(shown, HOT_COLUMNS, lang, "hs_hot_table", f"hotspots_{md.filters.period.label}")


def grid_panel(md: hotmap.MapData, grid_id: str, cfg: Config, lang: str) -> None:
    """The clicked grid's grade card (its half-year) and its cases in the period, as filtered."""
    st.markdown("**" + t("hs_card_half", lang, half=md.half.title(lang)) + "**")
    grading_view.grade_card(md.grading, grid_id, lang, cfg.grading.interval_level)
    f = md.filters
    cases = data.fetch("grid_case_list", grid_id=grid_id, start=f.period.start, end=f.period.end,
                       categories=list(f.categories), channels=list(f.channels), basis=f.basis, as_of=md.as_of,
                       row_limit=cfg.hotspots.case_rows)
    name = md.grids.filter(pl.col("grid_id") == grid_id)["grid_name"].to_list()
    st.markdown("**" + t("hs_case_list", lang, grid=(name or [grid_id])[0], period=f.period.title(lang),
                         n=cfg.hotspots.case_rows) + "**")
    if cases.height == 0:
        st.info(t("hs_case_list_empty", lang))
        return
    shown = cases.with_columns(
        pl.col("channel").map_elements(lambda v: _label("hs_channel_", v, lang), return_dtype=pl.String),
        pl.col("status").map_elements(lambda v: _label("hs_status_", v, lang), return_dtype=pl.String),
        pl.col("satisfaction").map_elements(lambda v: _label("hs_sat_", v, lang), return_dtype=pl.String),
        pl.col("light").map_elements(lambda v: _label("hs_light_", v, lang), return_dtype=pl.String),
    )
    grading_view.table(shown, CASE_COLUMNS, lang, "hs_case_table", f"cases_{grid_id}_{f.period.label}")
