"""Grid geometry: boundaries from GeoJSON, street outlines, case-density squares, map tiles.

Coordinates are WGS-84 longitude/latitude (SCHEMA.md). Distances use a local equirectangular
projection around the district's mean latitude, exact enough inside one district (< 0.1% over 20 km).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import polars as pl
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0


def parse_boundary(text: str | None) -> Polygon | MultiPolygon | None:
    """A GeoJSON Polygon or MultiPolygon as a valid shapely geometry; None when missing or unreadable."""
    if not text:
        return None
    try:
        geom = shape(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            return None
        geom = shapely.union_all(polys)
    return geom


def polygons(frame: pl.DataFrame) -> list[Polygon | MultiPolygon | None]:
    """The parsed boundary of every row of a frame with a `boundary` column, in row order."""
    return [parse_boundary(b) for b in frame["boundary"].to_list()]


def rings_of(geom: Polygon | MultiPolygon) -> list[list[list[list[float]]]]:
    """deck.gl polygons of a geometry: one [outer ring, holes...] per part, as [[lon, lat], ...] lists."""
    parts = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    out = []
    for p in parts:
        out.append([_coords(p.exterior)] + [_coords(h) for h in p.interiors])
    return out


def _coords(ring) -> list[list[float]]:
    return [[round(x, 6), round(y, 6)] for x, y in ring.coords]


def outlines(frame: pl.DataFrame, key: str = "street_name") -> dict[str, list[list[list[float]]]]:
    """Each group's outline (the union of its grids' polygons) as paths: the rings of its parts.

    Polygons are snapped to a 1e-6° grid first so that neighbours whose shared edges differ by
    rounding still dissolve into one outline.
    """
    groups: dict[str, list] = {}
    for name, geom in zip(frame[key].to_list(), polygons(frame)):
        if geom is not None and name is not None:
            groups.setdefault(name, []).append(shapely.set_precision(geom, 1e-6))
    paths = {}
    for name, geoms in groups.items():
        merged = shapely.union_all(geoms)
        parts = merged.geoms if isinstance(merged, MultiPolygon) else [merged]
        paths[name] = [_coords(p.exterior) for p in parts if isinstance(p, Polygon)]
    return paths


@dataclass(frozen=True)
class Geometry:
    """What the maps draw from the grid register: each grid's polygons and each street's outline."""
    rings: dict[str, list]        # grid_id -> deck.gl polygons (one per part)
    outlines: dict[str, list]     # street -> outline rings
    centre_latitude: float
    bounds: tuple[float, float, float, float] | None


def geometry(boundaries: pl.DataFrame) -> Geometry:
    """Geometry of a frame of grid_id, street_name, centroid_lat and boundary (grid_boundaries.sql)."""
    rings = {gid: geo_rings for gid, g in zip(boundaries["grid_id"].to_list(), polygons(boundaries))
             if g is not None for geo_rings in [rings_of(g)]}
    lats = [v for v in boundaries["centroid_lat"].to_list() if v is not None]
    return Geometry(rings, outlines(boundaries), sum(lats) / len(lats) if lats else 0.0, bounds_of(rings))


def bounds_of(rings: dict[str, list], grid_ids: list[str] | None = None) -> tuple[float, float, float, float] | None:
    """west, south, east, north of the outer rings of the given grids (all when None)."""
    xs, ys = [], []
    for gid in grid_ids if grid_ids is not None else list(rings):
        for part in rings.get(gid, []):
            for x, y in part[0]:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class Bins:
    """Square bins of about `metres` on a side, as degree steps at the district's latitude."""
    metres: float
    lon_step: float
    lat_step: float

    def square(self, bin_x: int, bin_y: int) -> list[list[float]]:
        x0, y0 = bin_x * self.lon_step, bin_y * self.lat_step
        x1, y1 = x0 + self.lon_step, y0 + self.lat_step
        return [[round(x0, 6), round(y0, 6)], [round(x1, 6), round(y0, 6)], [round(x1, 6), round(y1, 6)],
                [round(x0, 6), round(y1, 6)]]


def bins(metres: float, latitude: float) -> Bins:
    return Bins(metres, metres / (M_PER_DEG_LON_EQUATOR * math.cos(math.radians(latitude))),
                metres / M_PER_DEG_LAT)


def local_xy_km(lon: list[float], lat: list[float], latitude: float) -> list[tuple[float, float]]:
    """Kilometre coordinates in the local equirectangular projection around `latitude`."""
    kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(latitude)) / 1000
    ky = M_PER_DEG_LAT / 1000
    return [(x * kx, y * ky) for x, y in zip(lon, lat)]


def tiles(bounds: tuple[float, float, float, float], zoom: int) -> list[tuple[int, int, int, list[float]]]:
    """The XYZ (slippy map) tiles covering lon/lat bounds at a zoom: (z, x, y, [west, south, east, north])."""
    west, south, east, north = bounds
    x0, x1 = _tile_x(west, zoom), _tile_x(east, zoom)
    y0, y1 = _tile_y(north, zoom), _tile_y(south, zoom)
    out = []
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            out.append((zoom, x, y, [_lon(x, zoom), _lat(y + 1, zoom), _lon(x + 1, zoom), _lat(y, zoom)]))
    return out


def _tile_x(lon: float, z: int) -> int:
    return int((lon + 180.0) / 360.0 * 2 ** z)


def _tile_y(lat: float, z: int) -> int:
    r = math.radians(lat)
    return int((1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * 2 ** z)


def _lon(x: int, z: int) -> float:
    return x / 2 ** z * 360.0 - 180.0


def _lat(y: int, z: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2 ** z))))
