"""Small-multiple charts for page 1 of the SITREP: incidents per day and by event type.

Drawn by hand with reportlab.graphics shapes (no axes library), in DejaVu Sans, so that both
charts share one quiet look: a title, thin bars, the count on each bar, no grid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import HexColor

from desktop.reports import fonts
from desktop.reports.text import fit_runs, line_runs, runs_width, text_width
from desktop.reports.timeline import group_labels, label_step

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.reports.glyphs import Run
    from desktop.reports.timeline import Timeline

BAR = HexColor("#2F5D8A")
AXIS = HexColor("#8A8A8A")
INK = HexColor("#222222")
MUTED = HexColor("#6B6B6B")
TITLE_SIZE = 8.5
LABEL_SIZE = 7.0
TITLE_HEIGHT = 14.0


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


def per_day_chart(timeline: Timeline, width: float, height: float, note: str = "") -> Drawing:
    """Vertical bars, one per day, week or month (as ``timeline`` bins them); labels thinned
    so that they never collide."""
    fonts.register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, timeline.title, height)
    bins = timeline.bins
    if not bins:
        return _empty(drawing, width, height, "No incidents dated to the day")
    bottom = 2 * LABEL_SIZE + 6 + (LABEL_SIZE + 3 if note else 0)
    top = height - TITLE_HEIGHT - LABEL_SIZE - 3
    plot_h = max(10.0, top - bottom)
    peak = max(b.count for b in bins) or 1
    slot = width / len(bins)
    bar_w = max(1.0, min(slot * 0.7, 28.0))
    every = label_step([b.label for b in bins], slot, fonts.BODY_FONT, LABEL_SIZE)
    counts_fit = label_step([str(b.count) for b in bins], slot, fonts.BODY_FONT, LABEL_SIZE) == 1
    for i, b in enumerate(bins):
        x = i * slot + (slot - bar_w) / 2
        h = plot_h * b.count / peak
        if b.count:
            drawing.add(Rect(x, bottom, bar_w, h, fillColor=BAR, strokeColor=None))
            if counts_fit:
                drawing.add(_label(x + bar_w / 2, bottom + h + 2, str(b.count), INK, "middle"))
        if i % every == 0:
            drawing.add(_label(x + bar_w / 2, bottom - LABEL_SIZE - 2, b.label, MUTED, "middle"))
    group_size = LABEL_SIZE - 0.5
    for i, text in group_labels(bins, slot, fonts.BODY_FONT, group_size):
        y = bottom - 2 * LABEL_SIZE - 4
        drawing.add(_label(i * slot, y, text, MUTED, "start", group_size))
    drawing.add(Line(0, bottom, width, bottom, strokeColor=AXIS, strokeWidth=0.6))
    if note:
        size = LABEL_SIZE - 0.5
        drawing.add(_line(0, 1, fit_runs(note, fonts.ITALIC_FONT, size, width), size, MUTED))
    return drawing


def per_type_chart(per_type: Sequence[tuple[str, int]], width: float, height: float) -> Drawing:
    """Horizontal bars, one per event type, largest first; at most as many as fit."""
    fonts.register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, "Incidents by type", height)
    if not per_type:
        return _empty(drawing, width, height, "No incidents")
    row_h = 13.0
    rows = list(per_type)
    room = int((height - TITLE_HEIGHT - 2) // row_h)
    if len(rows) > room:
        rest = sum(n for _, n in rows[room - 1 :])
        rows = [*rows[: room - 1], ("Other types", rest)]
    label_w = min(
        width * 0.5,
        max(runs_width(line_runs(t, fonts.BODY_FONT, LABEL_SIZE), LABEL_SIZE) for t, _ in rows) + 6,
    )
    bar_room = width - label_w - 16
    peak = max(n for _, n in rows) or 1
    y = height - TITLE_HEIGHT - row_h
    for label, n in rows:
        label_runs = fit_runs(label, fonts.BODY_FONT, LABEL_SIZE, label_w - 6)
        drawing.add(_line(0, y + 3, label_runs, LABEL_SIZE, INK))
        w = max(1.0, bar_room * n / peak)
        drawing.add(Rect(label_w, y + 1.5, w, row_h - 4, fillColor=BAR, strokeColor=None))
        drawing.add(
            String(
                label_w + w + 3,
                y + 3,
                str(n),
                fontName=fonts.BODY_FONT,
                fontSize=LABEL_SIZE,
                fillColor=INK,
            )
        )
        y -= row_h
    drawing.add(
        Line(label_w, y + row_h, label_w, height - TITLE_HEIGHT, strokeColor=AXIS, strokeWidth=0.6)
    )
    return drawing
