"""The incident editor, driven as an analyst would: typing, picking, clicking, saving."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLineEdit,
)

from desktop.domain import Confidence, Status, TimePrecision
from desktop.services import incidents as incident_service
from desktop.services import sources as source_service
from desktop.services.dto import When
from desktop.views.partials.source_form import SourceDialog
from tests.views.driving import choose, cite, credibility_text, replace_text, type_unicode

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData, SourceData
    from desktop.store.engine import Database
    from desktop.views.incident_editor import IncidentEditor
    from desktop.views.partials.citation_dialog import CitationDialog
    from tests.conftest import IncidentFactory
    from tests.views.conftest import EditStored

    # Edits an incident in the editor while someone else saves it (the fixture below).
    EditWhileTheySave = Callable[..., tuple[IncidentData, str, IncidentEditor]]

ARABIC = "هجوم بطائرة مسيرة على قاعدة عين الأسد"


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
    edit_stored: EditStored,
) -> None:
    created, incident_id, editor = edit_stored()
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
    assert signal.args == [incident_id]
    saved = incident_service.get_incident(db, incident_id)
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
    edit_stored: EditStored,
) -> None:
    _created, _incident_id, editor = edit_stored()
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


@pytest.mark.parametrize("title", [ARABIC, "<img src=x> <b>bold</b> & co"])
def test_unusual_titles_are_kept_literally(
    qtbot: QtBot,
    db: Database,
    edit_stored: EditStored,
    open_editor: Callable[[str | None], IncidentEditor],
    title: str,
) -> None:
    _created, incident_id, editor = edit_stored()
    replace_text(qtbot, editor.title_edit, "")
    type_unicode(editor.title_edit, title)
    assert editor.title_edit.text() == title
    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert incident_service.get_incident(db, incident_id).title == title
    reopened = open_editor(incident_id)
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
    edit_stored: EditStored,
) -> None:
    _created, _incident_id, editor = edit_stored()
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


def test_saving_an_unchanged_incident_writes_nothing(
    qtbot: QtBot,
    db: Database,
    edit_stored: EditStored,
) -> None:
    created, incident_id, editor = edit_stored()
    with qtbot.assertNotEmitted(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert incident_service.get_incident(db, incident_id).version == created.version


def test_actors_casualties_likelihood_and_marking_are_saved(
    qtbot: QtBot,
    db: Database,
    edit_stored: EditStored,
) -> None:
    _created, incident_id, editor = edit_stored(actors=())
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
    saved = incident_service.get_incident(db, incident_id)
    assert [(a.name, a.role) for a in saved.actors] == [("Kataib Hezbollah", "attributed_to")]
    assert saved.casualties.killed is None
    assert saved.likelihood == "likely"
    assert saved.marking == "TLP:AMBER"


def test_a_new_type_asks_for_its_sub_type(
    qtbot: QtBot,
    edit_stored: EditStored,
) -> None:
    _created, _incident_id, editor = edit_stored()
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
