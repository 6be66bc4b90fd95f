"""An emoji typed into the window's search box finds the incidents whose text holds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from desktop.services import incidents
from desktop.store import fts5
from desktop.store.engine import open_database
from desktop.views.main_window import MainWindow
from desktop.views.partials.incident_table_model import IncidentTableModel
from desktop.views.partials.upgrade_notice import INDEX_NOTICE_TEXT
from tests.views.driving import type_unicode
from tests.views.fakes import RecordingDialogs, record_upgrade_notices

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
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


def test_a_workspace_indexed_by_an_older_version_is_reindexed_with_a_notice(
    qtbot: QtBot,
    db: Database,
    make_incident: IncidentFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "older.sqlite3"
    old_tokenize = "unicode61 remove_diacritics 2"  # before symbols were words
    with monkeypatch.context() as older:
        old_sql = fts5.CREATE_FTS_SQL.replace(fts5.TOKENIZE, old_tokenize)
        older.setattr(fts5, "TOKENIZE", old_tokenize)
        older.setattr(fts5, "CREATE_FTS_SQL", old_sql)
        made = open_database(path)
        fire = make_incident(title="🔥 Fire at the fuel depot", citations=())
        incidents.create_incident(made, fire)
        made.close()
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.show()
    shown = record_upgrade_notices(monkeypatch)
    win.open_database(path)  # File ▸ Open
    assert [notice.labelText() for notice in shown] == [INDEX_NOTICE_TEXT]
    assert not shown[0].isVisible()
    assert win.db.label == "older.sqlite3"
    search = win.filter_bar.search
    search.setFocus()
    type_unicode(search, "🔥")
    qtbot.waitUntil(lambda: win.model.query.text == "🔥", timeout=3000)
    assert _titles(win) == ["🔥 Fire at the fuel depot"]
    win.open_database(path)  # current now: nothing to announce
    assert len(shown) == 1
