"""The incident table's columns, shown or hidden from the header's right-click menu.

What the analyst picks here is their choice, kept by :class:`ColumnFit`
(``views/partials/column_fit.py``), which otherwise hides the least-read columns on a narrow
table to give Title room; When and Title always show.
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
        choose: Callable[[int, bool], None],
        choose_all: Callable[[], None],
        choose_none: Callable[[], None],
    ) -> None:
        super().__init__(table)
        self._table = table
        self._titles = titles
        self._always = always  # columns that cannot be hidden
        self._choose = choose  # the analyst shows (True) or hides a column
        self._choose_all = choose_all
        self._choose_none = choose_none  # forget the choices: the width decides again
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
        menu.addAction("Fit columns to the width", self._choose_none)
        return menu

    def set_shown(self, column: int, shown: bool) -> None:
        if column not in self._always:
            self._choose(column, shown)

    def show_all(self) -> None:
        self._choose_all()

    def _show(self, position: QPoint) -> None:
        menu = self.menu()
        menu.exec(self._table.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()
