"""Combo boxes that offer a labelled scale: "B — Usually reliable", "2 — Probably true".

The item data is the code ("B" or 2), the tooltip the grade's meaning, so the analyst
picks by words and the services get the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.domain import CREDIBILITY, RELIABILITY

if TYPE_CHECKING:
    from desktop.domain import Grade


class GradeCombo(QComboBox):
    def __init__(self, grades: list[Grade], codes: list[object], parent: QWidget | None) -> None:
        super().__init__(parent)
        for grade, code in zip(grades, codes, strict=True):
            self.addItem(f"{grade.code} — {grade.label}", code)
            self.setItemData(self.count() - 1, grade.meaning, Qt.ItemDataRole.ToolTipRole)

    def set_code(self, code: object) -> None:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)


class ReliabilityCombo(GradeCombo):
    """Source reliability A–F; :meth:`code` gives the letter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(list(RELIABILITY.values()), list(RELIABILITY), parent)

    def code(self) -> str:
        return str(self.currentData())


class CredibilityCombo(GradeCombo):
    """Information credibility 1–6; :meth:`code` gives the number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(list(CREDIBILITY.values()), list(CREDIBILITY), parent)

    def code(self) -> int:
        return int(self.currentData())
