"""A tick box and the date it enables: one end of a period that may be left open."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def py_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateLimit(QWidget):
    """A tick box and the date it enables; cleared, the date reads "no limit"."""

    NO_LIMIT = QDate(1900, 1, 1)

    def __init__(self, label: str, tip: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.check = QCheckBox(label, self)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(self.NO_LIMIT)
        self.edit.setSpecialValueText("no limit")  # shown while the date is NO_LIMIT
        self.edit.setToolTip(tip)
        self.check.setToolTip(f"{tip}; clear for no limit")
        self._kept = QDate.currentDate()  # the date to offer again when ticked
        self.check.toggled.connect(self._toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        if on:
            self.edit.setDate(self._kept)
        else:
            if self.edit.date() != self.NO_LIMIT:
                self._kept = self.edit.date()
            self.edit.setDate(self.NO_LIMIT)

    def set_value(self, value: date | None, fallback: date) -> None:
        self._kept = qdate(value or fallback)
        self.check.setChecked(value is not None)
        self._toggled(value is not None)

    def value(self) -> date | None:
        return py_date(self.edit.date()) if self.check.isChecked() else None
