"""The main window's map and timeline: two docks showing the table's filtered set.

A part of :class:`~desktop.views.main_window.MainWindow` (a mixin, as main_listing is).
Whenever the table's query is applied (a filter, a reload after a change), the counts by
place and by day, week or month (the bin the timeline's zoom wants) are read again in worker
threads (``services.aggregates``, one :class:`LatestOnly` each, so a stale result is
dropped, each reading through a connection of its own, ``services.own_connection``), and
laid out there too (the map's clusters, the timeline's bins); the window keeps
answering meanwhile. The selected incident is marked on both. What the analyst does on them changes
the filter bar, which changes the table, which changes them:

- a marker clicked selects its incidents in the table (those loaded so far);
- a box drawn on the map, or a country double-clicked, filters the table;
- a span dragged on the timeline sets the table's period.

The docks are built after the window's first paint (:meth:`_build_geo`), so the start does
not wait for them, and the outlines are read in a worker thread too.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QDockWidget, QWidget

from desktop import phrases
from desktop.views.partials.latest_worker import LatestOnly
from desktop.wording import plural

if TYPE_CHECKING:
    from datetime import date

    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QDialog

    from desktop.services.aggregates import MapCounts, PlaceKey, TimelineCounts
    from desktop.services.timeline_bins import BinKind
    from desktop.views.main_parts import WindowParts as _Base
    from desktop.views.partials.map_panel import MapPanel
    from desktop.views.partials.map_picker import EditorMapPicker
    from desktop.views.partials.timeline_canvas import TimelineCanvas
    from desktop.views.partials.timeline_layout import BinStack
else:
    _Base = object

MAP_DOCK, TIMELINE_DOCK = "map-dock", "timeline-dock"
# The docks' height at first, a share of the window's within bounds (pixels): modest, so that
# the table above keeps a dozen rows in a 1024 x 700 window, and no taller than a map needs.
DOCK_HEIGHT_SHARE = 0.3
DOCK_HEIGHT = (170, 360)
DOCK_MIN_HEIGHT = 120  # neither can be dragged down to nothing
MAP_WIDTH_SHARE = 0.55  # of the window's width; the timeline has the rest
# The second view's paint after the first's: a 1 ms timer runs in a later pass of the event
# loop (a zero timer in the same, see docs/performance.md, v1); at most this long after its
# counts arrived if the first never paints.
PAINT_NEXT_MS, HELD_AT_MOST_MS = 1, 100


class GeoPart(_Base):
    map_panel: MapPanel | None = None
    timeline: TimelineCanvas | None = None
    # When the last filter change was asked for, and how long until each view had its
    # counts drawn (benchmarks read these).
    geo_asked_at = 0.0
    geo_drawn: dict[str, float]
    # How often the timeline's counts were read again by another bin since the last request:
    # each read's extent is wider or the same, so its bin coarser or the same; bounded anyway.
    _timeline_rereads = 0

    def _build_geo(self) -> None:
        """The map and timeline docks, their workers, and the wiring (once, after attach)."""
        if self.map_panel is not None:
            return
        from desktop.services import aggregates
        from desktop.services.own_connection import OwnConnection
        from desktop.views.partials.map_panel import MapPanel
        from desktop.views.partials.timeline_canvas import TimelineCanvas

        self._aggregates = aggregates
        self.geo_drawn = {}
        self._geo_unpainted: set[str] = set()  # views given new counts, not yet painted
        # A view given counts while the other's paint is pending waits for that paint, and
        # paints a pass later: the two paints together were the longest the window did not
        # answer (docs/performance.md, "Waiting for a core"). Bounded, in case the other
        # is hidden before it paints.
        self._geo_held: QWidget | None = None
        self._geo_held_view = ""
        self._geo_release = QTimer(self)
        self._geo_release.setSingleShot(True)
        self._geo_release.timeout.connect(self._geo_paint_held)
        self._geo_pool = QThreadPool(self)
        self._geo_pool.setMaxThreadCount(2)  # the map's and the timeline's reads side by side
        self._map_reads = LatestOnly(self._geo_pool, self)
        self._timeline_reads = LatestOnly(self._geo_pool, self)
        self._place_reads = LatestOnly(self._geo_pool, self)
        # Each of the two reads through a connection of its own: a search's matches kept
        # there serve its next filter change (services/own_connection).
        self._map_connection, self._timeline_connection = OwnConnection(), OwnConnection()
        self.map_panel = MapPanel(self)
        self.timeline = TimelineCanvas(self)
        map_dock = self._dock(MAP_DOCK, "Map", self.map_panel, self.actions_.show_map)
        timeline_dock = self._dock(
            TIMELINE_DOCK, "Timeline", self.timeline, self.actions_.show_timeline
        )
        # Where the analyst left them (the saved state), else where they start.
        restored = [self.restoreDockWidget(dock) for dock in (map_dock, timeline_dock)]
        if not all(restored):
            self._place_docks(map_dock, timeline_dock)
        for dock, action in (
            (map_dock, self.actions_.show_map),
            (timeline_dock, self.actions_.show_timeline),
        ):
            dock.setVisible(action.isChecked())
        if not all(restored):
            self._size_docks(map_dock, timeline_dock)
        canvas = self.map_panel.canvas
        self._map_reads.delivered.connect(self._map_counts_read)
        self._timeline_reads.delivered.connect(self._timeline_counts_read)
        self._place_reads.delivered.connect(self._place_incidents_read)
        for reads in (self._map_reads, self._timeline_reads, self._place_reads):
            reads.failed.connect(self._geo_failed)
        canvas.places_clicked.connect(self._places_clicked)
        canvas.area_chosen.connect(self.filter_bar.set_area)
        canvas.country_chosen.connect(self._country_chosen)
        self.timeline.period_chosen.connect(self._period_chosen)
        self.timeline.bins_wanted.connect(self._rebin_timeline)
        canvas.painted.connect(lambda: self._geo_painted("map"))
        self.timeline.painted.connect(lambda: self._geo_painted("timeline"))
        self.model.modelReset.connect(self._geo_refresh)
        self._geo_refresh()
        self._geo_mark_selected()

    def default_dock_layout(self) -> None:
        """The map and the timeline back where they start (View ▸ Reset layout)."""
        docks = [self.findChild(QDockWidget, name) for name in (MAP_DOCK, TIMELINE_DOCK)]
        map_dock, timeline_dock = docks
        if map_dock is None or timeline_dock is None:
            return  # not built yet: they will start there
        for dock in (map_dock, timeline_dock):
            dock.setFloating(False)
        self._place_docks(map_dock, timeline_dock)
        self._size_docks(map_dock, timeline_dock)

    def _place_docks(self, map_dock: QDockWidget, timeline_dock: QDockWidget) -> None:
        """Both below the table and the detail pane, side by side: each keeps a readable
        width even in a small window, where one stacked over the other would leave the
        table a few rows."""
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, map_dock)
        self.splitDockWidget(map_dock, timeline_dock, Qt.Orientation.Horizontal)

    def _size_docks(self, map_dock: QDockWidget, timeline_dock: QDockWidget) -> None:
        """Their default sizes; only a shown dock takes its width (a hidden one is skipped
        by the layout, and takes its hint's when shown)."""
        low, high = DOCK_HEIGHT
        height = min(max(round(self.height() * DOCK_HEIGHT_SHARE), low), high)
        docks = [map_dock, timeline_dock]
        self.resizeDocks(docks, [height, height], Qt.Orientation.Vertical)
        map_width = round(self.width() * MAP_WIDTH_SHARE)
        widths = [map_width, self.width() - map_width]
        self.resizeDocks(docks, widths, Qt.Orientation.Horizontal)

    def _map_picker(self, editor: QDialog, panel: MapPanel) -> EditorMapPicker:
        """The editor's "Pick on map", on this window's map dock."""
        from desktop.views.partials.map_picker import EditorMapPicker

        dock = self.findChild(QDockWidget, MAP_DOCK)
        return EditorMapPicker(editor, panel, dock, self._show_pick_prompt)

    def _show_pick_prompt(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _dock(self, name: str, title: str, content: object, action: object) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState needs a name
        dock.setWidget(content)  # type: ignore[arg-type]
        dock.setMinimumHeight(DOCK_MIN_HEIGHT)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        # The View menu's action shows and hides it, and follows it when closed by its button.
        action.toggled.connect(dock.setVisible)  # type: ignore[attr-defined]
        dock.visibilityChanged.connect(lambda _v: self._sync_dock_action(dock, action))
        return dock

    def _sync_dock_action(self, dock: QDockWidget, action: object) -> None:
        if not shiboken6.isValid(self) or not self.isVisible():
            # Deleting the window hides its docks after the window's own C++ half is gone.
            return  # and closing it hides them: neither is the analyst's choice
        action.blockSignals(True)  # type: ignore[attr-defined]
        action.setChecked(not dock.isHidden())  # type: ignore[attr-defined]
        action.blockSignals(False)  # type: ignore[attr-defined]

    def _geo_refresh(self) -> None:
        """Read the counts of the table's query again, in the workers."""
        from desktop import geography  # here, not before the window's first rows

        if self.map_panel is None or not self.attached:
            return
        db, query, aggregates = self._db, self.model.query, self._aggregates
        own = self._map_connection
        self.geo_asked_at = time.perf_counter()
        self.geo_drawn = {}
        self._geo_unpainted = set()

        def read_map() -> MapCounts:
            geography.load_outlines()  # read once, here rather than on the GUI thread
            return aggregates.map_counts(own.database(db), query)

        self._map_reads.request(read_map)
        self._timeline_rereads = 0
        self._read_timeline(self.timeline.wanted_for(query) if self.timeline else "day")

    def _rebin_timeline(self, kind: str) -> None:
        """The zoom wants counts by another bin."""
        self._timeline_rereads = 0
        self._read_timeline(kind)

    def _read_timeline(self, kind: str) -> None:
        """The timeline's counts of the table's query by ``kind``, binned in the worker."""
        from desktop.views.partials.timeline_layout import binned

        if self.map_panel is None or not self.attached:
            return
        db, query, aggregates = self._db, self.model.query, self._aggregates
        own = self._timeline_connection
        bin_kind: BinKind = "week" if kind == "week" else "month" if kind == "month" else "day"

        def read() -> tuple[TimelineCounts, list[BinStack]]:
            counts = aggregates.timeline_counts(own.database(db), query, bin_kind)
            return counts, binned(counts, bin_kind)

        self._timeline_reads.request(read)

    def _map_counts_read(self, counts: MapCounts) -> None:
        if self.map_panel is None:
            return
        self.map_panel.canvas.set_counts(counts)
        self._draw_soon("map", self.map_panel.canvas)

    def _draw_soon(self, view: str, canvas: QWidget) -> None:
        """Have ``canvas`` paint with the next paint of the window (with the table's, the
        other view's), rather than now and again then; it is drawn once it has painted."""
        if canvas.isVisible():
            if self._geo_unpainted - {view}:
                self._geo_held, self._geo_held_view = canvas, view
                self._geo_release.start(HELD_AT_MOST_MS)
            else:
                canvas.update()
            self._geo_unpainted.add(view)
        else:
            self.geo_drawn.setdefault(view, time.perf_counter() - self.geo_asked_at)

    def _geo_painted(self, view: str) -> None:
        if view in self._geo_unpainted:
            self._geo_unpainted.discard(view)
            self.geo_drawn.setdefault(view, time.perf_counter() - self.geo_asked_at)
            if len(self.geo_drawn) == 2:
                freeze_heap_once()
        if self._geo_held is not None and view != self._geo_held_view:
            # The paint it waited for, even one a newer filter no longer counts as drawn.
            self._geo_release.start(PAINT_NEXT_MS)

    def _geo_paint_held(self) -> None:
        held, self._geo_held = self._geo_held, None
        if held is not None:
            held.update()

    def _timeline_counts_read(self, read: tuple[TimelineCounts, list[BinStack]]) -> None:
        if self.timeline is None:
            return
        from desktop.views.partials.timeline_layout import serves

        counts, stacks = read
        self.timeline.set_counts(counts, stacks)
        wanted = self.timeline.wanted_bin
        if not serves(counts, wanted) and self._timeline_rereads < 2:
            # The new counts' extent wants another bin than was guessed, or the zoom moved on
            # while they were read: read by that bin.
            self._timeline_rereads += 1
            self._read_timeline(wanted)
            return
        self._draw_soon("timeline", self.timeline)

    def _geo_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"The map or timeline could not be read: {message}", 10000)

    def _geo_mark_selected(self) -> None:
        """Mark the incident of the detail pane on the map and the timeline."""
        self._geo_mark_map()
        self._geo_mark_timeline()

    def _geo_mark_in_turns(self) -> None:
        """As :meth:`_geo_mark_selected`, the timeline's mark a pass after the map's: after a
        filter change each repaints its whole view, and the two paints together held the
        window as long as the new counts' paints did."""
        self._geo_mark_map()
        QTimer.singleShot(PAINT_NEXT_MS, self, self._geo_mark_timeline)

    def _geo_mark_map(self) -> None:
        if self.map_panel is None:
            return
        data = self.detail.shown
        if data is None:
            self.map_panel.canvas.clear_selected()
        else:
            where = data.where
            self.map_panel.canvas.set_selected(where.lat, where.lon, where.country)

    def _geo_mark_timeline(self) -> None:
        if self.timeline is None:
            return
        data = self.detail.shown  # the pane's incident now, whichever it was when asked
        if data is None:
            self.timeline.set_selected(None, None)
            return
        from desktop.services.aggregates import span_of

        first, last = phrases.day_of(data.when.start), phrases.day_of(data.when.end)
        self.timeline.set_selected(*span_of(first, last, data.when.precision))

    def _show_incident(self, index: QModelIndex) -> None:
        super()._show_incident(index)
        self._geo_mark_selected()

    # --- what the analyst does on them -------------------------------------------------

    def _places_clicked(self, keys: tuple[PlaceKey, ...]) -> None:
        db, query, aggregates = self._db, self.model.query, self._aggregates
        self._clicked_places = keys
        self._place_reads.request(lambda: aggregates.place_incidents(db, query, keys))

    def _place_incidents_read(self, ids: tuple[str, ...]) -> None:
        from desktop.views.partials.map_canvas import describe_places

        place = describe_places(self._clicked_places)
        selection = QItemSelection()
        first = None
        for incident_id in ids:
            index = self.model.index_of(incident_id)
            if index.isValid():
                selection.select(index, index)
                first = first or index
        how_many = plural(len(ids), "incident") if len(ids) < aggregates_limit() else "many"
        if first is None:
            self.statusBar().showMessage(
                f"{place}: {how_many}, none among the rows loaded so far; draw a box around "
                "it (Shift+drag) to list only them.",
                10000,
            )
            return
        selected = selection.indexes()
        self.select_index(first)  # the first becomes the current one, shown in the detail
        self.table.selectionModel().select(
            selection,
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
        shown = len(selected)
        rest = f" ({len(ids) - shown:,} further down the list)" if shown < len(ids) else ""
        self.statusBar().showMessage(f"{place}: selected {plural(shown, 'incident')}{rest}.", 10000)

    def _country_chosen(self, code: str) -> None:
        if not self.filter_bar.set_country(code):
            from desktop import geography

            name = geography.country_name(code)
            self.statusBar().showMessage(f"No incident is recorded in {name}.", 5000)

    def _period_chosen(self, first: date, last: date) -> None:
        self.filter_bar.set_period(first, last)

    def _stop_geo(self) -> None:
        """Join the map's and timeline's reads, and the table's count (the window closes)."""
        self.model.wait_for_count()
        if self._count_connection is not None:
            self._count_connection.close()
        if self.map_panel is not None:
            self._geo_pool.waitForDone()
            self._map_connection.close()
            self._timeline_connection.close()


_heap_frozen = False
# Allocations between two young collections of the cyclic collector (CPython's default: 700).
# A filter change's reads build thousands of rows in the workers, freed by reference counting
# when read; at 700 the collector walked them about 650 times a benchmark run, in the worker
# or on the GUI thread, whichever allocated, holding the interpreter lock.
YOUNG_COLLECTION_EVERY = 7000


def freeze_heap_once() -> None:
    """Move what exists once the map and timeline are first drawn (the window, its docks, the
    country outlines) out of the cyclic collector's reach, and collect the young generation
    less often; once per process.

    The app freezes its start-up objects (app.py) before these are made. Without this, every
    full collection walked them again, and one started by a worker's allocations (rows read
    for the map) holds the interpreter lock for its whole walk: the window waited for it with
    nothing to do (docs/performance.md, "Waiting for a core"). Once: a window opened again
    (tests, another workspace) would keep adding its dead cycles to what is never collected.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.freeze()
        young, *older = gc.get_threshold()
        gc.set_threshold(max(young, YOUNG_COLLECTION_EVERY), *older)


def aggregates_limit() -> int:
    from desktop.services.aggregates import PLACE_IDS_LIMIT

    return PLACE_IDS_LIMIT


def build_later(window: GeoPart) -> None:
    """Build the docks once the window has painted and answers (after attach)."""
    QTimer.singleShot(0, window._build_geo)
