"""The citation dialog on its own: choosing a source, dates, and what blocks OK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from desktop.views.partials.citation_dialog import CitationDialog
from desktop.views.partials.source_form import SourceDialog

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.services.dto import SourceData
    from desktop.store.engine import Database


def test_dates_are_checked_as_typed(
    qtbot: QtBot, db: Database, sources: tuple[SourceData, SourceData]
) -> None:
    dialog = CitationDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Add citation"
    assert not dialog.ok_button.isEnabled()
    assert not dialog.problem_label.isVisible()  # "no source yet" is not blamed in red
    # A new item is not judged until the analyst judges it.
    assert dialog.credibility_combo.code() == 6

    qtbot.keyClicks(dialog.source_picker.search_edit, "Reuters")  # one match: chosen
    assert dialog.source_picker.source() == sources[1]
    assert dialog.ok_button.isEnabled()

    qtbot.keyClicks(dialog.published_edit, "2023-13-01")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == "Published must be a date written YYYY-MM-DD."
    assert dialog.published_edit.property("invalid") is True

    dialog.published_edit.clear()
    qtbot.keyClicks(dialog.published_edit, "2023-10-18")
    qtbot.keyClicks(dialog.retrieved_edit, "2023-10-01")
    assert dialog.problem_label.text() == "Retrieved before the publication date."
    assert dialog.retrieved_edit.property("invalid") is True
    assert dialog.published_edit.property("invalid") is False

    dialog.retrieved_edit.clear()
    qtbot.keyClicks(dialog.retrieved_edit, "2023-10-19")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    citation = dialog.citation()
    assert (citation.source, citation.source_name, citation.source_reliability) == (
        sources[1].id,
        "Reuters",
        "C",
    )
    assert str(citation.published) == "2023-10-18"


def test_grade_is_spelled_out_for_the_chosen_source(
    qtbot: QtBot, db: Database, sources: tuple[SourceData, SourceData]
) -> None:
    dialog = CitationDialog(db)
    qtbot.addWidget(dialog)
    dialog.source_picker.select(sources[0].id)
    dialog.credibility_combo.set_code(2)
    assert dialog.grade_label.text().startswith("Grade B2: Usually reliable / Probably true.")
    first = dialog.source_picker.list.topLevelItem(0)
    assert first is not None
    columns = [first.text(column) for column in range(3)]
    assert columns == ["Reuters", "Media", "C — Fairly reliable"]


def test_keyboard_search_down_and_enter_picks_a_source(
    qtbot: QtBot, db: Database, sources: tuple[SourceData, SourceData]
) -> None:
    dialog = CitationDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    search = dialog.source_picker.search_edit
    qtbot.keyClicks(search, "r")  # both sources have an "r"
    assert dialog.source_picker.source() is None
    qtbot.keyClick(search, Qt.Key.Key_Down)
    listed = dialog.source_picker.list
    assert dialog.source_picker.source() == sources[1]  # the first listed, Reuters
    qtbot.keyClick(listed, Qt.Key.Key_Down)
    assert dialog.source_picker.source() == sources[0]
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(listed, Qt.Key.Key_Return)
    assert dialog.citation().source == sources[0].id


def test_new_source_made_with_an_empty_search_is_listed_and_chosen(
    qtbot: QtBot, db: Database, sources: tuple[SourceData, SourceData]
) -> None:
    dialog = CitationDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    picker = dialog.source_picker
    assert picker.search_edit.text() == ""
    assert dialog.chosen_label.text() == "No source chosen yet."

    def fill(form: QDialog) -> bool:
        assert isinstance(form, SourceDialog)
        form.show()
        qtbot.keyClicks(form.name_edit, "Kurdistan 24")
        form.reliability_combo.set_code("C")
        qtbot.mouseClick(
            form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
        return form.result() == QDialog.DialogCode.Accepted

    picker.run_dialog = fill
    qtbot.mouseClick(picker.new_button, Qt.MouseButton.LeftButton)

    listed = [
        picker.list.topLevelItem(row).text(0)  # type: ignore[union-attr]
        for row in range(picker.list.topLevelItemCount())
    ]
    assert "Kurdistan 24" in listed
    current = picker.list.currentItem()
    assert current is not None
    assert current.text(0) == "Kurdistan 24"
    chosen = picker.source()
    assert chosen is not None
    assert chosen.name == "Kurdistan 24"
    assert dialog.chosen_label.text().startswith("Chosen: Kurdistan 24")
    assert dialog.ok_button.isEnabled()


def test_excerpt_shows_its_limit_and_blocks_ok_past_it(
    qtbot: QtBot, db: Database, sources: tuple[SourceData, SourceData]
) -> None:
    from desktop.services import limits

    dialog = CitationDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.source_picker.search_edit, "Reuters")
    assert dialog.excerpt_counter.text() == f"0 / {limits.EXCERPT:,}"
    dialog.excerpt_edit.setPlainText("y" * (limits.EXCERPT - 1))
    qtbot.keyClicks(dialog.excerpt_edit, "z")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.excerpt_edit, "!")
    assert dialog.excerpt_counter.text() == f"{limits.EXCERPT + 1:,} / {limits.EXCERPT:,}"
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == (f"Excerpt is longer than {limits.EXCERPT:,} characters.")
    assert dialog.url_edit.maxLength() == limits.URL


def test_alt_with_an_unused_letter_types_nothing_in_the_citation(
    qtbot: QtBot, db: Database, sources: tuple[SourceData, SourceData]
) -> None:
    dialog = CitationDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    for edit in (dialog.url_edit, dialog.language_edit, dialog.excerpt_edit):
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    assert dialog.url_edit.text() == ""
    assert dialog.language_edit.text() == ""
    assert dialog.excerpt_edit.toPlainText() == ""
    qtbot.keyClicks(dialog.excerpt_edit, "typed")
    assert dialog.excerpt_edit.toPlainText() == "typed"
