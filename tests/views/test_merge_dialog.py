"""The merge dialog defaults to the analyst's own version and records each choice."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.domain import Status
from desktop.services import incidents as service
from desktop.services import merge
from desktop.views.merge_dialog import MergeDialog

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def test_choices_become_the_merged_record(
    qtbot: QtBot, db: Database, make_incident: IncidentFactory
) -> None:
    base = service.create_incident(db, make_incident())
    theirs = service.update_incident(
        db, replace(base, title="<b>Theirs</b>", status=Status.DISPUTED, notes="their note")
    )
    mine = replace(base, title="Mine", status=Status.REPORTED)
    plan = merge.plan(base, mine, theirs)
    dialog = MergeDialog(plan, "bob", None)
    qtbot.addWidget(dialog)
    assert {c.part for c in plan.conflicts} == {"Title", "Status"}
    assert dialog.choose_theirs() == set()
    dialog.choose("Status", theirs=True)
    merged = merge.resolve(plan, theirs, dialog.choose_theirs())
    assert (merged.title, merged.status, merged.notes) == ("Mine", Status.DISPUTED, "their note")
    labels = dialog.findChildren(QLabel)
    assert "<b>Theirs</b>" in [label.text() for label in labels]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
