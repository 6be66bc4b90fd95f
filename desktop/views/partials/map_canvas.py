"""The map: country outlines, the filtered incidents by place, pan, zoom, box and pick.

Drawn with QPainter from the bundled Natural Earth outlines (``geography.load_outlines``);
the counts come from ``services.aggregates.map_counts`` through the window, never from the
incidents themselves. What the analyst does here is told by signals:

- :attr:`places_clicked` — a marker was clicked: the window selects its incidents;
- :attr:`area_chosen` — a box was drawn (Shift+drag, or a drag in box mode): a filter;
- :attr:`country_chosen` — a country was double-clicked: a filter;
- :attr:`point_picked` — after :meth:`pick_point`, the next click's (lat, lon), for the
  editor's "pick on map"; Esc leaves that mode and emits :attr:`pick_cancelled`.

Keys: + and - zoom, 0 goes back to the incidents, arrows pan, Esc cancels a box or a pick.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop import geography
from desktop.services.aggregates import AREA, MapCounts, PlaceKey
from desktop.views.palette import dark_palette_in_use
from desktop.views.partials.chart_colours import categories, category_colour
from desktop.views.partials.map_layout import (
    MapViewport,
    Marker,
    box_area,
    cluster,
    marker_at,
    place_name,
)
from desktop.wording import plural

if TYPE_CHECKING:
    from desktop.services.aggregates import ColourBy

ZOOM_STEP = 1.25
PAN_STEP = 60  # pixels per arrow key
DRAG_THRESHOLD = 4  # pixels a press may move and still be a click
# Light and dark: sea, land, borders, the shading of areas (drawn over the land).
_LIGHT = ("#dce7ef", "#f6f3ec", "#9aa3ab", "#7b6bd6")
_DARK = ("#17212b", "#34373c", "#6b7178", "#a99cff")


class MapCanvas(QWidget):
    places_clicked = Signal(object)  # tuple[PlaceKey, ...]
    area_chosen = Signal(object)  # (west, south, east, north)
    country_chosen = Signal(str)
    point_picked = Signal(float, float)  # lat, lon
    pick_cancelled = Signal()
    painted = Signal()  # after each paint: the window times its redraws by it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map-canvas")
        # Every pixel is painted (the base layer covers it): a new count repaints it alone, not the
        # dock and window behind it too.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 160)
        self.viewport = MapViewport(640, 400)
        self.counts = MapCounts((), ())
        self.colour_by: ColourBy = "event_type"
        self.box_mode = False  # a plain drag draws a box (the tool button)
        self.picking = False
        self.markers: list[Marker] = []
        self.selected: tuple[float | None, float | None, str] | None = None  # lat, lon, country
        self._paths: dict[str, QPainterPath] | None = None
        self._press: QPointF | None = None
        self._last: QPointF | None = None
        self._box: QRectF | None = None
        self._homed = False
        # The land and borders, drawn once per view (pan, zoom, size, palette) and reused
        # when only the counts change: a filter change then draws a few shaded countries and
        # the markers over it, not every outline.
        self._base: QPixmap | None = None
        self._base_key: tuple[object, ...] = ()

    # --- what the window calls ---------------------------------------------------------

    def set_counts(self, counts: MapCounts) -> None:
        self.counts = counts
        if not self._homed and counts.total:
            self.home()  # the first counts: show where the incidents are
        self._relayout()

    def set_colour_by(self, colour_by: ColourBy) -> None:
        self.colour_by = colour_by
        self.update()

    def set_selected(self, lat: float | None, lon: float | None, country: str) -> None:
        """Mark the incident shown in the detail pane (None: nothing selected)."""
        if self.selected == (lat, lon, country):
            return  # a filter change marks again what is marked: no repaint for it
        self.selected = (lat, lon, country)
        self.update()

    def clear_selected(self) -> None:
        if self.selected is not None:
            self.selected = None
            self.update()

    def pick_point(self) -> None:
        """The next click on the map is a point: :attr:`point_picked` (lat, lon) follows."""
        self.picking = True
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def home(self) -> None:
        """Zoom to the incidents shown (their places and countries), or to the world.

        From their points and the countries' outline boxes alone: looking up the landmass
        of each place (geography.bounds_for) costs tens of milliseconds at each filter."""
        lats = [p.lat for p in self.counts.places]
        lons = [p.lon for p in self.counts.places]
        outlines = geography.outline_bounds() if self.counts.total else {}
        for country in self.counts.countries:
            for box in outlines.get(country.country, ())[:1]:
                lats += [box.south, box.north]
                lons += [box.west, box.east]
        if lats:
            span = max(max(lons) - min(lons), max(lats) - min(lats)) * 0.15
            bounds = geography.Bounds(
                min(lons) - span, min(lats) - span, max(lons) + span, max(lats) + span
            )
            middle_lon, middle_lat = (bounds.west + bounds.east) / 2, bounds.mid_lat
            half = 4.0  # at least 8 degrees across, so the neighbours show
            bounds = geography.Bounds(
                min(bounds.west, middle_lon - half),
                max(-90.0, min(bounds.south, middle_lat - half)),
                max(bounds.east, middle_lon + half),
                min(90.0, max(bounds.north, middle_lat + half)),
            )
        else:
            bounds = geography.WORLD
        self.viewport.show(bounds)
        self._homed = bool(lats)
        self._relayout()

    def zoom_by(self, factor: float) -> None:
        self.viewport.zoom_at(factor)
        self._relayout()

    # --- layout ------------------------------------------------------------------------

    def _relayout(self) -> None:
        self.markers = cluster(self.counts.places, self.viewport)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.viewport.width, self.viewport.height = self.width(), self.height()
        if not self._homed:
            self.home()
        self._relayout()
        super().resizeEvent(event)

    def _outline_paths(self) -> dict[str, QPainterPath]:
        """Each country's rings as one path in (lon, -lat), drawn through a transform.

        None until the window's worker has read the outlines (main_geo): the file is not
        read on the GUI thread, where it would hold up the first paint."""
        if self._paths is None and geography.load_outlines.cache_info().currsize == 0:
            return {}
        if self._paths is None:
            self._paths = {}
            for key, rings in geography.load_outlines().items():
                path = QPainterPath()
                for ring in rings:
                    path.moveTo(ring[0][0], -ring[0][1])
                    for lon, lat in ring[1:]:
                        path.lineTo(lon, -lat)
                    path.closeSubpath()
                self._paths[key] = path
        return self._paths

    def _transform(self) -> QTransform:
        v = self.viewport
        k = v.zoom
        return QTransform(
            v.cos * k, 0, 0, k, v.width / 2 - v.lon * v.cos * k, v.height / 2 + v.lat * k
        )

    # --- painting ----------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        sea, land, border, shade = (QColor(c) for c in (_DARK if dark_palette_in_use() else _LIGHT))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawPixmap(0, 0, self._base_layer(sea, land, border))
        self._paint_areas(painter, land, border, shade)
        self._paint_markers(painter)
        self._paint_selected(painter)
        self._paint_legend(painter)
        if self._box is not None:
            highlight = self.palette().color(QPalette.ColorRole.Highlight)
            painter.setPen(QPen(highlight, 1.5, Qt.PenStyle.DashLine))
            fill = QColor(highlight)
            fill.setAlpha(40)
            painter.setBrush(fill)
            painter.drawRect(self._box)
        painter.end()

    def _base_layer(self, sea: QColor, land: QColor, border: QColor) -> QPixmap:
        v = self.viewport
        key = (v.width, v.height, v.lon, v.lat, v.zoom, sea.name(), self.devicePixelRatioF())
        if self._base is None or key != self._base_key:
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap(round(v.width * ratio), round(v.height * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(sea)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setTransform(self._transform())
            painter.setPen(self._border_pen(border))
            painter.setBrush(land)
            for _key, path in self._visible_paths():
                painter.drawPath(path)
            painter.end()
            if self._paths is None:
                return pixmap  # the outlines are still being read: sea alone, for now
            self._base, self._base_key = pixmap, key
        return self._base

    def _border_pen(self, border: QColor) -> QPen:
        pen = QPen(border, 0.8)
        pen.setCosmetic(True)  # the same width at every zoom
        return pen

    def _visible_paths(self) -> list[tuple[str, QPainterPath]]:
        view = self.viewport.bounds
        shown = []
        for key, path in self._outline_paths().items():
            box = path.boundingRect()  # (lon, -lat)
            if view.intersects(
                geography.Bounds(box.left(), -box.bottom(), box.right(), -box.top())
            ):
                shown.append((key, path))
        return shown

    def _paint_areas(self, painter: QPainter, land: QColor, border: QColor, shade: QColor) -> None:
        """Countries shaded by their incidents located only to a province or the country."""
        areas = {c.country: c.total for c in self.counts.countries}
        most = max(areas.values(), default=0)
        paths = self._outline_paths()
        painter.save()
        painter.setTransform(self._transform())
        painter.setPen(self._border_pen(border))
        for key, n in areas.items():
            if key not in paths or not n:
                continue
            # Shaded on a log scale, so one country's thousands leave others visible.
            colour = QColor(shade)
            colour.setAlphaF(0.18 + 0.55 * math.log1p(n) / math.log1p(most))
            painter.setBrush(colour)
            painter.drawPath(paths[key])
        painter.restore()

    def _paint_markers(self, painter: QPainter) -> None:
        outline = self.palette().color(QPalette.ColorRole.Text)
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        font.setBold(True)
        painter.setFont(font)
        for marker in self.markers:
            r = marker.radius
            centre = QPointF(marker.x, marker.y)
            counts = marker.counts(self.colour_by)
            total = max(marker.total, 1)
            # The exactly located part is a solid pie; the approximate rest a ring around it.
            inner = r * math.sqrt(marker.exact / total)
            ring = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
            self._pie(painter, ring, counts, alpha=0.55 if marker.exact < total else 1.0)
            if marker.exact < total:
                hole = max(r * 0.45, inner)
                if marker.exact:
                    core = QRectF(centre.x() - inner, centre.y() - inner, 2 * inner, 2 * inner)
                    self._pie(painter, core, counts, alpha=1.0)
                else:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
                    painter.drawEllipse(centre, hole, hole)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(outline, 1.2))
            painter.drawEllipse(centre, r, r)
            if r >= 14:
                text = f"{marker.total:,}" if marker.total < 10_000 else f"{marker.total // 1000}k"
                painter.setPen(outline)
                box = QRectF(centre.x() - r, centre.y() + r, 2 * r + 40, 16).translated(-20, 0)
                painter.drawText(
                    box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text
                )

    def _pie(
        self, painter: QPainter, rect: QRectF, counts: list[tuple[str, int]], alpha: float
    ) -> None:
        total = sum(n for _, n in counts) or 1
        start = 90 * 16
        painter.setPen(Qt.PenStyle.NoPen)
        for category, n in counts:
            colour = category_colour(self.colour_by, category)
            colour.setAlphaF(alpha)
            painter.setBrush(colour)
            span = round(-360 * 16 * n / total)
            painter.drawPie(rect, start, span)
            start += span

    def _paint_selected(self, painter: QPainter) -> None:
        if self.selected is None:
            return
        lat, lon, country = self.selected
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        pen = QPen(highlight, 2.5)
        if lat is not None and lon is not None:
            x, y = self.viewport.to_screen(lon, lat)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(x, y), 9, 9)
            painter.drawLine(QPointF(x - 15, y), QPointF(x - 6, y))
            painter.drawLine(QPointF(x + 6, y), QPointF(x + 15, y))
            painter.drawLine(QPointF(x, y - 15), QPointF(x, y - 6))
            painter.drawLine(QPointF(x, y + 6), QPointF(x, y + 15))
        elif country in self._outline_paths():
            pen.setCosmetic(True)
            painter.save()
            painter.setTransform(self._transform())
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._outline_paths()[country])
            painter.restore()

    def _paint_legend(self, painter: QPainter) -> None:
        shown = {c for m in self.markers for c, _ in m.counts(self.colour_by)}
        shown |= {c for area in self.counts.countries for c, _ in area.counts(self.colour_by)}
        rows = [c for c in categories(self.colour_by) if c in shown]
        rows += sorted(shown - set(rows))
        metrics = painter.fontMetrics()
        font = painter.font()
        font.setBold(False)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        line = metrics.height() + 2
        lines = [*rows, "● exact   ◍ approximate", "▒ province or country only"]
        width = max((metrics.horizontalAdvance(t) for t in lines), default=0) + 30
        box = QRectF(8, self.height() - 8 - line * len(lines) - 8, width, line * len(lines) + 8)
        back = self.palette().color(QPalette.ColorRole.Window)
        back.setAlpha(220)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(back)
        painter.drawRoundedRect(box, 4, 4)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        y = box.top() + 4
        for row in lines:
            if row in shown:
                painter.setPen(QPen(text, 0.8))
                painter.setBrush(category_colour(self.colour_by, row))
                painter.drawEllipse(QPointF(box.left() + 12, y + line / 2), 5, 5)
                label = row
            else:
                label = row
            painter.setPen(text)
            painter.drawText(
                QRectF(box.left() + 24, y, width, line), Qt.AlignmentFlag.AlignVCenter, label
            )
            y += line

    # --- hover -------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tip_at(event.pos().x(), event.pos().y())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint:
            self.painted.emit()
        return handled

    def tip_at(self, x: float, y: float) -> str:
        """What hovering names: a marker's places and counts, or a shaded country's."""
        marker = marker_at(self.markers, x, y)
        if marker is not None:
            names = marker.names()
            head = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more near"
            lines = [f"{head}: {plural(marker.total, 'incident')}"]
            lines += [f"  {c}: {n:,}" for c, n in marker.counts(self.colour_by)]
            approx = marker.total - marker.exact
            if approx:
                lines.append(f"  {approx:,} located approximately (near or in the area)")
            return "\n".join(lines)
        lon, lat = self.viewport.to_geo(x, y)
        country = geography.country_at(lat, lon)
        if country is None:
            return ""
        area = next((c for c in self.counts.countries if c.country == country), None)
        name = geography.country_name(country)
        if area is None:
            return name
        lines = [f"{name}: {plural(area.total, 'incident')} located to a province or the country"]
        lines += [f"  {c}: {n:,}" for c, n in area.counts(self.colour_by)]
        return "\n".join(lines)

    # --- mouse and keys ----------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self._last = event.position()
            self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    def _boxing(self, event: QMouseEvent) -> bool:
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        return (self.box_mode or shift) and not self.picking

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or self._last is None:
            return super().mouseMoveEvent(event)
        position = event.position()
        if self._boxing(event):
            self._box = QRectF(self._press, position).normalized()
            self.update()
        elif (position - self._press).manhattanLength() >= DRAG_THRESHOLD:
            delta = position - self._last
            self.viewport.pan(delta.x(), delta.y())
            self._relayout()
        self._last = position
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        box, self._box = self._box, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return super().mouseReleaseEvent(event)
        position = event.position()
        moved = (position - press).manhattanLength() >= DRAG_THRESHOLD
        if box is not None and moved:
            self.update()
            self.area_chosen.emit(
                box_area(self.viewport, box.left(), box.top(), box.right(), box.bottom())
            )
        elif not moved:
            self._click(position.x(), position.y())
        return None

    def _click(self, x: float, y: float) -> None:
        if self.picking:
            self.picking = False
            self.unsetCursor()
            lon, lat = self.viewport.to_geo(x, y)
            self.point_picked.emit(round(lat, 5), round(lon, 5))
            return
        marker = marker_at(self.markers, x, y)
        if marker is not None:
            self.places_clicked.emit(marker.keys)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        x, y = event.position().x(), event.position().y()
        if self.picking or marker_at(self.markers, x, y) is not None:
            return
        lon, lat = self.viewport.to_geo(x, y)
        country = geography.country_at(lat, lon)
        if country is not None and len(country) == 2:
            self.country_chosen.emit(country)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            position = event.position()
            self.viewport.zoom_at(ZOOM_STEP**steps, position.x(), position.y())
            self._relayout()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        pans = {
            Qt.Key.Key_Left: (PAN_STEP, 0),
            Qt.Key.Key_Right: (-PAN_STEP, 0),
            Qt.Key.Key_Up: (0, PAN_STEP),
            Qt.Key.Key_Down: (0, -PAN_STEP),
        }
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.home()
        elif key in pans:
            self.viewport.pan(*pans[key])
            self._relayout()
        elif key == Qt.Key.Key_Escape and (self.picking or self._box is not None):
            self._box = self._press = None
            if self.picking:
                self.picking = False
                self.unsetCursor()
                self.pick_cancelled.emit()
            self.update()
        else:
            super().keyPressEvent(event)


def describe_places(keys: tuple[PlaceKey, ...]) -> str:
    """The places of a marker in words, for the status bar."""
    names = list(dict.fromkeys(place_name(k) for k in keys if k.precision < AREA))
    if not names:
        return "this place"
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"
