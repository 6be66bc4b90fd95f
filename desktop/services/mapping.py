"""Copying between ORM rows and the plain records of ``dto.py``, and the time conventions."""

from __future__ import annotations

import getpass
import os
from dataclasses import replace
from datetime import UTC, datetime

from desktop.domain import (
    ActorRole,
    Confidence,
    Status,
    TimePrecision,
    normalise_marking,
)
from desktop.errors import ConflictError, StoreError
from desktop.services.dto import (
    Actor,
    Audit,
    Casualties,
    Citation,
    IncidentData,
    Moment,
    SourceData,
    When,
    Where,
)
from desktop.services.listing import TABLE_ROW_FIELDS, from_db_time
from desktop.store import models

USER_ENV_VAR = "INCIDENT_DESK_USER"


def current_user() -> str:
    """Who is acting: ``INCIDENT_DESK_USER`` if set, else the operating-system user."""
    explicit = os.environ.get(USER_ENV_VAR, "").strip()
    if explicit:
        return explicit[:120]
    try:
        return getpass.getuser()[:120]
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "unknown"


def utcnow() -> datetime:
    """Now, as the naive UTC value the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_db_time(moment: Moment) -> datetime:
    """A stored time: naive UTC, to the second (the search index orders by whole seconds,
    see desktop.store.fts5; nothing finer means anything in an incident's time)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        return moment.replace(microsecond=0) if moment.microsecond else moment
    return datetime(moment.year, moment.month, moment.day)


def as_aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def incident_to_data(row: models.Incident) -> IncidentData:
    precision = TimePrecision(row.time_precision)
    return IncidentData(
        id=row.uuid,
        version=row.version,
        title=row.title,
        summary=row.summary,
        notes=row.notes,
        when=When(
            start=from_db_time(row.start_at, precision),
            end=from_db_time(row.end_at, precision),
            precision=precision,
        ),
        where=Where(
            name=row.place_name,
            admin1=row.admin1,
            country=row.country,
            lat=row.lat,
            lon=row.lon,
            precision=row.geo_precision,
        ),
        event_type=row.event_type,
        sub_event_type=row.sub_event_type,
        actors=tuple(Actor(a.name, ActorRole(a.role)) for a in row.actors),
        casualties=Casualties(row.killed, row.injured, row.casualty_note),
        status=Status(row.status),
        confidence=Confidence(row.confidence),
        likelihood=row.likelihood,
        tags=tuple(t.tag for t in row.tags),
        marking=row.marking,
        citations=tuple(citation_to_data(c) for c in row.citations),
        audit=Audit(
            created_at=as_aware(row.created_at),
            created_by=row.created_by,
            updated_at=as_aware(row.updated_at),
            updated_by=row.updated_by,
            deleted_at=as_aware(row.deleted_at) if row.deleted_at else None,
            deleted_by=row.deleted_by,
        ),
    )


def citation_to_data(row: models.Citation) -> Citation:
    if row.source is None:
        # Only a damaged file gets here: the foreign key forbids it in any written one.
        raise StoreError(
            "The workspace is damaged: a citation refers to a source that is not there. "
            "Restore a backup (incident-desk restore), or export what still reads."
        )
    return Citation(
        source=row.source.slug,
        credibility=row.credibility,
        url=row.url,
        published=row.published,
        retrieved=row.retrieved,
        language=row.language,
        excerpt=row.excerpt,
        source_name=row.source.name,
        source_reliability=row.source.reliability,
        source_kind=row.source.kind,
    )


# What a table row reads (see listing.table_row), as plain columns rather than ORM entities:
# a page of 200 rows then costs a fraction of building, tracking and mapping 200 ``Incident``s.
TABLE_ROW_COLUMNS = tuple(getattr(models.Incident, field) for field in TABLE_ROW_FIELDS)


def apply_incident(
    row: models.Incident, data: IncidentData, sources: dict[str, models.Source]
) -> None:
    """Copy every field of ``data`` onto ``row``; ``sources`` maps each cited slug to its row."""
    row.title = data.title.strip()
    row.summary = data.summary
    row.notes = data.notes
    row.start_at = to_db_time(data.when.start)
    row.end_at = to_db_time(data.when.end)
    row.time_precision = str(data.when.precision)
    row.place_name = data.where.name.strip()
    row.admin1 = data.where.admin1.strip()
    row.country = data.where.country
    row.lat = data.where.lat
    row.lon = data.where.lon
    row.geo_precision = data.where.precision
    row.event_type = data.event_type
    row.sub_event_type = data.sub_event_type
    row.killed = data.casualties.killed
    row.injured = data.casualties.injured
    row.casualty_note = data.casualties.note
    row.status = str(data.status)
    row.confidence = str(data.confidence)
    row.likelihood = data.likelihood
    row.marking = normalise_marking(data.marking)
    row.actors = [
        models.IncidentActor(position=i, name=a.name.strip(), role=str(a.role))
        for i, a in enumerate(data.actors)
    ]
    row.tags = [models.IncidentTag(position=i, tag=t.strip()) for i, t in enumerate(data.tags)]
    row.citations = [
        models.Citation(
            position=i,
            source=sources[c.source],
            credibility=c.credibility,
            url=c.url or None,
            published=c.published,
            retrieved=c.retrieved,
            language=c.language,
            excerpt=c.excerpt,
        )
        for i, c in enumerate(data.citations)
    ]
    row.source_count = len({c.source for c in data.citations})


def as_stored(data: IncidentData) -> IncidentData:
    """``data`` as :func:`apply_incident` stores it (names trimmed, marking canonical, an
    empty URL none): what an import compares with the stored record, so a file differing
    only in what storage normalises away changes nothing and records no history."""
    return replace(
        data,
        title=data.title.strip(),
        where=replace(data.where, name=data.where.name.strip(), admin1=data.where.admin1.strip()),
        actors=tuple(replace(a, name=a.name.strip()) for a in data.actors),
        tags=tuple(t.strip() for t in data.tags),
        marking=normalise_marking(data.marking),
        citations=tuple(replace(c, url=c.url or None) for c in data.citations),
    )


def source_to_data(
    row: models.Source, citation_count: int = 0, incident_count: int = 0
) -> SourceData:
    return SourceData(
        id=row.slug,
        name=row.name,
        kind=row.kind,
        reliability=row.reliability,
        url=row.url,
        notes=row.notes,
        version=row.version,
        citation_count=citation_count,
        incident_count=incident_count,
    )


def stale_edit(
    label: str, row: models.Incident | models.Source, version: int | None
) -> ConflictError | None:
    """The error to raise when ``row`` moved on from the ``version`` the user opened."""
    if version is None or row.version == version:
        return None
    return ConflictError(
        f"{label} was changed by {row.updated_by} at {row.updated_at:%Y-%m-%d %H:%M} UTC "
        "since you opened it. Nothing was overwritten: reload it, then apply your changes again.",
        changed_by=row.updated_by,
        changed_at=row.updated_at.isoformat(),
    )
