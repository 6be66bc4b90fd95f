"""The incident table model over a real 10,000-incident workspace, through the services."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import (
    QMessageLogContext,
    QModelIndex,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor
from PySide6.QtTest import QAbstractItemModelTester

from desktop.domain import EVENT_TYPES, TLP_COLOURS, Confidence, Status, TimePrecision
from desktop.errors import StoreError
from desktop.formats import json_v1
from desktop.services import interchange
from desktop.services.dto import SORT_KEYS, IncidentQuery, IncidentRow
from desktop.services.incidents import PAGE_SIZE, count_incidents, list_incidents
from desktop.store.engine import Database, open_database
from desktop.views.partials.incident_table_model import (
    DEFAULT_PAGE_SIZE,
    FIRST_PAGE_ROWS,
    IncidentTableModel,
    when_text,
)
from desktop.views.partials.plain_widgets import plain_tooltip

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

N = 10_000
COUNTRIES = ("IQ", "SY", "LB", "YE")
STATUSES = ("confirmed", "reported", "claimed", "unverified", "disputed", "denied")
CONFIDENCES = ("high", "moderate", "low")
MARKINGS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED", "OFFICIAL")
PRECISIONS = ("exact", "day", "week", "month")
EVENT_TYPE_NAMES = sorted(EVENT_TYPES)
FIRST_DAY = date(2020, 1, 6)  # a Monday


def _is_drone(n: int) -> bool:
    return n % 7 == 0


def _spec(n: int) -> dict[str, Any]:
    """The n-th generated incident, in the interchange format."""
    precision = PRECISIONS[n % len(PRECISIONS)]
    day = FIRST_DAY + timedelta(days=(n * 37) % 1500)
    if precision == "exact":
        when = {
            "start": f"{day.isoformat()}T{n % 24:02d}:{n % 60:02d}:00Z",
            "end": f"{day.isoformat()}T{n % 24:02d}:{n % 60:02d}:00Z",
            "precision": "exact",
        }
    elif precision == "week":
        monday = day - timedelta(days=day.weekday())
        when = {
            "start": monday.isoformat(),
            "end": (monday + timedelta(days=6)).isoformat(),
            "precision": "week",
        }
    elif precision == "month":
        first = day.replace(day=1)
        when = {"start": first.isoformat(), "end": first.isoformat(), "precision": "month"}
    else:
        when = {"start": day.isoformat(), "end": day.isoformat(), "precision": "day"}
    event_type = EVENT_TYPE_NAMES[n % len(EVENT_TYPE_NAMES)]
    subs = EVENT_TYPES[event_type]
    what = "Drone strike" if _is_drone(n) else "Shelling"
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "title": f"{what} number {n} at site {(n * 7919) % 10_000}",
        "when": when,
        "where": {"name": f"Town {(n * 31) % 500}", "country": COUNTRIES[n % len(COUNTRIES)]},
        "event_type": event_type,
        "sub_event_type": subs[n % len(subs)],
        "status": STATUSES[n % len(STATUSES)],
        "confidence": CONFIDENCES[n % len(CONFIDENCES)],
        "marking": MARKINGS[n % len(MARKINGS)],
        "citations": [{"source": f"src-{k}", "credibility": 3} for k in range(n % 4)],
    }


SPECS = [_spec(n) for n in range(N)]


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One workspace of 10,000 generated incidents, shared by this module's tests."""
    document = {
        "format": "incident-desk/1",
        "sources": [
            {"id": f"src-{k}", "name": f"Source {k}", "kind": "media", "reliability": "C"}
            for k in range(3)
        ],
        "incidents": SPECS,
    }
    database = open_database(tmp_path_factory.mktemp("big") / "big.sqlite3")
    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INCIDENT_DESK_USER", "tester")
        result = interchange.import_document(
            database, json_v1.parse_document(document, interchange.CHECKS)
        )
    print(f"\nbuilt {N} incidents in {time.perf_counter() - started:.2f} s")
    assert result.incidents_created == N
    try:
        yield database
    finally:
        database.close()


class Recorder:
    """The services, as the window passes them, remembering every page asked for."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pages: list[tuple[IncidentQuery, int, int]] = []
        self.counts: list[IncidentQuery] = []

    def fetch_page(self, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        self.pages.append((query, offset, limit))
        return list_incidents(self.db, query, offset, limit)

    def count(self, query: IncidentQuery) -> int:
        self.counts.append(query)
        return count_incidents(self.db, query)


@pytest.fixture
def recorder(big_db: Database) -> Recorder:
    return Recorder(big_db)


@pytest.fixture
def model(qapp: Any, recorder: Recorder) -> IncidentTableModel:
    table = IncidentTableModel(recorder.fetch_page, recorder.count, PAGE_SIZE, first_page=PAGE_SIZE)
    table.set_query(IncidentQuery())
    table.count_now()
    return table


def _ids(model: IncidentTableModel) -> list[str]:
    return [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]


def test_default_page_size_is_the_services(qapp: Any) -> None:
    assert DEFAULT_PAGE_SIZE == PAGE_SIZE


def test_a_new_query_reads_a_screenful_then_pages(qapp: Any, recorder: Recorder) -> None:
    table = IncidentTableModel(recorder.fetch_page, recorder.count)
    table.set_query(IncidentQuery(text="Drone"))
    assert recorder.pages[-1][1:] == (0, FIRST_PAGE_ROWS)
    assert table.rowCount() == FIRST_PAGE_ROWS < PAGE_SIZE
    table.fetchMore(QModelIndex())  # scrolling reads whole pages after it
    assert recorder.pages[-1][1:] == (FIRST_PAGE_ROWS, PAGE_SIZE)
    assert table.rowCount() == FIRST_PAGE_ROWS + PAGE_SIZE
    table.refresh()  # the data changed: as many rows as were loaded, read again
    assert recorder.pages[-1][1:] == (0, FIRST_PAGE_ROWS + PAGE_SIZE)
    expected = list_incidents(recorder.db, IncidentQuery(text="Drone"), 0, table.rowCount())
    assert _ids(table) == [row.id for row in expected]


def test_first_page_and_total(model: IncidentTableModel) -> None:
    assert model.total == N
    assert model.loaded == model.rowCount() == PAGE_SIZE
    assert model.columnCount() == 8
    assert model.canFetchMore(QModelIndex())
    started = time.perf_counter()
    model.fetchMore(QModelIndex())
    print(f"\nfetchMore of {PAGE_SIZE} rows: {(time.perf_counter() - started) * 1000:.1f} ms")
    assert model.loaded == 2 * PAGE_SIZE


def test_fetch_more_loads_every_row_once(model: IncidentTableModel, qtbot: QtBot) -> None:
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore(QModelIndex())
    assert inserted.args[1:] == [PAGE_SIZE, 2 * PAGE_SIZE - 1]
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    ids = _ids(model)
    assert len(ids) == model.loaded == N
    assert len(set(ids)) == N
    model.fetchMore(QModelIndex())  # nothing more: a no-op
    assert model.loaded == N


def test_headers_and_sort_keys(model: IncidentTableModel) -> None:
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]
    assert headers == [
        "When",
        "Title",
        "Place",
        "Type",
        "Status",
        "Confidence",
        "Sources",
        "Marking",
    ]
    assert set(model.COLUMN_SORT_KEYS) <= set(SORT_KEYS)
    assert model.COLUMN_SORT_KEYS[model.COL_SOURCES] == "sources"


@pytest.mark.parametrize("column", range(8))
@pytest.mark.parametrize(
    "order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder], ids=["asc", "desc"]
)
def test_sort_is_done_by_the_database(
    model: IncidentTableModel, recorder: Recorder, column: int, order: Qt.SortOrder
) -> None:
    model.fetchMore(QModelIndex())
    recorder.pages.clear()
    key = model.COLUMN_SORT_KEYS[column]
    descending = order == Qt.SortOrder.DescendingOrder
    # The order shown already (When, newest first) is read again with every row kept; any
    # other starts from its first page.
    rows = 2 * PAGE_SIZE if (key, descending) == ("when", True) else PAGE_SIZE
    model.sort(column, order)
    # The sort went to the database as the query's sort key, from the first row again.
    assert [(q.sort, q.descending, offset, limit) for q, offset, limit in recorder.pages] == [
        (key, descending, 0, rows)
    ]
    assert model.query.sort == key
    assert model.query.descending is descending
    assert model.sort_column() == column
    assert model.loaded == rows
    assert model.total is None  # counted from the event loop
    assert model.count_now() == model.total == N
    expected = list_incidents(recorder.db, IncidentQuery(sort=key, descending=descending), 0, rows)
    assert _ids(model) == [row.id for row in expected]


def test_sorted_by_sources_is_in_order(model: IncidentTableModel) -> None:
    model.sort(model.COL_SOURCES, Qt.SortOrder.DescendingOrder)
    counts = [int(model.index(r, model.COL_SOURCES).data()) for r in range(model.rowCount())]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 3


def test_text_filter_changes_total_and_resets_rows(model: IncidentTableModel, qtbot: QtBot) -> None:
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    with qtbot.waitSignal(model.modelReset):
        model.set_query(IncidentQuery(text="drone"))
    expected = sum(1 for n in range(N) if _is_drone(n))
    with qtbot.waitSignal(model.totalChanged) as counted:
        pass  # the event loop counts
    assert counted.args == [expected]
    assert model.total == expected
    assert model.loaded == PAGE_SIZE
    assert all("Drone" in model.index(r, model.COL_TITLE).data() for r in range(PAGE_SIZE))


def test_filters_change_total(model: IncidentTableModel) -> None:
    model.set_query(IncidentQuery(countries=("SY",), statuses=("confirmed", "denied")))
    expected = sum(
        1 for s in SPECS if s["where"]["country"] == "SY" and s["status"] in ("confirmed", "denied")
    )
    assert PAGE_SIZE < expected < PAGE_SIZE * 5
    assert model.count_now() == model.total == expected
    assert model.loaded == min(PAGE_SIZE, expected)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.loaded == expected
    shown = {model.index(r, model.COL_STATUS).data() for r in range(expected)}
    assert shown <= {"Confirmed", "Denied"}


def test_no_match_is_empty(model: IncidentTableModel) -> None:
    model.set_query(IncidentQuery(countries=("FR",)))
    assert model.total == model.loaded == model.rowCount() == 0
    assert not model.canFetchMore(QModelIndex())


def test_refresh_keeps_query_and_loaded_rows(model: IncidentTableModel) -> None:
    model.sort(model.COL_TITLE, Qt.SortOrder.AscendingOrder)
    model.fetchMore(QModelIndex())
    before = _ids(model)
    model.refresh()
    assert model.query.sort == "title"
    assert _ids(model) == before


def _row_for(model: IncidentTableModel, n: int) -> int:
    index = model.index_of(SPECS[n]["id"])
    assert index.isValid()
    return index.row()


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (20, "2022-01-15 20:20Z"),  # exact
        (1, "2020-02-12"),  # day
        (2, "wk of 2020-03-16"),  # week
        (3, "2020-04"),  # month
    ],
)
def test_when_by_precision(model: IncidentTableModel, n: int, expected: str) -> None:
    model.set_query(IncidentQuery(sort="when", descending=False, text=f"number {n} at"))
    row = _row_for(model, n)
    assert model.index(row, model.COL_WHEN).data() == expected


def test_when_text() -> None:
    moment = datetime(2023, 10, 17, 15, 59, tzinfo=UTC)
    assert when_text(moment, TimePrecision.EXACT) == "2023-10-17 15:59Z"
    assert when_text(date(2023, 10, 17), TimePrecision.DAY) == "2023-10-17"
    assert when_text(date(2023, 10, 16), TimePrecision.WEEK) == "wk of 2023-10-16"
    assert when_text(date(2023, 10, 1), TimePrecision.MONTH) == "2023-10"
    # Four-digit years always (strftime("%Y") writes "999" on Linux).
    early = datetime(999, 6, 15, 12, tzinfo=UTC)
    assert when_text(early, TimePrecision.EXACT) == "0999-06-15 12:00Z"
    assert when_text(date(5, 3, 1), TimePrecision.MONTH) == "0005-03"


def test_cells(model: IncidentTableModel) -> None:
    # Incident 4: TLP:RED, no sources (4 % 4), "disputed", "moderate".
    model.set_query(IncidentQuery(text="number 4 at"))
    row = _row_for(model, 4)
    spec = SPECS[4]

    def cell(column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> Any:
        return model.index(row, column).data(role)

    assert cell(model.COL_TITLE) == spec["title"]
    assert cell(model.COL_TITLE, Qt.ItemDataRole.ToolTipRole) == plain_tooltip(spec["title"])
    assert cell(model.COL_PLACE).startswith(spec["where"]["name"])
    assert cell(model.COL_TYPE) == spec["sub_event_type"]
    assert cell(model.COL_TYPE, Qt.ItemDataRole.ToolTipRole) == plain_tooltip(spec["event_type"])
    assert cell(model.COL_STATUS) == spec["status"].capitalize()
    assert cell(model.COL_CONFIDENCE) == spec["confidence"].capitalize()
    assert cell(model.COL_SOURCES) == "0"
    alignment = cell(model.COL_SOURCES, Qt.ItemDataRole.TextAlignmentRole)
    assert Qt.AlignmentFlag(alignment) & Qt.AlignmentFlag.AlignRight
    assert cell(model.COL_MARKING) == "TLP:RED"
    assert cell(model.COL_MARKING, Qt.ItemDataRole.ForegroundRole) == QColor(TLP_COLOURS["TLP:RED"])
    assert cell(model.COL_MARKING, Qt.ItemDataRole.BackgroundRole) == QColor("#000000")
    for column in range(model.columnCount()):
        assert cell(column, Qt.ItemDataRole.UserRole) == spec["id"]
    record = model.row_at(model.index(row, 0))
    assert record is not None
    assert record.id == spec["id"]
    assert model.row_at(QModelIndex()) is None


def test_free_text_marking_has_no_colour(model: IncidentTableModel) -> None:
    model.set_query(IncidentQuery(markings=("OFFICIAL",)))
    index = model.index(0, model.COL_MARKING)
    assert index.data() == "OFFICIAL"
    assert index.data(Qt.ItemDataRole.ForegroundRole) is None
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None


def test_markup_in_titles_stays_plain_text(qapp: Any) -> None:
    title = "<b>x</b> & <img src='/etc/passwd'>"
    row = IncidentRow(
        id="id-1",
        start=date(2023, 10, 17),
        end=date(2023, 10, 17),
        precision=TimePrecision.DAY,
        title=title,
        place="",
        country="",
        event_type="Battles",
        sub_event_type="Armed clash",
        status=Status.REPORTED,
        confidence=Confidence.LOW,
        source_count=0,
        marking="TLP:CLEAR",
        killed=None,
        injured=None,
    )
    model = IncidentTableModel(lambda q, o, n: [row][o : o + n], lambda q: 1)
    model.set_query(IncidentQuery())
    assert model.index(0, model.COL_TITLE).data() == title  # unescaped: shown as plain text


def test_index_of_unknown_or_unloaded(model: IncidentTableModel) -> None:
    assert not model.index_of("no-such-id").isValid()
    first = model.index(0, 0).data(Qt.ItemDataRole.UserRole)
    assert model.index_of(first) == model.index(0, 0)


def test_passes_qt_model_tester(model: IncidentTableModel) -> None:
    problems: list[str] = []

    def record(_mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if context.category == "qt.modeltest":
            problems.append(message)

    previous = qInstallMessageHandler(record)
    try:
        tester = QAbstractItemModelTester(
            model, QAbstractItemModelTester.FailureReportingMode.Warning
        )
        model.fetchMore(QModelIndex())
        model.sort(model.COL_TITLE, Qt.SortOrder.DescendingOrder)
        model.set_query(IncidentQuery(countries=("LB",)))
        model.fetchMore(QModelIndex())
        model.refresh()
        model.set_query(IncidentQuery(countries=("FR",)))
        del tester
    finally:
        qInstallMessageHandler(previous)
    assert problems == []


# --- the count follows the rows ------------------------------------------------------------


def test_rows_come_first_and_the_count_from_the_event_loop(
    qapp: Any, recorder: Recorder, qtbot: QtBot
) -> None:
    model = IncidentTableModel(recorder.fetch_page, recorder.count, PAGE_SIZE, first_page=PAGE_SIZE)
    expected = sum(1 for n in range(N) if _is_drone(n))
    model.set_query(IncidentQuery(text="drone"))
    # The first page is there at once; the count has not been asked for.
    assert model.rowCount() == PAGE_SIZE
    assert all("Drone" in model.index(r, model.COL_TITLE).data() for r in range(PAGE_SIZE))
    assert model.total is None
    assert recorder.counts == []
    assert model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.totalChanged, timeout=2000) as counted:
        pass
    assert counted.args == [expected]
    assert model.total == expected
    assert recorder.counts == [IncidentQuery(text="drone")]
    model.count_now()  # nothing pending: no second count
    assert recorder.counts == [IncidentQuery(text="drone")]


def test_fast_typing_counts_only_the_last_query(
    qapp: Any, recorder: Recorder, qtbot: QtBot
) -> None:
    model = IncidentTableModel(recorder.fetch_page, recorder.count, PAGE_SIZE, first_page=PAGE_SIZE)
    for typed in ("d", "dr", "dro", "dron", "drone"):
        model.set_query(IncidentQuery(text=typed))
    assert recorder.counts == []
    qtbot.waitUntil(lambda: model.total is not None, timeout=2000)
    assert recorder.counts == [IncidentQuery(text="drone")]
    assert model.total == sum(1 for n in range(N) if _is_drone(n))


def test_paging_to_the_end_settles_the_total_before_the_count(
    qapp: Any, recorder: Recorder, qtbot: QtBot
) -> None:
    model = IncidentTableModel(recorder.fetch_page, recorder.count, PAGE_SIZE, first_page=PAGE_SIZE)
    query = IncidentQuery(countries=("SY",), statuses=("confirmed", "denied"))
    model.set_query(query)
    assert model.total is None
    with qtbot.waitSignal(model.totalChanged) as settled:
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
    assert settled.args == [model.loaded] == [model.total]
    qtbot.wait(10)  # the timer had nothing left to count
    assert recorder.counts == []


def _rows(n: int) -> list[IncidentRow]:
    return [
        IncidentRow(
            id=f"id-{k}",
            start=date(2023, 10, 17),
            end=date(2023, 10, 17),
            precision=TimePrecision.DAY,
            title=f"Incident {k}",
            place="",
            country="",
            event_type="Battles",
            sub_event_type="Armed clash",
            status=Status.REPORTED,
            confidence=Confidence.LOW,
            source_count=0,
            marking="TLP:CLEAR",
            killed=None,
            injured=None,
        )
        for k in range(n)
    ]


class FakeServices:
    """In-memory rows, recording each count; ``failure`` makes the count fail as the store does."""

    def __init__(self, n: int) -> None:
        self.rows = _rows(n)
        self.counts: list[IncidentQuery] = []
        self.failure: str | None = None

    def fetch_page(self, query: IncidentQuery, offset: int, limit: int) -> list[IncidentRow]:
        return self.rows[offset : offset + limit]

    def count(self, query: IncidentQuery) -> int:
        self.counts.append(query)
        if self.failure is not None:
            raise StoreError(self.failure)
        return len(self.rows)


@pytest.mark.parametrize("n", [0, 1, 9])
def test_a_short_first_page_is_its_own_count(qapp: Any, qtbot: QtBot, n: int) -> None:
    services = FakeServices(n)
    model = IncidentTableModel(services.fetch_page, services.count, page_size=10)
    model.set_query(IncidentQuery(text="x"))
    assert model.total == model.rowCount() == n
    assert not model.canFetchMore(QModelIndex())
    qtbot.wait(10)
    assert model.count_now() == n
    assert services.counts == []


def test_a_full_page_exactly_is_counted(qapp: Any, qtbot: QtBot) -> None:
    services = FakeServices(10)
    model = IncidentTableModel(services.fetch_page, services.count, page_size=10)
    model.set_query(IncidentQuery())
    assert model.total is None
    with qtbot.waitSignal(model.totalChanged):
        pass
    assert model.total == 10
    assert not model.canFetchMore(QModelIndex())


def test_a_failed_count_is_reported_not_raised(qapp: Any, qtbot: QtBot) -> None:
    services = FakeServices(25)
    services.failure = "The workspace cannot be read: disk I/O error"
    model = IncidentTableModel(services.fetch_page, services.count, page_size=10)
    with qtbot.captureExceptions() as raised:
        model.set_query(IncidentQuery(text="x"))
        with qtbot.waitSignal(model.countFailed) as failed:
            pass
    assert raised == []
    assert failed.args == ["The workspace cannot be read: disk I/O error"]
    assert model.total is None
    assert model.rowCount() == 10
    # The rows still page in, and the end of them settles the total.
    with qtbot.waitSignal(model.totalChanged) as settled:
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
    assert settled.args == [25]
    # Asked again after the problem is gone, the count is read.
    model.set_query(IncidentQuery(text="y"))
    services.failure = None
    assert model.count_now() == model.total == 25


def test_a_count_outlived_by_its_query_is_dropped(qapp: Any) -> None:
    services = FakeServices(25)

    def count_while_the_analyst_types(query: IncidentQuery) -> int:
        # As if a dialog's event loop ran during the count and a new search was typed.
        if query.text == "old":
            model.set_query(IncidentQuery(text="new"))
        return 999

    model = IncidentTableModel(services.fetch_page, count_while_the_analyst_types, page_size=10)
    model.set_query(IncidentQuery(text="old"))
    assert model.count_now() is None
    assert model.query.text == "new"
    assert model.total is None  # the old query's 999 was not taken for the new one


def test_show_rows_is_all_there_is(qapp: Any, qtbot: QtBot) -> None:
    services = FakeServices(25)
    model = IncidentTableModel(services.fetch_page, services.count, page_size=10)
    model.set_query(IncidentQuery())  # a count pending...
    model.show_rows(IncidentQuery(), services.rows[:10])  # ...and then the preview's rows
    assert model.total == 10
    assert not model.canFetchMore(QModelIndex())
    qtbot.wait(10)
    assert services.counts == []
    assert model.total == 10
