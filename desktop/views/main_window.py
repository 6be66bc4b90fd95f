"""The main window: filter bar and incident table on the left, the selected incident right.

Views only call services, one short session per action; every :class:`DeskError` a service
raises is shown to the analyst as its message, never as a traceback. Dialogs that are not
needed at start (editor, sources, trash, export) are imported when first opened, which keeps
the start fast.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from desktop import APP_NAME, __version__
from desktop.errors import DeskError
from desktop.views import (
    main_duplicates,
    main_evidence,
    main_listing,
    main_transfers,
    main_workspaces,
)
from desktop.views.main_actions import add_format_actions, build_actions
from desktop.views.main_duplicates import DuplicatesPart
from desktop.views.main_evidence import EvidencePart
from desktop.views.main_geo import GeoPart, build_later
from desktop.views.main_listing import NEWEST_FIRST, ListingPart
from desktop.views.main_transfers import TransfersPart
from desktop.views.main_workspaces import WorkspacesPart
from desktop.views.partials.companions import Companions
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.filter_bar import FilterBar
from desktop.views.partials.incident_detail import IncidentDetail
from desktop.views.partials.incident_table_model import IncidentTableModel
from desktop.views.partials.plain_widgets import plain_tooltip, widget_shortcut
from desktop.views.partials.workspace_news import WorkspaceNews
from desktop.views.window_settings import WindowSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QAction, QCloseEvent

    # Imported at run time by _load_services(), once the first rows are painted.
    from desktop.services import history  # noqa: TC004
    from desktop.services import incidents as incident_service  # noqa: TC004
    from desktop.services.own_connection import OwnConnection
    from desktop.services.preview import WorkspacePreview
    from desktop.store.engine import Database
    from desktop.views.grading_scales_dialog import GradingScalesDialog
    from desktop.views.history_dialog import HistoryDialog
    from desktop.views.incident_editor import IncidentEditor
    from desktop.views.main_actions import ActionSpec
    from desktop.views.partials.change_watcher import ChangeWatcher
    from desktop.views.sources_dialog import SourcesDialog
    from desktop.views.trash_dialog import TrashDialog


def _load_services() -> None:
    """Import the services, and SQLAlchemy with them, for the window's module-level names.

    Not at the top of this module: a window can paint its first rows before they are loaded
    (see app.py), which takes about five times as long as starting Qt. Called by
    :meth:`MainWindow.attach`, on the GUI thread, before any thread of the window uses them.
    """
    global history, incident_service
    from desktop.services import history
    from desktop.services import incidents as incident_service

    for part in (main_listing, main_workspaces, main_transfers, main_evidence, main_duplicates):
        part.load_services()


P = ParamSpec("P")
R = TypeVar("R")
# The table's and the detail panel's share of the window's width, at first.
SPLITTER_SIZES = (900, 380)
# Rows the table keeps however far the map and timeline are dragged up (a header and a
# scroll bar's height besides).
MIN_TABLE_ROWS = 6
# Companion windows bound to one workspace: closed when another one is opened.
WORKSPACE_COMPANIONS = ("sources", "trash")


class MainWindow(
    GeoPart,
    ListingPart,
    WorkspacesPart,
    TransfersPart,
    EvidencePart,
    DuplicatesPart,
    QMainWindow,
):
    """The window: its layout and wiring, the incidents' actions and the companion windows.

    The listing (query, order, counts, going to the end), the map and timeline, the
    workspaces (new, open, recent, backup), the background transfers (import, export) and
    the evidence (attach, show, the daily check) are its parts, each a mixin in its own
    module (main_listing, main_geo, main_workspaces, main_transfers, main_evidence); its
    actions are declared in main_actions.ACTIONS.
    """

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
        self._count_connection: OwnConnection | None = None  # the count worker's (main_listing)
        self._deleted: list[tuple[str, str]] = []  # (id, title), the last deleted last
        self.news = WorkspaceNews(self)
        self._backup_thread = None
        self.companions = Companions(self, self.settings)

        self.filter_bar = FilterBar(self)
        self.model = IncidentTableModel(
            self._fetch_page, self._count, parent=self, count_in_thread=True
        )
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
        self.table.setMinimumHeight(
            self.table.verticalHeader().defaultSectionSize() * (MIN_TABLE_ROWS + 2)
        )
        left_layout.addWidget(self.empty_label, 1)
        self._build_evidence(left_layout)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes(list(SPLITTER_SIZES))
        self.setCentralWidget(self.splitter)

        self.actions_ = build_actions(self, with_formats=db is not None)
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
        self._connect_slots(add_format_actions(self, self.actions_))
        previewed = not self.attached and self.model.rowCount() > 0
        self._db = db
        self.attached = True
        self._set_live(True)
        self._show_database()
        self._tell_notice(db)
        if previewed:
            # Keys typed while the services loaded are waiting: they belong in the search box,
            # where they would have gone without a preview, not in the table's type-ahead.
            self.filter_bar.search.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._may_offer_sample and self._total == 0:
            QTimer.singleShot(0, self._offer_sample)
        build_later(self)  # the map and timeline, once this has painted

    def _tell_notice(self, db: Database) -> None:
        """What opening did that the analyst should know (the search index repaired)."""
        if db.notice:
            self.statusBar().showMessage(db.notice, 30000)

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
        self._paused_actions = [
            action for action in self.actions_.where(needs_workspace=True) if action.isEnabled()
        ]
        for action in self._paused_actions:
            action.setEnabled(False)

    def _connect_slots(self, specs: tuple[ActionSpec, ...] | None = None) -> None:
        """Each action (of ``specs``, else all) to the method main_actions names for it."""
        for action, name, arg in self.actions_.slots(specs):
            target: object = self
            for part in name.split("."):
                target = getattr(target, part)
            method: Callable[..., object] = target  # type: ignore[assignment]
            # File ▸ Export ▸ entries call export_to with their format's name.
            slot = method if arg is None else partial(method, arg)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())

    def _connect_actions(self) -> None:
        a = self.actions_
        self._connect_slots()
        # Right-click on a row offers what can be done to it.
        for action in a.where(needs_selection=True):
            self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        a.show_detail.setChecked(True)
        a.show_detail.toggled.connect(self.detail.setVisible)
        a.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        a.best_match.toggled.connect(lambda _on: self._best_match_toggled())

    # --- services, one session per call ------------------------------------------------

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
        self._attach_evidence()

    def reload(self) -> None:
        """Read the filter values and the rows again (after the data changed)."""
        self._read_facets()
        self.apply_filters()
        self.news.read()  # whatever changed is read now
        # Open companions show the same data: citation counts, the trash's content.
        for companion in self.companions.visible(WORKSPACE_COMPANIONS):
            companion.reload()  # type: ignore[attr-defined]

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
        editor.evidence_added.connect(self._refresh_detail)
        editor.finished.connect(editor.deleteLater)
        if self.map_panel is not None:
            editor.place_edit.set_point_picker(self._map_picker(editor, self.map_panel))
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
        # Its possible duplicates, while the analyst still has it in mind (a few ms, indexed).
        self.offer_duplicates_of(incident_id)

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
        """The selected incident's history; one window, showing the incident asked last."""
        row = self.current_row()
        if row is None:
            return None
        changes = self._attempt(
            "Cannot read the history", history.incident_history, self._db, row.id
        )
        if changes is None:
            return None
        from desktop.views.history_dialog import HistoryDialog

        def make() -> HistoryDialog:
            dialog = HistoryDialog(row.title, changes, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            return dialog

        # Not modal: the analyst may compare it with the detail pane.
        return self.companions.show("history", make, fresh=True)

    def show_sources(self) -> SourcesDialog:
        """The sources manager, one per window, beside the table rather than over it."""
        from desktop.views.sources_dialog import SourcesDialog

        def make() -> SourcesDialog:
            dialog = SourcesDialog(self._db, dialogs=self.dialogs.for_child(), parent=self)
            dialog.changed.connect(self.reload)
            dialog.did.connect(self.news.say)
            dialog.show_incidents.connect(self.show_source_incidents)
            return dialog

        return self.companions.show("sources", make)

    def show_trash(self) -> TrashDialog:
        from desktop.views.trash_dialog import TrashDialog

        def make() -> TrashDialog:
            dialog = TrashDialog(self._db, dialogs=self.dialogs.for_child(), parent=self)
            dialog.changed.connect(self._trash_changed)
            dialog.did.connect(self.news.say)
            return dialog

        return self.companions.show("trash", make)

    def _trash_changed(self) -> None:
        self._deleted.clear()  # restored or purged there: nothing left to undo here
        self.reload()

    def _close_workspace_windows(self) -> None:
        """Windows bound to the old database go when another one is opened."""
        self.companions.close(*WORKSPACE_COMPANIONS)

    def show_grading_scales(self) -> GradingScalesDialog:
        """The reference card (F1): one, beside the window, so it can be read while grading."""
        from desktop.views.grading_scales_dialog import GradingScalesDialog

        return self.companions.show("grading-scales", lambda: GradingScalesDialog(self))

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # here: not needed to start

        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\nAn offline workspace for security-incident analysts: "
            "graded sources, confidence and PDF situation reports.\n\nLicensed under the "
            "GNU GPL, version 3 or later.\n\nPlace names: GeoNames (geonames.org), "
            "CC BY 4.0. Country outlines: Natural Earth (public domain).",
        )

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
        self.actions_.show_map.setChecked(s.flag("map-shown", True))
        self.actions_.show_timeline.setChecked(s.flag("timeline-shown", True))

    def reset_layout(self) -> None:
        """View ▸ Reset layout: the detail pane, toolbar, map and timeline shown, where and
        as large as they start (the columns keep their widths and order)."""
        for action in (
            self.actions_.show_detail,
            self.actions_.show_toolbar,
            self.actions_.show_map,
            self.actions_.show_timeline,
        ):
            action.setChecked(True)
        self.splitter.setSizes(list(SPLITTER_SIZES))
        self.default_dock_layout()

    def save_layout(self) -> None:
        s = self.settings
        s.set_state("geometry", self.saveGeometry())
        s.set_state("state", self.saveState())
        s.set_state("splitter", self.splitter.saveState())
        s.set_state("table-header", self.table.horizontalHeader().saveState())
        s.set_flag("detail-shown", self.actions_.show_detail.isChecked())
        s.set_flag("toolbar-shown", self.actions_.show_toolbar.isChecked())
        s.set_flag("best-match", self.actions_.best_match.isChecked())
        s.set_flag("map-shown", self.actions_.show_map.isChecked())
        s.set_flag("timeline-shown", self.actions_.show_timeline.isChecked())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        from desktop.views.partials.task_runner import wait_for_all_tasks

        wait_for_all_tasks()  # an import in flight is cancelled and rolled back
        self._close_evidence()
        self._join_backup()
        self._stop_geo()
        self._stop_detail_reads()
        self.news.stop()
        if self.attached:  # a preview's layout is the one it restored, its sort aside
            self.save_layout()
            self._db.close()
        super().closeEvent(event)
