"""The message boxes and file pickers a window shows, in one place so tests can replace them.

Widgets take a :class:`Dialogs` (or build their own); tests swap it for a fake that
records what was asked and answers as the test wishes, so no modal box blocks a test.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class Choice(Enum):
    """The analyst's answer to "save your changes?"."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


Button = QMessageBox.StandardButton


def message(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: Button = Button.Ok,
    default: Button = Button.NoButton,
) -> Button:
    """A message box that shows its text as plain text.

    QMessageBox's static helpers guess rich text from the content, so a message quoting a
    title such as ``<img src=/etc/passwd>`` would render (and load) it. Messages here often
    quote user text, file names and database errors, so the guess is never made.
    """
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return Button(box.exec())


class Dialogs:
    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def for_child(self) -> Dialogs | None:
        """The dialogs a child window should use: None lets it parent its own boxes to
        itself (so they stack above it); a test's fake returns itself instead."""
        return None

    def warning(self, title: str, text: str) -> None:
        message(self._parent, QMessageBox.Icon.Warning, title, text)

    def information(self, title: str, text: str) -> None:
        message(self._parent, QMessageBox.Icon.Information, title, text)

    def question(self, title: str, text: str) -> bool:
        answer = message(
            self._parent, QMessageBox.Icon.Question, title, text, Button.Yes | Button.No,
            Button.Yes,
        )
        return answer == Button.Yes

    def save_discard_cancel(self, title: str, text: str) -> Choice:
        answer = message(
            self._parent, QMessageBox.Icon.Question, title, text,
            Button.Save | Button.Discard | Button.Cancel, Button.Save,
        )
        if answer == Button.Save:
            return Choice.SAVE
        if answer == Button.Discard:
            return Choice.DISCARD
        return Choice.CANCEL

    def open_path(self, title: str, filter_: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self._parent, title, "", filter_)
        return Path(path) if path else None

    def open_workspace(self) -> Path | str | None:
        """Ask for a workspace file or a PostgreSQL server (File ▸ Open database)."""
        from desktop.views.open_database_dialog import OpenDatabaseDialog

        dialog = OpenDatabaseDialog(self._parent)
        return dialog.target() if dialog.exec() == OpenDatabaseDialog.DialogCode.Accepted else None

    def save_path(self, title: str, suggested: str, filter_: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self._parent, title, suggested, filter_)
        return Path(path) if path else None
