"""A warning line with one button: remembered texts were written for another scope."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from desktop.views.palette import problem_style
from desktop.views.partials.plain_widgets import plain_label


class ScopeNote(QWidget):
    """Says why texts were not filled in; ``taken`` fires when the analyst wants them anyway.

    Hidden while it has nothing to say.
    """

    taken = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.label = plain_label("", self)
        self.label.setWordWrap(True)
        self.label.setStyleSheet(problem_style())
        self.button = QPushButton("Use them anyway", self)
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self._take)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.setVisible(False)

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))

    def _take(self) -> None:
        self.say("")
        self.taken.emit()
