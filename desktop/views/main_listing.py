"""The main window's listing: the incident query, its order, the counts and going to the end.

A part of :class:`~desktop.views.main_window.MainWindow` (a mixin: the window owns the
filter bar, model and table it works on, and wires them). The services are loaded by
:func:`load_services` when the window attaches, as the window's own are.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView

from desktop.errors import DeskError
from desktop.services.listing import COLUMNS, Column
from desktop.views.partials.column_fit import ColumnFit
from desktop.views.partials.column_menu import ColumnMenu
from desktop.views.partials.column_spread import ColumnSpread
from desktop.views.partials.incident_table_model import IncidentTableModel
from desktop.views.partials.latest_worker import LatestOnly
from desktop.views.partials.plain_widgets import known_viewport
from desktop.wording import plural

if TYPE_CHECKING:
    # Imported at run time by load_services(), once the first rows are painted.
    from desktop.services import evidence as evidence_service  # noqa: TC004
    from desktop.services import incidents as incident_service  # noqa: TC004
    from desktop.services import sources as source_service  # noqa: TC004
    from desktop.services.dto import IncidentData, IncidentQuery, IncidentRow
    from desktop.services.evidence import EvidenceItem
    from desktop.store.engine import Database
    from desktop.views.main_parts import WindowParts as _Base
else:
    _Base = object


def header_width(table: QTableView, column: Column) -> int:
    """The width a column needs to show its header whole, with the sort arrow beside it."""
    header = table.horizontalHeader()
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    return header.fontMetrics().horizontalAdvance(column.title) + 4 * margin + arrow


def read_detail(
    db: Database, incident_id: str, with_evidence: bool
) -> tuple[IncidentData, list[EvidenceItem] | None]:
    """The detail pane's incident and, if the pane lists evidence, its evidence (None if that
    could not be read: the pane reads it again itself, and says why)."""
    data = incident_service.get_incident(db, incident_id)
    if not with_evidence:
        return data, None
    try:
        return data, evidence_service.list_evidence(db, incident_id)
    except DeskError:
        return data, None


def drop_rank(column: int) -> int:
    return COLUMNS[column].drop


def load_services() -> None:
    global evidence_service, incident_service, source_service
    from desktop.services import evidence as evidence_service
    from desktop.services import incidents as incident_service
    from desktop.services import sources as source_service


# The table's order until a column is chosen (IncidentQuery's default): sort key, descending.
NEWEST_FIRST = ("when", True)
# A count is read after its rows are shown. One as slow as this (a server far away) leaves the
# last query's count beside the new rows long enough to be read, so "Counting…" is shown
# instead; a fast one (the usual: a few milliseconds) keeps the line as it is, unflickering.
SLOW_COUNT_SECONDS = 0.1
# From this many incidents a new query's first page is read in a worker (tens of milliseconds
# of SQL for a rare country or a common word at 100,000): the window answers meanwhile, and
# the new rows replace the old when they arrive. Below, it is read at once (a millisecond),
# one pass of the event loop sooner.
PAGES_IN_THREAD_FROM = 10_000
# The map and timeline mark the pane's new incident this long after it arrives from a worker.
MARK_AFTER_MS = 1


class ListingPart(_Base):
    # While a new query keeps the incident the detail pane shows: it is not read again.
    _keep_shown = False
    # While a new query selects its row: the pane's incident is read in a worker, so the
    # window answers between the new rows and their detail.
    _read_later = False
    _detail_reads: LatestOnly | None = None
    _mark_timer: QTimer | None = None

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
        # Widths from the columns' samples (desktop.services.listing.COLUMNS): a fixed
        # column fits its sample and its header (with the sort arrow); a stretching one
        # takes what the others leave, and this is its share before the extra is spread.
        base: dict[int, int] = {}
        for column, spec in enumerate(COLUMNS):
            if spec.stretch:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                base[column] = metrics.horizontalAdvance(spec.sample)
            else:
                width = max(metrics.horizontalAdvance(spec.sample) + 18, header_width(table, spec))
                table.setColumnWidth(column, width)
                base[column] = table.columnWidth(column)
        growing = tuple(column for column, spec in enumerate(COLUMNS) if spec.grows)
        spread = ColumnSpread(table, base, growing, IncidentTableModel.COL_TITLE)
        droppable = sorted((c for c, spec in enumerate(COLUMNS) if spec.drop), key=drop_rank)
        self.column_fit = ColumnFit(
            table,
            [c.key for c in COLUMNS],
            base,
            IncidentTableModel.COL_TITLE,
            droppable,
            self.settings.column_choices(),
            self.settings.set_column_choices,
            spread.spread,
        )
        fit = self.column_fit
        always = (IncidentTableModel.COL_WHEN, IncidentTableModel.COL_TITLE)
        titles = [c.title for c in COLUMNS]
        self.column_menu = ColumnMenu(
            table, titles, always, fit.choose, fit.choose_all, fit.choose_none
        )
        header.setSortIndicator(IncidentTableModel.COL_WHEN, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self._sort)
        self.model.pageAsked.connect(self._page_asked)
        self.model.pageFailed.connect(self._page_failed)
        return table

    def _fetch_page(self, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        return incident_service.list_incidents(self._db, query, offset, limit)

    def _count(self, query: IncidentQuery) -> int:
        started = time.perf_counter()
        # The count worker reads through a connection of its own, where a common word's
        # matches stay for the same search's next count (services/matched_ids.py); a count
        # asked for at once (count_now) reads on the GUI thread, through the pool.
        db = self._db
        if threading.current_thread() is not threading.main_thread():
            if self._count_connection is None:
                # Made by the worker: SQLAlchemy is not imported before the window paints.
                from desktop.services.own_connection import OwnConnection

                self._count_connection = OwnConnection()
            db = self._count_connection.database(db)
        try:
            return incident_service.count_incidents(db, query)
        finally:
            self._count_seconds = time.perf_counter() - started

    def refresh_rows(self) -> None:
        """Read the rows and filter values again, keeping the analyst's place."""
        self._read_facets()
        self._attempt("Cannot show the incidents", self.model.refresh)

    def _read_facets(self) -> None:
        """The total and the values the filter lists offer, read afresh."""
        facets = self._attempt("Cannot read the workspace", incident_service.facets, self._db)
        if facets is not None:
            self._total = facets.total
            self.model.pages_in_thread = facets.total >= PAGES_IN_THREAD_FROM
            self.filter_bar.set_facets(facets)

    def _page_asked(self) -> None:
        # The map and the timeline are drawn for the new query only once its rows have
        # arrived and they have read it again (main_geo, on the model's reset).
        self.geo_drawn = {}

    def _page_failed(self, message: str) -> None:
        self.dialogs.warning("Cannot show the incidents", message)

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
        self._drop_detail_read()  # a read for the last query's rows is stale now
        # Keep the incident the analyst was reading if it is still shown, else the first.
        index = QModelIndex()
        if self.detail.incident_id is not None:
            index = self.model.index_of(self.detail.incident_id)
        # Another filter that still lists it: the pane shows it as read already. The same
        # query read again (after a change) reads it again too.
        self._keep_shown = index.isValid() and self.model.requeried
        if not index.isValid() and self.model.rowCount() > 0:
            index = self.model.index(0, IncidentTableModel.COL_WHEN)
        if index.isValid():
            self._read_later = True
            try:
                self.select_index(index)
            finally:
                self._keep_shown = False
                self._read_later = False
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
        before = self.table.currentIndex()
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        # A new current row shows itself (currentRowChanged); read it once, not twice.
        if before.isValid() and before.row() == index.row():
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
        self._drop_detail_read()  # whatever is shown now, an earlier read in flight is stale
        if row is None:
            self.detail.clear()
            return
        if self._keep_shown and row.id == self.detail.incident_id:
            return
        if self._read_later:
            self._read_detail_later(row.id)
            return
        data = self._attempt(
            "Cannot open the incident", incident_service.get_incident, self._db, row.id
        )
        if data is None:
            self.detail.clear()
        else:
            self.detail.show_incident(data)

    def _read_detail_later(self, incident_id: str) -> None:
        if self._detail_reads is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            self._detail_reads = LatestOnly(pool, self)
            self._detail_reads.delivered.connect(self._detail_read)
            self._detail_reads.failed.connect(self._detail_failed)
        db, with_evidence = self._db, self.evidence_viewer is not None
        self._detail_reads.request(lambda: read_detail(db, incident_id, with_evidence))

    def _detail_read(self, read: tuple[IncidentData, list[EvidenceItem] | None]) -> None:
        data, evidence = read
        if evidence is not None and data.id is not None and self.evidence_viewer is not None:
            self.evidence_viewer.read_ahead(data.id, evidence)
        self.detail.show_incident(data)
        self._mark_later()

    def _mark_later(self) -> None:
        """Mark the pane's new incident on the map and timeline a pass of the event loop
        after the pane shows it (the timeline's a pass later again), so the window answers
        between the pane's layout and their paints. A zero timer would run in the same pass
        (see docs/performance.md, v1)."""
        if self._mark_timer is None:
            self._mark_timer = QTimer(self)
            self._mark_timer.setSingleShot(True)
            self._mark_timer.setInterval(MARK_AFTER_MS)
            self._mark_timer.timeout.connect(self._geo_mark_in_turns)
        self._mark_timer.start()

    def _detail_failed(self, message: str) -> None:
        self.detail.clear()
        self._geo_mark_selected()
        self.dialogs.warning("Cannot open the incident", message)

    def _drop_detail_read(self) -> None:
        if self._detail_reads is not None:
            self._detail_reads.drop()

    def _stop_detail_reads(self) -> None:
        """Join the detail pane's read (the window closes): its result is not shown."""
        if self._detail_reads is not None:
            self._detail_reads.drop()
            self._detail_reads.wait()

    def current_row(self) -> IncidentRow | None:
        return self.model.row_at(self.table.currentIndex())

    def _update_actions(self) -> None:
        selected = self.current_row() is not None
        for action in self.actions_.where(needs_selection=True):
            action.setEnabled(selected)
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
