"""Findings of a user walkthrough of the main window: tag order, links in the detail pane."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, Qt

from desktop.services import incidents
from desktop.services.dto import Citation
from desktop.views.main_window import MainWindow
from desktop.views.partials import plain_widgets
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.services.dto import SourceData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

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
    incidents.create_incident(
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
