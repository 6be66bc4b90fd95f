"""Places on a map: incidents grouped by place, and places merged where markers would overlap.

Plain Python (no Qt, no ReportLab), for the SITREP's map and a map view in the window alike:

- :func:`group_places` makes one :class:`PlaceCluster` per place: incidents at identical
  coordinates, or with the same place name and country within about a kilometre (two
  reports of "al-Asad airbase" a few hundred metres apart are one place; two different names
  at the same spot are too, since one marker cannot be drawn twice there).
- :func:`merge_overlapping` merges the places whose markers would overlap at a scale
  (kilometres per pixel or per point), the largest place keeping its name and position;
  :func:`merge_projected` does so through a map's own projection.
- :func:`split_outliers` sets apart the few places far from where most incidents are, so
  that a map can fit the rest and show those in an inset.

Coordinates are degrees (WGS84). Places across the antimeridian are not joined unless their
coordinates are identical: no incident table holds many of them.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
KM_PER_DEGREE = 111.32  # of latitude, and of longitude at the equator (as geography uses)
SAME_PLACE_KM = 1.0


@dataclass(frozen=True)
class Located:
    """One incident's place, as the clustering needs it."""

    incident_id: str
    lat: float
    lon: float
    name: str = ""
    country: str = ""
    precision: int = 3  # ACLED geo-precision: 1 exact, 2 near, 3 province or larger


@dataclass(frozen=True)
class PlaceCluster:
    """One marker's worth of incidents.

    ``precisions`` counts the incidents by geo-precision: (exact, near, province or larger),
    so a view can tell a place known exactly from one known to a province.
    """

    name: str
    country: str
    lat: float
    lon: float
    count: int
    precisions: tuple[int, int, int]
    incident_ids: tuple[str, ...]
    places: int = 1  # the places merged into this marker, itself included

    @property
    def exact(self) -> bool:
        """Whether every incident here is placed exactly (a solid dot, not a ring)."""
        return self.precisions[1] == self.precisions[2] == 0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Sets:
    """Union-find over indices, the smaller index the root (so input order decides ties)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def group_places(points: Sequence[Located], same_km: float = SAME_PLACE_KM) -> list[PlaceCluster]:
    """One cluster per place, the largest first (ties: the first met in ``points``)."""
    sets = _Sets(len(points))
    spot: dict[tuple[float, float], int] = {}
    named: dict[tuple[str, str], list[int]] = {}
    for i, p in enumerate(points):
        first = spot.setdefault((p.lat, p.lon), i)
        if first != i:
            sets.join(first, i)
        if p.name.strip():
            named.setdefault((_name_key(p.name), p.country.upper()), []).append(i)
    for members in named.values():
        _join_near(points, members, same_km, sets)
    groups: dict[int, list[int]] = {}
    for i in range(len(points)):
        groups.setdefault(sets.find(i), []).append(i)
    clusters = [_cluster([points[i] for i in members]) for members in groups.values()]
    clusters.sort(key=lambda c: -c.count)  # stable: first met first among equals
    return clusters


def _join_near(points: Sequence[Located], members: list[int], km: float, sets: _Sets) -> None:
    """Join the members within ``km`` of each other, through a grid of cells ``km`` wide.

    Two points within ``km`` lie in the same or neighbouring cells: a cell is ``km`` of
    latitude high and, at the group's farthest latitude from the equator, ``km`` wide.
    """
    if len(members) < 2:
        return
    step_lat = km / KM_PER_DEGREE
    widest = max(abs(points[i].lat) for i in members)
    step_lon = step_lat / max(math.cos(math.radians(min(widest, 89.0))), 1e-6)
    cells: dict[tuple[int, int], list[int]] = {}
    for i in members:
        p = points[i]
        row, col = math.floor(p.lat / step_lat), math.floor(p.lon / step_lon)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for j in cells.get((row + dr, col + dc), ()):
                    # Most of a busy place's reports are joined after the first few: a root
                    # compared is much cheaper than a distance measured.
                    if sets.find(j) == sets.find(i):
                        continue
                    q = points[j]
                    if distance_km(p.lat, p.lon, q.lat, q.lon) <= km:
                        sets.join(i, j)
        cells.setdefault((row, col), []).append(i)


def _cluster(members: Sequence[Located]) -> PlaceCluster:
    """The members' most frequent name and country (ties: the first), their mean position."""
    names = Counter(p.name for p in members if p.name.strip())
    countries = Counter(p.country for p in members if p.country)
    precisions = Counter(min(max(p.precision, 1), 3) for p in members)
    return PlaceCluster(
        name=names.most_common(1)[0][0] if names else "",
        country=countries.most_common(1)[0][0] if countries else "",
        lat=sum(p.lat for p in members) / len(members),
        lon=sum(p.lon for p in members) / len(members),
        count=len(members),
        precisions=(precisions[1], precisions[2], precisions[3]),
        incident_ids=tuple(p.incident_id for p in members),
    )


# ------------------------------------------------------------------------ merging by scale


def merge_overlapping(
    clusters: Iterable[PlaceCluster],
    km_per_pixel: float,
    radius: Callable[[int], float] | float,
    gap: float = 0.0,
) -> list[PlaceCluster]:
    """Merge the clusters whose markers would overlap at this scale, the largest first.

    ``radius`` is a marker's radius in pixels, or a function of its count (a marker that
    grows with its count, as the SITREP's do). Markers overlap when their centres are closer
    than their radii and ``gap`` together. A merged cluster keeps the largest's name, country
    and position, and adds the counts, precisions and incident ids; merging repeats until no
    two markers overlap, since a merged marker may have grown into another.
    """
    if km_per_pixel <= 0:
        raise ValueError(f"km_per_pixel must be positive, not {km_per_pixel}")
    current = list(clusters)
    if not current:
        return []
    # One equirectangular projection for all, as the maps draw (cos of the middle latitude).
    middle = (max(c.lat for c in current) + min(c.lat for c in current)) / 2
    scale = KM_PER_DEGREE / km_per_pixel
    squeeze = math.cos(math.radians(middle))

    def project(lon: float, lat: float) -> tuple[float, float]:
        return lon * squeeze * scale, lat * scale

    return merge_projected(current, project, radius, gap)


def merge_projected(
    clusters: Iterable[PlaceCluster],
    project: Callable[[float, float], tuple[float, float]],
    radius: Callable[[int], float] | float,
    gap: float = 0.0,
) -> list[PlaceCluster]:
    """:func:`merge_overlapping` with the map's own ``project`` (lon, lat) → (x, y), so that
    markers are merged exactly where they would be drawn over each other."""
    size = radius if callable(radius) else _constant(float(radius))
    current = sorted(clusters, key=lambda c: -c.count)

    def at(c: PlaceCluster) -> tuple[float, float]:
        return project(c.lon, c.lat)

    while True:
        merged = _merge_pass(current, at, size, gap)
        if len(merged) == len(current):
            return merged
        current = sorted(merged, key=lambda c: -c.count)


def _constant(value: float) -> Callable[[int], float]:
    return lambda _count: value


def _merge_pass(
    clusters: list[PlaceCluster],
    at: Callable[[PlaceCluster], tuple[float, float]],
    size: Callable[[int], float],
    gap: float,
) -> list[PlaceCluster]:
    """One greedy pass: each cluster joins the largest kept one it overlaps, or is kept.

    The kept markers sit in a grid of cells as wide as the largest marker can be, so each
    cluster is compared with the kept ones in its own and the neighbouring cells only.
    """
    reach = 2 * size(sum(c.count for c in clusters)) + gap
    cell = max(reach, 1e-9)
    kept: list[list[PlaceCluster]] = []  # each: the keeper first, then what it absorbed
    where: dict[tuple[int, int], list[int]] = {}
    for c in clusters:
        x, y = at(c)
        col, row = math.floor(x / cell), math.floor(y / cell)
        host = None
        for dc in (-1, 0, 1):
            for dr in (-1, 0, 1):
                for k in where.get((col + dc, row + dr), ()):
                    keeper = kept[k][0]
                    kx, ky = at(keeper)
                    grown = sum(m.count for m in kept[k])
                    if math.hypot(x - kx, y - ky) < size(grown) + size(c.count) + gap and (
                        host is None or k < host
                    ):
                        host = k
        if host is None:
            where.setdefault((col, row), []).append(len(kept))
            kept.append([c])
        else:
            kept[host].append(c)
    return [_absorb(group) for group in kept]


def _absorb(group: list[PlaceCluster]) -> PlaceCluster:
    keeper = group[0]
    if len(group) == 1:
        return keeper
    exact, near, region = (sum(c.precisions[i] for c in group) for i in range(3))
    return PlaceCluster(
        name=keeper.name,
        country=keeper.country,
        lat=keeper.lat,
        lon=keeper.lon,
        count=sum(c.count for c in group),
        precisions=(exact, near, region),
        incident_ids=tuple(i for c in group for i in c.incident_ids),
        places=sum(c.places for c in group),
    )


# ------------------------------------------------------------------------------ outliers

FAR_KM = 1500.0  # a place is an outlier only this far from the others' middle, or farther
MAX_OUTLIER_SHARE = 0.25  # more than this far away is no outlier: the incidents are spread


def split_outliers(
    clusters: Sequence[PlaceCluster],
) -> tuple[list[PlaceCluster], list[PlaceCluster]]:
    """(core, outliers): places far from where most incidents are — farther than
    ``FAR_KM`` and than three times the distance within which three quarters of the
    incidents lie — when they hold at most a quarter of the incidents. A map fits the
    core and shows the outliers in an inset, so one incident on another continent does not
    shrink the rest to a dot."""
    if len(clusters) < 2:
        return list(clusters), []
    weights = [c.count for c in clusters]
    lat = _weighted_median([c.lat for c in clusters], weights)
    lon = _weighted_median([c.lon for c in clusters], weights)
    far = [distance_km(lat, lon, c.lat, c.lon) for c in clusters]
    running, spread = 0, 0.0
    for i in sorted(range(len(clusters)), key=lambda i: far[i]):
        running += clusters[i].count
        spread = far[i]
        if running >= 0.75 * sum(weights):
            break
    limit = max(FAR_KM, 3 * spread)
    outliers = [c for c, d in zip(clusters, far, strict=True) if d > limit]
    if sum(c.count for c in outliers) > MAX_OUTLIER_SHARE * sum(weights):
        return list(clusters), []
    return [c for c, d in zip(clusters, far, strict=True) if d <= limit], outliers


def _weighted_median(values: Sequence[float], weights: Sequence[int]) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    half, running = sum(weights) / 2, 0
    for value, weight in pairs:
        running += weight
        if running >= half:
            return value
    return pairs[-1][0]
