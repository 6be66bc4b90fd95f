"""The timeline of one incident: who changed what, when, from what to what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services import history
from desktop.views.partials.plain_widgets import plain_tooltip
from desktop.wording import plural

if TYPE_CHECKING:
    from desktop.services.history import Change

# Long values (a narrative, an excerpt) are cut in the row and shown whole in the tooltip.
CELL_CHARS = 160


def _cut(text: str | None) -> str:
    if text is None:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= CELL_CHARS else flat[: CELL_CHARS - 1] + "…"


class HistoryDialog(QDialog):
    COLUMNS = ("When (UTC)", "Who", "What", "Before", "After")

    def __init__(self, title: str, changes: list[Change], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History — {title}")
        self.resize(980, 520)
        heading = QLabel(self)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        heading.setText(
            f"{plural(len(changes), 'recorded change')} to '{title}', oldest first."
            if changes
            else f"No recorded changes to '{title}' (it predates the history)."
        )
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(len(self.COLUMNS))
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._items = [self._item(change) for change in changes]
        self.tree.addTopLevelItems(self._items)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        if self._items:
            self.tree.scrollToItem(self._items[-1])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)

    @staticmethod
    def _item(change: Change) -> QTreeWidgetItem:
        if change.action == history.UPDATED and change.field:
            what = (
                change.field
                if change.old is not None and change.new is not None
                else (f"{change.field} added" if change.old is None else f"{change.field} removed")
            )
        else:
            what = history.ACTION_WORDS.get(change.action, change.action).capitalize()
        item = QTreeWidgetItem(
            [
                change.at.strftime("%Y-%m-%d %H:%M:%S"),
                change.by,
                what,
                _cut(change.old),
                _cut(change.new),
            ]
        )
        item.setToolTip(2, plain_tooltip(change.sentence))
        item.setToolTip(3, plain_tooltip(change.old or ""))
        item.setToolTip(4, plain_tooltip(change.new or ""))
        return item

    def rows(self) -> list[list[str]]:
        """The cells as shown, for tests."""
        return [[item.text(c) for c in range(len(self.COLUMNS))] for item in self._items]
