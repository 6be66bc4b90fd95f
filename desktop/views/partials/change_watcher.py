"""Notice changes other people (or other windows) make to the open workspace.

A cheap "stamp" query (:func:`desktop.services.history.workspace_stamp`) is polled on a
timer, read in a worker thread (:meth:`ChangeWatcher.check_soon`): at 100,000 incidents it
counts them, milliseconds of SQL the window would otherwise not answer during, and more while
a filter change's reads hold the cores. For a SQLite file, a file watcher on the database and
its write-ahead log asks for a check at once, so a change saved next door shows within a
fraction of a second. On PostgreSQL a thread listens for the server's notifications
(:mod:`desktop.store.notify`, LISTEN/NOTIFY) and asks for a check when someone commits;
:attr:`ChangeWatcher.changed` is always emitted on the GUI thread.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QThread, QThreadPool, QTimer, Signal

from desktop.errors import DeskError
from desktop.views.partials.latest_worker import LatestOnly

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services.workspace import Listener

POLL_MS = 3000
SETTLE_MS = 250  # a commit touches the files several times: check once it settles
LISTEN_WAIT_S = 1.0  # how long one wait for a notification lasts between looks at stop()
RECONNECT_S = 5.0  # after losing the server: the poll timer covers the meantime


class _ListenerThread(QThread):
    """Waits for notifications in a connection of its own and reports them as signals.

    ``notified`` is emitted on each announcement, and once after every (re)connection so
    that a change made while it was not yet listening is not missed.
    """

    notified = Signal()
    listening = Signal(bool)

    def __init__(self, factory: Callable[[], Listener], parent: QObject | None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # guards _listener between run() and stop()
        self._listener: Listener | None = None

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                listener = self._listener
                if listener is None:
                    listener = self._factory()
                    with self._lock:
                        self._listener = listener
                    if self._stopping.is_set():
                        break
                    self.listening.emit(True)
                    self.notified.emit()
                if listener.wait(LISTEN_WAIT_S):
                    self.notified.emit()
            except DeskError:
                self._drop()
                self.listening.emit(False)
                self._stopping.wait(RECONNECT_S)
        self._drop()

    def _drop(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    def stop(self) -> None:
        """End the loop and wait for the thread: a wait in progress is interrupted."""
        self._stopping.set()
        with self._lock:
            if self._listener is not None:
                self._listener.interrupt()
        self.wait()


class ChangeWatcher(QObject):
    changed = Signal()

    def __init__(
        self,
        stamp: Callable[[], object],
        files: list[Path] | None = None,
        *,
        poll_ms: int = POLL_MS,
        listener: Callable[[], Listener] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``listener`` makes a connection listening to a PostgreSQL workspace
        (:func:`desktop.store.notify.listener_factory`); it is called in a thread."""
        super().__init__(parent)
        self._stamp = stamp
        self._last: object = self._read()
        pool = QThreadPool(self)
        pool.setMaxThreadCount(1)
        self._reads = LatestOnly(pool, self)
        self._reads.delivered.connect(self._compare)
        # A stamp that could not be read is tried again at the next tick (logged if unexpected).
        self._reads.failed.connect(lambda _message: None)
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.check_soon)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.check_soon)
        self._files = QFileSystemWatcher(self)
        for path in files or []:
            self._watch(path)
        self._files.fileChanged.connect(self._file_changed)
        self._poll.start()
        self._listening = False
        self._thread: _ListenerThread | None = None
        if listener is not None:
            self._thread = _ListenerThread(listener, self)
            # Queued: the thread emits, check() runs here on the GUI thread.
            self._thread.notified.connect(self.check_soon, Qt.ConnectionType.QueuedConnection)
            self._thread.listening.connect(self._set_listening, Qt.ConnectionType.QueuedConnection)
            # A watcher deleted without stop() (its window destroyed) must not leave the
            # thread running: Qt aborts the program when a running QThread is deleted.
            self.destroyed.connect(self._thread.stop)
            self._thread.start()

    @property
    def is_listening(self) -> bool:
        """Whether the server's notifications reach this watcher now (PostgreSQL)."""
        return self._listening

    def _set_listening(self, listening: bool) -> None:
        self._listening = listening

    def _watch(self, path: Path) -> None:
        if path.exists() and str(path) not in self._files.files():
            self._files.addPath(str(path))

    def _file_changed(self, path: str) -> None:
        # A checkpoint may remove and recreate the log file: watch the path again.
        self._watch(Path(path))
        self._settle.start()

    def _read(self) -> object:
        try:
            return self._stamp()
        except DeskError:  # locked or briefly unavailable: try again at the next tick
            return None

    def check(self) -> bool:
        """Emit :attr:`changed` if the workspace moved on since the last look; read now."""
        self._reads.drop()  # a read in flight is older than this one
        return self._compare(self._read())

    def check_soon(self) -> None:
        """As :meth:`check`, the stamp read in a worker (what the timers and the listener do)."""
        self._reads.request(self._read)

    def _compare(self, current: object) -> bool:
        if current is None or current == self._last:
            return False
        self._last = current
        self.changed.emit()
        return True

    def acknowledge(self) -> None:
        """Take the current state as seen (after this window's own writes and reload)."""
        # A read in flight may predate those writes: its stamp would look like news.
        self._reads.drop()
        current = self._read()
        if current is not None:
            self._last = current

    def stop(self) -> None:
        """Stop watching; the listening thread and a stamp's read have ended when this
        returns (the workspace may be closed next)."""
        self._poll.stop()
        self._settle.stop()
        self._reads.drop()
        self._reads.wait()
        if self._thread is not None:
            self._thread.stop()
            self._listening = False
        paths = self._files.files()
        if paths:
            self._files.removePaths(paths)
