"""The analyst's whole path through the main window, by keyboard and mouse.

Create an incident with two citations from two sources, edit it, find it by search and by
filter, delete it and undo the delete — all through the window's actions and widgets.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain import Status
from desktop.services import incidents as incident_service
from desktop.views.incident_editor import IncidentEditor
from desktop.views.main_window import MainWindow
from tests.views.driving import choose, cite, replace_text
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData, SourceData
    from desktop.store.engine import Database


def _editor(window: MainWindow) -> IncidentEditor:
    editors = [e for e in window.findChildren(IncidentEditor) if e.isVisible()]
    assert len(editors) == 1
    return editors[0]


def _activate(qtbot: QtBot, window: MainWindow) -> None:
    """Give the window the focus back (offscreen, closing a dialog leaves none active)."""
    if not window.isActiveWindow():
        with qtbot.waitActive(window):
            window.activateWindow()


def _titles(window: MainWindow) -> list[str]:
    model = window.model
    return [str(model.index(r, model.COL_TITLE).data()) for r in range(model.rowCount())]


def test_record_edit_find_delete_undo(
    qtbot: QtBot,
    db: Database,
    sources: tuple[SourceData, SourceData],
) -> None:
    window = MainWindow(db, offer_sample=False)
    window.dialogs = RecordingDialogs()  # type: ignore[assignment]
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    assert window.empty_label.isVisible()  # an empty workspace says what to do

    # --- record: Ctrl+N, type, pick, cite two sources, apply the suggestion, Ctrl+S ---
    qtbot.keyClick(window.filter_bar.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = _editor(window)
    qtbot.keyClicks(editor.title_edit, "Rocket attack on Erbil airport")
    choose(qtbot, editor.type_combo, "Explosions/Remote violence")
    choose(qtbot, editor.sub_type_combo, "Shelling/artillery/missile attack")
    qtbot.keyClicks(editor.summary_edit, "Three Katyusha rockets struck near the runway.")
    editor.tabs.setCurrentIndex(1)
    when = editor.when_edit
    replace_text(qtbot, when.start_edit, "2023-10-20")
    place = editor.place_edit
    qtbot.keyClicks(place.name_edit, "Erbil airport")
    country = place.country_combo.lineEdit()
    assert country is not None
    replace_text(qtbot, country, "Iraq (IQ)")
    editor.tabs.setCurrentIndex(3)
    citations = editor.citations_edit
    citations.run_dialog = cite(qtbot, "Central", 2, "Three rockets, no injuries.")
    qtbot.mouseClick(citations.add_button, Qt.MouseButton.LeftButton)
    citations.run_dialog = cite(qtbot, "Reuters", 3, "Reuters reported rockets at Erbil.")
    qtbot.mouseClick(citations.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not editor.isVisible())
    _activate(qtbot, window)

    assert _titles(window) == ["Rocket attack on Erbil airport"]
    assert window.filter_bar.count_label.text() == "1 of 1 incidents"
    grades = [label.text() for label in window.detail.citation_labels]
    assert any("B2 (Usually reliable / Probably true)" in g for g in grades), grades
    assert any("C3 (Fairly reliable / Possibly true)" in g for g in grades), grades
    row = window.current_row()
    assert row is not None
    saved = incident_service.get_incident(db, row.id)
    assert len(saved.citations) == 2

    # --- edit: Enter on the selected row opens it; change the title; save ---
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    editor = _editor(window)
    assert editor.windowTitle().startswith("Edit incident")
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
    qtbot.keyClicks(editor.title_edit, " (second salvo)")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    _activate(qtbot, window)
    assert _titles(window) == ["Rocket attack on Erbil airport (second salvo)"]
    assert "second salvo" in window.detail.title_label.text()

    # --- find: by full-text search (a word of the narrative), then by filter ---
    incident_service.create_incident(db, _other(saved))
    window.reload()
    assert window.model.total == 2
    search = window.filter_bar.search
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is search
    qtbot.keyClicks(search, "katyusha")
    qtbot.waitUntil(lambda: window.model.query.text == "katyusha", timeout=3000)
    assert _titles(window) == ["Rocket attack on Erbil airport (second salvo)"]
    qtbot.keyClick(search, Qt.Key.Key_Escape)  # clears the search
    assert search.text() == ""
    assert window.model.total == 2
    status = window.filter_bar.status
    status.setCurrentIndex(status.findData(saved.status))
    assert window.model.total == 1
    assert _titles(window) == ["Rocket attack on Erbil airport (second salvo)"]
    window.actions_.clear_filters.trigger()
    assert window.model.total == 2

    # --- delete (asks), then undo with Ctrl+Z ---
    window.select_incident(row.id)
    _activate(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    answers = window.dialogs
    assert isinstance(answers, RecordingDialogs)
    assert answers.messages[-1][:2] == ("question", "Delete incident")
    assert window.model.total == 1
    assert "second salvo" not in " ".join(_titles(window))
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.model.total == 2
    assert "second salvo" in window.detail.title_label.text()


def _other(model_incident: IncidentData) -> IncidentData:
    """A second, different incident, so search and filters have something to leave out."""

    other_status = Status.DISPUTED if model_incident.status != Status.DISPUTED else Status.CLAIMED
    return replace(
        model_incident,
        id=None,
        version=None,
        audit=None,
        title="Protest outside the governorate building",
        summary="A peaceful gathering.",
        status=other_status,
        event_type="Protests",
        sub_event_type="Peaceful protest",
    )
