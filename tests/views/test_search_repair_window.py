"""The window on a workspace whose search index is damaged: repaired, said in one line, and
the search box works."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from desktop.services.sample import load_sample
from desktop.store.engine import open_database
from desktop.store.search_repair import REBUILT_NOTE
from desktop.views.main_window import MainWindow
from desktop.views.partials.incident_table_model import IncidentTableModel
from tests.store.test_search_repair import damage_search_index
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot


def _titles(win: MainWindow) -> list[str]:
    model = win.model
    column = IncidentTableModel.COL_TITLE
    return [str(model.data(model.index(r, column))) for r in range(model.rowCount())]


def _type(qtbot: QtBot, win: MainWindow, text: str) -> None:
    search = win.filter_bar.search
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search, text)


def _search(qtbot: QtBot, win: MainWindow, text: str) -> None:
    _type(qtbot, win, text)
    qtbot.waitUntil(lambda: win.model.query.text == text, timeout=3000)


def _window(qtbot: QtBot, path: Path) -> MainWindow:
    win = MainWindow(open_database(path), offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.show()
    return win


def test_a_damaged_index_is_rebuilt_on_open_and_searches_work(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    db = open_database(path)
    load_sample(db)
    db.close()
    damage_search_index(path)

    win = _window(qtbot, path)
    try:
        assert win.statusBar().currentMessage() == REBUILT_NOTE
        _search(qtbot, win, "Harir")
        assert [t for t in _titles(win) if "al-Harir" in t]
        assert win.dialogs.messages == []  # type: ignore[attr-defined]
        win.grab().save(str(tmp_path / "repaired.png"))
    finally:
        win._db.close()


def test_a_search_meeting_damage_says_so_once_then_works(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    db = open_database(path)
    load_sample(db)
    db.close()
    win = _window(qtbot, path)
    try:
        assert win.statusBar().currentMessage() == ""
        # The window shows its first incident (read in a worker): no read is in flight when
        # the file is damaged under it.
        qtbot.waitUntil(lambda: win.detail.incident_id is not None, timeout=3000)
        damage_search_index(path, first_block=10)  # while the window has it open
        _type(qtbot, win, "drone")
        messages = win.dialogs.messages  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: bool(messages), timeout=3000)
        assert [text for _kind, _title, text in messages] == [f"{REBUILT_NOTE} Try again."]
        _search(qtbot, win, "Harir")
        assert [t for t in _titles(win) if "al-Harir" in t]
        assert len(messages) == 1
    finally:
        win._db.close()
