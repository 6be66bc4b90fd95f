"""The map's arithmetic without a widget: where the view looks, and the markers it shows.

:class:`MapViewport` turns lon/lat into pixels and back (equirectangular, with the cos of
the centre's latitude, as ``desktop.geography`` projects the report's map), pans and zooms.
:func:`cluster` merges the places whose markers would overlap at the current zoom into one
marker, sized by its count on a log scale, so 100,000 incidents in forty towns read as
forty markers and a region zoomed out as a few. Tested without Qt widgets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop import geography
from desktop.geography import WORLD, Bounds

if TYPE_CHECKING:
    from collections.abc import Iterable

    from desktop.services.aggregates import ColourBy, PlaceCount, PlaceKey

MIN_RADIUS = 6.0
MAX_RADIUS = 34.0
MIN_ZOOM = 1.0  # pixels per degree: the world in a small window
MAX_ZOOM = 4000.0  # a few hundred metres across a window
# Markers closer than this share of their radii merge into one.
OVERLAP = 0.9


def marker_radius(count: int) -> float:
    """Grows with the log of the count: one incident is a dot, 10,000 not a continent."""
    return min(MAX_RADIUS, MIN_RADIUS + 6.0 * math.log10(max(count, 1)))


@dataclass
class MapViewport:
    """What the map shows: a centre (lon, lat), a zoom (pixels per degree of latitude) and
    the widget's size. y grows downwards, as on screen."""

    width: float
    height: float
    lon: float = 0.0
    lat: float = 20.0
    zoom: float = 3.0

    @property
    def cos(self) -> float:
        return geography.lon_scale(self.lat)

    def to_screen(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.width / 2 + (lon - self.lon) * self.cos * self.zoom,
            self.height / 2 - (lat - self.lat) * self.zoom,
        )

    def to_geo(self, x: float, y: float) -> tuple[float, float]:
        """(lon, lat) under a pixel, kept on the globe."""
        lon = self.lon + (x - self.width / 2) / (self.cos * self.zoom)
        lat = self.lat - (y - self.height / 2) / self.zoom
        return max(-180.0, min(180.0, lon)), max(-90.0, min(90.0, lat))

    @property
    def bounds(self) -> Bounds:
        west, north = self.to_geo(0, 0)
        east, south = self.to_geo(self.width, self.height)
        return Bounds(west, south, east, north)

    def show(self, bounds: Bounds) -> None:
        """Centre on ``bounds`` and zoom so that all of it is in view."""
        self.lon = (bounds.west + bounds.east) / 2
        self.lat = bounds.mid_lat
        span_x = max(bounds.lon_span * self.cos, 1e-6)
        span_y = max(bounds.lat_span, 1e-6)
        self.zoom = _clamp(min(self.width / span_x, self.height / span_y))

    def zoom_at(self, factor: float, x: float | None = None, y: float | None = None) -> None:
        """Zoom by ``factor`` keeping the point under (x, y) (default: the centre) in place."""
        x = self.width / 2 if x is None else x
        y = self.height / 2 if y is None else y
        lon, lat = self.to_geo(x, y)
        self.zoom = _clamp(self.zoom * factor)
        self.lat = _clamp_lat(lat + (y - self.height / 2) / self.zoom)
        self.lon = _clamp_lon(lon - (x - self.width / 2) / (self.cos * self.zoom))

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by a number of pixels (a drag: the map follows the mouse)."""
        self.lon = _clamp_lon(self.lon - dx / (self.cos * self.zoom))
        self.lat = _clamp_lat(self.lat + dy / self.zoom)


def _clamp(zoom: float) -> float:
    return max(MIN_ZOOM, min(MAX_ZOOM, zoom))


def _clamp_lat(lat: float) -> float:
    return max(WORLD.south, min(WORLD.north, lat))


def _clamp_lon(lon: float) -> float:
    return max(WORLD.west, min(WORLD.east, lon))


@dataclass
class Marker:
    """One marker: one place, or several close at this zoom."""

    x: float
    y: float
    places: list[PlaceCount] = field(default_factory=list)
    # Kept as places join (add): clustering asks each marker's radius for every place.
    total: int = field(init=False)

    def __post_init__(self) -> None:
        self.total = sum(p.total for p in self.places)

    def add(self, place: PlaceCount, total: int) -> None:
        """``place`` joins it; ``total`` is the place's (summed once by the caller)."""
        self.places.append(place)
        self.total += total

    @property
    def exact(self) -> int:
        """How many of its incidents are located exactly (the solid part)."""
        from desktop.services.aggregates import POINT

        return sum(p.total for p in self.places if p.key.precision == POINT)

    @property
    def radius(self) -> float:
        return marker_radius(self.total)

    @property
    def keys(self) -> tuple[PlaceKey, ...]:
        return tuple(p.key for p in self.places)

    def counts(self, colour_by: ColourBy) -> list[tuple[str, int]]:
        """Its incidents by category, largest first."""
        summed: dict[str, int] = {}
        for place in self.places:
            for category, n in place.counts(colour_by):
                summed[category] = summed.get(category, 0) + n
        return sorted(summed.items(), key=lambda c: (-c[1], c[0]))

    def names(self) -> list[str]:
        """Its places' names, the busiest first, each once."""
        ordered = sorted(self.places, key=lambda p: -p.total)
        return list(dict.fromkeys(place_name(p.key) for p in ordered))

    def contains(self, x: float, y: float) -> bool:
        return math.hypot(x - self.x, y - self.y) <= self.radius + 2


def place_name(key: PlaceKey) -> str:
    parts = [part for part in (key.name, key.admin1, geography.country_name(key.country)) if part]
    return ", ".join(dict.fromkeys(parts)) if parts else "(unnamed place)"


def cluster(places: Iterable[PlaceCount], viewport: MapViewport) -> list[Marker]:
    """Markers for ``places`` at this zoom: overlapping ones merged, the busiest drawn last.

    Greedy, busiest first: each place joins the first marker it would overlap, else starts
    its own, which stays where its busiest place is. A few hundred places take a millisecond.
    """
    markers: list[Marker] = []
    margin = MAX_RADIUS
    # Each total summed once: a place's is a sum over its breakdown.
    for total, place in sorted(((p.total, p) for p in places), key=lambda tp: -tp[0]):
        x, y = viewport.to_screen(place.lon, place.lat)
        if not (
            -margin <= x <= viewport.width + margin and -margin <= y <= viewport.height + margin
        ):
            continue
        radius = marker_radius(total)
        for marker in markers:
            if math.hypot(marker.x - x, marker.y - y) < (marker.radius + radius) * OVERLAP:
                marker.add(place, total)
                break
        else:
            markers.append(Marker(x, y, [place]))
    markers.sort(key=lambda m: m.total)  # small ones first, so the big ones are on top
    return markers


def marker_at(markers: list[Marker], x: float, y: float) -> Marker | None:
    """The topmost marker under a pixel."""
    for marker in reversed(markers):
        if marker.contains(x, y):
            return marker
    return None


def box_area(
    viewport: MapViewport, x0: float, y0: float, x1: float, y1: float
) -> tuple[float, float, float, float]:
    """A dragged rectangle as a lon/lat box (west, south, east, north), rounded to 4 places."""
    lon0, lat0 = viewport.to_geo(x0, y0)
    lon1, lat1 = viewport.to_geo(x1, y1)
    west, east = sorted((lon0, lon1))
    south, north = sorted((lat0, lat1))
    return round(west, 4), round(south, 4), round(east, 4), round(north, 4)
