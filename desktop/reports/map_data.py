"""What the SITREP's map shows, as data: places and shaded countries. Where they go (merging
overlapping markers, outliers for the inset, labels) is decided with the shared
``desktop.geo_clusters`` and ``desktop.placement`` as ``mapchart.py`` draws.

Geography is in degrees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from desktop import geography as geo
from desktop.domain import GeoPrecision
from desktop.geo_clusters import Located, PlaceCluster, group_places

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.records import IncidentData

NAME_LIMIT = 28  # characters of a place's name on the map; the incident list has it whole


@dataclass(frozen=True)
class MapArea:
    """A country holding incidents placed only to it or one of its provinces: shaded."""

    key: str  # outline key (ISO alpha-2)
    name: str
    count: int


@dataclass(frozen=True)
class MapData:
    places: tuple[PlaceCluster, ...]  # named by short_name, the most incidents first
    areas: tuple[MapArea, ...]
    incidents: int  # in the report
    shown: int  # of them on the map (as a place or as a shaded country)

    @property
    def note(self) -> str:
        """The line under the map."""
        if self.shown == self.incidents:
            return f"Map: all {self.incidents} incidents shown."
        return (
            f"Map: {self.shown} of {self.incidents} incidents shown; the others have no "
            "known location."
        )


def short_name(name: str) -> str:
    """The part of a place's name a map label needs: before a comma or parenthesis
    ("al-Harir airbase (قاعدة حرير), near a village" → "al-Harir airbase"), at most
    ``NAME_LIMIT`` characters."""
    flat = " ".join(name.split())
    for mark in (" (", ",", "("):
        cut = flat.find(mark)
        if cut > 0:
            flat = flat[:cut]
    flat = flat.strip()
    return flat if len(flat) <= NAME_LIMIT else flat[: NAME_LIMIT - 1].rstrip() + "…"


def map_data(incidents: Sequence[IncidentData]) -> MapData:
    """Places (one per place, exact or near: ``geo_clusters.group_places``) and shaded
    countries (incidents placed only to a country or province) of ``incidents``."""
    located: list[Located] = []
    areas: dict[str, int] = {}
    for n, incident in enumerate(incidents):
        where = incident.where
        lat, lon = where.lat, where.lon
        if lat is None or lon is None or not geo.is_valid_point(lat, lon):
            lat = lon = None
        if where.precision >= GeoPrecision.REGION or lat is None or lon is None:
            key = where.country or (
                geo.country_at(lat, lon) if lat is not None and lon is not None else None
            )
            if key and key in geo.load_outlines():
                areas[key] = areas.get(key, 0) + 1
            continue
        name = short_name(where.name) or short_name(where.admin1)
        located.append(Located(str(n), lat, lon, name, where.country, where.precision))
    places = [
        c if c.name else replace(c, name=f"{c.lat:.2f}, {c.lon:.2f}") for c in group_places(located)
    ]
    places.sort(key=lambda p: (-p.count, p.name.casefold()))
    area_list = sorted(
        (MapArea(key, geo.country_name(key), n) for key, n in areas.items()),
        key=lambda a: (-a.count, a.name),
    )
    shown = len(located) + sum(areas.values())
    return MapData(tuple(places), tuple(area_list), len(incidents), shown)
