"""What each importable table holds: its key, required columns and the kind of every column.

This is the one fixed mapping the importer builds SQL identifiers from (never user text).
"""
from __future__ import annotations

TABLES = ("cases", "petitions", "grids", "boundaries")

KEY = {"cases": "case_id", "petitions": "petition_id", "grids": "grid_id", "boundaries": "boundary_id"}
REQUIRED = {
    "cases": ("case_id", "received_at"),
    "petitions": ("petition_id", "received_at"),
    "grids": ("grid_id",),
    "boundaries": ("boundary_id",),
}

# Kinds: id (trimmed text, full-width folded), text (short text), free (long free text: HTML
# residue stripped, phone and ID numbers masked), time, lon, lat, int, bool, enum (mapped through
# the profile's word map onto ENUMS), hash (keyed hash of personal data), geometry (GeoJSON).
COLUMNS: dict[str, dict[str, str]] = {
    "cases": {
        "case_id": "id", "received_at": "time", "channel": "enum", "category": "text",
        "subcategory": "text", "description": "free", "address": "free", "lon": "lon", "lat": "lat",
        "grid_id": "id", "handling_unit": "text", "handling_level": "enum", "dispatched_at": "time",
        "responded_at": "time", "deadline_at": "time", "closed_at": "time", "status": "enum",
        "contacted": "bool", "resolved": "bool", "satisfaction": "enum", "is_repeat": "bool",
        "excluded": "bool", "caller_key": "hash",
    },
    "petitions": {
        "petition_id": "id", "received_at": "time", "accepted_at": "time", "deadline_at": "time",
        "closed_at": "time", "form": "enum", "category": "text", "grid_id": "id", "persons": "int",
        "is_repeat": "bool", "is_skip_level": "bool", "is_collective": "bool", "status": "enum",
        "satisfaction": "enum", "petitioner_key": "hash",
    },
    "grids": {
        "grid_id": "id", "grid_name": "text", "community_name": "text", "street_name": "text",
        "grid_type": "enum", "households": "int", "population": "int", "full_time_staff": "int",
        "part_time_staff": "int", "volunteers": "int", "has_party_branch": "bool",
        "leader_is_party_member": "bool", "centroid_lon": "lon", "centroid_lat": "lat",
        "boundary": "geometry",
    },
    "boundaries": {
        "boundary_id": "id", "level": "enum", "name": "text", "parent_name": "text",
        "centroid_lon": "lon", "centroid_lat": "lat", "boundary": "geometry",
    },
}

ENUMS: dict[str, tuple[str, ...]] = {
    "channel": ("hotline", "app", "patrol", "visit", "other"),
    "handling_level": ("grid", "community", "street", "district"),
    "status": ("pending", "in_progress", "closed", "cancelled"),
    "satisfaction": ("satisfied", "basically_satisfied", "dissatisfied"),
    "form": ("letter", "visit", "online"),
    "grid_type": ("urban", "rural", "special"),
    "level": ("district", "street", "community", "grid"),
}

# Words every profile understands for yes/no columns (the profile may add its own).
BOOLEAN_WORDS: dict[str, bool] = {
    "是": True, "否": False, "有": True, "无": False, "已": True, "未": False, "y": True, "n": False,
    "yes": True, "no": False, "true": True, "false": False, "t": True, "f": False, "1": True, "0": False,
    "√": True, "×": False, "已解决": True, "未解决": False, "已联系": True, "未联系": False,
    "重复": True, "不重复": False, "建立": True, "未建立": False, "已建立": True, "党员": True, "非党员": False,
}

POINT = {"cases": ("lon", "lat"), "grids": ("centroid_lon", "centroid_lat"),
         "boundaries": ("centroid_lon", "centroid_lat")}

LINEAGE = ("source_file", "source_row", "imported_at")


def columns(table: str) -> dict[str, str]:
    if table not in COLUMNS:
        raise ValueError(f"unknown table {table!r}; one of {', '.join(TABLES)}")
    return COLUMNS[table]
