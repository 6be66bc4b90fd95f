"""When an incident happened: a start, an end and how precisely the time is known.

Exact times are UTC date-times; day, week and month precision store plain dates. The two
date fields are plain text fields read by :func:`desktop.parsing.parse_moment`: a
QDateEdit edits one section at a time, so typing a whole date over it kept this year
and took only the month and day. What cannot be read is reported by
:meth:`WhenEdit.problems`. A calendar button (or Alt+Down) picks a day with the mouse,
Up and Down step a day (a month at month precision), and the end follows the start while
the analyst has not set it apart.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import TimePrecision
from desktop.errors import ValidationError
from desktop.parsing import (
    EXAMPLES,
    FIRST_YEAR,
    LAST_YEAR,
    format_moment,
    parse_moment,
    step_moment,
)
from desktop.services.dto import When

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent

PRECISION_LABELS: dict[TimePrecision, str] = {
    TimePrecision.EXACT: "Exact time (UTC)",
    TimePrecision.DAY: "Known to the day",
    TimePrecision.WEEK: "Known to the week",
    TimePrecision.MONTH: "Known to the month",
}
_PLACEHOLDERS: dict[TimePrecision, str] = {
    TimePrecision.EXACT: "YYYY-MM-DD HH:MM",
    TimePrecision.DAY: "YYYY-MM-DD",
    TimePrecision.WEEK: "YYYY-MM-DD",
    TimePrecision.MONTH: "YYYY-MM",
}

# (precision, start text, end text): what the undo history keeps, as typed.
WhenState = tuple[str, str, str]


class MomentEdit(QLineEdit):
    """One date (or date and time) typed as text; :attr:`stepped` is a day picked or
    stepped (arrow keys, calendar), as opposed to typed."""

    stepped = Signal(int)  # days (months at month precision) to move; 0: see picked_date
    left = Signal()  # focus left the field: show what was read in the usual form

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.picked_date: date | None = None
        self.calendar_action = QAction(self)
        self.calendar_action.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        )
        self.calendar_action.setToolTip("Pick the day on a calendar (Alt+Down)")
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar: QCalendarWidget | None = None
        self.shown_date: date | None = None  # where the calendar opens

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        if key == Qt.Key.Key_F4 or (alt and key == Qt.Key.Key_Down):
            self.open_calendar()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not alt:
            self.stepped.emit(1 if key == Qt.Key.Key_Up else -1)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.left.emit()

    def open_calendar(self) -> None:
        # A popup window of its own, as QDateEdit's: it closes on a click elsewhere.
        popup = QWidget(self, Qt.WindowType.Popup)
        calendar_widget = QCalendarWidget(popup)
        calendar_widget.setMinimumDate(QDate(FIRST_YEAR, 1, 1))
        calendar_widget.setMaximumDate(QDate(LAST_YEAR, 12, 31))
        if self.shown_date is not None:
            shown = self.shown_date
            calendar_widget.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        calendar_widget.clicked.connect(lambda day: self._pick(day, popup))
        calendar_widget.activated.connect(lambda day: self._pick(day, popup))
        popup_layout = QVBoxLayout(popup)
        popup_layout.setContentsMargins(0, 0, 0, 0)
        popup_layout.addWidget(calendar_widget)
        self.calendar = calendar_widget
        popup.move(self.mapToGlobal(QPoint(0, self.height())))
        popup.show()
        calendar_widget.setFocus()

    def _pick(self, day: QDate, popup: QWidget) -> None:
        popup.close()
        popup.deleteLater()
        self.calendar = None
        self.picked_date = date(day.year(), day.month(), day.day())
        self.stepped.emit(0)
        self.picked_date = None
        self.setFocus()


class WhenEdit(QWidget):
    """``changed`` fires on every change the analyst makes (not on :meth:`set_value`)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setting = False
        self._precision_shown = TimePrecision.DAY
        self.precision_combo = QComboBox(self)
        for precision, label in PRECISION_LABELS.items():
            self.precision_combo.addItem(label, precision.value)
        self.precision_combo.setToolTip(
            "How well the time is known. Exact times are in UTC; the others keep dates only."
        )
        self.start_edit = MomentEdit(self)
        self.start_edit.setToolTip(
            "When it began (or the earliest it can have happened). Type or paste it, e.g. "
            "2023-10-17, 17/10/2023 or 17 Oct 2023; Up and Down step a day."
        )
        self.end_edit = MomentEdit(self)
        self.end_edit.setToolTip(
            "When it ended (or the latest it can have happened). Same forms as the start."
        )
        self.utc_label = QLabel("UTC", self)
        self.end_label = QLabel("t&o", self)
        self.end_label.setBuddy(self.end_edit)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.start_edit, 1)
        layout.addWidget(self.end_label)
        layout.addWidget(self.end_edit, 1)
        layout.addWidget(self.utc_label)

        # What each field last read, kept while its text cannot be read (the form stays
        # unsaveable then) and so a change of precision can show it again.
        today = date.today()
        self._moments: dict[MomentEdit, date] = {self.start_edit: today, self.end_edit: today}
        # The end follows the start until the analyst moves it apart.
        self._end_follows = True
        self.precision_combo.currentIndexChanged.connect(self._on_precision)
        for edit in (self.start_edit, self.end_edit):
            edit.textEdited.connect(lambda _text, edit=edit: self._on_typed(edit))
            edit.stepped.connect(lambda steps, edit=edit: self._on_stepped(edit, steps))
            edit.left.connect(lambda edit=edit: self._tidy(edit))
        self.set_value(When(today, today, TimePrecision.DAY))

    def precision(self) -> TimePrecision:
        return TimePrecision(self.precision_combo.currentData())

    def value(self) -> When:
        """The dates as last read; while a field cannot be read, see :meth:`problems`."""
        precision = self.precision()
        start, end = self._moments[self.start_edit], self._moments[self.end_edit]
        if precision == TimePrecision.EXACT:
            return When(_as_datetime(start), _as_datetime(end), precision)
        start_day, end_day = _as_date(start), _as_date(end)
        if precision == TimePrecision.MONTH:
            # A month is the whole month, whichever day the field happened to hold.
            start_day = start_day.replace(day=1)
            last = calendar.monthrange(end_day.year, end_day.month)[1]
            end_day = end_day.replace(day=last)
        return When(start_day, end_day, precision)

    def problems(self) -> list[ValidationError]:
        """What the fields cannot read, by field (``when.start``, ``when.end``)."""
        found = []
        for field, edit in (("when.start", self.start_edit), ("when.end", self.end_edit)):
            try:
                parse_moment(edit.text(), self.precision())
            except ValueError as error:
                found.append(ValidationError(field, str(error)))
        return found

    def set_value(self, when: When) -> None:
        self._setting = True
        try:
            self.precision_combo.setCurrentIndex(
                self.precision_combo.findData(TimePrecision(when.precision).value)
            )
            self._apply_precision()
            self._show(self.start_edit, when.start)
            self._show(self.end_edit, when.end)
            self._end_follows = when.start == when.end
        finally:
            self._setting = False

    def state(self) -> WhenState:
        return (self.precision().value, self.start_edit.text(), self.end_edit.text())

    def set_state(self, state: WhenState) -> None:
        precision, start, end = state
        self._setting = True
        try:
            self.precision_combo.setCurrentIndex(self.precision_combo.findData(precision))
            self._apply_precision()
            for edit, text in ((self.start_edit, start), (self.end_edit, end)):
                if edit.text() != text:
                    edit.setText(text)
                self._read(edit)
        finally:
            self._setting = False

    # --- reacting to the analyst ---------------------------------------------------------

    def _show(self, edit: MomentEdit, moment: date) -> None:
        self._moments[edit] = moment
        edit.shown_date = _as_date(moment)
        text = format_moment(moment, self.precision())
        if edit.text() != text:
            edit.setText(text)

    def _read(self, edit: MomentEdit) -> bool:
        try:
            moment = parse_moment(edit.text(), self.precision())
        except ValueError:
            return False
        self._moments[edit] = moment
        edit.shown_date = _as_date(moment)
        return True

    def _apply_precision(self) -> None:
        precision = self._precision_shown = self.precision()
        for edit in (self.start_edit, self.end_edit):
            edit.setPlaceholderText(_PLACEHOLDERS[precision])
        self.utc_label.setVisible(precision == TimePrecision.EXACT)

    def _on_precision(self) -> None:
        if self._setting:
            return
        before = self._precision_shown
        self._apply_precision()
        self._setting = True
        try:
            for edit in (self.start_edit, self.end_edit):
                try:
                    parse_moment(edit.text(), before)
                except ValueError:
                    continue  # what could not be read stays as typed, still reported
                moment = self._moments[edit]
                if before == TimePrecision.MONTH and edit is self.end_edit:
                    # "October" ended on its last day: the range stays the one it was.
                    moment = moment.replace(day=calendar.monthrange(moment.year, moment.month)[1])
                self._show(edit, moment)
        finally:
            self._setting = False
        self._end_follows = self._moments[self.start_edit] == self._moments[self.end_edit]
        self.changed.emit()

    def _on_typed(self, edit: MomentEdit) -> None:
        if self._setting:
            return
        if self._read(edit):
            self._after_change(edit)
        self.changed.emit()

    def _on_stepped(self, edit: MomentEdit, steps: int) -> None:
        if self._setting:
            return
        if edit.picked_date is not None:
            moment = _with_day(self._moments[edit], edit.picked_date)
        elif self._read(edit):
            moment = step_moment(self._moments[edit], self.precision(), steps)
        else:
            return  # nothing readable to step from: the problem stays shown
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            return
        self._show(edit, moment)
        self._after_change(edit)
        self.changed.emit()

    def _after_change(self, edit: MomentEdit) -> None:
        start = self._moments[self.start_edit]
        if edit is self.start_edit:
            if self._end_follows:
                self._setting = True
                try:
                    self._show(self.end_edit, start)
                finally:
                    self._setting = False
        else:
            self._end_follows = self._moments[self.end_edit] == start

    def _tidy(self, edit: MomentEdit, *, notify: bool = True) -> None:
        """Show a readable field in the usual form ("17 Oct 2023" → "2023-10-17"), so the
        analyst sees what was understood; text that cannot be read stays as typed."""
        if self._setting or not self._read(edit):
            return
        before = edit.text()
        self._setting = True
        try:
            self._show(edit, self._moments[edit])
        finally:
            self._setting = False
        if notify and edit.text() != before:
            self.changed.emit()


def _as_date(moment: date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _as_datetime(moment: date) -> datetime:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def _with_day(moment: date, day: date) -> date:
    """A day picked on the calendar keeps the time of day the field had."""
    if isinstance(moment, datetime):
        return moment.replace(year=day.year, month=day.month, day=day.day)
    return day


__all__ = ["EXAMPLES", "PRECISION_LABELS", "MomentEdit", "WhenEdit", "WhenState"]
