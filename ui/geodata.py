"""Cached geometry derived from the grid boundaries: polygons, street outlines, hotspot neighbours.

The caches are keyed by the boundaries frame itself (fetched through ui.data, so in this session's
scope): a street user's session gets its street's polygons, never a cache filled for the district.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov import geo, hotspots
from gridgov.config import HotspotConfig
from ui import data


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _geometry(boundaries: pl.DataFrame) -> geo.Geometry:
    return geo.geometry(boundaries)


def geometry() -> geo.Geometry:
    return _geometry(data.fetch("grid_boundaries"))


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _neighbours(boundaries: pl.DataFrame, cfg: HotspotConfig) -> hotspots.Neighbours:
    return hotspots.neighbours(boundaries, cfg)


def neighbours(cfg: HotspotConfig) -> hotspots.Neighbours:
    """Each grid's neighbours under the configured weights (queen, rook or distance band)."""
    return _neighbours(data.fetch("grid_boundaries"), cfg)
