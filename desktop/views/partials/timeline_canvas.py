"""The timeline: the filtered incidents per day, week or month, stacked by event type.

The counts come from ``services.aggregates.timeline_counts`` through the window; the bins
follow the zoom (:func:`timeline_layout.choose_bin`). The window reads them by the bin the
view wants (:meth:`TimelineCanvas.wanted_for`), and again when the zoom wants another
(:attr:`TimelineCanvas.bins_wanted`); meanwhile the counts at hand are drawn in their own
bin. Incidents known only to the week or the month are spread over their span and drawn
hatched. Dragging over a span emits
:attr:`period_chosen` (first and last day, inclusive): the window sets the table's period.
The incident shown in the detail pane is marked by a band over its days.

Mouse: drag to choose a period, the wheel zooms, Shift+wheel (or Ctrl+drag) pans.
Keys: + and - zoom, arrows pan, 0 shows every incident again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop.domain import EVENT_TYPES
from desktop.services.aggregates import TimelineCounts
from desktop.views.partials.chart_colours import category_colour
from desktop.views.partials.timeline_layout import (
    BIN_DAYS,
    BinStack,
    axis_ticks,
    bin_label,
    binned,
    choose_bin,
    nice_top,
    serves,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

    from desktop.services.listing import IncidentQuery
    from desktop.services.timeline_bins import BinKind

ZOOM_STEP = 1.25
MIN_DAYS = 7.0  # the closest zoom: a week across the chart
LEFT, RIGHT, TOP, BOTTOM = 44.0, 12.0, 26.0, 34.0  # the plot's margins, in pixels


class TimelineCanvas(QWidget):
    period_chosen = Signal(object, object)  # first day, last day (inclusive)
    bins_wanted = Signal(str)  # the zoom wants counts by another bin: "day", "week", "month"
    painted = Signal()  # after each paint: the window times its redraws by it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline-canvas")
        self._ticks: list[tuple[QRectF, str]] = []
        self._ticks_key: tuple[object, ...] = ()
        # Every pixel is painted (its background is filled first): a new count repaints
        # it alone, not the dock and window behind it too.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 120)
        self.counts = TimelineCounts((), ())
        self.t0 = float(date.today().toordinal() - 365)
        self.t1 = float(date.today().toordinal() + 1)
        self.zoomed = False  # the analyst zoomed or panned: new counts keep the view
        self.selected: tuple[date, date] | None = None
        self._bins: dict[BinKind, list[BinStack]] = {}
        self._asked: BinKind | None = None  # the bin last asked for by bins_wanted
        self._press: QPointF | None = None
        self._last: QPointF | None = None
        self._band: tuple[float, float] | None = None  # a drag's ends, in pixels

    # --- what the window calls ---------------------------------------------------------

    def set_counts(self, counts: TimelineCounts, stacks: list[BinStack] | None = None) -> None:
        """Show ``counts``; ``stacks`` are them already binned (by the window's worker, so
        the GUI thread does not sum thousands of rows)."""
        self.counts = counts
        self._asked = None
        self._bins.clear()
        if stacks is not None:
            self._bins[counts.bin] = stacks
        if not self.zoomed:
            self._set_home_range()
        self.update()

    @property
    def wanted_bin(self) -> BinKind:
        """The bin the zoom asks for, whatever the counts at hand are by."""
        return choose_bin(self._pixels_per_day())

    def wanted_for(self, query: IncidentQuery) -> BinKind:
        """The bin to read ``query``'s counts by: the zoom's, or when the view will go to the
        new counts' extent (not zoomed), the bin of the query's period or of the extent."""
        if self.zoomed:
            return self.wanted_bin
        extent = self.counts.extent
        if extent is None:
            return self.wanted_bin
        # Within the extent at hand: an open end or a far one shows no more than that.
        first = max(_day(query.since) or extent[0], extent[0])
        last = min(_day(query.until) or extent[1], extent[1])
        if last < first:
            return self.wanted_bin
        days = max((last - first).days + 1, MIN_DAYS) * 1.04  # home()'s padding
        return choose_bin(self._plot().width() / days)

    def _check_bins(self) -> None:
        wanted = self.wanted_bin
        # Asked once per bin until counts arrive: each wheel step would restart the read.
        if self.counts.bin != wanted and wanted != self._asked:
            self._asked = wanted
            self.bins_wanted.emit(wanted)

    def set_selected(self, first: date | None, last: date | None) -> None:
        selected = (first, last) if first is not None and last is not None else None
        if selected != self.selected:  # unchanged (a filter change marks again): no repaint
            self.selected = selected
            self.update()

    def home(self) -> None:
        """Every incident shown, with a little room on either side."""
        self._set_home_range()
        self._check_bins()
        self.update()

    def _set_home_range(self) -> None:
        extent = self.counts.extent
        if extent is not None:
            first, last = extent[0].toordinal(), extent[1].toordinal() + 1
            pad = max((last - first) * 0.02, 1.0)
            self._set_range(first - pad, last + pad)
        self.zoomed = False

    def zoom_by(self, factor: float, x: float | None = None) -> None:
        """Zoom by ``factor`` (above 1: closer) around pixel ``x`` (default: the middle)."""
        at = self._day_at(self.width() / 2 if x is None else x)
        self._set_range(at - (at - self.t0) / factor, at + (self.t1 - at) / factor)
        self.zoomed = True
        self._check_bins()
        self.update()

    def pan_by(self, pixels: float) -> None:
        shift = pixels / self._pixels_per_day()
        self._set_range(self.t0 - shift, self.t1 - shift)
        self.zoomed = True
        self.update()

    @property
    def bin_kind(self) -> BinKind:
        """The bin drawn: the zoom's, or the counts' own until counts by that arrive."""
        wanted = self.wanted_bin
        return wanted if serves(self.counts, wanted) else self.counts.bin

    def visible_bins(self) -> list[BinStack]:
        kind = self.bin_kind
        if kind not in self._bins:
            self._bins[kind] = binned(self.counts, kind)
        return [
            b
            for b in self._bins[kind]
            if b.end.toordinal() > self.t0 and b.start.toordinal() < self.t1
        ]

    # --- geometry ----------------------------------------------------------------------

    def _set_range(self, t0: float, t1: float) -> None:
        if t1 - t0 < MIN_DAYS:
            middle = (t0 + t1) / 2
            t0, t1 = middle - MIN_DAYS / 2, middle + MIN_DAYS / 2
        t0, t1 = max(t0, 1.0), min(t1, float(date.max.toordinal()))
        self.t0, self.t1 = t0, max(t1, t0 + MIN_DAYS)

    def _plot(self) -> QRectF:
        return QRectF(
            LEFT, TOP, max(self.width() - LEFT - RIGHT, 1), max(self.height() - TOP - BOTTOM, 1)
        )

    def _pixels_per_day(self) -> float:
        return self._plot().width() / max(self.t1 - self.t0, 1e-6)

    def _x(self, ordinal: float) -> float:
        return LEFT + (ordinal - self.t0) * self._pixels_per_day()

    def _day_at(self, x: float) -> float:
        return self.t0 + (x - LEFT) / self._pixels_per_day()

    def _date_at(self, x: float) -> date:
        ordinal = int(min(max(self._day_at(x), 1), date.max.toordinal()))
        return date.fromordinal(ordinal)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._check_bins()

    # --- painting ----------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        grid = palette.color(QPalette.ColorRole.Mid)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        plot = self._plot()
        bins = self.visible_bins()
        step, lines = nice_top(max((b.total for b in bins), default=0))
        top = step * lines
        scale = plot.height() / top
        # The count axis: a line at each round step, with its number.
        painter.setPen(QPen(grid, 0.6, Qt.PenStyle.DotLine))
        for i in range(lines + 1):
            y = plot.bottom() - plot.height() * i / lines
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            value = step * i
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - 8, LEFT - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}",
            )
            painter.setPen(QPen(grid, 0.6, Qt.PenStyle.DotLine))
        painter.setClipRect(plot.adjusted(0, -TOP, 0, 0))
        self._paint_selected(painter, plot)
        order = list(EVENT_TYPES)
        for stack in bins:
            x0, x1 = self._x(stack.start.toordinal()), self._x(stack.end.toordinal())
            width = max(x1 - x0 - (1 if x1 - x0 > 3 else 0), 1)
            y = plot.bottom()
            kinds = sorted(set(stack.solid) | set(stack.spread), key=_order_key(order))
            for kind in kinds:
                n = stack.solid.get(kind, 0)
                if n:
                    height = n * scale
                    painter.fillRect(
                        QRectF(x0, y - height, width, height), category_colour("event_type", kind)
                    )
                    y -= height
            for kind in kinds:
                share = stack.spread.get(kind, 0.0)
                if share:
                    height = share * scale
                    colour = category_colour("event_type", kind)
                    rect = QRectF(x0, y - height, width, height)
                    light = QColor(colour)
                    light.setAlpha(90)
                    painter.fillRect(rect, light)
                    painter.fillRect(rect, QBrush(colour, Qt.BrushStyle.BDiagPattern))
                    y -= height
        painter.setClipping(False)
        self._paint_band(painter, plot)
        self._paint_axis(painter, plot, text, grid)
        self._paint_legend(painter, text)
        painter.end()

    def _paint_selected(self, painter: QPainter, plot: QRectF) -> None:
        if self.selected is None:
            return
        first, last = self.selected
        x0 = self._x(first.toordinal())
        x1 = max(self._x(last.toordinal() + 1), x0 + 3)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        band = QColor(highlight)
        band.setAlpha(55)
        painter.fillRect(QRectF(x0, plot.top(), x1 - x0, plot.height()), band)
        painter.setPen(QPen(highlight, 2))
        middle = (x0 + x1) / 2
        painter.drawLine(QPointF(middle, plot.top() - 2), QPointF(middle, plot.bottom()))
        painter.setBrush(highlight)
        painter.drawPolygon(
            [
                QPointF(middle - 6, plot.top() - 10),
                QPointF(middle + 6, plot.top() - 10),
                QPointF(middle, plot.top() - 2),
            ]
        )

    def _paint_band(self, painter: QPainter, plot: QRectF) -> None:
        if self._band is None:
            return
        x0, x1 = sorted(self._band)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        fill = QColor(highlight)
        fill.setAlpha(60)
        painter.setPen(QPen(highlight, 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(fill)
        painter.drawRect(QRectF(x0, plot.top(), x1 - x0, plot.height()))

    def _paint_axis(self, painter: QPainter, plot: QRectF, text: QColor, grid: QColor) -> None:
        painter.setPen(QPen(grid, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        metrics = painter.fontMetrics()
        for rect, label in self.tick_labels():
            x = rect.left() - 2
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.setPen(text)
            painter.drawText(QPointF(rect.left(), plot.bottom() + 4 + metrics.ascent()), label)
        painter.setPen(text)
        note = f"per {self.bin_kind} · hatched: known only to the week or month"
        if metrics.horizontalAdvance(note) > plot.width():  # a narrow dock: the bin alone
            note = f"per {self.bin_kind}"
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 18, plot.width(), 16),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            note,
        )

    def tick_labels(self) -> list[tuple[QRectF, str]]:
        """The axis's labels and where each is drawn: as many as fit without overlapping.

        Kept while the span, the size and the font are the same: new counts (a filter
        change) repaint the bars, not the axis's measuring."""
        key = (self.t0, self.t1, self.width(), self.height(), self.font().key())
        if key != self._ticks_key:
            self._ticks, self._ticks_key = self._measure_ticks(), key
        return self._ticks

    def _measure_ticks(self) -> list[tuple[QRectF, str]]:
        plot = self._plot()
        metrics = QFontMetricsF(self.font())
        ticks = axis_ticks(
            self._date_at(plot.left()),
            self._date_at(plot.right()),
            lambda day: self._x(day.toordinal()) + 2,
            metrics.horizontalAdvance,
            (plot.left(), plot.right()),
        )
        top = plot.bottom() + 4
        return [
            (
                QRectF(
                    self._x(day.toordinal()) + 2,
                    top,
                    metrics.horizontalAdvance(label),
                    metrics.height(),
                ),
                label,
            )
            for day, label in ticks
        ]

    def _paint_legend(self, painter: QPainter, text: QColor) -> None:
        metrics = painter.fontMetrics()
        for kind, label, x in self.legend_items():
            if kind:
                painter.fillRect(QRectF(x, 8, 10, 10), category_colour("event_type", kind))
            painter.setPen(text)
            painter.drawText(QPointF(x + (14 if kind else 0), 8 + metrics.ascent() - 1), label)

    def legend_items(self) -> list[tuple[str, str, float]]:
        """(event type, its label, x) of the legend across the top; in a narrow dock the
        last names are shortened, then left out behind "…" (the tooltip names them all)."""
        metrics = QFontMetricsF(self.font())
        items: list[tuple[str, str, float]] = []
        x = LEFT
        for kind in sorted(self.counts.event_types, key=_order_key(list(EVENT_TYPES))):
            room = self.width() - RIGHT - x - 14
            if room < 3 * metrics.horizontalAdvance("M"):
                items.append(("", "…", x))
                break
            label = metrics.elidedText(kind, Qt.TextElideMode.ElideRight, room)
            items.append((kind, label, x))
            if label != kind:
                break  # shortened: its "…" stands for the rest
            x += 14 + metrics.horizontalAdvance(label) + 14
        return items

    # --- hover -------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tip_at(event.pos().x())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint:
            self.painted.emit()
        return handled

    def tip_at(self, x: float) -> str:
        """The bin under ``x``: its dates and counts by type."""
        day = self._day_at(x)
        for stack in self.visible_bins():
            if stack.start.toordinal() <= day < stack.end.toordinal():
                lines = [bin_label(stack.start, self.bin_kind)]
                for kind in sorted(
                    set(stack.solid) | set(stack.spread), key=_order_key(list(EVENT_TYPES))
                ):
                    n, share = stack.solid.get(kind, 0), stack.spread.get(kind, 0.0)
                    extra = f" (+{share:.1f} spread from week/month spans)" if share >= 0.05 else ""
                    lines.append(f"  {kind}: {n:,}{extra}")
                return "\n".join(lines) if len(lines) > 1 else f"{lines[0]}: no incidents"
        return ""

    # --- mouse and keys ----------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self._last = event.position()
            self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or self._last is None:
            return super().mouseMoveEvent(event)
        position = event.position()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.pan_by(position.x() - self._last.x())
        else:
            self._band = (self._press.x(), position.x())
            self.update()
        self._last = position
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        band, self._band = self._band, None
        self._press = None
        if band is not None and abs(band[1] - band[0]) >= 4:
            x0, x1 = sorted(band)
            first = self._date_at(x0)
            last = self._date_at(x1)
            self.update()
            self.period_chosen.emit(first, max(first, last))
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier or delta.x():
            self.pan_by((delta.x() or delta.y()) / 2)
        elif delta.y():
            self.zoom_by(ZOOM_STEP ** (delta.y() / 120), event.position().x())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.home()
        elif key == Qt.Key.Key_Left:
            self.pan_by(60)
        elif key == Qt.Key.Key_Right:
            self.pan_by(-60)
        elif key == Qt.Key.Key_Escape and self._band is not None:
            self._band = self._press = None
            self.update()
        else:
            super().keyPressEvent(event)


def _day(value: date | None) -> date | None:
    """A period's end as a day (some callers set a datetime)."""
    return value.date() if isinstance(value, datetime) else value


def _order_key(order: list[str]):  # type: ignore[no-untyped-def]
    return lambda kind: (order.index(kind) if kind in order else len(order), kind)


__all__ = ["BIN_DAYS", "TimelineCanvas"]
