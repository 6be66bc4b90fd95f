"""The citations of the incident being edited: a table with add, edit and remove.

Citations live in memory here and are saved with the incident, so the analyst can build a
record from several sources and still cancel it all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import CREDIBILITY, RELIABILITY, admiralty_code, admiralty_words
from desktop.services.validation import doubled_sources
from desktop.views.palette import problem_style
from desktop.views.partials.citation_dialog import CitationDialog
from desktop.views.partials.plain_widgets import plain_tooltip
from desktop.views.partials.source_picker import run_modal

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services.dto import Citation
    from desktop.store.engine import Database
    from desktop.views.partials.dialogs import Dialogs

_Index = QModelIndex | QPersistentModelIndex


def _one_line(text: str, limit: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else f"{line[: limit - 1]}…"


class CitationsModel(QAbstractTableModel):
    COL_SOURCE = 0
    COL_CODE = 1
    COL_WORDS = 2
    COL_PUBLISHED = 3
    COL_EXCERPT = 4
    HEADERS: tuple[str, ...] = ("Source", "Admiralty", "In words", "Published", "Excerpt")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[Citation, ...] = ()

    def citations(self) -> tuple[Citation, ...]:
        return self._rows

    def set_citations(self, citations: tuple[Citation, ...]) -> None:
        self.beginResetModel()
        self._rows = tuple(citations)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.ToolTipRole
            and section == self.COL_CODE
        ):
            return "Admiralty grade: source reliability (A–F) and information credibility (1–6)."
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        citation = self._rows[index.row()]
        column = index.column()
        graded = citation.source_reliability in RELIABILITY and citation.credibility in CREDIBILITY
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_SOURCE:
                return citation.source_name or citation.source
            if column == self.COL_CODE:
                return (
                    admiralty_code(citation.source_reliability, citation.credibility)
                    if graded
                    else str(citation.credibility)
                )
            if column == self.COL_WORDS:
                if graded:
                    return admiralty_words(citation.source_reliability, citation.credibility)
                return (
                    CREDIBILITY[citation.credibility].label
                    if citation.credibility in CREDIBILITY
                    else ""
                )
            if column == self.COL_PUBLISHED:
                return citation.published.isoformat() if citation.published else "—"
            if column == self.COL_EXCERPT:
                return _one_line(citation.excerpt)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_EXCERPT and citation.excerpt:
                return plain_tooltip(citation.excerpt)
            if column == self.COL_SOURCE:
                name = citation.source_name or citation.source
                return plain_tooltip(f"{name}\n{citation.url}" if citation.url else name)
            if column == self.COL_WORDS and graded:
                return (
                    f"{RELIABILITY[citation.source_reliability].meaning}\n"
                    f"{CREDIBILITY[citation.credibility].meaning}"
                )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_CODE:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class CitationsEdit(QWidget):
    """``changed`` fires after a citation is added, edited or removed."""

    changed = Signal()

    def __init__(self, db: Database, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._dialogs = dialogs
        # How the citation dialog is shown; tests fill it in as a user would and accept.
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        self.model = CitationsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in (
            (CitationsModel.COL_SOURCE, 200),
            (CitationsModel.COL_CODE, 78),
            (CitationsModel.COL_WORDS, 200),
            (CitationsModel.COL_PUBLISHED, 90),
        ):
            header.resizeSection(column, width)
        header.setSectionResizeMode(CitationsModel.COL_EXCERPT, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())

        self.add_button = QPushButton("A&dd citation…", self)
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("Ed&it…", self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button = QPushButton("Re&move", self)
        self.remove_button.setToolTip("Remove the selected citation (Delete).")
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.installEventFilter(self)  # Delete removes the selected citation
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

        self.empty_hint = QLabel(
            "No citations yet. Add the sources that report this incident, each graded: "
            "the suggested status and confidence follow from them.",
            self,
        )
        self.empty_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: palette(placeholder-text);")
        self.model.modelReset.connect(
            lambda: self.empty_hint.setVisible(self.model.rowCount() == 0)
        )
        # A warning, not a problem: citing one source twice may be meant (two reports).
        self.doubled_hint = QLabel(self)
        self.doubled_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.doubled_hint.setWordWrap(True)
        self.doubled_hint.setStyleSheet(problem_style())
        self.doubled_hint.hide()
        self.model.modelReset.connect(self._show_doubled)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.buttons_layout = buttons  # the editor adds Add evidence… (editor_evidence)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.doubled_hint)
        layout.addLayout(buttons)
        self._update_buttons()

    def citations(self) -> tuple[Citation, ...]:
        return self.model.citations()

    def _show_doubled(self) -> None:
        citations = self.citations()
        names = {c.source: c.source_name or c.source for c in citations}
        doubled = doubled_sources(citations)
        self.doubled_hint.setText(
            "; ".join(f"{names[slug]} is cited {times} times" for slug, times in doubled.items())
            + ": meant? Each citation counts toward the suggested status and confidence."
            if doubled
            else ""
        )
        self.doubled_hint.setVisible(bool(doubled))

    def set_citations(self, citations: tuple[Citation, ...]) -> None:
        row = self.selected_row()
        self.model.set_citations(citations)
        if row is not None and self.model.rowCount():
            self.select_row(min(row, self.model.rowCount() - 1))

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def add(self) -> None:
        dialog = CitationDialog(self._db, None, self._dialogs, self)
        accepted = self.run_dialog(dialog)
        dialog.deleteLater()  # parented for centring only; one per use
        if not accepted:
            return
        self.model.set_citations((*self.citations(), dialog.citation()))
        self.select_row(self.model.rowCount() - 1)
        self.changed.emit()

    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        rows = list(self.citations())
        dialog = CitationDialog(self._db, rows[row], self._dialogs, self)
        accepted = self.run_dialog(dialog)
        dialog.deleteLater()
        if not accepted:
            return
        edited = dialog.citation()
        if edited == rows[row]:
            return
        rows[row] = edited
        self.model.set_citations(tuple(rows))
        self.select_row(row)
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        rows = list(self.citations())
        del rows[row]
        self.model.set_citations(tuple(rows))
        if rows:
            self.select_row(min(row, len(rows) - 1))
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
