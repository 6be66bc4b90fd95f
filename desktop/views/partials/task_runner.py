"""Run slow work off the GUI thread, with a progress dialog and a Cancel button.

``run_task(parent, title, work, on_done=..., on_error=...)`` starts ``work(progress)`` in a
``QThread`` and returns at once; the window keeps painting and the analyst sees a window-modal
progress dialog (shown only if the work lasts longer than a moment, so quick work does not
flash a box). ``work`` receives a :class:`~desktop.services.progress.Progress`: services call
``progress.step(done, total, text)``, and raise :class:`~desktop.services.progress.Cancelled`
at their next step once Cancel was pressed. The dialog reads the last step a few times a
second while it is shown: a step costs the worker nothing but a lock (an evidence intake
steps once a MiB), and the GUI thread wakes for the bar only as often as a person can see
it move.

Every outcome reaches the GUI thread through queued signals, and only after the thread has
finished (joined), so a callback may close its window without leaving a thread behind:

- ``on_done(result)``;
- ``on_error(error)`` with a :class:`~desktop.errors.DeskError` — a bug (any other exception)
  is logged with its traceback and arrives as a DeskError with a readable message instead;
- ``on_cancelled()`` (optional) when the work stopped because Cancel was pressed.

The work opens its own session (``with db.begin()``) in the worker thread, as every service
call does. SQLAlchemy's pysqlite dialect pools file databases in a ``QueuePool`` with
``check_same_thread=False``, so a connection checked out in the worker is used only there.

A window that closes while its task runs calls :meth:`TaskHandle.abandon` (cancel, join, drop
the callbacks); :func:`wait_for_all_tasks` does the same for every task at application exit.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DeskError
from desktop.services.progress import Cancelled, Progress

if TYPE_CHECKING:
    from collections.abc import Callable

R = TypeVar("R")

_log = logging.getLogger(__name__)

# Below this the work is over before a dialog could be read: do not flash one.
SHOW_AFTER_MS = 400
# How often the shown dialog reads the work's last step.
STEP_EVERY_MS = 50
# Qt's progress bar counts in C ints; larger totals (the bytes of a file over 2 GiB) are
# shown in ten-thousandths instead.
_INT_MAX = 2**31 - 1
_SCALED = 10_000

# Handles of tasks still running: they must outlive the widget that started them, because a
# QThread destroyed while running aborts the whole process.
_ACTIVE: set[TaskHandle] = set()


class _WorkThread(QThread):
    """Runs ``work(progress)`` once and keeps what came of it for the GUI thread to collect."""

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.progress = Progress()
        self.result: Any = None
        self.error: Exception | None = None
        self.was_cancelled = False
        self._work = work

    def run(self) -> None:
        try:
            self.result = self._work(self.progress)
        except Cancelled:
            self.was_cancelled = True
        except Exception as exc:  # handed to the GUI thread, which reports it
            self.error = exc


class TaskProgressDialog(QDialog):
    """What the analyst sees while a task runs: what it is doing, how far, and Cancel.

    Closing it (Esc, the title bar's close button) asks the task to cancel, like Cancel does:
    the dialog itself closes only when the work has stopped.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(420)
        self.label = QLabel("Starting…", self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy until the work says how much there is
        self.bar.setTextVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.setSpacing(10)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self._finishing = False

    @property
    def cancel_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

    def show_step(self, done: int, total: int, text: str) -> None:
        if text and not self._finishing:
            self.label.setText(text)
        if total > _INT_MAX:
            done, total = done * _SCALED // total, _SCALED
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        self.bar.setTextVisible(total > 0)  # a percentage, when there is one to give

    def show_cancelling(self) -> None:
        self.label.setText("Cancelling…")
        self.cancel_button.setEnabled(False)

    def reject(self) -> None:
        if self._finishing:
            super().reject()
            return
        self.show_cancelling()
        self.cancel_requested.emit()

    def finish(self) -> None:
        """Close for good (the work is over)."""
        self._finishing = True
        self.done(QDialog.DialogCode.Accepted)


class TaskHandle(QObject):
    """One running task: cancel it, wait for it, or ask whether it is over.

    :attr:`finished` is emitted on the GUI thread after the outcome's callback ran.
    """

    finished = Signal()

    def __init__(
        self,
        parent: QWidget,
        title: str,
        work: Callable[[Progress], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[DeskError], None],
        on_cancelled: Callable[[], None] | None,
        show_after_ms: int | None,
    ) -> None:
        # No Qt parent: the handle and its thread must survive the widget (see _ACTIVE).
        super().__init__()
        self.title = title
        self._parent = parent
        self._on_done = on_done
        self._on_error = on_error
        self._on_cancelled = on_cancelled
        self._delivered = False
        self.dialog_shown = False
        self._thread = _WorkThread(work)
        self.dialog = TaskProgressDialog(parent, title)
        self.dialog.cancel_requested.connect(self.cancel)
        self._thread.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._shown_step: tuple[int, int, str] | None = None
        self._step_timer = QTimer(self)
        self._step_timer.setInterval(STEP_EVERY_MS)
        self._step_timer.timeout.connect(self._show_step)
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(max(show_after_ms or 0, 0))
        self._show_timer.timeout.connect(self._show_dialog)
        self._quiet = show_after_ms is None  # a background task: never a dialog

    def start(self) -> None:
        _ACTIVE.add(self)
        self._thread.start()
        if not self._quiet:
            self._show_timer.start()

    # --- what callers use ------------------------------------------------------------

    @property
    def progress(self) -> Progress:
        return self._thread.progress

    @property
    def done(self) -> bool:
        """True once the thread finished and the outcome was delivered (or dropped)."""
        return self._delivered

    @property
    def cancel_requested(self) -> bool:
        return self._thread.progress.cancelled

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def cancel(self) -> None:
        """Ask the work to stop at its next step; ``on_cancelled`` follows when it has."""
        if self._delivered:
            return
        self._thread.progress.cancel()
        if shiboken6.isValid(self.dialog):
            self.dialog.show_cancelling()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until the work is over, then deliver its outcome now (for tests, for exit).

        Returns False if ``timeout_ms`` passed first (the task then carries on as usual).
        """
        if not self._delivered:
            finished = self._thread.wait() if timeout_ms < 0 else self._thread.wait(int(timeout_ms))
            if not finished:
                return False
            self._deliver()
        return True

    def abandon(self) -> None:
        """Cancel, join the thread, and drop the outcome: the caller is going away."""
        self._on_done = _ignore
        self._on_error = _ignore
        self._on_cancelled = None
        if not self._delivered:
            self._thread.progress.cancel()
        self.wait()

    # --- on the GUI thread -----------------------------------------------------------

    @Slot()
    def _show_step(self) -> None:
        step = self._thread.progress.last
        if step is None or step == self._shown_step:
            return
        if not self._delivered and shiboken6.isValid(self.dialog):
            self._shown_step = step
            self.dialog.show_step(*step)

    @Slot()
    def _show_dialog(self) -> None:
        if not self._delivered and shiboken6.isValid(self.dialog):
            self.dialog_shown = True
            self._show_step()
            self._step_timer.start()
            self.dialog.open()

    @Slot()
    def _deliver(self) -> None:
        if self._delivered:
            return  # wait() delivered it already; this is the queued signal arriving late
        self._thread.wait()  # finished is emitted just before run() returns: join for real
        self._delivered = True
        self._show_timer.stop()
        self._step_timer.stop()
        _ACTIVE.discard(self)
        if shiboken6.isValid(self.dialog):
            self.dialog.finish()
            self.dialog.deleteLater()
        thread = self._thread
        try:
            if not shiboken6.isValid(self._parent):
                return  # the widget is gone: nobody to tell
            if thread.was_cancelled:
                if self._on_cancelled is not None:
                    self._on_cancelled()
            elif thread.error is not None:
                self._on_error(_readable(self.title, thread.error))
            else:
                self._on_done(thread.result)
        finally:
            self.finished.emit()


def _ignore(_value: object) -> None:
    """A callback that drops the outcome of an abandoned task."""


def _readable(title: str, error: Exception) -> DeskError:
    """A DeskError as it is; anything else is a bug: log it whole, tell the analyst plainly."""
    if isinstance(error, DeskError):
        return error
    _log.error("%s failed unexpectedly", title, exc_info=error)
    detail = str(error).strip() or type(error).__name__
    readable = DeskError(
        f"{title} stopped on an unexpected problem: {detail}\n\n"
        "This is a fault in Incident Desk. The details were written to the application "
        "log; please include them when you report it."
    )
    readable.__cause__ = error
    return readable


def run_task(
    parent: QWidget,
    title: str,
    work: Callable[[Progress], R],
    *,
    on_done: Callable[[R], None],
    on_error: Callable[[DeskError], None],
    on_cancelled: Callable[[], None] | None = None,
    show_after_ms: int | None = SHOW_AFTER_MS,
) -> TaskHandle:
    """Start ``work(progress)`` in a worker thread; see the module docstring.

    ``show_after_ms`` None runs it in the background without a dialog (the app's daily
    evidence check): the caller says what it is doing elsewhere, if at all.
    """
    handle = TaskHandle(parent, title, work, on_done, on_error, on_cancelled, show_after_ms)
    handle.start()
    return handle


def active_tasks() -> list[TaskHandle]:
    """Tasks started and not yet delivered (tests assert none is left)."""
    return list(_ACTIVE)


def wait_for_all_tasks() -> None:
    """Cancel every running task and join its thread: call before the application quits."""
    for handle in list(_ACTIVE):
        handle.abandon()
