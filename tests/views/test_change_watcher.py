"""Changes saved by another connection (another analyst, another window) show up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services import history
from desktop.services import incidents as service
from desktop.services.sample import load_sample
from desktop.store.engine import open_database, sqlite_path
from desktop.views.main_window import MainWindow
from desktop.views.partials.change_watcher import ChangeWatcher

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


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


def test_own_writes_acknowledged_are_not_news(
    db: Database, make_incident: IncidentFactory
) -> None:
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
