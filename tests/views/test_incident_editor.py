"""The incident editor, driven as an analyst would: typing, picking, clicking, saving."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
)

from desktop.domain import Confidence, Status, TimePrecision
from desktop.services import incidents as incident_service
from desktop.services import merge
from desktop.services import sources as source_service
from desktop.services.dto import When
from desktop.views.incident_editor import ConflictChoice, IncidentEditor, ask_conflict
from desktop.views.partials.dialogs import Choice
from desktop.views.partials.source_form import SourceDialog
from tests.views.driving import choose, cite, credibility_text, replace_text, type_unicode
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData, SourceData
    from desktop.store.engine import Database
    from desktop.views.partials.citation_dialog import CitationDialog
    from tests.conftest import IncidentFactory

    # Edits an incident in the editor while someone else saves it (the fixture below).
    EditWhileTheySave = Callable[..., tuple[IncidentData, str, IncidentEditor]]

ARABIC = "هجوم بطائرة مسيرة على قاعدة عين الأسد"


@pytest.fixture
def fake() -> RecordingDialogs:
    # The editor's own questions are answered "no", and "save your changes?" with Cancel.
    return RecordingDialogs(answer=False, choice=Choice.CANCEL)


@pytest.fixture
def edit_while_they_save(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> EditWhileTheySave:
    """Open a saved incident, type " (mine)" after its title, then let someone else save
    the changes given as keywords: the next Save meets a conflict."""

    def run(**theirs: Any) -> tuple[IncidentData, str, IncidentEditor]:
        created = incident_service.create_incident(db, make_incident())
        assert created.id is not None
        editor = open_editor(created.id)
        qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
        qtbot.keyClicks(editor.title_edit, " (mine)")
        incident_service.update_incident(db, replace(created, **theirs))
        return created, created.id, editor

    return run


@pytest.fixture
def open_editor(
    qtbot: QtBot, db: Database, fake: RecordingDialogs
) -> Callable[[str | None], IncidentEditor]:
    def opener(incident_id: str | None = None) -> IncidentEditor:
        editor = IncidentEditor(db, incident_id, dialogs=fake)  # type: ignore[arg-type]
        # At teardown, throw edits away rather than keep the window open asking.
        qtbot.addWidget(
            editor, before_close_func=lambda _w: setattr(fake, "choice", Choice.DISCARD)
        )
        editor.show()
        editor.activateWindow()
        qtbot.waitActive(editor)
        return editor

    return opener


def test_new_incident_typed_cited_suggested_and_saved(
    qtbot: QtBot,
    db: Database,
    sources: tuple[SourceData, SourceData],
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    assert editor.windowTitle() == "New incident"
    assert not editor.can_save()

    qtbot.keyClicks(editor.title_edit, "Drone attack on al-Asad airbase")
    choose(qtbot, editor.type_combo, "Explosions/Remote violence")
    assert editor.sub_type_combo.isEnabled()
    choose(qtbot, editor.sub_type_combo, "Air/drone strike")
    editor.tabs.setCurrentIndex(1)
    when = editor.when_edit
    replace_text(qtbot, when.start_edit, "2023-10-17")
    replace_text(qtbot, when.end_edit, "2023-10-18")
    place = editor.place_edit
    qtbot.keyClicks(place.name_edit, "al-Asad airbase")
    qtbot.keyClicks(place.admin1_edit, "Anbar")
    country_line = place.country_combo.lineEdit()
    assert country_line is not None
    replace_text(qtbot, country_line, "Iraq (IQ)")
    qtbot.keyClicks(place.lat_edit, "33.785")
    qtbot.keyClicks(place.lon_edit, "42.441")

    centcom, reuters = sources
    editor.tabs.setCurrentIndex(3)
    citations = editor.citations_edit
    citations.run_dialog = cite(qtbot, "Central", 2, "Two drones were engaged.", "2023-10-18")
    qtbot.mouseClick(citations.add_button, Qt.MouseButton.LeftButton)
    assert editor.suggestion_label.text() == "Suggested: Reported, moderate confidence"
    citations.run_dialog = cite(qtbot, "Reuters", 3, "Reuters reported the attack.")
    qtbot.mouseClick(citations.add_button, Qt.MouseButton.LeftButton)
    model = citations.model
    assert model.rowCount() == 2
    assert [model.index(r, 1).data() for r in range(2)] == ["B2", "C3"]
    assert model.index(0, 2).data() == "Usually reliable / Probably true"
    assert model.index(0, 3).data() == "2023-10-18"

    assert "CENTCOM" not in editor.suggestion_reason.text()
    assert "U.S. Central Command (B2)" in editor.suggestion_reason.text()
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert editor.status_combo.currentData() == Status.REPORTED
    assert editor.confidence_combo.currentData() == Confidence.MODERATE
    assert not editor.apply_button.isEnabled()

    assert editor.problems() == []
    assert editor.can_save()
    with qtbot.waitSignal(editor.saved) as signal:
        qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    incident_id = signal.args[0]
    assert editor.result() == QDialog.DialogCode.Accepted

    saved = incident_service.get_incident(db, incident_id)
    assert saved.title == "Drone attack on al-Asad airbase"
    assert (saved.event_type, saved.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert saved.when == When(date(2023, 10, 17), date(2023, 10, 18), TimePrecision.DAY)
    assert (saved.where.name, saved.where.admin1, saved.where.country) == (
        "al-Asad airbase",
        "Anbar",
        "IQ",
    )
    assert (saved.where.lat, saved.where.lon) == (33.785, 42.441)
    assert [(c.source, c.credibility) for c in saved.citations] == [
        (centcom.id, 2),
        (reuters.id, 3),
    ]
    assert saved.citations[0].published == date(2023, 10, 18)
    assert saved.citations[0].excerpt == "Two drones were engaged."
    assert (saved.status, saved.confidence) == (Status.REPORTED, Confidence.MODERATE)


def test_edit_existing_incident_and_save_changes(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    assert editor.windowTitle() == "Edit incident — Drone attack on al-Asad airbase"
    assert not editor.is_dirty()
    assert editor.citations_edit.model.rowCount() == 2

    qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
    qtbot.keyClicks(editor.title_edit, " (second wave)")
    editor.tabs.setCurrentIndex(2)
    editor.casualties_edit.killed_spin.setFocus()
    qtbot.keyClick(editor.casualties_edit.killed_spin, Qt.Key.Key_Up)
    qtbot.keyClick(editor.casualties_edit.killed_spin, Qt.Key.Key_Up)
    editor.tabs.setCurrentIndex(3)
    table = editor.citations_edit.table
    table.setFocus()
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert editor.citations_edit.model.rowCount() == 1
    assert editor.is_dirty()

    with qtbot.waitSignal(editor.saved) as signal:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert signal.args == [created.id]
    saved = incident_service.get_incident(db, created.id)
    assert saved.title == "Drone attack on al-Asad airbase (second wave)"
    assert saved.casualties.killed == 2
    assert saved.casualties.note == "minor injuries"
    assert len(saved.citations) == 1
    assert saved.version != created.version
    # Everything not touched comes back as it was.
    assert saved.actors == created.actors
    assert saved.where == created.where
    assert saved.tags == created.tags


def test_edit_citation_by_double_click(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    editor.tabs.setCurrentIndex(3)
    table = editor.citations_edit.table

    def downgrade(dialog: QDialog) -> bool:
        citation_dialog: CitationDialog = dialog  # type: ignore[assignment]
        dialog.show()
        # The dialog opens on the citation as it is.
        assert citation_dialog.source_picker.source() is not None
        assert citation_dialog.excerpt_edit.toPlainText() == "Reuters reported the attack."
        choose(qtbot, citation_dialog.credibility_combo, credibility_text(5))
        qtbot.mouseClick(citation_dialog.ok_button, Qt.MouseButton.LeftButton)
        return True

    editor.citations_edit.run_dialog = downgrade
    rect = table.visualRect(table.model().index(1, 0))
    # A real double-click is a press and release, then the double-click event.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.citations_edit.model.index(1, 1).data() == "C5"
    # A credible source judging it improbable disputes the report.
    assert editor.suggestion_label.text().startswith("Suggested: Disputed")


@pytest.mark.parametrize(
    ("text", "message"),
    [("123", "Latitude 123.0 is outside -90…90."), ("north", "Latitude must be a number")],
)
def test_bad_latitude_is_named_under_the_field_and_blocks_saving(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
    text: str,
    message: str,
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
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
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
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


def test_exact_precision_switches_to_utc_date_times(
    qtbot: QtBot,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    editor.tabs.setCurrentIndex(1)
    when = editor.when_edit
    choose(qtbot, when.precision_combo, "Exact time (UTC)")
    assert when.start_edit.placeholderText() == "YYYY-MM-DD HH:MM"
    assert when.utc_label.isVisible()
    replace_text(qtbot, when.start_edit, "2023-10-17 21:30")
    value = when.value()
    assert value.precision == TimePrecision.EXACT
    assert value.start == datetime(2023, 10, 17, 21, 30, tzinfo=UTC)
    choose(qtbot, when.precision_combo, "Known to the month")
    assert when.start_edit.text() == "2023-10"
    assert when.value().start == date(2023, 10, 1)
    assert when.value().end == date(2023, 10, 31)


def test_empty_title_is_refused(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    replace_text(qtbot, editor.title_edit, "   ")
    assert not editor.can_save()
    label = editor.problem_label_for("title")
    assert label is not None
    assert label.text() == "Title is required."
    assert editor.title_edit.property("invalid") is True
    # Ctrl+S does not save an invalid record.
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.isVisible()
    assert incident_service.get_incident(db, created.id).title == created.title


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


@pytest.mark.parametrize("title", [ARABIC, "<img src=x> <b>bold</b> & co"])
def test_unusual_titles_are_kept_literally(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
    title: str,
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    replace_text(qtbot, editor.title_edit, "")
    type_unicode(editor.title_edit, title)
    assert editor.title_edit.text() == title
    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert incident_service.get_incident(db, created.id).title == title
    reopened = open_editor(created.id)
    assert reopened.windowTitle() == f"Edit incident — {title}"
    assert reopened.title_edit.text() == title


def test_arabic_excerpt_reads_right_to_left(
    qtbot: QtBot,
    db: Database,
    sources: tuple[SourceData, SourceData],
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    seen: list[Qt.LayoutDirection] = []

    def quote_arabic(dialog: QDialog) -> bool:
        citation_dialog: CitationDialog = dialog  # type: ignore[assignment]
        dialog.show()
        citation_dialog.source_picker.select(sources[1].id)
        citation_dialog.excerpt_edit.setFocus()
        type_unicode(citation_dialog.excerpt_edit, ARABIC)
        block = citation_dialog.excerpt_edit.document().firstBlock()
        seen.append(block.textDirection())
        qtbot.mouseClick(citation_dialog.ok_button, Qt.MouseButton.LeftButton)
        return True

    editor.citations_edit.run_dialog = quote_arabic
    qtbot.mouseClick(editor.citations_edit.add_button, Qt.MouseButton.LeftButton)
    assert seen == [Qt.LayoutDirection.RightToLeft]
    assert editor.citations_edit.citations()[0].excerpt == ARABIC


def test_undo_and_redo_a_field_edit(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
    qtbot.keyClicks(editor.title_edit, " again")
    editor.tabs.setCurrentIndex(1)
    replace_text(qtbot, editor.place_edit.admin1_edit, "Ninawa")
    assert editor.is_dirty()

    # Ctrl+Z in the province field undoes the form, field by field: first the province…
    qtbot.keyClick(editor.place_edit.admin1_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.place_edit.admin1_edit.text() == "Anbar"
    assert editor.title_edit.text() == "Drone attack on al-Asad airbase again"
    # …then the title typed before it, though the focus is elsewhere.
    qtbot.keyClick(editor.place_edit.admin1_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.title_edit.text() == "Drone attack on al-Asad airbase"
    assert not editor.is_dirty()

    qtbot.keyClick(
        editor.title_edit,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert editor.title_edit.text() == "Drone attack on al-Asad airbase again"
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert editor.place_edit.admin1_edit.text() == "Ninawa"


def test_undo_adding_a_citation_and_applying_the_suggestion(
    qtbot: QtBot,
    db: Database,
    sources: tuple[SourceData, SourceData],
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    editor.tabs.setCurrentIndex(3)
    citations = editor.citations_edit
    citations.run_dialog = cite(qtbot, "Reuters", 3)
    qtbot.mouseClick(citations.add_button, Qt.MouseButton.LeftButton)
    assert citations.model.rowCount() == 1
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert editor.status_combo.currentData() == Status.REPORTED

    qtbot.keyClick(citations.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.status_combo.currentData() == Status.UNVERIFIED
    assert editor.confidence_combo.currentData() == Confidence.LOW
    assert citations.model.rowCount() == 1
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert citations.model.rowCount() == 0
    assert editor.suggestion_label.text() == "Suggested: Unverified, low confidence"
    qtbot.mouseClick(editor.redo_button, Qt.MouseButton.LeftButton)
    assert citations.model.rowCount() == 1
    assert citations.citations()[0].source == sources[1].id


def test_closing_with_changes_asks_and_cancel_keeps_the_dialog(
    qtbot: QtBot,
    fake: RecordingDialogs,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    qtbot.keyClicks(editor.title_edit, "Half-typed report")
    fake.choice = Choice.CANCEL
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Escape)
    assert len(fake.asked) == 1
    assert editor.isVisible()
    assert editor.title_edit.text() == "Half-typed report"
    editor.close()  # the window's close button
    assert len(fake.asked) == 2
    assert editor.isVisible()

    fake.choice = Choice.DISCARD
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert editor.result() == QDialog.DialogCode.Rejected


def test_closing_without_changes_does_not_ask(
    qtbot: QtBot,
    fake: RecordingDialogs,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    qtbot.keyClicks(editor.title_edit, "x")
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Backspace)  # typed and taken back
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Escape)
    assert fake.asked == []
    assert not editor.isVisible()


def test_choosing_save_when_closing_saves(
    qtbot: QtBot,
    db: Database,
    fake: RecordingDialogs,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
    qtbot.keyClicks(editor.title_edit, "!")
    fake.choice = Choice.SAVE
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(editor.title_edit, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert incident_service.get_incident(db, created.id).title.endswith("!")


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
    fake: RecordingDialogs,
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
    assert fake.told == []


def test_save_error_keeps_the_text_and_says_why(
    qtbot: QtBot,
    db: Database,
    fake: RecordingDialogs,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_End)
    qtbot.keyClicks(editor.title_edit, " (edited)")
    incident_service.delete_incident(db, created.id)
    incident_service.purge_incident(db, created.id)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert len(fake.told) == 1
    assert "No incident with id" in fake.told[0][1]
    assert editor.isVisible()
    assert editor.title_edit.text() == "Drone attack on al-Asad airbase (edited)"


def test_new_source_created_inline_from_the_citation_dialog(
    qtbot: QtBot,
    db: Database,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)

    def new_source(dialog: QDialog) -> bool:
        citation_dialog: CitationDialog = dialog  # type: ignore[assignment]
        dialog.show()
        picker = citation_dialog.source_picker
        qtbot.keyClicks(picker.search_edit, "Kurdistan 24")
        assert picker.list.topLevelItemCount() == 0

        def fill(form: QDialog) -> bool:
            assert isinstance(form, SourceDialog)
            assert form.name_edit.text() == "Kurdistan 24"  # what was searched for
            form.reliability_combo.set_code("C")
            form.accept()
            return True

        picker.run_dialog = fill
        qtbot.mouseClick(picker.new_button, Qt.MouseButton.LeftButton)
        source = picker.source()
        assert source is not None
        assert source.name == "Kurdistan 24"
        qtbot.mouseClick(citation_dialog.ok_button, Qt.MouseButton.LeftButton)
        return True

    editor.citations_edit.run_dialog = new_source
    qtbot.mouseClick(editor.citations_edit.add_button, Qt.MouseButton.LeftButton)
    [citation] = editor.citations_edit.citations()
    assert citation.source_name == "Kurdistan 24"
    assert citation.source_reliability == "C"
    assert [s.name for s in source_service.list_sources(db, "Kurdistan")] == ["Kurdistan 24"]


def test_tags_complete_from_existing_ones(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    incident_service.create_incident(db, make_incident())
    editor = open_editor(None)
    completer = editor.tags_edit.tag_completer
    qtbot.keyClicks(editor.tags_edit, "drone, US")
    assert completer.splitPath(editor.tags_edit.text()) == ["US"]
    assert completer.completionCount() == 1
    popup = completer.popup()
    assert popup is not None
    assert popup.isVisible()
    # Clicking the offered tag completes the last one and keeps those before it.
    rect = popup.visualRect(popup.model().index(0, 0))
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.tags_edit.text() == "drone, US bases"
    assert editor.tags_edit.tags() == ("drone", "US bases")
    assert editor.is_dirty()


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


def test_saving_an_unchanged_incident_writes_nothing(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    with qtbot.assertNotEmitted(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert incident_service.get_incident(db, created.id).version == created.version


def test_actors_casualties_likelihood_and_marking_are_saved(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident(actors=()))
    assert created.id is not None
    editor = open_editor(created.id)
    editor.tabs.setCurrentIndex(2)
    actors = editor.actors_edit
    qtbot.mouseClick(actors.add_button, Qt.MouseButton.LeftButton)
    # The new row's name is open for typing.
    assert actors.table.state() == QAbstractItemView.State.EditingState
    editor_line = actors.table.indexWidget(actors.table.model().index(0, 0))
    assert isinstance(editor_line, QLineEdit)
    qtbot.keyClicks(editor_line, "Kataib Hezbollah")
    qtbot.keyClick(editor_line, Qt.Key.Key_Return)
    # The table takes the typed name once the event loop runs (Qt queues the commit).
    qtbot.waitUntil(lambda: actors.state() == (("Kataib Hezbollah", "other"),))
    choose(qtbot, actors.table.cellWidget(0, 1), "Attributed to")
    # Killed back to "unknown": one step below zero.
    killed = editor.casualties_edit.killed_spin
    killed.setFocus()
    qtbot.keyClick(killed, Qt.Key.Key_Down)
    assert killed.text() == "unknown"

    editor.tabs.setCurrentIndex(3)
    choose(qtbot, editor.assessment.likelihood_combo, "Likely (55–80%)")
    replace_text(qtbot, editor.marking_combo.lineEdit() or editor.marking_combo, "tlp:amber")
    assert editor.problems() == []

    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    saved = incident_service.get_incident(db, created.id)
    assert [(a.name, a.role) for a in saved.actors] == [("Kataib Hezbollah", "attributed_to")]
    assert saved.casualties.killed is None
    assert saved.likelihood == "likely"
    assert saved.marking == "TLP:AMBER"


def test_a_new_type_asks_for_its_sub_type(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    choose(qtbot, editor.type_combo, "Protests")
    sub_types = [editor.sub_type_combo.itemText(i) for i in range(editor.sub_type_combo.count())]
    assert sub_types == [
        "Choose a sub-type…",
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ]
    label = editor.problem_label_for("sub_event_type")
    assert label is not None
    assert label.text() == "Sub-type is not chosen yet."
    assert not editor.can_save()
    choose(qtbot, editor.sub_type_combo, "Peaceful protest")
    assert editor.can_save()
    # Undo takes the sub-type back, then the type with its own list of sub-types.
    qtbot.keyClick(editor.type_combo, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor.type_combo, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.sub_type_combo.currentText() == "Air/drone strike"
    assert not editor.is_dirty()


def test_free_text_shows_its_limit_and_refuses_to_save_past_it(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    from desktop.services import limits

    created = incident_service.create_incident(db, make_incident(summary="", notes=""))
    assert created.id is not None
    editor = open_editor(created.id)
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
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    from desktop.services import limits

    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
    editor.tabs.setCurrentIndex(1)
    admin1 = editor.place_edit.admin1_edit
    admin1.clear()
    qtbot.keyClicks(admin1, "A" * (limits.ADMIN1 + 5))
    assert len(admin1.text()) == limits.ADMIN1
    assert editor.can_save()


def test_citing_the_same_source_twice_is_pointed_out(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    created = incident_service.create_incident(db, make_incident())
    assert created.id is not None
    editor = open_editor(created.id)
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
