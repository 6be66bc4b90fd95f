"""The map and the timeline: their arithmetic without widgets, then driven with the mouse
and keys in the main window, checking that the table's filter and selection really change."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from desktop.domain import TimePrecision
from desktop.services import matched_ids, search
from desktop.services.aggregates import (
    NEAR,
    POINT,
    DayCount,
    PlaceCount,
    PlaceKey,
    SpanCount,
    TimelineCounts,
)
from desktop.services.sample import load_sample
from desktop.views.main_window import MainWindow
from desktop.views.partials.map_canvas import MapCanvas
from desktop.views.partials.map_layout import MapViewport, box_area, cluster, marker_at
from desktop.views.partials.timeline_layout import binned, choose_bin
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentRow
    from desktop.store.engine import Database


def place(name: str, lat: float, lon: float, n: int, precision: int = POINT) -> PlaceCount:
    counts = (("Battles", n),)
    return PlaceCount(PlaceKey("IQ", name, "", precision), lat, lon, counts, (("reported", n),))


# --- without widgets ----------------------------------------------------------------------


def test_the_viewport_projects_and_back() -> None:
    view = MapViewport(800, 600, lon=44.0, lat=33.0, zoom=50)
    x, y = view.to_screen(45.0, 34.0)
    assert x > 400  # east is right
    assert y < 300  # north is up
    assert view.to_geo(x, y) == pytest.approx((45.0, 34.0))
    view.zoom_at(2.0, x, y)
    assert view.zoom == 100
    assert view.to_screen(45.0, 34.0) == pytest.approx((x, y))  # the point stays put
    assert box_area(view, 0, 0, 800, 600) == pytest.approx(
        (view.bounds.west, view.bounds.south, view.bounds.east, view.bounds.north), abs=1e-4
    )


def test_close_places_merge_when_zoomed_out_and_part_when_zoomed_in() -> None:
    places = [place("Baghdad", 33.31, 44.37, 900), place("Fallujah", 33.35, 43.78, 30)]
    far = MapViewport(800, 600, lon=44.0, lat=33.0, zoom=5)
    (marker,) = cluster(places, far)
    assert marker.total == 930
    assert marker.names() == ["Baghdad, Iraq", "Fallujah, Iraq"]
    near = MapViewport(800, 600, lon=44.0, lat=33.0, zoom=400)
    markers = cluster(places, near)
    assert sorted(m.total for m in markers) == [30, 900]
    assert marker_at(markers, markers[-1].x, markers[-1].y) is markers[-1]
    assert marker_at(markers, 0, 0) is None


def test_a_marker_knows_its_exact_part() -> None:
    places = [place("Erbil", 36.19, 44.0, 3), place("Erbil", 36.2, 44.01, 5, precision=NEAR)]
    (marker,) = cluster(places, MapViewport(800, 600, lon=44.0, lat=36.0, zoom=20))
    assert (marker.total, marker.exact) == (8, 3)


def test_bins_follow_the_zoom_and_spans_keep_their_total() -> None:
    counts = TimelineCounts(
        (DayCount(date(2024, 1, 1), "Battles", 4), DayCount(date(2024, 1, 9), "Riots", 1)),
        (SpanCount(date(2024, 1, 1), date(2024, 1, 31), TimePrecision.MONTH, "Protests", 31),),
    )
    assert choose_bin(20) == "day"
    assert choose_bin(2) == "week"
    assert choose_bin(0.1) == "month"
    days = binned(counts, "day")
    assert len(days) == 31
    assert days[0].solid == {"Battles": 4}
    assert days[5].spread == {"Protests": pytest.approx(1.0)}  # one a day, drawn as a span
    weeks = binned(counts, "week")
    assert weeks[0].start == date(2024, 1, 1)  # a Monday
    assert sum(b.total for b in weeks) == pytest.approx(36)
    (month,) = binned(counts, "month")
    assert month.solid == {"Battles": 4, "Riots": 1}
    assert month.spread == {"Protests": pytest.approx(31)}


# --- driven -------------------------------------------------------------------------------


def test_pick_point_gives_the_clicked_coordinates(qtbot: QtBot) -> None:
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    canvas.show()
    canvas.viewport.show(canvas.viewport.bounds)
    canvas.pick_point()
    with qtbot.waitSignal(canvas.point_picked) as picked:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    lon, lat = canvas.viewport.to_geo(300, 200)
    assert picked.args == [pytest.approx(lat, abs=1e-4), pytest.approx(lon, abs=1e-4)]
    assert not canvas.picking
    canvas.pick_point()
    with qtbot.waitSignal(canvas.pick_cancelled):
        qtbot.keyClick(canvas, Qt.Key.Key_Escape)


def wheel(widget: object, x: int, y: int, steps: int) -> None:
    position = QPointF(x, y)
    event = QWheelEvent(
        position,
        position,
        QPoint(),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


def drag(
    qtbot: QtBot,
    widget: object,
    start: QPoint,
    end: QPoint,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, modifier, start)
    for step in range(1, 6):
        point = start + (end - start) * step / 5
        # QTest's mouseMove drops the button and modifiers: send the real drag events.
        event = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            QPointF(point),
            QPointF(widget.mapToGlobal(point)),  # type: ignore[attr-defined]
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            modifier,
        )
        QApplication.sendEvent(widget, event)  # type: ignore[arg-type]
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, modifier, end)


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> Iterator[MainWindow]:
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 900)
    win.show()
    win._build_geo()
    qtbot.waitUntil(lambda: len(win.geo_drawn) == 2, timeout=10000)
    yield win
    win._stop_geo()


def redrawn(qtbot: QtBot, win: MainWindow) -> None:
    qtbot.waitUntil(lambda: len(win.geo_drawn) == 2, timeout=10000)


def test_the_map_and_timeline_show_the_tables_set(qtbot: QtBot, window: MainWindow) -> None:
    assert window.map_panel is not None
    assert window.timeline is not None
    canvas = window.map_panel.canvas
    assert canvas.counts.total == 7
    assert window.timeline.counts.total == 7
    window.filter_bar.country.setCurrentIndex(window.filter_bar.country.findData("LB"))
    redrawn(qtbot, window)
    assert canvas.counts.total == window.model.rowCount() == 1
    assert window.timeline.counts.total == 1


def test_wheel_drag_and_keys_move_the_map(qtbot: QtBot, window: MainWindow) -> None:
    assert window.map_panel is not None
    canvas = window.map_panel.canvas
    zoom = canvas.viewport.zoom
    wheel(canvas, 200, 150, 2)
    assert canvas.viewport.zoom == pytest.approx(zoom * 1.25**2)
    lon = canvas.viewport.lon
    drag(qtbot, canvas, QPoint(200, 150), QPoint(100, 150))
    assert canvas.viewport.lon > lon  # dragged left: the view moved east
    assert window.model.query.area is None  # a plain drag pans, never filters
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.viewport.zoom == pytest.approx(zoom * 1.25)
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert canvas.viewport.zoom == pytest.approx(zoom)


def test_clicking_a_marker_selects_its_incidents(qtbot: QtBot, window: MainWindow) -> None:
    assert window.map_panel is not None
    canvas = window.map_panel.canvas
    window.table.clearSelection()
    marker = next(m for m in canvas.markers if "al-Asad" in m.names()[0])
    qtbot.mouseClick(
        canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(marker.x), round(marker.y))
    )
    qtbot.waitUntil(lambda: bool(window.table.selectionModel().selectedRows()), timeout=5000)
    rows = window.table.selectionModel().selectedRows()
    places = {window.model.row_at(index).place for index in rows}  # type: ignore[union-attr]
    assert len(rows) == marker.total
    assert all("al-Asad" in p for p in places)
    assert "al-Asad" in window.detail.title_label.text()
    assert "selected" in window.statusBar().currentMessage()


def test_a_shift_drag_box_filters_the_table(qtbot: QtBot, window: MainWindow) -> None:
    assert window.map_panel is not None
    canvas = window.map_panel.canvas
    marker = next(m for m in canvas.markers if "al-Asad" in m.names()[0])
    centre = QPoint(round(marker.x), round(marker.y))
    drag(qtbot, canvas, centre - QPoint(20, 20), centre + QPoint(20, 20),
         Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    area = window.model.query.area
    assert area is not None
    assert area[0] < 42.441 < area[2]
    assert area[1] < 33.785 < area[3]
    assert window.filter_bar.area_button.isVisible()
    assert 0 < window.model.rowCount() < 7
    assert any("al-Asad" in title for title in _titles(window))
    assert not any("Lebanon" in row.place for row in _rows(window))
    redrawn(qtbot, window)
    assert canvas.counts.total == window.model.rowCount()
    window.filter_bar.area_button.click()  # the chip's ✕: anywhere again
    assert window.model.query.area is None
    assert window.model.rowCount() == 7


def _titles(win: MainWindow) -> list[str]:
    return [win.model.row_at(win.model.index(r, 0)).title for r in range(win.model.rowCount())]  # type: ignore[union-attr]


def test_double_clicking_a_country_filters_by_it(qtbot: QtBot, window: MainWindow) -> None:
    assert window.map_panel is not None
    canvas = window.map_panel.canvas
    x, y = canvas.viewport.to_screen(43.5, 32.0)  # the Iraqi desert, no marker near
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    assert window.model.query.countries == ("IQ",)
    assert window.model.rowCount() == 5


def test_dragging_over_the_timeline_sets_the_period(qtbot: QtBot, window: MainWindow) -> None:
    timeline = window.timeline
    assert timeline is not None
    start = timeline._x(date(2023, 10, 17).toordinal()) + 2
    end = timeline._x(date(2023, 10, 18).toordinal()) + 2
    y = timeline.height() // 2
    drag(qtbot, timeline, QPoint(round(start), y), QPoint(round(end), y))
    assert window.model.query.since == date(2023, 10, 17)
    assert window.model.query.until == date(2023, 10, 18)
    assert 0 < window.model.rowCount() < 7  # those overlapping the two days
    redrawn(qtbot, window)
    assert timeline.counts.total == window.model.rowCount()


def test_the_selected_incident_is_marked(window: MainWindow) -> None:
    assert window.map_panel is not None
    assert window.timeline is not None
    window.select_incident(next(r.id for r in _rows(window) if "al-Asad" in r.title))
    assert window.map_panel.canvas.selected == (33.785, 42.441, "IQ")
    assert window.timeline.selected == (date(2023, 10, 17), date(2023, 10, 18))


def _rows(win: MainWindow) -> list[IncidentRow]:
    rows = [win.model.row_at(win.model.index(r, 0)) for r in range(win.model.rowCount())]
    return [row for row in rows if row is not None]


def test_hover_names_the_place_and_its_counts(window: MainWindow) -> None:
    assert window.map_panel is not None
    assert window.timeline is not None
    canvas = window.map_panel.canvas
    marker = next(m for m in canvas.markers if "al-Asad" in m.names()[0])
    tip = canvas.tip_at(marker.x, marker.y)
    assert tip.startswith("al-Asad airbase")
    assert "Explosions/Remote violence: " in tip
    x = window.timeline._x(date(2023, 10, 17).toordinal() + 0.5)
    assert "17 Oct 2023" in window.timeline.tip_at(x)


def test_the_editor_picks_its_place_on_the_windows_map(qtbot: QtBot, window: MainWindow) -> None:
    """Pick on map: the (window-modal) editor steps aside, the click on the map sets its
    coordinates, and it comes back; Esc brings it back with the coordinates untouched."""
    editor = window.new_incident()
    qtbot.waitExposed(editor)
    place = editor.place_edit
    assert not place.pick_button.isHidden()  # offered: the window has a map
    qtbot.mouseClick(place.pick_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert "Click the map" in window.statusBar().currentMessage()
    canvas = window.map_panel.canvas if window.map_panel is not None else None
    assert canvas is not None
    assert canvas.isVisible()
    x, y = canvas.width() // 2, canvas.height() // 2
    lon, lat = canvas.viewport.to_geo(x, y)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    qtbot.waitUntil(editor.isVisible)
    assert float(place.lat_edit.text()) == pytest.approx(lat, abs=1e-3)
    assert float(place.lon_edit.text()) == pytest.approx(lon, abs=1e-3)
    assert window.statusBar().currentMessage() == ""

    qtbot.mouseClick(place.pick_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.waitUntil(editor.isVisible)
    assert float(place.lat_edit.text()) == pytest.approx(lat, abs=1e-3)
    editor.reject()


def test_a_search_narrowed_by_a_country_reads_its_matches_once_per_view(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map's and the timeline's reads each go through a connection of their own, where the
    search's matches are kept: a country added to the search reads them no more."""
    monkeypatch.setattr(search, "LOOKUP_SHARE", 0.0)  # the sample's words are few: probe all
    fills: list[str] = []
    fill = matched_ids._fill

    def counted(session: object, expression: str, version: int) -> None:
        fills.append(expression)
        fill(session, expression, version)  # type: ignore[arg-type]

    monkeypatch.setattr(matched_ids, "_fill", counted)
    box = window.filter_bar.search
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, "drone")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.query.text == "drone", timeout=5000)
    redrawn(qtbot, window)
    assert window.map_panel is not None
    assert window.timeline is not None
    searched = window.model.rowCount()
    assert 0 < searched < 7
    assert window.map_panel.canvas.counts.total == searched
    assert window.timeline.counts.total == searched
    # Once for each view's connection (any earlier fills were of a word still being typed).
    assert fills.count(fills[-1]) == 2
    read = len(fills)
    # Meanwhile the window's other reads (the table's page, its count, the detail pane) hold
    # the pool's connections: the pool would hand the next reads others.
    held = [window._db.engine.connect() for _ in range(3)]
    try:
        window.filter_bar.country.setCurrentIndex(window.filter_bar.country.findData("IQ"))
        redrawn(qtbot, window)
    finally:
        for connection in held:
            connection.close()
    assert window.model.query.countries == ("IQ",)
    narrowed = window.model.rowCount()
    assert 0 < narrowed <= searched
    assert window.map_panel.canvas.counts.total == narrowed
    assert window.timeline.counts.total == narrowed
    assert len(fills) == read
