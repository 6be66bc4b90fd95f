"""A small table editor for the report's key judgements (ICD 203).

One row per judgement: the judgement, its likelihood word and its analytic confidence (each
chosen from its own list, so that they stay apart), the incidents it rests on (ids or their
first 8 characters), the key assumption and the indicator to watch. Whether the rows are
complete is the services' rule (services.report_request), shown by the dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import LIKELIHOODS, Confidence
from desktop.reports.sitrep_judgements import Judgement, confidence_of, likelihood_of
from desktop.services.report_request import MAX_JUDGEMENTS
from desktop.views.partials.significance_editor import id_list

COL_TEXT, COL_LIKELIHOOD, COL_CONFIDENCE, COL_BASIS, COL_ASSUMPTION, COL_INDICATOR = range(6)
HEADS = (
    "Judgement",
    "Likelihood",
    "Confidence",
    "Incidents (ids)",
    "Key assumption",
    "Indicator to watch",
)
CHOOSE = "Choose…"


class JudgementsEditor(QWidget):
    """Edits a list of Judgement; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(HEADS), self)
        self.table.setHorizontalHeaderLabels(list(HEADS))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        self.add_button = QPushButton("Add judgement", self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def add_row(self, judgement: Judgement | None = None) -> int:
        j = judgement or Judgement("", "", "")
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        for column, text in (
            (COL_TEXT, j.text),
            (COL_BASIS, " ".join(j.incident_ids)),
            (COL_ASSUMPTION, j.assumption),
            (COL_INDICATOR, j.indicator),
        ):
            self.table.setItem(row, column, QTableWidgetItem(text))
        likelihood = likelihood_of(j.likelihood)
        self.table.setCellWidget(
            row,
            COL_LIKELIHOOD,
            self._combo(
                [f"{r.term} ({r.range_text})" for r in LIKELIHOODS],
                LIKELIHOODS.index(likelihood) if likelihood else -1,
            ),
        )
        confidence = confidence_of(j.confidence)
        levels = list(Confidence)
        self.table.setCellWidget(
            row,
            COL_CONFIDENCE,
            self._combo(
                [c.value.capitalize() for c in levels],
                levels.index(confidence) if confidence else -1,
            ),
        )
        self.table.blockSignals(False)
        self.table.setCurrentCell(row, COL_TEXT)
        self._update_buttons()
        self.changed.emit()
        return row

    def _combo(self, items: list[str], current: int) -> QComboBox:
        combo = QComboBox(self.table)
        combo.addItem(CHOOSE)
        combo.addItems(items)
        combo.setCurrentIndex(current + 1)
        combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        return combo

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._update_buttons()
            self.changed.emit()

    def set_judgements(self, judgements: tuple[Judgement, ...]) -> None:
        self.table.setRowCount(0)
        for judgement in judgements:
            self.add_row(judgement)
        self._update_buttons()
        self.changed.emit()

    def judgements(self) -> tuple[Judgement, ...]:
        """The rows as typed (blank rows left out); checked by services.report_request."""
        found = []
        for row in range(self.table.rowCount()):
            text = self._text(row, COL_TEXT)
            likelihood = self._choice(row, COL_LIKELIHOOD)
            confidence = self._choice(row, COL_CONFIDENCE)
            rest = [self._text(row, c) for c in (COL_BASIS, COL_ASSUMPTION, COL_INDICATOR)]
            if not (text or likelihood or confidence or any(rest)):
                continue
            basis, assumption, indicator = rest
            found.append(
                Judgement(text, likelihood, confidence, id_list(basis), assumption, indicator)
            )
        return tuple(found)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _choice(self, row: int, column: int) -> str:
        combo = self.table.cellWidget(row, column)
        if not isinstance(combo, QComboBox) or combo.currentIndex() <= 0:
            return ""
        return combo.currentText().split(" (")[0].lower()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.table.rowCount() < MAX_JUDGEMENTS)
        self.remove_button.setEnabled(self.table.rowCount() > 0)
