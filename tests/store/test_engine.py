"""Opening, creating and upgrading workspaces, and refusing files that are not ours."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import inspect, text

from desktop.errors import StoreError
from desktop.store import backup
from desktop.store import engine as engine_module
from desktop.store.engine import make_engine, open_database, resolve_url, sqlite_path
from desktop.store.migrate import current_revision, head_revision, upgrade
from tests.postgres_server import PASSWORD, PASSWORD_ROLE

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.postgres_server import PostgresServer


def test_open_database_creates_a_migrated_workspace(db: Database, db_backend: str) -> None:
    with db.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        tables = set(inspect(connection).get_table_names())
        if db_backend == "sqlite":
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert {"incidents", "sources", "citations", "incident_tags", "settings"} <= tables
    assert db.is_sqlite == (db_backend == "sqlite")
    if db_backend == "sqlite":
        assert "incident_fts" in tables
        assert db.label == "test.sqlite3"
    else:
        assert db.engine.dialect.name == "postgresql"
        assert db.label.startswith("postgresql+psycopg://desk@/t_")


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(StoreError), db.begin() as session:
        session.execute(
            text("INSERT INTO incident_tags (incident_id, tag, position) VALUES (999999, 'x', 0)")
        )


def test_reopening_a_current_workspace_makes_no_upgrade_backup(tmp_path: Path) -> None:
    path = tmp_path / "again.sqlite3"
    open_database(path).close()
    open_database(path).close()
    assert list(tmp_path.rglob("*.before-*.bak")) == []


def test_empty_file_is_created_and_migrated_without_backup(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()  # an empty SQLite file
    database = open_database(path)
    try:
        with database.engine.connect() as connection:
            assert current_revision(connection) == head_revision()
    finally:
        database.close()
    assert list(tmp_path.rglob("*.bak")) == []  # nothing to lose, nothing to back up


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
    backups = list((tmp_path / "backups").glob("old.sqlite3.before-*-*.bak"))
    assert len(backups) == 1
    assert backups[0].name.startswith(f"old.sqlite3.before-{head_revision()}-")
    assert backups[0].stat().st_mode & 0o777 == 0o600
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
    # A bare postgresql:// means the driver Incident Desk ships with (psycopg 3).
    assert resolve_url("postgresql://me:secret@host/db") == "postgresql+psycopg://me:secret@host/db"
    assert (
        resolve_url("postgresql+psycopg://me@host:5433/db?sslmode=require")
        == "postgresql+psycopg://me@host:5433/db?sslmode=require"
    )
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


def test_unknown_kind_of_database_is_refused() -> None:
    with pytest.raises(StoreError, match="cannot open 'mysql' databases"):
        open_database("mysql://me@host/db")


# --- files readable by their owner only ----------------------------------------------------


def test_database_and_its_journal_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "new-folder"
    path = folder / "private.sqlite3"
    database = open_database(path)
    try:
        with database.begin() as session:  # a write, so the -wal and -shm files exist
            session.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'v')"))
        companions = [folder / "private.sqlite3-wal", folder / "private.sqlite3-shm"]
        assert all(p.exists() for p in companions)
        for file in (path, *companions):
            assert file.stat().st_mode & 0o777 == 0o600, file
    finally:
        database.close()
    assert folder.stat().st_mode & 0o777 == 0o700


# --- daily automatic backups ---------------------------------------------------------------


def test_reopening_makes_one_daily_backup_a_day(tmp_path: Path) -> None:
    path = tmp_path / "daily.sqlite3"
    open_database(path).close()  # new and empty: nothing to back up yet
    assert not (tmp_path / "backups").exists()
    open_database(path).close()
    daily = list((tmp_path / "backups").glob("daily.sqlite3.daily-*.bak"))
    assert len(daily) == 1
    assert daily[0].stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
    open_database(path).close()  # the same day: no second copy
    assert len(list((tmp_path / "backups").glob("*.bak"))) == 1


def test_daily_backups_rotate(tmp_path: Path) -> None:
    path = tmp_path / "rot.sqlite3"
    open_database(path).close()
    later = datetime.now(UTC)
    made = []
    for _ in range(backup.KEEP + 3):
        later += timedelta(days=1, minutes=1)
        copy = backup.daily_backup_if_due(path, now=later)
        assert copy is not None
        made.append(copy)
        # Pretend the copy was made on that day.
        stamp = later.timestamp()
        os.utime(copy, (stamp, stamp))
    kept = sorted((tmp_path / "backups").glob("rot.sqlite3.daily-*.bak"))
    assert kept == made[-backup.KEEP :]
    # Within a day of the newest, nothing new is made.
    assert backup.daily_backup_if_due(path, now=later + timedelta(hours=23)) is None


def test_upgrade_backups_rotate_in_the_same_folder(tmp_path: Path) -> None:
    path = tmp_path / "mig.sqlite3"
    open_database(path).close()
    for _ in range(backup.KEEP + 2):
        backup.automatic_backup(path, backup.BEFORE_UPGRADE, "0002")
    kept = list((tmp_path / "backups").glob("mig.sqlite3.before-*.bak"))
    assert len(kept) == backup.KEEP


# --- PostgreSQL ---------------------------------------------------------------------------


def test_migrations_create_a_postgresql_workspace(pg_server: PostgresServer) -> None:
    name = pg_server.create_database()
    try:
        engine = make_engine(pg_server.url(name))
        try:
            upgrade(engine, name, "0001")
            with engine.connect() as connection:
                assert current_revision(connection) == "0001"
        finally:
            engine.dispose()
        database = open_database(pg_server.url(name))  # 0001 → head on PostgreSQL
        try:
            with database.engine.connect() as connection:
                assert current_revision(connection) == head_revision()
                tables = set(inspect(connection).get_table_names())
            assert {"incidents", "sources", "citations", "settings"} <= tables
            assert "incident_fts" not in tables  # SQLite's FTS5 only
        finally:
            database.close()
    finally:
        pg_server.drop_database(name)


def test_postgresql_database_of_another_program_is_refused(pg_server: PostgresServer) -> None:
    name = pg_server.create_database()
    try:
        with pg_server.connect(name) as connection:
            connection.execute("CREATE TABLE foo (x integer)")
        with pytest.raises(StoreError, match="another program"):
            open_database(pg_server.url(name))
    finally:
        pg_server.drop_database(name)


def test_postgresql_server_down_is_a_readable_error(pg_server: PostgresServer) -> None:
    down = pg_server.url("postgres").replace(f"port={pg_server.port}", "port=1")
    with pytest.raises(StoreError, match="cannot be reached") as caught:
        open_database(down)
    assert "Traceback" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_postgresql_wrong_password_is_a_readable_error(pg_server: PostgresServer) -> None:
    url = pg_server.url("postgres", user=PASSWORD_ROLE, password="wrong secret")
    with pytest.raises(StoreError, match="refused the user name or password") as caught:
        open_database(url)
    assert "wrong secret" not in str(caught.value)  # never echo a password


def test_postgresql_right_password_connects(pg_server: PostgresServer) -> None:
    name = pg_server.create_database()
    try:
        with pg_server.connect(name) as connection:
            connection.execute(f'ALTER DATABASE "{name}" OWNER TO {PASSWORD_ROLE}')
            connection.execute(f"GRANT ALL ON SCHEMA public TO {PASSWORD_ROLE}")
        database = open_database(pg_server.url(name, user=PASSWORD_ROLE, password=PASSWORD))
        try:
            assert "***" in database.location
            assert PASSWORD not in database.location
        finally:
            database.close()
    finally:
        pg_server.drop_database(name)


def test_postgresql_missing_database_or_user_is_a_readable_error(
    pg_server: PostgresServer,
) -> None:
    with pytest.raises(StoreError, match="has no such database"):
        open_database(pg_server.url("no_such_database"))
    with pytest.raises(StoreError, match="does not know that user"):
        open_database(pg_server.url("postgres", user="nobody_here"))


def test_postgresql_row_locked_by_another_user_is_a_bounded_wait(
    pg_server: PostgresServer, pg_template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = pg_server.create_database(template=pg_template)
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    mine, theirs = open_database(pg_server.url(name)), open_database(pg_server.url(name))
    try:
        with mine.begin() as session:
            session.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'v')"))
        with mine.begin() as holder:
            holder.execute(text("UPDATE settings SET value = 'mine' WHERE key = 'k'"))
            started = time.monotonic()
            with pytest.raises(StoreError, match="busy"), theirs.begin() as session:
                session.execute(text("UPDATE settings SET value = 'theirs' WHERE key = 'k'"))
            assert time.monotonic() - started < 5
        with mine.begin() as session:
            assert session.execute(text("SELECT value FROM settings")).scalar() == "mine"
    finally:
        mine.close()
        theirs.close()
        pg_server.drop_database(name)


def test_copies_opening_a_new_postgresql_database_at_once_all_succeed(
    pg_server: PostgresServer,
) -> None:
    name = pg_server.create_database()
    url = pg_server.url(name)
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            open_database(url).close()
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=open_and_close) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        database = open_database(url)
        try:
            with database.engine.connect() as connection:
                assert current_revision(connection) == head_revision()
        finally:
            database.close()
    finally:
        pg_server.drop_database(name)
