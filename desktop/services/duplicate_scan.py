"""The workspace scan's two prunings, so that a large workspace is not scored pair by pair.

A busy place records a dozen incidents a day, so time, country and place alone leave
millions of pairs in a workspace of 100,000, and hundreds of thousands of them score as
candidates: more than anyone can review, and too many to score one by one in Python.

1. **Blocking on the title.** Each incident is compared only with the :data:`COMPARED`
   incidents of its window (its country, starting from its own start to ``days`` after its
   end) whose titles read most like its own, picked by one ``rapidfuzz`` call in C. Two
   records of one event nearly always share the words of their titles; a pair whose titles
   differ (one in Arabic, one in English) is still found by the look-up of one incident
   after a save or a small import, which compares all its neighbours.
2. **The best few per incident.** Of the pairs that score, a pair is kept when it is among
   the :data:`PER_INCIDENT` best of either of its incidents: an event reported by three or
   four sources is recorded three or four times, each record then has the others among its
   three best, and past that the list holds near-misses no one could review.

The score and reasons of a kept pair are those of the full comparison (duplicates._compare).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from desktop.services.duplicates import _Facts

COMPARED = 10  # later incidents of the window compared with each incident, by title
PER_INCIDENT = 3  # candidates kept for each incident (a pair stays if either keeps it)


def title_neighbours(
    facts: Iterable[_Facts], days: int, since: int | None = None, compared: int = COMPARED
) -> Iterator[tuple[_Facts, _Facts]]:
    """Pairs (earlier, later) of one country whose periods may lie at most ``days`` apart,
    each incident with the ``compared`` later ones whose titles are most alike. With
    ``since``, only pairs with an incident whose row id is above it."""
    countries: dict[str, list[_Facts]] = defaultdict(list)
    for one in facts:
        countries[one.country].append(one)
    reach = timedelta(days=days, seconds=1)  # as _time's whole days, with the stored second
    for group in countries.values():
        group.sort(key=lambda f: (f.start, f.row_id))
        starts = [f.start for f in group]
        titles = [f.folded[0] for f in group]
        for i, first in enumerate(group):
            end = bisect.bisect_right(starts, first.end + reach, lo=i + 1)
            window: Sequence[int] = range(i + 1, end)
            choices = titles[i + 1 : end]
            if since is not None and first.row_id <= since:
                window = [j for j in window if group[j].row_id > since]
                choices = [titles[j] for j in window]
            if not window:
                continue
            best = process.extract(
                titles[i], choices, scorer=fuzz.token_set_ratio, processor=None, limit=compared
            )
            for _title, _score, index in best:
                yield first, group[window[index]]


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
