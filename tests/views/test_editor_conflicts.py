"""The incident editor when saving meets trouble: closing with changes, someone else's save in
between (keep mine, merge, reload theirs), a failed save."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMessageBox,
)

from desktop.services import incidents as incident_service
from desktop.services import merge
from desktop.views.incident_editor import ConflictChoice, IncidentEditor, ask_conflict
from desktop.views.partials.dialogs import Choice

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from tests.views.conftest import EditStored
    from tests.views.fakes import RecordingDialogs

    # Edits an incident in the editor while someone else saves it (the fixture below).
    EditWhileTheySave = Callable[..., tuple[IncidentData, str, IncidentEditor]]

ARABIC = "هجوم بطائرة مسيرة على قاعدة عين الأسد"


@pytest.fixture
def edit_while_they_save(
    qtbot: QtBot,
    db: Database,
    edit_stored: EditStored,
) -> EditWhileTheySave:
    """Open a saved incident, type " (mine)" after its title, then let someone else save
    the changes given as keywords: the next Save meets a conflict."""

    def run(**theirs: Any) -> tuple[IncidentData, str, IncidentEditor]:
        created, incident_id, editor = edit_stored()
        qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
        qtbot.keyClicks(editor.title_edit, " (mine)")
        incident_service.update_incident(db, replace(created, **theirs))
        return created, incident_id, editor

    return run


def test_closing_with_changes_asks_and_cancel_keeps_the_dialog(
    qtbot: QtBot,
    editor_dialogs: RecordingDialogs,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    qtbot.keyClicks(editor.title_edit, "Half-typed report")
    editor_dialogs.choice = Choice.CANCEL
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Escape)
    assert len(editor_dialogs.asked) == 1
    assert editor.isVisible()
    assert editor.title_edit.text() == "Half-typed report"
    editor.close()  # the window's close button
    assert len(editor_dialogs.asked) == 2
    assert editor.isVisible()

    editor_dialogs.choice = Choice.DISCARD
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert editor.result() == QDialog.DialogCode.Rejected


def test_closing_without_changes_does_not_ask(
    qtbot: QtBot,
    editor_dialogs: RecordingDialogs,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    qtbot.keyClicks(editor.title_edit, "x")
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Backspace)  # typed and taken back
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Escape)
    assert editor_dialogs.asked == []
    assert not editor.isVisible()


def test_choosing_save_when_closing_saves(
    qtbot: QtBot,
    db: Database,
    editor_dialogs: RecordingDialogs,
    edit_stored: EditStored,
) -> None:
    _created, incident_id, editor = edit_stored()
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
    qtbot.keyClicks(editor.title_edit, "!")
    editor_dialogs.choice = Choice.SAVE
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(editor.title_edit, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert incident_service.get_incident(db, incident_id).title.endswith("!")


def test_conflict_keep_mine_overwrites(
    qtbot: QtBot,
    db: Database,
    edit_while_they_save: EditWhileTheySave,
) -> None:
    # Someone else saves first.
    created, incident_id, editor = edit_while_they_save(summary="Theirs.")

    asked: list[str] = []

    def keep_mine(message: str) -> ConflictChoice:
        asked.append(message)
        return ConflictChoice.OVERWRITE

    editor.ask_conflict = keep_mine
    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    assert "was changed by tester" in asked[0]
    saved = incident_service.get_incident(db, incident_id)
    assert saved.title == "Drone attack on al-Asad airbase (mine)"
    assert saved.summary == created.summary  # what the analyst saw is what was saved


def test_conflict_merge_keeps_both_and_asks_where_both_changed(
    qtbot: QtBot,
    db: Database,
    edit_while_they_save: EditWhileTheySave,
) -> None:
    # Someone else changes the summary (which I did not touch) and the title (which I did).
    _created, incident_id, editor = edit_while_they_save(summary="Theirs.", title="Their title")
    editor.ask_conflict = lambda _message: ConflictChoice.MERGE
    offered: list[list[str]] = []

    def choose(plan: merge.MergePlan, who: str) -> set[str]:
        offered.append([c.part for c in plan.conflicts])
        assert who == "tester"
        return set()  # keep my title

    editor.ask_merge = choose
    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert offered == [["Title"]]
    saved = incident_service.get_incident(db, incident_id)
    assert saved.title == "Drone attack on al-Asad airbase (mine)"
    assert saved.summary == "Theirs."  # their change to a part I left alone survives


def test_conflict_merge_cancelled_keeps_the_form(
    qtbot: QtBot,
    db: Database,
    edit_while_they_save: EditWhileTheySave,
) -> None:
    _created, incident_id, editor = edit_while_they_save(title="Their title")
    editor.ask_conflict = lambda _message: ConflictChoice.MERGE
    editor.ask_merge = lambda _plan, _who: None
    assert not editor.save()
    assert editor.isVisible()
    assert editor.title_edit.text() == "Drone attack on al-Asad airbase (mine)"
    assert incident_service.get_incident(db, incident_id).title == "Their title"


def test_conflict_reload_theirs_and_cancel(
    qtbot: QtBot,
    editor_dialogs: RecordingDialogs,
    edit_while_they_save: EditWhileTheySave,
) -> None:
    _created, _incident_id, editor = edit_while_they_save(title="Their title")

    editor.ask_conflict = lambda _message: ConflictChoice.CANCEL
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible()
    assert editor.title_edit.text() == "Drone attack on al-Asad airbase (mine)"

    editor.ask_conflict = lambda _message: ConflictChoice.RELOAD
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible()
    assert editor.title_edit.text() == "Their title"
    assert editor.windowTitle() == "Edit incident — Their title"
    assert not editor.is_dirty()
    assert editor_dialogs.told == []


def test_save_error_keeps_the_text_and_says_why(
    qtbot: QtBot,
    db: Database,
    editor_dialogs: RecordingDialogs,
    edit_stored: EditStored,
) -> None:
    _created, incident_id, editor = edit_stored()
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
    qtbot.keyClicks(editor.title_edit, " (edited)")
    incident_service.delete_incident(db, incident_id)
    incident_service.purge_incident(db, incident_id)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert len(editor_dialogs.told) == 1
    assert "No incident with id" in editor_dialogs.told[0][1]
    assert editor.isVisible()
    assert editor.title_edit.text() == "Drone attack on al-Asad airbase (edited)"


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ("Keep mine", ConflictChoice.OVERWRITE),
        ("Reload theirs", ConflictChoice.RELOAD),
        ("Merge", ConflictChoice.MERGE),
        ("Cancel", ConflictChoice.CANCEL),
    ],
)
def test_conflict_question_buttons_say_what_they_do(
    qtbot: QtBot,
    open_editor: Callable[[str | None], IncidentEditor],
    button: str,
    expected: ConflictChoice,
) -> None:
    editor = open_editor(None)
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        for candidate in box.buttons():
            if candidate.text().replace("&", "").startswith(button):
                candidate.click()
                return

    QTimer.singleShot(0, answer)
    choice = ask_conflict(
        editor,
        "'X' was changed by ana at 2026-11-24 10:00 UTC since you "
        "opened it. Nothing was overwritten: reload it, then apply your "
        "changes again.",
    )
    assert choice is expected
    assert seen == [
        "'X' was changed by ana at 2026-11-24 10:00 UTC since you opened it. "
        "Nothing was overwritten yet."
    ]
