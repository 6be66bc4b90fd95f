"""The sources manager driven as an analyst would: filter, add, edit, merge, delete."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop.services import history as history_service
from desktop.services import incidents as incident_service
from desktop.services import sources as source_service
from desktop.services.dto import Citation, IncidentQuery, SourceData
from desktop.views.partials.source_table_model import SourceTableModel
from desktop.views.sources_dialog import SourcesDialog
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from desktop.views.partials.source_form import SourceDialog
    from tests.conftest import IncidentFactory


@pytest.fixture
def dialogs() -> RecordingDialogs:
    return RecordingDialogs()


@pytest.fixture
def manager(
    qtbot: QtBot, db: Database, sources: tuple[SourceData, SourceData], dialogs: RecordingDialogs
) -> SourcesDialog:
    dialog = SourcesDialog(db, dialogs=dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def names(manager: SourcesDialog) -> list[str]:
    model = manager.model
    return [
        str(model.data(model.index(row, SourceTableModel.COL_NAME)))
        for row in range(model.rowCount())
    ]


def click_row(
    qtbot: QtBot,
    manager: SourcesDialog,
    name: str,
    column: int = SourceTableModel.COL_NAME,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    row = names(manager).index(name)
    rect = manager.table.visualRect(manager.model.index(row, column))
    qtbot.mouseClick(manager.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def double_click_row(qtbot: QtBot, manager: SourcesDialog, name: str, column: int) -> None:
    row = names(manager).index(name)
    center = manager.table.visualRect(manager.model.index(row, column)).center()
    qtbot.mouseClick(manager.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(manager.table.viewport(), Qt.MouseButton.LeftButton, pos=center)


def open_form(manager: SourcesDialog) -> SourceDialog:
    form = manager.form
    assert form is not None, "no source form is open"
    assert form.isVisible()
    return form


def press_ok(qtbot: QtBot, form: SourceDialog) -> None:
    ok = form.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def by_slug(db: Database) -> dict[str, SourceData]:
    return {source.id: source for source in source_service.list_sources(db)}


def test_lists_every_source_with_its_counts(
    manager: SourcesDialog, make_incident: IncidentFactory, db: Database
) -> None:
    incident_service.create_incident(db, make_incident())
    manager.reload()
    assert names(manager) == ["Reuters", "U.S. Central Command"]
    assert manager.count_label.text() == "2 sources"
    model = manager.model
    row = names(manager).index("U.S. Central Command")
    assert model.data(model.index(row, SourceTableModel.COL_KIND)) == "Military"
    assert model.data(model.index(row, SourceTableModel.COL_RELIABILITY)) == (
        "B — Usually reliable"
    )
    assert model.data(model.index(row, SourceTableModel.COL_INCIDENTS)) == "1"
    # Nothing selected: only New is possible.
    assert manager.new_button.isEnabled()
    for button in (
        manager.edit_button,
        manager.merge_button,
        manager.delete_button,
        manager.show_button,
    ):
        assert not button.isEnabled()


def test_filter_and_empty_state(qtbot: QtBot, manager: SourcesDialog) -> None:
    qtbot.keyClicks(manager.filter_edit, "reut")
    assert names(manager) == ["Reuters"]
    assert manager.count_label.text() == "1 of 2 sources"
    qtbot.keyClicks(manager.filter_edit, "zz")
    assert names(manager) == []
    assert manager.stack.currentWidget() is manager.empty_label
    assert manager.empty_label.text() == "No source matches “reutzz”."


def test_header_click_sorts(qtbot: QtBot, manager: SourcesDialog, db: Database) -> None:
    source_service.create_source(db, SourceData(name="Aamaq", kind="claimant", reliability="E"))
    manager.reload()
    header = manager.table.horizontalHeader()
    x = header.sectionViewportPosition(SourceTableModel.COL_RELIABILITY) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    grades = [source.reliability for source in manager.model.sources]
    assert grades in (sorted(grades), sorted(grades, reverse=True))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert [source.reliability for source in manager.model.sources] == grades[::-1]


def test_create_a_source(qtbot: QtBot, manager: SourcesDialog, db: Database) -> None:
    qtbot.mouseClick(manager.new_button, Qt.MouseButton.LeftButton)
    form = open_form(manager)
    assert form.is_new
    qtbot.keyClicks(form.name_edit, "Kurdistan 24")
    form.kind_combo.setCurrentIndex(form.kind_combo.findData("media"))
    form.reliability_combo.set_code("C")
    with qtbot.waitSignal(manager.changed):
        press_ok(qtbot, form)

    saved = by_slug(db)["kurdistan-24"]
    assert (saved.name, saved.kind, saved.reliability) == ("Kurdistan 24", "media", "C")
    assert manager.count_label.text() == "3 sources"
    assert manager.selected_slugs() == ["kurdistan-24"]  # the new source is selected


def test_cancel_creates_nothing(qtbot: QtBot, manager: SourcesDialog, db: Database) -> None:
    qtbot.mouseClick(manager.new_button, Qt.MouseButton.LeftButton)
    form = open_form(manager)
    qtbot.keyClicks(form.name_edit, "Nobody")
    qtbot.mouseClick(
        form.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert len(source_service.list_sources(db)) == 2


def test_edit_with_enter_key(
    qtbot: QtBot, manager: SourcesDialog, db: Database, sources: tuple[SourceData, SourceData]
) -> None:
    _centcom, reuters = sources
    click_row(qtbot, manager, "Reuters")
    qtbot.keyClick(manager.table, Qt.Key.Key_Return)
    form = open_form(manager)
    assert not form.is_new
    assert form.name_edit.text() == "Reuters"
    form.name_edit.selectAll()
    qtbot.keyClicks(form.name_edit, "Reuters News Agency")
    form.reliability_combo.set_code("B")
    with qtbot.waitSignal(manager.changed):
        press_ok(qtbot, form)

    saved = source_service.get_source(db, reuters.id)
    assert (saved.name, saved.reliability) == ("Reuters News Agency", "B")
    assert "Reuters News Agency" in names(manager)
    assert manager.selected_slugs() == [reuters.id]


def test_refused_save_reopens_the_form_with_what_was_typed(
    qtbot: QtBot,
    manager: SourcesDialog,
    dialogs: RecordingDialogs,
    db: Database,
    sources: tuple[SourceData, SourceData],
) -> None:
    _centcom, reuters = sources
    click_row(qtbot, manager, "Reuters")
    qtbot.mouseClick(manager.edit_button, Qt.MouseButton.LeftButton)
    form = open_form(manager)
    # Someone else saves the same source meanwhile.
    source_service.update_source(db, replace(reuters, notes="their note"))
    form.name_edit.selectAll()
    qtbot.keyClicks(form.name_edit, "Reuters (mine)")
    press_ok(qtbot, form)

    assert dialogs.kinds() == ["warning"]
    assert "changed" in dialogs.messages[0][2]
    assert source_service.get_source(db, reuters.id).name == "Reuters"  # nothing overwritten
    again = open_form(manager)
    assert again is not form
    assert again.name_edit.text() == "Reuters (mine)"

    # Saving again, knowing, goes through.
    with qtbot.waitSignal(manager.changed):
        press_ok(qtbot, again)
    assert source_service.get_source(db, reuters.id).name == "Reuters (mine)"


def test_merge_moves_citations(
    qtbot: QtBot,
    manager: SourcesDialog,
    dialogs: RecordingDialogs,
    db: Database,
    sources: tuple[SourceData, SourceData],
    make_incident: IncidentFactory,
) -> None:
    _centcom, reuters = sources
    duplicate = source_service.create_source(
        db, SourceData(name="Reuters (wire)", kind="media", reliability="C")
    )
    incident_service.create_incident(db, make_incident())
    incident_service.create_incident(
        db,
        make_incident(
            title="Second attack",
            citations=(Citation(source=duplicate.id, credibility=3),),
        ),
    )
    manager.reload()

    click_row(qtbot, manager, "Reuters")
    click_row(qtbot, manager, "Reuters (wire)", modifier=Qt.KeyboardModifier.ControlModifier)
    assert manager.merge_button.isEnabled()
    assert not manager.edit_button.isEnabled()
    qtbot.mouseClick(manager.merge_button, Qt.MouseButton.LeftButton)
    chooser = manager.chooser
    assert chooser is not None
    chooser.choose(reuters.id)
    box = chooser.findChild(QDialogButtonBox)
    assert box is not None
    with qtbot.waitSignal(manager.changed):
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    kind, _title, text = dialogs.messages[-1]
    assert kind == "question"
    assert "1 citation will move to 'Reuters'" in text
    after = by_slug(db)
    assert duplicate.id not in after
    assert after[reuters.id].citation_count == 2
    assert after[reuters.id].incident_count == 2
    second = incident_service.list_incidents(db, IncidentQuery(source=reuters.id))
    assert {row.title for row in second} == {"Drone attack on al-Asad airbase", "Second attack"}
    assert manager.selected_slugs() == [reuters.id]


def test_merge_through_the_dialog_writes_the_changed_grade_into_history(
    qtbot: QtBot,
    manager: SourcesDialog,
    db: Database,
    make_incident: IncidentFactory,
) -> None:
    aamaq = source_service.create_source(
        db, SourceData(name="Aamaq", kind="claimant", reliability="E")
    )
    amaq = source_service.create_source(
        db, SourceData(name="Amaq News", kind="claimant", reliability="F")
    )
    cited = incident_service.create_incident(
        db, make_incident(citations=(Citation(source=aamaq.id, credibility=4),))
    )
    manager.reload()

    click_row(qtbot, manager, "Aamaq")
    click_row(qtbot, manager, "Amaq News", modifier=Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(manager.merge_button, Qt.MouseButton.LeftButton)
    chooser = manager.chooser
    assert chooser is not None
    chooser.choose(amaq.id)
    box = chooser.findChild(QDialogButtonBox)
    assert box is not None
    with qtbot.waitSignal(manager.changed):
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    [change] = [
        c
        for c in history_service.incident_history(db, cited.id or "")
        if c.action == history_service.UPDATED
    ]
    assert (change.field, change.old, change.new) == ("Citation 1", "Aamaq E4", "Amaq News F4")


def test_merge_answered_no_changes_nothing(
    qtbot: QtBot, manager: SourcesDialog, dialogs: RecordingDialogs, db: Database
) -> None:
    dialogs.answer = False
    manager.table.selectAll()
    qtbot.mouseClick(manager.merge_button, Qt.MouseButton.LeftButton)
    chooser = manager.chooser
    assert chooser is not None
    chooser.accept()
    assert dialogs.kinds() == ["question"]
    assert len(source_service.list_sources(db)) == 2


def test_delete_is_for_uncited_sources_only(
    qtbot: QtBot,
    manager: SourcesDialog,
    dialogs: RecordingDialogs,
    db: Database,
    make_incident: IncidentFactory,
) -> None:
    incident_service.create_incident(
        db, make_incident(citations=(Citation(source="u-s-central-command", credibility=2),))
    )
    manager.reload()
    click_row(qtbot, manager, "U.S. Central Command")
    assert not manager.delete_button.isEnabled()
    assert "cited" in manager.delete_button.toolTip()
    qtbot.keyClick(manager.table, Qt.Key.Key_Delete)  # the key does nothing either
    assert dialogs.messages == []

    click_row(qtbot, manager, "Reuters")
    assert manager.delete_button.isEnabled()
    with qtbot.waitSignal(manager.changed):
        qtbot.keyClick(manager.table, Qt.Key.Key_Delete)
    assert dialogs.kinds() == ["question"]
    assert "Reuters" in dialogs.messages[0][2]
    assert list(by_slug(db)) == ["u-s-central-command"]
    assert manager.count_label.text() == "1 source"


def test_delete_answered_no_keeps_the_source(
    qtbot: QtBot, manager: SourcesDialog, dialogs: RecordingDialogs, db: Database
) -> None:
    dialogs.answer = False
    click_row(qtbot, manager, "Reuters")
    qtbot.mouseClick(manager.delete_button, Qt.MouseButton.LeftButton)
    assert dialogs.kinds() == ["question"]
    assert len(source_service.list_sources(db)) == 2


def test_show_incidents_emits_the_slug(
    qtbot: QtBot,
    manager: SourcesDialog,
    db: Database,
    sources: tuple[SourceData, SourceData],
    make_incident: IncidentFactory,
) -> None:
    centcom, _reuters = sources
    incident_service.create_incident(db, make_incident())
    manager.reload()
    click_row(qtbot, manager, "U.S. Central Command")
    with qtbot.waitSignal(manager.show_incidents) as shown:
        qtbot.mouseClick(manager.show_button, Qt.MouseButton.LeftButton)
    assert shown.args == [centcom.id]

    with qtbot.waitSignal(manager.show_incidents) as shown:
        double_click_row(qtbot, manager, "U.S. Central Command", SourceTableModel.COL_INCIDENTS)
    assert shown.args == [centcom.id]
    assert manager.form is None  # a double-click on the count does not open the form


def test_show_incidents_disabled_for_an_uncited_source(
    qtbot: QtBot, manager: SourcesDialog
) -> None:
    click_row(qtbot, manager, "Reuters")
    assert not manager.show_button.isEnabled()
    assert manager.show_button.toolTip() == "No incident cites this source"


def test_double_click_on_a_name_edits(qtbot: QtBot, manager: SourcesDialog) -> None:
    double_click_row(qtbot, manager, "Reuters", SourceTableModel.COL_NAME)
    assert open_form(manager).name_edit.text() == "Reuters"


def test_empty_workspace_says_what_to_do(qtbot: QtBot, db: Database) -> None:
    dialog = SourcesDialog(db, dialogs=RecordingDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.count_label.text() == "0 sources"
    assert dialog.stack.currentWidget() is dialog.empty_label
    assert "New…" in dialog.empty_label.text()


def test_markup_in_names_stays_plain(qtbot: QtBot, manager: SourcesDialog, db: Database) -> None:
    source_service.create_source(db, SourceData(name="<b>bold</b> & co", url="https://x/<i>"))
    manager.reload()
    row = names(manager).index("<b>bold</b> & co")
    tooltip = manager.model.data(
        manager.model.index(row, SourceTableModel.COL_NAME), Qt.ItemDataRole.ToolTipRole
    )
    assert "<b>" not in tooltip
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in tooltip


def test_shown_again_it_reads_afresh(qtbot: QtBot, manager: SourcesDialog, db: Database) -> None:
    qtbot.mouseClick(manager.close_button, Qt.MouseButton.LeftButton)
    assert not manager.isVisible()
    source_service.create_source(db, SourceData(name="Added elsewhere"))
    manager.show()
    assert "Added elsewhere" in names(manager)
    assert manager.count_label.text() == "3 sources"


def test_sorting_keeps_the_selection(
    qtbot: QtBot, manager: SourcesDialog, db: Database, make_incident: IncidentFactory
) -> None:
    incident_service.create_incident(
        db, make_incident(citations=(Citation(source="reuters", credibility=3),))
    )
    manager.reload()
    click_row(qtbot, manager, "U.S. Central Command")
    header = manager.table.horizontalHeader()
    x = header.sectionViewportPosition(SourceTableModel.COL_INCIDENTS) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    counts = [source.incident_count for source in manager.model.sources]
    assert counts in ([0, 1], [1, 0])
    assert manager.selected_slugs() == ["u-s-central-command"]


def test_new_after_a_fruitless_filter_starts_with_that_name(
    qtbot: QtBot, manager: SourcesDialog
) -> None:
    qtbot.keyClick(manager, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert manager.filter_edit.hasFocus()
    qtbot.keyClicks(manager.filter_edit, "Rudaw")
    qtbot.mouseClick(manager.new_button, Qt.MouseButton.LeftButton)
    assert open_form(manager).name_edit.text() == "Rudaw"
