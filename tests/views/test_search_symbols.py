"""An emoji typed into the window's search box finds the incidents whose text holds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from desktop.services import incidents
from desktop.views.main_window import MainWindow
from desktop.views.partials.incident_table_model import IncidentTableModel
from tests.views.driving import type_unicode
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def _titles(win: MainWindow) -> list[str]:
    model = win.model
    column = IncidentTableModel.COL_TITLE
    return [str(model.data(model.index(r, column))) for r in range(model.rowCount())]


def test_an_emoji_typed_in_the_search_box_finds_the_incident(
    qtbot: QtBot, db: Database, make_incident: IncidentFactory, tmp_path: Path
) -> None:
    for title in ("🔥 Fire at the fuel depot", "Helicopter 🚁 down near Erbil", "Road closed"):
        incidents.create_incident(db, make_incident(title=title))
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    search = win.filter_bar.search

    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_unicode(search, "🚁")
    qtbot.waitUntil(lambda: win.model.query.text == "🚁", timeout=3000)
    assert _titles(win) == ["Helicopter 🚁 down near Erbil"]
    assert win.filter_bar.count_label.text() == "1 of 3 incidents"
    win.grab().save(str(tmp_path / "emoji-search.png"))

    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_unicode(search, "fire 🔥")
    qtbot.waitUntil(lambda: win.model.query.text == "fire 🔥", timeout=3000)
    assert _titles(win) == ["🔥 Fire at the fuel depot"]
