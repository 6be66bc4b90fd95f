"""Evidence in the incident editor: files dropped on a citation's row go to that citation,
below the rows to the incident; Add evidence… follows the selection; an unsaved incident
or changed citations are saved first, never linked to the wrong citation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from desktop.services import evidence, incidents
from desktop.views.incident_editor import IncidentEditor
from desktop.views.partials.editor_evidence import CITATIONS_CHANGED, SAVE_FIRST
from tests.views.evidence_driving import answer_note, drop_files, image_file
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


@pytest.fixture
def editor(qtbot: QtBot, db: Database, make_incident: IncidentFactory) -> IncidentEditor:
    created = incidents.create_incident(db, make_incident())
    widget = IncidentEditor(db, created.id, dialogs=RecordingDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    widget.tabs.setCurrentIndex(3)  # Sources & confidence
    return widget


def _finish(qtbot: QtBot, editor: IncidentEditor) -> None:
    intake = editor.evidence.intake
    qtbot.waitUntil(lambda: intake.handle is not None and intake.handle.done, timeout=30_000)


def _row_centre(editor: IncidentEditor, row: int) -> object:
    table = editor.citations_edit.table
    return table.visualRect(table.model().index(row, 0)).center()


def test_files_dropped_on_a_citation_row_are_attached_to_that_citation(
    qtbot: QtBot, editor: IncidentEditor, tmp_path: Path
) -> None:
    photo = image_file(tmp_path / "drone debris.png")
    shown = answer_note(qtbot, "Reuters photo, 18 Oct")
    added: list[bool] = []
    editor.evidence_added.connect(lambda: added.append(True))
    viewport = editor.citations_edit.table.viewport()
    assert drop_files(viewport, [photo], _row_centre(editor, 1))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(shown))
    _finish(qtbot, editor)
    assert any("Attach 1 file to citation 2 (Reuters) of " in text for text in shown)
    assert editor.incident_id is not None
    [item] = evidence.list_evidence(editor._db, editor.incident_id)
    assert (item.name, item.citation_index, item.note) == (
        "drone debris.png",
        1,
        "Reuters photo, 18 Oct",
    )
    assert added == [True]
    editor.citations_edit.select_row(1)
    assert editor.evidence.count_label.text() == "1 file kept · this citation: 1"
    assert not editor.is_dirty()  # stored at once; nothing for Save to do


def test_add_evidence_goes_to_the_selected_citation_or_the_incident(
    qtbot: QtBot, editor: IncidentEditor, tmp_path: Path
) -> None:
    (tmp_path / "page.html").write_text("<html>statement</html>")
    (tmp_path / "note.txt").write_text("call log")
    dialogs: RecordingDialogs = editor.dialogs  # type: ignore[assignment]
    editor.citations_edit.select_row(0)
    dialogs.open_answers = [tmp_path / "page.html"]
    answer_note(qtbot, "")
    qtbot.mouseClick(editor.evidence.add_button, Qt.MouseButton.LeftButton)
    _finish(qtbot, editor)
    editor.citations_edit.table.clearSelection()
    dialogs.open_answers = [tmp_path / "note.txt"]
    answer_note(qtbot, "")
    qtbot.mouseClick(editor.evidence.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(evidence.list_evidence(editor._db, editor.incident_id or "")) == 2)
    _finish(qtbot, editor)
    stored = evidence.list_evidence(editor._db, editor.incident_id or "")
    assert sorted((i.name, i.citation_index) for i in stored) == [
        ("note.txt", None),
        ("page.html", 0),
    ]


def test_changed_citations_or_a_new_incident_are_saved_first(
    qtbot: QtBot, editor: IncidentEditor, db: Database, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("a")
    dialogs: RecordingDialogs = editor.dialogs  # type: ignore[assignment]
    editor.citations_edit.select_row(0)
    editor.citations_edit.remove_selected()  # not saved yet: the rows moved up
    viewport = editor.citations_edit.table.viewport()
    assert drop_files(viewport, [tmp_path / "a.txt"], _row_centre(editor, 0))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(dialogs.told))
    assert dialogs.told == [("Add evidence", CITATIONS_CHANGED)]
    assert evidence.list_evidence(db, editor.incident_id or "") == []

    new = IncidentEditor(db, None, dialogs=dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(new)
    new.show()
    dialogs.open_answers = [tmp_path / "a.txt"]
    assert new.evidence.add() is None
    assert dialogs.told[-1] == ("Add evidence", SAVE_FIRST)


def test_cancelling_the_note_attaches_nothing(
    qtbot: QtBot, editor: IncidentEditor, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("a")
    answered = answer_note(qtbot, "never mind", accept=False)
    assert editor.evidence.add([tmp_path / "a.txt"]) is None
    assert answered  # the dialog was shown and cancelled
    assert evidence.list_evidence(editor._db, editor.incident_id or "") == []
