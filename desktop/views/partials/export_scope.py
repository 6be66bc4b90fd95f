"""The export dialog's "What it covers": period, country, event type, tag, the table's other
filters, and a live count of the incidents the report will hold (the dialog counts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QWidget

from desktop.domain import country_name
from desktop.services import reporting
from desktop.services.dto import IncidentQuery
from desktop.views.partials.date_limit import DateLimit
from desktop.views.partials.plain_widgets import plain_label, plain_tooltip

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from desktop.services.incidents import Facets

DEFAULT_PERIOD_DAYS = 7  # the range offered when the analyst ticks "From"/"To"
OTHERS_SHOWN = 50  # characters of the table's other filters shown beside their tick box


def other_filters(query: IncidentQuery) -> str:
    """The table's filters this dialog has no control for, in words ("" if none)."""
    extra = IncidentQuery(
        text=query.text,
        statuses=query.statuses,
        confidences=query.confidences,
        markings=query.markings,
    )
    words = reporting.describe_query(extra) if extra.is_filtered else ""
    if query.source:
        words = f"{words}; citing source {query.source}" if words else f"source {query.source}"
    return words


class ExportScope(QGroupBox):
    """The filters of one report, starting from the table's query."""

    def __init__(self, query: IncidentQuery, parent: QWidget | None = None) -> None:
        super().__init__("What it covers", parent)
        self._query = query
        self.since = DateLimit("From", "First day covered (inclusive)", self)
        self.until = DateLimit("To", "Last day covered (inclusive)", self)
        period = QWidget(self)
        period_row = QHBoxLayout(period)
        period_row.setContentsMargins(0, 0, 0, 0)
        period_row.addWidget(self.since, 1)
        period_row.addSpacing(12)
        period_row.addWidget(self.until, 1)
        self.country = self._combo("Any country")
        self.event_type = self._combo("Any event type")
        self.tag = self._combo("Any tag")
        self.keep_other = QCheckBox(self)
        self.keep_other.setChecked(True)
        self.count_label = plain_label("", self)
        count_font = self.count_label.font()
        count_font.setBold(True)
        self.count_label.setFont(count_font)
        form = QFormLayout(self)
        form.addRow("Period", period)
        form.addRow("Country", self.country)
        form.addRow("Event type", self.event_type)
        form.addRow("Tag", self.tag)
        form.addRow("", self.keep_other)
        form.addRow("", self.count_label)

    def _combo(self, any_text: str) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(any_text, ())
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16)
        return combo

    def fill(self, facets: Facets | None, today: date) -> None:
        q = self._query
        end = q.until or today
        self.since.set_value(q.since, end - timedelta(days=DEFAULT_PERIOD_DAYS))
        self.until.set_value(q.until, max(end, q.since or end))
        countries = facets.countries if facets else ()
        self._offer(
            self.country,
            sorted(((country_name(c) or c, c) for c in countries), key=lambda p: p[0]),
            q.countries,
            lambda codes: ", ".join(country_name(c) or c for c in codes),
        )
        self._offer(
            self.event_type,
            [(t, t) for t in (facets.event_types if facets else ())],
            q.event_types,
            ", ".join,
        )
        self._offer(self.tag, [(t, t) for t in (facets.tags if facets else ())], q.tags, ", ".join)
        others = other_filters(q)
        shown = others if len(others) <= OTHERS_SHOWN else others[: OTHERS_SHOWN - 1] + "…"
        self.keep_other.setText(f"Also apply the table's other filters: {shown}")
        self.keep_other.setVisible(bool(others))
        self.keep_other.setToolTip(plain_tooltip(others))

    def _offer(
        self,
        combo: QComboBox,
        items: Sequence[tuple[str, str]],
        chosen: tuple[str, ...],
        label: Callable[[tuple[str, ...]], str],
    ) -> None:
        for text, value in items:
            combo.addItem(text, (value,))
        if not chosen:
            return
        # findData cannot compare Python tuples held in QVariants: look them up here.
        values = [tuple(combo.itemData(i) or ()) for i in range(combo.count())]
        position = values.index(chosen) if chosen in values else -1
        if position < 0:  # no incident uses it now, or several were chosen: keep it anyway
            combo.addItem(label(chosen), chosen)
            position = combo.count() - 1
        combo.setCurrentIndex(position)

    def connect_changes(self, changed: Callable[[], None]) -> None:
        for check in (self.since.check, self.until.check, self.keep_other):
            check.toggled.connect(changed)
        for edit in (self.since.edit, self.until.edit):
            edit.dateChanged.connect(changed)
        for combo in (self.country, self.event_type, self.tag):
            combo.currentIndexChanged.connect(changed)

    def query(self) -> IncidentQuery:
        """The incidents the report will hold, as chosen here."""
        base = self._query if self.keep_other.isChecked() else IncidentQuery()
        return replace(
            base,
            since=self.since.value(),
            until=self.until.value(),
            countries=tuple(self.country.currentData() or ()),
            event_types=tuple(self.event_type.currentData() or ()),
            tags=tuple(self.tag.currentData() or ()),
        )
