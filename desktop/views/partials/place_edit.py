"""Where an incident happened: place, province, country, optional coordinates, precision.

Coordinates are typed as text so the analyst can paste ``33.785``; what is not a number is
reported by :meth:`PlaceEdit.problems` (the services' rules report what is out of range).
A pair pasted into the place, latitude or longitude field fills both coordinates.

Typing a place suggests known ones (:mod:`place_suggestions`, given a finder with
:meth:`PlaceEdit.set_place_finder`); choosing one fills every field. "Pick on map" asks a
point picker (:meth:`PlaceEdit.set_point_picker`: an object with ``pick_point()`` and a
``point_picked(lat, lon)`` signal, such as the map view) and is shown only when there is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.domain import GeoPrecision, country_codes, country_name
from desktop.errors import ValidationError
from desktop.parsing import (
    country_code_for,
    inserted_length,
    inserted_text,
    parse_coordinate,
    parse_coordinate_pair,
)
from desktop.services import limits
from desktop.services.dto import Where
from desktop.services.gazetteer import CREDIT as GAZETTEER_CREDIT
from desktop.views.partials.place_suggestions import PlaceSuggestions

if TYPE_CHECKING:
    from desktop.services.gazetteer import Place
    from desktop.views.partials.place_suggestions import PlaceFinder

NO_COUNTRY = ""
# What ``changed`` names when a known place or a point on the map filled several fields at
# once: an undo step of its own, never merged with the typing before it.
CHOSEN = "where"
# name, admin1, country text, lat text, lon text, precision
PlaceState = tuple[str, str, str, str, str, int]


def country_label(code: str) -> str:
    return f"{country_name(code)} ({code})"


def _coordinate_text(value: float) -> str:
    """36.535555… → "36.535556": six decimals are a tenth of a metre."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


class CountryCombo(QComboBox):
    """Every ISO 3166 country by name, searchable by any part of its name or its code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem("", NO_COUNTRY)
        for code in sorted(country_codes(), key=lambda c: country_name(c).casefold()):
            self.addItem(country_label(code), code)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText("Type to search: Iraq, IQ…")
        line.editingFinished.connect(self._show_chosen)

    def code(self) -> str | None:
        """The chosen code, "" for none, None when the text names no country.

        A name or code typed exactly ("Iraq", "iq") counts as chosen: the list only helps.
        """
        text = self.currentText().strip()
        if not text:
            return NO_COUNTRY
        return country_code_for(text)

    def _show_chosen(self) -> None:
        """Show what a typed "iraq" was read as: the list's "Iraq (IQ)"."""
        code = self.code()
        if code:
            index = self.findData(code)
            if index >= 0 and self.currentText() != self.itemText(index):
                self.setCurrentIndex(index)

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)
        else:  # an unknown code read from an import is shown as it is
            self.setEditText(code)


class PlaceEdit(QWidget):
    changed = Signal(str)  # the field's key, for the undo history
    typed = Signal(str)  # keystrokes in a text field (merged into one undo step)
    place_chosen = Signal(object)  # a known Place, after its fields were filled

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("e.g. al-Asad airbase")
        self.name_edit.setToolTip(
            "Type a town's name, in any script, to choose it from the known places "
            f"({GAZETTEER_CREDIT}); or paste coordinates such as 36.5356, 44.3516."
        )
        self.admin1_edit = QLineEdit(self)
        self.admin1_edit.setPlaceholderText("Province or state, e.g. Anbar")
        # As long as the database holds (services/limits.py): typing stops there.
        self.name_edit.setMaxLength(limits.PLACE)
        self.admin1_edit.setMaxLength(limits.ADMIN1)
        self.country_combo = CountryCombo(self)
        self.lat_edit = QLineEdit(self)
        self.lat_edit.setPlaceholderText("e.g. 33.785 (optional)")
        self.lat_edit.setToolTip("Latitude in decimal degrees, WGS84: -90 (south) to 90 (north).")
        self.lon_edit = QLineEdit(self)
        self.lon_edit.setPlaceholderText("e.g. 42.441 (optional)")
        self.lon_edit.setToolTip("Longitude in decimal degrees, WGS84: -180 (west) to 180 (east).")
        self.precision_combo = QComboBox(self)
        for code, label in GeoPrecision.LABELS.items():
            self.precision_combo.addItem(f"{code} — {label}", code)
        self.precision_combo.setToolTip("How precisely the place is known (ACLED geo-precision).")
        self.suggestions = PlaceSuggestions(self.name_edit, self.country_combo.code)
        self.suggestions.chosen.connect(self.choose_place)
        self.pick_button = QPushButton("Pick on &map", self)
        self.pick_button.setToolTip("Click the place on the map to set its coordinates.")
        self.pick_button.clicked.connect(self._pick_on_map)
        self.pick_button.hide()  # until there is a map to pick on
        self._picker: Any = None
        self._picking = False

        for edit, key in (
            (self.name_edit, "where.name"),
            (self.admin1_edit, "where.admin1"),
            (self.lat_edit, "where.lat"),
            (self.lon_edit, "where.lon"),
        ):
            edit.textEdited.connect(lambda _text, key=key: self.typed.emit(key))
        # A pasted "36.5356, 44.3516" fills both fields at once; a pair typed by hand is
        # split when the field is left, so nothing jumps to the other field mid-typing.
        self._seen: dict[QLineEdit, str] = {}
        for edit in (self.lat_edit, self.lon_edit):
            edit.textEdited.connect(lambda text, edit=edit: self._on_coordinate_edited(edit, text))
            edit.editingFinished.connect(lambda edit=edit: self._split_pair(edit))
        self._seen_name = ""
        self.name_edit.textEdited.connect(self._on_name_edited)
        self.country_combo.currentTextChanged.connect(
            lambda _text: self.changed.emit("where.country")
        )
        self.precision_combo.activated.connect(lambda _i: self.changed.emit("where.precision"))

        # A grid so coordinates sit side by side without a form row each.
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        rows: tuple[tuple[str, str, QWidget], ...] = (
            ("where.name", "&Place", self.name_edit),
            ("where.admin1", "Pro&vince", self.admin1_edit),
            ("where.country", "Cou&ntry", self.country_combo),
        )
        for row, (key, caption, widget) in enumerate(rows):
            caption_label = QLabel(caption, self)
            caption_label.setBuddy(widget)
            self.labels[key] = caption_label
            layout.addWidget(caption_label, row, 0)
            layout.addWidget(widget, row, 1, 1, 3)
        lat_label = QLabel("&Latitude", self)
        lat_label.setBuddy(self.lat_edit)
        lon_label = QLabel("Lon&gitude", self)
        lon_label.setBuddy(self.lon_edit)
        layout.addWidget(lat_label, 3, 0)
        layout.addWidget(self.lat_edit, 3, 1)
        layout.addWidget(lon_label, 3, 2)
        layout.addWidget(self.lon_edit, 3, 3)
        layout.addWidget(self.pick_button, 3, 4)
        precision_label = QLabel("Geo-p&recision", self)
        precision_label.setBuddy(self.precision_combo)
        layout.addWidget(precision_label, 4, 0)
        layout.addWidget(self.precision_combo, 4, 1, 1, 3)
        self.labels.update(
            {
                "where.lat": lat_label,
                "where.lon": lon_label,
                "where.precision": precision_label,
            }
        )
        layout.setColumnStretch(1, 1)
        layout.setColumnStretch(3, 1)
        self.set_value(Where())

    def value(self) -> tuple[Where, list[ValidationError]]:
        """The place as typed and what the fields themselves find wrong with it."""
        problems: list[ValidationError] = []
        coordinates: dict[str, float | None] = {}
        for name, edit in (("lat", self.lat_edit), ("lon", self.lon_edit)):
            try:
                coordinates[name] = parse_coordinate(edit.text(), name)
            except ValueError:
                coordinates[name] = None
                problems.append(ValidationError(f"where.{name}", "must be a number, e.g. 33.785"))
        code = self.country_combo.code()
        if code is None:
            problems.append(ValidationError("where.country", "choose a country from the list"))
        where = Where(
            name=self.name_edit.text().strip(),
            admin1=self.admin1_edit.text().strip(),
            country=code or "",
            lat=coordinates["lat"],
            lon=coordinates["lon"],
            precision=int(self.precision_combo.currentData()),
        )
        if problems:
            # What the fields refuse is reported once, by the fields, not again as "give both".
            where = Where(where.name, where.admin1, where.country, None, None, where.precision)
        return where, problems

    def set_value(self, where: Where) -> None:
        self.name_edit.setText(where.name)
        self._seen_name = where.name
        self.admin1_edit.setText(where.admin1)
        self.country_combo.set_code(where.country)
        self.lat_edit.setText("" if where.lat is None else str(where.lat))
        self.lon_edit.setText("" if where.lon is None else str(where.lon))
        self._seen = {self.lat_edit: self.lat_edit.text(), self.lon_edit: self.lon_edit.text()}
        self.precision_combo.setCurrentIndex(max(0, self.precision_combo.findData(where.precision)))

    def state(self) -> PlaceState:
        return (
            self.name_edit.text(),
            self.admin1_edit.text(),
            self.country_combo.currentText(),
            self.lat_edit.text(),
            self.lon_edit.text(),
            int(self.precision_combo.currentData()),
        )

    def set_state(self, state: PlaceState) -> None:
        name, admin1, country, lat, lon, precision = state
        self.name_edit.setText(name)
        self._seen_name = name
        self.admin1_edit.setText(admin1)
        self.country_combo.setEditText(country)
        index = self.country_combo.findText(country, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            self.country_combo.setCurrentIndex(index)
        self.lat_edit.setText(lat)
        self.lon_edit.setText(lon)
        self._seen = {self.lat_edit: lat, self.lon_edit: lon}
        self.precision_combo.setCurrentIndex(max(0, self.precision_combo.findData(precision)))

    def _on_coordinate_edited(self, edit: QLineEdit, text: str) -> None:
        before, self._seen[edit] = self._seen.get(edit, ""), text
        if inserted_length(before, text) > 1:
            self._split_pair(edit)

    def _split_pair(self, edit: QLineEdit) -> None:
        pair = parse_coordinate_pair(edit.text())
        if pair is None:
            return
        for field, value in zip((self.lat_edit, self.lon_edit), pair, strict=True):
            field.setText(_coordinate_text(value))
            self._seen[field] = field.text()
        self.typed.emit("where.lat" if edit is self.lat_edit else "where.lon")

    # --- known places and the map ---------------------------------------------------------

    def set_place_finder(self, finder: PlaceFinder | None) -> None:
        """Suggest places from ``finder`` as the place is typed (None: no suggestions)."""
        self.suggestions.set_finder(finder)

    def choose_place(self, place: Place) -> None:
        """Fill the fields from a known place: a town's centroid, so geo-precision 1 (ACLED
        codes an event in a named town at the town's coordinates with precision 1)."""
        # Quiet while filling (the country would report itself): one change, one undo step.
        blocked = self.blockSignals(True)
        try:
            self.name_edit.setText(place.name)
            self._seen_name = place.name
            self.admin1_edit.setText(place.admin1)
            self.country_combo.set_code(place.country)
            self._set_coordinates(place.lat, place.lon)
            self.precision_combo.setCurrentIndex(
                max(0, self.precision_combo.findData(GeoPrecision.EXACT))
            )
        finally:
            self.blockSignals(blocked)
        self.changed.emit(CHOSEN)
        self.place_chosen.emit(place)

    def set_point_picker(self, picker: Any) -> None:
        """Offer "Pick on map" with ``picker``: ``picker.pick_point()`` starts picking and
        ``picker.point_picked`` (lat, lon) ends it. None hides the button again."""
        self._stop_picking()
        self._picker = picker
        self.pick_button.setVisible(picker is not None)

    def _pick_on_map(self) -> None:
        if self._picker is None:
            return
        self._stop_picking()  # a second click starts over, never sets the point twice
        self._picker.point_picked.connect(self._on_point_picked)
        self._picking = True
        self._picker.pick_point()

    def _on_point_picked(self, lat: float, lon: float) -> None:
        self._stop_picking()
        self._set_coordinates(lat, lon)
        self.changed.emit(CHOSEN)

    def _stop_picking(self) -> None:
        if self._picking and self._picker is not None:
            self._picker.point_picked.disconnect(self._on_point_picked)
        self._picking = False

    def _set_coordinates(self, lat: float, lon: float) -> None:
        for edit, value in ((self.lat_edit, lat), (self.lon_edit, lon)):
            edit.setText(_coordinate_text(value))
            self._seen[edit] = edit.text()

    def _on_name_edited(self, text: str) -> None:
        """A pair of coordinates pasted as the place goes to the coordinates instead."""
        before, self._seen_name = self._seen_name, text
        pasted = inserted_text(before, text)
        if len(pasted) > 1 and (pair := parse_coordinate_pair(pasted)) is not None:
            self.suggestions.popup.hide()
            self.name_edit.setText(before)
            self._seen_name = before
            self._set_coordinates(*pair)
            self.typed.emit("where.lat")
