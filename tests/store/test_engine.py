"""Opening, creating and upgrading workspaces, and refusing files that are not ours."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from desktop.errors import StoreError
from desktop.store import engine as engine_module
from desktop.store.engine import make_engine, open_database, resolve_url, sqlite_path
from desktop.store.migrate import current_revision, head_revision, upgrade

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database


def test_open_database_creates_a_migrated_workspace(db: Database) -> None:
    with db.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        tables = {
            row[0]
            for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        }
    assert {"incidents", "sources", "citations", "settings", "incident_fts"} <= tables
    assert db.is_sqlite
    assert db.label == "test.sqlite3"


def test_reopening_a_current_workspace_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "again.sqlite3"
    open_database(path).close()
    open_database(path).close()
    assert list(tmp_path.glob("*.bak")) == []


def test_empty_file_is_created_and_migrated_without_backup(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()  # an empty SQLite file
    database = open_database(path)
    try:
        with database.engine.connect() as connection:
            assert current_revision(connection) == head_revision()
    finally:
        database.close()
    assert list(tmp_path.glob("*.bak")) == []  # nothing to lose, nothing to back up


def test_upgrade_from_first_revision_backs_up_first(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(resolve_url(path))
    try:
        upgrade(engine, str(path), "0001")
        with engine.connect() as connection:
            assert current_revision(connection) == "0001"
    finally:
        engine.dispose()

    database = open_database(path)
    try:
        with database.engine.connect() as connection:
            assert current_revision(connection) == head_revision()
    finally:
        database.close()
    backups = list(tmp_path.glob("old.sqlite3.before-0002-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    copy.close()


def test_garbage_file_is_refused_with_a_readable_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(StoreError) as caught:
        open_database(path)
    message = str(caught.value)
    assert "not a readable Incident Desk database" in message
    assert str(path) in message
    assert "Traceback" not in message
    assert path.read_bytes() == b"garbage" * 1000  # left alone


def test_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE foo (x INTEGER)")
    connection.close()
    with pytest.raises(StoreError, match="another program"):
        open_database(path)
    with sqlite3.connect(path) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert tables == {"foo"}  # nothing added to someone else's file
    with sqlite3.connect(path) as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()
    connection.close()
    assert mode == ("delete",)  # not switched to WAL either


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_database(tmp_path)


def test_resolve_url_from_path(tmp_path: Path) -> None:
    url = resolve_url(tmp_path / "a.sqlite3")
    assert url == f"sqlite:///{(tmp_path / 'a.sqlite3').resolve()}"
    assert sqlite_path(url) == (tmp_path / "a.sqlite3").resolve()


def test_resolve_url_from_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_url("rel.sqlite3") == f"sqlite:///{(tmp_path / 'rel.sqlite3').resolve()}"


def test_resolve_url_honours_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENT_DESK_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_url() == f"sqlite:///{(tmp_path / 'env.sqlite3').resolve()}"
    # An explicit target wins over the environment.
    assert resolve_url(tmp_path / "x.sqlite3").endswith("x.sqlite3")


def test_resolve_url_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    monkeypatch.setattr(engine_module, "default_database_path", lambda: tmp_path / "d.sqlite3")
    assert resolve_url() == f"sqlite:///{tmp_path / 'd.sqlite3'}"


def test_resolve_url_keeps_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    assert resolve_url("postgresql://me:secret@host/db") == "postgresql://me:secret@host/db"
    assert resolve_url("sqlite:///:memory:") == "sqlite:///:memory:"
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("postgresql://me:secret@host/db") is None
    monkeypatch.setenv("INCIDENT_DESK_DB", "sqlite:////tmp/x.sqlite3")
    assert resolve_url() == "sqlite:////tmp/x.sqlite3"


def test_resolve_url_refuses_a_bad_url() -> None:
    with pytest.raises(StoreError, match="Not a database address"):
        resolve_url("not a scheme://x")


def test_workspace_of_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    with pytest.raises(StoreError, match="newer version"):
        open_database(path)


def test_unreachable_folder_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="Cannot create the folder"):
        open_database(blocker / "db.sqlite3")


def test_locked_database_gives_a_readable_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "busy.sqlite3"
    database = open_database(path)
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError, match="locked by another program"), database.begin() as s:
            s.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'v')"))
        other.execute("ROLLBACK")
    finally:
        other.close()
        database.close()


def test_settings_table_exists_after_upgrade(db: Database) -> None:
    with db.begin() as session:
        session.execute(text("INSERT INTO settings (key, value) VALUES ('bluf', 'x')"))
    with db.begin() as session:
        assert session.execute(text("SELECT value FROM settings")).scalar() == "x"
