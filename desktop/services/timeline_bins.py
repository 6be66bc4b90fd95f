"""The timeline's bins: a day, a week (Monday to Sunday) or a calendar month.

One definition for the service that counts incidents per bin in SQL
(``aggregates.timeline_counts``) and the view that draws them (``timeline_layout``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, NamedTuple

BinKind = Literal["day", "week", "month"]
BIN_KINDS: tuple[BinKind, ...] = ("day", "week", "month")


def bin_start(day: date, kind: BinKind) -> date:
    if kind == "week":
        return day - timedelta(days=day.weekday())  # Monday
    if kind == "month":
        return day.replace(day=1)
    return day


def next_bin(start: date, kind: BinKind) -> date:
    if kind == "day":
        return start + timedelta(days=1)
    if kind == "week":
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


class BinShare(NamedTuple):
    """The part of the week- and month-precision incidents of one event type that falls in
    the bin starting on ``start``: each spread evenly over the days it may fall on."""

    start: date
    event_type: str
    incidents: float


def spread_over_bins(
    first: date, last: date, incidents: float, kind: BinKind
) -> list[tuple[date, float]]:
    """``incidents`` spread evenly over the days first..last, summed per bin."""
    days = (last - first).days + 1
    shares: list[tuple[date, float]] = []
    start = bin_start(first, kind)
    while start <= last:
        end = next_bin(start, kind)
        inside = (min(end - timedelta(days=1), last) - max(start, first)).days + 1
        shares.append((start, incidents * inside / days))
        start = end
    return shares
