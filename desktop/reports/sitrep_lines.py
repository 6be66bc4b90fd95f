"""One-line tables for the annexes: thousands of rows, each a single line drawn on the canvas.

A ReportLab ``Table`` of paragraphs wraps every cell and measures every row, which for the
annex of a 10,000-incident report is most of the build. Here a row is one line of known
height: a cell too long for its column is cut with '…', so the table is split across pages
by arithmetic, and a page of rows costs what drawing their text costs. The header is drawn
again at the top of every page. A row may link (an internal PDF link) from its first cell to
a destination: the full entry of its incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable

from desktop.reports import fonts
from desktop.reports.sitrep_styles import ACCENT, HEADER_FILL, INK, RULE, ZEBRA
from desktop.reports.text import draw_runs, line_runs, runs_width

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.reports.glyphs import Run

PAD = 3.0  # points between a column's edge and its text


@dataclass(frozen=True)
class Column:
    head: str
    width: float
    align: str = "left"  # "left" or "right"


@dataclass(frozen=True)
class Line:
    cells: tuple[str, ...]
    link: str = ""  # the destination the first cell links to, or ""
    strong: int = -1  # the index of a cell printed in bold (a NEW mark), or -1


# Annex columns repeat their values (types, statuses, grades, places): each is shaped once.
@lru_cache(maxsize=4096)
def fit_line(text: str, font: str, size: float, width: float) -> list[Run]:
    """``text`` as runs at most ``width`` points wide, cut with '…' (a binary search on the
    length, so a long name costs a few measurements, not one per letter). The list is
    shared between calls: do not change it."""
    runs = line_runs(text, font, size)
    if runs_width(runs, size) <= width:
        return runs
    low, high = 0, len(text)  # the longest prefix that fits lies in [low, high)
    best = line_runs("…", font, size)
    while low < high:
        middle = (low + high) // 2
        candidate = line_runs(text[:middle].rstrip() + "…", font, size)
        if runs_width(candidate, size) <= width:
            best, low = candidate, middle + 1
        else:
            high = middle
    return best


class LineTable(Flowable):
    """Rows of one line each under a header; splits between rows, at any page break."""

    def __init__(
        self,
        columns: Sequence[Column],
        lines: Sequence[Line],
        *,
        font_size: float = 7.5,
        row_height: float = 14.5,
        first_row: int = 0,  # the index of ``lines[0]`` in the whole table, for the zebra
    ) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self.lines = tuple(lines)
        self.font_size = font_size
        self.row_height = row_height
        self.head_height = row_height + 2
        self.first_row = first_row
        self.width = sum(c.width for c in self.columns)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.height = self.head_height + len(self.lines) * self.row_height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fits = int((availHeight - self.head_height) // self.row_height)
        if fits < 1 or fits >= len(self.lines):
            return [] if fits < 1 else [self]
        kwargs = {"font_size": self.font_size, "row_height": self.row_height}
        return [
            LineTable(self.columns, self.lines[:fits], first_row=self.first_row, **kwargs),
            LineTable(self.columns, self.lines[fits:], first_row=self.first_row + fits, **kwargs),
        ]

    def draw(self) -> None:
        canvas = self.canv
        size = self.font_size
        top = self.head_height + len(self.lines) * self.row_height
        baseline = (self.row_height - size) / 2 + 1.5
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(0, top - self.head_height, self.width, self.head_height, stroke=0, fill=1)
        canvas.setFillColor(INK)
        x = 0.0
        for column in self.columns:
            runs = fit_line(column.head, fonts.BOLD_FONT, size, column.width - 2 * PAD)
            self._draw_cell(runs, column, x, top - self.head_height + baseline + 1)
            x += column.width
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.8)
        canvas.line(0, top - self.head_height, self.width, top - self.head_height)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.3)
        y = top - self.head_height
        for index, line in enumerate(self.lines):
            y -= self.row_height
            if (self.first_row + index) % 2:
                canvas.setFillColor(ZEBRA)
                canvas.rect(0, y, self.width, self.row_height, stroke=0, fill=1)
            canvas.line(0, y, self.width, y)
            x = 0.0
            for number, (column, text) in enumerate(zip(self.columns, line.cells, strict=True)):
                linked = number == 0 and bool(line.link)
                font = fonts.BOLD_FONT if linked or number == line.strong else fonts.BODY_FONT
                runs = fit_line(text, font, size, column.width - 2 * PAD)
                canvas.setFillColor(ACCENT if linked else INK)
                width = self._draw_cell(runs, column, x, y + baseline)
                if linked:
                    left = x + PAD if column.align == "left" else x + column.width - PAD - width
                    canvas.setStrokeColor(ACCENT)
                    canvas.line(left, y + baseline - 1.2, left + width, y + baseline - 1.2)
                    canvas.setStrokeColor(RULE)
                    canvas.linkRect(
                        "", line.link, (x, y, x + column.width, y + self.row_height), relative=1
                    )
                x += column.width

    def _draw_cell(self, runs: list[Run], column: Column, x: float, y: float) -> float:
        width = runs_width(runs, self.font_size)
        left = x + PAD if column.align == "left" else x + column.width - PAD - width
        draw_runs(self.canv, left, y, runs, self.font_size)
        return width
