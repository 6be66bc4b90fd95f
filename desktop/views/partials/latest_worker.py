"""Reads that only the latest request matters for, in a worker thread: the map's counts.

``LatestOnly.request(work)`` runs ``work()`` in a thread pool and delivers its result on the
GUI thread through :attr:`LatestOnly.delivered`, unless a newer request came meanwhile: a
result that is already stale is dropped, never drawn. At most one run is in flight per
worker; requests made while it runs replace one another, and only the last is started when
it ends, so typing in the search box does not queue one read per keystroke.

A failure arrives as :attr:`LatestOnly.failed` with a readable message (a ``DeskError``'s
own, else the exception's) and is logged. :meth:`wait` joins the pool (for closing, tests).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.errors import DeskError

if TYPE_CHECKING:
    from collections.abc import Callable

_log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread: a signal emitted from the worker arrives there queued."""

    done = Signal(int, object, object, float)  # generation, result, error, seconds


class _Run(QRunnable):
    def __init__(self, relay: _Relay, generation: int, work: Callable[[], Any]) -> None:
        super().__init__()
        self._relay = relay
        self._generation = generation
        self._work = work

    def run(self) -> None:
        started = time.perf_counter()
        result: Any = None
        error: Exception | None = None
        try:
            result = self._work()
        except Exception as exc:  # handed to the GUI thread, which reports it
            error = exc
        self._relay.done.emit(self._generation, result, error, time.perf_counter() - started)


class LatestOnly(QObject):
    delivered = Signal(object)
    failed = Signal(str)

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._generation = 0
        self._running = False
        self._pending: Callable[[], Any] | None = None
        self.last_seconds = 0.0  # how long the last delivered read took, in its thread

    @property
    def busy(self) -> bool:
        return self._running or self._pending is not None

    def request(self, work: Callable[[], Any]) -> None:
        self._generation += 1
        if self._running:
            self._pending = work
            return
        self._start(work)

    def drop(self) -> None:
        """Forget what was asked: a run in flight is dropped when it ends, none follows."""
        self._generation += 1
        self._pending = None

    def _start(self, work: Callable[[], Any]) -> None:
        self._running = True
        self._pool.start(_Run(self._relay, self._generation, work))

    def _done(self, generation: int, result: Any, error: Exception | None, seconds: float) -> None:
        self._running = False
        if self._pending is not None:
            work, self._pending = self._pending, None
            self._start(work)
            return  # this result is stale: a newer request is on its way
        if generation != self._generation:
            return
        self.last_seconds = seconds
        if error is None:
            self.delivered.emit(result)
            return
        if not isinstance(error, DeskError):
            _log.error("a background read failed", exc_info=error)
        self.failed.emit(str(error) or type(error).__name__)

    def wait(self) -> None:
        """Join the pool's threads (results then arrive with the next events)."""
        self._pool.waitForDone()
