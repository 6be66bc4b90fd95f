"""Work cut short midway — a killed process, a failing step — leaves a workspace that opens.

An upgrade and a large import's index rebuild are each one transaction, DDL included
(engine._transactional); these tests kill a real process in the middle of each, or make a
later step fail, and check that nothing half-done is left behind.
"""

from __future__ import annotations

import pickle
import signal
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.exc import OperationalError

from desktop.errors import StoreError
from desktop.records import Document
from desktop.services import interchange
from desktop.store import fulltext, indexes
from desktop.store.engine import make_engine, open_database, resolve_url, sqlite_path
from desktop.store.locations import HEAD_REVISION
from desktop.store.migrate import upgrade

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

ROOT = Path(__file__).resolve().parent.parent.parent


def _old_workspace(path: Path, revision: str) -> None:
    engine = make_engine(resolve_url(path))
    try:
        upgrade(engine, str(path), revision)
    finally:
        engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO settings (key, value) VALUES ('marker', 'kept')")
    connection.close()


def _schema(path: Path) -> tuple[str, set[str]]:
    with sqlite3.connect(path) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    return str(revision), names


def _before_backups(path: Path) -> list[Path]:
    return sorted((path.parent / "backups").glob(f"{path.name}.before-*.bak"))


def _disk_full(_connection: object) -> None:
    raise OperationalError("rebuild", {}, sqlite3.OperationalError("database or disk is full"))


def test_a_failed_upgrade_leaves_the_old_revision_whole_and_one_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    _old_workspace(path, "0003")
    revision, names = _schema(path)
    # 0004 and 0006 create indexes, 0007 and 0008 update rows; 0009's rebuild then fails.
    monkeypatch.setattr(fulltext, "rebuild", _disk_full)
    for _attempt in range(3):
        with pytest.raises(StoreError, match="full"):
            open_database(path)
        assert _schema(path) == (revision, names)  # no ix_incidents_live_title left behind
    assert len(_before_backups(path)) == 1  # retries reuse the one copy made first
    monkeypatch.undo()

    open_database(path).close()
    revision, names = _schema(path)
    assert revision == HEAD_REVISION
    assert "ix_incidents_live_title" in names
    assert len(_before_backups(path)) == 1
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT value FROM settings").fetchone() == ("kept",)
    connection.close()


_KILL_IN_REBUILD = """
import os, signal, sys
from desktop.store import fulltext
from desktop.store.engine import open_database

fulltext.rebuild = lambda connection: os.kill(os.getpid(), signal.SIGKILL)
open_database(sys.argv[1])
"""


def test_an_upgrade_killed_midway_opens_and_upgrades_afterwards(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    _old_workspace(path, "0003")
    before = _schema(path)
    for _attempt in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _KILL_IN_REBUILD, str(path)], cwd=ROOT, check=False
        )
        assert done.returncode == -signal.SIGKILL
        assert _schema(path) == before
    assert len(_before_backups(path)) == 1

    open_database(path).close()
    assert _schema(path)[0] == HEAD_REVISION


_KILL_IN_IMPORT = """
import os, pickle, signal, sys
from desktop.services import bulk, interchange
from desktop.store.engine import open_database

bulk.REBUILD_INDEXES_FROM = 1
bulk.insert_new_incidents = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
with open(sys.argv[2], "rb") as handle:
    document = pickle.load(handle)
interchange.import_document(open_database(sys.argv[1]), document)
"""


def _index_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        found = {row[0] for row in rows}
    connection.close()
    return found


def test_a_large_import_killed_after_dropping_the_indexes_keeps_them(
    db: Database, make_incident: IncidentFactory, tmp_path: Path
) -> None:
    path = sqlite_path(db.url)
    if path is None:
        pytest.skip("indexes are dropped for an import only on SQLite")
    record = make_incident(id=str(uuid.uuid4()))
    interchange.import_document(db, Document((), (record,)))
    expected = _index_names(path)
    # Only new incidents of known sources: the index drop is the transaction's first write.
    more = tuple(replace(record, id=str(uuid.uuid4())) for _ in range(5))
    dump = tmp_path / "document.pickle"
    dump.write_bytes(pickle.dumps(Document((), more)))
    done = subprocess.run(
        [sys.executable, "-c", _KILL_IN_IMPORT, str(path), str(dump)], cwd=ROOT, check=False
    )
    assert done.returncode == -signal.SIGKILL
    assert _index_names(path) == expected


def test_opening_recreates_the_indexes_a_workspace_lacks(tmp_path: Path) -> None:
    """A file an earlier version's killed import left without most of its indexes."""
    path = tmp_path / "bare.sqlite3"
    open_database(path).close()
    complete = _index_names(path)
    with sqlite3.connect(path) as connection:
        for name in indexes.HEAD_INDEXES:
            connection.execute(f"DROP INDEX {name}")
    connection.close()
    open_database(path).close()
    assert _index_names(path) == complete


def test_the_index_list_is_what_the_migrations_make(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        stored = dict(
            connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).fetchall()
        )
    connection.close()
    assert stored == {name: indexes.create_index_sql(name) for name in indexes.HEAD_INDEXES}
