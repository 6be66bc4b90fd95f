"""The plain records of incidents and sources, as every layer exchanges them.

Immutable dataclasses with no database, Qt or file behind them: the services hand them to
views, reports and the command line, and the interchange formats (:mod:`desktop.formats`)
read and write them, which is why they live here rather than in the services (formats may
not import those, nor anything below them). ``desktop.services.dto`` re-exports them.

They mirror the interchange format (``docs/interchange.md``), so a record read from the
database, typed into the editor or parsed from a file is the same kind of object. Views build
new ones with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from desktop.domain import (
    DEFAULT_MARKING,
    ActorRole,
    Confidence,
    GeoPrecision,
    Status,
    TimePrecision,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import date, datetime

    from desktop.timetext import Moment

# The longest source id (a slug).
MAX_SLUG = 60


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


def slugify(name: str) -> str:
    """A short, stable, ASCII id from a name: ``U.S. Central Command`` → ``u-s-central-command``."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-") or "source"


class HistoryEntry(Protocol):
    """One entry of an incident's change history (``desktop.services.history.Change``)."""

    @property
    def at(self) -> datetime: ...  # aware, UTC
    @property
    def by(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def old(self) -> str | None: ...
    @property
    def new(self) -> str | None: ...


@dataclass(frozen=True)
class Document:
    """What a reader gives and a writer takes: sources and incidents, in order.

    ``histories`` (incident id → its changes, oldest first) is given to a writer when the
    history was asked for, None otherwise; readers leave it None.

    ``named_only`` holds the ids of sources the file names without describing them (a
    MISP link's site, a STIX identity with no grade): the import adds such a source when
    it is new but leaves a stored one of that id as it is, rather than reset its grade.
    """

    sources: tuple[SourceData, ...]
    incidents: tuple[IncidentData, ...]
    histories: Mapping[str, Sequence[HistoryEntry]] | None = None
    named_only: frozenset[str] = frozenset()
