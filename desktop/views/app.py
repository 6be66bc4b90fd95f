"""Start the desktop app: one QApplication, one workspace, one main window.

An analyst opening a workspace of 100,000 incidents should see them at once. Loading the
services (SQLAlchemy and the rest) takes about five times as long as starting Qt, so a
workspace that can be read cheaply is shown first from its newest rows
(:mod:`desktop.services.preview`, standard library only), and opened properly as soon as
those rows are on screen: the window then fills its filters and starts answering.
"""

from __future__ import annotations

import gc
import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop import APP_NAME, __version__
from desktop.errors import DeskError
from desktop.services.preview import preview_workspace, workspace_from_environment
from desktop.system_check import check_desktop_libraries
from desktop.views.main_window import MainWindow
from desktop.views.palette import follow_system_palette
from desktop.views.partials.dialogs import message
from desktop.views.partials.incident_table_model import FIRST_PAGE_ROWS
from desktop.views.partials.upgrade_notice import notice_if_upgrading
from desktop.views.window_settings import WindowSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QSettings

    from desktop.store.engine import Database

log = logging.getLogger(__name__)

USAGE_ERROR = 2
ORGANISATION = "incident-desk"
# Should the first paint never come (a window started minimised), open the workspace anyway.
_ATTACH_AT_THE_LATEST_MS = 1000


def _ask(title: str, text: str) -> bool:
    from PySide6.QtWidgets import QMessageBox  # here: only a workspace's problems need it

    button = QMessageBox.StandardButton
    answer = message(
        None, QMessageBox.Icon.Question, f"{APP_NAME}: {title}", text, button.Yes | button.No
    )
    return answer == button.Yes


def _first_choice(target: str | None, settings: WindowSettings) -> str | None:
    """What to open first: ``target``, else the environment's, else the last one used."""
    if target is not None or workspace_from_environment():
        return target
    return settings.last_database()


def _open_workspace(target: str | None, settings: WindowSettings) -> Database | None:
    """The workspace asked for; else the last one used; else the default file.

    A last workspace that can no longer be opened (moved, deleted, server down) is not
    fatal: the analyst is told, and the default workspace opens instead.
    """
    from desktop.services.workspace import open_workspace

    if target is None and (last := _first_choice(None, settings)) is not None:
        try:
            return _opened(open_workspace(last, _ask))
        except DeskError as exc:
            from PySide6.QtWidgets import QMessageBox  # here: only a failure needs it

            message(
                None,
                QMessageBox.Icon.Warning,
                f"{APP_NAME}: cannot reopen the last workspace",
                f"{exc}\n\nThe default workspace opens instead; File ▸ Open recent lists the "
                "others.",
            )
    try:
        return _opened(open_workspace(target, _ask))
    except DeskError as exc:
        from PySide6.QtWidgets import QMessageBox

        message(None, QMessageBox.Icon.Critical, f"{APP_NAME}: cannot open the workspace", str(exc))
        return None


def _opened(result: tuple[Database, str]) -> Database:
    db, note = result
    if note:
        from PySide6.QtWidgets import QMessageBox

        message(None, QMessageBox.Icon.Information, f"{APP_NAME}: workspace restored", note)
    return db


class _AfterFirstPaint(QObject):
    """Calls ``then`` once, just after ``widget`` first paints (or after a time limit)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        QTimer.singleShot(_ATTACH_AT_THE_LATEST_MS, self, self._call)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            # Queued, so this paint reaches the screen before the long work begins.
            QTimer.singleShot(0, self, self._call)
        return False

    def _call(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self._widget.removeEventFilter(self)
            then()


def _settle() -> None:
    # What start-up created lives as long as the app: move it out of the collector's reach,
    # so a full collection does not walk it again in the middle of a scroll.
    # The collector was off while it was made (cli.py); it works from here on.
    gc.collect()
    gc.freeze()
    gc.enable()


def start(target: str | None, settings: QSettings | None = None) -> MainWindow | None:
    """Show the window on ``target`` (None: the last or default workspace).

    Returns the window, which opens its workspace once its first rows are painted when they
    could be read early; None when no workspace could be opened (the analyst was told).
    ``settings`` replaces the analyst's own window settings (tests, benchmarks).
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION)
    follow_system_palette(app)
    window_settings = WindowSettings(settings)
    choice = _first_choice(target, window_settings)
    preview = preview_workspace(choice, FIRST_PAGE_ROWS)  # what a new query reads first
    if preview is None:
        with notice_if_upgrading(choice):
            db = _open_workspace(target, window_settings)
        if db is None:
            return None
        window = MainWindow(db, settings=settings)
        window.show()
        _settle()
        return window

    window = MainWindow(None, preview=preview, settings=settings)

    def attach() -> None:
        if not window.isVisible():
            return  # closed before its workspace was opened: nothing left to open it for
        try:
            db = _open_workspace(target, window_settings)
            if db is not None:
                window.attach(db)
        except Exception:
            # Outside the event loop's reach this would leave a window that never answers.
            log.exception("opening the workspace failed")
            from PySide6.QtWidgets import QMessageBox

            message(
                None,
                QMessageBox.Icon.Critical,
                f"{APP_NAME}: cannot open the workspace",
                "An unexpected error stopped the workspace from opening; the details are "
                "in the log. Nothing was changed.",
            )
            db = None
        if db is None:
            window.close()
            QApplication.exit(USAGE_ERROR)
            return
        _settle()

    _AfterFirstPaint(window.table.viewport(), attach)
    window.show()
    return window


def run(target: str | None) -> int:
    """Open the workspace at ``target`` (None: the last or default one); run until closed."""
    # Before the QApplication: Qt aborts the program when its platform plugin cannot load.
    problem = check_desktop_libraries()
    if problem is not None:
        gc.enable()  # cli.py turned it off for a start that ends here
        print(problem, file=sys.stderr)  # noqa: T201 - no window to show it in
        return USAGE_ERROR
    window = start(target)
    if window is None:
        return USAGE_ERROR
    return int(QApplication.exec())
