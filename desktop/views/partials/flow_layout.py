"""A row of widgets that wraps onto more rows when the width is short.

The filter bar's boxes sit in one row on a wide window and in two or three on a half
screen, instead of forcing the window to be as wide as all of them (and then squeezing
them until "Any confidence" reads "Any confidenc"). Each box keeps at least its size hint,
so its text fits; the room left in a row is shared by the widgets that may grow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QSizePolicy

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLayoutItem, QWidget


_EXPANDING = (QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)


def _expands(item: QLayoutItem) -> bool:
    """Whether the widget asks for more room (the boxes do; buttons keep their size)."""
    widget = item.widget()
    return widget is not None and widget.sizePolicy().horizontalPolicy() in _EXPANDING


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # --- QLayout's interface ----------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        # All in one row: what a wide window gives them.
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown)
        width += self._spacing * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        # One widget a row at the narrowest: as wide as the widest of them.
        shown = self._shown()
        width = max((item.sizeHint().width() for item in shown), default=0)
        return QSize(width, self.heightForWidth(width))

    # --- inside -----------------------------------------------------------------------

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _rows(self, width: int) -> list[list[QLayoutItem]]:
        rows: list[list[QLayoutItem]] = []
        used = 0
        for item in self._shown():
            wanted = item.sizeHint().width()
            if rows and used + self._spacing + wanted <= width:
                rows[-1].append(item)
                used += self._spacing + wanted
            else:
                rows.append([item])
                used = wanted
        return rows

    def _place(self, rect: QRect, *, move: bool) -> int:
        y = rect.y()
        for row in self._rows(rect.width()):
            height = max(item.sizeHint().height() for item in row)
            widths = [item.sizeHint().width() for item in row]
            growing = [i for i, item in enumerate(row) if _expands(item)]
            spare = rect.width() - sum(widths) - self._spacing * (len(row) - 1)
            if growing and spare > 0:
                share, rest = divmod(spare, len(growing))
                for n, i in enumerate(growing):
                    widths[i] += share + (1 if n < rest else 0)
            x = rect.x()
            for item, width in zip(row, widths, strict=True):
                if move:
                    item.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
                x += width + self._spacing
            y += height + self._spacing
        return max(y - rect.y() - self._spacing, 0)
