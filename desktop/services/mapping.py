"""Copying between ORM rows and the plain records of ``dto.py``, and the time conventions."""

from __future__ import annotations

import getpass
import os
from dataclasses import replace
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, TypeVar

from desktop.domain import ActorRole, TimePrecision
from desktop.errors import ConflictError, StoreError
from desktop.fields import SIMPLE_FIELDS
from desktop.services.dto import (
    Actor,
    Audit,
    Casualties,
    Citation,
    IncidentData,
    SourceData,
    When,
    Where,
)
from desktop.services.listing import TABLE_ROW_FIELDS, from_db_time
from desktop.services.stored_values import incident_columns, stored_citation
from desktop.store import models

USER_ENV_VAR = "INCIDENT_DESK_USER"
E = TypeVar("E")


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


def as_aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


# The IncidentData attributes that hold a group of fields (``where.name`` …), by their record.
_GROUPS: dict[str, type[Any]] = {"where": Where, "casualties": Casualties}


def members(enum: type[E]) -> dict[str, E]:
    """An enum's members by their stored text: a dict lookup is a fraction of ``enum(text)``,
    which an export of 100,000 incidents calls half a million times. An unknown text fails as
    ``enum(text)`` does."""
    return _Members(enum)


class _Members(dict[str, Any]):
    def __init__(self, enum: type[Any]) -> None:
        super().__init__((member.value, member) for member in enum)
        self.enum = enum

    def __missing__(self, value: str) -> Any:
        return self.enum(value)  # its ValueError, as before


_PRECISIONS = members(TimePrecision)
ROLES = members(ActorRole)


# The simple fields of desktop/fields.py (one column each), worked out once: (the group
# holding it, or "" for the record's own; its name there; its enum, if any), and a getter of
# their columns, in that order. An export makes 100,000 records.
_SIMPLE = tuple(
    (f.group, f.attribute, members(f.enum) if f.enum else None)
    if f.group in _GROUPS
    else ("", f.key, members(f.enum) if f.enum else None)
    for f in SIMPLE_FIELDS
)
_simple_columns = attrgetter(*(f.column_name for f in SIMPLE_FIELDS))


def incident_to_data(row: models.Incident) -> IncidentData:
    return incident_record(
        row,
        tuple(Actor(a.name, ActorRole(a.role)) for a in row.actors),
        tuple(t.tag for t in row.tags),
        tuple(citation_to_data(c) for c in row.citations),
    )


def incident_record(
    row: Any,
    actors: tuple[Actor, ...],
    tags: tuple[str, ...],
    citations: tuple[Citation, ...],
) -> IncidentData:
    """An incident's record from its ``incidents`` columns, read by name from ``row`` (an
    ``Incident``, or a Core row of the table's columns as an export reads them in batches),
    and its lists, read apart."""
    precision = _PRECISIONS[row.time_precision]
    values: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {group: {} for group in _GROUPS}
    for (group, name, enum), value in zip(_SIMPLE, _simple_columns(row), strict=True):
        if enum is not None:
            value = enum[value]
        if group:
            groups[group][name] = value
        else:
            values[name] = value
    values.update({group: _GROUPS[group](**kwargs) for group, kwargs in groups.items()})
    return IncidentData(
        id=row.uuid,
        version=row.version,
        when=When(
            start=from_db_time(row.start_at, precision),
            end=from_db_time(row.end_at, precision),
            precision=precision,
        ),
        actors=actors,
        tags=tags,
        citations=citations,
        audit=Audit(
            created_at=as_aware(row.created_at),
            created_by=row.created_by,
            updated_at=as_aware(row.updated_at),
            updated_by=row.updated_by,
            deleted_at=as_aware(row.deleted_at) if row.deleted_at else None,
            deleted_by=row.deleted_by,
        ),
        **values,
    )


def citation_to_data(row: models.Citation) -> Citation:
    return citation_record(row, row.source)


def citation_record(row: Any, source: Any) -> Citation:
    """A citation's record from its columns and its source's (``slug``, ``name``,
    ``reliability``, ``kind``), each read by name: ORM objects or Core rows."""
    if source is None:
        # Only a damaged file gets here: the foreign key forbids it in any written one.
        raise StoreError(
            "The workspace is damaged: a citation refers to a source that is not there. "
            "Restore a backup (incident-desk restore), or export what still reads."
        )
    return Citation(
        source=source.slug,
        credibility=row.credibility,
        url=row.url,
        published=row.published,
        retrieved=row.retrieved,
        language=row.language,
        excerpt=row.excerpt,
        source_name=source.name,
        source_reliability=source.reliability,
        source_kind=source.kind,
    )


# What a table row reads (see listing.table_row), as plain columns rather than ORM entities:
# a page of 200 rows then costs a fraction of building, tracking and mapping 200 ``Incident``s.
TABLE_ROW_COLUMNS = tuple(getattr(models.Incident, field) for field in TABLE_ROW_FIELDS)


def apply_incident(
    row: models.Incident, data: IncidentData, sources: dict[str, models.Source]
) -> None:
    """Copy every field of ``data`` onto ``row``; ``sources`` maps each cited slug to its row."""
    for name, value in incident_columns(data).items():
        setattr(row, name, value)
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
            url=c.url,
            published=c.published,
            retrieved=c.retrieved,
            language=c.language,
            excerpt=c.excerpt,
        )
        for i, c in enumerate(stored_citation(c) for c in data.citations)
    ]


def as_stored(data: IncidentData) -> IncidentData:
    """``data`` as :func:`apply_incident` stores it (names trimmed, marking canonical, an
    empty URL none): what an import compares with the stored record, so a file differing
    only in what storage normalises away changes nothing and records no history."""
    changes: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    for f in SIMPLE_FIELDS:
        if f.stored is None:
            continue
        value = f.as_stored(f.get(data))
        if "." in f.key:
            groups.setdefault(f.group, {})[f.attribute] = value
        else:
            changes[f.key] = value
    for group, kwargs in groups.items():
        changes[group] = replace(getattr(data, group), **kwargs)
    return replace(
        data,
        actors=tuple(replace(a, name=a.name.strip()) for a in data.actors),
        tags=tuple(t.strip() for t in data.tags),
        citations=tuple(stored_citation(c) for c in data.citations),
        **changes,
    )


def source_values(data: SourceData) -> tuple[str, str, str, str | None, str]:
    """A source's name, kind, reliability, URL and notes as stored (name and URL trimmed, no
    empty URL; the notes, free text, exactly as given)."""
    url = (data.url or "").strip() or None
    return data.name.strip(), data.kind, data.reliability, url, data.notes


def source_to_data(row: Any, citation_count: int = 0, incident_count: int = 0) -> SourceData:
    """A source's record from its row (a ``Source``, or a Core row of its columns)."""
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
