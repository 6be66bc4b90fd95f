"""The source form as an analyst fills it: checked while typing, never saving by itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from desktop.domain import RELIABILITY
from desktop.services import sources as source_service
from desktop.services.dto import SourceData
from desktop.views.partials.source_form import SourceDialog

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database


@pytest.fixture
def form(qtbot: QtBot) -> SourceDialog:
    dialog = SourceDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_empty_name_is_refused_until_fixed(qtbot: QtBot, form: SourceDialog) -> None:
    ok = form.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert form.windowTitle() == "New source"
    assert not ok.isEnabled()
    assert form.name_problem.isHidden()  # no blame before the analyst has typed anything

    qtbot.keyClicks(form.name_edit, "Reuters")
    assert ok.isEnabled()
    assert form.name_problem.isHidden()

    form.name_edit.selectAll()
    qtbot.keyClick(form.name_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(form.name_edit, "   ")
    assert not ok.isEnabled()
    assert form.name_problem.isVisible()
    assert form.name_problem.text() == "Name is required."
    assert form.name_problem.textFormat() == Qt.TextFormat.PlainText

    # Enter in the name field must not slip a blank source past the disabled button.
    qtbot.keyClick(form.name_edit, Qt.Key.Key_Return)
    assert form.isVisible()
    assert form.result() != QDialog.DialogCode.Accepted

    qtbot.keyClicks(form.name_edit, "AP")
    assert ok.isEnabled()
    assert form.name_problem.isHidden()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert form.result() == QDialog.DialogCode.Accepted
    assert form.source_data().name == "AP"


def test_values_come_back_as_a_source(qtbot: QtBot, form: SourceDialog) -> None:
    qtbot.keyClicks(form.name_edit, "  Kurdistan 24  ")
    form.kind_combo.setCurrentIndex(form.kind_combo.findData("media"))
    form.reliability_combo.set_code("C")
    qtbot.keyClicks(form.url_edit, "https://www.kurdistan24.net ")
    qtbot.keyClicks(form.notes_edit, "Erbil-based broadcaster.")

    data = form.source_data()
    assert data == SourceData(
        name="Kurdistan 24",
        kind="media",
        reliability="C",
        url="https://www.kurdistan24.net",
        notes="Erbil-based broadcaster.",
    )
    assert form.reliability_meaning.text() == RELIABILITY["C"].meaning


def test_long_name_is_refused(qtbot: QtBot, form: SourceDialog) -> None:
    form.name_edit.setText("x" * 301)
    form.name_edit.textEdited.emit(form.name_edit.text())
    assert not form.ok_button_enabled()
    assert "longer than 300" in form.name_problem.text()


def test_editing_keeps_id_version_and_counts(qtbot: QtBot, db: Database) -> None:
    saved = source_service.create_source(
        db, SourceData(name="SOFREP", kind="media", reliability="C", url="https://sofrep.com")
    )
    dialog = SourceDialog(None, saved)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit source — SOFREP"
    assert not dialog.is_new
    assert dialog.ok_button_enabled()
    assert dialog.name_edit.text() == "SOFREP"
    assert dialog.kind_combo.currentData() == "media"
    assert dialog.reliability_combo.code() == "C"
    assert dialog.url_edit.text() == "https://sofrep.com"

    dialog.reliability_combo.set_code("D")
    dialog.url_edit.clear()
    data = dialog.source_data()
    assert (data.id, data.version) == (saved.id, saved.version)
    assert data.reliability == "D"
    assert data.url is None
    # The form hands back a record the service accepts as it is.
    assert source_service.update_source(db, data).reliability == "D"


def test_a_typed_but_unsaved_source_reopens_as_new(qtbot: QtBot) -> None:
    dialog = SourceDialog(source=SourceData(name="Draft", kind="ngo", reliability="B"))
    qtbot.addWidget(dialog)
    assert dialog.is_new
    assert dialog.windowTitle() == "New source"
    assert dialog.ok_button_enabled()
    assert dialog.source_data().kind == "ngo"


def test_markup_in_a_name_is_plain_text(qtbot: QtBot) -> None:
    dialog = SourceDialog(source=SourceData(name="<b>x</b>", id="b-x", version=1))
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "<b>x</b>"
    assert dialog.windowTitle() == "Edit source — <b>x</b>"


@pytest.mark.parametrize("width", [420, 640])
def test_the_reliability_meaning_keeps_the_fields_below_in_place(
    qtbot: QtBot, form: SourceDialog, width: int
) -> None:
    form.resize(width, form.height())
    seen: set[tuple[int, int]] = set()
    for grade in RELIABILITY.values():
        form.reliability_combo.set_code(grade.code)
        qtbot.wait(1)  # the layout settles
        assert form.reliability_meaning.text() == grade.meaning  # whole, even when elided
        seen.add((form.url_edit.y(), form.reliability_meaning.height()))
    assert len(seen) == 1, seen  # the web address row never moves
