"""Extra table width goes to Place and Type as well as Title, once Title has its room.

Title stretches (Qt's Stretch mode) and takes what the other columns leave. On a wide
window, Place and Type, which read "al-Asad airbas…" and "Shelling/artille…" at their
base widths, get a quarter each of the width beyond the base widths and Title's own room
(``column_fit.title_need``: on a narrow table Title's room comes first). A column the
analyst has resized by hand keeps the width given to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject

from desktop.views.partials.column_fit import title_need

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTableView

SHARE = 0.25  # of the extra width, for each growing column; Title keeps the rest


class ColumnSpread(QObject):
    def __init__(
        self, table: QTableView, base: dict[int, int], growing: tuple[int, ...], title: int
    ) -> None:
        super().__init__(table)
        self._table = table
        self._base = base  # every column's width before any extra
        self._growing = growing
        self._title = title
        self._given: dict[int, int] = {}  # the width last set, to tell a hand-made one
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.spread()
        return False

    def spread(self) -> None:
        table = self._table
        header = table.horizontalHeader()
        shown = [c for c in self._base if not header.isSectionHidden(c)]
        width = table.viewport().width()
        extra = width - sum(self._base[c] for c in shown)
        extra -= max(title_need(width) - self._base[self._title], 0)
        for column in self._growing:
            current = table.columnWidth(column)
            if column in self._given and current != self._given[column]:
                continue  # resized by the analyst
            width = self._base[column] + max(int(extra * SHARE), 0)
            if width != current:
                table.setColumnWidth(column, width)
            self._given[column] = width
