"""Findings of a user walkthrough of the main window: tag order, links in the detail pane."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QStyle, QStyleOptionComboBox

from desktop.services import incidents
from desktop.services.dto import Citation
from desktop.views.main_window import MainWindow
from desktop.views.partials import plain_widgets
from desktop.views.partials.incident_table_model import IncidentTableModel
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import SourceData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

COL_TITLE = IncidentTableModel.COL_TITLE
COL_PLACE = IncidentTableModel.COL_PLACE
COL_TYPE = IncidentTableModel.COL_TYPE
NASTY_URL = 'https://example.org/report?a=1&b=<b>bold</b>"'


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    return win


def test_tags_are_offered_in_alphabetical_order_whatever_their_case(
    window: MainWindow, db: Database, make_incident: IncidentFactory
) -> None:
    incidents.create_incident(db, make_incident(tags=("zebra", "Drone", "apple")))
    incidents.create_incident(db, make_incident(tags=("Banana", "drone")))
    window.reload()
    combo = window.filter_bar.tag
    offered = [combo.itemText(i) for i in range(1, combo.count())]
    assert offered == ["apple", "Banana", "Drone", "drone", "zebra"]


def test_a_citations_web_address_is_a_link_and_stays_plain_text(
    qtbot: QtBot,
    window: MainWindow,
    db: Database,
    sources: tuple[SourceData, SourceData],
    make_incident: IncidentFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(plain_widgets, "open_link", lambda url: opened.append(url) or True)
    created = incidents.create_incident(
        db,
        make_incident(
            citations=(
                Citation(source=sources[1].id, credibility=3, url=NASTY_URL),
                Citation(source=sources[0].id, credibility=2, url="javascript:alert(1)"),
            )
        ),
    )
    window.reload()
    window.table.selectRow(0)
    detail = window.detail
    # The reload's first row is current already: its incident arrives from a worker.
    qtbot.waitUntil(lambda: detail.incident_id == created.id, timeout=5000)
    links = [label for label in detail.citation_labels if label.property("plain") == NASTY_URL]
    assert len(links) == 1
    link = links[0]
    assert link.textFormat() == Qt.TextFormat.RichText
    assert "<b>bold" not in link.text()  # escaped: drawn as typed, never bold
    assert "&lt;b&gt;bold&lt;/b&gt;" in link.text()
    assert NASTY_URL in detail.text()
    # Any other address is shown, as plain text, and opens nothing.
    [other] = [
        label
        for label in detail.citation_labels
        if label.property("plain") == "javascript:alert(1)"
    ]
    assert other.textFormat() == Qt.TextFormat.PlainText

    qtbot.waitUntil(lambda: link.isVisible() and link.width() > 0)
    point = QPoint(6, link.height() // 2)
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton, pos=point)
    assert opened == [NASTY_URL]
    qtbot.mouseClick(other, Qt.MouseButton.LeftButton, pos=QPoint(6, other.height() // 2))
    assert opened == [NASTY_URL]


def text_room(combo: QComboBox) -> int:
    """The width a combo box has for its text: inside its frame, beside its arrow."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return field.width()


@pytest.mark.parametrize("size", [(960, 640), (1024, 700)])
def test_half_a_screen_is_enough_and_no_filter_is_clipped(
    qtbot: QtBot,
    window: MainWindow,
    db: Database,
    make_incident: IncidentFactory,
    size: tuple[int, int],
    tmp_path: Path,
) -> None:
    incidents.create_incident(db, make_incident())
    window.reload()
    window.table.selectRow(0)
    assert window.detail.isVisible()
    assert window.minimumSizeHint().width() <= 960
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    QApplication.processEvents()
    assert window.detail.width() > 0
    combos = window.filter_bar.findChildren(QComboBox)
    assert len(combos) == 7
    for combo in combos:
        assert combo.isVisible()
        for index in range(combo.count()):
            text = combo.itemText(index)
            if text.startswith("Any") or combo is window.filter_bar.period:
                need = combo.fontMetrics().horizontalAdvance(text)
                assert need <= text_room(combo), (text, need, text_room(combo))
        assert window.filter_bar.rect().contains(combo.geometry())
    for button in (window.filter_bar.clear_button,):
        need = button.fontMetrics().horizontalAdvance(button.text())
        assert need < button.width()
    window.grab().save(str(tmp_path / f"main-{size[0]}x{size[1]}.png"))


def test_extra_width_goes_to_place_and_type_as_well_as_title(
    qtbot: QtBot, window: MainWindow, db: Database, make_incident: IncidentFactory
) -> None:
    incidents.create_incident(db, make_incident())
    window.reload()
    window.resize(1100, 700)
    qtbot.waitUntil(lambda: window.width() == 1100)
    QApplication.processEvents()
    narrow = {c: window.table.columnWidth(c) for c in (COL_TITLE, COL_PLACE, COL_TYPE)}
    # Title's own room (35 % of the table) comes first, then Place and Type share the rest.
    window.resize(2400, 900)
    qtbot.waitUntil(lambda: window.width() == 2400)
    QApplication.processEvents()
    wide = {c: window.table.columnWidth(c) for c in (COL_TITLE, COL_PLACE, COL_TYPE)}
    for column in (COL_TITLE, COL_PLACE, COL_TYPE):
        assert wide[column] > narrow[column] + 40, (column, narrow, wide)
