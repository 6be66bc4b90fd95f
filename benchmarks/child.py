"""Measurements that need a fresh process: ``python -m benchmarks.child CASE ARGS``.

Cases: ``import FILE DB`` (import a file into a new database as File ▸ Import… does),
``import_floor FILE DB`` (its floor: ``json.load`` and ``executemany``, benchmarks/imports.py),
``start DB`` (the app to its first painted rows), ``geo DB`` (the app started on DB, then its
map and timeline through the filter cases: benchmarks/geo.py), ``floor`` (a bare
QApplication + QMainWindow to its first paint) and ``rss DB`` (the app's peak memory after
start, scrolling and searching). Each prints one line of JSON. Start times count from this
module's first line, so Python's own start-up (the same for both) is left out and the
imports are in.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import inspect  # noqa: E402 - after T0 on purpose: imports are part of a cold start
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable


def _peak_mb() -> float:
    """This process's peak RSS: VmHWM where there is /proc. Linux's ru_maxrss keeps the
    parent's peak across fork and exec, so a child of the (large) benchmark process would
    report the parent's."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """This process's CPU time and that of the processes it started and waited for (a large
    import's reading process, desktop.services.reader_process)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _children_peak_mb() -> float:
    """The largest peak RSS of the processes this one started and waited for; 0 for none.
    An upper bound: Linux counts the RSS of this process when it forked them."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_import(file: str, db_path: str) -> dict[str, Any]:
    from desktop.services import interchange
    from desktop.store.engine import open_database

    target = Path(db_path)
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    db = open_database(target)
    cpu = _cpu_seconds()
    start = time.perf_counter()
    result = interchange.import_file(db, Path(file))
    done = time.perf_counter()
    db.close()
    reader_peak = _children_peak_mb()
    # Both processes' peaks added up: the reading process's and this one's may coincide.
    return {
        "seconds": done - start,
        "cpu_seconds": _cpu_seconds() - cpu,
        "incidents": result.incidents_created,
        "peak_mb": _peak_mb() + reader_peak,
        "reader_peak_mb": reader_peak,
    }


def run_import_floor(file: str, db_path: str) -> dict[str, Any]:
    from benchmarks import imports

    cpu = _cpu_seconds()
    figures = imports.floor(file, db_path)
    return {**figures, "cpu_seconds": _cpu_seconds() - cpu, "peak_mb": _peak_mb()}


def _wait_for_paint(app: Any, widget: Any, ready: Any) -> None:
    """Process events until ``widget`` has painted while ``ready()`` holds."""
    from PySide6.QtCore import QEvent, QObject

    class PaintWatch(QObject):
        painted = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and ready():
                self.painted = True
            return False

    watch = PaintWatch()
    widget.installEventFilter(watch)
    deadline = time.perf_counter() + 60
    while not watch.painted and time.perf_counter() < deadline:
        app.processEvents()
    if not watch.painted:
        raise RuntimeError("nothing was painted within 60 s")


def _main_window(db_path: str) -> tuple[Any, Any]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.store.engine import open_database
    from desktop.views.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = open_database(db_path)
    kwargs: dict[str, Any] = {"offer_sample": False}
    if "settings" in inspect.signature(MainWindow).parameters:
        # Never read or write the analyst's own window settings from a benchmark.
        ini = Path(tempfile.mkdtemp(prefix="bench-")) / "settings.ini"
        kwargs["settings"] = QSettings(str(ini), QSettings.Format.IniFormat)
    window = MainWindow(db, **kwargs)
    window.resize(1280, 800)
    window.show()
    return app, window


def _start_app(db_path: str) -> tuple[Any, Any]:
    """The app started on ``db_path`` as the ``incident-desk`` command starts it
    (``views/app.py``), with throw-away window settings: (QApplication, window)."""
    import gc

    gc.disable()  # as desktop/cli.py does before it imports the window
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.views import app as desktop_app

    # Never read or write the analyst's own window settings from a benchmark.
    ini = Path(tempfile.mkdtemp(prefix="bench-")) / "settings.ini"
    window = desktop_app.start(db_path, QSettings(str(ini), QSettings.Format.IniFormat))
    if window is None:
        raise RuntimeError(f"the app could not open {db_path}")
    return QApplication.instance(), window


def run_start(db_path: str) -> dict[str, Any]:
    """The app's own start: first rows painted, then ready for input."""
    qt_app, window = _start_app(db_path)
    viewport = window.table.viewport()
    _wait_for_paint(qt_app, viewport, lambda: window.model.rowCount() > 0)
    first_rows = time.perf_counter() - T0
    rows = window.model.rowCount()
    _wait_for_paint(qt_app, viewport, lambda: window.attached and window.model.rowCount() > 0)
    ready = time.perf_counter() - T0
    window.close()
    return {"seconds": first_rows, "ready_seconds": ready, "rows": rows, "peak_mb": _peak_mb()}


def run_geo(db_path: str) -> dict[str, Any]:
    """The map and timeline figures (benchmarks/geo.py) in the window of an app started as
    the analyst starts it: with the app's own settling of its heap, and nothing of another
    workspace's window or of other measurements in the process."""
    from benchmarks import geo

    qt_app, window = _start_app(db_path)
    _wait_for_paint(
        qt_app, window.table.viewport(), lambda: window.attached and window.model.rowCount() > 0
    )
    figures: dict[str, Any] = dict(geo.measure(qt_app, window, window._db))
    window.close()
    return {**figures, "seconds": time.perf_counter() - T0}


def run_floor() -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Incident Desk", window))
    window.resize(1280, 800)
    window.show()
    _wait_for_paint(app, window, lambda: True)
    seconds = time.perf_counter() - T0
    window.close()
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def run_rss(db_path: str) -> dict[str, Any]:
    """Start, scroll ten pages, search and open incidents: what a first minute does."""
    from dataclasses import replace

    app, window = _main_window(db_path)
    _wait_for_paint(app, window.table.viewport(), lambda: window.model.rowCount() > 0)
    model = window.model
    for _ in range(10):
        model.fetchMore()
        app.processEvents()
    for text in ("drone", "Baghdad", "قصف", "convoy near"):
        model.set_query(replace(model.query, text=text, sort="relevance"))
        app.processEvents()
    window.table.scrollToBottom()
    app.processEvents()
    rows = model.rowCount()
    window.close()
    return {"seconds": time.perf_counter() - T0, "rows": rows, "peak_mb": _peak_mb()}


def main(argv: list[str]) -> int:
    case, *args = argv
    runs: dict[str, Callable[..., dict[str, Any]]] = {
        "import": run_import,
        "import_floor": run_import_floor,
        "start": run_start,
        "geo": run_geo,
        "floor": run_floor,
        "rss": run_rss,
    }
    result = runs[case](*args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
