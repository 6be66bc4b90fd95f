"""What the evidence use cases share: the plain item, progress in bytes, reading stored bytes.

Internal to desktop.services.evidence and desktop.services.evidence_verify; the views and
the command line use those.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy import select

from desktop.errors import NotFoundError, ValidationError
from desktop.services import custody, mapping
from desktop.services.progress import Cancelled, Progress
from desktop.store import blobs
from desktop.store.models import EvidenceAttachment, EvidenceContent, Incident
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy.orm import Session

    from desktop.store.engine import Database

    # A Progress (the app's task runner), or a plain callback given (done, total, text)
    # that returns False to cancel.
    ProgressLike = Progress | Callable[[int, int, str], bool | None]

_SHA = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class EvidenceItem:
    """One attachment: stored bytes linked to an incident (and perhaps a citation).

    ``citation_index`` is the citation's position in the incident's citations from 0, None
    for evidence of the incident as a whole. ``added_at`` is aware UTC.
    """

    sha256: str
    name: str
    size: int
    media_type: str
    incident_id: str
    incident_title: str
    citation_index: int | None
    note: str
    added_by: str
    added_at: datetime


class Reporter:
    """Byte counts → the caller's progress, whichever kind it is; raises Cancelled."""

    def __init__(self, progress: ProgressLike | None, total: int) -> None:
        self._progress = progress
        self.total = total
        self.done = 0
        self.text = ""

    def report(self) -> None:
        if self._progress is None:
            return
        if isinstance(self._progress, Progress):
            self._progress.step(self.done, self.total, self.text)
        elif self._progress(self.done, self.total, self.text) is False:
            raise Cancelled

    def advance(self, count: int) -> None:
        self.done += count
        self.report()


def incident_row(session: Session, incident_id: str) -> Incident:
    row = session.scalars(select(Incident).where(Incident.uuid == incident_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"No incident with id {incident_id} (it may have been purged).")
    return row


def link_words(row: Incident, citation_index: int | None, name: str) -> str:
    where = "" if citation_index is None else f", citation {citation_index + 1}"
    return f"incident {row.uuid}{where}, as {name}"


def content_row(session: Session, content_id: int) -> EvidenceContent:
    content = session.get(EvidenceContent, content_id)
    assert content is not None
    return content


def item(attachment: EvidenceAttachment, row: Incident, content: EvidenceContent) -> EvidenceItem:
    return EvidenceItem(
        sha256=content.sha256,
        name=attachment.name,
        size=content.size,
        media_type=content.media_type,
        incident_id=row.uuid,
        incident_title=row.title,
        citation_index=attachment.citation_position,
        note=attachment.note,
        added_by=attachment.added_by,
        added_at=attachment.added_at.replace(tzinfo=UTC),
    )


def normal_sha(sha256: str) -> str:
    value = sha256.strip().lower()
    if not _SHA.fullmatch(value):
        raise ValidationError("", f"{quoted(sha256)} is not a SHA-256 (64 hexadecimal digits)")
    return value


def stored(session: Session, sha256: str) -> EvidenceContent:
    content = blobs.find_content(session, normal_sha(sha256))
    if content is None:
        raise NotFoundError(f"No evidence with SHA-256 {sha256} in this workspace.")
    return content


def stream(session: Session, content: EvidenceContent) -> Iterator[bytes]:
    """The stored bytes, a chunk at a time; a DeskError if they are not what was stored."""
    count = 0
    for number, data in blobs.read_chunks(session, content.id):
        if data is None:
            raise ValidationError("", f"evidence {content.sha256}: part {number} is missing")
        count += 1
        yield data
    if count != content.chunk_count:
        raise ValidationError("", f"evidence {content.sha256}: parts are missing")


def first_incident(session: Session, attachment: EvidenceAttachment) -> Incident:
    row = session.get(Incident, attachment.incident_id)
    assert row is not None
    return row


def copy_out(
    session: Session,
    content: EvidenceContent,
    handle: BinaryIO,
    progress: ProgressLike | None = None,
    text: str = "",
) -> None:
    """Write ``content``'s bytes to ``handle``, hashed on the way; ``progress`` hears the
    bytes written so far (and may cancel: the caller's output is then discarded)."""
    digest = hashlib.sha256()
    reporter = Reporter(progress, content.size)
    reporter.text = text
    reporter.report()
    for data in stream(session, content):
        digest.update(data)
        handle.write(data)
        reporter.advance(len(data))
    if digest.hexdigest() != content.sha256:
        raise ValidationError(
            "",
            f"evidence {content.sha256} is damaged (its bytes no longer match their SHA-256); "
            "nothing was written. Run 'incident-desk evidence verify'.",
        )


def record(db: Database, sha256: str, action: str, detail: str) -> None:
    if db.read_only:
        return  # nothing can be written: the copy was made all the same
    with db.begin() as session:
        custody.append(session, sha256, action, mapping.current_user(), mapping.utcnow(), detail)
