"""A free-text field's length beside its limit ("1,234 / 20,000"), so the analyst sees the
cap (desktop/services/limits.py) before saving runs into it.

A QPlainTextEdit has no maximum length, and cutting a paste short would lose text without a
word: the field keeps what is typed, the counter turns red past the limit, and validation
names the field when saving ("Summary: is longer than 20,000 characters").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.views.palette import HINT_STYLE, problem_style

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit, QWidget


class LengthCounter(QLabel):
    def __init__(self, edit: QPlainTextEdit, limit: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self._edit = edit
        self._over: bool | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        edit.textChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        length = len(self._edit.toPlainText())
        self.setText(f"{length:,} / {self.limit:,}")
        over = length > self.limit
        if over != self._over:  # restyle only when it crosses the limit
            self._over = over
            self.setStyleSheet(problem_style() if over else HINT_STYLE)
            self.setToolTip(
                f"Longer than the {self.limit:,} characters this field can hold: shorten "
                "it to save."
                if over
                else f"This field holds up to {self.limit:,} characters."
            )

    @property
    def over(self) -> bool:
        return bool(self._over)
