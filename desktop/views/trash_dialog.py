"""The trash: deleted incidents wait here until they are restored or deleted for good.

The list reuses the incident table's paged model with a query for deleted incidents, so a
trash of thousands loads as the analyst scrolls. Deleting for good and emptying the trash
cannot be undone, so both ask first and say how many incidents go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DeskError
from desktop.services import incidents as incident_service
from desktop.services.dto import IncidentQuery, IncidentRow
from desktop.services.listing import Column, column_index
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.incident_table_model import IncidentTableModel
from desktop.views.partials.plain_widgets import (
    TableKeys,
    plain_label,
    side_button,
    widget_shortcut,
)
from desktop.wording import plural

if TYPE_CHECKING:
    from datetime import datetime

    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QShowEvent

    from desktop.store.engine import Database

TRASH_QUERY = IncidentQuery(deleted=True, sort="when", descending=True)
EMPTY_TEXT = (
    "The trash is empty.\n\n"
    "Incidents you delete wait here until you restore them or delete them permanently."
)


def _incidents(count: int) -> str:
    return plural(count, "incident")


def _done(verb: str, rows: list[IncidentRow], how: str) -> str:
    """``Restored 'Drone attack' from the trash.``, or with a count for several."""
    what = f"'{rows[0].title}'" if len(rows) == 1 else _incidents(len(rows))
    return f"{verb} {what} {how}."


def deleted_text(moment: datetime | None) -> str:
    """When an incident was deleted, in the analyst's local time."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


class TrashTableModel(IncidentTableModel):
    """The incident model with a "Deleted" column in place of the grading columns."""

    COLUMNS: tuple[Column, ...] = (
        *IncidentTableModel.COLUMNS[:4],  # When, Title, Place, Type
        # The service cannot sort by deletion time yet; that column keeps the current order.
        Column("deleted", "Deleted", lambda row: deleted_text(row.deleted_at), sortable=False),
    )
    COL_DELETED = column_index("deleted", COLUMNS)
    HEADERS: tuple[str, ...] = tuple(column.title for column in COLUMNS)
    COLUMN_SORT_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.sortable)


class TrashDialog(QDialog):
    """Deleted incidents, with Restore, Delete permanently and Empty trash."""

    changed = Signal()  # incidents were restored or deleted for good
    did = Signal(str)  # what was just done, in words for the status bar

    def __init__(
        self,
        db: Database,
        *,
        dialogs: Dialogs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.dialogs = dialogs or Dialogs(self)
        self.setWindowTitle("Trash")
        self.resize(820, 480)

        self.count_label = plain_label("", self)
        self.model = TrashTableModel(
            self._fetch_page,
            lambda query: incident_service.count_incidents(self.db, query),
            parent=self,
        )
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(TrashTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        # Wide enough for an exact time ("2023-10-17 18:30Z") and a local deletion time.
        self.table.setColumnWidth(TrashTableModel.COL_WHEN, 130)
        self.table.setColumnWidth(TrashTableModel.COL_PLACE, 150)
        self.table.setColumnWidth(TrashTableModel.COL_TYPE, 150)
        self.table.setColumnWidth(TrashTableModel.COL_DELETED, 125)
        self.table.setSortingEnabled(True)
        header.setSortIndicator(TrashTableModel.COL_WHEN, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._keep_indicator_sortable)

        self.empty_label = plain_label(EMPTY_TEXT, self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); font-size: 11pt;")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        # Who deleted the selected incident and when: the row holds the time only.
        self.detail_label = plain_label("", self)
        self.detail_label.setStyleSheet("color: palette(placeholder-text);")
        self.detail_label.setWordWrap(True)

        self.restore_button = side_button("&Restore", self)
        self.purge_button = side_button("&Delete permanently…", self)
        TableKeys(
            self.table,
            enter=(self.restore_button, self.restore_selected),
            delete=(self.purge_button, self.purge_selected),
        )
        self.empty_button = side_button("&Empty trash…", self)
        self.close_button = side_button("Close", self)
        self.restore_button.setToolTip("Put the selected incidents back in the incident table")
        self.purge_button.setToolTip("Delete the selected incidents for good (cannot be undone)")
        self.empty_button.setToolTip("Delete every incident in the trash for good")

        # The buttons sit under the table so the titles get the dialog's whole width.
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.purge_button)
        buttons.addSpacing(24)
        buttons.addWidget(self.empty_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.detail_label)
        layout.addLayout(buttons)

        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(self._on_double_click)
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button.clicked.connect(self.purge_selected)
        self.empty_button.clicked.connect(self.empty)
        self.close_button.clicked.connect(self.close)
        # Ctrl+End reaches the last incident in the trash, not the last one loaded so far.
        widget_shortcut("Ctrl+End", self.table, self.go_to_end)
        self.model.totalChanged.connect(lambda _total: self._show_count())
        self.model.countFailed.connect(self._count_failed)

        self.model.set_query(TRASH_QUERY)
        self.model.count_now()  # not on screen yet: no rows to show before the count
        self._after_reload(0)
        self.table.setFocus()

    # --- reading -----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        # The window may be kept and shown again after other windows changed the data.
        if not event.spontaneous():
            self.reload()
        super().showEvent(event)

    def _fetch_page(self, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        try:
            return incident_service.list_incidents(self.db, query, offset, limit)
        except DeskError as exc:
            self.dialogs.warning("Trash not read", str(exc))
            return []

    def _count(self, query: IncidentQuery) -> int:
        try:
            return incident_service.count_incidents(self.db, query)
        except DeskError as exc:
            self.dialogs.warning("Trash not read", str(exc))
            return 0

    def reload(self) -> None:
        rows = self.selected_rows()
        self.model.refresh()
        self._after_reload(rows[0] if rows else 0)

    def go_to_end(self) -> None:
        """Select the last incident in the trash, reading the pages not loaded yet (the trash
        holds hundreds, not the main table's hundred thousand: read at once)."""
        while self.model.canFetchMore():
            self.model.fetchMore()
        if self.model.rowCount():
            self._select_row(self.model.rowCount() - 1)
            self.table.scrollTo(self.table.currentIndex())

    def _select_row(self, row: int) -> None:
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)

    def _after_reload(self, near_row: int) -> None:
        """Count, empty state and a selection near where the analyst was working."""
        if self.model.total is not None:
            self._show_count()
        # else the count follows from the event loop (model.totalChanged), the rows first.
        self.stack.setCurrentWidget(self.table if self.model.rowCount() else self.empty_label)
        if self.model.rowCount():
            self._select_row(min(near_row, self.model.rowCount() - 1))
        self._on_selection()

    def _show_count(self) -> None:
        total = self.model.total
        if total is None:  # not counted: the rows shown are there, at least
            self.count_label.setText(f"{self.model.loaded:,}+ incidents in the trash")
        else:
            # Empty, the middle of the window says so (EMPTY_TEXT): not twice.
            self.count_label.setText(f"{_incidents(total)} in the trash" if total else "")

    def _count_failed(self, message: str) -> None:
        self._show_count()
        self.dialogs.warning("Trash not counted", message)

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def selected_incidents(self) -> list[IncidentRow]:
        found = (self.model.row_at(self.model.index(row, 0)) for row in self.selected_rows())
        return [row for row in found if row is not None]

    def _on_selection(self) -> None:
        chosen = self.selected_incidents()
        self.restore_button.setEnabled(bool(chosen))
        self.purge_button.setEnabled(bool(chosen))
        # Any row shown is in the trash: no need to wait for the count.
        self.empty_button.setEnabled(self.model.rowCount() > 0)
        self.detail_label.setText(self._detail(chosen))

    def _detail(self, chosen: list[IncidentRow]) -> str:
        if len(chosen) != 1:
            return f"{_incidents(len(chosen))} selected" if chosen else ""
        row = chosen[0]
        try:
            audit = incident_service.get_incident(self.db, row.id).audit
        except DeskError:
            audit = None
        when = deleted_text(audit.deleted_at if audit else row.deleted_at)
        who = audit.deleted_by if audit and audit.deleted_by else ""
        return f"“{row.title}” was deleted {when}" + (f" by {who}." if who else ".")

    def _keep_indicator_sortable(self, column: int, order: Qt.SortOrder) -> None:
        # Columns the service cannot sort by must not show an arrow the rows do not follow.
        if column < len(TrashTableModel.COLUMN_SORT_KEYS):
            return
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        query = self.model.query
        previous = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(max(self.model.sort_column(), 0), previous)
        header.blockSignals(False)

    # --- writing -----------------------------------------------------------------------

    def restore_selected(self) -> None:
        chosen = self.selected_incidents()
        if not chosen:
            return
        restored = 0
        for row in chosen:
            try:
                incident_service.restore_incident(self.db, row.id)
                restored += 1
            except DeskError as exc:
                self.dialogs.warning("Incident not restored", str(exc))
                break
        self._finish_write(restored, _done("Restored", chosen[:restored], "from the trash"))

    def purge_selected(self) -> None:
        chosen = self.selected_incidents()
        if not chosen:
            return
        if len(chosen) == 1:
            text = f"Delete “{chosen[0].title}” permanently?"
        else:
            text = f"Delete {_incidents(len(chosen))} permanently?"
        text += "\n\nThis cannot be undone: the incident and its citations are gone for good."
        if not self.dialogs.question("Delete permanently", text, destructive=True):
            return
        try:
            purged = incident_service.empty_trash(self.db, [row.id for row in chosen])
        except DeskError as exc:
            self.dialogs.warning("Incidents not deleted", str(exc))
            purged = 0
        self._finish_write(purged, _done("Deleted", chosen[:purged], "permanently"))

    def empty(self) -> None:
        total = self._count(TRASH_QUERY)
        if not total:
            self.reload()
            return
        text = f"Delete all {_incidents(total)} in the trash permanently?\n\nThis cannot be undone."
        if total == 1:
            text = "Delete the 1 incident in the trash permanently?\n\nThis cannot be undone."
        if not self.dialogs.question("Empty trash", text, destructive=True):
            return
        try:
            purged = incident_service.empty_trash(self.db)
        except DeskError as exc:
            self.dialogs.warning("Trash not emptied", str(exc))
            purged = 0
        self._finish_write(purged, f"Emptied the trash: {_incidents(purged)} deleted permanently.")

    def _finish_write(self, count: int, done: str) -> None:
        if count:
            self.changed.emit()
            self.did.emit(done)
        self.reload()

    # --- navigation --------------------------------------------------------------------

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid():
            self.restore_selected()
