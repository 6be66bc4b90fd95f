"""The incident editor refusing what cannot be saved, as the analyst meets it: the field named,
the reason under it, Save blocked, nothing typed lost."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from desktop.services import incidents as incident_service
from tests.views.driving import cite, replace_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from desktop.views.incident_editor import IncidentEditor
    from tests.views.conftest import EditStored

    # Edits an incident in the editor while someone else saves it (the fixture below).
    EditWhileTheySave = Callable[..., tuple[IncidentData, str, IncidentEditor]]

ARABIC = "هجوم بطائرة مسيرة على قاعدة عين الأسد"


@pytest.mark.parametrize(
    ("text", "message"),
    [("123", "Latitude 123.0 is outside -90…90."), ("north", "Latitude must be a number")],
)
def test_bad_latitude_is_named_under_the_field_and_blocks_saving(
    qtbot: QtBot,
    edit_stored: EditStored,
    text: str,
    message: str,
) -> None:
    _created, _incident_id, editor = edit_stored()
    editor.tabs.setCurrentIndex(1)
    replace_text(qtbot, editor.place_edit.lat_edit, text)

    assert not editor.can_save()
    assert [p.field for p in editor.problems()] == ["where.lat"]
    label = editor.problem_label_for("where.lat")
    assert label is not None
    assert label.isVisible()
    assert label.text().startswith(message)
    assert editor.place_edit.lat_edit.property("invalid") is True
    assert editor.summary_label.text().startswith("1 thing to fix before saving:")
    assert not editor.tabs.tabIcon(1).isNull()

    replace_text(qtbot, editor.place_edit.lat_edit, "33.785")
    assert editor.can_save()
    assert not label.isVisible()
    assert editor.place_edit.lat_edit.property("invalid") is False
    assert editor.tabs.tabIcon(1).isNull()


def test_end_before_start_is_refused(
    qtbot: QtBot,
    edit_stored: EditStored,
) -> None:
    _created, _incident_id, editor = edit_stored()
    editor.tabs.setCurrentIndex(1)
    end = editor.when_edit.end_edit
    end.setFocus()
    # Down steps a day: from 2023-10-18 to the 15th.
    for _ in range(3):
        qtbot.keyClick(end, Qt.Key.Key_Down)
    assert editor.when_edit.value().end == date(2023, 10, 15)
    assert not editor.can_save()
    label = editor.problem_label_for("when.end")
    assert label is not None
    assert label.text() == "End before start."
    assert end.property("invalid") is True


def test_empty_title_is_refused(
    qtbot: QtBot,
    db: Database,
    edit_stored: EditStored,
) -> None:
    created, incident_id, editor = edit_stored()
    replace_text(qtbot, editor.title_edit, "   ")
    assert not editor.can_save()
    label = editor.problem_label_for("title")
    assert label is not None
    assert label.text() == "Title is required."
    assert editor.title_edit.property("invalid") is True
    # Ctrl+S does not save an invalid record.
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.isVisible()
    assert incident_service.get_incident(db, incident_id).title == created.title


def test_new_form_does_not_blame_untouched_fields(
    qtbot: QtBot, open_editor: Callable[[str | None], IncidentEditor]
) -> None:
    editor = open_editor(None)
    label = editor.problem_label_for("title")
    assert label is not None
    assert not label.isVisible()
    assert editor.title_edit.property("invalid") in (None, False)
    assert "Title is required." in editor.summary_label.text()
    qtbot.keyClicks(editor.title_edit, "x")
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Backspace)
    assert label.isVisible()


def test_free_text_shows_its_limit_and_refuses_to_save_past_it(
    qtbot: QtBot,
    edit_stored: EditStored,
) -> None:
    from desktop.services import limits

    _created, _incident_id, editor = edit_stored(summary="", notes="")
    editor.tabs.setCurrentIndex(0)
    counter = editor.counters["summary"]
    assert counter.text() == f"0 / {limits.SUMMARY:,}"
    assert editor.counters["notes"].text() == f"0 / {limits.NOTES:,}"

    # A long paste, then typing past the limit.
    editor.summary_edit.setPlainText("x" * (limits.SUMMARY - 3))
    qtbot.keyClicks(editor.summary_edit, "abc")
    assert counter.text() == f"{limits.SUMMARY:,} / {limits.SUMMARY:,}"
    assert not counter.over
    assert editor.can_save()
    qtbot.keyClicks(editor.summary_edit, "de")
    assert counter.text() == f"{limits.SUMMARY + 2:,} / {limits.SUMMARY:,}"
    assert counter.over
    assert not editor.can_save()
    assert [p.field for p in editor.problems()] == ["summary"]
    label = editor.problem_label_for("summary")
    assert label is not None
    assert label.isVisible()
    assert f"longer than {limits.SUMMARY:,} characters" in label.text()

    qtbot.keyClick(editor.summary_edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor.summary_edit, Qt.Key.Key_Backspace)
    assert not counter.over
    assert editor.can_save()


def test_place_fields_stop_at_the_database_length(
    qtbot: QtBot,
    edit_stored: EditStored,
) -> None:
    from desktop.services import limits

    _created, _incident_id, editor = edit_stored()
    editor.tabs.setCurrentIndex(1)
    admin1 = editor.place_edit.admin1_edit
    admin1.clear()
    qtbot.keyClicks(admin1, "A" * (limits.ADMIN1 + 5))
    assert len(admin1.text()) == limits.ADMIN1
    assert editor.can_save()


def test_citing_the_same_source_twice_is_pointed_out(
    qtbot: QtBot,
    edit_stored: EditStored,
) -> None:
    _created, _incident_id, editor = edit_stored()
    editor.tabs.setCurrentIndex(editor.tabs.count() - 1)
    hint = editor.citations_edit.doubled_hint
    assert hint.isHidden()
    editor.citations_edit.run_dialog = cite(qtbot, "Reuters", 3, excerpt="Again.")
    qtbot.mouseClick(editor.citations_edit.add_button, Qt.MouseButton.LeftButton)
    assert len(editor.citations_edit.citations()) == 3
    assert not hint.isHidden()
    assert hint.text().startswith("Reuters is cited 2 times: meant?")
    assert editor.can_save()  # a warning, not a problem

    editor.citations_edit.select_row(2)
    qtbot.mouseClick(editor.citations_edit.remove_button, Qt.MouseButton.LeftButton)
    assert hint.isHidden()
