"""Start the desktop app: one QApplication, one workspace, one main window."""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_NAME, __version__
from desktop.errors import DeskError
from desktop.services.workspace import open_workspace
from desktop.views.main_window import MainWindow
from desktop.views.palette import follow_system_palette
from desktop.views.partials.dialogs import Button, message
from desktop.views.window_settings import WindowSettings

if TYPE_CHECKING:
    from desktop.store.engine import Database

USAGE_ERROR = 2
ORGANISATION = "incident-desk"


def _ask(title: str, text: str) -> bool:
    answer = message(
        None, QMessageBox.Icon.Question, f"{APP_NAME}: {title}", text, Button.Yes | Button.No
    )
    return answer == Button.Yes


def _open_workspace(target: str | None, settings: WindowSettings) -> Database | None:
    """The workspace asked for; else the last one used; else the default file.

    A last workspace that can no longer be opened (moved, deleted, server down) is not
    fatal: the analyst is told, and the default workspace opens instead.
    """
    chosen_elsewhere = target is not None or os.environ.get("INCIDENT_DESK_DB")
    if not chosen_elsewhere and (last := settings.last_database()) is not None:
        try:
            return _opened(open_workspace(last, _ask))
        except DeskError as exc:
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
        message(None, QMessageBox.Icon.Critical, f"{APP_NAME}: cannot open the workspace",
                str(exc))
        return None


def _opened(result: tuple[Database, str]) -> Database:
    db, note = result
    if note:
        message(None, QMessageBox.Icon.Information, f"{APP_NAME}: workspace restored", note)
    return db


def run(target: str | None) -> int:
    """Open the workspace at ``target`` (None: the last or default one); run until closed."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION)
    follow_system_palette(app)
    settings = WindowSettings()
    db = _open_workspace(target, settings)
    if db is None:
        return USAGE_ERROR
    window = MainWindow(db)
    window.show()
    # What start-up created lives as long as the app: move it out of the collector's reach,
    # so a full collection does not walk it again in the middle of a scroll (~100 ms).
    gc.collect()
    gc.freeze()
    return int(app.exec())
