"""The export dialog's "in full" choices: the significance rule shown in words, pins either way.

A report prints its significant incidents in full and lists every incident in Annex A
(services.significance). The analyst sees the rule as the report will print it ("confirmed
or with casualties, the 20 highest-scoring") and changes it with a few controls; pins are
incident ids (or their first 8 characters), split by commas or spaces.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from desktop.errors import ValidationError
from desktop.services.significance import MAX_TOP, SignificanceRule, parse_rule
from desktop.views.partials.plain_widgets import plain_label


def id_list(text: str) -> tuple[str, ...]:
    """Incident ids as typed, split by commas or spaces."""
    return tuple(dict.fromkeys(text.replace(",", " ").split()))


class SignificanceEditor(QWidget):
    """Edits a SignificanceRule and the pins; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.every = QCheckBox("Every incident in full (short reports)", self)
        self.confirmed = QCheckBox("Confirmed", self)
        self.casualties = QCheckBox("With casualties, at least", self)
        self.min_casualties = QSpinBox(self)
        self.min_casualties.setRange(1, 100_000)
        self.limit = QCheckBox("At most, the highest-scoring", self)
        self.top = QSpinBox(self)
        self.top.setRange(1, MAX_TOP)
        self.words = plain_label("", self)
        self.words.setWordWrap(True)
        font = self.words.font()
        font.setBold(True)
        self.words.setFont(font)
        self.pinned = QLineEdit(self)
        self.pinned.setPlaceholderText("Incident ids, always in full")
        self.unpinned = QLineEdit(self)
        self.unpinned.setPlaceholderText("Incident ids, never in full")

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.every)
        form.addRow(self.confirmed)
        form.addRow(self._pair(self.casualties, self.min_casualties))
        form.addRow(self._pair(self.limit, self.top))
        form.addRow("Rule", self.words)
        form.addRow("Pinned", self.pinned)
        form.addRow("Unpinned", self.unpinned)
        hint = QLabel(
            "Incidents meeting any ticked criterion are printed in full, the highest-scoring "
            "first (casualties, status, confidence, best grade); every incident is listed in "
            "Annex A.",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        form.addRow(hint)

        for box in (self.every, self.confirmed, self.casualties, self.limit):
            box.toggled.connect(self._edited)
        for spin in (self.min_casualties, self.top):
            spin.valueChanged.connect(self._edited)
        for line in (self.pinned, self.unpinned):
            line.textChanged.connect(self.changed)
        self.set_rule(SignificanceRule())

    def _pair(self, box: QCheckBox, spin: QSpinBox) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        layout.addWidget(spin)
        layout.addStretch(1)
        return row

    def set_rule(self, rule: SignificanceRule | str) -> None:
        """Show ``rule`` (or its text, as remembered; a damaged one shows the default)."""
        if isinstance(rule, str):
            try:
                rule = parse_rule(rule)
            except ValidationError:
                rule = SignificanceRule()
        widgets = (self.every, self.confirmed, self.casualties, self.limit)
        for widget in widgets:
            widget.blockSignals(True)
        self.every.setChecked(rule.everything)
        self.confirmed.setChecked(rule.confirmed)
        self.casualties.setChecked(rule.min_casualties is not None)
        self.min_casualties.setValue(rule.min_casualties or 1)
        self.limit.setChecked(rule.top is not None)
        self.top.setValue(rule.top or 20)
        for widget in widgets:
            widget.blockSignals(False)
        self._edited()

    def rule(self) -> SignificanceRule:
        if self.every.isChecked():
            return SignificanceRule(False, None, None, everything=True)
        return SignificanceRule(
            confirmed=self.confirmed.isChecked(),
            min_casualties=self.min_casualties.value() if self.casualties.isChecked() else None,
            top=self.top.value() if self.limit.isChecked() else None,
        )

    def pins(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(pinned, unpinned) ids as typed."""
        return id_list(self.pinned.text()), id_list(self.unpinned.text())

    def _edited(self) -> None:
        by_rule = not self.every.isChecked()
        for widget in (self.confirmed, self.casualties, self.limit):
            widget.setEnabled(by_rule)
        self.min_casualties.setEnabled(by_rule and self.casualties.isChecked())
        self.top.setEnabled(by_rule and self.limit.isChecked())
        self.words.setText(f"Significant: {self.rule().words}")
        self.changed.emit()
