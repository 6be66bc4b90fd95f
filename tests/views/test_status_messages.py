"""The main window's status bar says what just happened, and whose change it was."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from desktop.services import sources as source_service
from desktop.services.dto import SourceData
from desktop.services.sample import load_sample
from desktop.views.main_window import MainWindow
from desktop.views.partials.citation_dialog import CitationDialog
from desktop.views.partials.source_form import SourceDialog
from desktop.views.partials.workspace_news import ELSEWHERE
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=True)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    return win


def shown_messages(window: MainWindow) -> list[str]:
    shown: list[str] = []
    window.statusBar().messageChanged.connect(shown.append)
    return shown


def press_ok(qtbot: QtBot, form: QDialog) -> None:
    box = form.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_a_source_made_inside_add_citation_is_this_windows_own_change(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    shown = shown_messages(window)
    editor = window.new_incident()

    def new_source(dialog: QDialog) -> bool:
        assert isinstance(dialog, CitationDialog)
        dialog.show()
        picker = dialog.source_picker

        def fill(form: QDialog) -> bool:
            assert isinstance(form, SourceDialog)
            form.show()
            qtbot.keyClicks(form.name_edit, "Kurdistan 24")
            press_ok(qtbot, form)
            return form.result() == QDialog.DialogCode.Accepted

        picker.run_dialog = fill
        qtbot.mouseClick(picker.new_button, Qt.MouseButton.LeftButton)
        dialog.reject()
        return False

    editor.citations_edit.run_dialog = new_source
    qtbot.mouseClick(editor.citations_edit.add_button, Qt.MouseButton.LeftButton)
    assert [s.name for s in source_service.list_sources(db, "Kurdistan 24")] == ["Kurdistan 24"]
    assert window.watcher is not None
    assert not window.watcher.check()  # what the timer or file watcher does next: no news
    assert ELSEWHERE not in shown
    assert window.statusBar().currentMessage() == "Added source 'Kurdistan 24'."
    editor.close()


def test_a_change_by_someone_else_is_still_from_elsewhere(window: MainWindow, db: Database) -> None:
    source_service.create_source(db, SourceData(name="Added next door"))
    assert window.watcher is not None
    assert window.watcher.check()
    assert window.statusBar().currentMessage() == ELSEWHERE


def test_the_sources_manager_says_what_it_did(qtbot: QtBot, window: MainWindow) -> None:
    shown = shown_messages(window)
    manager = window.show_sources()
    qtbot.addWidget(manager)
    qtbot.mouseClick(manager.new_button, Qt.MouseButton.LeftButton)
    form = manager.form
    assert form is not None
    qtbot.keyClicks(form.name_edit, "Kurdistan 24")
    press_ok(qtbot, form)
    assert window.statusBar().currentMessage() == "Added source 'Kurdistan 24'."
    assert window.watcher is not None
    assert not window.watcher.check()
    assert ELSEWHERE not in shown


def test_restoring_from_the_trash_says_so(qtbot: QtBot, window: MainWindow) -> None:
    window.table.selectRow(0)
    row = window.current_row()
    assert row is not None
    window.delete_incident()
    assert window.statusBar().currentMessage().startswith(f"Moved '{row.title}' to the trash")

    trash = window.show_trash()
    qtbot.addWidget(trash)
    trash.table.selectRow(0)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    assert window.statusBar().currentMessage() == f"Restored '{row.title}' from the trash."


def test_deleting_for_good_says_so(qtbot: QtBot, window: MainWindow) -> None:
    window.table.selectRow(0)
    window.delete_incident()
    window.table.selectRow(0)
    window.delete_incident()
    trash = window.show_trash()
    qtbot.addWidget(trash)
    trash.table.selectAll()
    qtbot.mouseClick(trash.purge_button, Qt.MouseButton.LeftButton)
    assert window.statusBar().currentMessage() == "Deleted 2 incidents permanently."
