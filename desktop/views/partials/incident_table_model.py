"""The incident table's model: a thin window onto one query's rows, paged in on demand.

The model holds no database code. It is given two callables — one page of rows for a query
and the number of rows matching it — and asks them again whenever the query or the sort
changes, so sorting and filtering happen in SQL and only the rows shown are in memory.

The first page is shown before the matches are counted: reading rows costs what is shown,
counting a common word costs every match. The count follows from the event loop, once the
rows are on screen (:attr:`IncidentTableModel.totalChanged`), unless the first page was short
and so already is the count.

With :attr:`IncidentTableModel.pages_in_thread` set (the window sets it on a large workspace,
where a first page may take tens of milliseconds of SQL), a new query's first page is read in
a worker: the rows shown stay until it arrives, then the model resets to it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from desktop import phrases
from desktop.domain import (
    TLP_COLOURS,
    Confidence,
    Status,
    TimePrecision,
)
from desktop.errors import DeskError
from desktop.services.listing import (
    COLUMNS,
    PAGE_SIZE,
    Column,
    IncidentQuery,
    IncidentRow,
    column_index,
)
from desktop.views.partials.latest_worker import LatestOnly
from desktop.views.partials.plain_widgets import plain_tooltip

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QObject

    FetchPage = Callable[[IncidentQuery, int, int], list[IncidentRow]]
    Count = Callable[[IncidentQuery], int]
    AnyIndex = QModelIndex | QPersistentModelIndex

DEFAULT_PAGE_SIZE = PAGE_SIZE
# A new query's first read: a screenful (a maximised window on a 1440-pixel-high screen shows
# about 60 rows). The view asks for the next page at once if it shows more, and scrolling
# reads DEFAULT_PAGE_SIZE rows at a time. Typing in the search box reads only what is seen.
FIRST_PAGE_ROWS = 64

# Loaded rows are kept as plain tuples of text, numbers and dates, not as IncidentRow tuples:
# CPython's cyclic garbage collector stops tracking a tuple that holds only such values, while
# an IncidentRow holds enum members, which keep it tracked. With 100,000 rows loaded, each full
# collection walked them all and froze scrolling; now they cost it nothing.
Packed = tuple[Any, ...]


def pack(row: IncidentRow) -> Packed:
    """The row as an untracked tuple, in IncidentRow's field order, enums as their values."""
    return (
        row.id,
        row.start,
        row.end,
        row.precision.value,
        row.title,
        row.place,
        row.country,
        row.event_type,
        row.sub_event_type,
        row.status.value,
        row.confidence.value,
        row.source_count,
        row.marking,
        row.killed,
        row.injured,
        row.deleted_at,
    )


def unpack(packed: Packed) -> IncidentRow:
    (
        incident_id,
        start,
        end,
        precision,
        title,
        place,
        country,
        event_type,
        sub_event_type,
        status,
        confidence,
        source_count,
        marking,
        killed,
        injured,
        deleted_at,
    ) = packed
    return IncidentRow(
        incident_id,
        start,
        end,
        TimePrecision(precision),
        title,
        place,
        country,
        event_type,
        sub_event_type,
        Status(status),
        Confidence(confidence),
        source_count,
        marking,
        killed,
        injured,
        deleted_at,
    )


_ROOT = QModelIndex()
_TLP_BACKGROUND = QColor("#000000")
# The roles data() answers, as plain ints: comparing with Qt's enum members costs a lookup each.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_USER = Qt.ItemDataRole.UserRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_ROLES_ANSWERED = frozenset((_DISPLAY, _TOOLTIP, _USER, _ALIGNMENT, _FOREGROUND, _BACKGROUND))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


# The start of an incident as precisely as it is known, e.g. ``wk of 2023-10-16``.
when_text = phrases.when_short


class IncidentTableModel(QAbstractTableModel):
    # The columns are declared in desktop.services.listing.COLUMNS (title, cell text,
    # tooltip, width, sort key); a subclass may show others. The COL_ names are positions.
    COLUMNS: tuple[Column, ...] = COLUMNS
    COL_WHEN = column_index("when")
    COL_TITLE = column_index("title")
    COL_PLACE = column_index("place")
    COL_TYPE = column_index("type")
    COL_STATUS = column_index("status")
    COL_CONFIDENCE = column_index("confidence")
    COL_SOURCES = column_index("sources")
    COL_MARKING = column_index("marking")
    HEADERS: tuple[str, ...] = tuple(column.title for column in COLUMNS)
    COLUMN_SORT_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.sortable)

    # The total became known, or changed, other than by a reset: the count of the shown query
    # arrived, or a short page ended the table. Carries the total.
    totalChanged = Signal(int)
    # The count of the shown query could not be read: a message for the analyst. The total
    # stays unknown (rows still page in) until count_now() is asked again.
    countFailed = Signal(str)
    # A first page read in a worker (pages_in_thread) failed: a message for the analyst. The
    # rows of the query shown before stay.
    pageFailed = Signal(str)
    # A new query's first page is being read in a worker (pages_in_thread).
    pageAsked = Signal()

    def __init__(
        self,
        fetch_page: FetchPage,
        count: Count,
        page_size: int = DEFAULT_PAGE_SIZE,
        parent: QObject | None = None,
        *,
        first_page: int = FIRST_PAGE_ROWS,
        count_in_thread: bool = False,
    ) -> None:
        super().__init__(parent)
        self._fetch_page = fetch_page
        self._count = count
        self._page_size = page_size
        self._first_page = min(first_page, page_size)
        self._query = IncidentQuery()
        # Whether the last reset showed another query (not the same one read again).
        self.requeried = False
        self._rows: list[Packed] = []
        # The last row unpacked: Qt asks for every column and role of a row in turn.
        self._last: tuple[int, IncidentRow] | None = None
        self._positions: dict[str, int] = {}
        self._total: int | None = 0
        # Bumped by every reset: a count that outlives its query (the count callable may run
        # an event loop, e.g. a dialog) is then recognised and dropped.
        self._generation = 0
        # The pending count waits for the event loop, so the rows are painted first; restarted
        # by each new query, so typing fast counts only the last one.
        self._counter = QTimer(self)
        self._counter.setSingleShot(True)
        self._counter.setInterval(0)
        self._counter.timeout.connect(self._count_pending)
        # The window's count runs in a worker thread: at 100,000 incidents it takes tens of
        # milliseconds, which the GUI thread would spend not answering (count_now() still
        # counts at once for those that need the number now).
        self._count_reads: LatestOnly | None = None
        self._count_asked = -1  # the generation whose count is in the worker
        if count_in_thread:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            self._count_reads = LatestOnly(pool, self)
            self._count_reads.delivered.connect(self._counted)
            self._count_reads.failed.connect(self._count_failed_in_thread)
        # True while rows are being replaced or added: views (and Qt's model tester) ask for
        # more rows from slots connected to the model's own signals, and must not re-enter.
        self._busy = False
        # A new query's first page read in a worker, the rows shown kept until it arrives.
        self.pages_in_thread = False
        self._page_reads: LatestOnly | None = None
        self._asked: IncidentQuery | None = None  # the query whose first page is on its way

    # --- what is shown ---------------------------------------------------------------

    @property
    def query(self) -> IncidentQuery:
        return self._query

    @property
    def wanted(self) -> IncidentQuery:
        """The query asked for last: the one shown, or the one whose rows are on their way."""
        return self._asked if self._asked is not None else self._query

    @property
    def total(self) -> int | None:
        """How many incidents match the query (loaded or not); None while being counted."""
        return self._total

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def set_query(self, query: IncidentQuery) -> None:
        """Show ``query``'s first page now; count its matches from the event loop.

        The query shown already (the window reads it again after a save or a delete) keeps as
        many rows loaded as before, so the analyst's place in a long list is not lost.
        """
        if query == self._query:
            self._drop_asked()  # back to the query shown: a page on its way is not wanted
            self.refresh()
        elif self.pages_in_thread:
            if query != self._asked:
                self._ask(query)
        else:
            self._drop_asked()
            self._reload(query, self._first_page)

    def refresh(self) -> None:
        """Read the same query again, keeping as many rows loaded as before."""
        if self._asked is not None:
            self._ask(self._asked)  # the workspace changed: read the page on its way again
            return
        self._reload(self._query, max(self._first_page, len(self._rows)))

    def _ask(self, query: IncidentQuery) -> None:
        if self._page_reads is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            self._page_reads = LatestOnly(pool, self)
            self._page_reads.delivered.connect(self._page_read)
            self._page_reads.failed.connect(self._page_failed)
        self._asked = query
        fetch, limit = self._fetch_page, self._first_page
        self._page_reads.request(lambda: (query, fetch(query, 0, limit)))
        self.pageAsked.emit()

    def _page_read(self, read: tuple[IncidentQuery, list[IncidentRow]]) -> None:
        query, page = read
        if query != self._asked:
            return
        self._asked = None
        self._reload(query, self._first_page, page)

    def _page_failed(self, message: str) -> None:
        if self._asked is not None:
            self._asked = None
            self.pageFailed.emit(message)

    def _drop_asked(self) -> None:
        if self._asked is not None:
            self._asked = None
            assert self._page_reads is not None
            self._page_reads.drop()

    def show_rows(self, query: IncidentQuery, rows: list[IncidentRow]) -> None:
        """Show ``rows``, read elsewhere, as all there is of ``query`` for now.

        The app's first paint uses it, before the services that page are loaded; nothing more
        is fetched (or counted) until the next :meth:`set_query` or :meth:`refresh`.
        """
        self._drop_asked()
        self._busy = True
        self.beginResetModel()
        try:
            self._replace(query, rows, len(rows))
        finally:
            self.endResetModel()
            self._busy = False
        self._counter.stop()

    def count_now(self) -> int | None:
        """Count the shown query's matches now if that is pending; the total (None if failed).

        Emits :attr:`totalChanged` with the count, or :attr:`countFailed` with the problem: a
        :class:`DeskError` (a read that failed) is never raised from here, the timer's slot.
        """
        self._counter.stop()
        if self._total is not None:
            return self._total
        generation = self._generation
        try:
            counted = self._count(self._query)
        except DeskError as exc:
            if generation != self._generation:
                return self._total  # the failure was another query's
            self.countFailed.emit(str(exc))
            return None
        if generation != self._generation or self._total is not None:
            return self._total  # another query is shown now, or its rows ended the table
        # At least the rows shown match, whatever a count racing a change said.
        self._settle(max(counted, len(self._rows)))
        return self._total

    def _count_pending(self) -> None:
        if self._count_reads is None:
            self.count_now()
            return
        generation, query, count = self._generation, self._query, self._count
        self._count_asked = generation
        self._count_reads.request(lambda: (generation, count(query)))

    def _counted(self, counted: tuple[int, int]) -> None:
        generation, total = counted
        if generation == self._generation and self._total is None:
            self._settle(max(total, len(self._rows)))

    def _count_failed_in_thread(self, message: str) -> None:
        if self._count_asked == self._generation and self._total is None:
            self.countFailed.emit(message)

    def wait_for_count(self) -> None:
        """Join a count or first page in flight (the window closes its database next)."""
        self._drop_asked()
        for reads in (self._count_reads, self._page_reads):
            if reads is not None:
                reads.wait()

    def _reload(
        self, query: IncidentQuery, limit: int, page: list[IncidentRow] | None = None
    ) -> None:
        """Show ``query``'s first ``limit`` rows: ``page`` if read already, else read now."""
        self.requeried = query != self._query
        self._busy = True
        self.beginResetModel()
        try:
            if page is None:
                page = self._fetch_page(query, 0, limit)
            # A short page is all there is: counted already. A full one is counted later.
            self._replace(query, page, len(page) if len(page) < limit else None)
        finally:
            self.endResetModel()
            self._busy = False
        if self._total is None:
            self._counter.start()
        else:
            self._counter.stop()

    def _replace(self, query: IncidentQuery, page: list[IncidentRow], total: int | None) -> None:
        self._generation += 1
        self._query = query
        self._total = total
        self._rows = [pack(row) for row in page]
        self._last = None
        self._positions = {row.id: i for i, row in enumerate(page)}

    def _settle(self, total: int) -> None:
        self._counter.stop()
        changed = total != self._total
        self._total = total
        if changed:
            self.totalChanged.emit(total)

    def row_at(self, index: AnyIndex) -> IncidentRow | None:
        position = index.row()
        if not index.isValid() or not 0 <= position < len(self._rows):
            return None
        if self._last is None or self._last[0] != position:
            self._last = (position, unpack(self._rows[position]))
        return self._last[1]

    def index_of(self, incident_id: str) -> QModelIndex:
        """The first column's index of a loaded incident; invalid if it is not loaded."""
        position = self._positions.get(incident_id)
        if position is None:
            return QModelIndex()
        return self.index(position, self.COL_WHEN)

    def sort_column(self) -> int:
        """The column the query is sorted by, or -1 (e.g. sorted by relevance)."""
        position = column_index(self._query.sort, self.COLUMNS)
        return position if position >= 0 and self.COLUMNS[position].sortable else -1

    # --- Qt's model interface --------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: AnyIndex = _ROOT) -> bool:
        if self._busy or parent.isValid():
            return False
        # Not counted yet: the last page was full, so there may be more.
        return self._total is None or len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = _ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        self._busy = True
        try:
            start = len(self._rows)
            page = self._fetch_page(self._query, start, self._page_size)
            if page:
                self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
                self._rows.extend(pack(row) for row in page)
                for offset, row in enumerate(page):
                    self._positions.setdefault(row.id, start + offset)
                self.endInsertRows()
        finally:
            self._busy = False
        if len(page) < self._page_size:  # the end, whatever the count said (or before it)
            self._settle(start + len(page))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the database: the query's sort key changes and the rows are read again."""
        query = self.sorted_query(column, order)
        if query is not None:
            self.set_query(query)

    def sorted_query(self, column: int, order: Qt.SortOrder) -> IncidentQuery | None:
        """The query sorted by ``column`` (None for a column that cannot be sorted)."""
        if not 0 <= column < len(self.COLUMNS) or not self.COLUMNS[column].sortable:
            return None
        descending = order == Qt.SortOrder.DescendingOrder
        return replace(self.wanted, sort=self.COLUMNS[column].key, descending=descending)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section].title
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        # Qt asks each painted cell for about seven roles: the others are answered first.
        if role not in _ROLES_ANSWERED:
            return None
        row = self.row_at(index)
        if row is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            return self._display(row, column)
        if role == _TOOLTIP:
            tip = self._tooltip(row, column)
            return plain_tooltip(tip) if tip else None
        if role == _USER:
            return row.id
        if role == _ALIGNMENT:
            columns = self.COLUMNS
            return _RIGHT if 0 <= column < len(columns) and columns[column].align_right else None
        if column == self.COL_MARKING and row.marking in TLP_COLOURS:
            if role == _FOREGROUND:
                return QColor(TLP_COLOURS[row.marking])
            return _TLP_BACKGROUND
        return None

    def _display(self, row: IncidentRow, column: int) -> str | None:
        columns = self.COLUMNS
        return columns[column].text(row) if 0 <= column < len(columns) else None

    def _tooltip(self, row: IncidentRow, column: int) -> str | None:
        if not 0 <= column < len(self.COLUMNS):
            return None
        tip = self.COLUMNS[column].tip
        return tip(row) if tip is not None else None
