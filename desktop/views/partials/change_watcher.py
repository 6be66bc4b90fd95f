"""Notice changes other people (or other windows) make to the open workspace.

A cheap "stamp" query (:func:`desktop.services.history.workspace_stamp`) is polled on a
timer; for a SQLite file, a file watcher on the database and its write-ahead log asks for a
check at once, so a change saved next door shows within a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from desktop.errors import DeskError

if TYPE_CHECKING:
    from collections.abc import Callable

POLL_MS = 3000
SETTLE_MS = 250  # a commit touches the files several times: check once it settles


class ChangeWatcher(QObject):
    changed = Signal()

    def __init__(
        self,
        stamp: Callable[[], object],
        files: list[Path] | None = None,
        *,
        poll_ms: int = POLL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._stamp = stamp
        self._last: object = self._read()
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.check)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.check)
        self._files = QFileSystemWatcher(self)
        for path in files or []:
            self._watch(path)
        self._files.fileChanged.connect(self._file_changed)
        self._poll.start()

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
        """Emit :attr:`changed` if the workspace moved on since the last look."""
        current = self._read()
        if current is None or current == self._last:
            return False
        self._last = current
        self.changed.emit()
        return True

    def acknowledge(self) -> None:
        """Take the current state as seen (after this window's own writes and reload)."""
        current = self._read()
        if current is not None:
            self._last = current

    def stop(self) -> None:
        self._poll.stop()
        self._settle.stop()
        paths = self._files.files()
        if paths:
            self._files.removePaths(paths)
