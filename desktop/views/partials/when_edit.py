"""When an incident happened: a start, an end and how precisely the time is known.

Exact times are UTC date-times; day, week and month precision store plain dates. The two
date fields switch between a date and a date-time display as the precision changes, and the
end follows the start while the analyst has not set it apart.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from desktop.domain import TimePrecision
from desktop.services.dto import When

PRECISION_LABELS: dict[TimePrecision, str] = {
    TimePrecision.EXACT: "Exact time (UTC)",
    TimePrecision.DAY: "Known to the day",
    TimePrecision.WEEK: "Known to the week",
    TimePrecision.MONTH: "Known to the month",
}
_FORMATS: dict[TimePrecision, str] = {
    TimePrecision.EXACT: "yyyy-MM-dd HH:mm",
    TimePrecision.DAY: "yyyy-MM-dd",
    TimePrecision.WEEK: "yyyy-MM-dd",
    TimePrecision.MONTH: "yyyy-MM",
}

# (precision, start ISO text, end ISO text): what the undo history keeps.
WhenState = tuple[str, str, str]


def _utc() -> QTimeZone:
    return QTimeZone(QTimeZone.Initialization.UTC)


def _moment_to_qt(moment: date) -> QDateTime:
    if isinstance(moment, datetime):
        aware = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
        return QDateTime(
            QDate(aware.year, aware.month, aware.day),
            QTime(aware.hour, aware.minute, aware.second),
            _utc(),
        )
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(0, 0), _utc())


def _qt_to_datetime(value: QDateTime) -> datetime:
    day, time = value.date(), value.time()
    return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=UTC)


class _MomentEdit(QDateTimeEdit):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTimeZone(_utc())
        self.setCalendarPopup(True)
        self.setMinimumDate(QDate(1900, 1, 1))
        self.setMaximumDate(QDate(2199, 12, 31))


class WhenEdit(QWidget):
    """``changed`` fires on every change the analyst makes (not on :meth:`set_value`)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setting = False
        self.precision_combo = QComboBox(self)
        for precision, label in PRECISION_LABELS.items():
            self.precision_combo.addItem(label, precision.value)
        self.precision_combo.setToolTip(
            "How well the time is known. Exact times are in UTC; the others keep dates only."
        )
        self.start_edit = _MomentEdit(self)
        self.start_edit.setToolTip("When it began (or the earliest it can have happened).")
        self.end_edit = _MomentEdit(self)
        self.end_edit.setToolTip("When it ended (or the latest it can have happened).")
        self.utc_label = QLabel("UTC", self)
        self.end_label = QLabel("t&o", self)
        self.end_label.setBuddy(self.end_edit)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.start_edit, 1)
        layout.addWidget(self.end_label)
        layout.addWidget(self.end_edit, 1)
        layout.addWidget(self.utc_label)

        # The end follows the start until the analyst moves it apart.
        self._end_follows = True
        self.precision_combo.currentIndexChanged.connect(self._on_precision)
        self.start_edit.dateTimeChanged.connect(self._on_start)
        self.end_edit.dateTimeChanged.connect(self._on_end)
        today = date.today()
        self.set_value(When(today, today, TimePrecision.DAY))

    def precision(self) -> TimePrecision:
        return TimePrecision(self.precision_combo.currentData())

    def value(self) -> When:
        precision = self.precision()
        start = _qt_to_datetime(self.start_edit.dateTime())
        end = _qt_to_datetime(self.end_edit.dateTime())
        if precision == TimePrecision.EXACT:
            return When(start, end, precision)
        start_day, end_day = start.date(), end.date()
        if precision == TimePrecision.MONTH:
            # A month is the whole month, whichever day the field happened to hold.
            start_day = start_day.replace(day=1)
            last = calendar.monthrange(end_day.year, end_day.month)[1]
            end_day = end_day.replace(day=last)
        return When(start_day, end_day, precision)

    def set_value(self, when: When) -> None:
        self._setting = True
        try:
            self.precision_combo.setCurrentIndex(
                self.precision_combo.findData(TimePrecision(when.precision).value)
            )
            self._apply_format()
            self.start_edit.setDateTime(_moment_to_qt(when.start))
            self.end_edit.setDateTime(_moment_to_qt(when.end))
            self._end_follows = when.start == when.end
        finally:
            self._setting = False

    def state(self) -> WhenState:
        when = self.value()
        return (when.precision.value, when.start.isoformat(), when.end.isoformat())

    def set_state(self, state: WhenState) -> None:
        precision, start, end = state
        if precision == TimePrecision.EXACT:
            self.set_value(When(datetime.fromisoformat(start), datetime.fromisoformat(end),
                                TimePrecision.EXACT))
        else:
            self.set_value(When(date.fromisoformat(start), date.fromisoformat(end),
                                TimePrecision(precision)))

    def _apply_format(self) -> None:
        precision = self.precision()
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat(_FORMATS[precision])
        self.utc_label.setVisible(precision == TimePrecision.EXACT)

    def _on_precision(self) -> None:
        if self._setting:
            return
        self._apply_format()
        self.changed.emit()

    def _on_start(self, value: QDateTime) -> None:
        if self._setting:
            return
        if self._end_follows or self.end_edit.dateTime() < value:
            self._setting = True
            try:
                self.end_edit.setDateTime(value)
            finally:
                self._setting = False
        self.changed.emit()

    def _on_end(self, value: QDateTime) -> None:
        if self._setting:
            return
        self._end_follows = value == self.start_edit.dateTime()
        self.changed.emit()
