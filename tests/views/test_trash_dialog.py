"""The trash driven as an analyst would: restore, delete for good, empty — asking first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from desktop.errors import NotFoundError
from desktop.services import incidents as incident_service
from desktop.services.dto import IncidentQuery
from desktop.views.trash_dialog import EMPTY_TEXT, TrashDialog, TrashTableModel
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

TRASH = IncidentQuery(deleted=True)
LIVE = IncidentQuery()


@pytest.fixture
def dialogs() -> RecordingDialogs:
    return RecordingDialogs()


@pytest.fixture
def trashed(db: Database, make_incident: IncidentFactory) -> list[IncidentData]:
    """Three incidents, the first two in the trash."""
    made = [
        incident_service.create_incident(db, make_incident(title=title))
        for title in ("Drone attack on al-Asad", "Rocket fire at al-Harir", "Still live")
    ]
    for incident in made[:2]:
        assert incident.id is not None
        incident_service.delete_incident(db, incident.id)
    return made


@pytest.fixture
def trash(
    qtbot: QtBot, db: Database, trashed: list[IncidentData], dialogs: RecordingDialogs
) -> TrashDialog:
    dialog = TrashDialog(db, dialogs=dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def titles(trash: TrashDialog) -> list[str]:
    model = trash.model
    return [
        str(model.data(model.index(row, TrashTableModel.COL_TITLE)))
        for row in range(model.rowCount())
    ]


def click_row(
    qtbot: QtBot,
    trash: TrashDialog,
    title: str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    row = titles(trash).index(title)
    rect = trash.table.visualRect(trash.model.index(row, TrashTableModel.COL_TITLE))
    qtbot.mouseClick(trash.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_lists_only_trashed_incidents(trash: TrashDialog) -> None:
    assert sorted(titles(trash)) == ["Drone attack on al-Asad", "Rocket fire at al-Harir"]
    assert trash.count_label.text() == "2 incidents in the trash"
    assert (
        trash.model.headerData(TrashTableModel.COL_DELETED, Qt.Orientation.Horizontal) == "Deleted"
    )
    deleted = trash.model.data(trash.model.index(0, TrashTableModel.COL_DELETED))
    assert len(str(deleted)) == len("2026-01-01 12:00")
    # The first row is selected so Enter or a button acts at once; who deleted it is shown.
    assert trash.restore_button.isEnabled()
    assert "by tester." in trash.detail_label.text()


def test_restore_brings_it_back(
    qtbot: QtBot, trash: TrashDialog, db: Database, trashed: list[IncidentData]
) -> None:
    click_row(qtbot, trash, "Rocket fire at al-Harir")
    with qtbot.waitSignal(trash.changed):
        qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    restored = trashed[1]
    assert restored.id is not None
    audit = incident_service.get_incident(db, restored.id).audit
    assert audit is not None
    assert audit.deleted_at is None
    assert incident_service.count_incidents(db, LIVE) == 2
    assert titles(trash) == ["Drone attack on al-Asad"]
    assert trash.count_label.text() == "1 incident in the trash"


def test_enter_restores(qtbot: QtBot, trash: TrashDialog, db: Database) -> None:
    click_row(qtbot, trash, "Drone attack on al-Asad")
    with qtbot.waitSignal(trash.changed):
        qtbot.keyClick(trash.table, Qt.Key.Key_Return)
    assert incident_service.count_incidents(db, TRASH) == 1


def test_permanent_delete_asks_and_honours_no(
    qtbot: QtBot, trash: TrashDialog, db: Database, dialogs: RecordingDialogs
) -> None:
    dialogs.answer = False
    click_row(qtbot, trash, "Drone attack on al-Asad")
    qtbot.keyClick(trash.table, Qt.Key.Key_Delete)
    kind, _title, text = dialogs.messages[-1]
    assert kind == "question"
    assert "“Drone attack on al-Asad” permanently" in text
    assert "cannot be undone" in text
    assert dialogs.destructive == ["Delete permanently"]  # No is the default button
    assert incident_service.count_incidents(db, TRASH) == 2


def test_permanent_delete_when_confirmed(
    qtbot: QtBot,
    trash: TrashDialog,
    db: Database,
    dialogs: RecordingDialogs,
    trashed: list[IncidentData],
) -> None:
    click_row(qtbot, trash, "Drone attack on al-Asad")
    with qtbot.waitSignal(trash.changed):
        qtbot.mouseClick(trash.purge_button, Qt.MouseButton.LeftButton)
    assert [kind for kind, _t, _x in dialogs.messages] == ["question"]
    gone = trashed[0]
    assert gone.id is not None
    with pytest.raises(NotFoundError):
        incident_service.get_incident(db, gone.id)
    assert titles(trash) == ["Rocket fire at al-Harir"]
    assert incident_service.count_incidents(db, LIVE) == 1  # the live one is untouched


def test_several_selected_are_deleted_together(
    qtbot: QtBot, trash: TrashDialog, db: Database, dialogs: RecordingDialogs
) -> None:
    click_row(qtbot, trash, "Drone attack on al-Asad")
    click_row(qtbot, trash, "Rocket fire at al-Harir", Qt.KeyboardModifier.ControlModifier)
    assert trash.detail_label.text() == "2 incidents selected"
    qtbot.mouseClick(trash.purge_button, Qt.MouseButton.LeftButton)
    assert "Delete 2 incidents permanently?" in dialogs.messages[-1][2]
    assert incident_service.count_incidents(db, TRASH) == 0


def test_empty_trash_asks_how_many_and_honours_no(
    qtbot: QtBot, trash: TrashDialog, db: Database, dialogs: RecordingDialogs
) -> None:
    dialogs.answer = False
    qtbot.mouseClick(trash.empty_button, Qt.MouseButton.LeftButton)
    kind, _title, text = dialogs.messages[-1]
    assert kind == "question"
    assert "all 2 incidents" in text
    assert dialogs.destructive == ["Empty trash"]  # No is the default button
    assert incident_service.count_incidents(db, TRASH) == 2

    dialogs.answer = True
    with qtbot.waitSignal(trash.changed):
        qtbot.mouseClick(trash.empty_button, Qt.MouseButton.LeftButton)
    assert incident_service.count_incidents(db, TRASH) == 0
    assert incident_service.count_incidents(db, LIVE) == 1
    assert trash.count_label.text() == ""  # the middle says it is empty
    assert trash.stack.currentWidget() is trash.empty_label
    for button in (trash.restore_button, trash.purge_button, trash.empty_button):
        assert not button.isEnabled()


def test_an_empty_trash_says_so(qtbot: QtBot, db: Database) -> None:
    dialog = TrashDialog(db, dialogs=RecordingDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.count_label.text() == ""  # the middle says it is empty
    assert dialog.empty_label.text() == EMPTY_TEXT
    assert not dialog.empty_button.isEnabled()


def test_header_click_on_deleted_keeps_the_sort(qtbot: QtBot, trash: TrashDialog) -> None:
    header = trash.table.horizontalHeader()
    header.setSortIndicator(TrashTableModel.COL_DELETED, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == TrashTableModel.COL_WHEN
    assert trash.model.query.sort == "when"
    header.setSortIndicator(TrashTableModel.COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert trash.model.query.sort == "title"
    assert titles(trash) == ["Drone attack on al-Asad", "Rocket fire at al-Harir"]


def test_shown_again_it_reads_afresh(
    qtbot: QtBot, trash: TrashDialog, db: Database, trashed: list[IncidentData]
) -> None:
    qtbot.mouseClick(trash.close_button, Qt.MouseButton.LeftButton)
    live = trashed[2]
    assert live.id is not None
    incident_service.delete_incident(db, live.id)
    trash.show()
    assert "Still live" in titles(trash)
    assert trash.count_label.text() == "3 incidents in the trash"
