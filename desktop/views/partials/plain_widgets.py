"""Small widget factories shared by the dialogs.

Labels are set to plain text so that user text (a title like ``<img src=x>``) is shown as
typed and never interpreted as Qt rich text; buttons beside a table are never "default", so
Enter belongs to the table.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QPushButton

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QAbstractButton, QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def plain_label(
    text: str = "",
    parent: QWidget | None = None,
    *,
    wrap: bool = False,
    selectable: bool = False,
) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if wrap:
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip that shows user text as typed. Qt guesses rich text from a tooltip's
    content (a title like ``<img src=…>`` would be rendered, and its file loaded), so the
    text is escaped inside an explicit paragraph."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>" if text else ""


def side_button(text: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


class TableKeys(QObject):
    """Enter and Delete on a table press the dialog's buttons for them, when enabled."""

    def __init__(
        self,
        table: QWidget,
        enter: tuple[QAbstractButton, Callable[[], object]],
        delete: tuple[QAbstractButton, Callable[[], object]],
    ) -> None:
        super().__init__(table)
        self._keys = {**dict.fromkeys(ENTER_KEYS, enter), Qt.Key.Key_Delete: delete}
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            target = self._keys.get(Qt.Key(event.key()))
            if target is not None and target[0].isEnabled():
                target[1]()
                return True
        return super().eventFilter(watched, event)
