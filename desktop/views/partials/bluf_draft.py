"""A bottom line drafted from the data, offered for the analyst to take and edit.

The draft (services.bluf) is never printed on its own: "Use this draft" puts it in the key
points editor (``chosen``), where it becomes the analyst's words to edit before exporting.
Drafting reads every incident of the report, so it is done when asked, and dropped
(``outdated``) when the report's scope changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.errors import DeskError
from desktop.views.partials.plain_widgets import plain_label

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

ASK = "Draft a bottom line from the data"


class BlufDraft(QWidget):
    """Drafts on request, shows the draft, and hands it over with ``chosen`` (one key point
    per line)."""

    chosen = Signal(str)

    def __init__(self, drafter: Callable[[], Sequence[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drafter = drafter
        self._lines: tuple[str, ...] = ()
        self.text = plain_label("", self)
        self.text.setWordWrap(True)
        self.draft_button = QPushButton(ASK, self)
        self.use_button = QPushButton("Use this draft", self)
        self.use_button.setToolTip("Put the draft in the key points, to edit before exporting")
        for button in (self.draft_button, self.use_button):
            button.setAutoDefault(False)
        self.draft_button.clicked.connect(self.draft)
        self.use_button.clicked.connect(self._use)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.use_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.outdated()

    @property
    def lines(self) -> tuple[str, ...]:
        return self._lines

    def draft(self) -> None:
        """Draft from the data now and show it."""
        try:
            self._lines = tuple(self._drafter())
        except DeskError as exc:
            self._lines = ()
            self.text.setText(f"No draft: {exc}")
        else:
            self.text.setText("\n".join(f"• {line}" for line in self._lines))
        self.text.setVisible(True)
        self.use_button.setEnabled(bool(self._lines))

    def outdated(self) -> None:
        """The scope changed: the draft no longer fits it, so it is dropped."""
        self._lines = ()
        self.text.setText("")
        self.text.setVisible(False)
        self.use_button.setEnabled(False)

    def _use(self) -> None:
        if self._lines:
            self.chosen.emit("\n".join(self._lines))
