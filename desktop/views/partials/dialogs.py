"""The message boxes and file pickers a window shows, in one place so tests can replace them.

Widgets take a :class:`Dialogs` (or build their own); tests swap it for a fake that
records what was asked and answers as the test wishes, so no modal box blocks a test.

QMessageBox and QFileDialog are imported where a box is shown, not at the top: the main
window imports this module before its first paint, and making their Python classes (with
their enums) is a part of the start nothing on screen needs yet.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget

    Button = QMessageBox.StandardButton


class Choice(Enum):
    """The analyst's answer to "save your changes?"."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def message(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: Button | None = None,
    default: Button | None = None,
) -> Button:
    """A message box that shows its text as plain text (``buttons`` None: just OK).

    QMessageBox's static helpers guess rich text from the content, so a message quoting a
    title such as ``<img src=/etc/passwd>`` would render (and load) it. Messages here often
    quote user text, file names and database errors, so the guess is never made.
    """
    from PySide6.QtWidgets import QMessageBox

    standard = QMessageBox.StandardButton
    box = QMessageBox(icon, title, text, standard.Ok if buttons is None else buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default is not None:
        box.setDefaultButton(default)
    return standard(box.exec())


class Dialogs:
    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def for_child(self) -> Dialogs | None:
        """The dialogs a child window should use: None lets it parent its own boxes to
        itself (so they stack above it); a test's fake returns itself instead."""
        return None

    def warning(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        message(self._parent, QMessageBox.Icon.Warning, title, text)

    def information(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        message(self._parent, QMessageBox.Icon.Information, title, text)

    def question(self, title: str, text: str, *, destructive: bool = False) -> bool:
        """Yes or no; a ``destructive`` question (what cannot be undone) has No as its
        default button, so that Enter pressed out of habit destroys nothing."""
        from PySide6.QtWidgets import QMessageBox

        button = QMessageBox.StandardButton
        answer = message(
            self._parent,
            QMessageBox.Icon.Question,
            title,
            text,
            button.Yes | button.No,
            button.No if destructive else button.Yes,
        )
        return answer == button.Yes

    def save_discard_cancel(self, title: str, text: str) -> Choice:
        from PySide6.QtWidgets import QMessageBox

        button = QMessageBox.StandardButton
        answer = message(
            self._parent,
            QMessageBox.Icon.Question,
            title,
            text,
            button.Save | button.Discard | button.Cancel,
            button.Save,
        )
        if answer == button.Save:
            return Choice.SAVE
        if answer == button.Discard:
            return Choice.DISCARD
        return Choice.CANCEL

    def open_path(self, title: str, filter_: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self._parent, title, "", filter_)
        return Path(path) if path else None

    def open_paths(self, title: str, filter_: str) -> list[Path]:
        """Any number of existing files; [] when the analyst cancels."""
        from PySide6.QtWidgets import QFileDialog

        paths, _ = QFileDialog.getOpenFileNames(self._parent, title, "", filter_)
        return [Path(path) for path in paths]

    def open_workspace(self) -> Path | str | None:
        """Ask for a workspace file or a PostgreSQL server (File ▸ Open database)."""
        from desktop.views.open_database_dialog import OpenDatabaseDialog

        dialog = OpenDatabaseDialog(self._parent)
        return dialog.target() if dialog.exec() == OpenDatabaseDialog.DialogCode.Accepted else None

    def save_path(self, title: str, suggested: str, filter_: str) -> Path | None:
        """The file chosen; one named without a suffix takes the chosen filter's (``;;``
        separates several: "PDF (*.pdf);;Word document (*.docx)")."""
        from PySide6.QtWidgets import QFileDialog

        path, chosen = QFileDialog.getSaveFileName(self._parent, title, suggested, filter_)
        return with_filter_suffix(Path(path), chosen) if path else None


def with_filter_suffix(path: Path, chosen_filter: str) -> Path:
    """``path``, or with the suffix of ``chosen_filter`` ("Word document (*.docx)") added
    when it has none: a save dialog's filter names the kind of file the analyst wants."""
    if path.suffix:
        return path
    found = re.search(r"\*(\.[A-Za-z0-9]+)", chosen_filter)
    return path.with_name(path.name + found.group(1)) if found else path
