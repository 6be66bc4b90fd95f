"""Where an incident happened: place, province, country, optional coordinates, precision.

Coordinates are typed as text so the analyst can paste ``33.785``; what is not a number is
reported by :meth:`PlaceEdit.problems` (the services' rules report what is out of range).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop.domain import GeoPrecision, country_codes, country_name
from desktop.errors import ValidationError
from desktop.parsing import (
    country_code_for,
    inserted_length,
    parse_coordinate,
    parse_coordinate_pair,
)
from desktop.services import limits
from desktop.services.dto import Where

NO_COUNTRY = ""
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("e.g. al-Asad airbase")
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
