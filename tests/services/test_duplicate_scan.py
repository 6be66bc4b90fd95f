"""The workspace scan's prunings (blocking on the title, the best few per incident) keep the
true duplicates among many near-misses, scored exactly as the full comparison scores them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from desktop.domain import TimePrecision
from desktop.records import Actor, When, Where
from desktop.services import duplicate_scan, duplicates
from desktop.services import incidents as service

if TYPE_CHECKING:
    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

DAY = When(date(2023, 10, 17), date(2023, 10, 17), TimePrecision.DAY)
WORDS = ("rocket", "drone", "mortar", "convoy", "patrol", "checkpoint", "protest", "blast")
# Three events each recorded twice, by outlets that word them a little differently.
PLANTED = (
    ("Rockets hit the fuel depot at al-Asad airbase", "Rockets strike al-Asad airbase fuel depot"),
    ("Drone downed over the western gate of al-Asad", "Drone shot down over al-Asad western gate"),
    ("IED hits supply convoy on the Hit road", "Supply convoy hit by IED on Hit road"),
)


def _near_miss(make_incident: IncidentFactory, n: int) -> IncidentData:
    """One of many other incidents of that day and place: same type, alike titles."""
    first, second = WORDS[n % len(WORDS)], WORDS[(n * 3 + 1) % len(WORDS)]
    return replace(
        make_incident(),
        title=f"{first.title()} and {second} incident reported near al-Asad airbase, {n}",
        summary=f"Report number {n} of a {first} near the base.",
        when=DAY,
        where=Where("al-Asad airbase", "Anbar", "IQ", 33.785 + n / 10_000, 42.441, 1),
        actors=(Actor(f"Group {n}"),),
        citations=(),
    )


def _planted(make_incident: IncidentFactory, title: str, n: int) -> IncidentData:
    return replace(
        make_incident(),
        title=title,
        summary=f"Planted event {n}: what both outlets reported.",
        when=DAY,
        where=Where("al-Asad airbase", "Anbar", "IQ", 33.79, 42.44, 1),
        actors=(Actor(f"Planted actor {n}"),),
        citations=(),
    )


def test_the_scan_keeps_planted_duplicates_among_many_near_misses(
    db: Database, make_incident: IncidentFactory
) -> None:
    made: list[IncidentData] = []
    for n in range(40):
        made.append(_near_miss(make_incident, n))
        if n % 13 == 5:  # the planted records among them, their two halves apart
            made.append(_planted(make_incident, PLANTED[n // 13][0], n))
    made += [_planted(make_incident, p[1], i * 13 + 5) for i, p in enumerate(PLANTED)]
    ids = [service.create_incident(db, data).id or "" for data in made]
    # Unpruned: every incident compared with every other (the one-incident look-up's way).
    full = {
        frozenset((c.a.id, c.b.id)): (c.score, c.reasons)
        for c in duplicates.candidates_for_many(db, ids)
    }
    scan = duplicates.find_pairs(db)
    assert len(full) > 500  # near-misses all score as candidates: the pruning has work to do
    assert len(scan) <= duplicate_scan.PER_INCIDENT * len(ids)
    listed = {frozenset((c.a.id, c.b.id)): (c.score, c.reasons) for c in scan}
    assert len(listed) == len(scan)
    for key, found in listed.items():
        assert found == full[key]  # a kept pair's score and reasons are the full comparison's
    by_titles = {frozenset((c.a.title, c.b.title)): c for c in scan}
    for first, second in PLANTED:
        pair = by_titles[frozenset((first, second))]
        assert any(r.startswith("shared actor: Planted actor") for r in pair.reasons)
    # The planted pairs rank first: the best of all.
    assert {frozenset((c.a.title, c.b.title)) for c in scan[:3]} == {frozenset(p) for p in PLANTED}


def test_a_pair_stays_when_either_incident_keeps_it() -> None:
    # Incident 1 has four candidates; 2, 3, 4 and 5 have it alone (5 after two better).
    scored = [(0.9, 1, 2), (0.8, 1, 3), (0.7, 1, 4), (0.6, 1, 5), (0.95, 5, 6), (0.94, 5, 7)]
    kept = {scored[n][1:] for n in duplicate_scan.best_per_incident(scored, keep=2)}
    # (1, 4) is neither incident's two best... but 4 has no other: it stays for 4's sake.
    assert kept == {(1, 2), (1, 3), (1, 4), (5, 6), (5, 7)}
    assert duplicate_scan.best_per_incident(scored, keep=1) == [4, 5, 0, 1, 2]


def test_after_a_large_import_the_scan_pairs_only_the_new_incidents(
    db: Database, make_incident: IncidentFactory
) -> None:
    old = [service.create_incident(db, _planted(make_incident, t, 1)).id for t in PLANTED[0]]
    mark = duplicates.newest_mark(db)
    new = service.create_incident(db, _planted(make_incident, PLANTED[0][0], 1)).id
    everything = {frozenset((c.a.id, c.b.id)) for c in duplicates.find_pairs(db)}
    since = {frozenset((c.a.id, c.b.id)) for c in duplicates.find_pairs(db, since=mark)}
    assert frozenset(old) in everything
    assert since == {frozenset((one, new)) for one in old}


def test_the_scan_finds_one_event_written_in_two_languages(
    db: Database, make_incident: IncidentFactory
) -> None:
    # Titles that share no word: the title blocking alone never compares them.
    english = _planted(make_incident, "Rockets hit the fuel depot at al-Asad airbase", 1)
    arabic = replace(
        _planted(make_incident, "صواريخ تضرب مستودع الوقود في قاعدة عين الأسد", 1),
        summary="أفادت مصادر محلية بسقوط صواريخ على القاعدة.",
    )
    made = [english] + [_near_miss(make_incident, n) for n in range(30)] + [arabic]
    ids = [service.create_incident(db, data).id or "" for data in made]
    full = {
        frozenset((c.a.id, c.b.id)): (c.score, c.reasons)
        for c in duplicates.candidates_for_many(db, ids)
    }
    pair = frozenset((ids[0], ids[-1]))
    assert pair in full  # the one-incident look-up finds it: time, place, type and actor
    listed = {frozenset((c.a.id, c.b.id)): (c.score, c.reasons) for c in duplicates.find_pairs(db)}
    assert listed[pair] == full[pair]
    assert "shared actor: Planted actor 1" in listed[pair][1]
