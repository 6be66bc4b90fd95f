"""Nothing committed is ever lost: a killed import, a damaged file, a lock held elsewhere.

The import is killed with SIGKILL in a separate process, as a crash or a power cut would stop
it: no handler runs, so only the database's own transaction keeps the workspace whole.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from copy import deepcopy
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import inspect, text

from desktop.errors import StoreError
from desktop.formats import json_v1
from desktop.resources import resource_path
from desktop.services import interchange
from desktop.services.sample import load_sample
from desktop.store import engine as engine_module
from desktop.store.backup import backup_database, check_workspace_file, restore_database
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database

# Large enough that writing it takes seconds: the kill must land inside the transaction.
BIG_IMPORT_INCIDENTS = 30_000
TABLES = ("incidents", "sources", "citations", "incident_actors", "incident_tags", "settings")


@pytest.fixture(scope="module")
def big_import(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An interchange file: one sample incident changed, then many new incidents."""
    sample = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))
    changed = deepcopy(sample["incidents"][0])
    changed["title"] = "Changed by the import that never finished"
    template = deepcopy(sample["incidents"][1])
    incidents: list[dict[str, Any]] = [changed]
    for i in range(BIG_IMPORT_INCIDENTS):
        record = deepcopy(template)
        record["id"] = f"00000000-0000-4000-8000-{i:012d}"
        record["title"] = f"Generated incident {i}"
        incidents.append(record)
    path = tmp_path_factory.mktemp("big") / "big.json"
    document = {"format": sample["format"], "sources": sample["sources"], "incidents": incidents}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def counts(db: Database) -> dict[str, int]:
    with db.begin() as session:
        return {
            table: int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
            for table in TABLES
        }


def integrity(db: Database) -> str:
    with db.begin() as session:
        if db.is_sqlite:
            return str(session.execute(text("PRAGMA integrity_check")).scalar())
        # PostgreSQL: every table and index still reads from start to end.
        for table in TABLES:
            session.execute(text(f"SELECT * FROM {table}")).all()
        return "ok"


def _import_has_written(db: Database) -> bool:
    """True once the import's transaction has written rows that are not committed."""
    path = engine_module.sqlite_path(db.url)
    if path is not None:
        wal = path.with_name(path.name + "-wal")
        # Pages spill into the WAL file long before the commit of a large transaction.
        return wal.exists() and wal.stat().st_size > 256 * 1024
    with db.engine.connect() as connection:
        writers = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND backend_xid IS NOT NULL "
                "AND pid <> pg_backend_pid()"
            )
        ).scalar()
    return bool(writers)


def test_kill_9_during_import_leaves_the_workspace_as_it_was(
    db: Database, db_url: str, big_import: Path, tmp_path: Path
) -> None:
    load_sample(db)
    before = json_v1.document_json(interchange.export_records(db))
    before_counts = counts(db)
    if db.is_sqlite:
        # An empty WAL file, so that its growth can only be the import's own writing.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    env = {**os.environ, "INCIDENT_DESK_USER": "killed-import"}
    env.pop("INCIDENT_DESK_DB", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop", "import", str(big_import), "--db", db_url],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _import_has_written(db):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # Killed mid-way, not finished: otherwise this test proves nothing.
    assert process.returncode == -signal.SIGKILL

    assert counts(db) == before_counts
    assert json_v1.document_json(interchange.export_records(db)) == before
    assert integrity(db) == "ok"
    reopened = open_database(db_url)  # another process's view, as after a restart
    try:
        assert counts(reopened) == before_counts
        with reopened.begin() as session:  # and nothing is left holding a lock
            session.execute(text("INSERT INTO settings (key, value) VALUES ('after', 'kill')"))
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("offset", "garbage"),
    [
        (0, b"\x00" * 100),  # the header: no longer recognisable as SQLite
        (100, b"\xff" * 3900),  # the schema page right after the header
    ],
    ids=["header", "schema"],
)
def test_a_damaged_workspace_is_a_clear_error(tmp_path: Path, offset: int, garbage: bytes) -> None:
    path = tmp_path / "damaged.sqlite3"
    database = open_database(path)
    load_sample(database)
    database.close()
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(garbage)
    with pytest.raises(StoreError) as caught:
        open_and_read(path)
    message = str(caught.value)
    assert str(path) in message
    assert "damaged" in message or "not a readable" in message
    assert "\n" not in message


def open_and_read(path: Path) -> None:
    database = open_database(path)
    try:
        json_v1.document_json(interchange.export_records(database))
    finally:
        database.close()


def test_a_file_of_another_kind_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.sqlite3"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(8192))
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a readable Incident Desk database"):
        open_database(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_a_lock_held_by_another_process_is_a_clear_error_after_a_bounded_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "held.sqlite3"
    open_database(path).close()
    holder_code = (
        "import sqlite3, time\n"
        f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", holder_code], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
            database = open_database(path)  # reading still works beside a writer
            try:
                started = time.monotonic()
                with pytest.raises(StoreError, match="locked by another program"):
                    load_sample(database)
                assert time.monotonic() - started < 5
            finally:
                database.close()
        finally:
            holder.kill()


def test_backup_damage_restore_brings_the_data_back(tmp_path: Path) -> None:
    path = tmp_path / "precious.sqlite3"
    database = open_database(path)
    load_sample(database)
    before = json_v1.document_json(interchange.export_records(database))
    backup = backup_database(database, tmp_path / "precious.bak")
    database.close()

    size = path.stat().st_size
    with path.open("r+b") as handle:  # a disk error over the tables' pages
        handle.seek(size // 3)
        handle.write(os.urandom(size // 3))
    with pytest.raises(StoreError, match="damaged"):
        check_workspace_file(path)

    result = restore_database(backup, path)
    assert result.kept is not None
    assert result.kept.exists()
    database = open_database(path)
    try:
        assert json_v1.document_json(interchange.export_records(database)) == before
        assert integrity(database) == "ok"
        assert {"incidents", "sources"} <= set(inspect(database.engine).get_table_names())
    finally:
        database.close()
