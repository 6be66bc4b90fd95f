"""The main window: filter bar and incident table on the left, the selected incident right.

Views only call services, one short session per action; every :class:`DeskError` a service
raises is shown to the analyst as its message, never as a traceback. Dialogs that are not
needed at start (editor, sources, trash, export) are imported when first opened, which keeps
the start fast.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, __version__, formats
from desktop.errors import DeskError
from desktop.views.main_actions import build_actions, recent_icon
from desktop.views.partials.column_spread import ColumnSpread
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.filter_bar import FilterBar
from desktop.views.partials.incident_detail import IncidentDetail
from desktop.views.partials.incident_table_model import IncidentTableModel
from desktop.views.partials.plain_widgets import (
    known_viewport,
    plain_tooltip,
    widget_shortcut,
)
from desktop.views.partials.upgrade_notice import notice_if_upgrading
from desktop.views.partials.workspace_news import WorkspaceNews
from desktop.views.window_settings import WindowSettings
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QAction, QCloseEvent

    # Imported at run time by _load_services(), once the first rows are painted.
    from desktop.services import history, interchange, sample, workspace  # noqa: TC004
    from desktop.services import incidents as incident_service  # noqa: TC004
    from desktop.services import sources as source_service  # noqa: TC004
    from desktop.services.dto import IncidentQuery, IncidentRow
    from desktop.services.preview import WorkspacePreview
    from desktop.services.progress import Progress
    from desktop.store.engine import Database
    from desktop.views.export_dialog import ExportDialog
    from desktop.views.history_dialog import HistoryDialog
    from desktop.views.incident_editor import IncidentEditor
    from desktop.views.partials.change_watcher import ChangeWatcher
    from desktop.views.partials.task_runner import TaskHandle
    from desktop.views.sources_dialog import SourcesDialog
    from desktop.views.trash_dialog import TrashDialog

log = logging.getLogger(__name__)


def _load_services() -> None:
    """Import the services, and SQLAlchemy with them, for the window's module-level names.

    Not at the top of this module: a window can paint its first rows before they are loaded
    (see app.py), which takes about five times as long as starting Qt. Called by
    :meth:`MainWindow.attach`, on the GUI thread, before any thread of the window uses them.
    """
    global history, incident_service, interchange, sample, source_service, workspace
    from desktop.services import history, interchange, sample, workspace
    from desktop.services import incidents as incident_service
    from desktop.services import sources as source_service


P = ParamSpec("P")
R = TypeVar("R")

WORKSPACE_FILTER = "Incident Desk workspaces (*.sqlite3 *.sqlite *.db);;All files (*)"
# The widest text each fixed column usually shows; the title column takes what is left.
COLUMN_SAMPLES: dict[int, str] = {
    IncidentTableModel.COL_WHEN: "2023-10-17 15:55Z",
    IncidentTableModel.COL_PLACE: "al-Asad airbase",
    IncidentTableModel.COL_TYPE: "Air/drone strike",
    IncidentTableModel.COL_STATUS: "Unverified",
    IncidentTableModel.COL_CONFIDENCE: "Confidence",
    IncidentTableModel.COL_SOURCES: "Sources",
    IncidentTableModel.COL_MARKING: "TLP:AMBER+STRICT",
}
# The table's order until a column is chosen (IncidentQuery's default): sort key, descending.
NEWEST_FIRST = ("when", True)
# The table's and the detail panel's share of the window's width, at first.
SPLITTER_SIZES = (900, 380)
# A count is read after its rows are shown. One as slow as this (a server far away) leaves the
# last query's count beside the new rows long enough to be read, so "Counting…" is shown
# instead; a fast one (the usual: a few milliseconds) keeps the line as it is, unflickering.
SLOW_COUNT_SECONDS = 0.1


class MainWindow(QMainWindow):
    def __init__(
        self,
        db: Database | None,
        *,
        offer_sample: bool = True,
        settings: QSettings | None = None,
        preview: WorkspacePreview | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """A window on ``db``; or, with ``db`` None, on ``preview`` until :meth:`attach`."""
        super().__init__(parent)
        self._db: Database  # set by attach(); the preview needs no database
        self.attached = False
        # The table's column order (sort key, descending), kept apart from the model's
        # query because best-match order replaces it only while searching.
        self._column_sort: tuple[str, bool] = NEWEST_FIRST
        self._paused_actions: list[QAction] = []
        self._may_offer_sample = offer_sample
        self.dialogs = Dialogs(self)
        self.settings = WindowSettings(settings)
        self._total = 0
        self._count_seconds = 0.0  # how long the last count took
        self._deleted: list[tuple[str, str]] = []  # (id, title), the last deleted last
        self.news = WorkspaceNews(self)
        self._backup_thread: threading.Thread | None = None
        self._sources_dialog: SourcesDialog | None = None
        self._trash_dialog: TrashDialog | None = None

        self.filter_bar = FilterBar(self)
        self.model = IncidentTableModel(self._fetch_page, self._count, parent=self)
        self.table = self._build_table()
        self.detail = IncidentDetail(self)
        self.empty_label = QLabel(self)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_label, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes(list(SPLITTER_SIZES))
        self.setCentralWidget(self.splitter)

        self.actions_ = build_actions(self)
        self._connect_actions()
        self.location_label = QLabel(self)
        self.location_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.location_label)

        self.filter_bar.changed.connect(self.apply_filters)
        self.filter_bar.leave_down.connect(self._focus_table)
        self.model.modelReset.connect(self._after_reset)
        self.model.totalChanged.connect(lambda _total: self._show_counts())
        self.model.countFailed.connect(self._count_failed)
        self.model.rowsInserted.connect(self._update_actions)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_incident())
        # Ctrl+End goes to the last incident even when only the first pages are loaded: the
        # rest is paged in on a timer, so the window keeps answering meanwhile.
        self._to_end = QTimer(self)
        self._to_end.setInterval(0)
        self._to_end.timeout.connect(self._page_towards_end)
        widget_shortcut("Ctrl+End", self.table, self.go_to_end)
        widget_shortcut(Qt.Key.Key_Return, self.table, self.edit_incident)
        self.resize(1280, 800)
        self._restore_layout()
        if db is not None:
            self.attach(db)
        elif preview is not None:
            self._show_preview(preview)

    def attach(self, db: Database) -> None:
        """Show ``db``: read its rows and filter values, and follow its changes."""
        _load_services()
        previewed = not self.attached and self.model.rowCount() > 0
        self._db = db
        self.attached = True
        self._set_live(True)
        self._show_database()
        if previewed:
            # Keys typed while the services loaded are waiting: they belong in the search box,
            # where they would have gone without a preview, not in the table's type-ahead.
            self.filter_bar.search.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._may_offer_sample and self._total == 0:
            QTimer.singleShot(0, self._offer_sample)

    def _show_preview(self, preview: WorkspacePreview) -> None:
        """The newest rows, read without the services, while they load (see app.py)."""
        self._set_live(False)
        self.setWindowTitle(f"{APP_NAME} — {preview.label}")
        self.location_label.setText(preview.location)
        self.location_label.setToolTip(plain_tooltip(f"Workspace: {preview.location}"))
        if self._column_sort == NEWEST_FIRST:  # else they are not the first rows
            self.model.show_rows(self.model.query, preview.rows)
        self.detail.clear("Opening the workspace…")
        self.filter_bar.set_counting()
        self.statusBar().showMessage("Opening the workspace…")

    def _set_live(self, live: bool) -> None:
        """Whether the window answers: not until attach() has given it a database."""
        for widget in (self.filter_bar, self.menuBar(), self.actions_.toolbar):
            widget.setEnabled(live)
        self.table.horizontalHeader().setSectionsClickable(live)
        if live:
            for action in self._paused_actions:
                action.setEnabled(True)
            self._paused_actions = []
            self.statusBar().clearMessage()
            return
        # Shortcuts too: every action but those that need no workspace waits for attach().
        a = self.actions_
        needless = {a.quit, a.show_detail, a.show_toolbar, a.grading_scales, a.about}
        self._paused_actions = [
            action for action in self.actions() if action.isEnabled() and action not in needless
        ]
        for action in self._paused_actions:
            action.setEnabled(False)

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        known_viewport(table)  # the app waits for it to paint (app.py)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        metrics = table.fontMetrics()
        for column, sample_text in COLUMN_SAMPLES.items():
            table.setColumnWidth(column, metrics.horizontalAdvance(sample_text) + 18)
        header.setSectionResizeMode(IncidentTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        base = {column: table.columnWidth(column) for column in COLUMN_SAMPLES}
        base[IncidentTableModel.COL_TITLE] = metrics.horizontalAdvance("Drone attack on al-Asad")
        ColumnSpread(table, base, (IncidentTableModel.COL_PLACE, IncidentTableModel.COL_TYPE))
        header.setSortIndicator(IncidentTableModel.COL_WHEN, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self._sort)
        return table

    def _connect_actions(self) -> None:
        a = self.actions_
        connections: list[tuple[object, Callable[[], object]]] = [
            (a.new_database, self.new_database),
            (a.open_database, self.open_database),
            (a.load_sample, self.load_sample),
            (a.import_file, self.import_file),
            *((action, partial(self.export_to, name)) for name, action in a.exports.items()),
            (a.export_sitrep, self.export_sitrep),
            (a.quit, self.close),
            (a.new_incident, self.new_incident),
            (a.edit_incident, self.edit_incident),
            (a.delete_incident, self.delete_incident),
            (a.undo_delete, self.undo_delete),
            (a.history, self.show_history),
            (a.find, self.focus_search),
            (a.sources, self.show_sources),
            (a.trash, self.show_trash),
            (a.refresh, self.reload),
            (a.clear_filters, self.filter_bar.clear),
            (a.grading_scales, self.show_grading_scales),
            (a.about, self.show_about),
        ]
        for action, slot in connections:
            action.triggered.connect(lambda _checked=False, slot=slot: slot())  # type: ignore[attr-defined]
        # Right-click on a row offers what can be done to it.
        for action in (a.edit_incident, a.history, a.delete_incident):
            self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        a.show_detail.setChecked(True)
        a.show_detail.toggled.connect(self.detail.setVisible)
        a.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        a.best_match.toggled.connect(lambda _on: self._best_match_toggled())

    # --- services, one session per call ------------------------------------------------

    def _fetch_page(self, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        return incident_service.list_incidents(self._db, query, offset, limit)

    def _count(self, query: IncidentQuery) -> int:
        started = time.perf_counter()
        try:
            return incident_service.count_incidents(self._db, query)
        finally:
            self._count_seconds = time.perf_counter() - started

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

    # --- showing ---------------------------------------------------------------------

    @property
    def watcher(self) -> ChangeWatcher | None:
        return self.news.watcher

    def refresh_rows(self) -> None:
        """Read the rows and filter values again, keeping the analyst's place."""
        self._read_facets()
        self._attempt("Cannot show the incidents", self.model.refresh)

    def _start_daily_backup(self) -> None:
        """The day's automatic backup of a SQLite workspace, copied off the GUI thread."""
        if not self._db.is_sqlite:
            return  # a server keeps its own backups
        self._join_backup()
        self._backup_thread = threading.Thread(
            target=_daily_backup, args=(self._db,), name="daily-backup"
        )
        self._backup_thread.start()

    def _join_backup(self) -> None:
        if self._backup_thread is not None:
            self._backup_thread.join()  # a half-written backup must never be left behind
            self._backup_thread = None

    def _show_database(self) -> None:
        self._start_daily_backup()
        self.news.watch(self._db)
        read_only = " — read-only" if self._db.read_only else ""
        self.setWindowTitle(f"{APP_NAME} — {self._db.label}{read_only}")
        self.location_label.setText(self._db.location)
        self.location_label.setToolTip(plain_tooltip(f"Workspace: {self._db.location}"))
        self.settings.remember_database(self._db.location)
        self._deleted.clear()
        self.reload()

    def reload(self) -> None:
        """Read the filter values and the rows again (after the data changed)."""
        self._read_facets()
        self.apply_filters()
        self.news.read()  # whatever changed is read now
        # Open companions show the same data: citation counts, the trash's content.
        for companion in (self._sources_dialog, self._trash_dialog):
            if companion is not None and companion.isVisible():
                companion.reload()

    def _read_facets(self) -> None:
        """The total and the values the filter lists offer, read afresh."""
        facets = self._attempt("Cannot read the workspace", incident_service.facets, self._db)
        if facets is not None:
            self._total = facets.total
            self.filter_bar.set_facets(facets)

    def apply_filters(self) -> None:
        if not self.attached:
            return  # restoring the layout: attach() reads the rows
        self._to_end.stop()  # a new query: the old one's last row no longer matters
        query = self.filter_bar.query()
        # A search keeps the table's order (newest first unless a column was chosen): its
        # cost then grows with the rows shown. Ranking every match by relevance is asked for.
        if query.text and self.actions_.best_match.isChecked():
            query = replace(query, sort="relevance", descending=True)
        else:
            sort, descending = self._column_sort
            query = replace(query, sort=sort, descending=descending)
        self._attempt("Cannot show the incidents", self.model.set_query, query)

    def show_source_incidents(self, slug: str) -> None:
        """Show the incidents that cite one source (from the sources manager)."""
        source = self._attempt(
            "Cannot show the incidents", source_service.get_source, self._db, slug
        )
        if source is None:
            return
        self.filter_bar.clear()
        self.filter_bar.set_source(slug, source.name)
        self.raise_()
        self.activateWindow()

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        if column == IncidentTableModel.COL_WHEN and self.model.query.sort != "when":
            # Coming to When from another order (a column, best match), it starts as the table
            # does: newest first. Qt would start a newly clicked column in ascending order.
            order = Qt.SortOrder.DescendingOrder
        sorted_query = self.model.sorted_query(column, order)
        if sorted_query is None:
            return
        self._column_sort = (sorted_query.sort, sorted_query.descending)
        if not self.attached:
            return  # the layout being restored: attach() reads the rows in this order
        if self.model.query.sort == "relevance":
            # A column chosen while searching replaces best-match order until asked again.
            best_match = self.actions_.best_match
            best_match.blockSignals(True)
            best_match.setChecked(False)
            best_match.blockSignals(False)
        self.apply_filters()

    def _best_match_toggled(self) -> None:
        if self.filter_bar.query().text:  # without a search the order does not change
            self.apply_filters()

    def _after_reset(self) -> None:
        header = self.table.horizontalHeader()
        descending = self.model.query.descending
        header.blockSignals(True)
        header.setSortIndicator(
            self.model.sort_column(),
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)
        if not self.attached:
            return  # preview rows: counted, selected and explained once attach() reads them
        if self.model.total is not None:
            self._show_counts()
        elif self._count_seconds >= SLOW_COUNT_SECONDS:
            self.filter_bar.set_counting()
        # else the line keeps its text the few milliseconds until model.totalChanged.
        self._show_empty_state()
        # Keep the incident the analyst was reading if it is still shown, else the first.
        index = QModelIndex()
        if self.detail.incident_id is not None:
            index = self.model.index_of(self.detail.incident_id)
        if not index.isValid() and self.model.rowCount() > 0:
            index = self.model.index(0, IncidentTableModel.COL_WHEN)
        if index.isValid():
            self.select_index(index)
        elif self._total == 0:
            self.detail.clear("Nothing to show yet: this workspace has no incidents.")
        else:
            self.detail.clear("No incident matches the filters.")
        self._update_actions()

    def _show_counts(self) -> None:
        """The "n of N incidents" line, once the model has counted its query."""
        best_match = self.model.query.sort == "relevance"
        total = self.model.total
        if total is None:
            self.filter_bar.set_counts_unknown(
                self.model.loaded, self._total, best_match=best_match
            )
        else:
            self.filter_bar.set_counts(total, self._total, best_match=best_match)

    def _count_failed(self, message: str) -> None:
        self._show_counts()  # the rows shown, as "at least": never a stale number
        self.dialogs.warning("Cannot count the incidents", message)

    def _show_empty_state(self) -> None:
        # An empty first page is a short one: the model knows it is all there is.
        empty = self.model.rowCount() == 0
        if empty and self._total == 0:
            self.empty_label.setText(
                "No incidents in this workspace yet.\n\nNew incident (Ctrl+N) records one; "
                "File ▸ Load sample workspace adds seven real examples."
            )
        elif empty:
            self.empty_label.setText(
                "No incident matches these filters.\n\nClear filters (Ctrl+Shift+L) to see "
                "all of them."
            )
        self.table.setVisible(not empty)
        self.empty_label.setVisible(empty)

    def select_index(self, index: QModelIndex) -> None:
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._show_incident(index)

    def select_incident(self, incident_id: str) -> bool:
        """Select an incident if the table shows it; True when it does."""
        index = self.model.index_of(incident_id)
        if index.isValid():
            self.select_index(index)
        return index.isValid()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_incident(current)
        self._update_actions()

    def _show_incident(self, index: QModelIndex) -> None:
        if not self.attached:
            return  # a preview row: its details are read once attach() has a database
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

    def current_row(self) -> IncidentRow | None:
        return self.model.row_at(self.table.currentIndex())

    def _update_actions(self) -> None:
        selected = self.current_row() is not None
        self.actions_.edit_incident.setEnabled(selected)
        self.actions_.delete_incident.setEnabled(selected)
        self.actions_.history.setEnabled(selected)
        undo = self.actions_.undo_delete
        undo.setEnabled(bool(self._deleted))
        undo.setText(
            f"&Undo delete of '{self._deleted[-1][1]}'" if self._deleted else "&Undo delete"
        )

    def _focus_table(self) -> None:
        """Down from the search box goes to the rows, as in a mail client."""
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.table.currentIndex().isValid():
                self.select_index(self.model.index(0, IncidentTableModel.COL_WHEN))

    def go_to_end(self) -> None:
        # The count first, so the message can say how many (a failure is told by countFailed).
        total = self.model.count_now()
        if self.model.canFetchMore(QModelIndex()):
            how_many = plural(total, "incident") if total is not None else "incidents"
            self.statusBar().showMessage(f"Loading all {how_many} to reach the last…")
            self._to_end.start()
        else:
            self._select_last()

    def _page_towards_end(self) -> None:
        try:
            if self.model.canFetchMore(QModelIndex()):
                self.model.fetchMore(QModelIndex())
                if self.model.canFetchMore(QModelIndex()):
                    return
        except DeskError as exc:
            self._to_end.stop()
            self.dialogs.warning("Cannot read the incidents", str(exc))
            return
        self._to_end.stop()
        self.statusBar().clearMessage()
        self._select_last()

    def _select_last(self) -> None:
        if self.model.rowCount():
            self.select_index(self.model.index(self.model.rowCount() - 1, 0))

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    # --- incidents -------------------------------------------------------------------

    def new_incident(self) -> IncidentEditor:
        return self._open_editor(None)

    def edit_incident(self) -> IncidentEditor | None:
        if not self.attached:  # a double-click or Return on a preview row
            return None
        row = self.current_row()
        return self._open_editor(row.id) if row is not None else None

    def _open_editor(self, incident_id: str | None) -> IncidentEditor:
        """The editor, window-modal and not blocking (tests and the event loop go on)."""
        from desktop.views.incident_editor import IncidentEditor

        editor = IncidentEditor(
            self._db, incident_id, dialogs=self.dialogs.for_child(), parent=self
        )
        editor.saved.connect(self._after_save)
        editor.finished.connect(editor.deleteLater)
        editor.open()
        return editor

    def _after_save(self, incident_id: str) -> None:
        self.detail.incident_id = incident_id  # keep it selected after the reload
        self.reload()
        if self.select_incident(incident_id):
            self.statusBar().showMessage("Saved.", 5000)
        elif self._attempt(
            "Cannot read the incidents",
            incident_service.shows,
            self._db,
            self.model.query,
            incident_id,
        ):
            # Its new time (or title …) put it past the rows loaded so far.
            self.statusBar().showMessage("Saved. It is further down the list now.", 10000)
        else:
            self.statusBar().showMessage(
                "Saved. The incident is hidden by the current filters.", 10000
            )

    def delete_incident(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if not self.dialogs.question(
            "Delete incident",
            f"Move '{row.title}' to the trash?\n\nUndo delete (Ctrl+Z) or the trash "
            "(Edit ▸ Trash) brings it back.",
        ):
            return
        next_index = self.model.index(
            min(self.table.currentIndex().row() + 1, self.model.rowCount() - 1), 0
        )
        next_row = self.model.row_at(next_index)
        if self._attempt(
            "Cannot delete", incident_service.delete_incident, self._db, row.id
        ) is None and not self._was_deleted(row.id):
            return
        self._deleted.append((row.id, row.title))
        self.detail.incident_id = next_row.id if next_row and next_row.id != row.id else None
        self.reload()
        self.statusBar().showMessage(f"Moved '{row.title}' to the trash. Ctrl+Z to undo.", 10000)

    def _was_deleted(self, incident_id: str) -> bool:
        try:
            data = incident_service.get_incident(self._db, incident_id)
        except DeskError:
            return False
        return data.audit is not None and data.audit.deleted_at is not None

    def undo_delete(self) -> None:
        if not self._deleted:
            return
        incident_id, title = self._deleted.pop()
        try:
            incident_service.restore_incident(self._db, incident_id)
        except DeskError as exc:
            self.dialogs.warning("Cannot undo the delete", str(exc))
            self._update_actions()
            return
        self.detail.incident_id = incident_id
        self.reload()
        self.select_incident(incident_id)
        self.statusBar().showMessage(f"Restored '{title}'.", 5000)

    # --- other windows ---------------------------------------------------------------

    def show_history(self) -> HistoryDialog | None:
        row = self.current_row()
        if row is None:
            return None
        changes = self._attempt(
            "Cannot read the history", history.incident_history, self._db, row.id
        )
        if changes is None:
            return None
        from desktop.views.history_dialog import HistoryDialog

        dialog = HistoryDialog(row.title, changes, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()  # not modal: the analyst may compare it with the detail pane
        return dialog

    def show_sources(self) -> SourcesDialog:
        """The sources manager, one per window, beside the table rather than over it."""
        from desktop.views.sources_dialog import SourcesDialog

        if self._sources_dialog is None:
            dialog = SourcesDialog(self._db, dialogs=self.dialogs.for_child(), parent=self)
            dialog.changed.connect(self.reload)
            dialog.did.connect(self.news.say)
            dialog.show_incidents.connect(self.show_source_incidents)
            self._sources_dialog = dialog
        self._sources_dialog.show()
        self._sources_dialog.raise_()
        self._sources_dialog.activateWindow()
        return self._sources_dialog

    def show_trash(self) -> TrashDialog:
        from desktop.views.trash_dialog import TrashDialog

        if self._trash_dialog is None:
            dialog = TrashDialog(self._db, dialogs=self.dialogs.for_child(), parent=self)
            dialog.changed.connect(self._trash_changed)
            dialog.did.connect(self.news.say)
            self._trash_dialog = dialog
        self._trash_dialog.show()
        self._trash_dialog.raise_()
        self._trash_dialog.activateWindow()
        return self._trash_dialog

    def _trash_changed(self) -> None:
        self._deleted.clear()  # restored or purged there: nothing left to undo here
        self.reload()

    def _close_workspace_windows(self) -> None:
        """Windows bound to the old database go when another one is opened."""
        for dialog in (self._sources_dialog, self._trash_dialog):
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
        self._sources_dialog = None
        self._trash_dialog = None

    def show_grading_scales(self) -> None:
        from desktop.views.grading_scales_dialog import GradingScalesDialog

        GradingScalesDialog(self).exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # here: not needed to start

        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\nAn offline workspace for security-incident analysts: "
            "graded sources, confidence and PDF situation reports.\n\nLicensed under the "
            "GNU GPL, version 3 or later.",
        )

    # --- workspaces ------------------------------------------------------------------

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

    def new_database(self, path: Path | None = None) -> None:
        path = path or self.dialogs.save_path("New database", "incidents.sqlite3", WORKSPACE_FILTER)
        if path is None:
            return
        if path.suffix == "":
            path = path.with_suffix(".sqlite3")
        if path.exists():
            self.dialogs.warning(
                "New database",
                f"{path} already exists. Use File ▸ Open database to open it, or choose "
                "another name.",
            )
            return
        self._switch_to(path)

    def open_database(self, path: Path | str | None = None) -> None:
        target = path or self.dialogs.open_workspace()
        if target is None:
            return
        if isinstance(target, Path) and not target.exists():
            self.dialogs.warning("Cannot open the database", f"{target} does not exist.")
            self.settings.forget_database(str(target))
            return
        self._switch_to(target)

    def _switch_to(self, target: Path | str) -> None:
        opened = self._attempt("Cannot open the database", self._open_workspace, target)
        if opened is None:
            return
        db, note = opened
        if note:
            self.dialogs.information("Workspace restored", note)
        self._close_workspace_windows()
        old, self._db = self._db, db
        old.close()
        self.detail.clear()
        self._show_database()

    def _open_workspace(self, target: Path | str) -> tuple[Database, str]:
        # The notice closes before a failure is shown: _attempt shows it after this returns.
        with notice_if_upgrading(target, self):
            return workspace.open_workspace(target, self.dialogs.question)

    def _fill_recent_menu(self) -> None:
        menu = self.actions_.recent_menu
        menu.clear()
        current = self._db.location
        recent = [r for r in self.settings.recent_databases() if r != current]
        for location in recent:
            action = menu.addAction(recent_icon(self), location)
            is_file = "://" not in location
            action.triggered.connect(
                lambda _c=False, loc=location, f=is_file: self.open_database(
                    Path(loc) if f else loc
                )
            )
        if not recent:
            menu.addAction("No other recent databases").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Clear the list", self.settings.clear_recent).setEnabled(bool(recent))

    # --- interchange and reports (in the background) ---------------------------------

    def import_file(self, path: Path | None = None) -> TaskHandle | None:
        path = path or self.dialogs.open_path("Import", formats.import_filter())
        if path is None:
            return None
        db = self._db

        def done(result: interchange.ImportResult) -> None:
            self.reload()
            self.dialogs.information("Import finished", result.report)

        return self._run(
            "Importing incidents",
            lambda progress: interchange.import_file(db, path, progress),
            done,
            "Import failed",
            "Import cancelled: the workspace is unchanged.",
            f"Nothing was imported from {path.name}: the workspace is unchanged.\n\n"
            "The problem (incidents are counted from 0, in file order):\n",
        )

    def export_to(self, name: str, path: Path | None = None) -> TaskHandle | None:
        """Export the incidents shown in the registered format ``name`` (File ▸ Export ▸)."""
        writer = formats.writer(name)
        path = path or self.dialogs.save_path(
            f"Export {writer.label}", f"incidents{writer.suffix}", writer.dialog_filter
        )
        if path is None:
            return None
        db, query = self._db, self.model.query

        def done(count: int) -> None:
            written = f"{plural(count, 'incident')} written to {path}."
            self.dialogs.information("Export finished", written)

        return self._run(
            "Exporting incidents",
            lambda _progress: interchange.export_file(db, path, query, writer=writer),
            done,
            "Export failed",
            "Export cancelled.",
        )

    def _run(
        self,
        title: str,
        work: Callable[[Progress], R],
        done: Callable[[R], None],
        failure: str,
        cancelled: str,
        explain: str = "",
    ) -> TaskHandle:
        """Run long work off the GUI thread; the actions wait until it is over."""
        from desktop.views.partials.task_runner import run_task

        busy = (
            self.actions_.import_file,
            *self.actions_.exports.values(),
            self.actions_.open_database,
            self.actions_.new_database,
        )
        for action in busy:
            action.setEnabled(False)
        self.news.task_started()

        def finished() -> None:
            for action in busy:
                action.setEnabled(True)
            self.news.task_finished()

        handle = run_task(
            self,
            title,
            work,
            on_done=done,
            on_error=lambda error: self.dialogs.warning(failure, f"{explain}{error}"),
            on_cancelled=lambda: self.statusBar().showMessage(cancelled, 10000),
        )
        handle.finished.connect(finished)
        return handle

    def export_sitrep(self) -> ExportDialog:
        """The SITREP dialog, starting from the table's filters."""
        from desktop.views.export_dialog import ExportDialog

        dialog = ExportDialog(
            self._db, self.model.query, dialogs=self.dialogs.for_child(), parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, without blocking the caller
        return dialog

    # --- layout memory ---------------------------------------------------------------

    def _restore_layout(self) -> None:
        s = self.settings
        if (geometry := s.state("geometry")) is not None:
            self.restoreGeometry(geometry)
        if (state := s.state("state")) is not None:
            self.restoreState(state)
        if (splitter := s.state("splitter")) is not None:
            self.splitter.restoreState(splitter)
        if (header := s.state("table-header")) is not None:
            self.table.horizontalHeader().restoreState(header)
        self.actions_.show_detail.setChecked(s.flag("detail-shown", True))
        self.actions_.show_toolbar.setChecked(s.flag("toolbar-shown", True))
        self.actions_.best_match.setChecked(s.flag("best-match", False))

    def save_layout(self) -> None:
        s = self.settings
        s.set_state("geometry", self.saveGeometry())
        s.set_state("state", self.saveState())
        s.set_state("splitter", self.splitter.saveState())
        s.set_state("table-header", self.table.horizontalHeader().saveState())
        s.set_flag("detail-shown", self.actions_.show_detail.isChecked())
        s.set_flag("toolbar-shown", self.actions_.show_toolbar.isChecked())
        s.set_flag("best-match", self.actions_.best_match.isChecked())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        from desktop.views.partials.task_runner import wait_for_all_tasks

        wait_for_all_tasks()  # an import in flight is cancelled and rolled back
        self._join_backup()
        self.news.stop()
        if self.attached:  # a preview's layout is the one it restored, its sort aside
            self.save_layout()
            self._db.close()
        super().closeEvent(event)


def _daily_backup(db: Database) -> None:
    try:
        workspace.daily_backup(db)
    except (DeskError, OSError, sqlite3.Error):
        # Not fatal: the workspace works; tomorrow's start tries again.
        log.warning("daily backup of %s failed", db.location, exc_info=True)
