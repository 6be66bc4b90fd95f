"""The main window's files, driven as an analyst would: imports and exports in the background,
new, recent, missing, damaged, older and read-only workspaces, backups."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from desktop.services.sample import load_sample
from desktop.store.engine import sqlite_path
from desktop.views.main_window import MainWindow
from tests.views.fakes import RecordingDialogs, record_upgrade_notices
from tests.views.main_window.driving import select_row

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database


def test_export_sitrep_starts_from_the_table_filters(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    combo = window.filter_bar.country
    combo.setCurrentIndex(combo.findData("IQ"))
    dialog = window.export_sitrep()  # deletes itself once closed
    assert dialog.isVisible()
    assert dialog.query().countries == ("IQ",)
    out = tmp_path / "brief.pdf"
    dialog.path_edit.setText(str(out))
    dialog.open_when_done.setChecked(False)
    handle = dialog.export_now()
    assert handle is not None
    assert handle.wait(60_000)
    assert out.read_bytes().startswith(b"%PDF")
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    kind, title, text = dialogs.messages[-1]
    assert (kind, title) == ("information", "SITREP written")
    assert f"{window.model.total} incidents" in text


def test_import_runs_in_the_background(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    exported = tmp_path / "all.json"
    handle = window.export_to("json", exported)
    assert handle is not None
    assert handle.wait(30_000)
    select_row(window, "al-Harir")
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    dialogs.answer = True
    window.delete_incident()
    assert window.model.total == 6
    handle = window.import_file(exported)
    assert handle is not None
    assert not window.actions_.import_file.isEnabled()  # one long job at a time
    assert handle.wait(30_000)
    assert window.actions_.import_file.isEnabled()
    kind, title, _text = dialogs.messages[-1]
    assert (kind, title) == ("information", "Import finished")


def test_the_windows_own_import_is_not_reported_as_a_change_from_elsewhere(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    exported = tmp_path / "all.json"
    handle = window.export_to("json", exported)
    assert handle is not None
    assert handle.wait(30_000)
    shown: list[str] = []
    window.statusBar().messageChanged.connect(shown.append)
    handle = window.import_file(exported)
    assert handle is not None
    assert window.watcher is not None
    window.watcher.changed.emit()  # the file watcher sees the import's own writes
    assert handle.wait(30_000)
    qtbot.waitUntil(lambda: window.actions_.import_file.isEnabled())
    assert "Changes saved elsewhere were loaded." not in shown

    # A change seen during a task that did not read it afterwards is someone else's.
    handle = window.export_to("json", tmp_path / "again.json")
    assert handle is not None
    window.watcher.changed.emit()
    assert handle.wait(30_000)
    qtbot.waitUntil(lambda: "Changes saved elsewhere were loaded." in shown)


def test_a_bad_import_file_is_a_warning(window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    handle = window.import_file(bad)
    assert handle is not None
    assert handle.wait(30_000)
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    kind, title, _text = dialogs.messages[-1]
    assert (kind, title) == ("warning", "Import failed")
    assert window.model.total == 7


def test_an_import_shows_its_warnings(window: MainWindow, tmp_path: Path) -> None:
    exported = tmp_path / "all.json"
    handle = window.export_to("json", exported)
    assert handle is not None
    assert handle.wait(30_000)
    document = json.loads(exported.read_text(encoding="utf-8"))
    incident = document["incidents"][0]
    incident["citations"].append(dict(incident["citations"][0]))  # the same source twice
    exported.write_text(json.dumps(document), encoding="utf-8")
    handle = window.import_file(exported)
    assert handle is not None
    assert handle.wait(30_000)
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    kind, title, text = dialogs.messages[-1]
    assert (kind, title) == ("information", "Import finished")
    assert "Worth a look:" in text
    assert f"cites source '{incident['citations'][0]['source']}' 2 times" in text


def test_a_json_export_chosen_over_the_workspace_is_refused(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    workspace = sqlite_path(db.url)
    if workspace is None:
        pytest.skip("a PostgreSQL workspace has no file to overwrite")
    before = workspace.read_bytes()
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    dialogs.save_answer = (
        workspace  # what File > Export > Incident Desk JSON's save dialog returned
    )
    window.actions_.exports["json"].trigger()
    qtbot.waitUntil(lambda: bool(dialogs.messages) and dialogs.messages[-1][0] == "warning")
    kind, title, text = dialogs.messages[-1]
    assert (kind, title) == ("warning", "Export failed")
    assert "is the workspace itself" in text
    assert workspace.read_bytes() == before
    assert window.model.total == 7


def test_empty_workspace_offers_the_sample(qtbot: QtBot, db: Database) -> None:
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    dialogs = RecordingDialogs(answer=True)
    win.dialogs = dialogs  # type: ignore[assignment]
    assert win.filter_bar.count_label.text() == "0 of 0 incidents"
    win._offer_sample()
    assert dialogs.messages[0][0] == "question"
    assert win.model.rowCount() == 7


def test_new_and_recent_databases(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    first = window.db.location
    fresh = tmp_path / "team"
    window.new_database(fresh)
    assert window.db.label == "team.sqlite3"
    assert window.model.total == 0
    assert window.empty_label.isVisible()
    assert window.settings.recent_databases()[:2] == [str(fresh.with_suffix(".sqlite3")), first]

    window.actions_.recent_menu.aboutToShow.emit()
    entries = [a for a in window.actions_.recent_menu.actions() if a.text() == first]
    assert entries
    entries[0].trigger()
    assert window.db.location == first
    assert window.model.total == 7


def test_missing_database_is_a_warning(window: MainWindow, tmp_path: Path) -> None:
    window.open_database(tmp_path / "gone.sqlite3")
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    assert dialogs.messages[-1][0] == "warning"
    assert "does not exist" in dialogs.messages[-1][2]
    assert window.model.total == 7


def test_a_damaged_workspace_offers_its_latest_backup(window: MainWindow, tmp_path: Path) -> None:
    from desktop.store.backup import automatic_backups
    from desktop.store.engine import open_database

    path = tmp_path / "field.sqlite3"
    first = open_database(path)
    load_sample(first)
    first.close()
    open_database(path).close()  # reopening an existing file makes the day's backup
    assert automatic_backups(path)
    path.write_bytes(b"\x00garbage" * 4096)  # the disk ate it

    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    dialogs.answer = False
    window.open_database(path)
    assert dialogs.messages[-2][0] == "question"
    assert dialogs.messages[-1][0] == "warning"
    assert window.db.label == "test.sqlite3"  # still on the workspace that worked

    dialogs.answer = True
    window.open_database(path)
    kind, title, text = dialogs.messages[-1]
    assert (kind, title) == ("information", "Workspace restored")
    assert "damaged file was kept" in text
    assert window.db.label == "field.sqlite3"
    assert window.model.total == 7


def test_the_daily_backup_is_made_in_the_background(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop.services.workspace import open_workspace
    from desktop.store.backup import automatic_backups

    path = tmp_path / "desk.sqlite3"
    first, _note = open_workspace(path, lambda _t, _x: False)
    load_sample(first)
    first.close()
    db, _note = open_workspace(path, lambda _t, _x: False)
    assert automatic_backups(path) == []  # opening did not copy on the GUI thread
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    win.close()  # waits for the copy: never a half-written backup
    assert len(automatic_backups(path)) == 1


def test_opening_an_older_workspace_says_it_is_being_updated(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from desktop.store.engine import open_database

    path = tmp_path / "older.sqlite3"
    older = open_database(path)
    load_sample(older)
    older.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0008'")
    connection.close()
    shown = record_upgrade_notices(monkeypatch)
    window.open_database(path)  # File ▸ Open, as from the start: the same notice
    assert len(shown) == 1
    assert not shown[0].isVisible()  # gone once it is open
    assert window.db.label == "older.sqlite3"
    assert window.model.total == 7
    window.open_database(path)  # current now: nothing to announce
    assert len(shown) == 1


def test_a_read_only_workspace_says_so_in_the_title(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services.workspace import open_workspace
    from desktop.store import engine as engine_module

    path = tmp_path / "shelf.sqlite3"
    first, _note = open_workspace(path, lambda _t, _x: False)
    load_sample(first)
    first.close()
    # Root may write any file: the decision is patched (tests/store/test_open_safety.py
    # tests it for real on a read-only mount).
    monkeypatch.setattr(engine_module, "writable", lambda _path: False)
    db, _note = open_workspace(path, lambda _t, _x: False)
    win = MainWindow(db, offer_sample=False)
    qtbot.addWidget(win)
    assert win.windowTitle() == "Incident Desk — shelf.sqlite3 — read-only"
    assert win.model.total == 7
    win.close()
    assert not (tmp_path / "backups").exists()
