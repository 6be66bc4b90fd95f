"""Geography without drawing: country outlines, the map window, projection and map points.

No ReportLab and no Qt here: the SITREP's map (``desktop.reports.mapchart``) draws with it,
and a map view in the window can use the same outlines, window and projection. Grouping
incidents by place and merging markers by scale are in ``desktop.geo_clusters``, placing
their labels in ``desktop.placement``.

Coordinates are degrees (WGS84). Points are ``(lat, lon)`` pairs, as incidents store them;
outline rings are ``(lon, lat)`` pairs, as GeoJSON and Natural Earth store them (x, y).
Equirectangular projection with the cos(mid-latitude) correction: fine for the regional
windows a report shows, and it keeps lon/lat grid lines straight.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.domain import country_name as domain_country_name
from desktop.resources import resource_path

if TYPE_CHECKING:
    from collections.abc import Iterable

OUTLINES_FILE = ("geo", "countries-110m.json")
_SHORT_NAMES = {"CD": "DR Congo", "CG": "Congo", "KP": "North Korea", "KR": "South Korea"}

Ring = list[tuple[float, float]]  # (lon, lat) vertices, not repeated at the end


@dataclass(frozen=True)
class Bounds:
    """A lon/lat window: west <= east, south <= north (no wrapping at the antimeridian)."""

    west: float
    south: float
    east: float
    north: float

    @property
    def lon_span(self) -> float:
        return self.east - self.west

    @property
    def lat_span(self) -> float:
        return self.north - self.south

    @property
    def mid_lat(self) -> float:
        return (self.north + self.south) / 2

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def intersects(self, other: Bounds) -> bool:
        return not (
            other.east < self.west
            or other.west > self.east
            or other.north < self.south
            or other.south > self.north
        )


WORLD = Bounds(-180.0, -90.0, 180.0, 90.0)


@functools.cache
def load_outlines() -> dict[str, list[Ring]]:
    """Country outer rings keyed by ISO 3166-1 alpha-2 (read once, then cached).

    Besides ISO codes there are ``XK`` (Kosovo) and two areas Natural Earth draws without a
    code, keyed by name ("N. Cyprus", "Somaliland"); draw every value to get all the land.
    """
    data = json.loads(resource_path(*OUTLINES_FILE).read_text(encoding="utf-8"))
    return {
        key: [[(float(lon), float(lat)) for lon, lat in ring] for ring in rings]
        for key, rings in data["countries"].items()
    }


def ring_bounds(ring: Ring) -> Bounds:
    lons = [lon for lon, _ in ring]
    lats = [lat for _, lat in ring]
    return Bounds(min(lons), min(lats), max(lons), max(lats))


@functools.cache
def outline_bounds() -> dict[str, tuple[Bounds, ...]]:
    """The bounds of every outline ring, in the order of ``load_outlines()[key]``: computed
    once, since a map asks for them for every country it draws and every point it places."""
    return {key: tuple(ring_bounds(r) for r in rings) for key, rings in load_outlines().items()}


@functools.cache
def mainland(key: str) -> int:
    """The index of the largest ring of outline ``key`` (its mainland)."""
    rings = load_outlines()[key]
    return max(range(len(rings)), key=lambda n: ring_area(rings[n]))


def is_valid_point(lat: float | None, lon: float | None) -> bool:
    """Both coordinates present, finite and on the globe."""
    return (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


def bounds_for(
    points: Iterable[tuple[float, float]],
    padding: float = 0.15,
    min_span: float = 8.0,
    max_country_span: float = 25.0,
) -> Bounds:
    """A window around ``(lat, lon)`` points that shows their setting.

    The window takes in the points and, for each point on land, the landmass it is on if
    that is at most ``max_country_span`` degrees across (all of Iraq for a point in Iraq,
    not all of Russia); it then grows by ``padding`` (a fraction of its size) on every side
    and to at least ``min_span`` degrees each way, so the neighbours show too. It stays inside
    the world, shifted rather than cut at an edge. No located points: the whole world.
    """
    located = [(lat, lon) for lat, lon in points if is_valid_point(lat, lon)]
    if not located:
        return WORLD
    lats = [lat for lat, _ in located]
    lons = [lon for _, lon in located]
    for lat, lon in located:
        land = landmass_at(lat, lon)
        if land and max(land.lon_span, land.lat_span) <= max_country_span:
            lons += [land.west, land.east]
            lats += [land.south, land.north]
    box = Bounds(min(lons), min(lats), max(lons), max(lats))
    lon_span = max(box.lon_span * (1 + 2 * padding), min_span)
    lat_span = max(box.lat_span * (1 + 2 * padding), min_span)
    return _centred((box.west + box.east) / 2, (box.south + box.north) / 2, lon_span, lat_span)


def lon_scale(lat: float) -> float:
    """Length of a degree of longitude relative to one of latitude (kept off zero)."""
    return max(0.1, math.cos(math.radians(lat)))


def fit_aspect(bounds: Bounds, aspect: float) -> Bounds:
    """Widen ``bounds`` (never shrink) so that, drawn equirectangular with the cos(mid-lat)
    correction, width / height equals ``aspect``; stays inside the world."""
    scale = lon_scale(bounds.mid_lat)
    lon_span, lat_span = max(bounds.lon_span, 1e-6), max(bounds.lat_span, 1e-6)
    if lon_span * scale / lat_span < aspect:
        lon_span = lat_span * aspect / scale
    else:
        lat_span = lon_span * scale / aspect
    return _centred(
        (bounds.west + bounds.east) / 2, bounds.mid_lat, lon_span, lat_span, keep_aspect=True
    )


def _centred(
    lon: float, lat: float, lon_span: float, lat_span: float, keep_aspect: bool = False
) -> Bounds:
    """A window of the given spans around (lon, lat), moved back inside the world."""
    if keep_aspect and (lon_span > WORLD.lon_span or lat_span > WORLD.lat_span):
        shrink = max(lon_span / WORLD.lon_span, lat_span / WORLD.lat_span)
        lon_span, lat_span = lon_span / shrink, lat_span / shrink
    lon_span, lat_span = min(lon_span, WORLD.lon_span), min(lat_span, WORLD.lat_span)
    west = min(max(lon - lon_span / 2, WORLD.west), WORLD.east - lon_span)
    south = min(max(lat - lat_span / 2, WORLD.south), WORLD.north - lat_span)
    return Bounds(west, south, west + lon_span, south + lat_span)


def point_in_ring(lat: float, lon: float, ring: Ring) -> bool:
    """Even-odd ray casting; good enough for outlines at 1:110m."""
    inside = False
    j = len(ring) - 1
    for i, (x_i, y_i) in enumerate(ring):
        x_j, y_j = ring[j]
        if (y_i > lat) != (y_j > lat) and lon < (x_j - x_i) * (lat - y_i) / (y_j - y_i) + x_i:
            inside = not inside
        j = i
    return inside


def _ring_at(lat: float, lon: float) -> tuple[str, int] | None:
    """The outline key and the index of its ring holding the point."""
    boxes = outline_bounds()
    for key, rings in load_outlines().items():
        for n, (ring, box) in enumerate(zip(rings, boxes[key], strict=True)):
            if box.contains(lat, lon) and point_in_ring(lat, lon, ring):
                return key, n
    return None


def country_at(lat: float, lon: float) -> str | None:
    """The outline key whose land contains the point, if any (None at sea)."""
    found = _ring_at(lat, lon)
    return found[0] if found else None


def landmass_at(lat: float, lon: float) -> Bounds | None:
    """Bounds of the outline ring (a country's island or mainland) holding the point."""
    found = _ring_at(lat, lon)
    return outline_bounds()[found[0]][found[1]] if found else None


@dataclass(frozen=True)
class MapPoint:
    """An incident location. ``label`` should be a short number that the report's incident
    list repeats; ``colour`` is a key into the palette given to ``incident_map``."""

    lat: float | None
    lon: float | None
    label: str
    count: int = 1
    colour: str | None = None

    @property
    def located(self) -> bool:
        return is_valid_point(self.lat, self.lon)

    def position(self) -> tuple[float, float]:
        """(lat, lon) of a located point."""
        if self.lat is None or self.lon is None or not self.located:
            raise ValueError(f"point {self.label!r} has no usable coordinates")
        return self.lat, self.lon


class Projection:
    """Equirectangular lon/lat -> drawing points, centred in a box, same scale both ways."""

    def __init__(self, bounds: Bounds, x: float, y: float, width: float, height: float):
        self.cos = lon_scale(bounds.mid_lat)
        self.k = min(width / (bounds.lon_span * self.cos), height / bounds.lat_span)
        self.lon0 = (bounds.west + bounds.east) / 2
        self.lat0 = bounds.mid_lat
        self.cx, self.cy = x + width / 2, y + height / 2
        # What the box shows, which may be a little more than ``bounds`` on one axis.
        half_lon = width / 2 / (self.k * self.cos)
        half_lat = height / 2 / self.k
        self.extent = Bounds(
            self.lon0 - half_lon, self.lat0 - half_lat, self.lon0 + half_lon, self.lat0 + half_lat
        )

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.cx + (lon - self.lon0) * self.cos * self.k,
            self.cy + (lat - self.lat0) * self.k,
        )

    @property
    def km_per_point(self) -> float:
        return 111.32 / self.k  # along the mid-latitude, where the scale is true


def nice_step(span: float, target_lines: int) -> float:
    """A round grid or scale step giving about ``target_lines`` divisions of ``span``."""
    raw = span / target_lines
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def round_down(value: float) -> float:
    """The largest of 1, 2, 5 x 10^n not above ``value``."""
    magnitude = 10 ** math.floor(math.log10(value))
    return max(f * magnitude for f in (1, 2, 5) if f * magnitude <= value)


def degrees(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value > 0 else negative if value < 0 else ""
    return f"{abs(value):g}°{hemisphere}"


def label_point(ring: Ring) -> tuple[float, float]:
    """Area centroid of a ring (lon, lat): where a country's name goes."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return ring[0]
    return cx / (3 * area), cy / (3 * area)


def country_name(key: str) -> str:
    """Short English name for an outline key (ISO alpha-2, or a Natural Earth name)."""
    if key in _SHORT_NAMES:
        return _SHORT_NAMES[key]
    if len(key) != 2:  # Natural Earth names for places without an ISO code
        return key
    return domain_country_name(key).split(",")[0]


def shrink(bounds: Bounds, fraction: float) -> Bounds:
    dx, dy = bounds.lon_span * fraction, bounds.lat_span * fraction
    return Bounds(bounds.west + dx, bounds.south + dy, bounds.east - dx, bounds.north - dy)


def ring_area(ring: Ring) -> float:
    return abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
    )
