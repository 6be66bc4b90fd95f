"""The counts behind the SITREP's time chart: bins that suit the span, labels that fit.

One bar per day is right for a week or a month; over years the bars become hairlines and
the month labels pile onto each other. So the span picks the bin (days up to ``DAYS_UP_TO``
days, weeks up to ``WEEKS_UP_TO``, months beyond), and labels are thinned to a regular step
at which none overlaps, measured with the font's real widths. No drawing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from reportlab.pdfbase.pdfmetrics import stringWidth

if TYPE_CHECKING:
    from collections.abc import Sequence

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS_UP_TO = 60
WEEKS_UP_TO = 366
LABEL_GAP = 3.0  # points of white space between two labels at least


@dataclass(frozen=True)
class Bin:
    start: date
    count: int
    label: str  # under the bar: "17" (day), "16 Oct" (week), "Oct" (month)
    group: str  # under the labels where it changes: "Oct 2023" (days) or "2023"


@dataclass(frozen=True)
class Timeline:
    unit: str  # "day", "week" or "month"
    bins: tuple[Bin, ...]

    @property
    def title(self) -> str:
        return f"Incidents per {self.unit}"


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def bin_counts(per_day: Sequence[tuple[date, int]]) -> Timeline:
    """Counts per day, week (from Monday) or month, every bin from first to last included."""
    days = [(d, n) for d, n in per_day]
    if not days:
        return Timeline("day", ())
    first, last = min(d for d, _ in days), max(d for d, _ in days)
    span = (last - first).days + 1
    counts: dict[date, int] = {}
    if span <= DAYS_UP_TO:
        unit, key, step = "day", (lambda d: d), (lambda d: d + timedelta(days=1))
    elif span <= WEEKS_UP_TO:
        unit, key, step = "week", _week_start, (lambda d: d + timedelta(days=7))
    else:
        unit, key, step = "month", _month_start, _next_month
    for d, n in days:
        counts[key(d)] = counts.get(key(d), 0) + n
    bins: list[Bin] = []
    current, end = key(first), key(last)
    while current <= end:
        bins.append(_bin(unit, current, counts.get(current, 0)))
        current = step(current)
    return Timeline(unit, tuple(bins))


def _bin(unit: str, start: date, count: int) -> Bin:
    month = MONTHS[start.month - 1]
    if unit == "day":
        return Bin(start, count, str(start.day), f"{month} {start.year}")
    if unit == "week":
        return Bin(start, count, f"{start.day} {month}", str(start.year))
    return Bin(start, count, month, str(start.year))


def label_step(labels: Sequence[str], slot: float, font: str, size: float) -> int:
    """The smallest step (every label, every 2nd, ...) at which labels centred under their
    slots of ``slot`` points never overlap."""
    widths = [stringWidth(label, font, size) for label in labels]
    for step in range(1, len(labels) + 1):
        shown = range(0, len(labels), step)
        if all(
            (widths[a] + widths[b]) / 2 + LABEL_GAP <= (b - a) * slot for a, b in pairwise(shown)
        ):
            return step
    return max(1, len(labels))


def group_labels(bins: Sequence[Bin], slot: float, font: str, size: float) -> list[tuple[int, str]]:
    """(bin index, text) of the group labels (months or years) where the group changes,
    dropping any that would run into the one before it or off the end; each starts at its
    bin's slot."""
    total = len(bins) * slot
    shown: list[tuple[int, str]] = []
    right = float("-inf")
    previous = None
    for i, b in enumerate(bins):
        if b.group == previous:
            continue
        previous = b.group
        left = i * slot
        width = stringWidth(b.group, font, size)
        if left >= right + LABEL_GAP and (left + width <= total or not shown):
            shown.append((i, b.group))
            right = left + width
    return shown
