"""The timeline's arithmetic without a widget: bins that follow the zoom, stacked by type.

Incidents known to the day (or the minute) count whole in the bin of their day. Incidents
known only to the week or the month are spread evenly over the days they may fall on, so a
month-precision incident fills its month in a month bin and a thirtieth of each day in day
bins: the chart's area stays the number of incidents, and the spread part is drawn hatched,
as a span rather than a day. Tested without Qt widgets.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from desktop import geography, phrases
from desktop.services.timeline_bins import BinKind, bin_start, next_bin

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services.aggregates import TimelineCounts

BIN_DAYS: dict[BinKind, float] = {"day": 1, "week": 7, "month": 30.4}
# The narrowest a bar may be, in pixels: below it the next coarser bin is used.
MIN_BAR = 5.0
# Spans are spread over their days one by one up to this many days of spans' extent; a
# workspace whose vague incidents lie centuries apart spreads them over their bins instead.
MAX_SPREAD_DAYS = 40_000


def choose_bin(pixels_per_day: float) -> BinKind:
    """The finest bin whose bars are at least MIN_BAR pixels wide."""
    kinds: tuple[BinKind, ...] = ("day", "week", "month")
    for kind in kinds:
        if pixels_per_day * BIN_DAYS[kind] >= MIN_BAR:
            return kind
    return "month"


def serves(counts: TimelineCounts, kind: BinKind) -> bool:
    """Whether ``counts`` can be drawn in ``kind`` bins: day counts make any bin."""
    return counts.bin in ("day", kind)


def bin_label(start: date, kind: BinKind) -> str:
    if kind == "week":
        return f"week of {phrases.day_text(start)}"
    if kind == "month":
        return phrases.month_words(start)
    return phrases.day_text(start)


@dataclass
class BinStack:
    """One bar: [start, end) with whole counts by type and the spread spans' share."""

    start: date
    end: date
    solid: dict[str, int] = field(default_factory=dict)
    spread: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.solid.values()) + sum(self.spread.values())


def binned(counts: TimelineCounts, kind: BinKind) -> list[BinStack]:
    """Every bin from the first incident's to the last one's, in order (empty bins too).

    Counts already by ``kind`` (summed in SQL) are laid out as they are; day counts are
    summed here. Counts by another kind are drawn in their own (see :func:`serves`)."""
    if counts.bin != "day":
        kind = counts.bin
    extent = counts.extent
    if extent is None:
        return []
    first, last = extent
    stacks: list[BinStack] = []
    start = bin_start(first, kind)
    while start <= last:
        end = next_bin(start, kind)
        stacks.append(BinStack(start, end))
        start = end
    starts = [s.start.toordinal() for s in stacks]

    def stack_of(day: date) -> BinStack:
        return stacks[bisect.bisect_right(starts, day.toordinal()) - 1]

    for day_count in counts.days:
        solid = stack_of(day_count.day).solid
        solid[day_count.event_type] = solid.get(day_count.event_type, 0) + day_count.incidents
    for share in counts.shares:
        spread = stack_of(share.start).spread
        spread[share.event_type] = spread.get(share.event_type, 0.0) + share.incidents
    if counts.spans:
        _spread(counts, stacks, starts, stack_of)
    return stacks


def _spread(
    counts: TimelineCounts,
    stacks: list[BinStack],
    starts: list[int],
    stack_of: Callable[[date], BinStack],
) -> None:
    """Each span's count spread evenly over its days, summed into the bins: per event type,
    the daily rate changes only where a span starts or ends (a difference array), so the
    work grows with the days covered, not with spans x days."""
    low = min(s.first for s in counts.spans).toordinal()
    high = max(s.last for s in counts.spans).toordinal()
    if high - low > MAX_SPREAD_DAYS:
        for span in counts.spans:  # far apart: each in the bin of its first day
            spread = stack_of(span.first).spread
            spread[span.event_type] = spread.get(span.event_type, 0.0) + span.incidents
        return
    changes: dict[str, list[float]] = {}
    for span in counts.spans:
        rate = span.incidents / ((span.last - span.first).days + 1)
        delta = changes.get(span.event_type) or changes.setdefault(
            span.event_type, [0.0] * (high - low + 2)
        )
        delta[span.first.toordinal() - low] += rate
        delta[span.last.toordinal() - low + 1] -= rate
    for event_type, delta in changes.items():
        rate = 0.0
        index = bisect.bisect_right(starts, low) - 1
        for offset in range(high - low + 1):
            rate += delta[offset]
            day = low + offset
            while index + 1 < len(starts) and starts[index + 1] <= day:
                index += 1
            if rate > 1e-12:
                spread = stacks[index].spread
                spread[event_type] = spread.get(event_type, 0.0) + rate


def nice_top(value: float, lines: int = 4) -> tuple[float, int]:
    """A round step (whole incidents from 2 up) and how many steps reach ``value``."""
    if value <= 0:
        return 1.0, 1
    step = geography.nice_step(value, lines)
    if value >= 2:
        step = max(step, 1.0)
    return step, max(1, math.ceil(value / step - 1e-9))


# The axis's tick steps, finest first: (days, 0) every n days, (0, months) every n months.
TICK_STEPS: tuple[tuple[int, int], ...] = (
    (1, 0),
    (2, 0),
    (3, 0),
    (7, 0),
    (14, 0),
    (0, 1),
    (0, 2),
    (0, 3),
    (0, 6),
    (0, 12),
    (0, 24),
    (0, 60),
    (0, 120),
    (0, 600),
)
LABEL_GAP = 8.0  # pixels kept free between one tick label and the next


def axis_ticks(
    first: date,
    last: date,
    x_of: Callable[[date], float],
    width_of: Callable[[str], float],
    span: tuple[float, float],
) -> list[tuple[date, str]]:
    """The finest ticks between ``first`` and ``last`` whose labels, each drawn from its
    tick's x to the right (``width_of`` its width), neither overlap nor leave ``span``."""
    left, right = span
    days = (last - first).days + 1
    for every_days, every_months in TICK_STEPS:
        step_days = every_days or every_months * 30.4
        if (days / step_days) * 12 > right - left:  # not even a short label's room each
            continue
        ticks = _ticks(first, last, every_days, every_months)
        placed = [
            (day, label)
            for day, label in ticks
            if left <= x_of(day) and x_of(day) + width_of(label) <= right
        ]
        ends = [x_of(day) + width_of(label) + LABEL_GAP for day, label in placed]
        if all(end <= x_of(day) for end, (day, _) in zip(ends, placed[1:], strict=False)):
            return placed
    return []


def _ticks(first: date, last: date, every_days: int, every_months: int) -> list[tuple[date, str]]:
    ticks: list[tuple[date, str]] = []
    if every_days:
        ordinal = first.toordinal()
        ordinal += (-ordinal) % every_days  # on multiples, so ticks stay put while panning
        while ordinal <= last.toordinal():
            day = date.fromordinal(ordinal)
            ticks.append((day, f"{day.day} {day:%b}"))
            ordinal += every_days
        return ticks
    month = date(first.year, first.month, 1)
    while month <= last:
        index = month.year * 12 + month.month - 1
        if index % every_months == 0 and month >= first:
            if every_months >= 12 or month.month == 1:
                ticks.append((month, f"{month.year}"))
            else:
                ticks.append((month, f"{month:%b}"))
        month = next_bin(month, "month")
    return ticks
