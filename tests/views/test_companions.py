"""Companion windows come once each and where they were; the actions are declared once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QWidget

from desktop.services.sample import load_sample
from desktop.views.main_actions import ACTIONS, EXPORT_MENU, MENUS, TOOLBAR, rows
from desktop.views.main_window import MainWindow
from desktop.views.partials.companions import Companions
from desktop.views.window_settings import WindowSettings
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_a_companion_is_shown_again_not_made_twice(qtbot: QtBot, settings: QSettings) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    companions = Companions(owner, WindowSettings(settings))
    made: list[QDialog] = []

    def make() -> QDialog:
        made.append(QDialog(owner))
        return made[-1]

    first = companions.show("sources", make)
    assert companions.show("sources", make) is first
    assert len(made) == 1
    fresh = companions.show("sources", make, fresh=True)
    assert fresh is not first
    assert len(made) == 2
    companions.close("sources")
    assert companions.get("sources") is None


def test_a_companion_opens_where_it_was_left(qtbot: QtBot, settings: QSettings) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    companions = Companions(owner, WindowSettings(settings))
    dialog = companions.show("trash", lambda: QDialog(owner))
    dialog.resize(432, 321)
    dialog.close()  # saved as it closes
    companions.close("trash")
    again = Companions(owner, WindowSettings(settings)).show("trash", lambda: QDialog(owner))
    assert (again.width(), again.height()) == (432, 321)


def test_the_windows_companions_are_single(qtbot: QtBot, db: Database) -> None:
    load_sample(db)
    window = MainWindow(db, offer_sample=False)
    window.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(window)
    window.show()
    assert window.show_sources() is window.show_sources()
    assert window.show_trash() is window.show_trash()
    scales = window.show_grading_scales()
    assert window.show_grading_scales() is scales
    first = window.show_history()
    assert first is not None
    assert window.show_history() is not first  # the history asked last, in its place
    assert len(window.companions.visible(("history",))) == 1


def test_each_action_is_declared_once_and_placed_by_its_row(qtbot: QtBot, db: Database) -> None:
    names = [spec.name for spec in rows()]
    assert len(names) == len(set(names))
    assert {spec.menu for spec in rows()} <= set(MENUS)
    assert {spec.submenu for spec in rows()} <= {None, EXPORT_MENU}
    assert set(names) - {spec.name for spec in ACTIONS} == {
        "export:json",
        "export:stix",
        "export:misp",
    }
    assert {name for name in TOOLBAR if name} <= set(names)
    window = MainWindow(db, offer_sample=False)
    qtbot.addWidget(window)
    a = window.actions_
    assert a.where(needs_selection=True) == [a.edit_incident, a.delete_incident, a.history]
    assert set(a.where(waits_for_tasks=True)) == {
        a.new_database,
        a.open_database,
        a.import_file,
        *a.exports.values(),
    }
    menus = {m.title(): m for m in window.menuBar().findChildren(type(a.recent_menu))}
    file_actions = [x for x in menus["&File"].actions() if not x.isSeparator()]
    assert file_actions[:2] == [a.new_database, a.open_database]
    assert file_actions[2].menu() is a.recent_menu
    assert a.export_menu.menuAction() in menus["&File"].actions()
    for spec in a.specs:
        if spec.slot is not None:
            menu = a.export_menu if spec.submenu == EXPORT_MENU else menus[spec.menu]
            assert getattr(a, spec.name) in menu.actions()
