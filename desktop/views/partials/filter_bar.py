"""The filter bar above the incident table: a debounced search box and a few value lists.

It holds no database code: the window gives it the values in use (:class:`Facets`) and
listens to :attr:`FilterBar.changed`, then asks for :meth:`FilterBar.query`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import Confidence, Status, country_name
from desktop.services.dto import IncidentQuery

if TYPE_CHECKING:
    from desktop.services.incidents import Facets

SEARCH_PLACEHOLDER = "Search title, summary, actors, places, excerpts…"
DEBOUNCE_MS = 200


class FilterBar(QWidget):
    """Emits :attr:`changed` when the analyst changes what the table should show."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._search_now)

        self.status = self._combo("Any status", "Information status")
        self.confidence = self._combo("Any confidence", "Analytic confidence")
        self.event_type = self._combo("Any event type", "Event type")
        self.country = self._combo("Any country", "Country")
        self.marking = self._combo("Any marking", "Handling marking (TLP)")
        for status in Status:
            self.status.addItem(status.value.capitalize(), status.value)
        for confidence in Confidence:
            self.confidence.addItem(confidence.value.capitalize(), confidence.value)

        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Show all incidents again")
        self.clear_button.clicked.connect(self.clear)
        self.count_label = QLabel(self)
        self.count_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)

        combos = QHBoxLayout()
        combos.setContentsMargins(0, 0, 0, 0)
        for combo in (self.status, self.confidence, self.event_type, self.country, self.marking):
            combos.addWidget(combo, 1)
        combos.addWidget(self.clear_button)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(combos)

    def _combo(self, any_text: str, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setToolTip(tip)
        combo.addItem(any_text, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def _search_now(self) -> None:
        self._debounce.stop()
        self.changed.emit()

    # --- what the window calls ------------------------------------------------------

    def set_facets(self, facets: Facets) -> None:
        """Offer the event types, countries and markings in use; keep choices still offered."""
        self._refill(self.event_type, [(t, t) for t in facets.event_types])
        self._refill(
            self.country,
            sorted(((country_name(c) or c, c) for c in facets.countries), key=lambda p: p[0]),
        )
        self._refill(self.marking, [(m, m) for m in facets.markings])

    def _refill(self, combo: QComboBox, items: list[tuple[str, str]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in items:
                combo.addItem(text, value)
            position = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(position, 0))
        finally:
            combo.blockSignals(False)
        if chosen is not None and combo.currentData() != chosen:
            self.changed.emit()

    def set_counts(self, shown: int, total: int) -> None:
        self.count_label.setText(f"{shown} of {total} incidents")

    def query(self) -> IncidentQuery:
        """The filters as a query; the sort is left for the window to choose."""

        def chosen(combo: QComboBox) -> tuple[str, ...]:
            value = combo.currentData()
            return (str(value),) if value is not None else ()

        return IncidentQuery(
            text=self.search.text().strip(),
            statuses=chosen(self.status),
            confidences=chosen(self.confidence),
            event_types=chosen(self.event_type),
            countries=chosen(self.country),
            markings=chosen(self.marking),
        )

    def clear(self) -> None:
        """Back to every incident: one change signal, not one per control."""
        self._debounce.stop()
        combos = (self.status, self.confidence, self.event_type, self.country, self.marking)
        widgets: tuple[QWidget, ...] = (self.search, *combos)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.search.clear()
            for combo in combos:
                combo.setCurrentIndex(0)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.changed.emit()
