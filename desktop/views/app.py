"""Start the desktop app: one QApplication, one workspace, one main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_NAME, __version__
from desktop.errors import DeskError
from desktop.store.engine import open_database
from desktop.views.main_window import MainWindow

USAGE_ERROR = 2
ORGANISATION = "incident-desk"


def run(target: str | None) -> int:
    """Open the workspace at ``target`` (None: the default) and run until the window closes."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION)
    try:
        db = open_database(target)
    except DeskError as exc:
        QMessageBox.critical(None, f"{APP_NAME}: cannot open the workspace", str(exc))
        return USAGE_ERROR
    window = MainWindow(db)
    window.resize(1280, 800)
    window.show()
    return int(app.exec())
