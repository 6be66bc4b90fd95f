"""The incident table's columns, shown or hidden from the header's right-click menu.

On a narrow window (1024 px with the detail pane beside the table) the fixed columns leave
Title, what an analyst reads first, about 100 px; hiding a column or two they rarely read
gives it back. Which columns are hidden is part of the header's state, which the window saves
and restores with its layout; When and Title always show.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence

    from PySide6.QtWidgets import QMenu, QTableView


class ColumnMenu(QObject):
    def __init__(
        self,
        table: QTableView,
        titles: Sequence[str],
        always: Collection[int],
        changed: Callable[[], None],
    ) -> None:
        super().__init__(table)
        self._table = table
        self._titles = titles
        self._always = always  # columns that cannot be hidden
        self._changed = changed  # told after a column is shown or hidden (to spread widths)
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show)

    def menu(self) -> QMenu:
        """A menu of every column, checked where it shows."""
        from PySide6.QtWidgets import QMenu

        header = self._table.horizontalHeader()
        menu = QMenu("Columns", self._table)
        for column, title in enumerate(self._titles):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column not in self._always)
            action.toggled.connect(partial(self.set_shown, column))
        menu.addSeparator()
        menu.addAction("Show all columns", self.show_all)
        return menu

    def set_shown(self, column: int, shown: bool) -> None:
        if column in self._always:
            return
        self._table.horizontalHeader().setSectionHidden(column, not shown)
        self._changed()

    def show_all(self) -> None:
        header = self._table.horizontalHeader()
        for column in range(len(self._titles)):
            header.setSectionHidden(column, False)
        self._changed()

    def _show(self, position: QPoint) -> None:
        menu = self.menu()
        menu.exec(self._table.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()
