"""Listing incidents: filters, sort keys, paging and full-text search."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text as sql_text

from desktop.domain import ActorRole, Confidence, Status, TimePrecision
from desktop.errors import ConflictError
from desktop.services import incidents
from desktop.services.dto import SORT_KEYS, Actor, Citation, IncidentQuery, When, Where
from desktop.store.engine import open_database
from desktop.store.migrate import alembic_config

if TYPE_CHECKING:
    from desktop.services.dto import IncidentData, SourceData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def day(d: date) -> When:
    return When(d, d, TimePrecision.DAY)


@pytest.fixture
def three(
    db: Database, make_incident: IncidentFactory, sources: tuple[SourceData, SourceData]
) -> dict[str, IncidentData]:
    """Three incidents that differ in every filterable field."""
    centcom, reuters = sources
    a = incidents.create_incident(
        db,
        make_incident(
            title="Drone attack on al-Asad airbase",
            when=day(date(2023, 10, 17)),
            status=Status.CONFIRMED,
            confidence=Confidence.HIGH,
            tags=("drone", "US bases"),
            marking="TLP:CLEAR",
            citations=(Citation(source=centcom.id, credibility=2),),
        ),
    )
    b = incidents.create_incident(
        db,
        make_incident(
            title="Rocket fire near Erbil",
            summary="Rockets landed near the airport.",
            when=When(date(2023, 10, 20), date(2023, 10, 22), TimePrecision.WEEK),
            where=Where(name="Erbil airport", admin1="Erbil", country="IQ"),
            event_type="Explosions/Remote violence",
            sub_event_type="Shelling/artillery/missile attack",
            status=Status.REPORTED,
            confidence=Confidence.MODERATE,
            tags=("rockets",),
            marking="TLP:AMBER",
            actors=(Actor("Kataib Hezbollah", ActorRole.ATTRIBUTED_TO),),
            citations=(
                Citation(source=centcom.id, credibility=3),
                Citation(source=reuters.id, credibility=2),
            ),
        ),
    )
    c = incidents.create_incident(
        db,
        make_incident(
            title="Protest in Damascus",
            summary="A peaceful gathering.",
            when=day(date(2023, 11, 2)),
            where=Where(name="Damascus", country="SY"),
            event_type="Protests",
            sub_event_type="Peaceful protest",
            status=Status.UNVERIFIED,
            confidence=Confidence.LOW,
            tags=(),
            actors=(),
            marking="TLP:GREEN",
            citations=(Citation(source=reuters.id, credibility=4),),
        ),
    )
    return {"a": a, "b": b, "c": c}


def titles(db: Database, query: IncidentQuery) -> list[str]:
    rows = incidents.list_incidents(db, query)
    assert incidents.count_incidents(db, query) == len(rows)
    return [row.title for row in rows]


A, B, C = "Drone attack on al-Asad airbase", "Rocket fire near Erbil", "Protest in Damascus"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (IncidentQuery(), [C, B, A]),
        (IncidentQuery(since=date(2023, 10, 21)), [C, B]),  # B's window reaches into it
        (IncidentQuery(until=date(2023, 10, 20)), [B, A]),  # until includes the whole day
        (IncidentQuery(since=date(2023, 10, 18), until=date(2023, 10, 19)), []),
        (IncidentQuery(since=date(2023, 10, 17), until=date(2023, 10, 17)), [A]),
        (IncidentQuery(event_types=("Protests",)), [C]),
        (IncidentQuery(countries=("IQ",)), [B, A]),
        (IncidentQuery(countries=("SY", "IQ")), [C, B, A]),
        (IncidentQuery(statuses=("reported",)), [B]),
        (IncidentQuery(confidences=("high", "low")), [C, A]),
        (IncidentQuery(tags=("drone",)), [A]),
        (IncidentQuery(tags=("drone", "rockets")), [B, A]),
        (IncidentQuery(markings=("TLP:AMBER",)), [B]),
        (IncidentQuery(markings=("tlp:amber", "TLP:GREEN")), [C, B]),
        (IncidentQuery(source="u-s-central-command"), [B, A]),
        (IncidentQuery(source="reuters"), [C, B]),
        (IncidentQuery(source="nobody"), []),
        (IncidentQuery(countries=("IQ",), statuses=("confirmed",)), [A]),
    ],
)
def test_filters(
    db: Database, three: dict[str, IncidentData], query: IncidentQuery, expected: list[str]
) -> None:
    assert titles(db, query) == expected


@pytest.mark.parametrize(
    ("sort", "ascending"),
    [
        ("when", [A, B, C]),
        ("title", [A, C, B]),
        ("place", [A, C, B]),  # case-insensitive: al-Asad < Damascus < Erbil
        ("type", None),
        ("status", [A, B, C]),  # confirmed < reported < unverified
        ("confidence", [C, B, A]),  # low < moderate < high
        ("sources", None),
        ("marking", [A, C, B]),  # CLEAR < GREEN < AMBER
        ("relevance", [A, B, C]),  # without text: by time
    ],
)
def test_sort_keys(
    db: Database, three: dict[str, IncidentData], sort: str, ascending: list[str] | None
) -> None:
    up = titles(db, IncidentQuery(sort=sort, descending=False))
    down = titles(db, IncidentQuery(sort=sort, descending=True))
    assert sorted(up) == sorted([A, B, C])
    if ascending is not None:
        assert up == ascending
        assert down == list(reversed(ascending))


def test_sort_by_type_and_sources_break_ties_by_insertion(
    db: Database, three: dict[str, IncidentData]
) -> None:
    # "Type" sorts by the sub-event type the table shows: Air/drone strike, Peaceful
    # protest, Shelling/artillery/missile attack.
    assert titles(db, IncidentQuery(sort="type", descending=False)) == [A, C, B]
    assert titles(db, IncidentQuery(sort="sources", descending=False)) == [A, C, B]
    assert titles(db, IncidentQuery(sort="sources", descending=True)) == [B, C, A]


def test_every_sort_key_is_accepted(db: Database, three: dict[str, IncidentData]) -> None:
    for key in SORT_KEYS:
        assert len(titles(db, IncidentQuery(sort=key, text="a"))) >= 0
    with pytest.raises(ValueError, match="unknown sort key"):
        incidents.list_incidents(db, IncidentQuery(sort="colour"))


def test_paging_is_stable(db: Database, make_incident: IncidentFactory) -> None:
    for i in range(25):
        # Many share a date so only the tie-breaker keeps pages apart.
        incidents.create_incident(
            db, make_incident(title=f"Incident {i:02d}", when=day(date(2023, 10, 1 + i % 3)))
        )
    for sort in ("when", "status", "marking", "sources"):
        query = IncidentQuery(sort=sort)
        seen: list[str] = []
        for offset in range(0, 25, 7):
            seen.extend(row.id for row in incidents.list_incidents(db, query, offset, 7))
        assert len(seen) == 25
        assert len(set(seen)) == 25
        assert seen == [row.id for row in incidents.list_incidents(db, query)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("drone", [A]),
        ("rockets landed", [B]),  # summary
        ("Kataib", [B]),  # actor
        ("Hezbollah", [B]),
        ("Damascus", [C]),  # place
        ("Anbar", [A]),  # province
        ("Two drones were engaged", []),  # not cited by these three
        ("erb", [B]),  # prefix type-ahead
        ("ROCKET", [B]),  # case-insensitive
        ("airbase", [A]),
        ("nothing-here", []),
        ('"', []),  # no word at all: nothing matches
        ("drone AND", []),  # AND is a word to find, not an operator
    ],
)
def test_full_text(
    db: Database, three: dict[str, IncidentData], text: str, expected: list[str]
) -> None:
    assert titles(db, IncidentQuery(text=text)) == expected


def test_full_text_finds_citation_excerpts_and_prefixes(
    db: Database, make_incident: IncidentFactory, sources: tuple[SourceData, SourceData]
) -> None:
    centcom, _ = sources
    incidents.create_incident(
        db,
        make_incident(
            title="Interception",
            summary="Several drones were shot down.",
            citations=(Citation(source=centcom.id, credibility=2, excerpt="Seized a cargo dhow."),),
        ),
    )
    assert titles(db, IncidentQuery(text="dhow")) == ["Interception"]
    assert titles(db, IncidentQuery(text="drone")) == ["Interception"]  # "drones"
    assert titles(db, IncidentQuery(text="shot dro")) == ["Interception"]


def test_title_sort_ignores_case(db: Database, make_incident: IncidentFactory) -> None:
    for title in ("beta", "Alpha", "al-Qaim", "Zulu"):
        incidents.create_incident(db, make_incident(title=title))
    assert titles(db, IncidentQuery(sort="title", descending=False)) == [
        "al-Qaim",
        "Alpha",
        "beta",
        "Zulu",
    ]


def test_full_text_with_combining_marks(db: Database, make_incident: IncidentFactory) -> None:
    incidents.create_incident(db, make_incident(title="हिन्दी समाचार रिपोर्ट"))
    assert titles(db, IncidentQuery(text="हिन्दी")) == ["हिन्दी समाचार रिपोर्ट"]
    assert titles(db, IncidentQuery(text="समाचार रिपो")) == ["हिन्दी समाचार रिपोर्ट"]


def test_full_text_arabic(db: Database, make_incident: IncidentFactory) -> None:
    incidents.create_incident(db, make_incident(title="هجوم بطائرة مسيّرة على قاعدة عين الأسد"))
    incidents.create_incident(db, make_incident(title="Unrelated"))
    for text in ("الاسد", "الأسد", "عين", "عين الاسد", "مسيرة", "الأَسَد"):
        assert titles(db, IncidentQuery(text=text)) == ["هجوم بطائرة مسيّرة على قاعدة عين الأسد"], (
            text
        )


def test_search_follows_updates_and_deletes(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(db, make_incident(title="Old words"))
    incidents.update_incident(db, replace(saved, title="Fresh words"))
    assert titles(db, IncidentQuery(text="old")) == []
    assert titles(db, IncidentQuery(text="fresh")) == ["Fresh words"]
    incidents.delete_incident(db, saved.id or "")
    assert titles(db, IncidentQuery(text="fresh")) == []
    assert titles(db, IncidentQuery(text="fresh", deleted=True)) == ["Fresh words"]


def test_relevance_puts_title_matches_first(db: Database, make_incident: IncidentFactory) -> None:
    incidents.create_incident(
        db,
        make_incident(title="Attack in Anbar", summary="A convoy was hit; it was a drone."),
    )
    incidents.create_incident(db, make_incident(title="Drone strike", summary="Short."))
    incidents.create_incident(
        db, make_incident(title="Notes only", summary="", notes="A drone was seen.")
    )
    ranked = titles(db, IncidentQuery(text="drone", sort="relevance"))
    assert ranked[0] == "Drone strike"
    assert set(ranked) == {"Attack in Anbar", "Drone strike", "Notes only"}
    worst_first = titles(db, IncidentQuery(text="drone", sort="relevance", descending=False))
    assert worst_first == list(reversed(ranked))


def test_get_incidents_returns_full_records_in_order(
    db: Database, three: dict[str, IncidentData]
) -> None:
    records = incidents.get_incidents(db, IncidentQuery(sort="when", descending=False))
    assert [r.title for r in records] == [A, B, C]
    assert records[0] == three["a"]
    assert len(incidents.get_incidents(db, IncidentQuery(), limit=2)) == 2
    assert [r.title for r in incidents.get_incidents(db, IncidentQuery(text="erbil"))] == [B]


def test_rows_carry_place_and_counts(db: Database, three: dict[str, IncidentData]) -> None:
    rows = {row.title: row for row in incidents.list_incidents(db, IncidentQuery())}
    assert rows[A].place == "al-Asad airbase, Anbar, Iraq"
    assert rows[B].source_count == 2
    assert rows[A].start == date(2023, 10, 17)
    assert rows[B].precision == TimePrecision.WEEK
    assert rows[C].marking == "TLP:GREEN"
    assert IncidentQuery(text="x").is_filtered
    assert not IncidentQuery().is_filtered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("drone & !attack", [A]),  # PostgreSQL's tsquery operators are not operators
        ("drone | protest", []),  # every word must occur, "|" does not make it "or"
        ("'drone'", [A]),
        ("erbil:*", [B]),
        ("rocket <-> fire", [B]),
        ("\\drone\\", [A]),
        ('drone" OR "protest', []),  # nor are FTS5's
        ("drone%", [A]),  # nor LIKE's wildcards
        ("d_one", []),
    ],
)
def test_full_text_reads_no_query_syntax(
    db: Database, three: dict[str, IncidentData], text: str, expected: list[str]
) -> None:
    assert titles(db, IncidentQuery(text=text)) == expected
    assert titles(db, IncidentQuery(text=text, sort="relevance")) == expected


def test_full_text_ignores_latin_accents_and_case(
    db: Database, make_incident: IncidentFactory
) -> None:
    incidents.create_incident(db, make_incident(title="Réunion à Genève", summary="ÉCOLE"))
    incidents.create_incident(db, make_incident(title="Unrelated", summary="Other"))
    for text in ("geneve", "GENÈVE", "reunion gen", "école", "ecole"):
        assert titles(db, IncidentQuery(text=text)) == ["Réunion à Genève"], text


def test_relevance_ranks_title_then_actors_then_summary_then_notes(
    db: Database, make_incident: IncidentFactory
) -> None:
    # Created best-last, so neither the time nor the id order could pass for relevance.
    for title, summary, notes, actor in (
        ("In the notes", "Nothing.", "Convoy hit.", "Someone"),
        ("In the summary", "Convoy hit.", "", "Someone"),
        ("By an actor", "Nothing.", "", "Convoy Brigade"),
        ("Convoy hit", "Nothing.", "", "Someone"),
    ):
        incidents.create_incident(
            db,
            make_incident(
                title=title,
                summary=summary,
                notes=notes,
                actors=(Actor(actor, ActorRole.PERPETRATOR),),
                citations=(),
            ),
        )
    expected = ["Convoy hit", "By an actor", "In the summary", "In the notes"]
    assert titles(db, IncidentQuery(text="convoy", sort="relevance")) == expected
    assert titles(db, IncidentQuery(text="conv", sort="relevance", descending=False)) == list(
        reversed(expected)
    )
    # The best page alone is the first page of the full order.
    query = IncidentQuery(text="convoy", sort="relevance")
    assert [row.title for row in incidents.list_incidents(db, query, 0, 2)] == expected[:2]


def _index_size(db: Database) -> int:
    table = "incident_fts" if db.is_sqlite else "incident_fts_pg"
    with db.begin() as session:
        return int(session.execute(sql_text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_the_index_holds_one_entry_per_stored_incident(
    db: Database, make_incident: IncidentFactory
) -> None:
    kept = incidents.create_incident(db, make_incident(title="Kept"))
    purged = incidents.create_incident(db, make_incident(title="Purged"))
    emptied = incidents.create_incident(db, make_incident(title="Emptied"))
    assert _index_size(db) == 3
    for record in (purged, emptied):
        incidents.delete_incident(db, record.id or "")
    incidents.purge_incident(db, purged.id or "")
    assert _index_size(db) == 2
    incidents.empty_trash(db)
    assert _index_size(db) == 1
    with pytest.raises(ConflictError):  # refused: nothing of it reaches the index
        incidents.update_incident(db, replace(kept, title="Stale words", version=0))
    assert titles(db, IncidentQuery(text="stale")) == []
    assert titles(db, IncidentQuery(text="kept")) == ["Kept"]


def test_the_upgrade_indexes_incidents_stored_before_it(
    db: Database, make_incident: IncidentFactory
) -> None:
    """Migration 0005 fills PostgreSQL's new index from the incidents already there."""
    from alembic import command

    incidents.create_incident(db, make_incident(title="Stored before the upgrade"))
    incidents.create_incident(db, make_incident(title="هجوم على قاعدة عين الأسد"))
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0004")
    open_database(db.url).close()  # upgrades to the head again
    assert titles(db, IncidentQuery(text="stored upgr")) == ["Stored before the upgrade"]
    assert titles(db, IncidentQuery(text="الاسد")) == ["هجوم على قاعدة عين الأسد"]
    assert titles(db, IncidentQuery(text="Kataib")) == []
    assert titles(db, IncidentQuery(text="islamic resistance")) == [
        "هجوم على قاعدة عين الأسد",
        "Stored before the upgrade",
    ]  # the actors of make_incident, newest first


@pytest.mark.parametrize("text", ["¯", "´ ¨", "\u0301"])
def test_text_of_marks_alone_finds_nothing_in_any_order(
    db: Database, three: dict[str, IncidentData], text: str
) -> None:
    for sort in ("relevance", "when"):
        assert titles(db, IncidentQuery(text=text, sort=sort)) == []


def test_until_the_last_day_there_is_bounds_nothing(
    db: Database, make_incident: IncidentFactory
) -> None:
    from datetime import date, datetime

    from desktop.services import incidents as incident_service
    from desktop.services.dto import IncidentQuery

    incident_service.create_incident(db, make_incident())
    for until in (date.max, datetime.max, date(2023, 10, 17)):
        assert incident_service.count_incidents(db, IncidentQuery(until=until)) == 1
