"""The timeline reads its counts by the bin its zoom wants, and its axis labels never overlap."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QWheelEvent
from PySide6.QtWidgets import QApplication

from desktop.domain import TimePrecision
from desktop.services.aggregates import DayCount, SpanCount, TimelineCounts
from desktop.services.sample import load_sample
from desktop.views.main_window import MainWindow
from desktop.views.partials.timeline_canvas import TimelineCanvas
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database

FIRST = date(2023, 1, 1)


def two_years() -> TimelineCounts:
    days = tuple(
        DayCount(FIRST + timedelta(days=n), kind, 1 + (n * 7 + i) % 5)
        for n in range(730)
        for i, kind in enumerate(("Battles", "Protests"))
    )
    spans = (SpanCount(date(2023, 3, 1), date(2023, 3, 31), TimePrecision.MONTH, "Riots", 12),)
    return TimelineCounts(days, spans)


@pytest.mark.parametrize("width", [300, 600, 1200])
@pytest.mark.parametrize(("zoom", "days"), [("day", 12), ("week", 150), ("month", 700)])
def test_axis_labels_never_overlap(
    qtbot: QtBot, width: int, zoom: str, days: int, tmp_path: Path
) -> None:
    canvas = TimelineCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(width, 220)
    canvas.set_counts(two_years())
    middle = date(2024, 2, 20).toordinal()
    canvas._set_range(middle - days / 2, middle + days / 2)
    canvas.zoomed = True
    labels = canvas.tick_labels()
    assert len(labels) >= 2, [text for _, text in labels]
    for (left, _), (right, _) in pairwise(labels):
        assert left.right() < right.left()  # apart, in order
    for rect, _ in labels:
        assert rect.left() >= 0
        assert rect.right() <= width
    # Days close up ("20 Feb"), months and years ("Mar", "2024") over two years.
    texts = [text for _, text in labels]
    if zoom == "day":
        assert all(" " in text for text in texts)
    if zoom == "month":
        assert not any(" " in text for text in texts)
    shots = Path(__file__).resolve().parents[2] / "build" / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    assert canvas.grab().save(str(shots / f"timeline-{zoom}-{width}.png"))


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


def wheel(widget: TimelineCanvas, steps: int) -> None:
    at = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        at,
        widget.mapToGlobal(at),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_zooming_out_reads_the_counts_by_week_then_month(qtbot: QtBot, window: MainWindow) -> None:
    timeline = window.timeline
    assert timeline is not None
    assert timeline.counts.bin == "day"  # the sample's seven incidents lie weeks apart
    seen = []
    for wanted in ("week", "month"):
        while timeline.wanted_bin != wanted:
            wheel(timeline, -1)
        qtbot.waitUntil(lambda w=wanted: timeline.counts.bin == w, timeout=10000)  # type: ignore[misc]
        seen.append(timeline.counts.bin)
        assert timeline.counts.total == pytest.approx(7)
        assert timeline.bin_kind == wanted
    assert seen == ["week", "month"]
    # A filter change keeps the zoom and reads by its bin.
    window.filter_bar.country.setCurrentIndex(window.filter_bar.country.findData("LB"))
    qtbot.waitUntil(lambda: window.timeline.counts.total == 1, timeout=10000)  # type: ignore[union-attr]
    assert timeline.counts.bin == "month"


def test_zooming_back_before_the_counts_arrive_ends_on_the_zooms_bin(
    qtbot: QtBot, window: MainWindow
) -> None:
    timeline = window.timeline
    assert timeline is not None
    while timeline.wanted_bin != "month":
        wheel(timeline, -1)  # asks for weeks, then months
    while timeline.wanted_bin != "day":
        wheel(timeline, 1)  # and back, before either read has been delivered
    qtbot.waitUntil(lambda: not window._timeline_reads.busy, timeout=10000)
    qtbot.waitUntil(lambda: timeline.counts.bin == "day", timeout=10000)
    assert timeline.bin_kind == "day"
    assert timeline.counts.total == 7


@pytest.mark.parametrize("width", [300, 600, 1200])
def test_the_legend_stays_inside_a_narrow_dock(qtbot: QtBot, width: int) -> None:
    canvas = TimelineCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(width, 220)
    kinds = ("Battles", "Explosions/Remote violence", "Protests", "Riots", "Strategic developments")
    canvas.set_counts(TimelineCounts(tuple(DayCount(FIRST, k, 3) for k in kinds), ()))
    items = canvas.legend_items()
    font = QFontMetricsF(canvas.font())
    for kind, label, x in items:
        right = x + (14 if kind else 0) + font.horizontalAdvance(label)
        assert right <= width
    shown = [kind for kind, _, _ in items if kind]
    assert shown == list(kinds)[: len(shown)]
    if width >= 1200:
        assert [label for _, label, _ in items] == list(kinds)  # whole names when they fit
    else:
        assert items[-1][1].endswith("…")
    canvas.grab().save(
        str(Path(__file__).resolve().parents[2] / "build" / "shots" / f"legend-{width}.png")
    )
