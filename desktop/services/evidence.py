"""Evidence: the files behind an incident's citations, kept byte for byte in the workspace.

The bytes live in the database itself (desktop.store.blobs), so they travel with the
workspace file, its backups and a shared PostgreSQL database. Identical files are stored
once (one content row per SHA-256); an attachment links stored content to an incident and
optionally to one of its citations. Every content item has a custody trail
(desktop.services.custody): added, linked, unlinked, exported, verified.

Use cases, each one session:

- :func:`add_evidence` — attach files, streamed and hashed as they are copied, all in one
  transaction: a cancel or a failure (unreadable file, full disk) leaves nothing.
- :func:`list_evidence`, :func:`custody_trail` — what is attached, and what happened to it.
- :func:`get_evidence` — the stored bytes, exactly, to a file (through desktop.store.outputs).
- :func:`viewing_copy` — a read-only copy in a private temporary folder, for a viewer.
- :func:`unlink_evidence` — detach one; bytes nothing refers to any more are deleted.
- :func:`verify_evidence`, :func:`verification_due` — rehash everything, check the trails.

Plain dataclasses come out; a citation is named by its position in the incident's
citations, **from 0** (the command line's ``--citation N`` counts from 1 and subtracts).
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy import func, select

from desktop.errors import NotFoundError, ValidationError
from desktop.formats.json_v2 import MAX_NAME, MAX_NOTE
from desktop.services import custody, mapping
from desktop.services.evidence_common import (
    EvidenceItem,
    Reporter,
    content_row,
    copy_out,
    first_incident,
    incident_row,
    item,
    link_words,
    record,
    stored,
)
from desktop.services.evidence_verify import (
    VERIFY_EVERY,
    EvidenceProblem,
    VerifyReport,
    last_problems,
    last_verified,
    verification_due,
    verify_evidence,
)
from desktop.store import blobs
from desktop.store.engine import sqlite_path
from desktop.store.models import EvidenceAttachment, EvidenceContent, Incident
from desktop.store.outputs import private_output
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

    from desktop.services.evidence_common import ProgressLike
    from desktop.store.engine import Database

__all__ = [
    "VERIFY_EVERY",
    "EvidenceItem",
    "EvidenceProblem",
    "VerifyReport",
    "add_evidence",
    "custody_trail",
    "get_evidence",
    "last_problems",
    "last_verified",
    "list_evidence",
    "release_purged",
    "remove_viewing_copies",
    "unlink_evidence",
    "verification_due",
    "verify_evidence",
    "viewing_copy",
]

# Media types told by the first bytes, for files whose name says nothing.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
)


# --- intake ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Intake:
    path: Path
    name: str
    size: int


def _display_name(path: Path) -> str:
    """The file's name as text: bytes that are not UTF-8 (possible on POSIX) replaced."""
    raw = os.fsencode(path.name)
    name = raw.decode("utf-8", "replace").replace("\x00", "")
    return name[:MAX_NAME] or "unnamed"


def _check_file(path: Path) -> _Intake:
    """The file to take in, or a one-line refusal naming it."""
    path = Path(path)
    shown = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ValidationError("", f"{shown}: no such file") from None
    except OSError as exc:
        raise ValidationError("", f"{shown}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValidationError("", f"{shown} is a folder; attach the files in it instead")
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError("", f"{shown} is not a regular file (a device or a pipe)")
    if info.st_size == 0:
        raise ValidationError("", f"{shown} is empty (0 bytes): there is nothing to keep")
    if not os.access(path, os.R_OK):
        raise ValidationError("", f"{shown}: cannot be read (permission denied)")
    return _Intake(path, _display_name(path), info.st_size)


def _media_type(name: str, head: bytes) -> str:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def _check_citation(session: Session, row: Incident, citation_index: int | None) -> None:
    if citation_index is None:
        return
    count = len(row.citations)
    if not 0 <= citation_index < count:
        which = f"citation {citation_index + 1}"
        has = f"it has {count}" if count else "it has none"
        raise ValidationError("citation", f"{quoted(row.title)} has no {which} ({has})")


def _clean_note(note: str | None) -> str:
    note = (note or "").replace("\x00", "")
    if len(note) > MAX_NOTE:
        raise ValidationError("note", f"is longer than {MAX_NOTE:,} characters")
    return note


def add_evidence(
    db: Database,
    paths: Sequence[Path],
    incident_id: str,
    citation_index: int | None = None,
    note: str | None = None,
    progress: ProgressLike | None = None,
) -> list[EvidenceItem]:
    """Attach the files at ``paths`` to an incident (or its citation ``citation_index``,
    from 0), each with ``note``; the attachments made, in the order given.

    Every file is checked first (missing, unreadable, a folder, empty: a one-line
    :class:`ValidationError` naming it). Then all are copied into the workspace in one
    transaction, a chunk at a time, hashed as they are copied: the SHA-256, size, media
    type, name, who (``INCIDENT_DESK_USER`` or the system user) and when are recorded, and
    the custody trail gains ``added`` (bytes new to the workspace) and ``linked``.
    ``progress`` hears the bytes copied so far of all files; cancelling it (or a callback
    returning False) raises :class:`~desktop.services.progress.Cancelled`, and like any
    failure leaves nothing stored. A file already attached the same way is not attached
    twice (its existing attachment is returned).
    """
    if not paths:
        raise ValidationError("", "no files given")
    intakes = [_check_file(p) for p in paths]
    note_text = _clean_note(note)
    reporter = Reporter(progress, sum(i.size for i in intakes))
    user = mapping.current_user()
    results: list[EvidenceItem] = []
    with db.begin() as session:
        row = incident_row(session, incident_id)
        _check_citation(session, row, citation_index)
        for number, intake in enumerate(intakes, 1):
            reporter.text = f"Adding {intake.name} ({number} of {len(intakes)})"
            reporter.report()
            now = mapping.utcnow()
            written = _copy_in(session, intake, now, reporter)
            if written.new:
                custody.append(
                    session,
                    written.sha256,
                    custody.ADDED,
                    user,
                    now,
                    f"{intake.name}, {written.size:,} bytes",
                )
            attachment = _link(
                session, row, written.content_id, citation_index, intake.name, note_text, user
            )
            results.append(item(attachment, row, content_row(session, written.content_id)))
        reporter.report()
    return results


def _copy_in(session: Session, intake: _Intake, now: datetime, reporter: Reporter) -> blobs.Written:
    try:
        fd = os.open(intake.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        handle: BinaryIO = os.fdopen(fd, "rb")
    except OSError as exc:
        raise ValidationError(
            "", f"{intake.path}: cannot be read ({exc.strerror or exc})"
        ) from None
    with handle:
        try:
            head = handle.read(16)
            handle.seek(0)
            media_type = _media_type(intake.name, head)
            written = blobs.write_content(session, handle, media_type, now, reporter.advance)
        except OSError as exc:  # the file, not the database: it went away or cannot be read
            raise ValidationError(
                "", f"{intake.path}: reading failed ({exc.strerror or exc}); nothing was stored"
            ) from None
    if written.size == 0:
        raise ValidationError("", f"{intake.path} is empty (0 bytes): there is nothing to keep")
    return written


def _link(
    session: Session,
    row: Incident,
    content_id: int,
    citation_index: int | None,
    name: str,
    note: str,
    user: str,
) -> EvidenceAttachment:
    """The attachment of ``content_id`` to ``row`` (and its citation), made if new."""
    position = (
        EvidenceAttachment.citation_position.is_(None)
        if citation_index is None
        else EvidenceAttachment.citation_position == citation_index
    )
    existing = session.scalars(
        select(EvidenceAttachment).where(
            EvidenceAttachment.incident_id == row.id,
            EvidenceAttachment.content_id == content_id,
            position,
        )
    ).first()
    if existing is not None:
        return existing
    now = mapping.utcnow().replace(microsecond=0)
    attachment = EvidenceAttachment(
        incident_id=row.id,
        content_id=content_id,
        citation_position=citation_index,
        name=name,
        note=note,
        added_by=user,
        added_at=now,
    )
    session.add(attachment)
    session.flush()
    content = content_row(session, content_id)
    custody.append(
        session, content.sha256, custody.LINKED, user, now, link_words(row, citation_index, name)
    )
    return attachment


# --- reading ---------------------------------------------------------------------------


def list_evidence(db: Database, incident_id: str | None = None) -> list[EvidenceItem]:
    """The attachments of one incident (by citation, then as added), or of every incident
    (trashed ones included: they keep their evidence until purged)."""
    with db.begin() as session:
        return _attachments(session, None if incident_id is None else [incident_id])


def _attachments(session: Session, incident_ids: Sequence[str] | None) -> list[EvidenceItem]:
    stmt = (
        select(EvidenceAttachment, Incident, EvidenceContent)
        .join(Incident, Incident.id == EvidenceAttachment.incident_id)
        .join(EvidenceContent, EvidenceContent.id == EvidenceAttachment.content_id)
        .order_by(
            Incident.start_at,
            Incident.id,
            EvidenceAttachment.citation_position.is_not(None),
            EvidenceAttachment.citation_position,
            EvidenceAttachment.id,
        )
    )
    if incident_ids is not None:
        if len(incident_ids) == 1:
            incident_row(session, incident_ids[0])  # an unknown id is a problem, not nothing
        stmt = stmt.where(Incident.uuid.in_(incident_ids))
    return [item(a, i, c) for a, i, c in session.execute(stmt)]


def custody_trail(db: Database, sha256: str) -> list[custody.Custody]:
    """The custody trail of stored evidence, oldest entry first."""
    with db.begin() as session:
        content = stored(session, sha256)
        return custody.trail(session, content.sha256)


def get_evidence(
    db: Database, sha256: str, out_path: Path, progress: ProgressLike | None = None
) -> EvidenceItem | None:
    """Write the stored bytes of ``sha256`` to ``out_path``, exactly, streamed.

    Written atomically and privately (desktop.store.outputs, never over the workspace); the
    bytes are hashed on the way out and a file that does not match is not left behind. The
    trail gains ``exported`` (unless the workspace is read-only). Returns an attachment of
    the content (for its name), None if it is attached to nothing. ``progress`` hears the
    bytes copied; cancelled, nothing is left at ``out_path`` and the trail is not written.
    """
    workspace = sqlite_path(db.url)
    with db.begin() as session:
        content = stored(session, sha256)
        with private_output(Path(out_path), workspace) as handle:
            copy_out(session, content, handle, progress, f"Copying {Path(out_path).name}")
        first = session.scalars(
            select(EvidenceAttachment).where(EvidenceAttachment.content_id == content.id)
        ).first()
        found = None if first is None else item(first, first_incident(session, first), content)
        sha = content.sha256
    record(db, sha, custody.EXPORTED, f"to {Path(out_path).name}")
    return found


_viewing_folder: Path | None = None


def viewing_copy(
    db: Database, sha256: str, name: str | None = None, progress: ProgressLike | None = None
) -> Path:
    """A read-only copy of stored evidence for a viewer, in a private temporary folder.

    Named ``name`` (its base name only; the attachment's name when None) so the system's
    viewer knows the type. The folder (0700) is this process's; :func:`remove_viewing_copies`
    empties it. A viewing copy is not an export: the trail is not written.
    """
    global _viewing_folder
    if _viewing_folder is None or not _viewing_folder.is_dir():
        _viewing_folder = Path(tempfile.mkdtemp(prefix="incident-desk-evidence-"))
    with db.begin() as session:
        content = stored(session, sha256)
        if name is None:
            name = session.scalar(
                select(EvidenceAttachment.name).where(EvidenceAttachment.content_id == content.id)
            )
        base = Path((name or content.sha256).replace("\\", "/")).name or content.sha256
        folder = _viewing_folder / content.sha256
        folder.mkdir(mode=0o700, exist_ok=True)
        target = folder / base
        if target.exists():
            return target
        with private_output(target, None) as handle:
            copy_out(session, content, handle, progress, f"Copying {base}")
    target.chmod(0o400)
    return target


def remove_viewing_copies() -> None:
    """Delete this process's viewing copies (at exit)."""
    global _viewing_folder
    if _viewing_folder is None:
        return
    import shutil

    for path in _viewing_folder.rglob("*"):
        with contextlib.suppress(OSError):
            path.chmod(0o700 if path.is_dir() else 0o600)
    shutil.rmtree(_viewing_folder, ignore_errors=True)
    _viewing_folder = None


# --- unlinking and purging -------------------------------------------------------------


def unlink_evidence(
    db: Database, sha256: str, incident_id: str, citation_index: int | None = None
) -> None:
    """Detach ``sha256`` from an incident (or its citation); the trail gains ``unlinked``.

    Bytes no longer attached to anything are deleted from the workspace (their trail
    stays).
    """
    user = mapping.current_user()
    with db.begin() as session:
        row = incident_row(session, incident_id)
        content = stored(session, sha256)
        position = (
            EvidenceAttachment.citation_position.is_(None)
            if citation_index is None
            else EvidenceAttachment.citation_position == citation_index
        )
        attachment = session.scalars(
            select(EvidenceAttachment).where(
                EvidenceAttachment.incident_id == row.id,
                EvidenceAttachment.content_id == content.id,
                position,
            )
        ).first()
        if attachment is None:
            raise NotFoundError(f"{content.sha256} is not attached there.")
        custody.append(
            session,
            content.sha256,
            custody.UNLINKED,
            user,
            mapping.utcnow(),
            link_words(row, citation_index, attachment.name),
        )
        session.delete(attachment)
        session.flush()
        _drop_unreferenced(session, [content.id])


def release_purged(session: Session, incident_row_ids: Sequence[int]) -> None:
    """Before incidents are purged: unlink their evidence (recorded in the trails) and
    delete the bytes nothing else refers to. Called in the purge's own transaction."""
    if not incident_row_ids:
        return
    user, now = mapping.current_user(), mapping.utcnow()
    found = session.execute(
        select(EvidenceAttachment, Incident.uuid, EvidenceContent.sha256)
        .join(Incident, Incident.id == EvidenceAttachment.incident_id)
        .join(EvidenceContent, EvidenceContent.id == EvidenceAttachment.content_id)
        .where(EvidenceAttachment.incident_id.in_(incident_row_ids))
    ).all()
    contents = set()
    for attachment, uuid_, sha in found:
        where = (
            ""
            if attachment.citation_position is None
            else (f", citation {attachment.citation_position + 1}")
        )
        detail = f"incident {uuid_}{where}, as {attachment.name} (incident purged)"
        custody.append(session, sha, custody.UNLINKED, user, now, detail)
        contents.add(attachment.content_id)
        session.delete(attachment)
    session.flush()
    _drop_unreferenced(session, sorted(contents))


def _drop_unreferenced(session: Session, content_ids: Sequence[int]) -> None:
    for content_id in content_ids:
        used = session.scalar(
            select(func.count()).where(EvidenceAttachment.content_id == content_id)
        )
        if not used:
            blobs.drop_content(session, content_id)
