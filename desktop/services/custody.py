"""The custody trail of an evidence file: an append-only, hash-chained log.

Each entry (who did what to the file, when) carries the SHA-256 of the previous entry's
hash followed by its own fields in a canonical form (:func:`entry_hash`). Altering an entry
changes its hash; removing one leaves the next pointing at a hash that is not there; cutting
entries off the end leaves the content row's ``custody_head`` naming one that is gone. So
:func:`check_chain` notices each of them. Nothing here deletes or updates an entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from desktop.store.models import CustodyEntry, EvidenceContent

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

ADDED = "added"
EXPORTED = "exported"
LINKED = "linked"
UNLINKED = "unlinked"
VERIFIED = "verified"
ACTIONS = (ADDED, EXPORTED, LINKED, UNLINKED, VERIFIED)
# The "previous hash" of a trail's first entry.
GENESIS = "0" * 64


@dataclass(frozen=True)
class Custody:
    """One entry of a trail, as the views and the command line show it (``at`` aware UTC)."""

    seq: int
    at: datetime
    by: str
    action: str
    detail: str
    entry_hash: str


def entry_hash(
    prev_hash: str, sha256: str, seq: int, at: datetime, by: str, action: str, detail: str
) -> str:
    """SHA-256 of the previous hash and the entry's fields as compact, sorted JSON."""
    canonical = json.dumps(
        {
            "action": action,
            "at": at.replace(microsecond=0).isoformat(),
            "by": by,
            "detail": detail,
            "seq": seq,
            "sha256": sha256,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(prev_hash.encode("ascii") + canonical.encode("utf-8")).hexdigest()


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


def check_chain(entries: Sequence[CustodyEntry], head: str | None) -> str | None:
    """What is wrong with one trail (entries in ``seq`` order), or None when it is whole.

    ``head`` is the content row's ``custody_head`` (None when the bytes are no longer
    stored, and the end of the trail cannot be checked).
    """
    if not entries and head is not None:
        return "the custody trail is missing"
    prev = GENESIS
    for expected, entry in enumerate(entries):
        if entry.seq != expected:
            return f"custody entry {expected} is missing"
        if entry.prev_hash != prev:
            return f"custody entry {entry.seq} does not follow entry {entry.seq - 1}"
        digest = entry_hash(
            prev, entry.sha256, entry.seq, entry.at, entry.by, entry.action, entry.detail
        )
        if digest != entry.entry_hash:
            return f"custody entry {entry.seq} ({entry.action}) was altered"
        prev = digest
    if head is not None and head != prev:
        return "the last custody entries are missing" if head else "the custody head is missing"
    return None


def trails_with_sha(session: Session) -> list[str]:
    """Every SHA-256 that has a trail (also of bytes no longer stored)."""
    return list(session.scalars(select(CustodyEntry.sha256).group_by(CustodyEntry.sha256)))


def entry_count(session: Session, sha256: str) -> int:
    return int(session.scalar(select(func.count()).where(CustodyEntry.sha256 == sha256)) or 0)
