"""The drill-down path (district → street → community → grid): where a page is looking, as data.

A Scope names at most one street, one community in it and one grid in that; its `child` is the
level a page lists below it. Names come from the grid register (queries/grid_places.sql), so a
path read from a URL is checked against it and cut back at the first place that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

LEVELS = ("district", "street", "community", "grid")
CHILD = {"district": "street", "street": "community", "community": "grid", "grid": None}


@dataclass(frozen=True)
class Scope:
    street: str | None = None
    community: str | None = None
    grid: str | None = None  # grid_id

    @property
    def level(self) -> str:
        if self.grid:
            return "grid"
        if self.community:
            return "community"
        return "street" if self.street else "district"

    @property
    def child(self) -> str | None:
        """The place level a page lists inside this scope (None inside a grid: its cases)."""
        return CHILD[self.level]

    def params(self) -> dict[str, list[str]]:
        """The scope as the $streets, $communities and $grids parameters of the queries."""
        return {
            "streets": [self.street] if self.street else [],
            "communities": [self.community] if self.community else [],
            "grids": [self.grid] if self.grid else [],
        }

    def down(self, unit: str) -> "Scope":
        """The scope one level down, into `unit` (a street, community or grid_id)."""
        child = self.child
        if child is None:
            raise ValueError("a grid has no places below it")
        return Scope(**{**self.__dict__, child: unit})

    def up_to(self, level: str) -> "Scope":
        """The scope cut back to `level` (district, street or community)."""
        keep = LEVELS[1:LEVELS.index(level) + 1]
        return Scope(**{k: v for k, v in self.__dict__.items() if k in keep})


def checked(scope: Scope, places: pl.DataFrame) -> Scope:
    """The scope cut back at the first name the grid register does not hold below its parent."""
    if not scope.street or scope.street not in set(places["street_name"].to_list()):
        return Scope()
    in_street = places.filter(pl.col("street_name") == scope.street)
    if not scope.community or scope.community not in set(in_street["community_name"].to_list()):
        return Scope(scope.street)
    in_community = in_street.filter(pl.col("community_name") == scope.community)
    if not scope.grid or scope.grid not in set(in_community["grid_id"].to_list()):
        return Scope(scope.street, scope.community)
    return scope


def grid_name(places: pl.DataFrame, grid_id: str) -> str:
    names = places.filter(pl.col("grid_id") == grid_id)["grid_name"].to_list()
    return (names[0] or grid_id) if names else grid_id


def _inside(places: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    for column, value in (("street_name", scope.street), ("community_name", scope.community),
                          ("grid_id", scope.grid)):
        if value:
            places = places.filter(pl.col(column) == value)
    return places


def places_in(places: pl.DataFrame, scope: Scope, level: str) -> pl.DataFrame:
    """Every place of `level` (street, community, grid) inside the scope: unit, unit_name, parent, population."""
    key, name, parent = {"street": ("street_name", "street_name", None),
                         "community": ("community_name", "community_name", "street_name"),
                         "grid": ("grid_id", "grid_name", "community_name")}[level]
    by = [key, parent] if parent else [key]
    return _inside(places, scope).group_by(by, maintain_order=True).agg(
        pl.col(name).first().alias("unit_name"),
        pl.col("population").sum().cast(pl.Int64),
    ).rename({key: "unit", **({parent: "parent"} if parent else {})}).with_columns(
        pl.col("parent") if parent else pl.lit(None, dtype=pl.String).alias("parent")
    ).select("unit", "unit_name", "parent", "population")


def join_keys(level: str) -> list[str]:
    """A place is its name under its parent (two streets may each have a 新村社区); a street, its name."""
    return ["unit"] if level == "street" else ["unit", "parent"]


def on_register(counts: pl.DataFrame, places: pl.DataFrame, scope: Scope, level: str) -> pl.DataFrame:
    """Counts per place (unit, unit_name, parent, counts…) set on every place of the register inside
    the scope, with its population: a place with nothing counted gets nulls; a counted place the
    register lacks (or no place at all) keeps its row, without population."""
    keys = join_keys(level)
    register = places_in(places, scope, level)
    extra = ["unit_name"] + ([] if "parent" in keys else ["parent"])
    known = register.join(counts.drop(extra), on=keys, how="left")
    rest = counts.join(register.select(keys), on=keys, how="anti").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("population"))
    return pl.concat([known, rest.select(known.columns)], how="vertical_relaxed")


def scope_population(places: pl.DataFrame, scope: Scope) -> int:
    """Residents of the scope's grids."""
    return int(_inside(places, scope)["population"].sum() or 0)
