"""Counts for the map and the timeline: incidents by place and by day, grouped in SQL.

The map and the timeline show the table's filtered set without loading it: a filter change
reads a few hundred rows of counts (places x categories, days x event types) whatever the
number of incidents. Every function returns plain, frozen dataclasses for the views.

Where an incident goes on the map follows its place's precision (docs/interchange.md):

* a located point known exactly (``geo_precision`` 1) is a solid marker at its place;
* a located point that is near or part of a region (2) is a ring at its place;
* a province or larger (3), or a place without coordinates, shades its country.

Places are grouped by name, province and country; a place's marker sits at the mean of its
incidents' coordinates, so the same town typed with slightly different coordinates is one
marker. Incidents known to the week or the month are spans on the timeline: they are
returned apart from the days, with the first and last day they may fall on.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from sqlalchemy import func, or_, select

from desktop.domain import TimePrecision
from desktop.services import search
from desktop.store.models import Incident

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.elements import ColumnElement

    from desktop.services.listing import IncidentQuery
    from desktop.store.engine import Database

# What a map marker's colours stand for: the event type or the information status.
ColourBy = Literal["event_type", "status"]
COLOUR_BY: tuple[ColourBy, ...] = ("event_type", "status")
POINT, NEAR, AREA = 1, 2, 3  # a place's precision on the map (the store's geo_precision)
# How many incidents a marker's click selects at most: the table shows its own loaded rows.
PLACE_IDS_LIMIT = 2000
Counts = tuple[tuple[str, int], ...]  # (category, count), largest first


@dataclass(frozen=True)
class PlaceKey:
    """Which place a marker stands for: what the map hands back on a click."""

    country: str
    name: str
    admin1: str
    precision: int  # POINT or NEAR


class _Breakdown:
    """Counts by event type and by status, as the map colours them (either switch)."""

    event_types: Counts
    statuses: Counts

    @property
    def total(self) -> int:
        return sum(n for _, n in self.event_types)

    def counts(self, colour_by: ColourBy) -> Counts:
        return self.event_types if colour_by == "event_type" else self.statuses


@dataclass(frozen=True)
class PlaceCount(_Breakdown):
    """The incidents at one place, by event type and by status (each largest first)."""

    key: PlaceKey
    lat: float
    lon: float
    event_types: Counts
    statuses: Counts


@dataclass(frozen=True)
class CountryCount(_Breakdown):
    """Incidents located only to a province or a country (or not located), by country."""

    country: str
    event_types: Counts
    statuses: Counts


@dataclass(frozen=True)
class MapCounts:
    places: tuple[PlaceCount, ...]
    countries: tuple[CountryCount, ...]

    @property
    def total(self) -> int:
        return sum(p.total for p in self.places) + sum(c.total for c in self.countries)


class DayCount(NamedTuple):
    """Incidents known to the day (or the minute) starting on ``day``, of one event type.

    Named tuples here: a timeline of years has thousands, made faster than dataclasses."""

    day: date
    event_type: str
    incidents: int


class SpanCount(NamedTuple):
    """Incidents known only to the week or the month: they fall somewhere in first..last."""

    first: date
    last: date
    precision: TimePrecision
    event_type: str
    incidents: int


@dataclass(frozen=True)
class TimelineCounts:
    days: tuple[DayCount, ...]
    spans: tuple[SpanCount, ...]

    @property
    def total(self) -> int:
        return sum(d.incidents for d in self.days) + sum(s.incidents for s in self.spans)

    @property
    def extent(self) -> tuple[date, date] | None:
        """The first and last day any incident may fall on (None: no incidents)."""
        firsts = [d.day for d in self.days] + [s.first for s in self.spans]
        lasts = [d.day for d in self.days] + [s.last for s in self.spans]
        return (min(firsts), max(lasts)) if firsts else None


class _Tally:
    """Counts by category, summed as the grouped rows arrive."""

    def __init__(self) -> None:
        self.types: dict[str, int] = {}
        self.statuses: dict[str, int] = {}
        self.lat = self.lon = 0.0
        self.located = 0

    def add(self, event_type: str, status: str, n: int) -> None:
        self.types[event_type] = self.types.get(event_type, 0) + n
        self.statuses[status] = self.statuses.get(status, 0) + n

    def sorted(self, counts: dict[str, int]) -> Counts:
        return tuple(sorted(counts.items(), key=lambda c: (-c[1], c[0])))


def map_counts(db: Database, query: IncidentQuery) -> MapCounts:
    """The filtered incidents by place (markers) and by country (shading)."""
    with db.begin() as session:
        return place_counts(session, query)


def place_counts(session: Session, query: IncidentQuery) -> MapCounts:
    """Grouped by the stored columns alone, in the order of the index migration 0013 adds, so
    SQLite reads that index from end to end without sorting (docs/performance.md); which of a
    group's incidents have coordinates is counted, and their sums give the place's mean."""
    stmt: Select[*tuple[Any, ...]] = select(
        Incident.country,
        Incident.place_name,
        Incident.admin1,
        Incident.geo_precision,
        Incident.event_type,
        Incident.status,
        func.count(),
        func.count(Incident.lat),
        func.sum(Incident.lat),
        func.sum(Incident.lon),
    )
    stmt = search.filtered(session, query, stmt, ranked=False)
    stmt = stmt.group_by(*stmt.selected_columns[:6])
    places: dict[PlaceKey, _Tally] = {}
    countries: dict[str, _Tally] = {}
    for (
        country,
        name,
        admin1,
        precision,
        event_type,
        status,
        n,
        located,
        lat,
        lon,
    ) in session.execute(stmt):
        country = country or ""
        if precision < AREA and located:
            key = PlaceKey(country, name or "", admin1 or "", int(precision))
            tally = places.get(key) or places.setdefault(key, _Tally())
            tally.add(event_type, status, located)
            tally.located += located
            tally.lat += float(lat)
            tally.lon += float(lon)
        unplaced = n - located if precision < AREA else n
        if unplaced:
            tally = countries.get(country) or countries.setdefault(country, _Tally())
            tally.add(event_type, status, unplaced)
    return MapCounts(
        tuple(
            PlaceCount(
                key,
                t.lat / t.located,
                t.lon / t.located,
                t.sorted(t.types),
                t.sorted(t.statuses),
            )
            for key, t in places.items()
        ),
        tuple(
            CountryCount(country, t.sorted(t.types), t.sorted(t.statuses))
            for country, t in countries.items()
        ),
    )


def timeline_counts(db: Database, query: IncidentQuery) -> TimelineCounts:
    """The filtered incidents by day and event type; week and month ones as spans."""
    with db.begin() as session:
        return day_counts(session, query)


def _day(session: Session, column: ColumnElement[datetime]) -> ColumnElement[str]:
    """The calendar day of a stored time. On SQLite exactly the expression migration 0013
    indexes (times are stored as text there), so the grouping reads that index in order."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 10)
    return func.date(column)


def day_counts(session: Session, query: IncidentQuery) -> TimelineCounts:
    first_day = _day(session, Incident.start_at)  # type: ignore[arg-type]
    # A week's or month's span reaches at least to its group's last end: never narrower.
    stmt: Select[*tuple[Any, ...]] = select(
        first_day,
        Incident.time_precision,
        Incident.event_type,
        func.count(),
        func.max(_day(session, Incident.end_at)),  # type: ignore[arg-type]
    )
    stmt = search.filtered(session, query, stmt, ranked=False)
    stmt = stmt.group_by(first_day, Incident.time_precision, Incident.event_type)
    days: dict[tuple[date, str], int] = {}
    spans: list[SpanCount] = []
    vague = (TimePrecision.WEEK.value, TimePrecision.MONTH.value)
    parsed: dict[object, date] = {}  # the same few hundred days come again and again
    for first, precision, event_type, n, last in session.execute(stmt):
        start = parsed.get(first) or parsed.setdefault(first, _as_date(first))
        if precision in vague:
            kind = TimePrecision(precision)
            spans.append(SpanCount(*span_of(start, _as_date(last), kind), kind, event_type, n))
        else:
            days[start, event_type] = days.get((start, event_type), 0) + n
    spans.sort(key=lambda s: (s.first, s.last, s.event_type))
    return TimelineCounts(
        tuple(DayCount(day, kind, n) for (day, kind), n in sorted(days.items())),
        tuple(spans),
    )


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def span_of(start: date, end: date, precision: TimePrecision) -> tuple[date, date]:
    """The days an incident known to the week or month may fall on (as phrases words them):
    the week from its start day to the week of its end; the months of its start and end."""
    if precision == TimePrecision.WEEK:
        return start, max(end, start + timedelta(days=6))
    if precision == TimePrecision.MONTH:
        last = calendar.monthrange(end.year, end.month)[1]
        return start.replace(day=1), end.replace(day=last)
    return start, end


def place_incidents(
    db: Database, query: IncidentQuery, places: tuple[PlaceKey, ...], limit: int = PLACE_IDS_LIMIT
) -> tuple[str, ...]:
    """The ids of the filtered incidents at these places, newest first (a marker's click)."""
    if not places:
        return ()
    with db.begin() as session:
        matches = [
            (Incident.country == key.country)
            & (Incident.place_name == key.name)
            & (Incident.admin1 == key.admin1)
            & (Incident.geo_precision == key.precision)
            & Incident.lat.is_not(None)
            for key in places
        ]
        stmt = select(Incident.uuid).where(or_(*matches))
        stmt = search.filtered(session, query, stmt, ranked=False)
        stmt = stmt.order_by(Incident.start_at.desc(), Incident.id.desc()).limit(limit)
        return tuple(session.scalars(stmt))
