"""PostgreSQL's LISTEN/NOTIFY: committed writes wake listeners, reads and rollbacks do not."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text, update

from desktop.errors import StoreError
from desktop.services import history
from desktop.services import incidents as incident_service
from desktop.services import sources as source_service
from desktop.services.dto import IncidentQuery, SourceData
from desktop.services.mapping import utcnow
from desktop.store.engine import open_database
from desktop.store.models import Incident, Source
from desktop.store.notify import ChangeListener

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory
    from tests.postgres_server import PostgresServer

WAKE_S = 2.0
QUIET_S = 0.5


@pytest.fixture
def pg_db(db: Database) -> Database:
    """The test's workspace, when it is a PostgreSQL one (LISTEN/NOTIFY is PostgreSQL's)."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite workspaces are watched through their file")
    return db


@pytest.fixture
def listener(pg_db: Database) -> Iterator[ChangeListener]:
    listening = ChangeListener(pg_db.url)
    try:
        yield listening
    finally:
        listening.close()


@pytest.fixture
def other(pg_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The workspace as a second analyst opens it."""
    monkeypatch.setenv("INCIDENT_DESK_USER", "other")
    database = open_database(pg_db.url)
    try:
        yield database
    finally:
        database.close()


def _source(db: Database) -> SourceData:
    return source_service.create_source(
        db, SourceData(name="Al Jazeera", kind="media", reliability="C")
    )


def test_a_write_from_another_database_wakes_the_listener(
    listener: ChangeListener, other: Database
) -> None:
    assert not listener.wait(QUIET_S)
    started = time.monotonic()
    _source(other)
    assert listener.wait(WAKE_S)
    assert time.monotonic() - started < WAKE_S
    assert not listener.wait(QUIET_S)  # one save, one wake-up


def test_reads_do_not_wake_the_listener(listener: ChangeListener, other: Database) -> None:
    source = _source(other)
    assert listener.wait(WAKE_S)
    incident_service.list_incidents(other, IncidentQuery(text="drone", sort="relevance"))
    incident_service.count_incidents(other, IncidentQuery())
    history.workspace_stamp(other)
    source_service.get_source(other, source.id or "")
    assert not listener.wait(QUIET_S)


def test_a_rolled_back_write_wakes_no_one(listener: ChangeListener, other: Database) -> None:
    def failing_save() -> None:
        with other.begin() as session:
            now = utcnow()
            session.add(
                Source(
                    slug="x",
                    name="X",
                    kind="media",
                    reliability="C",
                    created_at=now,
                    created_by="other",
                    updated_at=now,
                    updated_by="other",
                )
            )
            session.flush()  # written, then rolled back
            raise RuntimeError("the save fails after writing")

    with pytest.raises(RuntimeError):
        failing_save()
    assert not listener.wait(QUIET_S)


def test_every_kind_of_write_wakes_the_listener(
    listener: ChangeListener, other: Database, make_incident: IncidentFactory
) -> None:
    saved = incident_service.create_incident(other, make_incident(title="Listened for"))
    assert listener.wait(WAKE_S)
    incident_service.delete_incident(other, saved.id or "")
    assert listener.wait(WAKE_S)
    # Changes left pending until the commit flushes them.
    incident_service.restore_incident(other, saved.id or "")
    assert listener.wait(WAKE_S)
    # A statement that bypasses the ORM's unit of work.
    with other.begin() as session:
        session.execute(update(Incident).values(notes="bulk edit"))
    assert listener.wait(WAKE_S)
    with other.begin() as session:
        session.execute(text("DELETE FROM settings"))
    assert listener.wait(WAKE_S)


def test_interrupt_ends_a_wait_at_once(listener: ChangeListener) -> None:
    started = time.monotonic()
    timer = threading.Timer(0.2, listener.interrupt)
    timer.start()
    try:
        assert not listener.wait(30.0)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5.0


def test_a_lost_connection_is_a_store_error(
    listener: ChangeListener, pg_server: PostgresServer
) -> None:
    with pg_server.connect() as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query = 'LISTEN incident_desk'"
        )

    def wait_until_it_fails() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            listener.wait(1.0)

    with pytest.raises(StoreError, match="Lost the connection"):
        wait_until_it_fails()


def test_listening_needs_a_reachable_postgresql(pg_server: PostgresServer, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="Only PostgreSQL"):
        ChangeListener(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(StoreError, match="Not a database address"):
        ChangeListener("nonsense://")
    with pytest.raises(StoreError, match="Cannot listen for changes"):
        ChangeListener(pg_server.url("no_such_database"))
