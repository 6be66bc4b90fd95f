"""A period filter as a range of the incidents' start (SQLite): the map's and timeline's reads.

An incident is in the period when it starts by its last day and ends on or after its first:
an overlap test, which is not a range of any index, so the reads walked their whole index
(100,000 entries) even for a single day. No incident lasts longer than the longest stored
span, so every incident of the period also starts on or after (first day - longest span):
with that lower bound the start is a range, which the timeline's index (its day) and
``ix_incidents_live_period`` (start, end) can seek; the overlap test still decides.

The longest span is one walk of the incidents (live and trashed, so it bounds either), kept
(with how many are stored) per connection with what it was read from: the workspace's
``data_version`` (another connection's commit changes it) and the connection's
``total_changes()`` (its own writes do). Read in the same read transaction as the range it
bounds, before it; only the reads' own sessions, which write nothing, call it (a write
rolled back would leave it too short).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from desktop.store.models import Incident

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.elements import ColumnElement

    from desktop.services.listing import IncidentQuery

_KEPT = "desk_longest_span"  # the key in the connection's own info dictionary
_STATE = text("SELECT (SELECT data_version FROM pragma_data_version), total_changes()")
# Days, fractional (times of day): every incident's end minus its start, the largest.
_LONGEST = text("SELECT max(julianday(end_at) - julianday(start_at)), max(id) FROM incidents")
# The map reads a period's incidents by id (from ix_incidents_live_period) when the range
# holds at most this share of the stored incidents; walking its covering index costs less
# for more (a row read by id costs about 13 index entries walked; docs/performance.md).
LOOKUP_SHARE = 0.05


@dataclass(frozen=True)
class StartRange:
    """The days an incident of the period may start on: ``first`` (None: unbounded) to
    ``last`` (None: unbounded), both included."""

    first: date | None
    last: date | None


def _kept(session: Session) -> tuple[float, int]:
    """The longest any stored incident lasts, in days (0 when none is stored), and how many
    incidents were ever stored (the largest id): read once per change to the workspace."""
    connection = session.connection()
    state = tuple(session.execute(_STATE).one())
    kept = connection.info.get(_KEPT)
    if kept is not None and kept[0] == state:
        return float(kept[1][0]), int(kept[1][1])
    days, stored = session.execute(_LONGEST).one()
    facts = float(days or 0.0), int(stored or 0)
    connection.info[_KEPT] = (state, facts)
    return facts


def start_range(session: Session, query: IncidentQuery) -> StartRange | None:
    """The days the query's incidents may start on, or None (no period, or not SQLite)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    if query.since is None and query.until is None:
        return None
    first: date | None = None
    if query.since is not None:
        since = date(query.since.year, query.since.month, query.since.day)
        # A day more than the span's whole days: the bound is compared by day.
        slack = math.ceil(_kept(session)[0]) + 1
        first = since - timedelta(days=slack) if since.toordinal() > slack else date.min
    last: date | None = None
    until = query.until
    if until is not None and (until.year, until.month, until.day) < (9999, 12, 31):
        last = date(until.year, until.month, until.day)
    if first is None and last is None:
        return None
    return StartRange(first, last)


def few_enough(session: Session, query: IncidentQuery, starts: StartRange) -> bool:
    """Whether the incidents starting in ``starts`` (live or trashed, as the query) are at
    most :data:`LOOKUP_SHARE` of the stored ones (a range of an index)."""
    most = int(_kept(session)[1] * LOOKUP_SHARE)  # ids are not reused: as many as ever stored
    # Whether there is one more than that, not a count: a long period's range is most of
    # the index.
    beyond = select(Incident.id).where(*_starting(query, starts)).offset(most).limit(1)
    return session.scalar(beyond) is None


def period_ids(query: IncidentQuery, starts: StartRange) -> Select[Any]:
    """A select of the ids of the query's period (live or trashed, as the query), read
    from the range of ``ix_incidents_live_period``, the overlap test in that index."""
    stmt: Select[Any] = select(Incident.id).where(*_starting(query, starts))
    if query.since is not None:
        since = date(query.since.year, query.since.month, query.since.day)
        stmt = stmt.where(Incident.end_at >= _midnight(since))
    return stmt


def _starting(query: IncidentQuery, starts: StartRange) -> list[ColumnElement[bool]]:
    deleted = Incident.deleted_at.is_not(None) if query.deleted else Incident.deleted_at.is_(None)
    conditions: list[ColumnElement[bool]] = [deleted]
    if starts.first is not None:
        conditions.append(Incident.start_at >= _midnight(starts.first))
    if starts.last is not None:
        conditions.append(Incident.start_at < _midnight(starts.last + timedelta(days=1)))
    return conditions


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)
