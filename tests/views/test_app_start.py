"""The app's start: the newest rows at once, then the workspace opened properly."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from desktop.services import incidents
from desktop.services.dto import IncidentQuery
from desktop.services.sample import load_sample
from desktop.store.engine import open_database
from desktop.views import app
from desktop.views.partials.incident_table_model import IncidentTableModel
from tests.views.fakes import record_upgrade_notices

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.views.main_window import MainWindow


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    path = tmp_path / "desk.sqlite3"
    db = open_database(path)
    load_sample(db)
    db.close()
    return path


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def _started(qtbot: QtBot, target: str, settings: QSettings) -> MainWindow:
    window = app.start(target, settings)
    assert window is not None
    qtbot.addWidget(window)
    return window


def _newest_titles(path: Path) -> list[str]:
    db = open_database(path)
    try:
        return [row.title for row in incidents.list_incidents(db, IncidentQuery())]
    finally:
        db.close()


def _titles(window: MainWindow) -> list[str]:
    model = window.model
    return [
        str(model.index(row, IncidentTableModel.COL_TITLE).data())
        for row in range(model.rowCount())
    ]


def test_the_newest_rows_show_before_the_workspace_opens(
    qtbot: QtBot, workspace: Path, settings: QSettings
) -> None:
    window = _started(qtbot, str(workspace), settings)
    # Shown, not yet answering: the rows are there, what needs the services is not.
    assert not window.attached
    assert _titles(window) == _newest_titles(workspace)
    assert window.windowTitle() == "Incident Desk — desk.sqlite3"
    assert not window.filter_bar.isEnabled()
    assert not window.menuBar().isEnabled()
    assert window.detail.title_label.text() == "Opening the workspace…"
    # Nothing that needs the workspace answers yet, shortcuts included.
    actions = window.actions_
    assert not actions.new_incident.isEnabled()
    assert not actions.refresh.isEnabled()
    assert not actions.sources.isEnabled()
    assert actions.quit.isEnabled()
    assert window.edit_incident() is None  # what a double-click or Return on a row calls
    assert window.statusBar().currentMessage() == "Opening the workspace…"
    assert window.filter_bar.count_label.text() == "Counting incidents…"

    qtbot.waitUntil(lambda: window.attached, timeout=5000)  # once its rows are painted
    assert window.filter_bar.isEnabled()
    assert actions.new_incident.isEnabled()
    assert actions.refresh.isEnabled()
    # Keys typed while it opened go to the search box, as they would have without a preview.
    assert window.focusWidget() is window.filter_bar.search
    assert window.menuBar().isEnabled()
    assert _titles(window) == _newest_titles(workspace)
    assert window.filter_bar.count_label.text() == "7 of 7 incidents"
    # The first row's incident is read in a worker: the pane shows it when it arrives.
    newest = _newest_titles(workspace)[0]
    qtbot.waitUntil(lambda: window.detail.title_label.text() == newest, timeout=5000)
    assert window.statusBar().currentMessage() == ""
    # The window answers now: a search reads the database.
    window.filter_bar.search.setText("Erbil")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)


def test_a_remembered_sort_is_applied_once_the_workspace_opens(
    qtbot: QtBot, workspace: Path, settings: QSettings
) -> None:
    first = _started(qtbot, str(workspace), settings)
    qtbot.waitUntil(lambda: first.attached, timeout=5000)
    first.table.horizontalHeader().setSortIndicator(
        IncidentTableModel.COL_TITLE, Qt.SortOrder.AscendingOrder
    )
    first.save_layout()
    first.close()

    second = _started(qtbot, str(workspace), settings)
    # The newest rows are not this analyst's first rows: no preview rows, just "Opening…".
    assert second.model.rowCount() == 0
    assert second.detail.title_label.text() == "Opening the workspace…"
    qtbot.waitUntil(lambda: second.attached, timeout=5000)
    assert second.model.query.sort == "title"
    assert not second.model.query.descending
    titles = _titles(second)
    assert titles == sorted(titles, key=str.casefold)


def test_without_a_preview_the_window_opens_at_once(
    qtbot: QtBot, workspace: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "preview_workspace", lambda *_args: None)
    window = _started(qtbot, str(workspace), settings)
    assert window.attached
    assert window.filter_bar.isEnabled()
    assert _titles(window) == _newest_titles(workspace)


def test_a_workspace_that_fails_to_open_after_its_preview_closes_the_window(
    qtbot: QtBot, workspace: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # E.g. locked by another program between the look and the open: the analyst was told
    # by _open_workspace (replaced here), and no half-working window is left behind.
    monkeypatch.setattr(app, "_open_workspace", lambda *_args: None)
    exits: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    window = _started(qtbot, str(workspace), settings)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert exits == [app.USAGE_ERROR]
    assert not window.attached


def test_an_upgrade_is_announced_while_it_runs(
    qtbot: QtBot, workspace: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(workspace) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0007'")
    connection.close()
    notices = record_upgrade_notices(monkeypatch)
    window = _started(qtbot, str(workspace), settings)
    assert len(notices) == 1
    assert not notices[0].isVisible()  # gone once the workspace is open
    assert window.attached  # no first look at an older workspace: it opened at once
    assert _titles(window) == _newest_titles(workspace)


def test_an_unexpected_failure_while_opening_is_shown_and_ends_the_app(
    qtbot: QtBot, workspace: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(app, "_open_workspace", broken)
    shown: list[str] = []
    monkeypatch.setattr(app, "message", lambda *args, **_kw: shown.append(args[3]))
    exits: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    window = _started(qtbot, str(workspace), settings)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert exits == [app.USAGE_ERROR]
    assert "unexpected error" in shown[0]


def test_a_window_closed_before_its_workspace_opened_stays_closed(
    qtbot: QtBot, workspace: Path, settings: QSettings
) -> None:
    window = _started(qtbot, str(workspace), settings)
    window.close()
    qtbot.wait(app._ATTACH_AT_THE_LATEST_MS + 200)  # past the time limit of the first paint
    assert not window.attached
    assert window.watcher is None
    assert settings.value("databases/last") is None  # nothing opened, nothing remembered


def test_the_window_paints_before_sqlalchemy_is_imported() -> None:
    # A fresh interpreter: what the command and the window module import before the first rows
    # (html too: plain tooltips escape without it, and every module imported counts).
    code = (
        "import sys, desktop.cli, desktop.views.app\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'alembic', 'reportlab', 'pycountry', 'platformdirs', 'html'))\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.stdout.strip() == ""


def test_the_export_entries_come_with_the_workspace(
    qtbot: QtBot, workspace: Path, settings: QSettings
) -> None:
    from desktop import formats

    window = _started(qtbot, str(workspace), settings)
    export = window.actions_.export_menu
    # Built without the format registry (its readers and writers would delay the first rows).
    assert [a.text() for a in export.actions()] == ["", "&SITREP (PDF)…"]  # "": a separator
    qtbot.waitUntil(lambda: window.attached, timeout=5000)
    texts = [a.text() for a in export.actions()]
    assert texts == [f"&{w.label}…" for w in formats.writers()] + ["", "&SITREP (PDF)…"]
    assert window.actions_.exports["json"].shortcut().toString() == "Ctrl+Shift+E"
    assert window.actions_.exports["json"].isEnabled()
    assert "STIX 2.1 bundle (*.json)" in window.actions_.import_file.statusTip()
