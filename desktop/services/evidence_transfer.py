"""Evidence across workspaces: the bundle (export and import) and the document's entries.

``export bundle`` writes the interchange document (format ``incident-desk/2``, whose
incidents and citations name their evidence), every evidence file of the incidents in it
and a manifest of SHA-256s (desktop.formats.bundle). ``import`` of a bundle reads and checks
the document, then imports it and stores and links the files **in one transaction**: every
file is hashed on the way in, and one that does not match refuses the whole bundle with
nothing written. A plain document's evidence entries link files the workspace already
holds; the others are named among the warnings (their bytes travel only in a bundle).

Custody trails travel with the files (``custody/<sha256>.json``, desktop.formats.
custody_trail). The exporting workspace records ``exported`` and the bundle carries each
trail up to and including that entry. Import checks every trail's chain before anything is
written (a broken one refuses the bundle, as a hash mismatch does), stores it entry for
entry where the workspace has no trail of that file yet, and appends ``imported`` (from
which bundle; by whom and when are the entry's own). A bundle without trails (written
before they travelled) still imports: the trail starts at ``added`` from the bundle.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop import formats
from desktop.errors import ValidationError
from desktop.formats import bundle as bundle_format
from desktop.formats import custody_trail, json_v2
from desktop.records import Document, EvidenceRef
from desktop.services import custody, evidence, interchange, mapping
from desktop.store import blobs
from desktop.store.engine import sqlite_path
from desktop.store.models import CustodyEntry, EvidenceAttachment, EvidenceContent, Incident
from desktop.store.outputs import check_target, private_output
from desktop.wording import plural, quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from sqlalchemy.orm import Session

    from desktop.formats.custody_trail import TrailEntry
    from desktop.services.dto import IncidentQuery
    from desktop.services.progress import Progress
    from desktop.store.engine import Database


def is_bundle(path: Path) -> bool:
    """Whether ``path`` is read as a bundle: a zip named ``.zip``, or any zip holding a
    bundle's manifest. Other zips (an ``.xlsx`` workbook is one) are left to their formats;
    False for anything unreadable."""
    try:
        if not Path(path).is_file():
            return False
        with Path(path).open("rb") as handle:
            if not bundle_format.recognises(handle.read(4)):
                return False
        if Path(path).suffix.lower() == ".zip":
            return True
        with zipfile.ZipFile(path) as archive:
            return bundle_format.MANIFEST in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


# --- export ----------------------------------------------------------------------------


def evidence_of(db: Database, incident_ids: set[str]) -> dict[str, tuple[EvidenceRef, ...]]:
    """The evidence of the incidents ``incident_ids``, as the interchange format names it."""
    found: dict[str, list[EvidenceRef]] = {}
    for item in evidence.list_evidence(db):
        if item.incident_id in incident_ids:
            found.setdefault(item.incident_id, []).append(
                EvidenceRef(
                    sha256=item.sha256,
                    name=item.name,
                    size=item.size,
                    media_type=item.media_type,
                    note=item.note,
                    added_by=item.added_by,
                    added_at=item.added_at,
                    citation=item.citation_index,
                )
            )
    return {key: tuple(refs) for key, refs in found.items()}


def export_bundle(db: Database, path: Path, query: IncidentQuery | None = None) -> tuple[int, int]:
    """Write a bundle of the workspace (or the incidents ``query`` matches) to ``path``,
    atomically and privately (desktop.store.outputs); (incidents, files) written."""
    workspace = sqlite_path(db.url)
    path = check_target(Path(path), workspace)
    document = interchange.export_records(db, query)
    refs = document.evidence or {}
    shas = sorted({ref.sha256 for group in refs.values() for ref in group})
    user, now = mapping.current_user(), mapping.utcnow().replace(microsecond=0)
    detail = f"in bundle {path.name}"
    with db.begin() as session:
        contents = {
            c.sha256: c
            for c in session.scalars(
                select(EvidenceContent).where(EvidenceContent.sha256.in_(shas))
            )
        }

        def chunks_of(content: EvidenceContent) -> Callable[[], Iterator[bytes]]:
            return lambda: _stored_chunks(session, content)

        files = [
            bundle_format.BundleFile(
                sha,
                contents[sha].size,
                chunks_of(contents[sha]),
                _trail_bytes(session, contents[sha], None if db.read_only else (user, now, detail)),
            )
            for sha in shas
        ]
        with private_output(path, workspace) as handle:
            bundle_format.write_bundle(handle, lambda out: json_v2.write(document, out), files)
    if not db.read_only:
        # The entry the bundle already ends with (the same hash, unless someone appended to
        # a trail meanwhile: then both chains stay whole, they just differ at their ends).
        with db.begin() as session:
            for sha in shas:
                custody.append(session, sha, custody.EXPORTED, user, now, detail)
    return len(document.incidents), len(shas)


def _trail_bytes(
    session: Session, content: EvidenceContent, exported: tuple[str, datetime, str] | None
) -> bytes:
    """The custody member of ``content``: its trail, checked, then the ``exported`` entry
    about to be recorded (``exported``: by, at, detail; None for a read-only workspace)."""
    rows: list[TrailEntry | CustodyEntry] = list(custody.rows_of(session, content.sha256))
    broken = custody.check_chain(rows, content.custody_head)
    if broken is not None:
        raise ValidationError(
            "",
            f"evidence {content.sha256}: {broken}; the bundle was not written. "
            "Run 'incident-desk evidence verify'.",
        )
    if exported is not None:
        by, at, detail = exported
        prev = rows[-1].entry_hash if rows else custody.GENESIS
        seq = len(rows)
        digest = custody.entry_hash(prev, content.sha256, seq, at, by, custody.EXPORTED, detail)
        rows.append(
            custody_trail.TrailEntry(
                content.sha256, seq, at, by, custody.EXPORTED, detail, prev, digest
            )
        )
    return custody_trail.write_trail(content.sha256, rows) if rows else b""


def _stored_chunks(session: Session, content: EvidenceContent) -> Iterator[bytes]:
    for number, data in blobs.read_chunks(session, content.id):
        if data is None:
            raise ValidationError(
                "",
                f"evidence {content.sha256}: part {number} is missing; the bundle was not "
                "written. Run 'incident-desk evidence verify'.",
            )
        yield data


# --- import ----------------------------------------------------------------------------


class _ChunkReader:
    """A chunk iterator as a readable stream (what blobs.write_content copies from)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


def import_bundle(
    db: Database, path: Path, progress: Progress | None = None
) -> interchange.ImportResult:
    """Import a bundle's document and files in one transaction (see the module's docstring)."""
    path = Path(path)
    with bundle_format.Bundle(path) as bundle:
        raw = bundle.document()
        reader = formats.reader_for(bundle_format.DOCUMENT, raw)
        assert reader.read is not None
        document = reader.read(raw, interchange.CHECKS)
        del raw
        wanted = {ref.sha256 for refs in (document.evidence or {}).values() for ref in refs}
        absent = sorted(wanted - set(bundle.files))
        if absent:
            raise ValidationError(
                "", f"{path.name}: the document names evidence {absent[0]}, which is not in it"
            )
        # Every trail read and its chain checked before anything is written.
        trails = {sha: _bundle_trail(bundle, sha) for sha in sorted(wanted & bundle.trails)}

        def store(session: Session) -> tuple[str, ...]:
            user, now = mapping.current_user(), mapping.utcnow()
            for sha in sorted(wanted):
                stored = blobs.find_content(session, sha)
                if stored is not None:
                    for _chunk in bundle.chunks(sha):  # checked all the same
                        pass
                    continue
                name = next(
                    r.name
                    for refs in (document.evidence or {}).values()
                    for r in refs
                    if r.sha256 == sha
                )
                media = next(
                    r.media_type
                    for refs in (document.evidence or {}).values()
                    for r in refs
                    if r.sha256 == sha
                )
                written = blobs.write_content(session, _ChunkReader(bundle.chunks(sha)), media, now)  # type: ignore[arg-type]
                if written.sha256 != sha:  # pragma: no cover - the bundle refuses first
                    raise ValidationError("", f"{path.name}: evidence {sha} does not match")
                what = f"{name}, {written.size:,} bytes, from bundle {path.name}"
                brought = trails.get(sha)
                entries = plural(len(brought or ()), "entry", "entries")
                if brought is None:
                    custody.append(session, sha, custody.ADDED, user, now, what)
                elif custody.entry_count(session, sha) == 0:
                    custody.restore(session, brought)
                    custody.append(
                        session,
                        sha,
                        custody.IMPORTED,
                        user,
                        now,
                        f"{what}, with its custody trail of {entries}",
                    )
                else:  # this workspace's own trail of the file (its bytes since removed) goes on
                    custody.append(
                        session,
                        sha,
                        custody.IMPORTED,
                        user,
                        now,
                        f"{what}; the bundle's trail ({entries}, ending "
                        f"{brought[-1].entry_hash[:16]}) was checked and stays in the bundle",
                    )
            return _link_all(session, document, user)

        return interchange.import_document(db, document, progress, store)


def _bundle_trail(bundle: bundle_format.Bundle, sha: str) -> tuple[TrailEntry, ...]:
    raw = bundle.trail(sha)
    assert raw is not None  # only asked for the trails the bundle holds
    return custody_trail.read_trail(sha, raw)


def linker(document: Document) -> Callable[[Session], tuple[str, ...]] | None:
    """What links a plain document's evidence entries after its import (None: it has none)."""
    if not document.evidence:
        return None
    return lambda session: _link_all(session, document, mapping.current_user())


def _link_all(session: Session, document: Document, user: str) -> tuple[str, ...]:
    """Attach each entry's stored content to its incident; a line for each entry whose
    bytes the workspace does not hold."""
    warnings: list[str] = []
    refs = document.evidence or {}
    rows: dict[str, int] = {
        uuid_: row_id
        for uuid_, row_id in session.execute(
            select(Incident.uuid, Incident.id).where(Incident.uuid.in_(list(refs)))
        )
    }
    for incident_id, entries in refs.items():
        for ref in entries:
            content = blobs.find_content(session, ref.sha256)
            if content is None:
                warnings.append(
                    f"evidence {quoted(ref.name)} ({ref.sha256}) of incident {incident_id} is "
                    "not in this workspace: import the bundle to bring its bytes"
                )
                continue
            _attach(session, rows[incident_id], incident_id, content, ref, user)
    return tuple(warnings)


def _attach(
    session: Session,
    incident_row_id: int,
    incident_id: str,
    content: EvidenceContent,
    ref: EvidenceRef,
    user: str,
) -> None:
    position = (
        EvidenceAttachment.citation_position.is_(None)
        if ref.citation is None
        else EvidenceAttachment.citation_position == ref.citation
    )
    exists = session.scalars(
        select(EvidenceAttachment.id).where(
            EvidenceAttachment.incident_id == incident_row_id,
            EvidenceAttachment.content_id == content.id,
            position,
        )
    ).first()
    if exists is not None:
        return
    now = mapping.utcnow().replace(microsecond=0)
    added_at = ref.added_at.replace(tzinfo=None) if ref.added_at is not None else now
    session.add(
        EvidenceAttachment(
            incident_id=incident_row_id,
            content_id=content.id,
            citation_position=ref.citation,
            name=ref.name,
            note=ref.note,
            added_by=ref.added_by or user,
            added_at=added_at,
        )
    )
    where = "" if ref.citation is None else f", citation {ref.citation + 1}"
    custody.append(
        session,
        ref.sha256,
        custody.LINKED,
        user,
        now,
        f"incident {incident_id}{where}, as {ref.name} (imported)",
    )


def summary(incidents: int, files: int) -> str:
    return f"{plural(incidents, 'incident')} and {plural(files, 'evidence file')}"
