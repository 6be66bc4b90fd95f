"""The main window driven as an analyst would: search, select, sort, filter, delete, restore."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from desktop.services import incidents
from desktop.services import sources as source_service
from desktop.services.sample import load_sample
from desktop.views.main_window import MainWindow
from desktop.views.partials.filter_bar import SEARCH_PLACEHOLDER
from desktop.views.partials.incident_table_model import IncidentTableModel
from desktop.views.partials.plain_widgets import known_viewport
from tests.views.driving import type_unicode
from tests.views.fakes import RecordingDialogs
from tests.views.main_window.driving import select_row, titles

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def test_shows_all_sample_incidents(window: MainWindow, db: Database) -> None:
    assert window.model.rowCount() == 7
    assert window.filter_bar.count_label.text() == "7 of 7 incidents"
    assert window.windowTitle() == f"Incident Desk — {db.label}"
    assert window.location_label.text() == db.location
    assert window.filter_bar.search.placeholderText() == SEARCH_PLACEHOLDER


def test_the_table_and_detail_keep_the_viewports_qt_made(window: MainWindow) -> None:
    # known_viewport() only hands Qt's own viewport to Python early: same look as ever.
    for area in (window.table, window.detail):
        viewport = area.viewport()
        assert viewport.objectName() == "qt_scrollarea_viewport"
        assert viewport.autoFillBackground()
        assert viewport.isVisible()


def test_known_viewport_is_the_viewport_also_when_replaced(qtbot: QtBot) -> None:
    area = QScrollArea()
    qtbot.addWidget(area)
    assert known_viewport(area) is area.viewport()
    replacement = QWidget()
    area.setViewport(replacement)
    assert known_viewport(area) is replacement


def test_search_ascii_with_keyclicks(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.filter_bar.search, "Harir")
    qtbot.waitUntil(lambda: window.model.query.text == "Harir", timeout=3000)
    assert any("al-Harir" in t for t in titles(window))
    assert window.model.total < 7


def test_search_arabic_then_clear(qtbot: QtBot, window: MainWindow) -> None:
    type_unicode(window.filter_bar.search, "الاسد")
    assert window.filter_bar.search.text() == "الاسد"
    assert window.model.rowCount() == 7  # debounced: nothing asked for yet
    qtbot.waitUntil(lambda: window.model.query.text == "الاسد", timeout=3000)
    assert window.model.query.sort == "when"  # a search keeps the table's order
    shown = titles(window)
    assert any("al-Asad" in title for title in shown)
    assert all("al-Asad" in t or "عين الأسد" not in t for t in shown)
    assert window.filter_bar.count_label.text() == f"{len(shown)} of 7 incidents"
    assert len(shown) < 7

    qtbot.mouseClick(window.filter_bar.clear_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 7
    assert window.filter_bar.search.text() == ""
    assert window.model.query.sort == "when"
    assert window.filter_bar.count_label.text() == "7 of 7 incidents"


def test_best_match_order_is_asked_for_and_remembered(qtbot: QtBot, window: MainWindow) -> None:
    window.filter_bar.search.setText("drone attack base")
    qtbot.waitUntil(lambda: window.model.query.text == "drone attack base", timeout=3000)
    newest_first = titles(window)
    assert window.model.query.sort == "when"
    header = window.table.horizontalHeader()
    assert header.sortIndicatorSection() == IncidentTableModel.COL_WHEN

    window.actions_.best_match.trigger()  # View ▸ Search results by best match
    assert window.model.query.sort == "relevance"
    assert sorted(titles(window)) == sorted(newest_first)  # the same matches, ranked
    assert header.sortIndicatorSection() == -1  # no column orders them now
    assert window.filter_bar.count_label.text().endswith("incidents, best match first")

    # Choosing a column while searching sorts by it, and best match is off until asked.
    window.table.sortByColumn(IncidentTableModel.COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert window.model.query.sort == "title"
    assert not window.actions_.best_match.isChecked()
    window.filter_bar.search.setText("drone attack")
    qtbot.waitUntil(lambda: window.model.query.text == "drone attack", timeout=3000)
    assert window.model.query.sort == "title"

    # Leaving best-match order goes back to the column the analyst chose.
    window.actions_.best_match.trigger()
    assert window.model.query.sort == "relevance"
    window.actions_.best_match.trigger()
    assert window.model.query.sort == "title"

    window.actions_.best_match.trigger()
    window.filter_bar.search.clear()
    qtbot.waitUntil(lambda: window.model.query.text == "", timeout=3000)
    assert window.model.query.sort == "title"  # no search, nothing to rank: the column's
    # Sorting without a search leaves the best-match choice for the next search.
    window.table.sortByColumn(IncidentTableModel.COL_WHEN, Qt.SortOrder.DescendingOrder)
    assert window.actions_.best_match.isChecked()
    assert window.model.query.sort == "when"
    window.save_layout()
    again = MainWindow(window.db, offer_sample=False)
    qtbot.addWidget(again)
    assert again.actions_.best_match.isChecked()


def test_status_filter(window: MainWindow) -> None:
    combo = window.filter_bar.status
    combo.setCurrentIndex(combo.findData("confirmed"))
    assert window.model.query.statuses == ("confirmed",)
    assert window.model.total == incidents.count_incidents(window.db, window.model.query)
    assert window.filter_bar.count_label.text() == f"{window.model.total} of 7 incidents"


def test_selecting_a_row_fills_the_detail(window: MainWindow) -> None:
    select_row(window, "al-Asad")
    detail = window.detail
    assert "al-Asad" in detail.title_label.text()
    text = detail.text()
    grades = [label.text() for label in detail.citation_labels]
    assert any(" — B2 (Usually reliable / Probably true)" in g for g in grades), grades
    assert "Casualties:" in text
    assert "Claimed by:" in text or "Target:" in text


def test_an_incident_chosen_while_the_detail_is_hidden_is_laid_out_when_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.actions_.show_detail.setChecked(False)
    select_row(window, "al-Asad")
    window.actions_.show_detail.setChecked(True)
    body = window.detail.widget()
    layout = body.layout()
    assert layout is not None
    # Tall enough for its wrapped text at the pane's width: nothing squeezed or clipped.
    needed = layout.heightForWidth(window.detail.viewport().width())
    qtbot.waitUntil(lambda: body.minimumHeight() >= needed > 0)


def test_header_click_sorts_in_the_database(qtbot: QtBot, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(IncidentTableModel.COL_TITLE) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert window.model.query.sort == "title"
    shown = titles(window)
    assert shown in (sorted(shown), sorted(shown, reverse=True))


def test_when_clicked_after_best_match_starts_newest_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.filter_bar.search.setText("drone")
    qtbot.waitUntil(lambda: window.model.query.text == "drone", timeout=3000)
    window.actions_.best_match.trigger()
    assert window.model.query.sort == "relevance"
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(IncidentTableModel.COL_WHEN) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert (window.model.query.sort, window.model.query.descending) == ("when", True)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_when_clicked_after_another_column_starts_newest_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    header = window.table.horizontalHeader()
    for column in (IncidentTableModel.COL_PLACE, IncidentTableModel.COL_WHEN):
        x = header.sectionViewportPosition(column) + 10
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert (window.model.query.sort, window.model.query.descending) == ("when", True)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    x = header.sectionViewportPosition(IncidentTableModel.COL_WHEN) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert window.model.query.descending is False  # a second click turns it round


def test_user_text_is_never_markup(
    qtbot: QtBot, db: Database, make_incident: IncidentFactory
) -> None:
    nasty = '<img src="x"> & <b>bold</b>'
    incidents.create_incident(db, make_incident(title=nasty, summary="<i>not italic</i>"))
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    select_row(win, "<img")
    label = win.detail.title_label
    # The first row was current already: its incident arrives from the worker that reads it.
    qtbot.waitUntil(lambda: label.text() == nasty, timeout=5000)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert win.detail.values["Summary"].text() == "<i>not italic</i>"
    assert win.detail.values["Summary"].textFormat() == Qt.TextFormat.PlainText


def test_return_and_ctrl_end_in_the_search_box_stay_there(qtbot: QtBot, window: MainWindow) -> None:
    select_row(window, "al-Harir")
    search = window.filter_bar.search
    search.setFocus()
    qtbot.keyClicks(search, "drone")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.keyClick(search, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    editors = [
        w
        for w in QApplication.topLevelWidgets()
        if type(w).__name__ == "IncidentEditor" and w.isVisible()
    ]
    assert editors == []  # Return in the table edits; in the search box it only searches
    assert search.cursorPosition() == len("drone")


def test_delete_asks_then_undo_brings_it_back(qtbot: QtBot, window: MainWindow) -> None:
    select_row(window, "al-Harir")
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    dialogs.answer = False
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert dialogs.messages[-1][0] == "question"
    assert window.model.total == 7  # "No" keeps it

    dialogs.answer = True
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.model.total == 6
    assert not any("al-Harir" in t for t in titles(window))
    assert window.actions_.undo_delete.isEnabled()
    assert "al-Harir" in window.actions_.undo_delete.text()
    trash = incidents.count_incidents(window.db, replace(window.model.query, deleted=True))
    assert trash == 1

    window.actions_.undo_delete.trigger()
    assert window.model.total == 7
    assert "al-Harir" in window.detail.title_label.text()
    assert not window.actions_.undo_delete.isEnabled()


def test_delete_key_in_the_search_box_edits_text(qtbot: QtBot, window: MainWindow) -> None:
    search = window.filter_bar.search
    search.setFocus()
    qtbot.keyClicks(search, "drone")
    search.setCursorPosition(0)
    qtbot.keyClick(search, Qt.Key.Key_Delete)
    assert search.text() == "rone"
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    assert not dialogs.messages


def test_tag_and_period_filters(window: MainWindow) -> None:
    bar = window.filter_bar
    bar.tag.setCurrentIndex(bar.tag.findData("Telegram"))
    assert window.model.query.tags == ("Telegram",)
    tagged = window.model.total
    assert 0 < tagged < 7
    bar.clear()
    bar.set_period(date(2023, 10, 17), date(2023, 10, 17))
    assert window.model.query.since == date(2023, 10, 17)
    shown = titles(window)
    assert any("al-Asad" in t for t in shown)
    assert not any("spokesman" in t for t in shown)  # its week ended on the 16th
    bar.clear()
    assert window.model.query.since is None
    assert window.model.total == 7


def test_no_match_shows_a_hint(window: MainWindow) -> None:
    window.filter_bar.set_period(date(1990, 1, 1), date(1990, 1, 2))
    assert window.model.total == 0
    assert window.empty_label.isVisible()
    assert "No incident matches" in window.empty_label.text()
    window.actions_.clear_filters.trigger()
    assert not window.empty_label.isVisible()


def test_layout_is_remembered(qtbot: QtBot, db: Database) -> None:
    first = MainWindow(db, offer_sample=False)
    qtbot.addWidget(first)
    first.show()
    first.splitter.setSizes([700, 500])
    first.table.setColumnWidth(IncidentTableModel.COL_PLACE, 222)
    first.actions_.show_detail.setChecked(False)
    sizes = first.splitter.sizes()
    first.save_layout()

    second = MainWindow(db, offer_sample=False)
    qtbot.addWidget(second)
    second.show()
    # The offscreen screen is 800 px wide: the restored geometry is clamped to it (a window
    # may be that narrow now), so the width is given back as a large screen would.
    second.resize(first.size())
    assert second.table.columnWidth(IncidentTableModel.COL_PLACE) == 222
    assert not second.actions_.show_detail.isChecked()
    second.actions_.show_detail.setChecked(True)
    qtbot.waitUntil(lambda: second.splitter.sizes()[1] > 0)
    assert second.splitter.sizes()[0] == sizes[0]


def test_history_lists_the_changes(qtbot: QtBot, window: MainWindow) -> None:
    select_row(window, "al-Harir")
    row = window.current_row()
    assert row is not None
    data = incidents.get_incident(window.db, row.id)
    incidents.update_incident(window.db, replace(data, title="<b>al-Harir</b> & more"))
    window.reload()
    window.select_incident(row.id)
    dialog = window.show_history()
    assert dialog is not None
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    assert rows[-1][1:3] == ["tester", "Title"]
    assert rows[-1][4] == "<b>al-Harir</b> & more"
    assert "al-Harir" in rows[-1][3]


def test_sources_manager_jumps_to_citing_incidents(qtbot: QtBot, window: MainWindow) -> None:
    manager = window.show_sources()
    qtbot.addWidget(manager)
    assert manager.isVisible()
    assert window.show_sources() is manager  # one per window
    cited = next(s for s in source_service.list_sources(window.db) if s.name.startswith("U.S."))
    manager.show_incidents.emit(cited.id)
    assert window.model.query.source == cited.id
    assert 0 < window.model.total < 7
    assert window.filter_bar.source_button.isVisible()
    assert window.filter_bar.source_button.text().startswith("Source: U.S. Central")
    assert "U.S. Central Command (CENTCOM)" in window.filter_bar.source_button.toolTip()
    window.actions_.clear_filters.trigger()
    assert window.model.query.source is None
    assert window.model.total == 7


def test_trash_restores_and_the_table_follows(qtbot: QtBot, window: MainWindow) -> None:
    select_row(window, "al-Harir")
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    dialogs.answer = True
    window.delete_incident()
    trash = window.show_trash()
    qtbot.addWidget(trash)
    assert trash.model.total == 1
    trash.table.selectRow(0)
    trash.restore_selected()
    assert window.model.total == 7
    assert not window.actions_.undo_delete.isEnabled()


def test_keyboard_moves_from_search_to_rows(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitActive(window):
        window.activateWindow()
    search = window.filter_bar.search
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert window.table.hasFocus()
    assert window.current_row() is not None
    # Tab from the search box follows the layout: period comes next.
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_Tab)
    assert window.filter_bar.period.hasFocus()


def test_ctrl_end_pages_in_to_the_last_incident(qtbot: QtBot, window: MainWindow) -> None:
    window.model._page_size = window.model._first_page = 2  # seven incidents: four pages
    window.model._reload(window.model.query, 2)  # the query shown, from its first page
    assert window.model.rowCount() == 2
    with qtbot.waitActive(window):
        window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.table.currentIndex().row() == 6, timeout=3000)
    assert window.model.rowCount() == 7
    row = window.current_row()
    assert row is not None
    assert row.title == titles(window)[-1]


def test_the_detail_pane_says_why_it_is_empty(qtbot: QtBot, db: Database) -> None:
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    assert "no incidents" in win.detail.title_label.text()
    load_sample(db)
    win.reload()
    win.filter_bar.set_period(date(1990, 1, 1), date(1990, 1, 2))
    assert win.detail.title_label.text() == "No incident matches the filters."
