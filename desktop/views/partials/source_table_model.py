"""The sources manager's model: every source with its kind, grade and how often it is cited.

A workspace holds tens or hundreds of sources, not the incidents' hundred thousands, so the
rows are all in memory and sorting happens here; filtering is done by the service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.domain import RELIABILITY, SOURCE_KIND_LABELS, SourceKind
from desktop.views.partials.plain_widgets import plain_tooltip

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QObject

    from desktop.services.dto import SourceData

    AnyIndex = QModelIndex | QPersistentModelIndex

_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def kind_label(kind: str) -> str:
    try:
        return SOURCE_KIND_LABELS[SourceKind(kind)]
    except ValueError:
        return kind


def reliability_text(code: str) -> str:
    grade = RELIABILITY.get(code)
    return f"{code} — {grade.label}" if grade else code


def citing_text(source: SourceData) -> str:
    """What the count cell's tooltip says: incidents and citations in words."""
    if not source.incident_count:
        return "Not cited by any incident: it can be deleted."
    incidents = "1 incident" if source.incident_count == 1 else f"{source.incident_count} incidents"
    citations = "1 citation" if source.citation_count == 1 else f"{source.citation_count} citations"
    return f"Cited by {incidents} ({citations}). Double-click to show them."


class SourceTableModel(QAbstractTableModel):
    COL_NAME = 0
    COL_KIND = 1
    COL_RELIABILITY = 2
    COL_INCIDENTS = 3

    HEADERS: tuple[str, ...] = ("Name", "Kind", "Reliability", "Incidents")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[SourceData] = []
        self._sort_column = self.COL_NAME
        self._sort_order = Qt.SortOrder.AscendingOrder

    # --- what is shown -----------------------------------------------------------------

    def set_rows(self, rows: list[SourceData]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=self._key(self._sort_column), reverse=self._descending)
        self.endResetModel()

    def source_at(self, index: AnyIndex) -> SourceData | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def row_of(self, slug: str) -> int:
        """The row showing source ``slug``, or -1."""
        return next((i for i, row in enumerate(self._rows) if row.id == slug), -1)

    @property
    def sources(self) -> list[SourceData]:
        return list(self._rows)

    # --- Qt's model interface ----------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.COL_INCIDENTS:
            return "How many incidents cite the source"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        source = self.source_at(index)
        if source is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(source, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(source, column)
        if role == Qt.ItemDataRole.UserRole:
            return source.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_INCIDENTS:
            return _RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.HEADERS):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        # Persistent indexes (the selection, the current row) follow their source.
        old = self.persistentIndexList()
        slugs = [self._rows[i.row()].id for i in old]
        self._rows.sort(key=self._key(column), reverse=self._descending)
        after = {row.id: i for i, row in enumerate(self._rows)}
        new = [self.index(after[slug], i.column()) for slug, i in zip(slugs, old, strict=True)]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # --- inside ------------------------------------------------------------------------

    @property
    def _descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

    def _key(self, column: int) -> Callable[[SourceData], tuple[Any, ...]]:
        # Ties fall back to the name so the order is stable and predictable.
        def name(source: SourceData) -> tuple[str, str]:
            return source.name.casefold(), source.id

        if column == self.COL_KIND:
            return lambda s: (kind_label(s.kind).casefold(), *name(s))
        if column == self.COL_RELIABILITY:
            return lambda s: (s.reliability, *name(s))
        if column == self.COL_INCIDENTS:
            return lambda s: (s.incident_count, s.citation_count, *name(s))
        return name

    def _display(self, source: SourceData, column: int) -> str | None:
        match column:
            case self.COL_NAME:
                return source.name
            case self.COL_KIND:
                return kind_label(source.kind)
            case self.COL_RELIABILITY:
                return reliability_text(source.reliability)
            case self.COL_INCIDENTS:
                return str(source.incident_count)
        return None

    def _tooltip(self, source: SourceData, column: int) -> str | None:
        match column:
            case self.COL_NAME:
                text = f"{source.name}\n{source.url}" if source.url else source.name
                return plain_tooltip(text)
            case self.COL_RELIABILITY:
                grade = RELIABILITY.get(source.reliability)
                return grade.meaning if grade else None
            case self.COL_INCIDENTS:
                return citing_text(source)
        return None
