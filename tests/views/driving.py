"""Driving widgets as an analyst does: typing, picking from lists, citing a source."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog

from desktop.domain import CREDIBILITY

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QWidget
    from pytestqt.qtbot import QtBot

    from desktop.views.partials.citation_dialog import CitationDialog


def type_unicode(widget: QWidget, text: str) -> None:
    """qtbot.keyClicks aborts offscreen on non-Latin letters; send the key events here."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def replace_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select all in a line edit and type over it, as a user does."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def choose(qtbot: QtBot, combo: QWidget, text: str) -> None:
    """Pick an item of a (non-editable) combo box with the keyboard, by its visible text."""
    assert isinstance(combo, QComboBox)
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered"
    combo.setFocus()
    # Home then Down n times: what the keyboard does; each step emits ``activated``.
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentIndex() == index


def cite(
    qtbot: QtBot, search: str, credibility: int, excerpt: str = "", published: str = ""
) -> Callable[[QDialog], bool]:
    """Answers the citation dialog: search the source, click it, grade, quote, OK."""

    def run(dialog: QDialog) -> bool:
        citation_dialog: CitationDialog = dialog  # type: ignore[assignment]
        dialog.show()
        picker = citation_dialog.source_picker
        replace_text(qtbot, picker.search_edit, search)
        item = picker.list.topLevelItem(0)
        assert item is not None, f"no source matches {search!r}"
        rect = picker.list.visualItemRect(item)
        qtbot.mouseClick(picker.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        choose(qtbot, citation_dialog.credibility_combo, credibility_text(credibility))
        if published:
            replace_text(qtbot, citation_dialog.published_edit, published)
        if excerpt:
            citation_dialog.excerpt_edit.setFocus()
            qtbot.keyClicks(citation_dialog.excerpt_edit, excerpt)
        qtbot.mouseClick(citation_dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result() == QDialog.DialogCode.Accepted

    return run


def credibility_text(code: int) -> str:
    return f"{code} — {CREDIBILITY[code].label}"
