"""Coordinates and polygons: GCJ-02 / BD-09 to WGS-84, GeoJSON geometry, point-in-polygon.

GCJ-02 (高德, 腾讯, DataV) is WGS-84 plus a published obfuscation offset inside China; the
inverse has no closed form, so it is solved by fixed-point iteration to well under a
millimetre. BD-09 (百度) is GCJ-02 rotated and shifted once more, with a closed-form inverse.
"""
from __future__ import annotations

import json
from typing import Iterable

import numpy as np
import shapely

CRS = ("wgs84", "gcj02", "bd09")

_A = 6378245.0                      # Krasovsky 1940 semi-major axis, as GCJ-02 defines it
_EE = 0.00669342162296594323        # its eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (degrees) added to a WGS-84 point."""
    x, y = lon - 105.0, lat - 35.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = d_lat * 180.0 / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = d_lon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, d_lon), np.where(outside, 0.0, d_lat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    d_lon, d_lat = _offset(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Invert the GCJ-02 offset by iteration (converges to < 1e-9 degrees in a few steps)."""
    g_lon, g_lat = np.asarray(lon, float), np.asarray(lat, float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    # Each step shrinks the error over 100-fold (measured across China: 4.8 m, 3 cm, 0.2 mm): stop
    # once a step corrects less than 1e-6 degrees, which leaves about a millimetre.
    for _ in range(10):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = f_lon - g_lon, f_lat - g_lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if np.nanmax(np.abs(np.concatenate([e_lon.ravel(), e_lat.ravel(), [0.0]]))) < 1e-6:
            break
    return w_lon, w_lat


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(lon, float) - 0.0065, np.asarray(lat, float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(lon, float), np.asarray(lat, float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def to_wgs84(lon, lat, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Points in `crs` as WGS-84 (NaN stays NaN)."""
    if crs not in CRS:
        raise ValueError(f"unknown coordinate system {crs!r}; one of {', '.join(CRS)}")
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if crs == "wgs84":
        return lon, lat
    if crs == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    return gcj02_to_wgs84(lon, lat)


def distance_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres (haversine on a 6,371 km sphere)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6_371_000.0 * np.arcsin(np.sqrt(h))


class GeometryError(ValueError):
    """A geometry that is not a readable, valid polygon."""


def polygon_from(value) -> shapely.Geometry:
    """A Polygon/MultiPolygon from a GeoJSON dict, GeoJSON text or WKT text."""
    try:
        if isinstance(value, dict):
            geom = shapely.geometry.shape(value)
        elif isinstance(value, str) and value.lstrip().startswith("{"):
            geom = shapely.from_geojson(value)
        elif isinstance(value, str):
            geom = shapely.from_wkt(value)
        else:
            raise GeometryError("not a geometry")
    except (shapely.errors.GEOSException, ValueError, TypeError, KeyError, AttributeError, IndexError) as e:
        raise GeometryError(f"unreadable geometry: {str(e).splitlines()[0][:120]}") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeometryError(f"{geom.geom_type} is not a polygon")
    if geom.is_empty:
        raise GeometryError("empty polygon")
    if not geom.is_valid:
        fixed = shapely.make_valid(geom)
        polys = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            raise GeometryError("self-intersecting polygon that cannot be repaired")
        geom = shapely.union_all(polys)
    return geom


def convert_geometry(geom: shapely.Geometry, crs: str) -> shapely.Geometry:
    if crs == "wgs84":
        return geom
    return shapely.transform(geom, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], crs)))


def outside_lonlat(geom: shapely.Geometry) -> bool:
    x0, y0, x1, y1 = geom.bounds
    return x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90


def to_geojson(geom: shapely.Geometry) -> str:
    return shapely.to_geojson(shapely.set_precision(geom, 1e-7))


def centroid(geom: shapely.Geometry) -> tuple[float, float]:
    """A point inside the polygon (the centroid when it lies inside, else a representative point)."""
    c = geom.centroid
    if not geom.contains(c):
        c = geom.representative_point()
    return c.x, c.y


class PolygonIndex:
    """Which polygon (by id) contains each point; a point on no polygon gets None."""

    def __init__(self, ids: Iterable[str], geometries: Iterable[str]) -> None:
        self.ids, polys = [], []
        for key, text in zip(ids, geometries):
            try:
                polys.append(polygon_from(json.loads(text) if isinstance(text, str) else text))
                self.ids.append(key)
            except (GeometryError, json.JSONDecodeError):
                continue  # an unreadable stored boundary cannot claim points
        self.polygons = np.array(polys, dtype=object)
        self.areas = shapely.area(self.polygons) if polys else np.zeros(0)
        self.tree = shapely.STRtree(self.polygons) if polys else None

    def __len__(self) -> int:
        return len(self.ids)

    def locate(self, lon, lat) -> list[str | None]:
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        found: list[str | None] = [None] * len(lon)
        if self.tree is None or len(lon) == 0:
            return found
        ok = np.flatnonzero(~(np.isnan(lon) | np.isnan(lat)))
        points = shapely.points(lon[ok], lat[ok])
        point_idx, poly_idx = self.tree.query(points, predicate="intersects")
        # A point in nested polygons (a campus 专属网格 inside an urban grid) belongs to the smallest;
        # on a shared edge, to the first listed: deterministic, never counted twice.
        order = np.lexsort((poly_idx, self.areas[poly_idx], point_idx))
        seen = set()
        for p, g in zip(point_idx[order].tolist(), poly_idx[order].tolist()):
            if p not in seen:
                seen.add(p)
                found[int(ok[p])] = self.ids[g]
        return found
