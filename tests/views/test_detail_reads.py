"""A filter change shows its rows at once; the detail pane's incident follows from a worker."""

from __future__ import annotations

import itertools
import threading
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain import Confidence
from desktop.errors import NotFoundError
from desktop.services import evidence, incidents
from desktop.services.dto import IncidentQuery
from desktop.services.sample import load_sample
from desktop.views.main_window import MainWindow
from desktop.views.partials.incident_detail import NOTHING_SELECTED
from desktop.views.partials.incident_table_model import IncidentTableModel
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData
    from desktop.services.evidence import EvidenceItem
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def _title_at(win: MainWindow, row: int) -> str:
    return str(win.model.data(win.model.index(row, IncidentTableModel.COL_TITLE)))


def test_a_newer_selection_wins_over_a_late_read(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    newest = _title_at(win, 0)
    qtbot.waitUntil(lambda: win.detail.title_label.text() == newest, timeout=5000)

    # Reads in a worker wait until released: the read is as slow as the test needs.
    release = threading.Event()
    read = incidents.get_incident

    def held_read(db: Database, incident_id: str) -> IncidentData:
        if threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return read(db, incident_id)

    monkeypatch.setattr(incidents, "get_incident", held_read)
    try:
        qtbot.keyClicks(win.filter_bar.search, "airbase")
        qtbot.waitUntil(lambda: win.model.query.text == "airbase", timeout=3000)
        # The window answered before the pane's read came back: the new rows are shown,
        # the first is selected, the pane still shows what it showed.
        assert win.model.rowCount() == 2
        assert all("airbase" in _title_at(win, row) for row in range(2))
        assert win.table.currentIndex().row() == 0
        assert win.detail.title_label.text() == newest

        # The analyst picks the second row meanwhile: it is shown, and stays shown.
        second = _title_at(win, 1)
        rect = win.table.visualRect(win.model.index(1, IncidentTableModel.COL_TITLE))
        qtbot.mouseClick(win.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert win.detail.title_label.text() == second
    finally:
        release.set()
    assert win._detail_reads is not None
    win._detail_reads.wait()
    qtbot.wait(50)  # the late read's result would arrive with these events
    assert win.detail.title_label.text() == second
    assert win.table.currentIndex().row() == 1


def test_a_failed_read_is_told_once_and_the_pane_is_emptied(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    dialogs = RecordingDialogs(answer=False)
    win.dialogs = dialogs  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.show()
    newest = _title_at(win, 0)
    qtbot.waitUntil(lambda: win.detail.title_label.text() == newest, timeout=5000)

    def gone(_db: Database, _incident_id: str) -> IncidentData:
        raise NotFoundError("This incident is no longer in the workspace.")

    monkeypatch.setattr(incidents, "get_incident", gone)
    qtbot.keyClicks(win.filter_bar.search, "airbase")
    qtbot.waitUntil(lambda: bool(dialogs.messages), timeout=5000)
    assert dialogs.messages == [
        ("warning", "Cannot open the incident", "This incident is no longer in the workspace.")
    ]
    assert win.detail.incident_id is None
    assert win.detail.title_label.text() == NOTHING_SELECTED
    assert win.model.rowCount() == 2  # the rows stay: only the pane could not be read


def test_the_panes_evidence_is_read_with_its_incident_off_the_gui_thread(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    load_sample(db)
    [first, _second] = incidents.list_incidents(db, IncidentQuery(text="airbase"), 0, 10)
    photo = tmp_path / "crater.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not much of a photo")
    evidence.add_evidence(db, [photo], first.id, note="crater, north gate")
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    newest = _title_at(win, 0)
    qtbot.waitUntil(lambda: win.detail.title_label.text() == newest, timeout=5000)

    threads: list[bool] = []  # for each read of evidence: on the GUI thread?
    read = evidence.list_evidence

    def recorded(db: Database, incident_id: str | None = None) -> list[EvidenceItem]:
        threads.append(threading.current_thread() is threading.main_thread())
        return read(db, incident_id)

    monkeypatch.setattr(evidence, "list_evidence", recorded)
    qtbot.keyClicks(win.filter_bar.search, "airbase")
    qtbot.waitUntil(lambda: win.detail.incident_id == first.id, timeout=5000)
    assert [card.item.name for card in win.detail.evidence.cards] == ["crater.jpg"]
    assert "crater, north gate" in win.detail.text()
    assert threads == [False]  # read once, in the worker, with the incident

    # A click reads at once, on the GUI thread, as before.
    rect = win.table.visualRect(win.model.index(1, IncidentTableModel.COL_TITLE))
    qtbot.mouseClick(win.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.detail.evidence.cards == []
    assert threads == [False, True]


def test_the_map_and_timeline_mark_the_incident_the_pane_shows_after_a_filter(
    qtbot: QtBot, db: Database
) -> None:
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win._build_geo()  # as attach() does once the window has painted
    assert win.map_panel is not None
    assert win.timeline is not None
    canvas, timeline = win.map_panel.canvas, win.timeline
    qtbot.waitUntil(lambda: win.detail.shown is not None, timeout=5000)
    qtbot.keyClicks(win.filter_bar.search, "airbase")
    qtbot.waitUntil(lambda: win.model.query.text == "airbase", timeout=5000)
    qtbot.waitUntil(lambda: win.detail.title_label.text() == _title_at(win, 0), timeout=5000)
    shown = win.detail.shown
    assert shown is not None
    assert "airbase" in shown.title
    where = (shown.where.lat, shown.where.lon, shown.where.country)
    # Marked a pass of the event loop after the pane showed it, the timeline a pass later.
    qtbot.waitUntil(lambda: canvas.selected == where, timeout=5000)
    qtbot.waitUntil(
        lambda: timeline.selected is not None and timeline.selected[0] == date(2023, 10, 17),
        timeout=5000,
    )
    # A filter that still lists it keeps it shown and marked.
    win.filter_bar.search.selectAll()
    qtbot.keyClicks(win.filter_bar.search, "drone")
    qtbot.waitUntil(lambda: win.model.query.text == "drone", timeout=5000)
    qtbot.waitUntil(lambda: len(win.geo_drawn) == 2, timeout=5000)
    assert win.detail.shown is shown
    assert canvas.selected == where


def test_the_next_incident_reuses_the_citation_lines_and_folds_those_it_lacks(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    win.resize(1280, 900)
    win.show()
    detail = win.detail
    counts = {}
    for row in range(win.model.rowCount()):
        listed = win.model.row_at(win.model.index(row, 0))
        assert listed is not None
        counts[row] = len(incidents.get_incident(db, listed.id).citations)
    many = max(counts, key=counts.__getitem__)
    few = min(counts, key=counts.__getitem__)
    assert counts[many] > counts[few]

    def click(row: int) -> None:
        rect = win.table.visualRect(win.model.index(row, IncidentTableModel.COL_TITLE))
        qtbot.mouseClick(win.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    click(many)
    qtbot.waitUntil(lambda: detail.title_label.text() == _title_at(win, many), timeout=5000)
    labels = {id(label) for block in detail._citation_blocks for label in block.all}
    many_text = [label.text() for label in detail.citation_labels]
    click(few)
    qtbot.waitUntil(lambda: detail.title_label.text() == _title_at(win, few), timeout=5000)
    qtbot.wait(50)  # the pane's layout, a pass later
    # The same labels, given the new text; those not needed hold nothing and take no room.
    assert {id(label) for block in detail._citation_blocks for label in block.all} == labels
    shown = detail.citation_labels
    assert len(shown) < len(many_text)
    for block in detail._citation_blocks:
        for label in block.all:
            if label not in shown:
                assert label.text() == ""
                assert label.height() == 0
            else:
                assert label.height() > 0
    few_text = [label.text() for label in shown]
    gone = [text for text in many_text if text not in few_text and not text.startswith("<a ")]
    assert gone
    assert not any(text in detail.text() for text in gone)
    detail.widget().grab().save(str(tmp_path / "pane-fewer-citations.png"))


def test_the_panes_wrapped_lines_are_whole_one_pass_after_an_incident_is_shown(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    win.resize(1024, 700)  # a narrow pane: most lines wrap, and its scroll bar shows
    win.show()
    win._build_geo()  # as attach() does once the window has painted: the docks below
    qtbot.waitUntil(lambda: len(win.geo_drawn) == 2, timeout=10000)
    qtbot.waitUntil(lambda: win.detail.shown is not None, timeout=5000)
    for row in (0, 3, 0):
        win.select_index(win.model.index(row, 0))
        QApplication.processEvents()  # one pass, as a paint or a screenshot gets
        win.detail.grab().save(str(tmp_path / f"pane-{row}.png"))
        labels = [*win.detail.values.values(), *win.detail.citation_labels]
        clipped = [
            label.text()[:30]
            for label in labels
            if label.isVisible() and label.height() < label.heightForWidth(label.width())
        ]
        assert clipped == []


def _misfits(win: MainWindow) -> list[str]:
    """The pane's shown value lines that are clipped or overlap the next line down."""
    labels = sorted(
        (label for label in win.detail.values.values() if label.isVisible()),
        key=lambda label: label.mapTo(win.detail, label.rect().topLeft()).y(),
    )
    wrong = [
        label.text()[:30]
        for label in labels
        if label.height() < label.heightForWidth(label.width())
    ]
    for upper, lower in itertools.pairwise(labels):
        bottom = upper.mapTo(win.detail, upper.rect().bottomLeft()).y()
        if bottom >= lower.mapTo(win.detail, lower.rect().topLeft()).y():
            wrong.append(f"{upper.text()[:30]} over {lower.text()[:30]}")
    return wrong


def test_after_a_search_the_panes_new_incident_is_laid_out_for_its_own_lines(
    qtbot: QtBot, db: Database, make_incident: IncidentFactory
) -> None:
    """The incident shown before has other line counts (its type on two lines, a shorter
    confidence): after typing a search, the new one's lines are neither clipped nor apart."""
    first = incidents.create_incident(
        db, make_incident(title="Drone strike on the fuel depot", confidence=Confidence.HIGH)
    )
    incidents.create_incident(
        db,
        make_incident(
            title="Zebra crossing riot",
            event_type="Riots",
            sub_event_type="Violent demonstration",
            confidence=Confidence.MODERATE,
        ),
    )
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    win.resize(1024, 700)  # a narrow pane: most lines wrap, and its scroll bar shows
    win.show()
    win._build_geo()
    qtbot.waitUntil(lambda: len(win.geo_drawn) == 2, timeout=10000)
    assert first.id is not None
    win.select_index(win.model.index_of(first.id))
    qtbot.waitUntil(lambda: win.detail.shown is not None and win.detail.shown.id == first.id)
    qtbot.wait(50)
    assert _misfits(win) == []
    search = win.filter_bar.search
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search, "Zebra")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.detail.shown is not None and win.detail.shown.id != first.id)
    qtbot.wait(100)  # laid out in the passes after it is shown
    assert _misfits(win) == []
