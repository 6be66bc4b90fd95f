"""The map and the timeline at each size: a filter change until both are drawn again.

The main window itself is driven (offscreen), in an app started as the analyst starts it
(``benchmarks.child geo``, a process of its own), as the analyst uses it: each of the table's 12
filter cases (``cases.filter_queries``) is applied to its model, the counts are read in the
window's worker threads, and the figure is the time from the change until the map and the
timeline have painted their new counts (median of 3 runs per case at 100,000, one below).
Meanwhile a 1 ms timer on the GUI thread records the longest gap between its ticks: how long
the window could not answer input, the table's own first page included; and the GUI thread's
own CPU time within such a gap, which a busy machine's other processes do not lengthen (the
wall-clock gap counts the time the thread waited for a core, or for the other threads'
interpreter lock). Then the CPU time of the two reads of the costliest case, read here one
after the other as the window's workers read them (each through a connection of its own, by
the bin the window read), which a busy machine hardly changes.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from benchmarks.cases import filter_queries
from benchmarks.measure import Timer
from benchmarks.report import JUDGED_SIZE
from desktop.services import aggregates
from desktop.services.dto import IncidentQuery
from desktop.services.own_connection import OwnConnection

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop.services.timeline_bins import BinKind
    from desktop.store.engine import Database
    from desktop.views.main_window import MainWindow

TIMEOUT_S = 60
# What :func:`measure` gives, as report.py names its rows.
FIGURES = (
    "geo_filter_median_ms",
    "geo_filter_max_ms",
    "geo_read_median_ms",
    "gui_block_max_ms",
    "gui_busy_max_ms",
    "geo_read_cpu_max_ms",
)


class StallWatch:
    """The longest the GUI thread went without running a 1 ms timer, in milliseconds: by the
    clock (``worst``) and by the thread's own CPU time (``worst_cpu``)."""

    def __init__(self) -> None:
        self.worst = self.worst_cpu = 0.0
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer = QTimer()
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, (now - self._last) * 1000)
        self.worst_cpu = max(self.worst_cpu, (cpu - self._last_cpu) * 1000)
        self._last, self._last_cpu = now, cpu

    def start(self) -> None:
        self.worst = self.worst_cpu = 0.0
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()


def _until_drawn(app: QApplication, window: MainWindow) -> None:
    deadline = time.perf_counter() + TIMEOUT_S
    while len(window.geo_drawn) < 2:
        if time.perf_counter() > deadline:
            raise RuntimeError("the map and timeline were not drawn in time")
        app.processEvents()
        time.sleep(0.0002)


def measure(app: QApplication, window: MainWindow, db: Database) -> dict[str, float]:
    """The figures of the module's docstring, on ``window`` (shown, its workspace ``db``)."""
    window.resize(1280, 900)
    window.show()
    app.processEvents()
    window._build_geo()
    _until_drawn(app, window)
    watch = StallWatch()
    cases = Timer()
    sql = Timer()
    base = replace(IncidentQuery(), sort="when", descending=True)
    # Read before the watch starts: the cases' own set-up (every source's count) is the
    # benchmark's work, not the window's.
    queries = filter_queries(db)
    watch.start()
    # Three runs a case where it is judged; one below, so the quick run (CI) stays quick.
    repeats = 3 if window._total >= JUDGED_SIZE else 1
    bins: list[BinKind] = []
    for query in queries:
        runs = Timer()
        for _ in range(repeats):
            window.model.set_query(base)  # from every incident, as a first filter does
            _until_drawn(app, window)
            started = time.perf_counter()
            window.model.set_query(replace(query, sort="when", descending=True))
            _until_drawn(app, window)
            runs.samples.append((time.perf_counter() - started) * 1000)
            sql.samples.append(
                max(window._map_reads.last_seconds, window._timeline_reads.last_seconds) * 1000
            )
        cases.samples.append(runs.median)
        assert window.timeline is not None
        bins.append(window.timeline.counts.bin)
    watch.stop()
    return {
        "geo_filter_median_ms": cases.median,
        "geo_filter_max_ms": cases.worst,
        "geo_read_median_ms": sql.median,
        "gui_block_max_ms": watch.worst,
        "gui_busy_max_ms": watch.worst_cpu,
        "geo_read_cpu_max_ms": reads_cpu(db, queries, bins, repeats),
    }


def reads_cpu(
    db: Database, queries: tuple[IncidentQuery, ...], bins: list[BinKind], repeats: int
) -> float:
    """The CPU time (ms) of the map's and the timeline's reads of the costliest case, both
    read in this thread, each through a connection of its own; best of ``repeats`` (so
    with a search's matches kept from the first, as a filter change of a search reads)."""
    worst = 0.0
    own_map, own_timeline = OwnConnection(), OwnConnection()
    try:
        for query, kind in zip(queries, bins, strict=True):
            runs = []
            for _ in range(repeats):
                started = time.thread_time()
                aggregates.map_counts(own_map.database(db), query)
                aggregates.timeline_counts(own_timeline.database(db), query, kind)
                runs.append((time.thread_time() - started) * 1000)
            worst = max(worst, min(runs))
    finally:
        own_map.close()
        own_timeline.close()
    return worst
