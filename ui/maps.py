"""Map builders (frames in, pydeck Deck out) for the grading and hotspot pages.

Offline by design: the Deck has no map provider, so neither pydeck nor Streamlit's frontend asks a
tile or style server for anything (Streamlit fills in a CARTO base map when `mapStyle` is absent;
pydeck's `map_provider=None` sends its "no style" marker instead). The grid and street polygons are
the map. An intranet tile server ([map] tile_url) adds a base map of bitmap tiles at one zoom.
"""
from __future__ import annotations

import html
import json
import math

import polars as pl
import pydeck as pdk
from pydeck.bindings import json_tools

from gridgov import geo, grading, hotmap, hotspots
from gridgov.config import HotspotConfig
from gridgov.i18n import t
from ui.charts import FONT, LIGHTS

GRID_LAYER = "grids"
# Sequential reds for a rate (low to high) and a diverging scale for Gi* classes.
RATE_COLOURS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
DENSITY_COLOURS = ("#edf8fb", "#b3cde3", "#8c96c6", "#8856a7", "#810f7c")
GI_COLOURS = {
    "hot_99": "#b2182b", "hot_95": "#ef8a62", "hot_90": "#fddbc7", "not_significant": "#f7f7f7",
    "cold_90": "#d1e5f0", "cold_95": "#67a9cf", "cold_99": "#2166ac",
}
NO_DATA = "#bdc3c7"
STREET_LINE = (44, 62, 80)
RED_POINT = (192, 57, 43)
TOOLTIP_STYLE = {"fontFamily": FONT, "fontSize": "13px", "backgroundColor": "rgba(255,255,255,0.96)",
                 "color": "#2c3e50", "border": "1px solid #ccc", "padding": "6px 8px", "whiteSpace": "pre-line"}
# Every pickable object carries tip_title and tip (plain text, escaped by Streamlit when it fills these in).
TOOLTIP_HTML = "<b>{tip_title}</b><br/>{tip}"


def rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha]


def breaks(values: list[float | None], classes: int = 5) -> list[float]:
    """Class limits at equal-count quantiles of the defined values (classes - 1 limits)."""
    v = sorted(x for x in values if x is not None)
    if not v:
        return []
    return [v[min(len(v) - 1, int(len(v) * k / classes))] for k in range(1, classes)]


def class_of(value: float | None, limits: list[float]) -> int | None:
    if value is None:
        return None
    return sum(value >= b for b in limits)


def _text(value) -> str:
    return "—" if value is None else str(value)


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def grid_tip(row: dict, lang: str, rate_label: str | None = None) -> tuple[str, str]:
    """A grid's tooltip (title, lines): its place, population, counts and rates, grade and Gi* class.

    Plain text: Streamlit escapes the values it puts into the tooltip template, and the tooltip's
    `white-space: pre-line` turns the newlines into line breaks."""
    lines = [f"{_text(row.get('street_name'))} · {_text(row.get('community_name'))}",
             t("map_tip_population", lang, population=_text(row.get("population")))]
    lines.append(t("map_tip_cases", lang, label=rate_label or t("map_hotline_cases", lang), cases=row.get("cases", 0),
                   rate=_num(row.get("case_rate"))))
    lines.append(t("map_tip_petitions", lang, petitions=row.get("petitions", 0), rate=_num(row.get("petition_rate"))))
    if row.get("grade"):
        lines.append(t("map_tip_grade", lang, grade=t("grade_" + row["grade"], lang)))
    if row.get("gi_class"):
        text = t("gi_" + row["gi_class"], lang) + f"（z = {_num(row.get('gi_z'), 2)}）"
        if row.get("trend"):
            text += " · " + t("trend_" + row["trend"], lang)
        lines.append(t("map_tip_hotspot", lang, text=text))
    return f"{_text(row.get('grid_name'))}（{row['grid_id']}）", "\n".join(lines)


def grid_colours(grids: pl.DataFrame, colour_by: str, rate: str = "case_rate") -> tuple[list[str], list[tuple[str, str]]]:
    """Each grid's fill colour (hex) and the legend [(colour, label key or text)], by grade, rate or Gi* class."""
    if colour_by == "grade":
        colours = [LIGHTS.get(g or "ungraded", NO_DATA) for g in grids["grade"].to_list()]
        return colours, [(LIGHTS[g], "grade_" + g) for g in ("red", "yellow", "green", "ungraded")]
    if colour_by == "gi":
        colours = [GI_COLOURS.get(c, NO_DATA) if c else NO_DATA for c in grids["gi_class"].to_list()]
        return colours, [(GI_COLOURS[c], "gi_" + c) for c in hotspots.CLASSES] + [(NO_DATA, "map_no_rate")]
    values = grids[rate].to_list()
    limits = breaks(values)
    colours = [NO_DATA if (k := class_of(v, limits)) is None else RATE_COLOURS[k] for v in values]
    edges = ["—"] + [_num(b) for b in limits] + ["—"]
    legend = [(RATE_COLOURS[k], f"{edges[k]} – {edges[k + 1]}".replace("— – ", "< ").replace(" – —", " +"))
              for k in range(len(limits) + 1)] + [(NO_DATA, "map_no_rate")]
    return colours, legend


def grid_layer(grids: pl.DataFrame, rings: dict[str, list], colours: list[str],
               tips: list[tuple[str, str]], alpha: int = 210) -> pdk.Layer:
    """Grid polygons (one feature per polygon part), pickable: a click selects the grid. A low alpha
    lets a layer drawn beneath (case density) show through."""
    data = []
    for gid, colour, (title, tip) in zip(grids["grid_id"].to_list(), colours, tips):
        for part in rings.get(gid, []):
            data.append({"grid_id": gid, "polygon": part, "fill": rgb(colour, alpha), "tip_title": title, "tip": tip})
    return pdk.Layer("PolygonLayer", data, id=GRID_LAYER, get_polygon="polygon", get_fill_color="fill",
                     get_line_color=[255, 255, 255, 200], get_line_width=0.6, line_width_units=pdk.types.String("pixels"),
                     stroked=True, filled=True, pickable=True, auto_highlight=True,
                     highlight_color=[255, 255, 255, 90])


def selected_layer(rings: dict[str, list], grid_id: str | None) -> pdk.Layer:
    """A thick outline around the selected grid."""
    data = [{"path": part[0]} for part in rings.get(grid_id, [])] if grid_id else []
    return pdk.Layer("PathLayer", data, id="selected_grid", get_path="path", get_color=[20, 20, 20, 255],
                     get_width=3.5, width_units=pdk.types.String("pixels"), pickable=False)


def streets_layer(outlines: dict[str, list], streets: list[str] | None = None) -> pdk.Layer:
    """Street boundaries (the grid polygons dissolved by street) as lines."""
    data = [{"path": ring, "street": name} for name, parts in outlines.items()
            if not streets or name in streets for ring in parts]
    return pdk.Layer("PathLayer", data, id="streets", get_path="path", get_color=list(STREET_LINE) + [230],
                     get_width=2.5, width_units=pdk.types.String("pixels"), pickable=False)


def density_layer(bins: pl.DataFrame, geometry: geo.Bins, lang: str) -> pdk.Layer:
    """Case density: the squares of case_density_bins, coloured by equal-count classes of their counts."""
    counts = bins["cases"].to_list()
    limits = breaks(counts)
    data = [{"polygon": geometry.square(x, y), "fill": rgb(DENSITY_COLOURS[class_of(n, limits)], 230),
             "tip_title": t("map_tip_density", lang, metres=int(geometry.metres), cases=n), "tip": ""}
            for x, y, n in zip(bins["bin_x"].to_list(), bins["bin_y"].to_list(), counts)]
    return pdk.Layer("PolygonLayer", data, id="density", get_polygon="polygon", get_fill_color="fill",
                     stroked=False, filled=True, pickable=True)


def red_layer(red: pl.DataFrame, lang: str) -> pdk.Layer:
    """Red-light cases as points (only those with a location)."""
    data = []
    for row in red.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null()).iter_rows(named=True):
        title = f"{row['case_id']} {_text(row['category'])}/{_text(row['subcategory'])}"
        tip = "\n".join([
            t("red_" + row["red_reason"], lang) + " · " + t("map_tip_received", lang, at=f"{row['received_at']:%Y-%m-%d}"),
            _text(row.get("grid_name")),
        ])
        data.append({"position": [round(row["lon"], 6), round(row["lat"], 6)], "grid_id": row["grid_id"],
                     "tip_title": title, "tip": tip})
    return pdk.Layer("ScatterplotLayer", data, id="red_cases", get_position="position",
                     get_fill_color=list(RED_POINT) + [230], get_line_color=[255, 255, 255, 255],
                     stroked=True, line_width_min_pixels=1, radius_min_pixels=3, radius_max_pixels=6,
                     get_radius=20, pickable=True)


def tile_layers(url: str, bounds: tuple[float, float, float, float], zoom: int) -> list[pdk.Layer]:
    """An intranet base map: one bitmap per XYZ tile covering the bounds at one zoom (no tile is
    requested unless [map] tile_url is set). Streamlit's pydeck cannot carry TileLayer's
    renderSubLayers function, so the tiles are laid out here."""
    layers = []
    for z, x, y, box in geo.tiles(bounds, zoom):
        image = url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
        layers.append(pdk.Layer("BitmapLayer", id=f"tile-{z}-{x}-{y}", image=pdk.types.String(image), bounds=box, opacity=0.9))
    return layers


def view(bounds: tuple[float, float, float, float] | None, width_px: int, height_px: int) -> pdk.ViewState:
    """A view that fits the bounds in a map of about width_px × height_px."""
    if bounds is None:
        return pdk.ViewState(latitude=0, longitude=0, zoom=1)
    west, south, east, north = bounds
    lat = (south + north) / 2
    span_x = max(east - west, 1e-4)
    span_y = max((north - south) / math.cos(math.radians(lat)), 1e-4)
    zoom = min(math.log2(width_px * 360 / (512 * span_x)), math.log2(height_px * 360 / (512 * span_y))) - 0.1  # deck.gl: 512 px at zoom 0
    return pdk.ViewState(latitude=lat, longitude=(west + east) / 2, zoom=round(zoom, 2), pitch=0, bearing=0)


class CompactDeck(pdk.Deck):
    """A Deck serialised without indentation: pydeck puts every coordinate on its own indented line,
    which makes the JSON sent to the browser about four times larger."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=json_tools.default_serialize, separators=(",", ":"),
                          ensure_ascii=False)


def deck(layers: list[pdk.Layer], view_state: pdk.ViewState) -> pdk.Deck:
    """The Deck with no base map provider (nothing is fetched from a tile or style server)."""
    return CompactDeck(layers=layers, initial_view_state=view_state, map_provider=None,
                       tooltip={"html": TOOLTIP_HTML, "style": TOOLTIP_STYLE})


def legend_html(items: list[tuple[str, str]], lang: str, title: str) -> str:
    """A one-line legend: coloured squares with labels (label keys are translated)."""
    from gridgov.i18n import STRINGS

    spans = []
    for colour, label in items:
        text = t(label, lang) if label in STRINGS else label
        spans.append(f'<span style="display:inline-block;width:12px;height:12px;background:{colour};'
                     f'border:1px solid #999;margin:0 4px 0 12px;vertical-align:middle"></span>{html.escape(text)}')
    return f'<div style="font-size:13px;line-height:1.9"><b>{html.escape(title)}</b>{"".join(spans)}</div>'


def selected_grid(event) -> str | None:
    """The grid_id of the grid polygon (or red-light case) clicked in a pydeck selection event, if any."""
    try:
        objects = event["selection"]["objects"]
    except (KeyError, TypeError, AttributeError):
        return None
    for layer in (GRID_LAYER, "red_cases"):   # a clicked red-light case opens its grid
        for obj in objects.get(layer) or []:
            if obj.get("grid_id"):
                return obj["grid_id"]
    return None


def grade_deck(g: grading.Grading, geometry: geo.Geometry, street: str | None, selected: str | None,
               lang: str) -> tuple[pdk.Deck, str]:
    """The grading map: grid polygons coloured by grade, street boundaries, the selected grid outlined."""
    grids = g.grids if street is None else g.grids.filter(pl.col("street_name") == street)
    colours, legend = grid_colours(grids, "grade")
    tips = [grid_tip(row, lang) for row in grids.iter_rows(named=True)]
    layers = [grid_layer(grids, geometry.rings, colours, tips),
              streets_layer(geometry.outlines, [street] if street else None),
              selected_layer(geometry.rings, selected)]
    view_state = view(geo.bounds_of(geometry.rings, grids["grid_id"].to_list()), 540, 520)
    return deck(layers, view_state), legend_html(legend, lang, t("map_legend_grade", lang))


def hotspot_deck(md: hotmap.MapData, geometry: geo.Geometry, colour: str, shown: list[str], h: HotspotConfig,
                 lang: str, selected: str | None) -> tuple[pdk.Deck, str]:
    """The hotspot map: the chosen layers (tiles, density, grids, streets, red-light cases) and its legend."""
    street = md.filters.street
    grids = md.grids if street is None else md.grids.filter(pl.col("street_name") == street)
    colours, legend = grid_colours(grids, colour, md.filters.rate)
    tips = [grid_tip(row, lang, t("map_filtered_cases", lang)) for row in grids.iter_rows(named=True)]
    layers = []
    if "tiles" in shown and h.tile_url and geometry.bounds:
        layers += tile_layers(h.tile_url, geometry.bounds, h.tile_zoom)
    if "density" in shown:   # beneath the grids, which turn translucent over it
        layers.append(density_layer(md.bins, md.bin_geometry, lang))
    layers.append(grid_layer(grids, geometry.rings, colours, tips, 90 if "density" in shown else 210))
    if "streets" in shown:
        layers.append(streets_layer(geometry.outlines, [street] if street else None))
    if "red" in shown:
        layers.append(red_layer(md.red, lang))
    layers.append(selected_layer(geometry.rings, selected))
    title = {"grade": t("map_legend_grade", lang), "gi": t("map_legend_gi", lang),
             "rate": t("hs_rate_" + md.filters.rate, lang)}[colour]
    extra = [(c, k) for on, c, k in (("red" in shown, "#c0392b", "map_legend_red"),
                                      ("density" in shown, DENSITY_COLOURS[-1], "map_legend_density"),
                                      ("streets" in shown, "#2c3e50", "map_legend_streets")) if on]
    text = legend_html(legend, lang, title) + (legend_html(extra, lang, t("map_legend_layers", lang)) if extra else "")
    view_state = view(geo.bounds_of(geometry.rings, grids["grid_id"].to_list()), 1080, 620)
    return deck(layers, view_state), text
