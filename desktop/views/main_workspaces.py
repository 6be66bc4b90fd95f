"""The main window's workspaces: new, open and recent, the sample, and the daily backup.

A part of :class:`~desktop.views.main_window.MainWindow` (a mixin). What the window says
about changes made elsewhere, and the change watcher, are in
:mod:`desktop.views.partials.workspace_news`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.errors import DeskError
from desktop.views.main_actions import recent_icon
from desktop.views.partials.upgrade_notice import notice_if_upgrading

if TYPE_CHECKING:
    # Imported at run time by load_services(), once the first rows are painted.
    from desktop.services import sample, workspace  # noqa: TC004
    from desktop.store.engine import Database
    from desktop.views.main_parts import WindowParts as _Base
else:
    _Base = object

log = logging.getLogger(__name__)

WORKSPACE_FILTER = "Incident Desk workspaces (*.sqlite3 *.sqlite *.db);;All files (*)"


def load_services() -> None:
    global sample, workspace
    from desktop.services import sample, workspace


class WorkspacesPart(_Base):
    def _start_daily_backup(self) -> None:
        """The day's automatic backup of a SQLite workspace, copied off the GUI thread."""
        if not self._db.is_sqlite:
            return  # a server keeps its own backups
        self._join_backup()
        self._backup_thread = threading.Thread(
            target=_daily_backup, args=(self._db,), name="daily-backup"
        )
        self._backup_thread.start()

    def _join_backup(self) -> None:
        if self._backup_thread is not None:
            self._backup_thread.join()  # a half-written backup must never be left behind
            self._backup_thread = None

    def _offer_sample(self) -> None:
        if self.dialogs.question(
            "Empty workspace",
            "This workspace has no incidents yet. Load the sample workspace to look around?",
        ):
            self.load_sample()

    def load_sample(self) -> None:
        result = self._attempt("Cannot load the sample", sample.load_sample, self._db)
        if result is not None:
            self.reload()
            self.dialogs.information("Sample workspace", result.summary)

    def new_database(self, path: Path | None = None) -> None:
        path = path or self.dialogs.save_path("New database", "incidents.sqlite3", WORKSPACE_FILTER)
        if path is None:
            return
        if path.suffix == "":
            path = path.with_suffix(".sqlite3")
        if path.exists():
            self.dialogs.warning(
                "New database",
                f"{path} already exists. Use File ▸ Open database to open it, or choose "
                "another name.",
            )
            return
        self._switch_to(path)

    def open_database(self, path: Path | str | None = None) -> None:
        target = path or self.dialogs.open_workspace()
        if target is None:
            return
        if isinstance(target, Path) and not target.exists():
            self.dialogs.warning("Cannot open the database", f"{target} does not exist.")
            self.settings.forget_database(str(target))
            return
        self._switch_to(target)

    def _switch_to(self, target: Path | str) -> None:
        opened = self._attempt("Cannot open the database", self._open_workspace, target)
        if opened is None:
            return
        db, note = opened
        if note:
            self.dialogs.information("Workspace restored", note)
        self._close_workspace_windows()
        old, self._db = self._db, db
        old.close()
        self.detail.clear()
        self._show_database()
        self._tell_notice(db)

    def _open_workspace(self, target: Path | str) -> tuple[Database, str]:
        # The notice closes before a failure is shown: _attempt shows it after this returns.
        with notice_if_upgrading(target, self):
            return workspace.open_workspace(target, self.dialogs.question)

    def _fill_recent_menu(self) -> None:
        menu = self.actions_.recent_menu
        menu.clear()
        current = self._db.location
        recent = [r for r in self.settings.recent_databases() if r != current]
        for location in recent:
            action = menu.addAction(recent_icon(self), location)
            is_file = "://" not in location
            action.triggered.connect(
                lambda _c=False, loc=location, f=is_file: self.open_database(
                    Path(loc) if f else loc
                )
            )
        if not recent:
            menu.addAction("No other recent databases").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Clear the list", self.settings.clear_recent).setEnabled(bool(recent))


def _daily_backup(db: Database) -> None:
    try:
        workspace.daily_backup(db)
    except (DeskError, OSError, sqlite3.Error):
        # Not fatal: the workspace works; tomorrow's start tries again.
        log.warning("daily backup of %s failed", db.location, exc_info=True)
