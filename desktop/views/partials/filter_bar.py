"""The filter bar above the incident table: a debounced search box and a few value lists.

It holds no database code: the window gives it the values in use (:class:`Facets`) and
listens to :attr:`FilterBar.changed`, then asks for :meth:`FilterBar.query`.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
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
from desktop.folding import is_symbol
from desktop.services.listing import IncidentQuery
from desktop.views.partials.flow_layout import FlowLayout
from desktop.views.partials.plain_widgets import plain_tooltip

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDateEdit

    from desktop.services.incidents import Facets

MIN_SEARCH = 2
SEARCH_PLACEHOLDER = "Search title, summary, actors, places, excerpts…"
DEBOUNCE_MS = 200
SOURCE_CHIP_CHARS = 18
CUSTOM_PERIOD = "custom"
_BEST_MATCH = ", best match first"  # after the counts, when no column gives the order
# Period presets: label and how many days back from today (None: no limit).
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Any time", None),
    ("Last 24 hours", 1),
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("Last 12 months", 365),
)


def today() -> date:
    """Today's date; a function so tests can fix it."""
    return date.today()


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class FilterBar(QWidget):
    """Emits :attr:`changed` when the analyst changes what the table should show."""

    changed = Signal()
    leave_down = Signal()  # Down pressed in the search box: the window moves to the table

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
        self.search.installEventFilter(self)  # Esc in the box clears it

        self.status = self._combo("Any status", "Information status")
        self.confidence = self._combo("Any confidence", "Analytic confidence")
        self.event_type = self._combo("Any event type", "Event type")
        self.country = self._combo("Any country", "Country")
        self.marking = self._combo("Any marking", "Handling marking (TLP)")
        self.tag = self._combo("Any tag", "Tag")
        self.period = QComboBox(self)
        self.period.setToolTip("Period: incidents that overlap it")
        for label, days in PERIODS:
            self.period.addItem(label, days)
        self.period.addItem("Custom range…", CUSTOM_PERIOD)
        self.period.currentIndexChanged.connect(self._period_changed)
        # The custom range's date boxes are made when first shown (see _date_edits()).
        self._range: tuple[QDateEdit, QDateEdit] | None = None
        for status in Status:
            self.status.addItem(status.value.capitalize(), status.value)
        for confidence in Confidence:
            self.confidence.addItem(confidence.value.capitalize(), confidence.value)

        # Shown while the table is limited to the incidents citing one source.
        self._source: str | None = None
        self.source_button = QPushButton(self)  # text and tip set by set_source
        self.source_button.clicked.connect(lambda: self.set_source(None))
        self.source_button.hide()
        # Shown while the table is limited to a box drawn on the map.
        self._area: tuple[float, float, float, float] | None = None
        self.area_button = QPushButton(self)  # text and tip set by set_area
        self.area_button.clicked.connect(lambda: self.set_area(None))
        self.area_button.hide()

        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Show all incidents again")
        self.clear_button.clicked.connect(self.clear)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        # Room for a large workspace's counts, so the search box keeps its width as they change;
        # a fixed size, so a new count does not lay the whole window out again (a label's new
        # text asks its parents' layouts to, up to the window and its docks).
        self.count_label.setFixedSize(
            self.count_label.fontMetrics().horizontalAdvance(
                f"100,000 of 100,000 incidents{_BEST_MATCH}"
            ),
            self.count_label.sizeHint().height(),
        )

        combos = FlowLayout()
        for combo in (
            self.status,
            self.confidence,
            self.event_type,
            self.country,
            self.tag,
            self.marking,
        ):
            combos.addWidget(combo)
        combos.addWidget(self.source_button)
        combos.addWidget(self.area_button)
        combos.addWidget(self.clear_button)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 3)
        top.addWidget(self.period, 1)
        top.addWidget(self.count_label)
        self._top = top
        # Tab follows the layout: the first row left to right, then the second.
        chain = (
            self.search,
            self.period,
            self.status,
            self.confidence,
            self.event_type,
            self.country,
            self.tag,
            self.marking,
            self.source_button,
            self.area_button,
            self.clear_button,
        )
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(combos)

    def _combo(self, any_text: str, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setToolTip(tip)
        combo.addItem(any_text, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        # Wide enough for its "Any …" text, however short the window: the rows wrap
        # instead (FlowLayout). Counted in the 'x' widths Qt measures the length in.
        metrics = combo.fontMetrics()
        combo.setMinimumContentsLength(
            -(-metrics.horizontalAdvance(any_text) // metrics.horizontalAdvance("x")) + 1
        )
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    @property
    def since(self) -> QDateEdit:
        """The first day of a custom range (inclusive)."""
        return self._date_edits()[0]

    @property
    def until(self) -> QDateEdit:
        """The last day of a custom range (inclusive)."""
        return self._date_edits()[1]

    def _date_edits(self) -> tuple[QDateEdit, QDateEdit]:
        """The custom range's two date boxes, beside the period list; made when first needed.

        Hidden until a custom range is chosen, which most sessions never do: the window's
        first paint does not wait for them (or for their Qt classes) this way.
        """
        if self._range is None:
            from PySide6.QtWidgets import QDateEdit

            since, until = (QDateEdit(self), QDateEdit(self))
            for edit, tip in ((since, "From (inclusive)"), (until, "To (inclusive)")):
                edit.hide()
                edit.setCalendarPopup(True)
                edit.setDisplayFormat("yyyy-MM-dd")
                edit.setToolTip(tip)
                edit.dateChanged.connect(self.changed)
            at = self._top.indexOf(self.period) + 1
            self._top.insertWidget(at, since)
            self._top.insertWidget(at + 1, until)
            for first, second in ((self.period, since), (since, until), (until, self.status)):
                QWidget.setTabOrder(first, second)
            self._range = (since, until)
        return self._range

    def _show_dates(self, shown: bool) -> None:
        if self._range is None and not shown:
            return  # not made yet, so not shown either
        for edit in self._date_edits():
            edit.setVisible(shown)

    def _period_changed(self) -> None:
        custom = self.period.currentData() == CUSTOM_PERIOD
        if custom:
            # Start the range on the last month, a sensible first guess to adjust.
            end = today()
            for edit, value in ((self.since, end - timedelta(days=30)), (self.until, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(value.year, value.month, value.day))
                edit.blockSignals(False)
        self._show_dates(custom)
        self.changed.emit()

    def set_period(self, since: date | None, until: date | None) -> None:
        """Show a custom range (the export dialog and tests set one directly)."""
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.findData(CUSTOM_PERIOD))
        self.period.blockSignals(False)
        self._show_dates(True)
        for edit, value in ((self.since, since), (self.until, until)):
            if value is not None:
                edit.blockSignals(True)
                edit.setDate(QDate(value.year, value.month, value.day))
                edit.blockSignals(False)
        self.changed.emit()

    def _dates(self) -> tuple[date | None, date | None]:
        chosen = self.period.currentData()
        if chosen == CUSTOM_PERIOD:
            since, until = _to_date(self.since.date()), _to_date(self.until.date())
            return (since, until) if since <= until else (until, since)
        if chosen is None:
            return None, None
        return today() - timedelta(days=int(chosen)), None

    def set_source(self, slug: str | None, name: str = "") -> None:
        """Limit to the incidents citing one source (None: any source)."""
        self._source = slug
        # Buttons read "&" as a mnemonic marker: double it so a name shows as typed.
        label = name or slug or ""
        if len(label) > SOURCE_CHIP_CHARS:  # a long name must not squeeze the filters
            label = label[: SOURCE_CHIP_CHARS - 1] + "…"
        self.source_button.setText(f"Source: {label.replace('&', '&&')} ✕")
        self.source_button.setToolTip(
            plain_tooltip(
                f"Showing only the incidents that cite {name or slug}; click to show all again"
            )
        )
        self.source_button.setVisible(slug is not None)
        self.changed.emit()

    def set_area(self, area: tuple[float, float, float, float] | None) -> None:
        """Limit to a lon/lat box (west, south, east, north) drawn on the map (None: anywhere)."""
        self._area = area
        if area is not None:
            west, south, east, north = area
            self.area_button.setText(f"Area: {south:.1f}…{north:.1f}°N {west:.1f}…{east:.1f}°E ✕")
            self.area_button.setToolTip(
                "Showing only the incidents located in the box drawn on the map; click to show "
                "all again"
            )
        self.area_button.setVisible(area is not None)
        self.changed.emit()

    def set_country(self, code: str) -> bool:
        """Choose a country in the country list; False if no incident is in it."""
        position = self.country.findData(code)
        if position < 0:
            return False
        self.country.setCurrentIndex(position)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                self._search_now()
                return True
            if event.key() == Qt.Key.Key_Down:
                self.leave_down.emit()
                return True
        return super().eventFilter(watched, event)

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
        # Tags are typed freely ("drone", "Drone", "UAV"): case must not split the list.
        tags = sorted(facets.tags, key=lambda tag: (tag.casefold(), tag))
        self._refill(self.tag, [(t, t) for t in tags])

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

    def set_counts(self, shown: int, total: int, *, best_match: bool = False) -> None:
        """The "n of N incidents" line; best match order is told here, as no column shows it."""
        ranked = _BEST_MATCH if best_match else ""
        self._show_count(f"{shown:,} of {total:,} incidents{ranked}")

    def set_counts_unknown(self, at_least: int, total: int, *, best_match: bool = False) -> None:
        """The line when the matches could not be counted: as many as are shown, at least."""
        ranked = _BEST_MATCH if best_match else ""
        self._show_count(f"{at_least:,}+ of {total:,} incidents{ranked}")

    def set_counting(self) -> None:
        """While the counts are not known yet (the window's first moments)."""
        self._show_count("Counting incidents…")

    def _show_count(self, text: str) -> None:
        label = self.count_label
        width = label.fontMetrics().horizontalAdvance(text) + 2
        if width > label.width():  # a count longer than room was made for: widen, once
            label.setFixedWidth(width)
        label.setText(text)

    def query(self) -> IncidentQuery:
        """The filters as a query; the sort is left for the window to choose."""

        def chosen(combo: QComboBox) -> tuple[str, ...]:
            value = combo.currentData()
            return (str(value),) if value is not None else ()

        since, until = self._dates()
        text = self.search.text().strip()
        return IncidentQuery(
            # A search starts at its second character: one letter alone is a word that matches
            # nothing (or "a"), and the table went blank between two keystrokes. A symbol
            # (an emoji) is a whole word at once.
            text=text if len(text) >= MIN_SEARCH or is_symbol(text[:1] or " ") else "",
            since=since,
            until=until,
            tags=chosen(self.tag),
            source=self._source,
            area=self._area,
            statuses=chosen(self.status),
            confidences=chosen(self.confidence),
            event_types=chosen(self.event_type),
            countries=chosen(self.country),
            markings=chosen(self.marking),
        )

    def clear(self) -> None:
        """Back to every incident: one change signal, not one per control."""
        self._debounce.stop()
        combos = (
            self.period,
            self.status,
            self.confidence,
            self.event_type,
            self.country,
            self.tag,
            self.marking,
        )
        widgets: tuple[QWidget, ...] = (self.search, *combos)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.search.clear()
            for combo in combos:
                combo.setCurrentIndex(0)
            self._show_dates(False)
            self._source = None
            self.source_button.hide()
            self._area = None
            self.area_button.hide()
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.changed.emit()
