"""The SITREP's charts: incidents over time, and counts by type and by country.

Drawn by hand with reportlab.graphics shapes (no axes library), in DejaVu Sans, so that the
charts share one quiet look: a title, thin bars, a few light gridlines. What goes where on
the time chart's axes (bins, ticks, which labels show) is decided in ``timeline.py`` as
data; this module only draws it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import HexColor

from desktop.reports import fonts
from desktop.reports.text import fit_runs, line_runs, runs_width, text_width
from desktop.reports.timeline import group_labels, x_ticks, y_ticks

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.reports.glyphs import Run
    from desktop.reports.timeline import Timeline

BAR = HexColor("#2F5D8A")
PREVIOUS = HexColor("#CBD5DF")  # the period before: behind the bars, paler
AXIS = HexColor("#8A8A8A")
GRID = HexColor("#E1E1E1")
INK = HexColor("#222222")
MUTED = HexColor("#6B6B6B")
TITLE_SIZE = 8.5
LABEL_SIZE = 7.0
TITLE_HEIGHT = 14.0
ROW_HEIGHT = 13.0  # one line of a bar chart's label
MAX_LABEL_LINES = 2


def _title(drawing: Drawing, text: str, height: float) -> None:
    drawing.add(
        String(
            0,
            height - TITLE_SIZE - 1,
            text,
            fontName=fonts.BOLD_FONT,
            fontSize=TITLE_SIZE,
            fillColor=INK,
        )
    )


def _empty(drawing: Drawing, width: float, height: float, message: str) -> Drawing:
    drawing.add(
        String(
            width / 2,
            (height - TITLE_HEIGHT) / 2,
            message,
            fontName=fonts.BODY_FONT,
            fontSize=LABEL_SIZE + 1,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    return drawing


def _label(
    x: float, y: float, text: str, colour: HexColor, anchor: str, size: float = LABEL_SIZE
) -> String:
    return String(
        x, y, text, fontName=fonts.BODY_FONT, fontSize=size, fillColor=colour, textAnchor=anchor
    )


def _line(x: float, y: float, runs: list[Run], size: float, colour: HexColor) -> Group:
    """A line of runs from ``fit_runs``/``line_runs``, starting at ``x``, each run in its
    own font (emoji in the fallback font)."""
    group = Group()
    for run in runs:
        group.add(String(x, y, run.text, fontName=run.font, fontSize=size, fillColor=colour))
        x += text_width(run.text, run.font, size)
    return group


def _legend(timeline: Timeline, right: float, y: float, period: str, previous: str) -> Group:
    """'■ this period  ■ previous N days', right-aligned on the title's line."""
    group = Group()
    size = LABEL_SIZE - 0.5
    x = right
    for text, colour in ((previous, PREVIOUS), (period, BAR)):
        w = text_width(text, fonts.BODY_FONT, size)
        x -= w
        group.add(_label(x, y, text, MUTED, "start", size))
        x -= 9
        group.add(Rect(x, y - 0.5, 6, 6, fillColor=colour, strokeColor=None))
        x -= 8
    return group


def per_day_chart(
    timeline: Timeline,
    width: float,
    height: float,
    note: str = "",
    period: str = "this period",
) -> Drawing:
    """Vertical bars, one per day, week or month (as ``timeline`` bins them), over a y-axis
    of a few gridlines; the previous period of equal length, when ``timeline`` holds it, as
    a paler bar behind each bar. Tick labels come from ``timeline.x_ticks``: none overlaps."""
    fonts.register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, timeline.title, height)
    bins = timeline.bins
    if not bins:
        return _empty(drawing, width, height, "No incidents dated to the day")
    if timeline.previous_days:
        previous = f"previous {timeline.previous_days} days"
        drawing.add(_legend(timeline, width, height - TITLE_SIZE - 1, period, previous))
    ticks_y = y_ticks(timeline.peak)
    axis_w = text_width(str(ticks_y[-1]), fonts.BODY_FONT, LABEL_SIZE) + 4
    left, plot_w = axis_w, width - axis_w
    ticks = x_ticks(timeline, plot_w, fonts.BODY_FONT, LABEL_SIZE)
    yearly = timeline.unit == "year" or (
        timeline.unit == "month" and any(t.text != bins[t.index].label for t in ticks)
    )
    rows = 1 if yearly else 2
    bottom = rows * (LABEL_SIZE + 2) + 4 + (LABEL_SIZE + 3 if note else 0)
    top = height - TITLE_HEIGHT - 4
    plot_h = max(10.0, top - bottom)
    scale = plot_h / ticks_y[-1]
    for value in ticks_y:
        y = bottom + value * scale
        if value:
            drawing.add(Line(left, y, width, y, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_label(left - 3, y - LABEL_SIZE / 3, str(value), MUTED, "end"))
    slot = plot_w / len(bins)
    bar_w = max(0.6, min(slot * 0.62, 24.0))
    back_w = max(0.6, min(slot * 0.9, 34.0))
    for i, b in enumerate(bins):
        centre = left + (i + 0.5) * slot
        if b.previous:
            drawing.add(
                Rect(
                    centre - back_w / 2,
                    bottom,
                    back_w,
                    b.previous * scale,
                    fillColor=PREVIOUS,
                    strokeColor=None,
                )
            )
        if b.count:
            drawing.add(
                Rect(
                    centre - bar_w / 2,
                    bottom,
                    bar_w,
                    b.count * scale,
                    fillColor=BAR,
                    strokeColor=None,
                )
            )
    label_y = bottom - LABEL_SIZE - 2
    for tick in ticks:
        drawing.add(_label(left + tick.left, label_y, tick.text, MUTED, "start"))
    if not yearly:
        size = LABEL_SIZE - 0.5
        for i, text in group_labels(bins, slot, fonts.BODY_FONT, size):
            drawing.add(
                _label(left + i * slot, label_y - LABEL_SIZE - 2, text, MUTED, "start", size)
            )
    drawing.add(Line(left, bottom, width, bottom, strokeColor=AXIS, strokeWidth=0.6))
    if note:
        size = LABEL_SIZE - 0.5
        drawing.add(_line(0, 1, fit_runs(note, fonts.ITALIC_FONT, size, width), size, MUTED))
    return drawing


def wrap_label(text: str, width: float, size: float = LABEL_SIZE) -> list[str]:
    """``text`` in at most ``MAX_LABEL_LINES`` lines of at most ``width`` points, broken at
    spaces and after slashes ("Explosions/ Remote violence"); only a last line that still
    does not fit is cut with '…'. Lines are logical text, to go through ``line_runs``."""
    words: list[str] = []
    for word in text.split():
        parts = word.split("/")
        words += [p + "/" for p in parts[:-1]] + [parts[-1]]
    lines: list[str] = []
    for word in words:
        if not word:
            continue
        candidate = f"{lines[-1]}{'' if lines[-1].endswith('/') else ' '}{word}" if lines else word
        fits = runs_width(line_runs(candidate, fonts.BODY_FONT, size), size) <= width
        if lines and fits:
            lines[-1] = candidate
        elif lines and len(lines) == MAX_LABEL_LINES:
            lines[-1] = candidate  # cut below
        else:
            lines.append(word)
    return lines or [""]


def bar_rows_height(rows: Sequence[tuple[str, int]], width: float) -> float:
    """The height ``bar_chart`` needs to show every row of ``rows`` at ``width``."""
    label_w = _label_width(rows, width)
    lines = sum(len(wrap_label(label, label_w - 6)) for label, _ in rows)
    return TITLE_HEIGHT + 2 + lines * (LABEL_SIZE + 2) + len(rows) * (ROW_HEIGHT - LABEL_SIZE - 2)


def _label_width(rows: Sequence[tuple[str, int]], width: float) -> float:
    widest = max(
        (runs_width(line_runs(t, fonts.BODY_FONT, LABEL_SIZE), LABEL_SIZE) for t, _ in rows),
        default=0.0,
    )
    return min(width * 0.5, widest + 6)


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, int]],
    width: float,
    height: float,
    other: str = "Other",
) -> Drawing:
    """Horizontal bars, one per row, in the order given; long labels wrap onto a second
    line rather than being cut. Rows that do not fit in ``height`` are summed into one
    last row named ``other``."""
    fonts.register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, title, height)
    if not rows:
        return _empty(drawing, width, height, "No incidents")
    shown = list(rows)
    while len(shown) > 1 and bar_rows_height(shown, width) > height:
        cut = len(shown) - 2 if shown[-1][0] == other else len(shown) - 1
        rest = sum(n for _, n in shown[cut:])
        shown = [*shown[:cut], (other, rest)]
    label_w = _label_width(shown, width)
    count_w = text_width(f"{max(n for _, n in shown):,}", fonts.BODY_FONT, LABEL_SIZE) + 4
    bar_room = max(10.0, width - label_w - count_w)
    peak = max(n for _, n in shown) or 1
    y = height - TITLE_HEIGHT - 2
    for label, n in shown:
        lines = wrap_label(label, label_w - 6)
        row_h = len(lines) * (LABEL_SIZE + 2) + ROW_HEIGHT - LABEL_SIZE - 2
        y -= row_h
        line_y = y + row_h - LABEL_SIZE - 2.5
        for text in lines:
            runs = fit_runs(text, fonts.BODY_FONT, LABEL_SIZE, label_w - 6)
            drawing.add(_line(0, line_y, runs, LABEL_SIZE, INK))
            line_y -= LABEL_SIZE + 2
        bar_y = y + row_h - ROW_HEIGHT + 1.5
        w = max(1.0, bar_room * n / peak)
        drawing.add(Rect(label_w, bar_y, w, ROW_HEIGHT - 4, fillColor=BAR, strokeColor=None))
        drawing.add(_label(label_w + w + 3, bar_y + 1.5, f"{n:,}", INK, "start"))
    drawing.add(
        Line(label_w, y, label_w, height - TITLE_HEIGHT - 2, strokeColor=AXIS, strokeWidth=0.6)
    )
    return drawing


def per_type_chart(per_type: Sequence[tuple[str, int]], width: float, height: float) -> Drawing:
    """Incidents by event type, largest first."""
    return bar_chart("Incidents by type", per_type, width, height, "Other types")


def per_country_chart(
    per_country: Sequence[tuple[str, int]], width: float, height: float
) -> Drawing:
    """Incidents by country, largest first."""
    return bar_chart("Incidents by country", per_country, width, height, "Other countries")
