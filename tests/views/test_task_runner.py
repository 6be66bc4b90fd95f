"""The task runner: work runs in another thread, outcomes come back on the GUI thread."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.errors import DeskError, ValidationError
from desktop.services import incidents
from desktop.services.sample import load_sample
from desktop.views.partials import task_runner
from desktop.views.partials.task_runner import TaskHandle, run_task

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from desktop.services.progress import Progress
    from desktop.store.engine import Database

WAIT_MS = 10_000


class Outcome:
    """Records which callback ran, with what, and on which thread."""

    def __init__(self) -> None:
        self.done: list[Any] = []
        self.errors: list[DeskError] = []
        self.cancelled = 0
        self.threads: list[int] = []

    def on_done(self, value: Any) -> None:
        self.threads.append(threading.get_ident())
        self.done.append(value)

    def on_error(self, error: DeskError) -> None:
        self.threads.append(threading.get_ident())
        self.errors.append(error)

    def on_cancelled(self) -> None:
        self.threads.append(threading.get_ident())
        self.cancelled += 1

    def start(self, parent: QWidget, work: Any, **kwargs: Any) -> TaskHandle:
        return run_task(
            parent,
            "Testing",
            work,
            on_done=self.on_done,
            on_error=self.on_error,
            on_cancelled=self.on_cancelled,
            **kwargs,
        )


@pytest.fixture
def parent(qtbot: QtBot) -> Iterator[QWidget]:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    # No test may leave a worker thread behind.
    assert task_runner.active_tasks() == []


def finish(qtbot: QtBot, handle: TaskHandle) -> None:
    qtbot.waitUntil(lambda: handle.done, timeout=WAIT_MS)
    assert not handle.is_running()


def test_work_runs_in_another_thread_and_result_comes_back_on_the_gui_thread(
    qtbot: QtBot, parent: QWidget
) -> None:
    outcome = Outcome()
    handle = outcome.start(parent, lambda _progress: threading.get_ident())
    with qtbot.waitSignal(handle.finished, timeout=WAIT_MS):
        pass
    assert handle.done
    assert not handle.is_running()
    gui_thread = threading.get_ident()
    assert outcome.done
    assert outcome.done[0] != gui_thread  # the work ran elsewhere
    assert outcome.threads == [gui_thread]  # the callback runs on the GUI thread
    assert outcome.errors == []
    assert outcome.cancelled == 0


def test_desk_error_reaches_on_error_as_it_is(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()

    def work(_progress: Progress) -> None:
        raise ValidationError("out", "cannot write /nowhere/x.pdf: Permission denied")

    finish(qtbot, outcome.start(parent, work))
    assert len(outcome.errors) == 1
    assert isinstance(outcome.errors[0], ValidationError)
    assert str(outcome.errors[0]) == "out: cannot write /nowhere/x.pdf: Permission denied"
    assert outcome.done == []


def test_a_bug_is_logged_and_arrives_as_a_readable_message(
    qtbot: QtBot, parent: QWidget, caplog: pytest.LogCaptureFixture
) -> None:
    outcome = Outcome()

    def work(_progress: Progress) -> None:
        raise KeyError("pages")

    with caplog.at_level(logging.ERROR, logger=task_runner.__name__):
        finish(qtbot, outcome.start(parent, work))
    [error] = outcome.errors
    assert isinstance(error, DeskError)
    message = str(error)
    assert message.startswith("Testing stopped on an unexpected problem: 'pages'")
    assert "Traceback" not in message
    assert isinstance(error.__cause__, KeyError)
    [record] = caplog.records
    assert record.exc_info is not None  # the traceback went to the log
    assert record.exc_info[0] is KeyError


def test_progress_moves_the_bar_and_cancel_stops_the_work(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()
    reached = threading.Event()
    steps_after_cancel: list[int] = []

    def work(progress: Progress) -> str:
        for n in range(10_000):
            progress.step(n, 10_000, f"Step {n}")
            if n == 3:
                reached.set()
            if progress.cancelled:
                steps_after_cancel.append(n)
            threading.Event().wait(0.002)
        return "finished"  # never reached: cancel interrupts a step first

    handle = outcome.start(parent, work, show_after_ms=0)
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    dialog = handle.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.bar.value() >= 3, timeout=WAIT_MS)
    assert dialog.bar.maximum() == 10_000
    assert dialog.label.text().startswith("Step ")
    dialog.grab().save("/tmp/exporter/progress_dialog.png")

    # The analyst presses Cancel.
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert handle.cancel_requested
    finish(qtbot, handle)
    assert outcome.cancelled == 1
    assert outcome.done == []
    assert outcome.errors == []
    assert len(steps_after_cancel) <= 1  # the next step raised Cancelled
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_bytes_of_a_file_over_2_gib_move_the_bar_and_steps_are_not_sent_each_time(
    qtbot: QtBot, parent: QWidget
) -> None:
    # An intake of a 3 GiB file steps once a MiB: 3,072 steps, more than a C int of bytes.
    total, mib = 3 << 30, 1 << 20
    halfway, go_on = threading.Event(), threading.Event()

    def work(progress: Progress) -> str:
        for done in range(0, total + 1, mib):
            progress.step(done, total, "Adding video.mp4 (1 of 1)")
            if done == total // 2:
                halfway.set()
                go_on.wait(WAIT_MS / 1000)
        return "stored"

    handle = run_task(
        parent, "Testing", work, on_done=lambda _v: None, on_error=print, show_after_ms=0
    )
    shown: list[int] = []
    show_step = handle.dialog.show_step

    def counting(done: int, total_: int, text: str) -> None:
        shown.append(done)
        show_step(done, total_, text)

    handle.dialog.show_step = counting  # type: ignore[method-assign,assignment]
    qtbot.waitUntil(halfway.is_set, timeout=WAIT_MS)
    bar = handle.dialog.bar
    qtbot.waitUntil(lambda: bar.value() == 5_000, timeout=WAIT_MS)
    assert bar.maximum() == 10_000
    assert bar.text() == "50%"
    handle.dialog.grab().save("/tmp/exporter/progress_dialog_3gib.png")
    go_on.set()
    finish(qtbot, handle)
    assert shown == sorted(shown)
    assert len(shown) < 3_072 // 4  # read a few times a second, not once a MiB


def test_escape_on_the_progress_dialog_cancels_too(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()

    def work(progress: Progress) -> None:
        while True:
            progress.step(0, 0, "Waiting")
            threading.Event().wait(0.005)

    handle = outcome.start(parent, work, show_after_ms=0)
    qtbot.waitUntil(handle.dialog.isVisible, timeout=WAIT_MS)
    qtbot.keyClick(handle.dialog, Qt.Key.Key_Escape)
    assert handle.dialog.label.text() == "Cancelling…"
    finish(qtbot, handle)
    assert outcome.cancelled == 1


def test_quick_work_flashes_no_dialog(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()
    handle = outcome.start(parent, lambda _p: 42)
    finish(qtbot, handle)
    assert outcome.done == [42]
    assert not handle.dialog_shown


def test_wait_delivers_synchronously(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()
    handle = outcome.start(parent, lambda _p: "now")
    assert handle.wait(WAIT_MS)
    assert outcome.done == ["now"]
    assert handle.done
    assert not handle.is_running()
    qtbot.wait(20)  # the queued "finished" arrives and must not deliver twice
    assert outcome.done == ["now"]


def test_abandon_cancels_joins_and_drops_the_outcome(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()
    started = threading.Event()

    def work(progress: Progress) -> None:
        started.set()
        while True:
            progress.step(1, 2)
            threading.Event().wait(0.005)

    handle = outcome.start(parent, work)
    assert started.wait(5)
    handle.abandon()
    assert not handle.is_running()
    assert handle.done
    assert (outcome.done, outcome.errors, outcome.cancelled) == ([], [], 0)


def test_closing_the_widget_mid_task_leaves_no_thread(qtbot: QtBot) -> None:
    outcome = Outcome()
    widget = QWidget()
    widget.show()
    started = threading.Event()

    def work(progress: Progress) -> str:
        started.set()
        for _ in range(20):
            threading.Event().wait(0.005)
        return "late"

    handle = outcome.start(widget, work)
    assert started.wait(5)
    widget.deleteLater()
    QApplication.processEvents()
    finish(qtbot, handle)
    assert outcome.done == []  # nobody left to tell
    assert task_runner.active_tasks() == []


def test_a_service_call_works_in_the_worker_thread(
    qtbot: QtBot, parent: QWidget, db: Database
) -> None:
    """SQLite file databases can be used from the worker (QueuePool, check_same_thread off)."""
    load_sample(db)
    outcome = Outcome()
    handle = outcome.start(parent, lambda _p: (threading.get_ident(), incidents.facets(db).total))
    finish(qtbot, handle)
    [(thread_id, total)] = outcome.done
    assert thread_id != threading.get_ident()
    assert total == incidents.facets(db).total > 0
    assert outcome.errors == []
