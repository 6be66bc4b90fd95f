"""The workspace scan's two prunings, so that a large workspace is not scored pair by pair.

A busy place records a dozen incidents a day, so time, country and place alone leave
millions of pairs in a workspace of 100,000, and hundreds of thousands of them score as
candidates: more than anyone can review, and too many to score one by one in Python.

1. **Blocking on the title.** Each incident is compared only with the :data:`COMPARED`
   incidents of its window whose titles read most like its own, picked by one ``rapidfuzz``
   call in C. Its window: the incidents of its country starting from its own start to
   ``days`` after its end, in the lists its place could match (:class:`_Blocks`). Two
   records of one event nearly always share the words of their titles; for those that do
   not (one in Arabic, one in English), the :data:`COMPANIONS` nearest in time of the same
   event type sharing an actor are compared too, whatever their titles.
2. **The best few per incident.** Of the pairs that score, a pair is kept when it is among
   the :data:`PER_INCIDENT` best of either of its incidents: an event reported by three or
   four sources is recorded three or four times, each record then has the others among its
   three best, and past that the list holds near-misses no one could review.

The score and reasons of a kept pair are those of the full comparison (duplicates._compare).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from desktop.services.duplicates import _Facts

COMPARED = 10  # later incidents of the window compared with each incident, by title
PER_INCIDENT = 3  # candidates kept for each incident (a pair stays if either keeps it)
COMPANIONS = 3  # also compared, whatever their titles: same type and a shared actor


def title_neighbours(
    facts: Iterable[_Facts], days: int, since: int | None = None, compared: int = COMPARED
) -> Iterator[tuple[_Facts, _Facts]]:
    """Pairs (earlier, later) of one country whose periods may lie at most ``days`` apart
    and whose places may be near, each incident with the ``compared`` later ones whose
    titles are most alike. With ``since``, only pairs with an incident whose row id is above
    it."""
    countries: dict[str, list[_Facts]] = defaultdict(list)
    for one in facts:
        countries[one.country].append(one)
    reach = timedelta(days=days, seconds=1)  # as _time's whole days, with the stored second
    for group in countries.values():
        group.sort(key=lambda f: (f.start, f.row_id))
        blocks = _Blocks(group)
        titles = [f.folded[0] for f in group]
        for i, first in enumerate(group):
            window = blocks.window(i, first.end + reach)
            if since is not None and first.row_id <= since:
                window = [j for j in window if group[j].row_id > since]
            if not window:
                continue
            best = process.extract(
                titles[i],
                [titles[j] for j in window],
                scorer=fuzz.token_set_ratio,
                processor=None,
                limit=compared,
            )
            picked = {window[index] for _title, _score, index in best}
            picked.update(_companions(group, first, window, picked))
            for j in sorted(picked):
                yield first, group[j]


def _companions(
    group: Sequence[_Facts], first: _Facts, window: Sequence[int], picked: set[int]
) -> list[int]:
    """Up to :data:`COMPANIONS` of the window, nearest in time, of ``first``'s event type
    and sharing one of its actors, whatever their titles: the same event written in two
    languages shares no title word, yet time, place, type and actor alone can make it a
    candidate."""
    if not first.event_type or not first.actors:
        return []
    found: list[int] = []
    for j in window:
        other = group[j]
        if (
            j not in picked
            and other.event_type == first.event_type
            and not first.actors.keys().isdisjoint(other.actors)
        ):
            found.append(j)
            if len(found) == COMPANIONS:
                break
    return found


# Grid cells for points: 25 km (NEAR_KM) is under 0.25° of latitude, and under 0.8° of
# longitude up to 73° north or south; points further north or south, or by the 180th
# meridian, are looked up with the whole window.
_CELL_LAT = 0.25
_CELL_LON = 0.8
_GRID_UP_TO = 70.0


class _Blocks:
    """One country's incidents (sorted by start) in lists by what can make two of them near
    in place (duplicates._place): a place name, a grid cell, a province, being roughly
    placed. An incident's window is then the later incidents of the lists its partners can
    be in, a small part of its country's on a busy day."""

    def __init__(self, group: list[_Facts]) -> None:
        self.starts = [f.start for f in group]
        self.group = group
        self.lists: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for i, one in enumerate(group):
            for key in _own_keys(one):
                self.lists[key].append(i)

    def window(self, i: int, until: datetime) -> Sequence[int]:
        keys = _partner_keys(self.group[i])
        if keys is None:
            return range(i + 1, bisect.bisect_right(self.starts, until, lo=i + 1))
        found: set[int] = set()
        for key in keys:
            listed = self.lists.get(key)
            if listed:
                lo = bisect.bisect_right(listed, i)
                hi = lo
                while hi < len(listed) and self.starts[listed[hi]] <= until:
                    hi += 1
                found.update(listed[lo:hi])
        return sorted(found)


def _cell(one: _Facts) -> tuple[int, int] | None:
    """The grid cell of a point placed exactly or near a place; None for none, or for one
    the grid cannot serve."""
    if not one.precise or one.lat is None or one.lon is None:
        return None
    if abs(one.lat) > _GRID_UP_TO or abs(one.lon) > 179.0:
        return None
    return math.floor(one.lat / _CELL_LAT), math.floor(one.lon / _CELL_LON)


def _special(one: _Facts) -> bool:
    return one.precise and _cell(one) is None


def _own_keys(one: _Facts) -> Iterator[tuple[object, ...]]:
    if one.place_key:
        yield ("place", one.place_key)
    cell = _cell(one)
    if cell is not None:
        yield ("grid", *cell)
    elif one.precise:
        yield ("special",)
    yield ("province", one.admin1_key)
    if one.rough:
        yield ("rough", one.admin1_key)
        yield ("rough",)


def _partner_keys(one: _Facts) -> list[tuple[object, ...]] | None:
    """The lists an incident's possible partners are in; None: the whole window."""
    if _special(one) or (one.rough and not one.admin1_key):
        return None
    keys: list[tuple[object, ...]] = []
    if one.place_key:
        keys.append(("place", one.place_key))
    cell = _cell(one)
    if cell is not None:
        keys += [("grid", cell[0] + y, cell[1] + x) for y in (-1, 0, 1) for x in (-1, 0, 1)]
        keys.append(("special",))
    if one.rough:  # any incident of its province, or of none
        keys += [("province", one.admin1_key), ("province", "")]
    elif one.admin1_key:  # a roughly placed one of its province, or of none
        keys += [("rough", one.admin1_key), ("rough", "")]
    else:
        keys.append(("rough",))
    return keys


def best_per_incident(scored: list[tuple[float, int, int]], keep: int = PER_INCIDENT) -> list[int]:
    """Positions in ``scored`` ((score, row id, row id) each) of the pairs that are among the
    ``keep`` best of at least one of their two incidents; on equal scores the earlier listed
    counts as better."""
    order = sorted(range(len(scored)), key=lambda n: -scored[n][0])
    taken: dict[int, int] = defaultdict(int)
    kept: list[int] = []
    for n in order:
        _score, x, y = scored[n]
        if taken[x] < keep or taken[y] < keep:
            kept.append(n)
        taken[x] += 1
        taken[y] += 1
    return kept
