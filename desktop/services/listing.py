"""What the incident table lists and what it asks for: :class:`IncidentRow`, :class:`IncidentQuery`.

Kept apart from the other records of ``dto.py`` (which re-exports them) because the window
needs only these two to paint its first rows, and every dataclass costs its share of the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from desktop import phrases
from desktop.domain import (
    CONFIDENCE_MEANING,
    STATUS_MEANING,
    Confidence,
    Status,
    TimePrecision,
    country_name,
)
from desktop.store import peek
from desktop.timetext import Moment as Moment  # noqa: TC001 - re-exported by dto

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


class IncidentRow(NamedTuple):
    """What the incident table shows: one line, cheap to read by the hundred.

    A named tuple rather than a frozen dataclass: as immutable, and made in a third of the
    time (a frozen dataclass sets each of its 16 fields through ``object.__setattr__``), which
    is most of what a page of 200 search results costs beyond reading it.
    """

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


def _when_tip(row: IncidentRow) -> str:
    return phrases.span_short(row.start, row.end, row.precision)


@dataclass(frozen=True)
class Column:
    """One column of the incident table, as plain data: the Qt model and the window read
    it, and its ``key`` is the sort key the search sorts by in SQL (services/search.py)."""

    key: str  # the sort key (IncidentQuery.sort)
    title: str  # the header
    text: Callable[[IncidentRow], str]  # what a cell shows
    tip: Callable[[IncidentRow], str] | None = None  # its tooltip, if any
    # The widest text the column usually shows, measured for its width; a stretching column
    # takes what the others leave, and this is its share before the extra is spread.
    sample: str = ""
    stretch: bool = False
    grows: bool = False  # takes a share of the extra width too (views/partials/column_spread)
    align_right: bool = False
    sortable: bool = True  # False: the search cannot sort by it (its key is no sort key)
    # On a table too narrow for Title, the columns hidden for it by default, 1 first (the
    # least read); 0: never hidden so (views/partials/column_fit.py).
    drop: int = 0


COLUMNS: tuple[Column, ...] = (
    Column(
        "when",
        "When",
        lambda row: phrases.when_short(row.start, row.precision),
        _when_tip,
        sample="2023-10-17 15:55Z",
    ),
    Column(
        "title",
        "Title",
        lambda row: row.title,
        lambda row: row.title,
        sample="Drone attack on al-Asad",
        stretch=True,
    ),
    Column("place", "Place", lambda row: row.place, sample="al-Asad airbase", grows=True, drop=6),
    Column(
        "type",
        "Type",
        lambda row: row.sub_event_type,
        lambda row: row.event_type,
        sample="Air/drone strike",
        grows=True,
        drop=5,
    ),
    Column(
        "status",
        "Status",
        lambda row: phrases.status_word(row.status),
        lambda row: STATUS_MEANING[row.status],
        sample="Unverified",
        drop=4,
    ),
    Column(
        "confidence",
        "Confidence",
        lambda row: phrases.confidence_word(row.confidence),
        lambda row: CONFIDENCE_MEANING[row.confidence],
        sample="Confidence",
        drop=2,
    ),
    Column(
        "sources",
        "Sources",
        lambda row: str(row.source_count),
        sample="Sources",
        align_right=True,
        drop=1,
    ),
    Column("marking", "Marking", lambda row: row.marking, sample="TLP:AMBER+STRICT", drop=3),
)

# Every order a query may ask for: each column's, and the full-text search's relevance.
SORT_KEYS: tuple[str, ...] = (*(c.key for c in COLUMNS if c.sortable), "relevance")


def column_index(key: str, columns: Sequence[Column] = COLUMNS) -> int:
    """The position of the column ``key`` among ``columns``, or -1 (e.g. ``relevance``)."""
    for position, column in enumerate(columns):
        if column.key == key:
            return position
    return -1


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
    # Only incidents located in this lon/lat box (west, south, east, north): the map's box.
    area: tuple[float, float, float, float] | None = None
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
                self.area,
            )
        )


# The columns a table row is read from, in the order :func:`table_row` takes them: no
# summary or notes, which are most of an incident's bytes. Defined with the store's own read
# of them (the first rows, before the services load), which may not import the services.
TABLE_ROW_FIELDS = peek.ROW_COLUMNS
# A page of the table: what scrolling reads at a time (the model's default, the services').
PAGE_SIZE = 200
# Enum lookups by value, without the enum's own call machinery (once per cell otherwise).
_PRECISIONS: dict[str, TimePrecision] = {p.value: p for p in TimePrecision}
_STATUSES: dict[str, Status] = {s.value: s for s in Status}
_CONFIDENCES: dict[str, Confidence] = {c.value: c for c in Confidence}


def table_row(values: Sequence[Any]) -> IncidentRow:
    """A table row from the stored values of :data:`TABLE_ROW_FIELDS`, in that order.

    Times are the naive UTC ``datetime`` values the database keeps.
    """
    (
        uuid,
        start_at,
        end_at,
        precision_value,
        title,
        place_name,
        admin1,
        country,
        event_type,
        sub_event_type,
        status,
        confidence,
        source_count,
        marking,
        killed,
        injured,
        deleted_at,
    ) = values
    precision = _PRECISIONS.get(precision_value) or TimePrecision(precision_value)
    # Positional, in the fields' order: keywords cost a dict per row.
    return IncidentRow(
        uuid,
        from_db_time(start_at, precision),
        from_db_time(end_at, precision),
        precision,
        title,
        _place_label(place_name, admin1, country),
        country,
        event_type,
        sub_event_type,
        _STATUSES.get(status) or Status(status),
        _CONFIDENCES.get(confidence) or Confidence(confidence),
        source_count,
        marking,
        killed,
        injured,
        deleted_at.replace(tzinfo=UTC) if deleted_at else None,
    )


def from_db_time(value: datetime, precision: str) -> Moment:
    """A stored (naive UTC) time as a record holds it: aware when exact, else its day."""
    if precision == TimePrecision.EXACT:
        return value.replace(tzinfo=UTC)
    return value.date()


def place_label(name: str, admin1: str, country: str) -> str:
    """``al-Asad airbase, Anbar, Iraq`` — the parts that are known."""
    parts = [part for part in (name, admin1, country_name(country)) if part]
    return ", ".join(dict.fromkeys(parts))  # drop repeats such as "Iraq, Iraq"


# A table shows the same few thousand places again and again.
_place_label = lru_cache(maxsize=8192)(place_label)
