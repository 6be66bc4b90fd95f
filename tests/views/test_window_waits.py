"""What keeps the window answering while a filter change is read (docs/performance.md, "Waiting
for a core"), driven as the analyst types and chooses: the table, the map, the timeline and
the detail pane still agree, a newer filter wins over an older one still being read, a failed
read is told once; and what the window leaves to the collector once it is drawn."""

from __future__ import annotations

import gc
import threading
import time
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt, QTimer

from desktop import geography
from desktop.errors import StoreError
from desktop.services import aggregates
from desktop.services.sample import load_sample
from desktop.views import main_geo
from desktop.views.main_window import MainWindow
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentQuery
    from desktop.services.timeline_bins import BinKind
    from desktop.store.engine import Database


def open_window(qtbot: QtBot, db: Database) -> MainWindow:
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    # As on a large workspace: the first page of a new query is read in a worker too.
    win.model.pages_in_thread = True
    win.resize(1024, 700)
    win.show()
    win._build_geo()
    qtbot.waitUntil(lambda: len(win.geo_drawn) == 2, timeout=10000)
    return win


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> Iterator[MainWindow]:
    load_sample(db)
    win = open_window(qtbot, db)
    yield win
    win._stop_geo()


def search_for(qtbot: QtBot, win: MainWindow, words: str) -> None:
    box = win.filter_bar.search
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, words)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def choose_country(win: MainWindow, code: str) -> None:
    combo = win.filter_bar.country
    combo.setCurrentIndex(combo.findData(code))


def settled(qtbot: QtBot, win: MainWindow, check: object) -> None:
    """Until the query ``check`` accepts is shown and the map and timeline drew it."""
    qtbot.waitUntil(
        lambda: check(win.model.query) and len(win.geo_drawn) == 2,  # type: ignore[operator]
        timeout=10000,
    )


def shown_ids(win: MainWindow) -> list[str]:
    rows = (win.model.row_at(win.model.index(r, 0)) for r in range(win.model.rowCount()))
    return [row.id for row in rows if row is not None]


def test_a_typed_search_and_a_country_show_one_set_everywhere(
    qtbot: QtBot, window: MainWindow
) -> None:
    search_for(qtbot, window, "drone")
    settled(qtbot, window, lambda q: q.text == "drone")
    searched = window.model.rowCount()
    assert 0 < searched < 7
    choose_country(window, "IQ")
    settled(qtbot, window, lambda q: q.text == "drone" and q.countries == ("IQ",))
    assert window.map_panel is not None
    assert window.timeline is not None
    rows = window.model.rowCount()
    assert 0 < rows <= searched
    assert window.map_panel.canvas.counts.total == rows
    assert window.timeline.counts.total == rows
    qtbot.waitUntil(lambda: window.filter_bar.count_label.text() == f"{rows} of 7 incidents")
    # The pane shows one of the rows listed, the first, once its read arrives.
    qtbot.waitUntil(lambda: window.detail.incident_id == shown_ids(window)[0], timeout=5000)
    shown = window.detail.shown
    assert shown is not None
    assert shown.where.country == "IQ"


def test_a_newer_filter_wins_over_an_older_one_still_being_read(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    drawn_totals: list[int] = []
    map_counts = aggregates.map_counts

    def slow_for_lebanon(db: Database, query: IncidentQuery) -> aggregates.MapCounts:
        if query.countries == ("LB",):
            release.wait(10)  # still being read when the analyst chooses again
        return map_counts(db, query)

    monkeypatch.setattr(aggregates, "map_counts", slow_for_lebanon)
    assert window.map_panel is not None
    canvas = window.map_panel.canvas
    set_counts = canvas.set_counts

    def recorded(counts: aggregates.MapCounts) -> None:
        drawn_totals.append(counts.total)
        set_counts(counts)

    monkeypatch.setattr(canvas, "set_counts", recorded)
    choose_country(window, "LB")
    qtbot.waitUntil(lambda: window.model.query.countries == ("LB",), timeout=5000)
    choose_country(window, "IQ")
    qtbot.wait(50)
    release.set()
    settled(qtbot, window, lambda q: q.countries == ("IQ",))
    qtbot.wait(200)  # whatever was still on its way has arrived by now
    iraq = window.model.rowCount()
    assert iraq > 1
    assert drawn_totals == [iraq]  # Lebanon's counts, read meanwhile, were never drawn
    assert canvas.counts.total == iraq
    assert window.timeline is not None
    assert window.timeline.counts.total == iraq


def test_a_failed_read_is_told_once_and_the_table_still_filters(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(_db: Database, _query: IncidentQuery) -> aggregates.MapCounts:
        raise StoreError("The workspace is locked by another program.")

    monkeypatch.setattr(aggregates, "map_counts", locked)
    told: list[str] = []
    window.statusBar().messageChanged.connect(
        lambda text: told.append(text) if "could not be read" in text else None
    )
    choose_country(window, "IQ")
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    qtbot.wait(300)
    locked_message = "The workspace is locked by another program."
    assert told == [f"The map or timeline could not be read: {locked_message}"]
    assert window.model.query.countries == ("IQ",)
    rows = window.model.rowCount()
    assert 1 < rows < 7
    assert window.timeline is not None
    qtbot.waitUntil(lambda: window.timeline is not None and window.timeline.counts.total == rows)


def test_what_the_window_holds_once_drawn_is_left_out_of_collections(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The country outlines (and the window) are frozen after the first draw: a collection
    started in a worker no longer walks them while holding the interpreter lock. Once per
    process: a second window adds nothing more to what is never collected."""
    monkeypatch.setattr(main_geo, "_heap_frozen", False)
    _young, *older = gc.get_threshold()
    gc.set_threshold(700, *older)  # as CPython starts, whatever an earlier window set
    load_sample(db)
    frozen_before = gc.get_freeze_count()
    first = open_window(qtbot, db)
    try:
        frozen = gc.get_freeze_count()
        assert frozen > frozen_before
        rings = next(iter(geography.load_outlines().values()))
        collectable = {id(o) for o in gc.get_objects()}
        assert id(rings) not in collectable
        assert id(first) not in collectable
        assert gc.get_threshold()[0] >= main_geo.YOUNG_COLLECTION_EVERY
        second = open_window(qtbot, db)
        second._stop_geo()
        # Not frozen again (frozen objects freed since, by their references, count no more).
        assert gc.get_freeze_count() <= frozen
    finally:
        first._stop_geo()


def test_counts_arriving_together_are_painted_one_view_a_pass(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The map's and the timeline's paints, once one window paint, come in two passes of the
    event loop, so the window answers between them; both are drawn."""
    assert window.map_panel is not None
    assert window.timeline is not None
    passes = [0]
    ticker = QTimer(window)
    ticker.setInterval(0)  # runs once a pass
    ticker.timeout.connect(lambda: passes.__setitem__(0, passes[0] + 1))
    painted_in: dict[str, int] = {}
    window.map_panel.canvas.painted.connect(lambda: painted_in.setdefault("map", passes[0]))
    window.timeline.painted.connect(lambda: painted_in.setdefault("timeline", passes[0]))
    ticker.start()
    window.geo_drawn = {}
    window._draw_soon("map", window.map_panel.canvas)  # both in one pass, as when both
    window._draw_soon("timeline", window.timeline)  # reads end together
    qtbot.waitUntil(lambda: len(window.geo_drawn) == 2, timeout=5000)
    ticker.stop()
    assert set(painted_in) == {"map", "timeline"}
    assert painted_in["timeline"] > painted_in["map"]


def test_a_new_filters_incident_is_marked_on_the_map_then_the_timeline(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.map_panel is not None
    assert window.timeline is not None
    canvas, timeline = window.map_panel.canvas, window.timeline
    passes = [0]
    ticker = QTimer(window)
    ticker.setInterval(0)  # runs once a pass
    ticker.timeout.connect(lambda: passes.__setitem__(0, passes[0] + 1))
    marks: list[tuple[str, int, tuple[object, ...]]] = []
    set_map, set_timeline = canvas.set_selected, timeline.set_selected

    def map_marked(*args: object) -> None:
        marks.append(("map", passes[0], args))
        set_map(*args)  # type: ignore[arg-type]

    def timeline_marked(*args: object) -> None:
        marks.append(("timeline", passes[0], args))
        set_timeline(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(canvas, "set_selected", map_marked)
    monkeypatch.setattr(timeline, "set_selected", timeline_marked)
    ticker.start()
    choose_country(window, "LB")
    settled(qtbot, window, lambda q: q.countries == ("LB",))
    qtbot.waitUntil(lambda: any(args[-1:] == ("LB",) for _v, _p, args in marks), timeout=5000)
    map_pass = next(p for v, p, args in marks if v == "map" and args[-1:] == ("LB",))
    qtbot.waitUntil(lambda: marks[-1][0] == "timeline" and marks[-1][1] > map_pass, timeout=5000)
    ticker.stop()
    shown = window.detail.shown
    assert shown is not None
    assert shown.where.country == "LB"
    assert canvas.selected is not None
    assert canvas.selected[2] == "LB"
    assert timeline.selected is not None
    assert timeline.selected[0] is not None
    assert timeline.selected[0].isoformat() == str(shown.when.start)[:10]


def test_a_held_view_paints_after_the_other_even_when_a_newer_filter_came_between(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.map_panel is not None
    assert window.timeline is not None
    window._draw_soon("map", window.map_panel.canvas)
    window._draw_soon("timeline", window.timeline)  # held until the map has painted
    painted: list[float] = []
    window.timeline.painted.connect(lambda: painted.append(time.perf_counter()))
    release = threading.Event()
    map_counts, timeline_counts = aggregates.map_counts, aggregates.timeline_counts

    def slow_map(db: Database, query: IncidentQuery) -> aggregates.MapCounts:
        release.wait(10)  # the newer filter's counts are long on their way
        return map_counts(db, query)

    def slow_timeline(
        db: Database, query: IncidentQuery, kind: BinKind = "day"
    ) -> aggregates.TimelineCounts:
        release.wait(10)
        return timeline_counts(db, query, kind)

    monkeypatch.setattr(aggregates, "map_counts", slow_map)
    monkeypatch.setattr(aggregates, "timeline_counts", slow_timeline)
    started = time.perf_counter()
    window._geo_refresh()  # a newer filter before the map's paint: not its drawing
    try:
        qtbot.waitUntil(lambda: bool(painted), timeout=5000)
    finally:
        release.set()
    # Released by the map's paint, a pass after it, not by the bound for a paint never made.
    assert painted[0] - started < main_geo.HELD_AT_MOST_MS / 1000 / 2
    qtbot.waitUntil(lambda: len(window.geo_drawn) == 2, timeout=10000)
