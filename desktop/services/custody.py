"""The custody trail of an evidence file: an append-only, hash-chained log.

Each entry (who did what to the file, when) carries the SHA-256 of the previous entry's
hash followed by its own fields in a canonical form (:func:`entry_hash`). Altering an entry
changes its hash; removing one leaves the next pointing at a hash that is not there; cutting
entries off the end leaves the content row's ``custody_head`` naming one that is gone. So
:func:`check_chain` notices each of them. Nothing here deletes or updates an entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

# The chain's one definition is plain (a bundle carries trails too); re-exported here.
from desktop.formats.custody_trail import (
    ACTIONS,
    ADDED,
    EXPORTED,
    GENESIS,
    IMPORTED,
    LINKED,
    UNLINKED,
    VERIFIED,
    TrailEntry,
    check_chain,
    entry_hash,
)
from desktop.store.models import CustodyEntry, EvidenceContent

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

__all__ = [
    "ACTIONS",
    "ADDED",
    "EXPORTED",
    "GENESIS",
    "IMPORTED",
    "LINKED",
    "UNLINKED",
    "VERIFIED",
    "check_chain",
    "entry_hash",
]


@dataclass(frozen=True)
class Custody:
    """One entry of a trail, as the views and the command line show it (``at`` aware UTC)."""

    seq: int
    at: datetime
    by: str
    action: str
    detail: str
    entry_hash: str


def append(
    session: Session, sha256: str, action: str, by: str, at: datetime, detail: str = ""
) -> None:
    """Add an entry to ``sha256``'s trail (continuing it when the bytes were stored before).

    Two writers appending at once collide on the (sha256, seq) key and the later transaction
    fails whole, rather than forking the chain.
    """
    at = at.replace(microsecond=0)
    last = session.execute(
        select(CustodyEntry.seq, CustodyEntry.entry_hash)
        .where(CustodyEntry.sha256 == sha256)
        .order_by(CustodyEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (0, GENESIS) if last is None else (last[0] + 1, last[1])
    digest = entry_hash(prev, sha256, seq, at, by, action, detail)
    session.add(
        CustodyEntry(
            sha256=sha256,
            seq=seq,
            at=at,
            by=by,
            action=action,
            detail=detail,
            prev_hash=prev,
            entry_hash=digest,
        )
    )
    content = session.scalars(
        select(EvidenceContent).where(EvidenceContent.sha256 == sha256)
    ).one_or_none()
    if content is not None:
        content.custody_head = digest
    session.flush()


def trail(session: Session, sha256: str) -> list[Custody]:
    """The entries of ``sha256``'s trail, oldest first."""
    rows = session.scalars(
        select(CustodyEntry).where(CustodyEntry.sha256 == sha256).order_by(CustodyEntry.seq)
    )
    return [
        Custody(r.seq, r.at.replace(tzinfo=UTC), r.by, r.action, r.detail, r.entry_hash)
        for r in rows
    ]


def trails_with_sha(session: Session) -> list[str]:
    """Every SHA-256 that has a trail (also of bytes no longer stored)."""
    return list(session.scalars(select(CustodyEntry.sha256).group_by(CustodyEntry.sha256)))


def entry_count(session: Session, sha256: str) -> int:
    return int(session.scalar(select(func.count()).where(CustodyEntry.sha256 == sha256)) or 0)


def rows_of(session: Session, sha256: str) -> list[CustodyEntry]:
    """The stored entries of ``sha256``'s trail, oldest first (what a bundle carries)."""
    return list(
        session.scalars(
            select(CustodyEntry).where(CustodyEntry.sha256 == sha256).order_by(CustodyEntry.seq)
        )
    )


def restore(session: Session, entries: Sequence[TrailEntry]) -> None:
    """Store a trail brought in a bundle, entry for entry (its chain already checked), into
    a workspace that has none for that file; its head becomes the content row's."""
    for e in entries:
        session.add(
            CustodyEntry(
                sha256=e.sha256,
                seq=e.seq,
                at=e.at,
                by=e.by,
                action=e.action,
                detail=e.detail,
                prev_hash=e.prev_hash,
                entry_hash=e.entry_hash,
            )
        )
    content = session.scalars(
        select(EvidenceContent).where(EvidenceContent.sha256 == entries[-1].sha256)
    ).one_or_none()
    if content is not None:
        content.custody_head = entries[-1].entry_hash
    session.flush()
