"""How long work tells the analyst how far it got, and learns that they asked it to stop.

A service that may take a while accepts an optional :class:`Progress` and calls
``progress.step(done, total, text)`` between pieces of work. ``step`` (and ``check``) raise
:class:`Cancelled` once :meth:`Progress.cancel` was called — from any thread — so the work
stops at the next step and unwinds through its ``finally`` blocks. No Qt here: the view that
runs the work in a thread passes a callback that forwards each step to its progress bar.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class Cancelled(Exception):
    """The analyst asked the work to stop. Not a :class:`~desktop.errors.DeskError`: it is no
    problem to report, and code that shows DeskErrors as warnings must not show this one."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class Progress:
    """A thread-safe cancel flag plus a callback receiving ``(done, total, text)``.

    ``total`` 0 means "amount unknown" (a busy indicator rather than a bar). Steps that repeat
    the previous one are not forwarded, so a loop may call ``step`` as often as it likes.
    """

    def __init__(self, on_step: Callable[[int, int, str], None] | None = None) -> None:
        self._on_step = on_step
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._last: tuple[int, int, str] | None = None
        self._text = ""

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next ``step``/``check`` (safe from any thread)."""
        self._cancel.set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if :meth:`cancel` was called."""
        if self._cancel.is_set():
            raise Cancelled

    def step(self, done: int, total: int = 0, text: str | None = None) -> None:
        """Report ``done`` of ``total`` (``text`` None keeps the last text); then check."""
        self.check()
        with self._lock:
            if text is not None:
                self._text = text
            current = (max(done, 0), max(total, 0), self._text)
            if current == self._last:
                return
            self._last = current
        if self._on_step is not None:
            self._on_step(*current)
        self.check()

    @property
    def last(self) -> tuple[int, int, str] | None:
        """The last step reported, for tests and for a view that opens late."""
        with self._lock:
            return self._last


def step(progress: Progress | None, done: int, total: int = 0, text: str | None = None) -> None:
    """``progress.step(...)`` when there is a Progress; services call this to stay short."""
    if progress is not None:
        progress.step(done, total, text)
