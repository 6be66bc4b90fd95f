"""File ▸ Import… of a spreadsheet (CSV or XLSX): see the first rows, choose which column
feeds which field, see every row's problems, then import.

The mapping starts guessed from the headers (:func:`desktop.formats.table.layout`); a
dropdown above each column changes it. Presets are saved mappings (the user's settings,
:mod:`desktop.views.partials.import_presets`), ACLED's built in. Every change reads the
whole file again with the workspace's rules and lists each row's problems ("row 6:
when.start: missing"), so nothing is written before the analyst has seen them. The dialog
only chooses: :meth:`reader` is the format the main window then imports with, in the
background like any import.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DeskError, ValidationError
from desktop.formats import acled, cells, sheets, table
from desktop.formats.table_write import CSV
from desktop.views.partials.import_presets import ACLED, GUESSED, PresetStore
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from desktop.formats.base import Format
    from desktop.records import Document

# Rows shown in the preview; the problems are checked for every row.
PREVIEW_ROWS = 8
NOT_IMPORTED = "(not imported)"


class ImportWizard(QDialog):
    def __init__(
        self,
        path: Path,
        raw: bytes,
        check: Callable[[bytes, Format], Document],
        presets: PresetStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``check(raw, reader) → Document`` reads with the workspace's rules (the import
        service's), so the dialog shows exactly what an import would refuse."""
        super().__init__(parent)
        self.setWindowTitle(f"Import {path.name}")
        self.resize(980, 620)
        self._raw, self._check = raw, check
        self._presets = presets or PresetStore()
        self._layout: table.Layout | None = None
        self._refreshing = False
        self.document: Document | None = None

        self.preset = QComboBox()
        self.preset.addItems(self._presets.names())
        self.sheet = QComboBox()
        self.sheet.addItems(sheets.sheet_names(raw))
        self.header_row = QSpinBox()
        self.header_row.setRange(0, 1_000_000)
        self.header_row.setSpecialValueText("detected")
        form = QFormLayout()
        form.addRow("Preset", self.preset)
        if self.sheet.count():
            form.addRow("Sheet", self.sheet)
        form.addRow("Header row", self.header_row)

        self.preview = QTableWidget()
        self.preview.verticalHeader().setVisible(True)
        self.problems = QListWidget()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.skip_invalid = QCheckBox("Import the other rows, leaving out those with problems")
        self.preset_name = QLineEdit()
        self.preset_name.setPlaceholderText("Name for this mapping")
        self.save_preset = QPushButton("Save as preset")
        saving = QHBoxLayout()
        saving.addWidget(self.preset_name)
        saving.addWidget(self.save_preset)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("The first rows; choose above each column the field it holds:"))
        layout.addWidget(self.preview, 3)
        layout.addWidget(self.status)
        layout.addWidget(self.problems, 2)
        layout.addWidget(self.skip_invalid)
        layout.addLayout(saving)
        layout.addWidget(self.buttons)

        if acled.recognises(raw):
            self.preset.setCurrentText(ACLED)
        self.preset.currentTextChanged.connect(lambda _t: self._relayout())
        self.sheet.currentTextChanged.connect(lambda _t: self._relayout())
        self.header_row.valueChanged.connect(lambda _v: self._relayout())
        self.skip_invalid.toggled.connect(lambda _on: self._update_button())
        self.save_preset.clicked.connect(self._save_preset)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._relayout()

    # --- what the dialog chose -----------------------------------------------------------

    @property
    def acled(self) -> bool:
        return self.preset.currentText() == ACLED

    def options(self) -> table.Options:
        return table.Options(
            mapping=self.mapping(),
            header_row=self.header_row.value() or None,
            sheet=self.sheet.currentText(),
            skip_invalid=self.skip_invalid.isChecked(),
        )

    def reader(self) -> Format:
        """The format to import the file with, as chosen."""
        if self.acled:
            return acled.with_skip(self.skip_invalid.isChecked())
        return table.with_options(CSV, self.options())

    def mapping(self) -> dict[str, str]:
        """Field path → column (its header, or its letter when the header is blank or not
        unique), as the dropdowns say."""
        chosen: dict[str, str] = {}
        if self._layout is None:
            return chosen
        headers = self._layout.headers
        for index in range(self.preview.columnCount()):
            combo = self.preview.cellWidget(0, index)
            if not isinstance(combo, QComboBox) or combo.currentData() is None:
                continue
            header = headers[index] if index < len(headers) else ""
            unique = header and [h.casefold() for h in headers].count(header.casefold()) == 1
            chosen[combo.currentData()] = header if unique else table.column_letter(index)
        return chosen

    # --- reading the file again as choices change ------------------------------------------

    def _relayout(self) -> None:
        """Headers and guessed mapping afresh (the preset, sheet or header row changed)."""
        preset = self.preset.currentText()
        given = {} if preset in (GUESSED, ACLED) else self._presets.saved().get(preset, {})
        options = table.Options(
            mapping=given,
            header_row=self.header_row.value() or None,
            sheet=self.sheet.currentText(),
        )
        try:
            self._layout = table.layout(self._raw, options)
        except ValidationError as exc:
            self._layout = None
            self._show_problem(str(exc))
            return
        self._fill_preview(self._layout, options)
        self._recheck()

    def _fill_preview(self, at: table.Layout, options: table.Options) -> None:
        self._refreshing = True
        rows = []
        for number, values in table.data_rows(self._raw, options, at):
            rows.append((number, values))
            if len(rows) == PREVIEW_ROWS:
                break
        width = max([len(at.headers), *(len(v) for _n, v in rows)])
        self.preview.clear()
        self.preview.setColumnCount(width)
        self.preview.setRowCount(len(rows) + 1)
        self.preview.setHorizontalHeaderLabels(
            [
                (at.headers[i] if i < len(at.headers) and at.headers[i] else "")
                or table.column_letter(i)
                for i in range(width)
            ]
        )
        self.preview.setVerticalHeaderLabels(["field", *(str(n) for n, _v in rows)])
        field_of = {index: key for key, index in at.columns.items()}
        for index in range(width):
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED, None)
            for key, label in table.FIELDS.items():
                combo.addItem(f"{label} ({key})", key)
            if index in field_of:
                combo.setCurrentIndex(combo.findData(field_of[index]))
            combo.setEnabled(not self.acled)
            combo.currentIndexChanged.connect(lambda _i, c=index: self._picked(c))
            self.preview.setCellWidget(0, index, combo)
        for row, (_number, values) in enumerate(rows, 1):
            for index, value in enumerate(values):
                self.preview.setItem(row, index, QTableWidgetItem(cells.text(value)[:200]))
        self.preview.resizeColumnsToContents()
        self._refreshing = False

    def _picked(self, column: int) -> None:
        """A dropdown changed: a field feeds one column only, so it leaves any other."""
        if self._refreshing:
            return
        combo = self.preview.cellWidget(0, column)
        assert isinstance(combo, QComboBox)
        key = combo.currentData()
        self._refreshing = True
        for index in range(self.preview.columnCount()):
            other = self.preview.cellWidget(0, index)
            if index != column and isinstance(other, QComboBox) and other.currentData() == key:
                if key is not None:
                    other.setCurrentIndex(0)
        self._refreshing = False
        self._recheck()

    def _recheck(self) -> None:
        """Read every row with the workspace's rules and list each row's problems."""
        self.problems.clear()
        # Bad rows left out, so that every one of them is listed, not only the first.
        if self.acled:
            reading = acled.with_skip(True)
        else:
            reading = table.with_options(CSV, replace(self.options(), skip_invalid=True))
        try:
            document = self.document = self._check(self._raw, reading)
        except DeskError as exc:
            self.document = None
            self._show_problem(str(exc))
            return
        self.problems.addItems(list(document.skipped))
        ready = len(document.incidents)
        text = f"{plural(ready, 'row')} ready to import"
        if document.skipped:
            text += f"; {plural(len(document.skipped), 'row')} with problems, listed below"
        self.status.setText(text + ".")
        self._update_button()

    def _show_problem(self, text: str) -> None:
        self.problems.clear()
        self.problems.addItem(text)
        self.status.setText("This file cannot be imported as it is:")
        self.import_button.setEnabled(False)

    def _update_button(self) -> None:
        document = self.document
        ok = document is not None and bool(document.incidents)
        if document is not None and document.skipped and not self.skip_invalid.isChecked():
            ok = False
        self.import_button.setEnabled(ok)

    def _save_preset(self) -> None:
        name = self.preset_name.text().strip()
        if not name or name in (GUESSED, ACLED) or self.acled:
            return
        self._presets.save(name, self.mapping())
        if self.preset.findText(name) < 0:
            self.preset.addItem(name)
        self._refreshing = True
        self.preset.setCurrentText(name)
        self._refreshing = False
        self.preset_name.clear()
