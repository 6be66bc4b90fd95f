"""Source use cases: list, create, edit, merge duplicates, delete when no longer cited."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from desktop.errors import ConflictError, NotFoundError, ValidationError
from desktop.records import slugify as slugify
from desktop.services import history, mapping
from desktop.services.validation import check_source
from desktop.store.models import Citation, Incident, Source
from desktop.wording import plural, quoted

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.services.dto import SourceData
    from desktop.store.engine import Database


def unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    taken = set(session.scalars(select(Source.slug).where(Source.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def load_source(session: Session, slug: str) -> Source:
    row = session.scalars(select(Source).where(Source.slug == slug)).one_or_none()
    if row is None:
        raise NotFoundError(f"No source with id {quoted(slug)}.")
    return row


def _counts(session: Session) -> dict[int, tuple[int, int]]:
    stmt = select(
        Citation.source_id, func.count(Citation.id), func.count(distinct(Citation.incident_id))
    ).group_by(Citation.source_id)
    return {sid: (cites, incidents) for sid, cites, incidents in session.execute(stmt)}


def list_sources(db: Database, text: str = "") -> list[SourceData]:
    """All sources by name, with how often each is cited; ``text`` filters by name or id."""
    with db.begin() as session:
        stmt = select(Source).order_by(func.lower(Source.name), Source.slug)
        if text.strip():
            wanted = text.strip()  # literal text: % and _ are not wildcards here
            stmt = stmt.where(
                Source.name.icontains(wanted, autoescape=True)
                | Source.slug.icontains(wanted, autoescape=True)
            )
        counts = _counts(session)
        return [
            mapping.source_to_data(row, *counts.get(row.id, (0, 0)))
            for row in session.scalars(stmt)
        ]


def get_source(db: Database, slug: str) -> SourceData:
    with db.begin() as session:
        row = load_source(session, slug)
        return mapping.source_to_data(row, *_counts(session).get(row.id, (0, 0)))


def create_source(db: Database, data: SourceData) -> SourceData:
    """Add a source; its id is made from the name unless one is given."""
    check_source(data)
    with db.begin() as session:
        if data.id:
            if slugify(data.id) != data.id:
                raise ValidationError("id", "may hold only a-z, 0-9 and single hyphens")
            if session.scalar(select(Source.id).where(Source.slug == data.id)) is not None:
                raise ValidationError("id", f"a source with id {quoted(data.id)} already exists")
            slug = data.id
        else:
            slug = unique_slug(session, data.name)
        row = insert_source(session, replace(data, id=slug), mapping.current_user())
        return mapping.source_to_data(row)


def insert_source(session: Session, data: SourceData, user: str) -> Source:
    now = mapping.utcnow()
    name, kind, reliability, url, notes = mapping.source_values(data)
    row = Source(
        slug=data.id,
        name=name,
        kind=kind,
        reliability=reliability,
        url=url,
        notes=notes,
        created_at=now,
        created_by=user,
        updated_at=now,
        updated_by=user,
    )
    session.add(row)
    session.flush()
    return row


def update_source(db: Database, data: SourceData) -> SourceData:
    """Save changes to a source (its id stays); refuses to overwrite another user's save."""
    check_source(data)
    try:
        with db.begin() as session:
            row = load_source(session, data.id)
            conflict = mapping.stale_edit(f"Source {quoted(row.name)}", row, data.version)
            if conflict is not None:
                raise conflict
            row.name, row.kind, row.reliability, row.url, row.notes = mapping.source_values(data)
            row.updated_at = mapping.utcnow()
            row.updated_by = mapping.current_user()
            session.flush()
            return mapping.source_to_data(row, *_counts(session).get(row.id, (0, 0)))
    except StaleDataError as exc:
        raise ConflictError(
            f"Source {quoted(data.name)} was changed by someone else while saving. Reload it."
        ) from exc


def merge_sources(db: Database, keep: str, duplicates: list[str]) -> SourceData:
    """Move every citation of ``duplicates`` onto ``keep`` and delete the duplicates.

    A moved citation may read differently afterwards (another name, another reliability: an
    E4 becomes F4), so each incident it belongs to gets a history entry, old → new.
    """
    others = [slug for slug in dict.fromkeys(duplicates) if slug != keep]
    if not others:
        raise ValidationError("duplicates", "choose at least one other source to merge")
    with db.begin() as session:
        target = load_source(session, keep)
        rows = [load_source(session, slug) for slug in others]
        ids = [row.id for row in rows]
        touched = list(
            session.scalars(
                select(Incident)
                .where(
                    Incident.id.in_(select(Citation.incident_id).where(Citation.source_id.in_(ids)))
                )
                .order_by(Incident.id)
                .options(
                    selectinload(Incident.citations).selectinload(Citation.source),
                    selectinload(Incident.actors),
                    selectinload(Incident.tags),
                )
            )
        )
        before = [mapping.incident_to_data(incident) for incident in touched]
        session.execute(
            update(Citation).where(Citation.source_id.in_(ids)).values(source_id=target.id)
        )
        for row in rows:
            session.delete(row)
        session.flush()
        # The bulk update left the loaded citations pointing at the deleted sources.
        session.expire_all()
        now, user = mapping.utcnow(), mapping.current_user()
        for incident, old in zip(touched, before, strict=True):
            incident.source_count = int(
                session.scalar(
                    select(func.count(distinct(Citation.source_id))).where(
                        Citation.incident_id == incident.id
                    )
                )
                or 0
            )
            incident.updated_at, incident.updated_by = now, user
            changes = history.differences(old, mapping.incident_to_data(incident))
            if changes:  # same name and grade on both sides: nothing an analyst could see
                history.record(session, incident.uuid, history.UPDATED, changes, by=user, at=now)
        session.flush()
        return mapping.source_to_data(target, *_counts(session).get(target.id, (0, 0)))


def delete_source(db: Database, slug: str) -> None:
    """Delete a source that no incident cites (cited ones must be merged instead)."""
    with db.begin() as session:
        row = load_source(session, slug)
        cited = session.scalar(select(func.count(Citation.id)).where(Citation.source_id == row.id))
        if cited:
            raise ValidationError(
                "",
                f"{quoted(row.name)} is cited {plural(cited, 'time')}; merge it into another "
                "source instead.",
            )
        session.delete(row)
