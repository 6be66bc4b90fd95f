"""The editor's plain text fields come from the field table (desktop/fields.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, get_type_hints

from desktop.fields import INCIDENT_FIELDS
from desktop.records import IncidentData
from desktop.services import incidents as incident_service
from desktop.views.incident_editor import IncidentEditor
from desktop.views.partials.editor_form import TEXT_FIELDS, widget_text
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def test_the_text_fields_are_the_tables_texts_of_the_record_itself() -> None:
    hints = get_type_hints(IncidentData)
    texts = [f.key for f in INCIDENT_FIELDS if "." not in f.key and hints[f.key] is str]
    assert TEXT_FIELDS == tuple(texts)
    assert set(TEXT_FIELDS) >= {"title", "summary", "notes", "marking"}


def test_each_text_field_is_shown_kept_in_the_state_and_saved(
    qtbot: QtBot, db: Database, make_incident: IncidentFactory
) -> None:
    record = incident_service.create_incident(
        db, make_incident(notes="Check the claim.", marking="TLP:AMBER")
    )
    assert record.id is not None
    editor = IncidentEditor(db, record.id, dialogs=RecordingDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    state = editor.state()
    for key in TEXT_FIELDS:
        assert widget_text(editor.text_widgets[key]) == getattr(record, key), key
        assert state.text(key) == getattr(record, key), key
    data, problems = editor._collect()
    assert problems == []
    assert all(getattr(data, key) == getattr(record, key) for key in TEXT_FIELDS)
