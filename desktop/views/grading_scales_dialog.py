"""A reference card of the Admiralty (NATO AJP-2.1) grading scales, from the Help menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import CREDIBILITY, RELIABILITY

if TYPE_CHECKING:
    from desktop.domain import Grade


class GradingScalesDialog(QDialog):
    """The Admiralty (NATO AJP-2.1) scales: source reliability A–F, credibility 1–6."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Grading scales")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Source reliability (a property of the source)", self))
        layout.addWidget(self._table(list(RELIABILITY.values())))
        layout.addWidget(QLabel("Information credibility (a property of each citation)", self))
        layout.addWidget(self._table(list(CREDIBILITY.values())))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _table(self, grades: list[Grade]) -> QTableWidget:
        table = QTableWidget(len(grades), 3, self)
        table.setHorizontalHeaderLabels(["Grade", "Label", "Meaning"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for row, grade in enumerate(grades):
            for column, text in enumerate((grade.code, grade.label, grade.meaning)):
                table.setItem(row, column, QTableWidgetItem(text))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Rows measured once, before the Meaning column had its width, were as tall as the
        # text wrapped into a sliver: two grades showed at a time. Following the columns
        # keeps each row as tall as its text at the width it has.
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rows.setMinimumSectionSize(table.fontMetrics().height() + 8)  # a line and some air
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        return table
