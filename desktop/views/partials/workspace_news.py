"""What the main window says about changes to its workspace, and whose they are.

The change watcher sees every write and cannot tell whose it is. Only a change this window
did not make itself is "saved elsewhere": its background tasks (an import) are counted while
they run, and dialogs that write without it (New source… inside Add citation) announce
their writes (:mod:`desktop.views.partials.own_writes`). The window's own writes are read at
once and told in their own words ("Added source 'Reuters'."), so the watcher finds nothing
new afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop.views.partials.own_writes import own_writes

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from desktop.views.main_window import MainWindow
    from desktop.views.partials.change_watcher import ChangeWatcher

ELSEWHERE = "Changes saved elsewhere were loaded."
MESSAGE_MS = 10_000


class WorkspaceNews(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.watcher: ChangeWatcher | None = None
        # This window's own background writes (imports) are not someone else's changes.
        self.own_tasks = 0
        self.missed_change = False
        own_writes().written.connect(self._own_write)

    def watch(self, db: Database) -> None:
        """Follow ``db`` (a newly opened workspace), no longer the one before."""
        self.stop()
        if self.watcher is not None:
            self.watcher.deleteLater()
        from desktop.services import history, workspace
        from desktop.views.partials.change_watcher import ChangeWatcher

        self.watcher = ChangeWatcher(
            lambda: history.workspace_stamp(db),
            workspace.watched_files(db),
            listener=workspace.change_listener(db),  # PostgreSQL: NOTIFY; SQLite: None
            parent=self,
        )
        self.watcher.changed.connect(self.changed_elsewhere)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def read(self) -> None:
        """The window has read the workspace: what changed so far is no news."""
        self.missed_change = False
        if self.watcher is not None:
            self.watcher.acknowledge()

    def task_started(self) -> None:
        self.own_tasks += 1

    def task_finished(self) -> None:
        self.own_tasks -= 1
        # A change seen meanwhile and not read since (an import reloads when it is done)
        # came from elsewhere.
        if not self.own_tasks and self.missed_change:
            self.changed_elsewhere()

    def changed_elsewhere(self) -> None:
        """Someone else saved: show it, keeping the analyst's place and selection."""
        if self.own_tasks:
            self.missed_change = True  # ours, or not: seen when the task ends
            return
        self.missed_change = False
        self._window.refresh_rows()
        self.say(ELSEWHERE, 5000)

    def say(self, message: str, timeout_ms: int = MESSAGE_MS) -> None:
        self._window.statusBar().showMessage(message, timeout_ms)

    def _own_write(self, db: object, message: str) -> None:
        window = self._window
        if not window.attached or db is not window.db:
            return  # another window's workspace: its watcher tells it, as from elsewhere
        window.reload()
        self.say(message)
