"""Exporting interchange files: the incidents read and written a batch at a time.

An export of 100,000 incidents once built every record, then the whole document as JSON
objects, then its text, all in memory at once. Here the matching incidents' ids are read
first (in the file's order: oldest first), then, for each batch of them, their rows and
those of their actors, tags, citations (with their sources), evidence and, if asked, history,
each table by one Core select of ``IN (...)`` the batch (no ORM object per row); the records
made of them go to the writer, which writes them out before the next batch is read
(:class:`desktop.formats.base.Outgoing`). Memory follows the batch, not the workspace.
All of it in one read transaction, so the file is one moment's workspace even while others
save meanwhile. The file is written atomically (desktop.store.outputs).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from desktop.errors import ValidationError
from desktop.fields import field
from desktop.formats import json_rows
from desktop.formats.base import Batch, Outgoing
from desktop.formats.json_rows import RowBatch
from desktop.formats.json_v1 import ACTOR_KEYS, CITATION_KEYS
from desktop.formats.json_v2 import JSON
from desktop.records import Actor, Document, EvidenceRef
from desktop.services import history, mapping, search
from desktop.services.dto import IncidentQuery
from desktop.services.listing import from_db_time
from desktop.store.engine import sqlite_path
from desktop.store.models import (
    Base,
    Citation,
    EvidenceAttachment,
    EvidenceContent,
    HistoryEntry,
    Incident,
    IncidentActor,
    IncidentTag,
    Source,
)
from desktop.store.outputs import check_target, private_output

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from sqlalchemy.orm import Session
    from sqlalchemy.sql.elements import BindParameter

    from desktop.formats.base import Format
    from desktop.formats.json_rows import IncidentRow
    from desktop.records import IncidentData, SourceData
    from desktop.store.engine import Database

# Incidents per batch: ids per IN (...) query well under every database's bound-parameter
# limit, and few enough records and JSON objects to hold at once.
BATCH = 500

_INCIDENTS = Base.metadata.tables[Incident.__tablename__]

# The selects of a batch, made once: the batch's ids are one expanding parameter, so each
# statement is compiled once rather than coerced value by value for every batch.
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_ROWS = select(_INCIDENTS).where(_INCIDENTS.c.id.in_(_IDS))
_ACTORS = (
    select(IncidentActor.incident_id, IncidentActor.name, IncidentActor.role)
    .where(IncidentActor.incident_id.in_(_IDS))
    .order_by(IncidentActor.incident_id, IncidentActor.position)
)
_TAGS = (
    select(IncidentTag.incident_id, IncidentTag.tag)
    .where(IncidentTag.incident_id.in_(_IDS))
    .order_by(IncidentTag.incident_id, IncidentTag.position)
)
_CITATIONS = (
    select(
        Citation.incident_id,
        Citation.credibility,
        Citation.url,
        Citation.published,
        Citation.retrieved,
        Citation.language,
        Citation.excerpt,
        Source.slug,
        Source.name,
        Source.reliability,
        Source.kind,
    )
    .outerjoin(Source, Source.id == Citation.source_id)
    .where(Citation.incident_id.in_(_IDS))
    .order_by(Citation.incident_id, Citation.position)
)
_HISTORY = (
    select(
        HistoryEntry.incident_uuid,
        HistoryEntry.at,
        HistoryEntry.by,
        HistoryEntry.action,
        HistoryEntry.field,
        HistoryEntry.old,
        HistoryEntry.new,
    )
    .where(HistoryEntry.incident_uuid.in_(bindparam("uuids", expanding=True)))
    .order_by(HistoryEntry.at, HistoryEntry.id)
)
# The stored values desktop.formats.json_rows writes JSON of, their columns named by the
# format's shapes (the field table's columns; the keys of an actor and of a citation).
_VALUES = select(
    _INCIDENTS.c.id, _INCIDENTS.c.uuid, *(_INCIDENTS.c[f.column_name] for f in json_rows.LEAVES)
).where(_INCIDENTS.c.id.in_(_IDS))
_TIMES = tuple(1 + json_rows.LEAVES.index(field(key)) for key in ("when.start", "when.end"))
_PRECISION = 1 + json_rows.LEAVES.index(field("when.precision"))
_ACTOR_VALUES = (
    select(IncidentActor.incident_id, *(getattr(IncidentActor, key) for key in ACTOR_KEYS))
    .where(IncidentActor.incident_id.in_(_IDS))
    .order_by(IncidentActor.incident_id, IncidentActor.position)
)
_CITATION_VALUES = (
    select(
        Citation.incident_id,
        *(Source.slug if key == "source" else getattr(Citation, key) for key in CITATION_KEYS),
    )
    .outerjoin(Source, Source.id == Citation.source_id)
    .where(Citation.incident_id.in_(_IDS))
    .order_by(Citation.incident_id, Citation.position)
)
# An incident's own evidence first, then by citation, each as added.
_EVIDENCE = (
    select(
        EvidenceAttachment.incident_id,
        Incident.uuid,
        EvidenceContent.sha256,
        EvidenceAttachment.name,
        EvidenceContent.size,
        EvidenceContent.media_type,
        EvidenceAttachment.note,
        EvidenceAttachment.added_by,
        EvidenceAttachment.added_at,
        EvidenceAttachment.citation_position,
    )
    .join(Incident, Incident.id == EvidenceAttachment.incident_id)
    .join(EvidenceContent, EvidenceContent.id == EvidenceAttachment.content_id)
    .where(EvidenceAttachment.incident_id.in_(_IDS))
    .order_by(
        EvidenceAttachment.incident_id,
        EvidenceAttachment.citation_position.is_not(None),
        EvidenceAttachment.citation_position,
        EvidenceAttachment.id,
    )
)


def export_file(
    db: Database,
    path: Path,
    query: IncidentQuery | None = None,
    *,
    with_history: bool = False,
    writer: Format = JSON,
) -> int:
    """Write the records in ``writer``'s format atomically, never over the workspace (see
    desktop.store.outputs); the number of incidents written."""
    if writer.write is None:
        raise ValidationError("", f"{writer.label} cannot be exported")
    workspace = sqlite_path(db.url)
    path = check_target(path, workspace)
    with db.begin() as session:
        if writer.stream_rows is not None:
            ids = _ids(session, query)
            batches = _row_batches(session, ids, with_history)
            with private_output(path, workspace) as handle:
                writer.stream_rows(_sources(session), batches, handle, with_history)
            return len(ids)
        counted = _Counted(outgoing(session, query, with_history=with_history))
        with private_output(path, workspace) as handle:
            if writer.write_batches is not None:
                writer.write_batches(counted.outgoing, handle)
            else:  # a writer that needs every incident at once
                writer.write(counted.outgoing.document(), handle)
    return counted.incidents


def export_records(
    db: Database, query: IncidentQuery | None = None, *, with_history: bool = False
) -> Document:
    """The workspace's records (or those of the incidents matching ``query``), all in
    memory, as :func:`export_file` hands them to a writer."""
    with db.begin() as session:
        return outgoing(session, query, with_history=with_history).document()


def outgoing(
    session: Session, query: IncidentQuery | None = None, *, with_history: bool = False
) -> Outgoing:
    """What an export writes, read batch by batch within ``session`` as the writer walks it.

    Incidents come oldest first and sources by id, so the same data always gives the same
    file. ``with_history`` adds each incident's change history (who, when, what); each
    incident's evidence entries come always (the bytes only in a bundle).
    """
    ids = _ids(session, query)
    return Outgoing(_sources(session), _batches(session, ids, with_history), with_history)


def _ids(session: Session, query: IncidentQuery | None) -> list[int]:
    """The ids of the incidents an export writes, in the file's order."""
    query = replace(query or IncidentQuery(), sort="when", descending=False)
    stmt = search.ordered(session, query, search.filtered(session, query, select(Incident.id)))
    return list(session.scalars(stmt))


class _Counted:
    """An export's batches, counting the incidents as the writer takes them."""

    def __init__(self, original: Outgoing) -> None:
        self.incidents = 0
        self.outgoing = replace(original, batches=self._count(original))

    def _count(self, original: Outgoing) -> Iterator[Batch]:
        for batch in original.batches:
            self.incidents += len(batch.incidents)
            yield batch


def _sources(session: Session) -> tuple[SourceData, ...]:
    connection = session.connection()
    rows = connection.execute(
        select(
            Source.slug,
            Source.name,
            Source.kind,
            Source.reliability,
            Source.url,
            Source.notes,
            Source.version,
        )
    )
    # Sorted here rather than by the database, whose collation may not be Python's.
    return tuple(sorted((mapping.source_to_data(row) for row in rows), key=lambda s: s.id))


def _batches(session: Session, ids: list[int], with_history: bool) -> Iterator[Batch]:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        records = _records(session, chunk)
        uuids = [data.id or "" for data in records]
        histories = _histories(session, uuids) if with_history else None
        yield Batch(records, histories, _evidence(session, chunk))


def _grouped(result: Any, make: Any) -> dict[int, tuple[Any, ...]]:
    """Rows ordered by their incident (their first column) as a tuple per incident."""
    # .all(): one fetch of the whole batch, much cheaper than a fetch per row.
    return {
        incident_id: tuple(make(row) for row in group)
        for incident_id, group in groupby(result.all(), key=itemgetter(0))
    }


def _records(session: Session, chunk: list[int]) -> list[IncidentData]:
    """The complete records of the incidents ``chunk``, in its order."""
    roles = mapping.ROLES
    # Through the connection: Core rows, without the session's ORM result handling.
    connection = session.connection()
    actors = _grouped(
        connection.execute(_ACTORS, {"ids": chunk}),
        lambda row: Actor(row.name, roles[row.role]),
    )
    tags = _grouped(
        connection.execute(_TAGS, {"ids": chunk}),
        itemgetter(1),
    )
    citations = _grouped(
        connection.execute(_CITATIONS, {"ids": chunk}),
        lambda row: mapping.citation_record(row, row if row.slug is not None else None),
    )
    rows = {row.id: row for row in connection.execute(_ROWS, {"ids": chunk}).all()}
    return [
        mapping.incident_record(rows[i], actors.get(i, ()), tags.get(i, ()), citations.get(i, ()))
        for i in chunk
    ]


def _histories(session: Session, uuids: Sequence[str]) -> dict[str, list[history.Change]]:
    """Each incident's history, oldest entry first (an empty list for none)."""
    connection = session.connection()
    found: dict[str, list[history.Change]] = {uuid: [] for uuid in uuids}
    rows = connection.execute(_HISTORY, {"uuids": list(uuids)}).all()
    for row in rows:
        found[row.incident_uuid].append(history.change_of(row))
    return found


def _evidence(session: Session, chunk: list[int]) -> dict[str, tuple[EvidenceRef, ...]]:
    """The evidence entries of the incidents ``chunk`` that have any, by incident id: the
    incident's own first, then by citation, each as added."""
    connection = session.connection()
    rows = connection.execute(_EVIDENCE, {"ids": chunk}).all()
    found: dict[str, list[EvidenceRef]] = {}
    for row in rows:
        found.setdefault(row.uuid, []).append(
            EvidenceRef(
                sha256=row.sha256,
                name=row.name,
                size=row.size,
                media_type=row.media_type,
                note=row.note,
                added_by=row.added_by,
                added_at=mapping.as_aware(row.added_at),
                citation=row.citation_position,
            )
        )
    return {key: tuple(refs) for key, refs in found.items()}


def _row_batches(session: Session, ids: list[int], with_history: bool) -> Iterator[RowBatch]:
    # Most workspaces hold no evidence: then not one select of it per batch.
    any_evidence = session.execute(select(EvidenceAttachment.id).limit(1)).first() is not None
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = _rows(session, chunk)
        uuids = [values[0] for values, *_lists in rows]
        histories = _histories(session, uuids) if with_history else None
        yield RowBatch(rows, histories, _evidence(session, chunk) if any_evidence else None)


_first = itemgetter(0)


def _by_incident(result: Any) -> dict[int, list[tuple[Any, ...]]]:
    """Rows ordered by their incident (their first column): the rest of each, by incident."""
    return {incident: [row[1:] for row in rows] for incident, rows in groupby(result.all(), _first)}


def _rows(session: Session, chunk: list[int]) -> list[IncidentRow]:
    """The stored values of the incidents ``chunk``, in its order (see json_rows)."""
    connection = session.connection()
    actors = _by_incident(connection.execute(_ACTOR_VALUES, {"ids": chunk}))
    tags = {
        incident: [row[1] for row in rows]
        for incident, rows in groupby(connection.execute(_TAGS, {"ids": chunk}).all(), _first)
    }
    citations = _by_incident(connection.execute(_CITATION_VALUES, {"ids": chunk}))
    for found in citations.values():
        for cited in found:
            if cited[0] is None:  # the citation's source is not there
                mapping.citation_record(cited, None)  # raises: the workspace is damaged
    rows = {row[0]: row for row in connection.execute(_VALUES, {"ids": chunk}).all()}
    start, end = _TIMES
    made: list[IncidentRow] = []
    for i in chunk:
        values: list[Any] = list(rows[i][1:])
        precision = values[_PRECISION]
        values[start] = from_db_time(values[start], precision)
        values[end] = from_db_time(values[end], precision)
        made.append((values, actors.get(i, ()), tags.get(i, ()), citations.get(i, ())))
    return made
