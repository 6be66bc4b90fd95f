"""What the incident table lists and what it asks for: :class:`IncidentRow`, :class:`IncidentQuery`.

Kept apart from the other records of ``dto.py`` (which re-exports them) because the window
needs only these two to paint its first rows, and every dataclass costs its share of the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.domain import Confidence, Status, TimePrecision

# A point or window in time: a ``date`` for day/week/month precision, an aware UTC
# ``datetime`` for exact precision.
Moment = date | datetime


@dataclass(frozen=True)
class IncidentRow:
    """What the incident table shows: one line, cheap to read by the hundred."""

    id: str
    start: Moment
    end: Moment
    precision: TimePrecision
    title: str
    place: str
    country: str
    event_type: str
    sub_event_type: str
    status: Status
    confidence: Confidence
    source_count: int
    marking: str
    killed: int | None
    injured: int | None
    deleted_at: datetime | None = None


SORT_KEYS: tuple[str, ...] = (
    "when",
    "title",
    "place",
    "type",
    "status",
    "confidence",
    "sources",
    "marking",
    "relevance",
)


@dataclass(frozen=True)
class IncidentQuery:
    """What the analyst asked to see. Empty tuples mean "any"."""

    text: str = ""
    since: date | None = None
    until: date | None = None
    event_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    confidences: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    markings: tuple[str, ...] = ()
    source: str | None = None  # only incidents citing this source slug
    deleted: bool = False  # True: the trash instead of the live incidents
    sort: str = "when"
    descending: bool = True

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.text.strip(),
                self.since,
                self.until,
                self.event_types,
                self.countries,
                self.statuses,
                self.confidences,
                self.tags,
                self.markings,
                self.source,
            )
        )
