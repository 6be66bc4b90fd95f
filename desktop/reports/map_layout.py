"""What the SITREP's map shows, and where, as data: places, shaded countries, clusters,
labels, the extent and its outliers. ``mapchart.py`` only draws what this module decides.

Written in the reports layer because the place clustering and label placement planned for
``desktop/geography.py`` had not landed when the map needed them; they need no ReportLab
beyond its font metrics, and move there unchanged once geography holds its own.

Positions in points are drawing coordinates (y up); geography is in degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop import geography as geo
from desktop.domain import GeoPrecision

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from desktop.records import IncidentData

NAME_LIMIT = 28  # characters of a place's name on the map; the incident list has it whole
FAR_KM = 1500.0  # a point is an outlier only this far from the others' middle, or farther
MAX_OUTLIER_SHARE = 0.25  # more than this far away is no outlier: the report is spread out


@dataclass(frozen=True)
class MapPlace:
    """One place with the incidents located at it (exact or approximately)."""

    name: str
    lat: float
    lon: float
    count: int
    exact: bool  # every incident there is placed exactly (solid dot), else a ring


@dataclass(frozen=True)
class MapArea:
    """A country holding incidents placed only to it or one of its provinces: shaded."""

    key: str  # outline key (ISO alpha-2)
    name: str
    count: int


@dataclass(frozen=True)
class MapData:
    places: tuple[MapPlace, ...]
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
    """Places (one per named place, exact or near) and shaded countries (incidents placed
    only to a country or province) of ``incidents``."""
    places: dict[tuple[str, str], list[tuple[float, float, bool, str]]] = {}
    areas: dict[str, int] = {}
    shown = 0
    for incident in incidents:
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
                shown += 1
            continue
        name = short_name(where.name) or short_name(where.admin1)
        # One place per name in a country; unnamed points by their rounded position.
        group = (
            (where.country, name.casefold()) if name else ("", f"{where.lat:.2f},{where.lon:.2f}")
        )
        exact = where.precision == GeoPrecision.EXACT
        places.setdefault(group, []).append((lat, lon, exact, name))
        shown += 1
    place_list = [
        MapPlace(
            name=members[0][3] or f"{members[0][0]:.2f}, {members[0][1]:.2f}",
            lat=sum(m[0] for m in members) / len(members),
            lon=sum(m[1] for m in members) / len(members),
            count=len(members),
            exact=all(m[2] for m in members),
        )
        for members in places.values()
    ]
    place_list.sort(key=lambda p: (-p.count, p.name.casefold()))
    area_list = sorted(
        (MapArea(key, geo.country_name(key), n) for key, n in areas.items()),
        key=lambda a: (-a.count, a.name),
    )
    return MapData(tuple(place_list), tuple(area_list), len(incidents), shown)


# ------------------------------------------------------------------------- the extent


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _weighted_median(values: Sequence[float], weights: Sequence[int]) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    half, running = sum(weights) / 2, 0
    for value, weight in pairs:
        running += weight
        if running >= half:
            return value
    return pairs[-1][0]


def split_outliers(places: Sequence[MapPlace]) -> tuple[list[MapPlace], list[MapPlace]]:
    """(core, outliers): places far from where most incidents are — farther than
    ``FAR_KM`` and than three times the distance within which three quarters of the
    incidents lie — when they hold at most a quarter of the incidents. The map fits the
    core; an inset shows the outliers, so one incident on another continent does not
    shrink the rest to a dot."""
    if len(places) < 2:
        return list(places), []
    weights = [p.count for p in places]
    middle = (
        _weighted_median([p.lat for p in places], weights),
        _weighted_median([p.lon for p in places], weights),
    )
    far = [distance_km(middle, (p.lat, p.lon)) for p in places]
    order = sorted(range(len(places)), key=lambda i: far[i])
    running, spread = 0, 0.0
    for i in order:
        running += places[i].count
        spread = far[i]
        if running >= 0.75 * sum(weights):
            break
    limit = max(FAR_KM, 3 * spread)
    outliers = [p for p, d in zip(places, far, strict=True) if d > limit]
    if sum(p.count for p in outliers) > MAX_OUTLIER_SHARE * sum(weights):
        return list(places), []
    return [p for p, d in zip(places, far, strict=True) if d <= limit], outliers


# ------------------------------------------------------------------ markers and labels


@dataclass(frozen=True)
class Marker:
    """A place (or places merged because their markers would overlap) in points."""

    x: float
    y: float
    r: float
    name: str
    count: int
    exact: bool
    merged: int = 0  # places merged into this one

    @property
    def label(self) -> str:
        more = f" +{self.merged}" if self.merged else ""
        return f"{self.name}{more} ({self.count:,})"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return not (
            self.x + self.w <= other.x
            or other.x + other.w <= self.x
            or self.y + self.h <= other.y
            or other.y + other.h <= self.y
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.x + self.w <= other.x + other.w
            and self.y + self.h <= other.y + other.h
        )

    def hits_circle(self, x: float, y: float, r: float) -> bool:
        nx = min(max(x, self.x), self.x + self.w)
        ny = min(max(y, self.y), self.y + self.h)
        return (nx - x) ** 2 + (ny - y) ** 2 < r * r


def marker_radius(count: int) -> float:
    """Circle area grows with the count; capped so one busy place cannot hide the map."""
    return min(14.0, 3.2 * math.sqrt(max(1, count)))


def cluster(
    places: Sequence[MapPlace], project: Callable[[float, float], tuple[float, float]]
) -> list[Marker]:
    """One marker per place, except that a place whose marker would overlap a bigger one's
    joins it (counted in ``merged``, the biggest place's name kept). Biggest first."""
    markers: list[Marker] = []
    for place in sorted(places, key=lambda p: (-p.count, p.name.casefold())):
        x, y = project(place.lon, place.lat)
        r = marker_radius(place.count)
        for n, m in enumerate(markers):
            if math.hypot(m.x - x, m.y - y) < m.r + r:
                count = m.count + place.count
                markers[n] = replace(
                    m,
                    r=marker_radius(count),
                    count=count,
                    exact=m.exact and place.exact,
                    merged=m.merged + 1,
                )
                break
        else:
            markers.append(Marker(x, y, r, place.name, place.count, place.exact))
    return markers


@dataclass(frozen=True)
class Label:
    marker: int  # index into the markers
    text: str
    box: Box


# Where a label may go, tried in this order: right, left, above, below, then the diagonals.
_SPOTS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def place_labels(
    markers: Sequence[Marker],
    frame: Box,
    reserved: Sequence[Box] = (),
    font: str = "Helvetica",
    size: float = 6.5,
) -> tuple[list[Label], list[int]]:
    """Labels beside their markers, biggest place first, each in the first spot around its
    marker where it stays inside ``frame`` and clear of every marker, every label already
    placed and the ``reserved`` boxes (legend, inset, scale). (labels, markers left
    unlabelled): a label that finds no spot is dropped, never printed over another."""
    placed: list[Label] = []
    dropped: list[int] = []
    h = size + 2
    for n in sorted(range(len(markers)), key=lambda i: -markers[i].count):
        m = markers[n]
        w = stringWidth(m.label, font, size) + 3
        gap = m.r + 2
        for dx, dy in _SPOTS:
            x = m.x + dx * gap - (w if dx < 0 else w / 2 if dx == 0 else 0)
            y = m.y + dy * gap - (h if dy < 0 else h / 2 if dy == 0 else 0)
            if dx and dy:  # diagonals: pull in towards the marker's corner
                x -= dx * m.r * 0.3
                y -= dy * m.r * 0.3
            box = Box(x, y, w, h)
            if (
                box.inside(frame)
                and not any(box.overlaps(b) for b in reserved)
                and not any(box.overlaps(label.box) for label in placed)
                and not any(box.hits_circle(o.x, o.y, o.r) for o in markers)
            ):
                placed.append(Label(n, m.label, box))
                break
        else:
            dropped.append(n)
    return placed, dropped


def corners(frame: Box, w: float, h: float, margin: float = 4.0) -> list[Box]:
    """The four ``w`` x ``h`` boxes in ``frame``'s corners: top right, top left, bottom
    right, bottom left."""
    left, right = frame.x + margin, frame.x + frame.w - margin - w
    bottom, top = frame.y + margin, frame.y + frame.h - margin - h
    return [
        Box(right, top, w, h),
        Box(left, top, w, h),
        Box(right, bottom, w, h),
        Box(left, bottom, w, h),
    ]


def emptiest(boxes: Sequence[Box], markers: Sequence[Marker], taken: Sequence[Box] = ()) -> Box:
    """The box covering the fewest markers (the first on a tie) that no ``taken`` box
    overlaps, so a legend or an inset hides as little as it can."""
    free = [b for b in boxes if not any(b.overlaps(t) for t in taken)] or list(boxes)
    return min(free, key=lambda b: sum(b.hits_circle(m.x, m.y, m.r + 2) for m in markers))
