"""Changes saved by another connection (another analyst, another window) show up."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QThread

from desktop.errors import StoreError
from desktop.services import history
from desktop.services import incidents as service
from desktop.services import sources as source_service
from desktop.services.dto import IncidentQuery, SourceData
from desktop.services.sample import load_sample
from desktop.store.engine import open_database, sqlite_path
from desktop.store.notify import listener_factory
from desktop.views.main_window import MainWindow
from desktop.views.partials.change_watcher import ChangeWatcher

if TYPE_CHECKING:
    import pytest
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from desktop.store.notify import ChangeListener
    from tests.conftest import IncidentFactory
    from tests.postgres_server import PostgresServer


def test_a_write_next_door_is_noticed_through_the_file(
    qtbot: QtBot, db: Database, make_incident: IncidentFactory
) -> None:
    path = sqlite_path(db.url)
    assert path is not None
    watcher = ChangeWatcher(
        lambda: history.workspace_stamp(db),
        [path, path.with_name(path.name + "-wal")],
        poll_ms=60_000,  # only the file watcher can wake it within the test
    )
    other = open_database(path)
    try:
        with qtbot.waitSignal(watcher.changed, timeout=5000):
            service.create_incident(other, make_incident(title="Saved by the other analyst"))
    finally:
        other.close()
        watcher.stop()
    assert not watcher.check()  # seen once, not again


def test_own_writes_acknowledged_are_not_news(db: Database, make_incident: IncidentFactory) -> None:
    watcher = ChangeWatcher(lambda: history.workspace_stamp(db), poll_ms=60_000)
    service.create_incident(db, make_incident())
    watcher.acknowledge()
    assert not watcher.check()
    watcher.stop()


def test_the_table_shows_another_users_incident(
    qtbot: QtBot, db: Database, make_incident: IncidentFactory
) -> None:
    load_sample(db)
    window = MainWindow(db, offer_sample=False)
    qtbot.addWidget(window)
    assert window.model.total == 7
    path = sqlite_path(db.url)
    assert path is not None
    other = open_database(path)
    try:
        service.create_incident(other, make_incident(title="Filed from the other office"))
    finally:
        other.close()
    watcher = window.watcher
    assert watcher is not None
    watcher.check()  # what the timer or the file watcher would do
    assert window.model.total == 8
    assert window.filter_bar.count_label.text() == "8 of 8 incidents"


def test_a_write_elsewhere_is_announced_by_postgresql(
    qtbot: QtBot,
    pg_server: PostgresServer,
    pg_template: str,
    make_incident: IncidentFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two analysts on one PostgreSQL database: LISTEN/NOTIFY wakes the watcher at once."""
    monkeypatch.setenv("INCIDENT_DESK_USER", "tester")
    name = pg_server.create_database(template=pg_template)
    url = pg_server.url(name)
    mine, theirs = open_database(url), open_database(url)
    # The sources make_incident cites (by id), there before the watcher starts.
    source_service.create_source(
        theirs, SourceData(name="U.S. Central Command", kind="military", reliability="B")
    )
    source_service.create_source(theirs, SourceData(name="Reuters", kind="media", reliability="C"))
    watcher = ChangeWatcher(
        lambda: history.workspace_stamp(mine),
        poll_ms=60_000,  # only a notification can wake it within the test
        listener=listener_factory(url),
    )
    try:
        qtbot.waitUntil(lambda: watcher.is_listening, timeout=5000)
        with qtbot.waitSignal(watcher.changed, timeout=2000):
            service.create_incident(theirs, make_incident(title="Filed on the server"))
        assert not watcher.check()  # seen once, not again
        with qtbot.assertNotEmitted(watcher.changed, wait=500):
            service.list_incidents(theirs, IncidentQuery())  # reading is no news
    finally:
        watcher.stop()
        threads = watcher.findChildren(QThread)
        mine.close()
        theirs.close()
        pg_server.drop_database(name)
    assert threads
    assert not any(thread.isRunning() for thread in threads)
    assert not watcher.is_listening


def test_no_listener_thread_for_sqlite(db: Database) -> None:
    assert listener_factory(db.url) is None
    watcher = ChangeWatcher(
        lambda: history.workspace_stamp(db), poll_ms=60_000, listener=listener_factory(db.url)
    )
    assert watcher.findChildren(QThread) == []
    assert not watcher.is_listening
    watcher.stop()


def test_an_unreachable_server_leaves_the_poll_and_stops_cleanly(
    qtbot: QtBot, db: Database
) -> None:
    attempts: list[int] = []

    def unreachable() -> ChangeListener:
        attempts.append(1)
        raise StoreError("Cannot listen for changes: the server is away")

    watcher = ChangeWatcher(
        lambda: history.workspace_stamp(db), poll_ms=60_000, listener=unreachable
    )
    qtbot.waitUntil(lambda: bool(attempts), timeout=2000)
    started = time.monotonic()
    watcher.stop()  # interrupts the wait before the next attempt
    assert time.monotonic() - started < 2.0
    assert not any(thread.isRunning() for thread in watcher.findChildren(QThread))
    assert not watcher.is_listening


class FakeListener:
    """Stands in for a PostgreSQL connection: announces a change when told to."""

    def __init__(self) -> None:
        self.announced = threading.Event()
        self.woken = threading.Event()
        self.closed = False

    def announce(self) -> None:
        self.announced.set()
        self.woken.set()

    def wait(self, timeout: float) -> bool:
        self.woken.wait(timeout)
        self.woken.clear()
        if self.announced.is_set():
            self.announced.clear()
            return True
        return False

    def interrupt(self) -> None:
        self.woken.set()

    def close(self) -> None:
        self.closed = True


def test_an_announcement_is_told_on_the_gui_thread_the_stamp_read_in_a_worker(
    qtbot: QtBot,
) -> None:
    stamp = [1]
    read_in: list[str] = []
    told_on_gui_thread: list[bool] = []

    def read_stamp() -> int:
        read_in.append(threading.current_thread().name)
        return stamp[0]

    fake = FakeListener()
    watcher = ChangeWatcher(read_stamp, poll_ms=60_000, listener=lambda: fake)
    watcher.changed.connect(
        lambda: told_on_gui_thread.append(threading.current_thread() is threading.main_thread())
    )
    try:
        qtbot.waitUntil(lambda: watcher.is_listening, timeout=2000)
        stamp[0] = 2
        with qtbot.waitSignal(watcher.changed, timeout=2000):
            fake.announce()
    finally:
        watcher.stop()
    assert fake.closed
    assert told_on_gui_thread == [True]
    # The first look at construction is on the GUI thread; the announcement's in a worker,
    # so the window answers while the stamp's SQL runs.
    assert read_in[0] == threading.main_thread().name
    assert threading.main_thread().name not in read_in[1:]
    assert len(read_in) >= 2


def test_a_stamp_read_before_an_own_write_is_not_news(qtbot: QtBot) -> None:
    """A timer's read in flight when the window writes and acknowledges: its older stamp
    arrives after, and must not be taken for someone else's change."""
    stamp = [1]
    release = threading.Event()
    reading = threading.Event()

    def read_stamp() -> int:
        if threading.current_thread() is not threading.main_thread():
            value = stamp[0]
            reading.set()
            release.wait(5)
            return value
        return stamp[0]

    watcher = ChangeWatcher(read_stamp, poll_ms=60_000)
    try:
        watcher.check_soon()
        assert reading.wait(5)  # reads stamp 1
        stamp[0] = 2  # the window's own write
        watcher.acknowledge()
        with qtbot.assertNotEmitted(watcher.changed, wait=300):
            release.set()
        assert not watcher.check()
        stamp[0] = 3  # someone else's
        with qtbot.waitSignal(watcher.changed, timeout=2000):
            watcher.check_soon()
    finally:
        release.set()
        watcher.stop()


def test_a_watcher_deleted_without_stop_ends_its_thread(qtbot: QtBot) -> None:
    fake = FakeListener()
    window = QObject()
    watcher = ChangeWatcher(lambda: 1, poll_ms=60_000, listener=lambda: fake, parent=window)
    qtbot.waitUntil(lambda: watcher.is_listening, timeout=2000)
    shiboken6.delete(window)  # as when a window goes away: Qt must not abort
    assert fake.closed
