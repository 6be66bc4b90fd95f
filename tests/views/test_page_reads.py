"""A large workspace reads a new query's first page in a worker: the window answers meanwhile,
the rows shown stay until the new ones arrive, a newer query wins, a failure is told once."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from desktop.errors import StoreError
from desktop.services import incidents
from desktop.services.dto import IncidentQuery
from desktop.services.sample import load_sample
from desktop.views import main_listing
from desktop.views.main_window import MainWindow
from desktop.views.partials.incident_table_model import IncidentTableModel
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    import pytest
    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentRow
    from desktop.store.engine import Database

IRAQ = IncidentQuery(countries=("IQ",))
LEBANON = IncidentQuery(countries=("LB",))


def titles(model: IncidentTableModel) -> list[str]:
    return [str(model.index(r, model.COL_TITLE).data()) for r in range(model.rowCount())]


def expected(db: Database, query: IncidentQuery) -> list[str]:
    return [row.title for row in incidents.list_incidents(db, query, 0, 64)]


def threaded_model(db: Database, release: threading.Event | None = None) -> IncidentTableModel:
    def fetch(query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        if release is not None and threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return incidents.list_incidents(db, query, offset, limit)

    model = IncidentTableModel(fetch, lambda query: incidents.count_incidents(db, query))
    model.set_query(IncidentQuery())  # at once: not in a worker yet
    model.pages_in_thread = True
    return model


def test_the_rows_shown_stay_until_the_new_page_arrives(qtbot: QtBot, db: Database) -> None:
    load_sample(db)
    release = threading.Event()
    model = threaded_model(db, release)
    everything = titles(model)
    assert len(everything) == 7
    resets: list[IncidentQuery] = []
    model.modelReset.connect(lambda: resets.append(model.query))
    try:
        with qtbot.waitSignal(model.pageAsked, timeout=1000):
            model.set_query(IRAQ)
        assert titles(model) == everything  # still the rows read before
        assert model.query == IncidentQuery()
        assert model.wanted == IRAQ
    finally:
        release.set()
    qtbot.waitUntil(lambda: model.query == IRAQ, timeout=5000)
    assert titles(model) == expected(db, IRAQ)
    assert resets == [IRAQ]
    assert model.total == len(expected(db, IRAQ))  # a short page is its own count
    model.wait_for_count()


def test_a_newer_query_wins_over_a_page_still_being_read(qtbot: QtBot, db: Database) -> None:
    load_sample(db)
    release = threading.Event()
    model = threaded_model(db, release)
    resets: list[IncidentQuery] = []
    model.modelReset.connect(lambda: resets.append(model.query))
    try:
        model.set_query(IRAQ)
        model.set_query(LEBANON)
        model.set_query(LEBANON)  # asked again while on its way: read once
    finally:
        release.set()
    qtbot.waitUntil(lambda: model.query == LEBANON, timeout=5000)
    qtbot.wait(50)  # a late page of Iraq would arrive with these events
    assert resets == [LEBANON]
    assert titles(model) == expected(db, LEBANON)
    # Back to the query shown while another is on its way: that one is dropped.
    release.clear()
    try:
        model.set_query(IRAQ)
        model.set_query(LEBANON)
    finally:
        release.set()
    model.wait_for_count()
    qtbot.wait(50)
    assert model.query == LEBANON
    assert model.wanted == LEBANON
    assert titles(model) == expected(db, LEBANON)


def test_a_failed_page_is_told_and_the_rows_shown_stay(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_sample(db)
    model = threaded_model(db)
    everything = titles(model)

    def broken(_db: Database, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        raise StoreError("The workspace could not be read.")

    monkeypatch.setattr(incidents, "list_incidents", broken)
    with qtbot.waitSignal(model.pageFailed, timeout=5000) as failed:
        model.set_query(IRAQ)
    assert failed.args == ["The workspace could not be read."]
    assert titles(model) == everything
    assert model.query == IncidentQuery()
    assert model.wanted == IncidentQuery()  # nothing on its way any more


def test_the_window_answers_while_a_large_workspaces_page_is_read(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_sample(db)
    # The sample's 7 incidents stand for a large workspace.
    monkeypatch.setattr(main_listing, "PAGES_IN_THREAD_FROM", 5)
    win = MainWindow(db, offer_sample=False)
    dialogs = RecordingDialogs(answer=False)
    win.dialogs = dialogs  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    assert win.model.pages_in_thread
    newest = titles(win.model)[0]
    qtbot.waitUntil(lambda: win.detail.title_label.text() == newest, timeout=5000)

    release = threading.Event()
    read = incidents.list_incidents

    def held(db: Database, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        if threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return read(db, query, offset, limit)

    monkeypatch.setattr(incidents, "list_incidents", held)
    try:
        qtbot.keyClicks(win.filter_bar.search, "airbase")
        qtbot.waitUntil(lambda: win.model.wanted.text == "airbase", timeout=3000)
        # The window answered: the old rows and the pane's incident are still shown.
        assert len(titles(win.model)) == 7
        assert win.detail.title_label.text() == newest
    finally:
        release.set()
    qtbot.waitUntil(lambda: win.model.query.text == "airbase", timeout=5000)
    rows = titles(win.model)
    assert len(rows) == 2
    assert all("airbase" in title for title in rows)
    assert win.table.currentIndex().row() == 0
    qtbot.waitUntil(lambda: win.detail.title_label.text() == rows[0], timeout=5000)
    qtbot.waitUntil(lambda: win.filter_bar.count_label.text() == "2 of 7 incidents", timeout=5000)

    def broken(_db: Database, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        raise StoreError("The workspace could not be read.")

    monkeypatch.setattr(incidents, "list_incidents", broken)
    win.filter_bar.search.selectAll()
    qtbot.keyClicks(win.filter_bar.search, "drone")
    qtbot.waitUntil(lambda: bool(dialogs.messages), timeout=5000)
    assert dialogs.messages == [
        ("warning", "Cannot show the incidents", "The workspace could not be read.")
    ]
    assert titles(win.model) == rows  # nothing lost: the rows shown stay
