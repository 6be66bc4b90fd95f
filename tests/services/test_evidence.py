"""Evidence: intake, listing, getting the bytes back, purging, custody and verification."""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import delete, event, select, text, update
from sqlalchemy.exc import OperationalError

from desktop.errors import DeskError, NotFoundError, ValidationError
from desktop.services import evidence, incidents
from desktop.services.progress import Cancelled, Progress
from desktop.store import blobs
from desktop.store.models import CustodyEntry, EvidenceChunk, EvidenceContent

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def _counts(db: Database) -> tuple[int, int, int]:
    with db.begin() as session:
        return tuple(
            session.scalar(text(f"SELECT count(*) FROM {table}"))
            for table in ("evidence_content", "evidence_chunks", "evidence_attachments")
        )


@pytest.fixture
def incident_id(db: Database, make_incident: IncidentFactory) -> str:
    created = incidents.create_incident(db, make_incident())
    assert created.id is not None
    return created.id


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_add_list_get_round_trip(db: Database, incident_id: str, tmp_path: Path) -> None:
    # Three chunks and a bit: the bytes cross chunk boundaries on the way in and out.
    data = os.urandom(3 * blobs.CHUNK_SIZE + 17)
    path = _file(tmp_path, "capture <1> & صورة 📷.png", data)
    [item] = evidence.add_evidence(db, [path], incident_id, citation_index=1, note="from t.me")
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert (item.name, item.size, item.citation_index, item.note, item.added_by) == (
        "capture <1> & صورة 📷.png",
        len(data),
        1,
        "from t.me",
        "tester",
    )
    assert item.media_type == "image/png"
    assert evidence.list_evidence(db, incident_id) == [item]
    out = tmp_path / "out" / "copy.bin"
    evidence.get_evidence(db, item.sha256, out)
    assert out.read_bytes() == data
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    actions = [e.action for e in evidence.custody_trail(db, item.sha256)]
    assert actions == ["added", "linked", "exported"]


def test_identical_files_are_stored_once(db: Database, incident_id: str, tmp_path: Path) -> None:
    data = b"the same bytes" * 1000
    a, b = _file(tmp_path, "a.txt", data), _file(tmp_path, "b.txt", data)
    items = evidence.add_evidence(db, [a, b], incident_id)
    assert items[0].sha256 == items[1].sha256
    # One content, one set of chunks; the second name is the same attachment (same place).
    assert _counts(db) == (1, 1, 1)
    evidence.add_evidence(db, [b], incident_id, citation_index=0)
    assert _counts(db) == (1, 1, 2)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.png", "missing.png: no such file"),
        (lambda d: d, "is a folder"),
        (lambda d: _file(d, "empty.txt", b""), r"is empty \(0 bytes\)"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    db: Database, incident_id: str, tmp_path: Path, make: object, message: str
) -> None:
    good = _file(tmp_path, "good.txt", b"good")
    bad = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ValidationError, match=message):
        evidence.add_evidence(db, [good, bad], incident_id)
    assert _counts(db) == (0, 0, 0)


def test_unreadable_file_is_refused(db: Database, incident_id: str, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = _file(tmp_path, "secret.txt", b"x")
    path.chmod(0)
    with pytest.raises(ValidationError, match="cannot be read"):
        evidence.add_evidence(db, [path], incident_id)
    assert _counts(db) == (0, 0, 0)


def test_unknown_incident_and_citation(db: Database, incident_id: str, tmp_path: Path) -> None:
    path = _file(tmp_path, "a.txt", b"a")
    with pytest.raises(NotFoundError):
        evidence.add_evidence(db, [path], "00000000-0000-4000-8000-000000000000")
    with pytest.raises(ValidationError, match="has no citation 3 \\(it has 2\\)"):
        evidence.add_evidence(db, [path], incident_id, citation_index=2)
    assert _counts(db) == (0, 0, 0)


@pytest.mark.parametrize("kind", ["callback", "progress"])
def test_cancel_midway_leaves_nothing(
    db: Database, incident_id: str, tmp_path: Path, kind: str
) -> None:
    path = _file(tmp_path, "video.mp4", os.urandom(3 * blobs.CHUNK_SIZE))
    seen: list[int] = []

    def on_step(done: int, total: int, _text: str) -> bool:
        seen.append(done)
        return done < 2 * blobs.CHUNK_SIZE  # cancel after the second chunk

    progress: object = on_step
    if kind == "progress":
        handle = Progress(
            lambda done, total, t: None if on_step(done, total, t) else handle.cancel()
        )
        progress = handle
    with pytest.raises(Cancelled):
        evidence.add_evidence(db, [path], incident_id, progress=progress)  # type: ignore[arg-type]
    assert 2 * blobs.CHUNK_SIZE in seen
    assert _counts(db) == (0, 0, 0)


def test_disk_full_midway_leaves_nothing(
    db: Database, incident_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, "video.mp4", os.urandom(3 * blobs.CHUNK_SIZE))
    if db.is_sqlite:
        # A real "database or disk is full": the file may not grow by more than ~1 MiB.
        with db.begin() as session:
            pages = session.scalar(text("PRAGMA page_count"))

        def limit(connection: Any, _record: Any) -> None:
            connection.execute(f"PRAGMA max_page_count={pages + 300}")

        event.listen(db.engine, "connect", limit)
        db.engine.dispose()
    else:
        real = blobs.insert
        calls = 0

        def filling(table: Any) -> Any:
            nonlocal calls
            calls += table is EvidenceChunk
            if calls == 2:
                raise OperationalError("INSERT", {}, Exception("could not extend file: No space"))
            return real(table)

        monkeypatch.setattr(blobs, "insert", filling)
    with pytest.raises(DeskError, match=r"full|No space") as caught:
        evidence.add_evidence(db, [path], incident_id)
    assert "\n" not in str(caught.value).strip()
    if db.is_sqlite:
        event.remove(db.engine, "connect", limit)
        db.engine.dispose()
    monkeypatch.undo()
    assert _counts(db) == (0, 0, 0)


def test_file_failing_midway_leaves_nothing(
    db: Database, incident_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, "video.mp4", os.urandom(3 * blobs.CHUNK_SIZE))
    real_fdopen = os.fdopen

    class Failing:
        def __init__(self, handle: Any) -> None:
            self.handle, self.reads = handle, 0

        def __enter__(self) -> Failing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def seek(self, offset: int) -> int:
            return int(self.handle.seek(offset))

        def read(self, size: int) -> bytes:
            self.reads += 1
            if self.reads == 4:  # the head, then two chunks, then the medium goes away
                raise OSError(5, "Input/output error")
            return bytes(self.handle.read(size))

    monkeypatch.setattr(evidence.os, "fdopen", lambda fd, mode: Failing(real_fdopen(fd, mode)))
    with pytest.raises(ValidationError, match=r"video.mp4: reading failed \(Input/output error\)"):
        evidence.add_evidence(db, [path], incident_id)
    monkeypatch.undo()
    assert _counts(db) == (0, 0, 0)


def test_trash_keeps_and_purge_removes(
    db: Database, incident_id: str, make_incident: IncidentFactory, tmp_path: Path
) -> None:
    other = incidents.create_incident(db, make_incident(title="Another"))
    assert other.id is not None
    shared, own = _file(tmp_path, "shared.txt", b"shared"), _file(tmp_path, "own.txt", b"own")
    evidence.add_evidence(db, [shared, own], incident_id)
    evidence.add_evidence(db, [shared], other.id)
    incidents.delete_incident(db, incident_id)
    assert len(evidence.list_evidence(db, incident_id)) == 2
    incidents.empty_trash(db)
    # The shared bytes stay for the other incident; the purged incident's own bytes go.
    assert _counts(db) == (1, 1, 1)
    own_sha = hashlib.sha256(b"own").hexdigest()
    with db.begin() as session:
        trail = [
            e.action
            for e in session.scalars(
                select(CustodyEntry)
                .where(CustodyEntry.sha256 == own_sha)
                .order_by(CustodyEntry.seq)
            )
        ]
    assert trail == ["added", "linked", "unlinked"]


def test_verify_intact_then_damage_found(db: Database, incident_id: str, tmp_path: Path) -> None:
    a = _file(tmp_path, "a.bin", os.urandom(blobs.CHUNK_SIZE + 5))
    b = _file(tmp_path, "b & c.txt", b"hello")
    c = _file(tmp_path, "c.txt", b"custody")
    item_a, item_b, item_c = evidence.add_evidence(db, [a, b, c], incident_id)
    assert evidence.verification_due(db)
    report = evidence.verify_evidence(db)
    assert report.intact
    assert report.items == 3
    assert not evidence.verification_due(db)
    assert evidence.last_verified(db) == report.verified_at
    with db.begin() as session:
        session.execute(
            update(EvidenceChunk)
            .where(EvidenceChunk.number == 0)
            .where(
                EvidenceChunk.content_id
                == select(EvidenceContent.id)
                .where(EvidenceContent.sha256 == item_b.sha256)
                .scalar_subquery()
            )
            .values(data=b"HELLO")
        )
        session.execute(
            delete(EvidenceChunk)
            .where(EvidenceChunk.number == 1)
            .where(
                EvidenceChunk.content_id
                == select(EvidenceContent.id)
                .where(EvidenceContent.sha256 == item_a.sha256)
                .scalar_subquery()
            )
        )
        session.execute(
            delete(CustodyEntry)
            .where(CustodyEntry.sha256 == item_c.sha256)
            .where(CustodyEntry.action == "linked")
        )
    lines = sorted(p.line for p in evidence.verify_evidence(db).problems)
    assert lines == sorted(
        [
            f"damaged: 'b & c.txt' {item_b.sha256}: the stored bytes no longer match their SHA-256",
            f"missing: 'a.bin' {item_a.sha256}: 1 of 2 parts are gone",
            f"custody: 'c.txt' {item_c.sha256}: custody entry 1 is missing",
        ]
    )


def test_altered_custody_entry_is_found(db: Database, incident_id: str, tmp_path: Path) -> None:
    evidence.add_evidence(db, [_file(tmp_path, "a.txt", b"a")], incident_id)
    with db.begin() as session:
        session.execute(update(CustodyEntry).where(CustodyEntry.seq == 0).values(by="someone else"))
    [problem] = evidence.verify_evidence(db).problems
    assert problem.detail == "custody entry 0 (added) was altered"


def test_entries_cut_off_the_end_are_found(db: Database, incident_id: str, tmp_path: Path) -> None:
    [item] = evidence.add_evidence(db, [_file(tmp_path, "a.txt", b"a")], incident_id)
    with db.begin() as session:  # the chain that is left is whole: only the head tells
        session.execute(delete(CustodyEntry).where(CustodyEntry.seq > 0))
    [problem] = evidence.verify_evidence(db).problems
    assert problem.line == f"custody: 'a.txt' {item.sha256}: the last custody entries are missing"


def test_viewing_copy_is_read_only(db: Database, incident_id: str, tmp_path: Path) -> None:
    [item] = evidence.add_evidence(db, [_file(tmp_path, "note.txt", b"plain text")], incident_id)
    try:
        copy = evidence.viewing_copy(db, item.sha256)
        assert copy.name == "note.txt"
        assert copy.read_bytes() == b"plain text"
        assert copy.stat().st_mode & 0o777 == 0o400
    finally:
        evidence.remove_viewing_copies()
    assert not copy.exists()


def test_unlink_removes_unreferenced_bytes(db: Database, incident_id: str, tmp_path: Path) -> None:
    [item] = evidence.add_evidence(db, [_file(tmp_path, "a.txt", b"a")], incident_id)
    evidence.unlink_evidence(db, item.sha256, incident_id)
    assert _counts(db) == (0, 0, 0)
    with pytest.raises(ValidationError, match="is not a SHA-256"):
        evidence.get_evidence(db, "abc", tmp_path / "x")
