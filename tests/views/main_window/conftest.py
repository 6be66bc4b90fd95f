"""The main window's tests: a window on the sample workspace, its questions answered "no"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from desktop.services.sample import load_sample
from desktop.views.main_window import MainWindow
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    return win
