"""Evidence stays with its citation when the incident's citations are edited.

Attachments name a citation by its position (citation rows are written afresh on every
save), so a save that reorders, inserts or removes citations must move them: each citation
before the save is matched to one after it — the same citation unchanged first, then the
same source with the same address or excerpt (an edited credibility or date), then the
same source at the same place. Evidence of a citation that has no match (it was removed)
is kept on the incident as a whole, with "unlinked" in its custody trail: never left on
another citation it does not support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop.services import custody, mapping
from desktop.store.models import EvidenceAttachment, EvidenceContent, Incident

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

    from desktop.records import Citation


def citation_moves(before: Sequence[Citation], after: Sequence[Citation]) -> dict[int, int | None]:
    """Each position before → its position after, or None when the citation is gone."""
    moves: dict[int, int | None] = {}
    taken: set[int] = set()
    same: tuple[Callable[[int, int], bool], ...] = (
        lambda old, new: _key(before[old]) == _key(after[new]),
        lambda old, new: (
            before[old].source == after[new].source
            and (
                (bool(before[old].url) and before[old].url == after[new].url)
                or (bool(before[old].excerpt) and before[old].excerpt == after[new].excerpt)
            )
        ),
        lambda old, new: old == new and before[old].source == after[new].source,
    )
    for matches in same:
        for old in range(len(before)):
            if old in moves:
                continue
            for new in range(len(after)):
                if new not in taken and matches(old, new):
                    moves[old] = new
                    taken.add(new)
                    break
    return {old: moves.get(old) for old in range(len(before))}


def _key(c: Citation) -> tuple[object, ...]:
    return (c.source, c.credibility, c.url, c.published, c.retrieved, c.language, c.excerpt)


def follow_citations(
    session: Session, row: Incident, before: Sequence[Citation], after: Sequence[Citation]
) -> None:
    """Move ``row``'s evidence links from the citations ``before`` to those ``after``."""
    attachments = session.scalars(
        select(EvidenceAttachment).where(
            EvidenceAttachment.incident_id == row.id,
            EvidenceAttachment.citation_position.is_not(None),
        )
    ).all()
    if not attachments:
        return
    moves = citation_moves(before, after)
    on_incident = set(
        session.scalars(
            select(EvidenceAttachment.content_id).where(
                EvidenceAttachment.incident_id == row.id,
                EvidenceAttachment.citation_position.is_(None),
            )
        )
    )
    # Positions may swap: park every moved link first so the unique (incident, file,
    # position) constraint never sees two at once.
    for attachment in attachments:
        attachment.citation_position = -1 - (attachment.citation_position or 0)
    session.flush()
    user, now = mapping.current_user(), mapping.utcnow()
    for attachment in attachments:
        old = -1 - (attachment.citation_position or 0)
        new = moves.get(old)
        if new is not None:
            attachment.citation_position = new
            continue
        sha = session.get_one(EvidenceContent, attachment.content_id).sha256
        detail = (
            f"from citation {old + 1} of incident {row.uuid}, removed from the incident; "
            f"{attachment.name} is kept on the incident"
        )
        custody.append(session, sha, custody.UNLINKED, user, now, detail)
        if attachment.content_id in on_incident:
            session.delete(attachment)  # the incident holds that file already
        else:
            attachment.citation_position = None
            on_incident.add(attachment.content_id)
    session.flush()
