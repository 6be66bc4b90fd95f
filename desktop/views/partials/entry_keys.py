"""Keys in a form's fields: Enter moves on as Tab does, Alt+letter types nothing.

Enter in a one-line field used to press the dialog's default button, so the incident
editor saved and closed half-filled; analysts press Enter to finish a field, not the form
(Ctrl+S and the Save button save). Alt+letter that matches no caption's mnemonic reached
the focused field, and Qt's text fields accept a key with Alt as text, so the letter was
typed in.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit

from desktop.views.partials.plain_widgets import ENTER_KEYS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from PySide6.QtWidgets import QWidget

ONE_LINE_FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox)
# Option+letter is how a Mac keyboard types accented letters: there it is text.
_ALT_IS_TEXT = sys.platform == "darwin"


def alt_would_type(event: QKeyEvent) -> bool:
    """Alt (not AltGr, which arrives as Ctrl+Alt on Windows) with a printable key."""
    modifiers = event.modifiers()
    text = event.text()
    return (
        not _ALT_IS_TEXT
        and bool(modifiers & Qt.KeyboardModifier.AltModifier)
        and not modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier)
        and bool(text)
        and text.isprintable()
    )


class EntryKeys(QObject):
    """Watches a form's fields; with ``enter_moves_on`` False only Alt+letter is held back
    (a dialog whose Enter means OK)."""

    def __init__(self, form: QWidget, *, enter_moves_on: bool = True) -> None:
        super().__init__(form)
        self._form = form
        self._enter_moves_on = enter_moves_on

    def watch(self, widgets: Iterable[QWidget]) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if alt_would_type(event):
            return True  # a mnemonic would have taken it before it got here
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (
            self._enter_moves_on
            and event.key() in ENTER_KEYS
            and plain == Qt.KeyboardModifier.NoModifier
            and isinstance(watched, ONE_LINE_FIELDS)
        ):
            self._form.focusNextChild()
            return True
        return False
