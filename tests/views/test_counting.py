"""The window and the trash show a search's rows first and count its matches just after."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.domain import TimePrecision
from desktop.errors import StoreError
from desktop.formats import json_v1
from desktop.services import incidents as incident_service
from desktop.services import interchange
from desktop.services.dto import When
from desktop.views.main_window import MainWindow
from desktop.views.partials.incident_table_model import FIRST_PAGE_ROWS
from desktop.views.trash_dialog import TrashDialog
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentQuery
    from desktop.store.engine import Database

N = 450  # more than two pages of 200
DRONES = 225  # the even ones: a full first page, so the count comes after


def _incident(n: int) -> dict[str, Any]:
    day = f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}"
    what = "Drone strike" if n % 2 == 0 else "Shelling"
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "title": f"{what} near outpost {n}",
        "when": {"start": day, "end": day, "precision": "day"},
        "where": {"name": f"Town {n % 40}", "country": "IQ"},
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike" if n % 2 == 0 else "Shelling/artillery/missile attack",
        "status": "reported",
        "confidence": "moderate",
        "marking": "TLP:GREEN",
        "citations": [],
    }


@pytest.fixture
def window(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setenv("INCIDENT_DESK_USER", "tester")
    document = {
        "format": "incident-desk/1",
        "sources": [],
        "incidents": [_incident(n) for n in range(N)],
    }
    result = interchange.import_document(db, json_v1.parse_document(document, interchange.CHECKS))
    assert result.incidents_created == N
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitUntil(lambda: win.model.total == N, timeout=3000)
    return win


def _search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    qtbot.keyClicks(window.filter_bar.search, text)
    qtbot.waitUntil(lambda: window.model.query.text == text, timeout=3000)


def test_a_search_shows_its_rows_then_its_count(qtbot: QtBot, window: MainWindow) -> None:
    label = window.filter_bar.count_label
    assert label.text() == f"{N} of {N} incidents"
    seen: list[tuple[str, int, int | None, str]] = []
    window.model.modelReset.connect(
        lambda: seen.append(("rows", window.model.rowCount(), window.model.total, label.text()))
    )
    window.model.totalChanged.connect(
        lambda total: seen.append(("count", window.model.rowCount(), total, label.text()))
    )
    _search(qtbot, window, "drone")
    qtbot.waitUntil(lambda: label.text() == f"{DRONES} of {N} incidents", timeout=3000)
    # The rows were shown with the count still to come and the old line kept (no "Counting…"
    # flicker); one count followed, the last word's (the search box debounces the typing).
    kinds = [kind for kind, *_ in seen]
    assert kinds[0] == "rows"
    assert kinds[-1] == "count"
    assert kinds.count("count") == 1
    # A screenful first: the view asks for more only if it shows more.
    assert seen[0] == ("rows", FIRST_PAGE_ROWS, None, f"{N} of {N} incidents")
    assert seen[-1] == ("count", FIRST_PAGE_ROWS, DRONES, f"{DRONES} of {N} incidents")
    assert all("Drone" in str(window.model.index(r, 1).data()) for r in range(FIRST_PAGE_ROWS))
    assert window.table.isVisible()
    assert not window.empty_label.isVisible()
    assert window.current_row() is not None  # the first row selected, as before


def test_a_short_first_page_is_counted_with_its_rows(qtbot: QtBot, window: MainWindow) -> None:
    _search(qtbot, window, "outpost 12")  # outposts 12 and 120-129, a few places
    shown = window.model.rowCount()
    assert 0 < shown < FIRST_PAGE_ROWS
    assert window.model.total == shown  # known with the rows: no count to wait for
    assert window.filter_bar.count_label.text() == f"{shown} of {N} incidents"


def test_no_match_shows_the_empty_state(qtbot: QtBot, window: MainWindow) -> None:
    _search(qtbot, window, "zzzqx")
    assert window.model.total == 0
    assert window.filter_bar.count_label.text() == f"0 of {N} incidents"
    assert window.empty_label.isVisible()
    assert not window.table.isVisible()
    assert "No incident matches" in window.empty_label.text()
    assert window.detail.title_label.text() == "No incident matches the filters."


def test_best_match_is_still_told(qtbot: QtBot, window: MainWindow) -> None:
    window.actions_.best_match.setChecked(True)
    _search(qtbot, window, "drone")
    qtbot.waitUntil(lambda: window.model.total is not None, timeout=3000)
    assert window.filter_bar.count_label.text() == (f"{DRONES} of {N} incidents, best match first")


def test_ctrl_end_counts_first_then_pages_to_the_last(qtbot: QtBot, window: MainWindow) -> None:
    _search(qtbot, window, "drone")
    window.reload()  # read again: counted when the event loop runs, which it has not yet
    assert window.model.total is None
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    window.table.setFocus()
    window.go_to_end()
    assert messages[0] == f"Loading all {DRONES} incidents to reach the last…"
    qtbot.waitUntil(lambda: window.table.currentIndex().row() == DRONES - 1, timeout=3000)
    assert window.model.rowCount() == window.model.total == DRONES
    assert window.filter_bar.count_label.text() == f"{DRONES} of {N} incidents"


def test_a_failed_count_is_a_warning_and_no_wrong_number(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_db: Database, _query: IncidentQuery) -> int:
        raise StoreError("The workspace is locked by another program.")

    monkeypatch.setattr(incident_service, "count_incidents", broken)
    with qtbot.captureExceptions() as raised:
        _search(qtbot, window, "drone")
        qtbot.waitUntil(lambda: bool(window.dialogs.messages), timeout=3000)  # type: ignore[attr-defined]
    assert raised == []
    assert window.dialogs.messages == [  # type: ignore[attr-defined]
        ("warning", "Cannot count the incidents", "The workspace is locked by another program.")
    ]
    assert window.filter_bar.count_label.text() == f"{FIRST_PAGE_ROWS}+ of {N} incidents"
    assert window.model.rowCount() == FIRST_PAGE_ROWS  # the rows are shown all the same
    # Scrolling on reaches the end of the rows, which is the count after all.
    while window.model.canFetchMore(QModelIndex()):
        window.model.fetchMore(QModelIndex())
    assert window.filter_bar.count_label.text() == f"{DRONES} of {N} incidents"


def test_the_trash_counts_after_its_rows(qtbot: QtBot, window: MainWindow) -> None:
    for n in range(3):
        incident_service.delete_incident(window.db, f"00000000-0000-4000-8000-{n:012d}")
    dialogs = RecordingDialogs()
    trash = TrashDialog(window.db, dialogs=dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(trash)
    assert trash.count_label.text() == "3 incidents in the trash"  # one short page
    trash.model._page_size = trash.model._first_page = 2  # a full first page: counted after
    incident_service.delete_incident(window.db, f"00000000-0000-4000-8000-{4:012d}")
    with qtbot.waitSignal(trash.model.totalChanged, timeout=3000):
        trash.reload()
        assert trash.model.total is None
        assert trash.empty_button.isEnabled()  # rows are shown: there is something to empty
        assert trash.stack.currentWidget() is trash.table
    assert trash.model.total == 4
    assert trash.count_label.text() == "4 incidents in the trash"
    trash.empty_button.click()
    assert dialogs.messages[-1][2].startswith("Delete all 4 incidents in the trash")
    assert trash.count_label.text() == ""  # the middle says it is empty
    assert not trash.empty_button.isEnabled()
    assert trash.stack.currentWidget() is trash.empty_label
    assert dialogs.messages[:-1] == []


def test_a_slow_count_says_counting_meanwhile(qtbot: QtBot, window: MainWindow) -> None:
    label = window.filter_bar.count_label
    at_reset: list[str] = []
    window.model.modelReset.connect(lambda: at_reset.append(label.text()))
    window._count_seconds = 2.0  # as if the last count had taken two seconds
    window.reload()
    assert at_reset == ["Counting incidents…"]  # not the last query's number
    qtbot.waitUntil(lambda: label.text() == f"{N} of {N} incidents", timeout=3000)
    assert window._count_seconds < 2.0  # measured afresh: the next one keeps the line
    at_reset.clear()
    window.reload()
    assert at_reset == [f"{N} of {N} incidents"]


def test_reading_the_same_query_again_keeps_the_place_in_a_long_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    # Scrolled past the first screenful, the analyst edits an incident: the window reads the
    # rows again (after a save, a delete, a change elsewhere) and must keep them all loaded.
    while window.model.rowCount() < 150:
        window.model.fetchMore(QModelIndex())
    window.select_index(window.model.index(100, 0))
    chosen = window.current_row()
    assert chosen is not None
    data = incident_service.get_incident(window.db, chosen.id)
    incident_service.update_incident(window.db, replace(data, notes="Edited far down."))
    window.reload()
    assert window.model.rowCount() >= 150
    current = window.current_row()
    assert current is not None
    assert current.id == chosen.id
    # A new query starts again from its first screenful.
    window.filter_bar.search.setText("Shelling")
    qtbot.waitUntil(lambda: window.model.query.text == "Shelling", timeout=3000)
    assert window.model.rowCount() == FIRST_PAGE_ROWS


def test_ctrl_end_in_the_trash_reaches_its_last_incident(qtbot: QtBot, window: MainWindow) -> None:
    for n in range(100):  # more than a screenful in the trash
        incident_service.delete_incident(window.db, f"00000000-0000-4000-8000-{n:012d}")
    trash = TrashDialog(window.db, dialogs=RecordingDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(trash)
    trash.show()
    with qtbot.waitActive(trash):
        trash.activateWindow()
    assert trash.model.rowCount() == FIRST_PAGE_ROWS
    trash.table.setFocus()
    qtbot.keyClick(trash.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert trash.model.rowCount() == 100
    assert trash.selected_rows() == [99]
    last = trash.model.row_at(trash.model.index(99, 0))
    assert last is not None
    assert trash.detail_label.text()  # the detail line follows the selection


def test_a_search_starts_at_its_second_letter(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.filter_bar.search, "D")
    qtbot.wait(400)  # past the search box's pause
    assert window.model.query.text == ""  # one letter: every incident still shown
    assert window.model.rowCount() == FIRST_PAGE_ROWS
    assert not window.empty_label.isVisible()
    assert window.filter_bar.count_label.text() == f"{N} of {N} incidents"
    qtbot.keyClicks(window.filter_bar.search, "r")  # the second letter searches
    qtbot.waitUntil(lambda: window.model.query.text == "Dr", timeout=3000)
    qtbot.waitUntil(lambda: window.model.total == DRONES, timeout=3000)


def test_a_save_that_moves_the_incident_down_says_so(qtbot: QtBot, window: MainWindow) -> None:
    newest = window.current_row()
    assert newest is not None
    data = incident_service.get_incident(window.db, newest.id)
    older = When(date(2019, 1, 1), date(2019, 1, 1), TimePrecision.DAY)
    incident_service.update_incident(window.db, replace(data, when=older))
    window._after_save(newest.id)  # what the editor's saved signal calls
    assert window.statusBar().currentMessage() == "Saved. It is further down the list now."
    # Saved out of the search shown: that one is hidden by the filters.
    _search(qtbot, window, "Shelling")
    shown = window.current_row()
    assert shown is not None
    data = incident_service.get_incident(window.db, shown.id)
    incident_service.update_incident(window.db, replace(data, title="Convoy stopped"))
    window._after_save(shown.id)
    message = window.statusBar().currentMessage()
    assert message == "Saved. The incident is hidden by the current filters."


def test_the_window_counts_in_a_worker_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100,000 incidents a count takes tens of milliseconds: the window answers meanwhile."""
    import threading

    counted_on: list[threading.Thread] = []
    count = incident_service.count_incidents

    def counting(db: Database, query: IncidentQuery) -> int:
        counted_on.append(threading.current_thread())
        return count(db, query)

    monkeypatch.setattr(incident_service, "count_incidents", counting)
    _search(qtbot, window, "drone")
    label = window.filter_bar.count_label
    qtbot.waitUntil(lambda: label.text() == f"{DRONES} of {N} incidents", timeout=3000)
    assert counted_on
    assert threading.main_thread() not in counted_on


def test_a_filter_change_reads_the_shown_incident_once(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reset reads the incident the detail pane shows once (it was read twice)."""
    read: list[str] = []
    get = incident_service.get_incident

    def reading(db: Database, incident_id: str) -> object:
        read.append(incident_id)
        return get(db, incident_id)

    monkeypatch.setattr(incident_service, "get_incident", reading)
    resets: list[int] = []
    window.model.modelReset.connect(lambda: resets.append(window.model.rowCount()))
    _search(qtbot, window, "drone")
    assert resets
    row = window.current_row()
    assert row is not None
    # The new current row's incident is read in a worker; it shows once it arrives.
    qtbot.waitUntil(lambda: window.detail.incident_id == row.id, timeout=3000)
    assert window._detail_reads is not None
    window._detail_reads.wait()
    # At most once per reset: a reset that came while a read ran replaced that read's result.
    assert 1 <= len(read) <= len(resets)
    assert read[-1] == row.id
    # Choosing the row already current still shows it.
    read.clear()
    window.select_index(window.table.currentIndex())
    assert read == [row.id]
