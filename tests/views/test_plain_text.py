"""User text is never taken for Qt rich text: message boxes and tooltips show it as typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.services import incidents
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.incident_table_model import IncidentTableModel

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

NASTY = '<img src="/etc/passwd"> & <b>bold</b>'


def test_message_boxes_show_markup_as_typed(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[tuple[Qt.TextFormat, str]] = []

    def look_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.textFormat(), box.text()))
        box.accept()

    QTimer.singleShot(0, look_and_close)
    Dialogs(parent).warning("Cannot save", f"'{NASTY}' was changed by someone else.")
    assert seen == [(Qt.TextFormat.PlainText, f"'{NASTY}' was changed by someone else.")]


def test_a_destructive_question_defaults_to_no(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    defaults: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        default = box.defaultButton()
        defaults.append(default.text().replace("&", ""))
        default.click()  # what Enter does

    dialogs = Dialogs(parent)
    QTimer.singleShot(0, press_enter)
    assert dialogs.question("Load sample", "Load the sample workspace?")  # Enter: yes
    QTimer.singleShot(0, press_enter)
    assert not dialogs.question("Empty trash", "Delete all for good?", destructive=True)
    assert defaults == ["Yes", "No"]


def test_table_tooltips_escape_titles(db: Database, make_incident: IncidentFactory) -> None:
    incidents.create_incident(db, make_incident(title=NASTY))
    model = IncidentTableModel(
        lambda q, o, n: incidents.list_incidents(db, q, o, n),
        lambda q: incidents.count_incidents(db, q),
    )
    model.refresh()
    tip = model.data(model.index(0, model.COL_TITLE), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str)
    assert "<img" not in tip
    assert "&lt;img src=&quot;/etc/passwd&quot;&gt;" in tip
