"""Entering data in the incident editor as an analyst does: typing over a date, pasting
coordinates, Enter and Alt+letter in one-line fields (issue 13)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QTableView

from desktop.domain import TimePrecision
from desktop.services import incidents as incident_service
from desktop.services.dto import When
from desktop.services.listing import IncidentQuery
from desktop.views.partials.citation_dialog import CitationDialog
from desktop.views.partials.plain_widgets import TwoLineLabel
from tests.views.driving import choose, cite, credibility_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import SourceData
    from desktop.store.engine import Database
    from desktop.views.incident_editor import IncidentEditor
    from desktop.views.partials.when_edit import MomentEdit

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _fill_the_rest(qtbot: QtBot, editor: IncidentEditor) -> None:
    """Title, type and sub-type: what Save needs besides the dates."""
    editor.title_edit.setFocus()
    qtbot.keyClicks(editor.title_edit, "Drone attack on al-Asad airbase")
    choose(qtbot, editor.type_combo, "Explosions/Remote violence")
    choose(qtbot, editor.sub_type_combo, "Air/drone strike")


def _type_over(qtbot: QtBot, field: QLineEdit, text: str, how: str) -> None:
    """Type (or paste) ``text`` into a field the way ``how`` says, then Tab out."""
    field.setFocus()
    if how == "select-all":
        qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(field, text)
    elif how == "home":  # the cursor at the start, the old date still after it
        qtbot.keyClick(field, Qt.Key.Key_Home)
        qtbot.keyClick(field, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(field, text)
    else:
        clipboard = QApplication.clipboard()
        clipboard.setText(text)
        qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
        qtbot.keyClick(field, Qt.Key.Key_V, CTRL)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def _save(qtbot: QtBot, editor: IncidentEditor, db: Database) -> When:
    assert editor.can_save(), editor.problems()
    with qtbot.waitSignal(editor.saved) as signal:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    return incident_service.get_incident(db, signal.args[0]).when


@pytest.mark.parametrize("how", ["select-all", "home", "paste"])
@pytest.mark.parametrize("typed", ["2023-10-17", "17/10/2023", "17 Oct 2023"])
def test_a_typed_date_is_saved_exactly(
    qtbot: QtBot,
    db: Database,
    open_editor: Callable[[str | None], IncidentEditor],
    typed: str,
    how: str,
) -> None:
    editor = open_editor(None)
    _fill_the_rest(qtbot, editor)
    editor.tabs.setCurrentIndex(1)
    start = editor.when_edit.start_edit
    _type_over(qtbot, start, typed, how)

    # Shown back in the usual form once the field is left: what was understood.
    assert start.text() == "2023-10-17"
    assert editor.when_edit.end_edit.text() == "2023-10-17"  # the end follows
    assert editor.incident_data().when == When(
        date(2023, 10, 17), date(2023, 10, 17), TimePrecision.DAY
    )
    assert _save(qtbot, editor, db) == When(
        date(2023, 10, 17), date(2023, 10, 17), TimePrecision.DAY
    )


def test_an_exact_time_is_typed_with_its_date(
    qtbot: QtBot,
    db: Database,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    _fill_the_rest(qtbot, editor)
    editor.tabs.setCurrentIndex(1)
    when = editor.when_edit
    choose(qtbot, when.precision_combo, "Exact time (UTC)")
    _type_over(qtbot, when.start_edit, "17/10/2023 21:30", "select-all")
    _type_over(qtbot, when.end_edit, "2023-10-17T23:05Z", "paste")
    assert (when.start_edit.text(), when.end_edit.text()) == (
        "2023-10-17 21:30",
        "2023-10-17 23:05",
    )
    assert _save(qtbot, editor, db) == When(
        datetime(2023, 10, 17, 21, 30, tzinfo=UTC),
        datetime(2023, 10, 17, 23, 5, tzinfo=UTC),
        TimePrecision.EXACT,
    )


def test_a_month_is_typed_as_a_month(
    qtbot: QtBot,
    db: Database,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    _fill_the_rest(qtbot, editor)
    editor.tabs.setCurrentIndex(1)
    when = editor.when_edit
    choose(qtbot, when.precision_combo, "Known to the month")
    _type_over(qtbot, when.start_edit, "Oct 2023", "select-all")
    assert when.start_edit.text() == "2023-10"
    assert _save(qtbot, editor, db) == When(
        date(2023, 10, 1), date(2023, 10, 31), TimePrecision.MONTH
    )


@pytest.mark.parametrize("typed", ["17/10/23", "2023-02-30", "yesterday", ""])
def test_text_that_is_not_a_date_is_named_and_blocks_saving(
    qtbot: QtBot,
    db: Database,
    open_editor: Callable[[str | None], IncidentEditor],
    typed: str,
) -> None:
    editor = open_editor(None)
    _fill_the_rest(qtbot, editor)
    editor.tabs.setCurrentIndex(1)
    start = editor.when_edit.start_edit
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(start, Qt.Key.Key_Backspace)
    qtbot.keyClicks(start, typed)
    qtbot.keyClick(start, Qt.Key.Key_Tab)

    assert start.text() == typed  # kept as typed, to be corrected
    assert not editor.can_save()
    assert [p.field for p in editor.problems()] == ["when.start"]
    label = editor.problem_label_for("when.start")
    assert label is not None
    assert label.isVisible()
    assert label.text().startswith("Start ")
    assert "17/10/2023" in label.text()  # says what it would read
    assert start.property("invalid") is True
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, CTRL)
    assert editor.isVisible()  # Ctrl+S saves nothing while the date is unreadable

    _type_over(qtbot, start, "2023-10-17", "select-all")
    assert editor.can_save()
    assert not label.isVisible()


def test_arrow_keys_step_a_day(
    qtbot: QtBot,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    editor.tabs.setCurrentIndex(1)
    when = editor.when_edit
    _type_over(qtbot, when.start_edit, "2023-10-17", "select-all")
    when.end_edit.setFocus()
    for _ in range(3):
        qtbot.keyClick(when.end_edit, Qt.Key.Key_Up)
    assert when.value() == When(date(2023, 10, 17), date(2023, 10, 20), TimePrecision.DAY)
    assert when.end_edit.text() == "2023-10-20"
    choose(qtbot, when.precision_combo, "Known to the month")
    qtbot.keyClick(when.end_edit, Qt.Key.Key_Down)
    assert when.end_edit.text() == "2023-09"


def test_the_calendar_picks_a_day(
    qtbot: QtBot,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    editor.tabs.setCurrentIndex(1)
    start: MomentEdit = editor.when_edit.start_edit
    _type_over(qtbot, start, "2023-10-17", "select-all")
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_Down, ALT)
    calendar = start.calendar
    assert calendar is not None
    assert calendar.isVisible()
    days = calendar.findChild(QTableView)  # the grid of days, which takes the keys
    assert days is not None
    qtbot.keyClick(days, Qt.Key.Key_Right)  # the 18th
    qtbot.keyClick(days, Qt.Key.Key_Return)
    assert start.text() == "2023-10-18"
    assert editor.when_edit.end_edit.text() == "2023-10-18"


def test_enter_moves_on_and_ctrl_s_saves(
    qtbot: QtBot,
    db: Database,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    _fill_the_rest(qtbot, editor)
    editor.title_edit.setFocus()
    qtbot.keyClicks(editor.title_edit, " (first report)")
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Return)
    assert editor.isVisible()
    assert editor.result() != QDialog.DialogCode.Accepted
    assert not editor.title_edit.hasFocus()
    assert editor.marking_combo.hasFocus()  # the next field, as Tab

    editor.tabs.setCurrentIndex(1)
    place = editor.place_edit
    place.name_edit.setFocus()
    qtbot.keyClicks(place.name_edit, "al-Asad airbase")
    qtbot.keyClick(place.name_edit, Qt.Key.Key_Enter)  # the keypad's Enter too
    assert editor.isVisible()
    assert place.admin1_edit.hasFocus()
    assert incident_service.count_incidents(db, IncidentQuery()) == 0

    with qtbot.waitSignal(editor.saved) as signal:
        qtbot.keyClick(place.admin1_edit, Qt.Key.Key_S, CTRL)
    assert not editor.isVisible()
    saved = incident_service.get_incident(db, signal.args[0])
    assert saved.title == "Drone attack on al-Asad airbase (first report)"
    assert saved.where.name == "al-Asad airbase"


@pytest.mark.parametrize(
    "pasted",
    ["36.5356, 44.3516", "36.5356 44.3516", "36°32'08\"N 44°21'06\"E", "36.5356N 44.3516E"],
)
def test_pasting_a_coordinate_pair_fills_both_fields(
    qtbot: QtBot,
    open_editor: Callable[[str | None], IncidentEditor],
    pasted: str,
) -> None:
    editor = open_editor(None)
    editor.tabs.setCurrentIndex(1)
    place = editor.place_edit
    place.lat_edit.setFocus()
    QApplication.clipboard().setText(pasted)
    qtbot.keyClick(place.lat_edit, Qt.Key.Key_V, CTRL)
    where, problems = place.value()
    assert problems == []
    assert where.lat == pytest.approx(36.5356, abs=1e-4)
    assert where.lon == pytest.approx(44.3516, abs=1e-4)
    assert place.lat_edit.text().startswith("36.535")
    assert place.lon_edit.text().startswith("44.351")
    assert "where.lat" not in {p.field for p in editor.problems()}


def test_typing_a_pair_by_hand_splits_it_on_tab_only(
    qtbot: QtBot,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    editor.tabs.setCurrentIndex(1)
    place = editor.place_edit
    place.lat_edit.setFocus()
    qtbot.keyClicks(place.lat_edit, "36.5356 44.3516")
    # Nothing jumps to the other field while typing...
    assert place.lat_edit.text() == "36.5356 44.3516"
    assert place.lon_edit.text() == ""
    qtbot.keyClick(place.lat_edit, Qt.Key.Key_Tab)
    # ...but leaving the field puts each half in its place.
    assert (place.lat_edit.text(), place.lon_edit.text()) == ("36.5356", "44.3516")


@pytest.mark.parametrize(
    ("typed", "code"), [("Iraq", "IQ"), ("iq", "IQ"), ("IRAQ", "IQ"), ("syria", "SY")]
)
def test_a_country_typed_exactly_is_taken_on_tab(
    qtbot: QtBot,
    db: Database,
    open_editor: Callable[[str | None], IncidentEditor],
    typed: str,
    code: str,
) -> None:
    editor = open_editor(None)
    _fill_the_rest(qtbot, editor)
    editor.tabs.setCurrentIndex(1)
    combo = editor.place_edit.country_combo
    combo.setFocus()
    qtbot.keyClicks(combo, typed)
    # Through the window, as the keyboard does: the completer's open list sees it first.
    QTest.keyClick(editor.windowHandle(), Qt.Key.Key_Tab)
    assert not combo.hasFocus()
    assert combo.code() == code
    assert combo.currentData() == code  # shown as the list's entry: what was understood
    assert "where.country" not in {p.field for p in editor.problems()}
    with qtbot.waitSignal(editor.saved) as signal:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert incident_service.get_incident(db, signal.args[0]).where.country == code


def test_alt_with_an_unused_letter_types_nothing(
    qtbot: QtBot,
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    title = editor.title_edit
    title.setFocus()
    qtbot.keyClicks(title, "Drone")
    for key in (Qt.Key.Key_J, Qt.Key.Key_Q, Qt.Key.Key_Z):  # no caption has these
        qtbot.keyClick(title, key, ALT)
    assert title.text() == "Drone"
    editor.summary_edit.setFocus()
    qtbot.keyClick(editor.summary_edit, Qt.Key.Key_J, ALT)
    assert editor.summary_edit.toPlainText() == ""
    editor.tabs.setCurrentIndex(1)
    country = editor.place_edit.country_combo
    country.setFocus()
    qtbot.keyClick(country, Qt.Key.Key_J, ALT)
    assert country.currentText() == ""
    # A caption's letter still jumps to its field.
    editor.tabs.setCurrentIndex(0)
    title.setFocus()
    qtbot.keyClick(title, Qt.Key.Key_K, ALT)
    assert editor.marking_combo.hasFocus()


def test_a_long_grade_description_keeps_the_fields_below_in_place(
    qtbot: QtBot,
    sources: tuple[SourceData, SourceData],
    open_editor: Callable[[str | None], IncidentEditor],
) -> None:
    editor = open_editor(None)
    editor.tabs.setCurrentIndex(3)
    seen: dict[int, tuple[int, int, bool]] = {}

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, CitationDialog)
        dialog.resize(520, 600)
        # Pick the source, then step through every credibility: the description changes.
        inner = cite(qtbot, "Central", 6)
        dialog.show()
        qtbot.waitExposed(dialog)
        for code in range(1, 7):
            choose(qtbot, dialog.credibility_combo, credibility_text(code))
            QApplication.processEvents()
            label = dialog.grade_label
            seen[code] = (dialog.url_edit.y(), label.height(), bool(label.toolTip()))
        return inner(dialog)

    editor.citations_edit.run_dialog = run
    qtbot.mouseClick(editor.citations_edit.add_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 6
    assert len({y for y, _h, _tip in seen.values()}) == 1, seen  # the URL row never moves
    assert len({h for _y, h, _tip in seen.values()}) == 1, seen


def test_a_two_line_label_keeps_its_height_and_tells_the_rest_in_a_tooltip(
    qtbot: QtBot,
) -> None:
    label = TwoLineLabel()
    qtbot.addWidget(label)
    label.resize(160, label.sizeHint().height())
    label.show()
    short = "Probably true."
    label.setText(short)
    height = label.sizeHint().height()
    assert (label.elided, label.toolTip()) == (False, "")
    words = "Confirmed by other sources, logical in itself, consistent with the subject. " * 3
    label.setText(words)
    assert label.sizeHint().height() == height
    assert label.text() == words  # what a test or a screen reader reads is whole
    assert label.elided
    assert "consistent with the subject" in label.toolTip()
