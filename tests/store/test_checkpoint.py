"""The WAL checkpoint after an evidence intake runs in the background, and loses nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.pool import QueuePool

from desktop.records import IncidentData, When
from desktop.services import evidence, incidents
from desktop.services.progress import Cancelled
from desktop.store import blobs, checkpoint
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from desktop.store.engine import Database

_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("INCIDENT_DESK_USER", "tester")
    return open_database(tmp_path / "work.sqlite3")


def _incident(db: Database) -> str:
    day = date(2024, 1, 1)
    created = incidents.create_incident(
        db,
        IncidentData(
            title="Drone strike",
            when=When(day, day),
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
        ),
    )
    assert created.id is not None
    return created.id


def _autocheckpoints(db: Database) -> list[int]:
    """``wal_autocheckpoint`` of every connection the pool holds."""
    pool = db.engine.pool
    held = pool.checkedin() if isinstance(pool, QueuePool) else 1
    connections = [db.engine.raw_connection() for _ in range(held or 1)]
    try:
        return [
            c.driver_connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0]  # type: ignore[union-attr]
            for c in connections
        ]
    finally:
        for connection in connections:
            connection.close()


def test_the_intake_lands_in_the_database_file_and_the_connection_is_restored(
    sqlite_db: Database, tmp_path: Path
) -> None:
    incident_id = _incident(sqlite_db)
    data = os.urandom(3 * blobs.CHUNK_SIZE + 5)
    path = tmp_path / "video.mp4"
    path.write_bytes(data)
    [item] = evidence.add_evidence(sqlite_db, [path], incident_id)
    checkpoint.wait(sqlite_db.engine)
    assert set(_autocheckpoints(sqlite_db)) == {checkpoint.AUTOCHECKPOINT_PAGES}
    # The database file alone, without its WAL, holds the evidence: the checkpoint ran.
    alone = tmp_path / "alone" / "work.sqlite3"
    alone.parent.mkdir()
    shutil.copyfile(tmp_path / "work.sqlite3", alone)
    copy = open_database(alone, daily_backup=False)
    try:
        out = tmp_path / "out.mp4"
        evidence.get_evidence(copy, item.sha256, out)
        assert hashlib.sha256(out.read_bytes()).hexdigest() == item.sha256
    finally:
        copy.close()
        sqlite_db.close()


def test_a_cancelled_intake_restores_the_connection_too(
    sqlite_db: Database, tmp_path: Path
) -> None:
    incident_id = _incident(sqlite_db)
    path = tmp_path / "video.mp4"
    path.write_bytes(os.urandom(3 * blobs.CHUNK_SIZE))
    with pytest.raises(Cancelled):
        evidence.add_evidence(
            sqlite_db, [path], incident_id, progress=lambda done, _t, _x: done < blobs.CHUNK_SIZE
        )
    checkpoint.wait(sqlite_db.engine)
    assert set(_autocheckpoints(sqlite_db)) == {checkpoint.AUTOCHECKPOINT_PAGES}
    assert evidence.list_evidence(sqlite_db) == []
    sqlite_db.close()


_DIES_BEFORE_ITS_CHECKPOINT = """
import os, sys
from pathlib import Path
from desktop.services import evidence, incidents
from desktop.store import checkpoint
from desktop.store.engine import open_database
from benchmarks.evidence import incident
checkpoint.Checkpointer.start = lambda self: None  # the process dies before it would run
db = open_database(sys.argv[1])
created = incidents.create_incident(db, incident())
[item] = evidence.add_evidence(db, [Path(sys.argv[2])], created.id)
print(item.sha256, flush=True)
os._exit(0)  # no close, no checkpoint: only the WAL holds the evidence
"""


def test_a_process_dying_before_the_checkpoint_keeps_the_committed_evidence(
    tmp_path: Path,
) -> None:
    data = os.urandom(2 * blobs.CHUNK_SIZE + 1)
    path = tmp_path / "video.mp4"
    path.write_bytes(data)
    workspace = tmp_path / "work.sqlite3"
    child = subprocess.run(
        [sys.executable, "-c", _DIES_BEFORE_ITS_CHECKPOINT, str(workspace), str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(_ROOT), "INCIDENT_DESK_USER": "tester"},
    )
    sha256 = child.stdout.split()[0]
    assert Path(f"{workspace}-wal").stat().st_size > len(data)  # not checkpointed
    db = open_database(workspace, daily_backup=False)
    try:
        assert evidence.verify_evidence(db).intact
        out = tmp_path / "out.mp4"
        evidence.get_evidence(db, sha256, out)
        assert out.read_bytes() == data
    finally:
        db.close()
