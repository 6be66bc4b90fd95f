"""The main window: filter bar and incident table on the left, the selected incident right.

Views only call services, one short session per action; every :class:`DeskError` a service
raises is shown to the analyst as its message, never as a traceback.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, __version__
from desktop.domain import CREDIBILITY, RELIABILITY, Grade
from desktop.errors import DeskError
from desktop.services import incidents as incident_service
from desktop.services import interchange, reporting, sample
from desktop.store.engine import open_database
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.filter_bar import FilterBar
from desktop.views.partials.incident_detail import IncidentDetail
from desktop.views.partials.incident_table_model import IncidentTableModel

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from desktop.services.dto import IncidentQuery, IncidentRow
    from desktop.store.engine import Database

P = ParamSpec("P")
R = TypeVar("R")

# The widest text each fixed column usually shows; the title column takes what is left.
COLUMN_SAMPLES: dict[int, str] = {
    IncidentTableModel.COL_WHEN: "2023-10-17 15:55Z",
    IncidentTableModel.COL_PLACE: "al-Asad airbase",
    IncidentTableModel.COL_TYPE: "Air/drone strike",
    IncidentTableModel.COL_STATUS: "Unverified",
    IncidentTableModel.COL_CONFIDENCE: "Confidence",
    IncidentTableModel.COL_SOURCES: "Sources",
    IncidentTableModel.COL_MARKING: "TLP:AMBER",
}
# The table's and the detail panel's share of the window's width, at first.
SPLITTER_SIZES = (900, 380)


class GradingScalesDialog(QDialog):
    """The Admiralty (NATO AJP-2.1) scales: source reliability A–F, credibility 1–6."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Grading scales")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Source reliability (a property of the source)", self))
        layout.addWidget(self._table(list(RELIABILITY.values())))
        layout.addWidget(QLabel("Information credibility (a property of each citation)", self))
        layout.addWidget(self._table(list(CREDIBILITY.values())))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _table(self, grades: list[Grade]) -> QTableWidget:
        table = QTableWidget(len(grades), 3, self)
        table.setHorizontalHeaderLabels(["Grade", "Label", "Meaning"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for row, grade in enumerate(grades):
            for column, text in enumerate((grade.code, grade.label, grade.meaning)):
                table.setItem(row, column, QTableWidgetItem(text))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        return table


class MainWindow(QMainWindow):
    def __init__(
        self, db: Database, *, offer_sample: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.dialogs = Dialogs(self)
        self._total = 0

        self.filter_bar = FilterBar(self)
        self.model = IncidentTableModel(self._fetch_page, self._count, parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        metrics = self.table.fontMetrics()
        for column, sample_text in COLUMN_SAMPLES.items():
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample_text) + 18)
        header.setSectionResizeMode(IncidentTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(IncidentTableModel.COL_WHEN, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self._sort)
        self.detail = IncidentDetail(self)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes(list(SPLITTER_SIZES))
        self.setCentralWidget(self.splitter)
        self._build_menus()

        self.filter_bar.changed.connect(self.apply_filters)
        self.model.modelReset.connect(self._after_reset)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._current_changed)
        self._show_database()
        if offer_sample and self._total == 0:
            QTimer.singleShot(0, self._offer_sample)

    # --- services, one session per call ------------------------------------------------

    def _fetch_page(self, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        return incident_service.list_incidents(self._db, query, offset, limit)

    def _count(self, query: IncidentQuery) -> int:
        return incident_service.count_incidents(self._db, query)

    def _attempt(
        self, what: str, action: Callable[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> R | None:
        """Run one user action; a problem the user can act on becomes a warning."""
        try:
            return action(*args, **kwargs)
        except DeskError as exc:
            self.dialogs.warning(what, str(exc))
            return None

    @property
    def db(self) -> Database:
        return self._db

    # --- building --------------------------------------------------------------------

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self._action("&Open database…", self.open_database, "Ctrl+O"))
        file_menu.addAction(self._action("Load &sample workspace", self.load_sample))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Import JSON…", self.import_json, "Ctrl+I"))
        file_menu.addAction(self._action("&Export JSON…", self.export_json, "Ctrl+E"))
        file_menu.addAction(self._action("Export SITREP (&PDF)…", self.export_sitrep, "Ctrl+P"))
        file_menu.addSeparator()
        quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&Grading scales", self.show_grading_scales))
        about = self._action(f"&About {APP_NAME}", self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    # --- showing ---------------------------------------------------------------------

    def _show_database(self) -> None:
        self.setWindowTitle(f"{APP_NAME} — {self._db.label}")
        self.statusBar().showMessage(self._db.location)
        self.reload()

    def reload(self) -> None:
        """Read the filter values and the rows again (after the data changed)."""
        facets = self._attempt("Cannot read the workspace", incident_service.facets, self._db)
        if facets is not None:
            self._total = facets.total
            self.filter_bar.set_facets(facets)
        self.apply_filters()

    def apply_filters(self) -> None:
        query = self.filter_bar.query()
        current = self.model.query
        if query.text:
            query = replace(query, sort="relevance", descending=True)
        elif current.sort == "relevance":
            query = replace(query, sort="when", descending=True)
        else:
            query = replace(query, sort=current.sort, descending=current.descending)
        self._attempt("Cannot show the incidents", self.model.set_query, query)

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        self._attempt("Cannot sort the incidents", self.model.sort, column, order)

    def _after_reset(self) -> None:
        header = self.table.horizontalHeader()
        descending = self.model.query.descending
        header.blockSignals(True)
        header.setSortIndicator(
            self.model.sort_column(),
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)
        self.filter_bar.set_counts(self.model.total, self._total)
        # Keep the incident the analyst was reading if it is still shown, else the first.
        index = QModelIndex()
        if self.detail.incident_id is not None:
            index = self.model.index_of(self.detail.incident_id)
        if not index.isValid() and self.model.rowCount() > 0:
            index = self.model.index(0, IncidentTableModel.COL_WHEN)
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self._show_incident(index)
        else:
            self.detail.clear()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_incident(current)

    def _show_incident(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is None:
            self.detail.clear()
            return
        data = self._attempt(
            "Cannot open the incident", incident_service.get_incident, self._db, row.id
        )
        if data is None:
            self.detail.clear()
        else:
            self.detail.show_incident(data)

    # --- actions ---------------------------------------------------------------------

    def _offer_sample(self) -> None:
        if self.dialogs.question(
            "Empty workspace",
            "This workspace has no incidents yet. Load the sample workspace to look around?",
        ):
            self.load_sample()

    def load_sample(self) -> None:
        result = self._attempt("Cannot load the sample", sample.load_sample, self._db)
        if result is not None:
            self.reload()
            self.dialogs.information("Sample workspace", result.summary)

    def open_database(self, path: Path | None = None) -> None:
        path = path or self.dialogs.open_path(
            "Open database", "Incident Desk workspaces (*.sqlite3 *.sqlite *.db);;All files (*)"
        )
        if path is None:
            return
        db = self._attempt("Cannot open the database", open_database, path)
        if db is None:
            return
        old, self._db = self._db, db
        old.close()
        self.detail.clear()
        self._show_database()

    def import_json(self, path: Path | None = None) -> None:
        path = path or self.dialogs.open_path("Import JSON", "Interchange JSON (*.json)")
        if path is None:
            return
        result = self._attempt("Import failed", interchange.import_file, self._db, path)
        if result is not None:
            self.reload()
            self.dialogs.information("Import finished", result.summary)

    def export_json(self, path: Path | None = None) -> None:
        path = path or self.dialogs.save_path(
            "Export JSON", "incidents.json", "Interchange JSON (*.json)"
        )
        if path is None:
            return
        query = self.model.query
        count = self._attempt("Export failed", interchange.export_file, self._db, path, query)
        if count is not None:
            self.dialogs.information("Export finished", f"{count} incident(s) written to {path}.")

    def export_sitrep(self, path: Path | None = None) -> reporting.ReportResult | None:
        """Write a SITREP of the incidents the filters show; returns what was written."""
        path = path or self.dialogs.save_path("Export SITREP", "sitrep.pdf", "PDF (*.pdf)")
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        result = self._attempt(
            "SITREP failed", reporting.export_sitrep, self._db, path, self.model.query
        )
        if result is not None:
            raised = (
                f"\nThe marking was raised to {result.marking} by the incidents included."
                if result.marking_raised
                else ""
            )
            self.dialogs.information(
                "SITREP written",
                f"{result.pages} page(s), {result.incidents} incident(s), marked "
                f"{result.marking}, written to {result.path}.{raised}",
            )
        return result

    def show_grading_scales(self) -> None:
        GradingScalesDialog(self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\nAn offline workspace for security-incident analysts: "
            "graded sources, confidence and PDF situation reports.\n\nLicensed under the "
            "GNU GPL, version 3 or later.",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self._db.close()
        super().closeEvent(event)
