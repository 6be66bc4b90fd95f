"""Which of the incident table's columns show: the analyst's choice, else what the width allows.

Title is what an analyst reads first. On a narrow table (1024 px with the detail pane beside
it) the fixed columns would leave it about 100 px, so the columns the analyst has not chosen
to show or hide are hidden, least read first (``drop_order``), until Title has at least
:data:`TITLE_SHARE` of the table's width (and never less than :data:`TITLE_MIN_PX`); on a
wide table every column shows. A choice made in the header's menu always wins and is
remembered (by column key, through ``remember``), so it survives a restart and a resize.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from PySide6.QtWidgets import QTableView

TITLE_SHARE = 0.35  # of the table's width, before a column is hidden for it
TITLE_MIN_PX = 200  # whatever the width: a title of four or five words


def title_need(width: int) -> int:
    """The room Title is given first on a table ``width`` px wide."""
    return max(TITLE_MIN_PX, int(width * TITLE_SHARE))


class ColumnFit(QObject):
    def __init__(
        self,
        table: QTableView,
        keys: Sequence[str],
        widths: Mapping[int, int],
        title: int,
        drop_order: Sequence[int],
        chosen: Mapping[str, bool],
        remember: Callable[[dict[str, bool]], None],
        fitted: Callable[[], None],
    ) -> None:
        super().__init__(table)
        self._table = table
        self._keys = keys
        self._widths = widths  # each column's width before any extra (Title: its sample's)
        self._title = title
        self._drop_order = drop_order  # columns that may be hidden for Title, least read first
        self._chosen = {k: v for k, v in chosen.items() if k in keys}  # key -> shown
        self._remember = remember
        self._fitted = fitted  # told after the columns shown may have changed (spread widths)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    @property
    def chosen(self) -> dict[str, bool]:
        """The analyst's own choices: column key -> shown."""
        return dict(self._chosen)

    def choose(self, column: int, shown: bool) -> None:
        """The analyst shows or hides ``column`` (the header's menu): kept and remembered."""
        self._chosen[self._keys[column]] = shown
        self._remember(dict(self._chosen))
        self.fit()

    def choose_all(self) -> None:
        """Every column shown, by the analyst's choice (so a narrow width hides none)."""
        self._chosen = dict.fromkeys(self._keys, True)
        self._remember(dict(self._chosen))
        self.fit()

    def choose_none(self) -> None:
        """The analyst's choices forgotten: the width decides which columns show again."""
        self._chosen = {}
        self._remember({})
        self.fit()

    def hidden_by_width(self, width: int) -> set[int]:
        """The columns the analyst has not chosen that a table ``width`` px wide hides."""
        shown = {c for c in range(len(self._keys)) if self._chosen.get(self._keys[c], True)}
        need = title_need(width)
        hidden: set[int] = set()
        for column in self._drop_order:
            others = sum(self._widths[c] for c in shown - hidden if c != self._title)
            if width - others >= need:
                break
            if column in shown and self._keys[column] not in self._chosen:
                hidden.add(column)
        return hidden

    def fit(self) -> None:
        header = self._table.horizontalHeader()
        by_width = self.hidden_by_width(self._table.viewport().width())
        for column, key in enumerate(self._keys):
            hide = not self._chosen[key] if key in self._chosen else column in by_width
            if header.isSectionHidden(column) != hide:
                header.setSectionHidden(column, hide)
        self._fitted()
