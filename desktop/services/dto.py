"""Plain, immutable records that services hand to views, reports and the command line.

They mirror the interchange format (``docs/interchange.md``), so a record read from the
database, typed into the editor or parsed from a JSON file is the same kind of object. Views
build new ones with :func:`dataclasses.replace`; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.domain import (
    DEFAULT_MARKING,
    ActorRole,
    Confidence,
    GeoPrecision,
    Status,
    TimePrecision,
)

# The table's records live apart, so the window can show its first rows without the rest.
from desktop.services.listing import SORT_KEYS as SORT_KEYS
from desktop.services.listing import IncidentQuery as IncidentQuery
from desktop.services.listing import IncidentRow as IncidentRow
from desktop.services.listing import Moment as Moment  # noqa: TC001 - re-exported

if TYPE_CHECKING:
    from datetime import date, datetime


@dataclass(frozen=True)
class When:
    start: Moment
    end: Moment
    precision: TimePrecision = TimePrecision.DAY


@dataclass(frozen=True)
class Where:
    name: str = ""
    admin1: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, "" when not in any one country
    lat: float | None = None
    lon: float | None = None
    precision: int = GeoPrecision.REGION

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class Actor:
    name: str
    role: ActorRole = ActorRole.OTHER


@dataclass(frozen=True)
class Casualties:
    killed: int | None = None  # None: unknown
    injured: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Citation:
    """A source cited by an incident with the credibility of this piece of information.

    ``source`` is the source's slug. The ``source_*`` fields are filled in when read from the
    database, for display, and ignored when writing.
    """

    source: str
    credibility: int = 6
    url: str | None = None
    published: date | None = None
    retrieved: date | None = None
    language: str = ""
    excerpt: str = ""
    source_name: str = ""
    source_reliability: str = ""
    source_kind: str = ""


@dataclass(frozen=True)
class Audit:
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    deleted_at: datetime | None = None
    deleted_by: str | None = None


@dataclass(frozen=True)
class IncidentData:
    """One incident, complete. ``id`` (a UUID string) is None until it is first saved."""

    title: str
    when: When
    event_type: str
    sub_event_type: str
    summary: str = ""
    notes: str = ""
    where: Where = field(default_factory=Where)
    actors: tuple[Actor, ...] = ()
    casualties: Casualties = field(default_factory=Casualties)
    status: Status = Status.UNVERIFIED
    confidence: Confidence = Confidence.LOW
    likelihood: str | None = None
    tags: tuple[str, ...] = ()
    marking: str = DEFAULT_MARKING
    citations: tuple[Citation, ...] = ()
    id: str | None = None
    version: int | None = None  # the version read; a save is refused if it moved since
    audit: Audit | None = None


@dataclass(frozen=True)
class SourceData:
    """A source. ``id`` is its slug; blank for a new source (one is made from the name)."""

    name: str
    kind: str = "other"
    reliability: str = "F"
    url: str | None = None
    notes: str = ""
    id: str = ""
    version: int | None = None
    citation_count: int = 0
    incident_count: int = 0


@dataclass(frozen=True)
class Suggestion:
    """The status and confidence the citations support, and why, in words."""

    status: Status
    confidence: Confidence
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return " ".join(self.reasons)
