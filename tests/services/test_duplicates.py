"""Duplicate candidates: what is proposed and why, what is never proposed again, merging."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest

from desktop.domain import TimePrecision
from desktop.errors import ConflictError, ValidationError
from desktop.records import Actor, When, Where
from desktop.services import duplicates, history
from desktop.services import incidents as service
from desktop.services.dto import IncidentQuery

if TYPE_CHECKING:
    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def _other_report(make_incident: IncidentFactory, **overrides: object) -> IncidentData:
    """The al-Asad attack as another outlet wrote it up: 3 km off, other words."""
    data = make_incident(
        title="Drones attack Ain al-Asad airbase",
        summary="Several drones were fired at the base in Anbar.",
        where=Where("Ain al-Asad", "Anbar", "IQ", 33.80, 42.47, 1),
        actors=(Actor("Islamic Resistance in Iraq"),),
        tags=("Anbar",),
        citations=(),
    )
    return replace(data, **overrides)  # type: ignore[arg-type]


def test_a_second_report_of_one_event_is_proposed_with_its_reasons(
    db: Database, make_incident: IncidentFactory
) -> None:
    first = service.create_incident(db, make_incident())
    second = service.create_incident(db, _other_report(make_incident))
    [pair] = duplicates.find_pairs(db)
    assert {pair.a.id, pair.b.id} == {first.id, second.id}
    assert pair.score >= 0.8
    assert pair.reasons[:3] == ("same day", "3 km apart", "same event type")
    assert "shared actor: Islamic Resistance in Iraq" in pair.reasons
    assert any(r.startswith("titles ") and r.endswith("% alike") for r in pair.reasons)
    # The incident's own look-up (the editor's, after a save) finds the same pair.
    [own] = duplicates.candidates_for(db, second.id or "")
    assert (own.score, own.reasons) == (pair.score, pair.reasons)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"when": When(date(2023, 10, 25), date(2023, 10, 25))}, "a week later"),
        ({"where": Where("Basra", "Basra", "IQ", 30.5, 47.8, 1)}, "500 km away"),
        ({"where": Where("al-Asad airbase", "Anbar", "SY", 33.785, 42.441, 1)}, "other country"),
    ],
)
def test_far_in_time_or_place_is_never_proposed(
    db: Database, make_incident: IncidentFactory, change: dict[str, object], why: str
) -> None:
    service.create_incident(db, make_incident())
    service.create_incident(db, _other_report(make_incident, **change))
    assert duplicates.find_pairs(db, min_score=0) == [], why


def test_time_precision_and_rough_places_are_said(
    db: Database, make_incident: IncidentFactory
) -> None:
    service.create_incident(db, make_incident())
    week = When(date(2023, 10, 16), date(2023, 10, 22), TimePrecision.WEEK)
    service.create_incident(
        db, _other_report(make_incident, when=week, where=Where("", "", "IQ", precision=3))
    )
    [pair] = duplicates.find_pairs(db, min_score=0)
    assert pair.reasons[:2] == ("same week", "same country: Iraq")
    two_days = When(date(2023, 10, 20), date(2023, 10, 20))
    assert duplicates._time(  # the periods' gap, in whole days
        duplicates._Facts(
            1, "x", "", "", *_span(make_incident().when), "IQ", "", "", None, None, 3, ""
        ),
        duplicates._Facts(2, "y", "", "", *_span(two_days), "IQ", "", "", None, None, 3, ""),
        2,
    ) == (pytest.approx(1 - 2 / 3), "2 days apart")


def _span(when: When) -> tuple[datetime, datetime, str]:
    start = datetime(when.start.year, when.start.month, when.start.day)
    end = datetime(when.end.year, when.end.month, when.end.day)
    return start, end, str(when.precision)


def test_arabic_spellings_are_folded_before_comparing(
    db: Database, make_incident: IncidentFactory
) -> None:
    service.create_incident(db, make_incident(title="هجوم بطائرة مسيرة على قاعدة عين الأسد"))
    service.create_incident(db, make_incident(title="هجوم بطائره مسيّرة على قاعدة عين الاسد"))
    [pair] = duplicates.find_pairs(db)
    assert "titles 100% alike" in pair.reasons


def test_not_a_duplicate_is_remembered_and_never_proposed_again(
    db: Database, make_incident: IncidentFactory
) -> None:
    first = service.create_incident(db, make_incident())
    second = service.create_incident(db, _other_report(make_incident))
    assert first.id
    assert second.id
    duplicates.mark_not_duplicate(db, second.id, first.id)
    duplicates.mark_not_duplicate(db, first.id, second.id)  # again, either way round: one row
    assert duplicates.dismissed_pairs(db) == {tuple(sorted((first.id, second.id)))}
    assert duplicates.find_pairs(db, min_score=0) == []
    assert duplicates.candidates_for(db, first.id, min_score=0) == []
    # An edit of either does not bring it back.
    service.update_incident(db, replace(second, title=first.title))
    assert duplicates.find_pairs(db, min_score=0) == []
    with pytest.raises(ValidationError):
        duplicates.mark_not_duplicate(db, first.id, first.id)


def test_merge_keeps_both_citations_actors_tags_and_records_both_pasts(
    db: Database, make_incident: IncidentFactory
) -> None:
    keep = service.create_incident(db, make_incident())
    cited = make_incident().citations[:1]
    other = service.create_incident(
        db, _other_report(make_incident, citations=(replace(cited[0], url="https://x.test/2"),))
    )
    assert keep.id
    assert other.id
    merged = duplicates.merge_incidents(db, keep.id, other.id, {"Title"})
    assert merged is not None
    assert merged.title == other.title  # the part chosen from the other
    assert merged.summary == keep.summary  # the rest from the kept one
    assert [c.url for c in merged.citations] == [
        *(c.url for c in keep.citations),
        "https://x.test/2",
    ]
    assert [a.name for a in merged.actors] == [a.name for a in keep.actors]  # same name kept once
    assert merged.tags == (*keep.tags, "Anbar")
    assert service.count_incidents(db, IncidentQuery()) == 1
    kept_past = [c.sentence for c in history.incident_history(db, keep.id)]
    other_past = [c.sentence for c in history.incident_history(db, other.id)]
    assert any("Merged from" in line and other.id in line for line in kept_past)
    assert any("Merged into" in line and keep.id in line for line in other_past)
    assert other_past[-1].endswith("moved it to the trash")
    # Brought back from the trash, the pair is not proposed again.
    service.restore_incident(db, other.id)
    assert duplicates.find_pairs(db, min_score=0) == []


def test_merge_asks_only_when_the_two_disagree_and_can_be_cancelled(
    db: Database, make_incident: IncidentFactory
) -> None:
    keep = service.create_incident(db, make_incident())
    other = service.create_incident(db, _other_report(make_incident))
    assert keep.id
    assert other.id
    asked: list[set[str]] = []

    def cancel(plan: object) -> None:
        asked.append({c.part for c in plan.conflicts})  # type: ignore[attr-defined]

    assert duplicates.merge_incidents(db, keep.id, other.id, ask=cancel) is None
    assert asked == [{"Title", "Summary", "Where"}]
    assert service.count_incidents(db, IncidentQuery()) == 2  # nothing changed


def test_merge_refuses_a_record_changed_since_it_was_read(
    db: Database, make_incident: IncidentFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = service.create_incident(db, make_incident())
    other = service.create_incident(db, _other_report(make_incident))
    assert keep.id
    assert other.id

    def edit_meanwhile(plan: object) -> set[str]:
        service.update_incident(db, replace(keep, notes="edited meanwhile"))
        return set()

    with pytest.raises(ConflictError):
        duplicates.merge_incidents(db, keep.id, other.id, ask=edit_meanwhile)
    assert service.count_incidents(db, IncidentQuery()) == 2


def test_after_an_import_the_new_incidents_candidates_are_counted(
    db: Database, make_incident: IncidentFactory
) -> None:
    service.create_incident(db, make_incident())
    service.create_incident(
        db, make_incident(title="Protest in Basra", where=Where("Basra", "Basra", "IQ"))
    )
    mark = duplicates.newest_mark(db)
    service.create_incident(db, _other_report(make_incident))
    candidates, new = duplicates.since_mark(db, mark)
    assert (len(candidates), new) == (1, 1)
    assert duplicates.since_mark(db, duplicates.newest_mark(db)) == ([], 0)


def test_trashed_incidents_are_not_proposed(db: Database, make_incident: IncidentFactory) -> None:
    service.create_incident(db, make_incident())
    second = service.create_incident(db, _other_report(make_incident))
    service.delete_incident(db, second.id or "")
    assert duplicates.find_pairs(db, min_score=0) == []
