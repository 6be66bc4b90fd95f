"""Evidence bytes in the database: written and read a chunk at a time.

A file of gigabytes must go in and out with bounded memory, on SQLite and PostgreSQL alike,
and inside the caller's transaction (so a cancelled or failed intake leaves nothing). So the
bytes are rows of at most :data:`CHUNK_SIZE`, numbered from 0, written with one Core
INSERT each and read back with one SELECT each: no ORM object and no result set ever holds
more than one chunk. The SHA-256 is computed while the bytes are copied, so each byte is
read from the file once.
"""

from __future__ import annotations

import hashlib
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update

from desktop.store import checkpoint
from desktop.store.models import EvidenceChunk, EvidenceContent

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime
    from typing import BinaryIO

    from sqlalchemy.orm import Session

# 1 MiB: large enough that per-row overhead is small, small enough to hold a few at once.
CHUNK_SIZE = 1 << 20
# A content row's placeholder hash while its bytes are being written (never 64 hex digits).
_PENDING = "pending-"


@dataclass(frozen=True)
class Written:
    """What :func:`write_content` stored: the content row's id, hash and size; ``new``
    False when the same bytes were stored already (the row is then the older one)."""

    content_id: int
    sha256: str
    size: int
    new: bool


def write_content(
    session: Session,
    source: BinaryIO,
    media_type: str,
    now: datetime,
    on_chunk: Callable[[int], None] | None = None,
) -> Written:
    """Copy ``source`` into a new content row's chunks, hashing as it goes.

    ``on_chunk(n)`` hears the bytes of every chunk written (for progress; it may raise to
    stop, and the caller's transaction then undoes everything). The row is given its
    SHA-256 only at the end; if those bytes are stored already, the copy is dropped again
    and the older row returned (identical files are stored once). An empty source gives
    size 0 and leaves nothing written.
    """
    digest = hashlib.sha256()
    # The commit would otherwise copy every byte a second time, from the WAL into the
    # database file, before it returns: that copy runs in the background instead.
    checkpoint.defer(session)
    content_id = session.execute(
        insert(EvidenceContent)
        .values(
            sha256=f"{_PENDING}{uuid.uuid4().hex}",
            size=1,
            chunk_count=0,
            media_type=media_type,
            created_at=now,
            custody_head="",
        )
        .returning(EvidenceContent.id)
    ).scalar_one()
    size = number = 0
    # Each chunk is hashed in a second thread while it is written: hashlib and the database
    # drivers both release the GIL, so the intake takes about as long as the slower of the
    # two instead of their sum (docs/performance.md).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-hash") as hasher:
        hashed: Future[None] | None = None
        while chunk := source.read(CHUNK_SIZE):
            if hashed is not None:
                hashed.result()  # in order: one update at a time
            hashed = hasher.submit(digest.update, chunk)
            session.execute(
                insert(EvidenceChunk).values(content_id=content_id, number=number, data=chunk)
            )
            number += 1
            size += len(chunk)
            if on_chunk is not None:
                on_chunk(len(chunk))
        if hashed is not None:
            hashed.result()
    sha256 = digest.hexdigest()
    if size == 0:
        drop_content(session, content_id)
        return Written(0, sha256, 0, new=False)
    existing = find_content(session, sha256)
    if existing is not None:
        drop_content(session, content_id)
        return Written(existing.id, sha256, size, new=False)
    session.execute(
        update(EvidenceContent)
        .where(EvidenceContent.id == content_id)
        .values(sha256=sha256, size=size, chunk_count=number)
    )
    return Written(content_id, sha256, size, new=True)


def find_content(session: Session, sha256: str) -> EvidenceContent | None:
    return session.scalars(
        select(EvidenceContent).where(EvidenceContent.sha256 == sha256)
    ).one_or_none()


def drop_content(session: Session, content_id: int) -> None:
    """Delete a content row and its chunks (a duplicate just written, or unreferenced)."""
    session.execute(delete(EvidenceChunk).where(EvidenceChunk.content_id == content_id))
    session.execute(delete(EvidenceContent).where(EvidenceContent.id == content_id))


def read_chunks(session: Session, content_id: int) -> Iterator[tuple[int, bytes | None]]:
    """Each stored chunk number with its bytes, in order; None for a chunk that is missing.

    The highest number stored is looked up first, so chunks missing at the end are reported
    as missing only by comparing with the content row's chunk_count (the caller's part).
    """
    last = session.scalar(
        select(func.max(EvidenceChunk.number)).where(EvidenceChunk.content_id == content_id)
    )
    for number in range(0 if last is None else last + 1):
        data = session.scalar(
            select(EvidenceChunk.data).where(
                EvidenceChunk.content_id == content_id, EvidenceChunk.number == number
            )
        )
        yield number, (bytes(data) if data is not None else None)
