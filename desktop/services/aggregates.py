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
returned apart from the days, with the first and last day they may fall on. When the timeline
shows weeks or months, SQL sums the days into those bins, and spreads each span over the
bins it may fall in, so a few hundred rows come back instead of thousands.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from sqlalchemy import func, literal_column, or_, select, text, union_all

from desktop.domain import TimePrecision
from desktop.services import period_range, search
from desktop.services.matched_ids import matched_ids
from desktop.services.timeline_bins import (
    BinKind,
    BinShare,
    bin_start,
    next_bin,
    spread_over_bins,
)
from desktop.store.models import Incident

if TYPE_CHECKING:
    from sqlalchemy import CTE, Select
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
    """By day (``bin`` "day": days and spans), or by week or month (``bin`` "week" or
    "month": each of ``days`` is a bin, named by its first day, and ``shares`` are the
    week- and month-precision incidents spread over the bins they may fall in)."""

    days: tuple[DayCount, ...]
    spans: tuple[SpanCount, ...]
    bin: BinKind = "day"
    shares: tuple[BinShare, ...] = ()

    @property
    def total(self) -> float:
        return (
            sum(d.incidents for d in self.days)
            + sum(s.incidents for s in self.spans)
            + sum(s.incidents for s in self.shares)
        )

    @property
    def event_types(self) -> set[str]:
        return (
            {d.event_type for d in self.days}
            | {s.event_type for s in self.spans}
            | {s.event_type for s in self.shares}
        )

    @property
    def extent(self) -> tuple[date, date] | None:
        """The first and last day any incident may fall on (None: no incidents); to the
        bin when counted by week or month."""
        firsts = [d.day for d in self.days] + [s.first for s in self.spans]
        lasts = [d.day for d in self.days] + [s.last for s in self.spans]
        if self.bin != "day":
            firsts += [s.start for s in self.shares]
            last = max(firsts, default=None)
            if last is None:
                return None
            return min(firsts), next_bin(last, self.bin) - timedelta(days=1)
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


def _aggregated(
    session: Session, query: IncidentQuery, stmt: Select[*tuple[Any, ...]]
) -> Select[*tuple[Any, ...]]:
    """``search.aggregated``, a common word's matches probed in the connection's table of
    them (``matched_ids``: filled once per search, not built again by each statement)."""
    expression = search.probed_words(session, query)
    matched = matched_ids(session, expression) if expression is not None else None
    if matched is None:
        return search.aggregated(session, query, stmt)
    stmt = search.aggregated(session, replace(query, text=""), stmt)
    return stmt.where(Incident.id.in_(matched))


def _words_kept(session: Session, query: IncidentQuery) -> bool:
    """Whether the query's words are probed in the connection's table of their matches
    (filled here if need be), not built again by each statement that reads them."""
    expression = search.probed_words(session, query)
    return expression is not None and matched_ids(session, expression) is not None


def map_counts(db: Database, query: IncidentQuery) -> MapCounts:
    """The filtered incidents by place (markers) and by country (shading)."""
    with db.begin() as session:
        return place_counts(session, query)


_TYPE_UNINDEXED: ColumnElement[str] = literal_column("+incidents.event_type")


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
    period = _few_of_period(session, query)
    if period is not None:
        # A short period's incidents read by id from the period's range (they are few),
        # rather than the whole index walked for its overlap test.
        stmt = stmt.join(period, period.c.id == Incident.id)
    types = query.event_types
    if types and session.get_bind().dialect.name == "sqlite":
        # As "+event_type": SQLite took "event_type = 'Protests'" for a reason to sort the
        # groups in a temporary B-tree rather than read them in the index's order.
        stmt = _aggregated(session, replace(query, event_types=()), stmt)
        stmt = stmt.where(_TYPE_UNINDEXED.in_(types))
    else:
        stmt = _aggregated(session, query, stmt)
    stmt = stmt.group_by(*stmt.selected_columns[:6])
    # By plain tuples: a place's rows come by type and status, thousands of rows at 100,000
    # for a few hundred places, each of which becomes a PlaceKey once, at the end.
    places: dict[tuple[str, str, str, int], _Tally] = {}
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
            key = (country, name or "", admin1 or "", int(precision))
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
                PlaceKey(*key),
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


def _few_of_period(session: Session, query: IncidentQuery) -> CTE | None:
    """The ids of the query's period as a materialised set, when few enough to read each by
    id, and no other set (a tag, a source, rare words) is read by id instead; else None."""
    starts = period_range.start_range(session, query)
    if starts is None or query.tags or query.source:
        return None
    if query.text.strip() and search.probed_words(session, query) is None:
        return None  # rare words: their matches are read by id (search.aggregated)
    if not period_range.few_enough(session, query, starts):
        return None
    ids = period_range.period_ids(query, starts).cte("period")
    return ids.prefix_with("MATERIALIZED")


def timeline_counts(db: Database, query: IncidentQuery, kind: BinKind = "day") -> TimelineCounts:
    """The filtered incidents by day and event type, week and month ones as spans; or (kind
    "week" or "month") by that bin, the spans spread over the bins."""
    with db.begin() as session:
        if kind == "day":
            return day_counts(session, query)
        if session.get_bind().dialect.name == "sqlite":
            return bin_counts(session, query, kind)
        return rebinned(day_counts(session, query), kind)


def _day(session: Session, column: ColumnElement[datetime]) -> ColumnElement[str]:
    """The calendar day of a stored time. On SQLite exactly the expression migration 0015
    indexes (times are stored as text there), so the grouping reads that index in order."""
    if session.get_bind().dialect.name == "sqlite":
        # Written into the SQL, not bound: SQLite matches an indexed expression only to the
        # same text, and with ``?, ?`` it computed every row's day and sorted them again.
        return func.substr(column, literal_column("1"), literal_column("10"))
    return func.date(column)


# Whether a time is a span, as migration 0015's index leads with it: 0 known to the day or
# the minute, 1 to the week, 2 to the month. Written into the SQL like the day (see _day).
_SPAN_KIND = "CASE incidents.time_precision WHEN 'week' THEN 1 WHEN 'month' THEN 2 ELSE 0 END"
_SPAN_PRECISION = {1: TimePrecision.WEEK, 2: TimePrecision.MONTH}


def _day_rows(session: Session, query: IncidentQuery) -> tuple[Select[*tuple[Any, ...]], ...]:
    """Rows of (kind, first day, event type, incidents, last end): the filtered incidents
    known to the day (kind 0) grouped by (day, event type), and the spans by (kind, day,
    event type) with their group's last end (a span reaches at least to it, never narrower).

    Two ranges of migration 0015's index, each in its order: the days without reading their
    ends, the spans a tenth of the incidents. A filter by a set of ids (words, tags, source)
    is built anew by each statement (the words' match is most of such a read): one walk then.
    """
    kind: ColumnElement[int] = literal_column(f"({_SPAN_KIND})")
    first_day = _day(session, Incident.start_at)  # type: ignore[arg-type]
    # A period: its incidents' days are a range of the index, after the kind (see
    # period_range), so each kind is sought with an equality (IN), not a walk.
    starts = period_range.start_range(session, query)
    started: list[ColumnElement[bool]] = []
    if starts is not None and starts.first is not None:
        started.append(first_day >= starts.first.isoformat())
    if starts is not None and starts.last is not None:
        started.append(first_day <= starts.last.isoformat())

    def grouped(k: ColumnElement[int], end: ColumnElement[Any]) -> Select[*tuple[Any, ...]]:
        stmt: Select[*tuple[Any, ...]] = select(
            k.label("k"),
            first_day.label("day"),
            Incident.event_type.label("t"),
            func.count().label("n"),
            end.label("e"),
        )
        return _aggregated(session, query, stmt).where(*started)

    last_day = func.max(_day(session, Incident.end_at))  # type: ignore[arg-type]
    if query.tags or query.source or (query.text.strip() and not _words_kept(session, query)):
        walk = grouped(kind, last_day)
        if started:
            walk = walk.where(kind.in_((0, 1, 2)))
        return (walk.group_by(kind, first_day, Incident.event_type),)
    days = grouped(literal_column("0"), literal_column("NULL")).where(kind == 0)
    spans = grouped(kind, last_day).where(kind.in_((1, 2)) if started else kind > 0)
    return (
        days.group_by(first_day, Incident.event_type),
        spans.group_by(kind, first_day, Incident.event_type),
    )


def day_counts(session: Session, query: IncidentQuery) -> TimelineCounts:
    days: list[DayCount] = []
    spans: list[SpanCount] = []
    parsed: dict[object, date] = {}  # the same few hundred days come again and again
    for stmt in _day_rows(session, query):
        for kind, first, event_type, n, last in session.execute(stmt):
            start = parsed.get(first) or parsed.setdefault(first, _as_date(first))
            if not kind:
                days.append(DayCount(start, event_type, n))
                continue
            precision = _SPAN_PRECISION[kind]
            first_day, last_day = span_of(start, _as_date(last), precision)
            spans.append(SpanCount(first_day, last_day, precision, event_type, n))
    days.sort()
    spans.sort(key=lambda s: (s.first, s.last, s.event_type))
    return TimelineCounts(tuple(days), tuple(spans))


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


# --- the timeline by week or month, in SQL (SQLite) ----------------------------------
# Julian day numbers: whole days, and JDN % 7 == 0 on a Monday, so JDN / 7 names a week.
_JDN = "CAST(julianday({}) + 0.5 AS INTEGER)"
_JDN_OF_ORDINAL_1 = 1721426  # date(1, 1, 1).toordinal() is 1
# Per kind: the bin's key of a day (text), the last day (JDN) of the bin of ``fs``, the first
# day (JDN) of the bin of ``ls``.
_BIN_SQL: dict[str, tuple[str, str, str]] = {
    "week": (
        _JDN + " / 7",
        f"({_JDN.format('fs')} / 7) * 7 + 6",
        f"({_JDN.format('ls')} / 7) * 7",
    ),
    # julianday() takes the modifiers itself: a date() call less a span (fs, ls are days).
    "month": (
        "substr({}, 1, 7)",
        _JDN.format("fs, 'start of month', '+1 month', '-1 day'"),
        _JDN.format("ls, 'start of month'"),
    ),
}


def _bin_date(key: object, kind: BinKind) -> date:
    if kind == "week":
        return date.fromordinal(int(key) * 7 - _JDN_OF_ORDINAL_1 + 1)  # type: ignore[call-overload]
    return date.fromisoformat(f"{key}-01")


def bin_counts(session: Session, query: IncidentQuery, kind: BinKind) -> TimelineCounts:
    """By week or month, summed in SQL over the day rows (which SQLite reads in index order).

    A span's share of each bin it may fall in is its days there over its length; summed per
    (first bin, last bin, type) as the first bin's share, the last bin's and 1/length, from
    which each bin between gets its days times 1/length: exact, with a row per group."""
    key, first_end, last_start = _BIN_SQL[kind]
    arms = _day_rows(session, query)
    if len(arms) == 1:  # one walk, read twice below: SQLite keeps its rows for the second
        rows = arms[0].cte("g")
        days = select(*rows.c).where(rows.c.k == 0).subquery("d")
        spans_in = select(*rows.c).where(rows.c.k > 0).subquery("v")
    else:
        days, spans_in = arms[0].subquery("d"), arms[1].subquery("v")
    null: ColumnElement[Any] = literal_column("NULL")
    by_bin: Select[*tuple[Any, ...]] = select(
        literal_column(key.format("day")).label("bf"),
        null.label("bl"),
        days.c.t,
        func.sum(days.c.n),
        null,
        null,
        null,
    ).group_by(text("bf"), days.c.t)
    # The first and last day each span may fall on (span_of, in SQL).
    ends: Select[*tuple[Any, ...]] = select(
        literal_column("t"),
        literal_column("n"),
        literal_column("CASE WHEN k = 2 THEN date(day, 'start of month') ELSE day END").label("fs"),
        literal_column(
            "CASE WHEN k = 2 THEN date(e, 'start of month', '+1 month', '-1 day') "
            "ELSE max(e, date(day, '+6 days')) END"
        ).label("ls"),
    ).select_from(spans_in)
    # LIMIT -1 (no limit) keeps SQLite from flattening these into the sums below: flattened,
    # each use of a column computed its date functions again (six uses of ``l`` a row).
    spans = ends.limit(-1).subquery("s")
    located: Select[*tuple[Any, ...]] = select(
        literal_column("t"),
        literal_column("n"),
        literal_column(_JDN.format("fs")).label("f"),
        literal_column(_JDN.format("ls")).label("l"),
        literal_column(key.format("fs")).label("bf"),
        literal_column(key.format("ls")).label("bl"),
        literal_column(first_end).label("fe"),
        literal_column(last_start).label("lb"),
    ).select_from(spans)
    stmt = (
        select(
            literal_column("bf"),
            literal_column("bl"),
            literal_column("t"),
            func.sum(literal_column("n")),
            func.sum(text("n * (min(l, fe) - f + 1) * 1.0 / (l - f + 1)")),
            func.sum(text("n * (l - max(f, lb) + 1) * 1.0 / (l - f + 1)")),
            func.sum(text("n * 1.0 / (l - f + 1)")),
        )
        .select_from(located.limit(-1).subquery("c"))
        .group_by(text("bf, bl, t"))
    )
    shares: dict[tuple[date, str], float] = {}

    def share(start: date, event_type: str, n: float) -> None:
        shares[start, event_type] = shares.get((start, event_type), 0.0) + n

    solid: list[DayCount] = []
    for first, last, event_type, n, in_first, in_last, per_day in session.execute(
        union_all(by_bin, stmt)
    ):
        start = _bin_date(first, kind)
        if last is None:  # incidents known to the day, summed into their bin
            solid.append(DayCount(start, event_type, n))
            continue
        end = _bin_date(last, kind)
        if end == start:
            share(start, event_type, n)
            continue
        share(start, event_type, in_first)
        share(end, event_type, in_last)
        middle = next_bin(start, kind)
        while middle < end:  # whole bins: each day there holds 1/length of each span
            after = next_bin(middle, kind)
            share(middle, event_type, (after - middle).days * per_day)
            middle = after
    return _binned_counts(kind, solid, shares)


def rebinned(counts: TimelineCounts, kind: BinKind) -> TimelineCounts:
    """Day counts summed into weeks or months in Python (databases other than SQLite)."""
    solid: dict[tuple[date, str], int] = {}
    for day in counts.days:
        at = bin_start(day.day, kind), day.event_type
        solid[at] = solid.get(at, 0) + day.incidents
    shares: dict[tuple[date, str], float] = {}
    for span in counts.spans:
        for start, n in spread_over_bins(span.first, span.last, span.incidents, kind):
            shares[start, span.event_type] = shares.get((start, span.event_type), 0.0) + n
    return _binned_counts(kind, [DayCount(d, t, n) for (d, t), n in solid.items()], shares)


def _binned_counts(
    kind: BinKind, solid: list[DayCount], shares: dict[tuple[date, str], float]
) -> TimelineCounts:
    return TimelineCounts(
        tuple(sorted(solid)),
        (),
        kind,
        tuple(BinShare(start, t, n) for (start, t), n in sorted(shares.items()) if n > 1e-9),
    )


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
