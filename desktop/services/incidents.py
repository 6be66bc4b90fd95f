"""Incident use cases: read, create, update, delete to the trash, restore, and list by page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, selectinload
from sqlalchemy.orm.exc import StaleDataError

from desktop.errors import (
    ConcurrentWriteError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from desktop.services import evidence, evidence_links, history, mapping, search
from desktop.services.listing import PAGE_SIZE, table_row
from desktop.services.validation import check_incident
from desktop.store import fulltext
from desktop.store.models import Citation, Incident, IncidentActor, IncidentTag, Source
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Select

    from desktop.services.dto import IncidentData, IncidentQuery, IncidentRow
    from desktop.store.engine import Database


def load_incident(session: Session, incident_id: str) -> Incident:
    """The incident's row with everything the full record needs, loaded in a few queries."""
    row = session.scalars(
        select(Incident)
        .where(Incident.uuid == incident_id)
        .options(
            selectinload(Incident.actors),
            selectinload(Incident.tags),
            selectinload(Incident.citations).joinedload(Citation.source),
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"No incident with id {incident_id} (it may have been purged).")
    return row


def resolve_sources(session: Session, data: IncidentData) -> dict[str, Source]:
    """Each cited slug's row; an unknown slug is a problem of the citation that names it."""
    slugs = {c.source for c in data.citations}
    found = (
        {s.slug: s for s in session.scalars(select(Source).where(Source.slug.in_(slugs)))}
        if slugs
        else {}
    )
    for index, citation in enumerate(data.citations):
        if citation.source not in found:
            raise ValidationError(
                f"citations[{index}].source", f"unknown source {quoted(citation.source)}"
            )
    return found


def get_incident(db: Database, incident_id: str) -> IncidentData:
    with db.begin() as session:
        return mapping.incident_to_data(load_incident(session, incident_id))


def create_incident(db: Database, data: IncidentData) -> IncidentData:
    """Save a new incident; its id is made here unless the record brings one."""
    check_incident(data)
    with db.begin() as session:
        incident_id = data.id or str(uuid.uuid4())
        if session.scalar(select(Incident.id).where(Incident.uuid == incident_id)) is not None:
            raise ValidationError("id", f"an incident with id {incident_id} already exists")
        row = insert_incident(session, replace(data, id=incident_id), mapping.current_user())
        session.flush()
        fulltext.reindex(session, [row])
        history.record(session, incident_id, history.CREATED, by=row.created_by, at=row.created_at)
        session.flush()
        return mapping.incident_to_data(row)


def insert_incident(
    session: Session, data: IncidentData, user: str, sources: dict[str, Source] | None = None
) -> Incident:
    """Add a validated record with a known id to the session (no index update: callers batch).

    ``sources`` maps slugs to rows when the caller already has them (a bulk import); the row
    gets its id at the caller's next flush.
    """
    assert data.id is not None
    now = mapping.utcnow()
    row = Incident(uuid=data.id, created_at=now, created_by=user, updated_at=now, updated_by=user)
    if sources is None:
        sources = resolve_sources(session, data)
    mapping.apply_incident(row, data, sources)
    session.add(row)
    return row


def update_incident(db: Database, data: IncidentData) -> IncidentData:
    """Save changes to an existing incident, refusing to overwrite someone else's save.

    ``data.version`` must be the version that was read; if the stored one has moved on, a
    :class:`ConflictError` says who changed it and when, and nothing is written.
    """
    if data.id is None:
        raise ValidationError("id", "is required to update an incident")
    check_incident(data)
    try:
        with db.begin() as session:
            row = load_incident(session, data.id)
            _refuse_if_trashed(row)  # first: trashing also moves the version on
            _refuse_if_changed(row, data.version)
            before = mapping.incident_to_data(row)
            mapping.apply_incident(row, data, resolve_sources(session, data))
            row.updated_at = mapping.utcnow()
            row.updated_by = mapping.current_user()
            session.flush()
            fulltext.reindex(session, [row])
            after = mapping.incident_to_data(row)
            evidence_links.follow_citations(session, row, before.citations, after.citations)
            history.record(
                session,
                data.id,
                history.UPDATED,
                history.differences(before, after),
                by=row.updated_by,
                at=row.updated_at,
            )
            return after
    except (StaleDataError, ConcurrentWriteError) as exc:  # another writer won the race
        raise _conflict(db, data.id) from exc


def _refuse_if_changed(row: Incident, version: int | None) -> None:
    conflict = mapping.stale_edit(quoted(row.title), row, version)
    if conflict is not None:
        raise conflict


def _refuse_if_trashed(row: Incident) -> None:
    if row.deleted_at is not None:
        raise ConflictError(
            f"{quoted(row.title)} was moved to the trash by {row.deleted_by} at "
            f"{row.deleted_at:%Y-%m-%d %H:%M} UTC. Restore it from the trash, then save again.",
            changed_by=row.deleted_by or "",
            changed_at=row.deleted_at.isoformat(),
        )


def _conflict(db: Database, incident_id: str) -> ConflictError:
    """Describe who won a race between our read and our write."""
    with db.begin() as session:
        row = load_incident(session, incident_id)
        return mapping.stale_edit(quoted(row.title), row, -1) or ConflictError(
            f"{quoted(row.title)} was changed by someone else while saving. Reload it."
        )


def delete_incident(db: Database, incident_id: str) -> None:
    """Move an incident to the trash; :func:`restore_incident` brings it back."""
    with db.begin() as session:
        row = load_incident(session, incident_id)
        if row.deleted_at is None:
            row.deleted_at = mapping.utcnow()
            row.deleted_by = mapping.current_user()
            history.record(
                session, incident_id, history.DELETED, by=row.deleted_by, at=row.deleted_at
            )


def restore_incident(db: Database, incident_id: str) -> None:
    with db.begin() as session:
        row = load_incident(session, incident_id)
        if row.deleted_at is None:
            return
        row.deleted_at = None
        row.deleted_by = None
        row.updated_at = mapping.utcnow()
        row.updated_by = mapping.current_user()
        history.record(session, incident_id, history.RESTORED, by=row.updated_by, at=row.updated_at)


def purge_incident(db: Database, incident_id: str) -> None:
    """Delete an incident from the trash for good."""
    with db.begin() as session:
        row = load_incident(session, incident_id)
        if row.deleted_at is None:
            raise ValidationError("", "Only incidents in the trash can be deleted for good.")
        fulltext.remove(session, [row.id])
        evidence.release_purged(session, [row.id])
        history.record(session, incident_id, history.PURGED)
        session.delete(row)


def list_incidents(
    db: Database, query: IncidentQuery, offset: int = 0, limit: int = PAGE_SIZE
) -> list[IncidentRow]:
    """One page of table rows matching ``query``, in its sort order."""
    with db.begin() as session:
        return _rows(session, query, offset, limit)


def _rows(session: Session, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
    if query.sort == "relevance" and query.text.strip():
        # Rank only the best matches first (a common word matches 40,000 incidents of
        # 100,000, and scoring and joining them all is the cost of a search); only when
        # the filters leave less than a page of them is everything ranked.
        page = _page(session, query, offset, limit, best=_BEST_FACTOR * (offset + limit))
        if len(page) == limit:
            return page
    return _page(session, query, offset, limit)


# How many best-ranked matches the first try of a relevance page takes, per row it needs.
_BEST_FACTOR = 4


def _page(
    session: Session, query: IncidentQuery, offset: int, limit: int, best: int | None = None
) -> list[IncidentRow]:
    rows = search.read_page(session, query, mapping.TABLE_ROW_COLUMNS, offset, limit, best=best)
    return [table_row(values) for values in rows]


def shows(db: Database, query: IncidentQuery, incident_id: str) -> bool:
    """Whether ``query`` lists the incident, wherever in its order."""
    with db.begin() as session:
        stmt = select(Incident.id).where(Incident.uuid == incident_id)
        return session.scalar(search.filtered(session, query, stmt, ranked=False)) is not None


def count_incidents(db: Database, query: IncidentQuery) -> int:
    with db.begin() as session:
        return search.count(session, query)


def get_incidents(
    db: Database, query: IncidentQuery, limit: int | None = None
) -> list[IncidentData]:
    """Complete records matching ``query`` in its order: for reports and exports."""
    with db.begin() as session:
        stmt = search.filtered(session, query, select(Incident))
        stmt = search.ordered(session, query, stmt)
        if limit is not None:
            stmt = stmt.limit(limit)
        stmt = stmt.options(
            selectinload(Incident.actors),
            selectinload(Incident.tags),
            selectinload(Incident.citations).joinedload(Citation.source),
        )
        return [mapping.incident_to_data(row) for row in session.scalars(stmt)]


@dataclass(frozen=True)
class Facets:
    """The values in use, for filter lists and completion."""

    countries: tuple[str, ...]
    tags: tuple[str, ...]
    markings: tuple[str, ...]
    event_types: tuple[str, ...]
    actors: tuple[str, ...]
    total: int


def facets(db: Database) -> Facets:
    with db.begin() as session:
        live = Incident.deleted_at.is_(None)

        def values(column: InstrumentedAttribute[str]) -> tuple[str, ...]:
            stmt = select(column).distinct().where(live).order_by(column)
            return tuple(v for v in session.scalars(stmt) if v)

        tags = session.scalars(_live_values(IncidentTag.tag, aliased(IncidentTag)))
        actors = session.scalars(
            _live_values(IncidentActor.name, aliased(IncidentActor)).limit(5000)
        )
        return Facets(
            countries=values(Incident.country),
            tags=tuple(tags),
            markings=values(Incident.marking),
            event_types=values(Incident.event_type),
            actors=tuple(actors),
            total=int(session.scalar(select(func.count(Incident.id)).where(live)) or 0),
        )


def _live_values(column: InstrumentedAttribute[str], inner: Any) -> Select[Any]:
    """The distinct values of a tag or actor column that some live incident uses, in order.

    ``inner`` is an alias of the column's table. The distinct values come from the column's
    index alone; then each needs one live incident, and the search for it stops at the first.
    Joining every tag or actor row to its incident first would read every such row, on
    every reload of the filter lists.
    """
    values = select(column.label("value")).distinct().subquery()
    inner_column = getattr(inner, column.key)
    used = (
        select(Incident.id)
        .where(inner_column == values.c.value)
        .where(Incident.id == inner.incident_id)
        .where(Incident.deleted_at.is_(None))
        .exists()
    )
    return select(values.c.value).where(used).order_by(values.c.value)


def empty_trash(db: Database, incident_ids: Sequence[str] | None = None) -> int:
    """Delete trashed incidents for good (all of them, or those listed); returns how many."""
    with db.begin() as session:
        stmt = select(Incident.id, Incident.uuid).where(Incident.deleted_at.is_not(None))
        if incident_ids is not None:
            stmt = stmt.where(Incident.uuid.in_(incident_ids))
        found = session.execute(stmt).all()
        ids = [row_id for row_id, _uuid in found]
        for _row_id, uuid_ in found:
            history.record(session, uuid_, history.PURGED)
        fulltext.remove(session, ids)
        evidence.release_purged(session, ids)
        if ids:
            session.execute(delete(Incident).where(Incident.id.in_(ids)))
        return len(ids)
