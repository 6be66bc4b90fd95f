"""Backing up and restoring workspace files, on request and from the command line's API."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from desktop.errors import StoreError, ValidationError
from desktop.services import incidents
from desktop.store.backup import (
    automatic_backups,
    backup_database,
    check_workspace_file,
    restore_database,
)
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def titles(db: Database) -> list[str]:
    with db.begin() as session:
        return list(session.scalars(text("SELECT title FROM incidents ORDER BY id")))


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A closed SQLite workspace holding one setting, marker = before."""
    monkeypatch.setenv("INCIDENT_DESK_USER", "tester")
    path = tmp_path / "work.sqlite3"
    database = open_database(path)
    try:
        with database.begin() as session:
            session.execute(text("INSERT INTO settings (key, value) VALUES ('marker', 'before')"))
    finally:
        database.close()
    return path


def setting(path: Path) -> str | None:
    with sqlite3.connect(path) as connection:
        row = connection.execute("SELECT value FROM settings WHERE key = 'marker'").fetchone()
    connection.close()
    return None if row is None else str(row[0])


def test_backup_copies_a_workspace_in_use(
    db: Database, db_backend: str, make_incident: IncidentFactory, tmp_path: Path
) -> None:
    out = tmp_path / "copy.bak"
    if db_backend == "postgresql":
        with pytest.raises(StoreError, match="pg_dump"):
            backup_database(db, out)
        assert not out.exists()
        return
    incidents.create_incident(db, make_incident(title="Kept in the backup"))
    # The workspace stays open, its latest pages still in the WAL file.
    assert backup_database(db, out) == out
    assert out.stat().st_mode & 0o777 == 0o600
    check_workspace_file(out)
    copy = open_database(out, migrate=False)
    try:
        assert titles(copy) == ["Kept in the backup"]
    finally:
        copy.close()


def test_backup_by_path_and_restore_keeps_what_it_replaces(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "saved.bak"
    backup_database(workspace, out)
    with sqlite3.connect(workspace) as connection:
        connection.execute("UPDATE settings SET value = 'after' WHERE key = 'marker'")
    connection.close()

    result = restore_database(out, workspace)
    assert result.target == workspace
    assert setting(workspace) == "before"
    assert result.kept is not None
    assert result.kept.parent == workspace.parent
    assert result.kept.name.startswith("work.sqlite3.before-restore-")
    assert result.kept.name.endswith(".bak")
    assert setting(result.kept) == "after"  # what was replaced is still there
    for file in (workspace, result.kept):
        assert file.stat().st_mode & 0o777 == 0o600
    database = open_database(workspace)  # and the restored file opens normally
    database.close()


def test_restore_into_a_new_file_keeps_nothing(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "saved.bak"
    backup_database(workspace, out)
    fresh = tmp_path / "new-folder" / "fresh.sqlite3"
    result = restore_database(out, fresh)
    assert result.kept is None
    assert setting(fresh) == "before"
    assert fresh.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not an Incident Desk database"),
        (b"just some notes\n" * 100, "not an Incident Desk database"),
        (None, "another program"),
    ],
)
def test_restore_refuses_what_is_not_a_workspace_and_changes_nothing(
    workspace: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    bad = tmp_path / "bad.bak"
    if content is None:
        with sqlite3.connect(bad) as connection:
            connection.execute("CREATE TABLE foo (x INTEGER)")
        connection.close()
    else:
        bad.write_bytes(content)
    before = workspace.read_bytes()
    with pytest.raises(StoreError, match=message):
        restore_database(bad, workspace)
    assert workspace.read_bytes() == before
    assert list(tmp_path.glob("*.before-restore-*")) == []


def test_restore_refuses_a_damaged_backup(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "saved.bak"
    backup_database(workspace, out)
    damage(out)
    with pytest.raises(StoreError, match="damaged"):
        restore_database(out, workspace)
    assert setting(workspace) == "before"


def test_restore_refuses_a_missing_backup(workspace: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        restore_database(tmp_path / "absent.bak", workspace)


def test_backup_of_a_missing_workspace_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        backup_database(tmp_path / "absent.sqlite3", tmp_path / "x.bak")
    assert list(tmp_path.iterdir()) == []


def test_backup_onto_the_workspace_itself_is_refused(workspace: Path) -> None:
    with pytest.raises(ValidationError, match="is the workspace itself"):
        backup_database(workspace, workspace)
    assert setting(workspace) == "before"


def test_restore_refuses_a_workspace_in_use(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "saved.bak"
    backup_database(workspace, out)
    other = sqlite3.connect(workspace, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match="in use by another program"):
            restore_database(out, workspace)
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_restore_into_postgresql_is_refused_with_advice(tmp_path: Path, workspace: Path) -> None:
    out = tmp_path / "saved.bak"
    backup_database(workspace, out)
    with pytest.raises(StoreError, match="pg_restore"):
        restore_database(out, "postgresql+psycopg://me@localhost/db")


def test_restore_refuses_a_workspace_open_elsewhere_even_when_idle(
    workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "saved.bak"
    backup_database(workspace, out)
    app = open_database(workspace)  # like an Incident Desk window left open
    try:
        titles(app)
        with app.engine.connect() as idle:
            idle.execute(text("SELECT 1"))  # an open connection, no transaction
            with pytest.raises(StoreError, match="in use by another program"):
                restore_database(out, workspace)
    finally:
        app.close()
    assert restore_database(out, workspace).target == workspace  # closed: now it can


def test_a_damaged_workspace_comes_back_from_its_latest_automatic_backup(
    workspace: Path,
) -> None:
    database = open_database(workspace)  # reopening an existing workspace: the daily copy
    database.close()
    backups = automatic_backups(workspace)
    assert len(backups) == 1
    assert backups[0].parent == workspace.parent / "backups"
    damage(workspace)
    restore_database(backups[0], workspace)
    assert setting(workspace) == "before"


def damage(path: Path) -> None:
    """Overwrite the middle of the file, where the tables' pages are."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(max(size // 2, 100))
        handle.write(b"\xde\xad\xbe\xef" * 1024)
