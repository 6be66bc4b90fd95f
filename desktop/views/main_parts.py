"""What the main window's parts share, for the type checker only.

The listing, workspaces and transfers parts (main_listing, main_workspaces, main_transfers)
are mixins of :class:`~desktop.views.main_window.MainWindow`. Each derives from
:class:`WindowParts` while type checking (from ``object`` at run time), so the names it
uses of the window, and of the other parts, are checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ParamSpec, TypeVar

from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from PySide6.QtCore import QModelIndex, QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel, QSplitter, QTableView

    from desktop.services.dto import IncidentRow
    from desktop.services.duplicates import Candidate
    from desktop.services.own_connection import OwnConnection
    from desktop.services.progress import Progress
    from desktop.store.engine import Database
    from desktop.views.main_actions import MainActions
    from desktop.views.partials.column_menu import ColumnMenu
    from desktop.views.partials.companions import Companions
    from desktop.views.partials.dialogs import Dialogs
    from desktop.views.partials.evidence_view import EvidenceViewer
    from desktop.views.partials.filter_bar import FilterBar
    from desktop.views.partials.incident_detail import IncidentDetail
    from desktop.views.partials.incident_table_model import IncidentTableModel
    from desktop.views.partials.task_runner import TaskHandle
    from desktop.views.partials.workspace_news import WorkspaceNews
    from desktop.views.window_settings import WindowSettings

P = ParamSpec("P")
R = TypeVar("R")


class WindowParts(QMainWindow):
    _db: Database
    attached: bool
    _column_sort: tuple[str, bool]
    _paused_actions: list[QAction]
    _may_offer_sample: bool
    _total: int
    _count_seconds: float
    _count_connection: OwnConnection | None
    _deleted: list[tuple[str, str]]
    _backup_thread: threading.Thread | None
    _to_end: QTimer
    geo_drawn: dict[str, float]  # main_geo's: the views drawn for the table's query
    dialogs: Dialogs
    settings: WindowSettings
    news: WorkspaceNews
    companions: Companions
    filter_bar: FilterBar
    model: IncidentTableModel
    table: QTableView
    column_menu: ColumnMenu
    detail: IncidentDetail
    evidence_viewer: EvidenceViewer | None
    empty_label: QLabel
    location_label: QLabel
    splitter: QSplitter
    actions_: MainActions

    def _attempt(
        self, what: str, action: Callable[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> R | None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def _run(
        self,
        title: str,
        work: Callable[[Progress], R],
        done: Callable[[R], None],
        failure: str,
        cancelled: str,
        explain: str = "",
    ) -> TaskHandle:
        raise NotImplementedError

    def offer_duplicates_after_import(self, candidates: Sequence[Candidate], new: int) -> None:
        raise NotImplementedError

    def current_row(self) -> IncidentRow | None:
        raise NotImplementedError

    def _show_database(self) -> None:
        raise NotImplementedError

    def _tell_notice(self, db: Database) -> None:
        raise NotImplementedError

    def _close_workspace_windows(self) -> None:
        raise NotImplementedError

    def _update_actions(self) -> None:
        raise NotImplementedError

    def select_incident(self, incident_id: str) -> bool:
        raise NotImplementedError

    def select_index(self, index: QModelIndex) -> None:
        raise NotImplementedError

    def _show_incident(self, index: QModelIndex) -> None:
        raise NotImplementedError

    def _geo_mark_selected(self) -> None:
        raise NotImplementedError

    def _geo_mark_in_turns(self) -> None:
        raise NotImplementedError

    def load_sample(self) -> None:
        raise NotImplementedError

    def open_database(self, path: Path | str | None = None) -> None:
        raise NotImplementedError
