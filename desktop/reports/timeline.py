"""The counts behind the SITREP's time chart: bins that suit the period, axes that read.

One bar per day is right for a week or a month; over years the bars become hairlines and
the day labels pile onto each other. So the period's span picks the bin (days up to
``DAYS_UP_TO`` days, ISO weeks from Monday up to ``WEEKS_UP_TO``, months beyond). The
previous period of the same length is binned into the same bars, shifted by the span, so
that each bar can be compared with the one "a period ago". Axis labels are chosen here too,
measured with the font's real widths, so that none ever overprints another: the drawing in
``charts.py`` only places what this module returns.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.domain import TimePrecision
from desktop.phrases import day_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from desktop.records import IncidentData

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS_UP_TO = 31
WEEKS_UP_TO = 183  # about six months
YEARS_FROM = 3654  # more than ten years: a bar per year
CHART_DAYS_UP_TO = 3653  # a longer period is charted over its incidents' days alone
LABEL_GAP = 3.0  # points of white space between two labels at least
# Label steps tried, smallest first: steps a reader can follow (every week, every quarter).
_STEPS = {
    "day": (1, 2, 7, 14),
    "week": (1, 2, 4, 13),
    "month": (1, 2, 3, 6, 12, 24, 60),
    "year": (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
}


@dataclass(frozen=True)
class Bin:
    start: date
    count: int
    label: str  # under the bar: "17" (day), "16 Oct" (week), "Oct" (month)
    group: str  # under the labels where it changes: "Oct 2023" (days) or "2023"
    previous: int = 0  # the same bar one period earlier


@dataclass(frozen=True)
class Timeline:
    unit: str  # "day", "week" or "month"
    bins: tuple[Bin, ...]
    previous_days: int = 0  # the length of the period compared with; 0: no comparison

    @property
    def title(self) -> str:
        return f"Incidents per {self.unit}"

    @property
    def peak(self) -> int:
        return max((max(b.count, b.previous) for b in self.bins), default=0)


@dataclass(frozen=True)
class Tick:
    """A label under the bars: ``index`` of its bin, and where its text starts and ends."""

    index: int
    text: str
    left: float
    right: float


def unit_for(days: int) -> str:
    """The bin for a period of ``days`` days."""
    if days <= DAYS_UP_TO:
        return "day"
    if days <= WEEKS_UP_TO:
        return "week"
    return "month" if days < YEARS_FROM else "year"


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _unit_steps(unit: str) -> tuple[Callable[[date], date], Callable[[date], date]]:
    """(the start of a day's bin, the start of the next bin) for ``unit``."""
    if unit == "day":
        return (lambda d: d), (lambda d: d + timedelta(days=1))
    if unit == "week":
        return _week_start, (lambda d: d + timedelta(days=7))
    if unit == "month":
        return _month_start, _next_month
    return (lambda d: date(d.year, 1, 1)), (lambda d: date(d.year + 1, 1, 1))


def bin_period(
    per_day: Mapping[date, int],
    first: date,
    last: date,
    previous: Mapping[date, int] | None = None,
) -> Timeline:
    """Counts from ``first`` to ``last`` (every bin, empty ones too) in the unit the span
    calls for; with ``previous`` (counts per day of the period of equal length just before
    ``first``), each bin also holds the count of the same bin one period earlier."""
    if last < first:
        raise ValueError(f"period ends before it starts: {first} to {last}")
    span = (last - first).days + 1
    unit = unit_for(span)
    key, step = _unit_steps(unit)
    counts: dict[date, int] = {}
    for d, n in per_day.items():
        if first <= d <= last:
            counts[key(d)] = counts.get(key(d), 0) + n
    before: dict[date, int] = {}
    shift = timedelta(days=span)
    for d, n in (previous or {}).items():
        if first - shift <= d < first:
            before[key(d + shift)] = before.get(key(d + shift), 0) + n
    bins: list[Bin] = []
    current, end = key(first), key(last)
    while current <= end:
        bins.append(_bin(unit, current, counts.get(current, 0), before.get(current, 0)))
        current = step(current)
    return Timeline(unit, tuple(bins), span if previous is not None else 0)


def bin_counts(per_day: Sequence[tuple[date, int]]) -> Timeline:
    """Counts per day, week (from Monday) or month over the days given, first to last."""
    days = dict(per_day)
    if not days:
        return Timeline("day", ())
    return bin_period(days, min(days), max(days))


def _day_counts(incidents: Iterable[IncidentData]) -> Counter[date]:
    """Incidents per day, of those dated to the day (a week or a month has no one day)."""
    return Counter(
        day_of(i.when.start)
        for i in incidents
        if i.when.precision in (TimePrecision.EXACT, TimePrecision.DAY)
    )


def previous_period(start: date, end: date) -> tuple[date, date] | None:
    """The period of the same length that ends the day before ``start``; None when the
    period is too long to chart by its calendar (``CHART_DAYS_UP_TO``) or the one before
    would begin before the year 1."""
    span = end - start
    if span.days + 1 > CHART_DAYS_UP_TO or (start - date.min) <= span:
        return None
    return start - span - timedelta(days=1), start - timedelta(days=1)


def period_timeline(
    incidents: Sequence[IncidentData],
    start: date | None,
    end: date | None,
    previous: Sequence[IncidentData] | None,
) -> Timeline:
    """``incidents`` per day of the period in bins (see ``bin_period``), the previous
    period's beside them when ``previous`` is given and the period is bounded."""
    days = _day_counts(incidents)
    if not days:
        return Timeline("day", ())
    # Incidents that began before the period asked for (and overlap it) keep their bar.
    first = min(start or min(days), min(days))
    last = max(end or max(days), max(days))
    before = None if previous is None or start is None or end is None else _day_counts(previous)
    if (last - first).days + 1 > CHART_DAYS_UP_TO:
        # "Since 0001-01-01" asks for everything, not for 10,000 years of empty months.
        first, last, before = min(days), max(days), None
    return bin_period(days, first, last, before)


def _bin(unit: str, start: date, count: int, previous: int) -> Bin:
    month = MONTHS[start.month - 1]
    if unit == "day":
        return Bin(start, count, str(start.day), f"{month} {start.year}", previous)
    if unit == "week":
        return Bin(start, count, f"{start.day} {month}", str(start.year), previous)
    if unit == "month":
        return Bin(start, count, month, str(start.year), previous)
    return Bin(start, count, str(start.year), "", previous)


# ------------------------------------------------------------------------------------ axes


def y_ticks(peak: int, most: int = 4) -> tuple[int, ...]:
    """Gridline values from 0: a step of 1, 2 or 5 x 10^n, at most ``most`` steps, the top
    one at or above ``peak`` (a chart of 0 still gets one step, so it has a scale)."""
    peak = max(peak, 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(peak / step) <= most:
                return tuple(range(0, step * math.ceil(peak / step) + 1, step))
        magnitude *= 10


def _centred(index: int, text: str, slot: float, width: float, font: str, size: float) -> Tick:
    """The label centred under its bar, pushed back inside the chart at either end."""
    w = stringWidth(text, font, size)
    left = (index + 0.5) * slot - w / 2
    left = max(0.0, min(left, width - w))
    return Tick(index, text, left, left + w)


def _fits(ticks: Sequence[Tick]) -> bool:
    return all(a.right + LABEL_GAP <= b.left for a, b in pairwise(ticks))


def _aligned(unit: str, b: Bin, index: int, step: int) -> bool:
    """Whether bin ``index`` carries a label at ``step``: months on calendar multiples
    (quarters start in Jan, Apr, Jul, Oct), days and weeks counted from the first bar."""
    if unit == "month":
        return (b.start.year * 12 + b.start.month - 1) % step == 0
    if unit == "year":
        return b.start.year % step == 0
    return index % step == 0


def x_ticks(timeline: Timeline, width: float, font: str, size: float) -> tuple[Tick, ...]:
    """The labels under the bars, at the smallest readable step at which none overlaps
    another (measured with ``font`` at ``size``), all inside ``width``. Months labelled a
    year or more apart are labelled with the year ("2023"), since "Jan" alone says nothing."""
    bins = timeline.bins
    if not bins:
        return ()
    slot = width / len(bins)
    steps = [s for s in _STEPS[timeline.unit] if s < len(bins)] or [1]
    steps += range(steps[-1] + 1, len(bins) + 1)  # a regular step past the calendar ones
    for step in steps:
        yearly = timeline.unit == "month" and step >= 12
        ticks = [
            _centred(i, str(b.start.year) if yearly else b.label, slot, width, font, size)
            for i, b in enumerate(bins)
            if _aligned(timeline.unit, b, i, step)
        ]
        if ticks and _fits(ticks):
            return tuple(ticks)
    # Not even one label per step fits (a chart narrower than a label): the first alone.
    return (_centred(0, bins[0].label, slot, width, font, size),)


def group_labels(bins: Sequence[Bin], slot: float, font: str, size: float) -> list[tuple[int, str]]:
    """(bin index, text) of the group labels (months or years) where the group changes,
    dropping any that would run into the one before it or off the end; each starts at its
    bin's slot."""
    total = len(bins) * slot
    shown: list[tuple[int, str]] = []
    right = float("-inf")
    previous = None
    for i, b in enumerate(bins):
        if b.group == previous or not b.group:
            continue
        previous = b.group
        left = i * slot
        width = stringWidth(b.group, font, size)
        if left >= right + LABEL_GAP and left + width <= total:
            shown.append((i, b.group))
            right = left + width
    return shown


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
