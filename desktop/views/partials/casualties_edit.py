"""Casualties: killed and injured, each a number or "unknown", and what the sources say."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from desktop.services.dto import Casualties
from desktop.services.validation import MAX_CASUALTIES
from desktop.views.partials.editor_problems import problem_label

UNKNOWN = -1  # the spin boxes' step below zero, shown as "unknown"
CasualtiesState = tuple[int, int, str]


def _count_spin(parent: QWidget) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setRange(UNKNOWN, MAX_CASUALTIES)
    spin.setSpecialValueText("unknown")  # shown for the minimum, UNKNOWN
    spin.setToolTip('A number, or "unknown" (one step below 0) when the sources do not say.')
    spin.setMinimumWidth(110)
    return spin


class CasualtiesEdit(QWidget):
    typed = Signal(str)  # the field's path, on every change the analyst makes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.killed_spin = _count_spin(self)
        self.injured_spin = _count_spin(self)
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText('What the sources say, e.g. "minor injuries"')
        self.problem_label = problem_label(self)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, (caption, widget) in enumerate(
            (("Ki&lled", self.killed_spin), ("&Injured", self.injured_spin))
        ):
            label = QLabel(caption, self)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column * 2)
            grid.addWidget(widget, 0, column * 2 + 1)
        note_label = QLabel("N&ote", self)
        note_label.setBuddy(self.note_edit)
        grid.addWidget(note_label, 1, 0)
        grid.addWidget(self.note_edit, 1, 1, 1, 4)
        grid.addWidget(self.problem_label, 2, 1, 1, 4)
        grid.setColumnStretch(4, 1)

        self.killed_spin.valueChanged.connect(lambda _v: self.typed.emit("casualties.killed"))
        self.injured_spin.valueChanged.connect(lambda _v: self.typed.emit("casualties.injured"))
        self.note_edit.textEdited.connect(lambda _t: self.typed.emit("casualties.note"))

    def value(self) -> Casualties:
        killed, injured, note = self.state()
        return Casualties(
            killed=None if killed == UNKNOWN else killed,
            injured=None if injured == UNKNOWN else injured,
            note=note.strip(),
        )

    def set_value(self, casualties: Casualties) -> None:
        self.set_state(
            (
                UNKNOWN if casualties.killed is None else casualties.killed,
                UNKNOWN if casualties.injured is None else casualties.injured,
                casualties.note,
            )
        )

    def state(self) -> CasualtiesState:
        return (self.killed_spin.value(), self.injured_spin.value(), self.note_edit.text())

    def set_state(self, state: CasualtiesState) -> None:
        killed, injured, note = state
        self.killed_spin.setValue(killed)
        self.injured_spin.setValue(injured)
        if self.note_edit.text() != note:
            self.note_edit.setText(note)
