"""The incident editor's small parts on their own: parsing, wording, completion rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from desktop.errors import ValidationError
from desktop.views.partials.editor_problems import field_root, problem_text
from desktop.views.partials.place_edit import CountryCombo, PlaceEdit, parse_coordinate
from desktop.views.partials.tags_edit import join_tags, split_tags

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database


@pytest.mark.parametrize(
    ("text", "value"),
    [("", None), ("  ", None), ("33.785", 33.785), ("-42,441", -42.441), (" 12 ", 12.0)],
)
def test_coordinates_parse_as_typed(text: str, value: float | None) -> None:
    assert parse_coordinate(text) == value


@pytest.mark.parametrize("text", ["north", "1.2.3", "nan", "inf", "1,2,3"])
def test_coordinates_that_are_not_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_coordinate(text)


def test_place_reports_what_its_fields_refuse(qtbot: QtBot) -> None:
    place = PlaceEdit()
    qtbot.addWidget(place)
    place.lat_edit.setText("north")
    place.lon_edit.setText("42.4")
    place.country_combo.setEditText("Atlantis")
    where, problems = place.value()
    assert [(p.field, p.problem) for p in problems] == [
        ("where.lat", "must be a number, e.g. 33.785"),
        ("where.country", "choose a country from the list"),
    ]
    # Refused coordinates are left out rather than half given.
    assert (where.lat, where.lon) == (None, None)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Iraq (IQ)", "IQ"), ("iraq (iq)", "IQ"), ("sy", "SY"), ("", ""), ("Atlantis", None)],
)
def test_country_combo_reads_names_and_codes(qtbot: QtBot, typed: str, code: str | None) -> None:
    combo = CountryCombo()
    qtbot.addWidget(combo)
    combo.setEditText(typed)
    assert combo.code() == code


def test_tags_split_and_join() -> None:
    assert split_tags(" drone, US bases,, ,Anbar ") == ("drone", "US bases", "Anbar")
    assert join_tags(("drone", "US bases")) == "drone, US bases"


@pytest.mark.parametrize(
    ("field", "problem", "text"),
    [
        ("title", "is required", "Title is required."),
        ("when.end", "before start", "End before start."),
        ("where.lat", "123.0 is outside -90…90", "Latitude 123.0 is outside -90…90."),
        (
            "where.lat",
            "latitude and longitude go together: give both or neither",
            "Latitude and longitude go together: give both or neither.",
        ),
        (
            "citations[1].retrieved",
            "before the publication date",
            "Citation 2 retrieved before the publication date.",
        ),
        ("actors[0].name", "is required", "Actor 1 name is required."),
        ("tags[2]", "'drone' is given twice", "Tag 3: 'drone' is given twice."),
    ],
)
def test_problems_read_as_sentences(field: str, problem: str, text: str) -> None:
    assert problem_text(ValidationError(field, problem)) == text


@pytest.mark.parametrize(
    ("field", "root"),
    [
        ("title", "title"),
        ("where.lat", "where"),
        ("citations[0].source", "citations"),
        ("tags[1]", "tags"),
    ],
)
def test_field_roots(field: str, root: str) -> None:
    assert field_root(field) == root


def test_a_pause_in_typing_starts_a_new_undo_step(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.views.incident_editor import IncidentEditor
    from desktop.views.partials import editor_undo

    clock = [100.0]
    monkeypatch.setattr(editor_undo.time, "monotonic", lambda: clock[0])
    editor = IncidentEditor(db)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.title_edit, "Drone strike")
    clock[0] += 2.0  # the analyst pauses
    qtbot.keyClicks(editor.title_edit, " near Erbil")
    editor.undo_stack.undo()
    assert editor.title_edit.text() == "Drone strike"
    editor.undo_stack.undo()
    assert editor.title_edit.text() == ""
