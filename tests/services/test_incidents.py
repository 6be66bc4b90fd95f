"""Incident use cases: save and read back, conflicts, trash, validation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop.domain import ActorRole, Confidence, Status, TimePrecision
from desktop.errors import ConflictError, NotFoundError, ValidationError
from desktop.services import incidents
from desktop.services.dto import (
    Actor,
    Casualties,
    Citation,
    IncidentQuery,
    When,
    Where,
)
from desktop.store.models import Incident

if TYPE_CHECKING:
    from desktop.services.dto import IncidentData, SourceData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def comparable(data: IncidentData) -> IncidentData:
    """The record without what the database adds (id, version, audit, source details)."""
    citations = tuple(
        replace(c, source_name="", source_reliability="", source_kind="") for c in data.citations
    )
    return replace(data, id=None, version=None, audit=None, citations=citations)


def test_round_trip_of_every_field(db: Database, make_incident: IncidentFactory) -> None:
    data = make_incident(
        notes="Analyst note.",
        likelihood="likely",
        marking="TLP:AMBER",
        casualties=Casualties(killed=None, injured=3, note=""),
        actors=(
            Actor("Kataib Hezbollah", ActorRole.PERPETRATOR),
            Actor("Islamic Resistance in Iraq", ActorRole.CLAIMED_BY),
            Actor("Iran", ActorRole.ATTRIBUTED_TO),
            Actor("U.S. forces", ActorRole.TARGET),
            Actor("Iraqi police", ActorRole.OTHER),
        ),
    )
    saved = incidents.create_incident(db, data)
    assert saved.id is not None
    assert saved.version == 1
    loaded = incidents.get_incident(db, saved.id)
    assert loaded == saved
    assert comparable(loaded) == data
    assert loaded.audit is not None
    assert loaded.audit.created_by == "tester"
    assert loaded.audit.updated_by == "tester"
    assert loaded.audit.created_at.tzinfo is not None
    assert loaded.audit.deleted_at is None
    assert loaded.where.lat == 33.785
    assert loaded.where.lon == 42.441
    assert loaded.casualties == Casualties(killed=None, injured=3, note="")
    first = loaded.citations[0]
    assert first.published == date(2023, 10, 18)
    assert first.retrieved == date(2023, 10, 19)
    assert first.language == "en"
    assert first.source_name == "U.S. Central Command"
    assert first.source_reliability == "B"
    assert first.source_kind == "military"
    assert loaded.citations[1].url is None
    assert loaded.tags == ("drone", "US bases")


def test_exact_times_come_back_as_utc(db: Database, make_incident: IncidentFactory) -> None:
    start = datetime(2023, 10, 17, 14, 30, 15, tzinfo=UTC)
    plus3 = timezone(timedelta(hours=3))
    end = datetime(2023, 10, 17, 18, 0, 0, tzinfo=plus3)  # 15:00 UTC
    saved = incidents.create_incident(db, make_incident(when=When(start, end, TimePrecision.EXACT)))
    assert saved.id is not None
    loaded = incidents.get_incident(db, saved.id)
    assert loaded.when.precision == TimePrecision.EXACT
    assert loaded.when.start == start
    assert loaded.when.start.tzinfo is not None  # type: ignore[union-attr]
    assert loaded.when.end == datetime(2023, 10, 17, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("precision", [TimePrecision.DAY, TimePrecision.WEEK, TimePrecision.MONTH])
def test_dates_come_back_as_dates(
    db: Database, make_incident: IncidentFactory, precision: TimePrecision
) -> None:
    when = When(date(2023, 10, 1), date(2023, 10, 31), precision)
    saved = incidents.create_incident(db, make_incident(when=when))
    assert saved.id is not None
    loaded = incidents.get_incident(db, saved.id)
    assert loaded.when == when
    assert type(loaded.when.start) is date


def test_unlocated_incident(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(
        db, make_incident(where=Where(country="", precision=3), actors=(), tags=(), citations=())
    )
    assert saved.id is not None
    loaded = incidents.get_incident(db, saved.id)
    assert loaded.where == Where(country="", precision=3)
    assert loaded.citations == ()
    assert not loaded.where.located


def test_hard_text_round_trips(db: Database, make_incident: IncidentFactory) -> None:
    nasty = "<script>&amp; \"quotes\" 'single' 🚀🔥 \u202eRTL\u202c عين الأسد\n\ttabs"
    long_summary = ("x<&🚀 " * 4000)[:20_000]
    assert len(long_summary) == 20_000
    saved = incidents.create_incident(
        db,
        make_incident(
            title=nasty,
            summary=long_summary,
            notes=nasty,
            casualties=Casualties(note=nasty),
            tags=("<&>", "🚀"),
            actors=(Actor(nasty, ActorRole.OTHER),),
        ),
    )
    assert saved.id is not None
    loaded = incidents.get_incident(db, saved.id)
    assert loaded.title == nasty.strip()
    assert loaded.summary == long_summary
    assert loaded.notes == nasty
    assert loaded.casualties.note == nasty
    assert loaded.tags == ("<&>", "🚀")
    assert loaded.actors[0].name == nasty.strip()


def test_given_id_is_kept_and_duplicates_refused(
    db: Database, make_incident: IncidentFactory
) -> None:
    wanted = "3f1c0000-0000-4000-8000-000000000001"
    saved = incidents.create_incident(db, make_incident(id=wanted))
    assert saved.id == wanted
    with pytest.raises(ValidationError) as caught:
        incidents.create_incident(db, make_incident(id=wanted))
    assert caught.value.field == "id"


def test_update_saves_and_bumps_version(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(db, make_incident())
    changed = replace(
        saved,
        title="Drone attack repelled",
        tags=("drone", "intercepted"),
        actors=(Actor("U.S. forces", ActorRole.TARGET),),
        citations=saved.citations[:1],
    )
    updated = incidents.update_incident(db, changed)
    assert updated.version == 2
    assert updated.title == "Drone attack repelled"
    assert updated.tags == ("drone", "intercepted")
    assert len(updated.citations) == 1
    assert incidents.list_incidents(db, IncidentQuery())[0].source_count == 1
    assert incidents.get_incident(db, updated.id or "") == updated
    # Saving the same tags again (same primary keys) works too.
    again = incidents.update_incident(db, replace(updated, summary="Same tags."))
    assert again.version == 3
    assert again.tags == ("drone", "intercepted")


def test_stale_update_is_refused_and_writes_nothing(
    db: Database, make_incident: IncidentFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = incidents.create_incident(db, make_incident())
    monkeypatch.setenv("INCIDENT_DESK_USER", "alice")
    incidents.update_incident(db, replace(saved, title="Alice's title"))
    monkeypatch.setenv("INCIDENT_DESK_USER", "tester")
    with pytest.raises(ConflictError) as caught:
        incidents.update_incident(db, replace(saved, title="My title", tags=()))
    assert "alice" in str(caught.value)
    assert caught.value.changed_by == "alice"
    current = incidents.get_incident(db, saved.id or "")
    assert current.title == "Alice's title"
    assert current.tags == saved.tags
    assert current.version == 2


def test_update_of_missing_incident(db: Database, make_incident: IncidentFactory) -> None:
    with pytest.raises(NotFoundError):
        incidents.update_incident(db, make_incident(id="00000000-0000-4000-8000-000000000000"))
    with pytest.raises(ValidationError):
        incidents.update_incident(db, make_incident())  # no id


def test_get_missing_incident(db: Database) -> None:
    with pytest.raises(NotFoundError):
        incidents.get_incident(db, "nope")


def test_delete_restore_purge(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(db, make_incident())
    other = incidents.create_incident(db, make_incident(title="Other"))
    incident_id = saved.id or ""
    incidents.delete_incident(db, incident_id)

    live = incidents.list_incidents(db, IncidentQuery())
    assert [row.id for row in live] == [other.id]
    assert incidents.count_incidents(db, IncidentQuery()) == 1
    assert incidents.count_incidents(db, IncidentQuery(text="al-Asad")) == 1
    trash = incidents.list_incidents(db, IncidentQuery(deleted=True))
    assert [row.id for row in trash] == [incident_id]
    assert trash[0].deleted_at is not None
    assert incidents.get_incident(db, incident_id).audit.deleted_by == "tester"  # type: ignore[union-attr]

    with pytest.raises(ValidationError):
        incidents.purge_incident(db, other.id or "")  # not in the trash

    incidents.restore_incident(db, incident_id)
    assert incidents.count_incidents(db, IncidentQuery()) == 2
    assert incidents.count_incidents(db, IncidentQuery(deleted=True)) == 0

    incidents.delete_incident(db, incident_id)
    incidents.purge_incident(db, incident_id)
    with pytest.raises(NotFoundError):
        incidents.get_incident(db, incident_id)
    assert incidents.count_incidents(db, IncidentQuery(deleted=True)) == 0
    assert incidents.count_incidents(db, IncidentQuery(text="drone", deleted=True)) == 0


def test_empty_trash(db: Database, make_incident: IncidentFactory) -> None:
    ids = [incidents.create_incident(db, make_incident(title=f"N{i}")).id or "" for i in range(3)]
    for incident_id in ids[:2]:
        incidents.delete_incident(db, incident_id)
    assert incidents.empty_trash(db, [ids[0]]) == 1
    assert incidents.empty_trash(db) == 1
    assert incidents.count_incidents(db, IncidentQuery(deleted=True)) == 0
    assert incidents.count_incidents(db, IncidentQuery()) == 1
    assert incidents.count_incidents(db, IncidentQuery(text="N0")) == 0


BAD_CASES = [
    (
        "when.end",
        {"when": When(date(2023, 10, 18), date(2023, 10, 17), TimePrecision.DAY)},
    ),
    (
        "when.start",
        {"when": When(date(2023, 10, 17), date(2023, 10, 18), TimePrecision.EXACT)},
    ),
    (
        "when.start",
        {"when": When(datetime(2023, 10, 17, 1), datetime(2023, 10, 17, 2), TimePrecision.EXACT)},
    ),
    ("where.lat", {"where": Where(lat=95.0, lon=42.0, precision=1)}),
    ("where.lat", {"where": Where(lat=None, lon=42.0, precision=1)}),
    ("where.lon", {"where": Where(lat=33.0, lon=181.0, precision=1)}),
    ("where.country", {"where": Where(country="XX")}),
    ("where.country", {"where": Where(country="iq")}),
    ("where.precision", {"where": Where(precision=4)}),
    ("sub_event_type", {"sub_event_type": "Peaceful protest"}),
    ("event_type", {"event_type": "Skirmish"}),
    ("title", {"title": "   "}),
    ("actors[0].name", {"actors": (Actor(" ", ActorRole.TARGET),)}),
    ("casualties.killed", {"casualties": Casualties(killed=-1)}),
    ("casualties.injured", {"casualties": Casualties(injured=10**20)}),
    ("likelihood", {"likelihood": "maybe"}),
    ("tags[1]", {"tags": ("drone", "Drone")}),
    ("tags[1]", {"tags": ("drone", "drone ")}),
    ("marking", {"marking": " "}),
    ("citations[0].credibility", {"citations": (Citation(source="reuters", credibility=7),)}),
    ("citations[0].source", {"citations": (Citation(source="nobody", credibility=2),)}),
    (
        "citations[0].retrieved",
        {
            "citations": (
                Citation(
                    source="reuters",
                    credibility=2,
                    published=date(2023, 10, 2),
                    retrieved=date(2023, 10, 1),
                ),
            )
        },
    ),
]


@pytest.mark.parametrize(("field", "overrides"), BAD_CASES)
def test_validation_names_the_field(
    db: Database, make_incident: IncidentFactory, field: str, overrides: dict[str, object]
) -> None:
    with pytest.raises(ValidationError) as caught:
        incidents.create_incident(db, make_incident(**overrides))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    with db.begin() as session:
        assert session.scalar(select(func.count(Incident.id))) == 0


def test_invalid_update_writes_nothing(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(db, make_incident())
    bad = replace(saved, title="New", citations=(Citation(source="nobody", credibility=2),))
    with pytest.raises(ValidationError) as caught:
        incidents.update_incident(db, bad)
    assert caught.value.field == "citations[0].source"
    assert incidents.get_incident(db, saved.id or "") == saved


def test_marking_is_normalised(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(db, make_incident(marking="tlp:amber"))
    assert saved.marking == "TLP:AMBER"
    free = incidents.create_incident(db, make_incident(marking="UNCLASSIFIED // FOR TRAINING"))
    assert free.marking == "UNCLASSIFIED // FOR TRAINING"


def test_status_and_confidence_are_kept(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(
        db, make_incident(status=Status.DENIED, confidence=Confidence.HIGH)
    )
    loaded = incidents.get_incident(db, saved.id or "")
    assert (loaded.status, loaded.confidence) == (Status.DENIED, Confidence.HIGH)


def test_facets_list_values_in_use(
    db: Database, make_incident: IncidentFactory, sources: tuple[SourceData, SourceData]
) -> None:
    incidents.create_incident(db, make_incident())
    incidents.create_incident(
        db,
        make_incident(
            title="Protest in Erbil",
            event_type="Protests",
            sub_event_type="Peaceful protest",
            where=Where(name="Erbil", country="IQ"),
            tags=("protest",),
            marking="TLP:GREEN",
            actors=(Actor("Students", ActorRole.OTHER),),
        ),
    )
    gone = incidents.create_incident(
        db,
        make_incident(
            title="Deleted",
            where=Where(country="SY"),
            tags=("trashed",),
            marking="TLP:RED",
            actors=(Actor("Ghost actor", ActorRole.OTHER),),
        ),
    )
    incidents.delete_incident(db, gone.id or "")
    facets = incidents.facets(db)
    assert facets.countries == ("IQ",)
    assert facets.tags == ("US bases", "drone", "protest")
    assert facets.markings == ("TLP:CLEAR", "TLP:GREEN")
    assert facets.event_types == ("Explosions/Remote violence", "Protests")
    assert facets.actors == ("Islamic Resistance in Iraq", "Students", "U.S. forces")
    assert facets.total == 2


def test_facets_of_empty_workspace(db: Database) -> None:
    facets = incidents.facets(db)
    assert facets.total == 0
    assert facets.countries == facets.tags == facets.actors == ()


# NUL is refused by validation (tested below); everything else must survive.
NO_NUL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    title=st.text(NO_NUL, min_size=1, max_size=80).filter(lambda t: bool(t.strip())),
    summary=st.text(NO_NUL, max_size=200),
)
def test_any_text_round_trips_and_is_searchable(
    db: Database, make_incident: IncidentFactory, title: str, summary: str
) -> None:
    saved = incidents.create_incident(db, make_incident(title=title, summary=summary))
    loaded = incidents.get_incident(db, saved.id or "")
    assert loaded.title == title.strip()
    assert loaded.summary == summary
    # Searching for the title never fails, whatever characters it holds.
    incidents.list_incidents(db, IncidentQuery(text=title, sort="relevance"))


def test_a_nul_character_is_refused_with_its_field(
    db: Database, make_incident: IncidentFactory
) -> None:
    with pytest.raises(ValidationError, match=r"actors\[0\]\.name: contains a NUL"):
        incidents.create_incident(
            db, make_incident(actors=(Actor(name="bad\x00name", role=ActorRole.CLAIMED_BY),))
        )


def test_shows_tells_whether_a_query_lists_an_incident(
    db: Database, make_incident: IncidentFactory
) -> None:
    drone = incidents.create_incident(db, make_incident(title="Xylophonist strike on a depot"))
    other = incidents.create_incident(db, make_incident(title="Convoy stopped"))
    query = IncidentQuery(text="xylophonist")
    assert incidents.shows(db, query, drone.id or "")
    assert not incidents.shows(db, query, other.id or "")
    assert incidents.shows(db, IncidentQuery(), other.id or "")
    incidents.delete_incident(db, drone.id or "")
    assert not incidents.shows(db, query, drone.id or "")  # the trash is not the table
    assert incidents.shows(db, IncidentQuery(deleted=True), drone.id or "")


def test_repeating_the_sample_keeps_edits_and_adds_what_is_missing(db: Database) -> None:
    from desktop.services import sample
    from desktop.services import sources as source_service

    first = sample.load_sample(db)
    assert first.summary == (
        "7 incidents added, 0 already present; 9 sources added, 0 already present."
    )
    rows = incidents.list_incidents(db, IncidentQuery(sort="when"), limit=100)
    edited = incidents.get_incident(db, rows[0].id)
    incidents.update_incident(db, replace(edited, title="Edited by the analyst"))
    trashed = rows[1].id
    incidents.delete_incident(db, trashed)
    purged = rows[2].id
    incidents.delete_incident(db, purged)
    incidents.purge_incident(db, purged)
    source = source_service.list_sources(db)[0]
    source_service.update_source(db, replace(source, notes="analyst's note"))

    again = sample.load_sample(db)

    assert again.summary == (
        "1 incident added, 6 already present; 0 sources added, 9 already present."
    )
    assert incidents.get_incident(db, edited.id or "").title == "Edited by the analyst"
    assert incidents.get_incident(db, trashed).audit.deleted_at is not None  # type: ignore[union-attr]
    assert incidents.get_incident(db, purged).title != ""
    notes = {s.id: s.notes for s in source_service.list_sources(db)}
    assert notes[source.id] == "analyst's note"


def test_a_save_racing_another_writer_is_a_conflict_naming_who_won(
    db: Database, db_url: str, make_incident: IncidentFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another analyst saves between this save's read and its write: no overwrite, no
    "database is locked" (SQLite refuses a write from an outdated read at once)."""
    from desktop.services import mapping
    from desktop.store.engine import open_database

    created = incidents.create_incident(db, make_incident())
    other = open_database(db_url)
    apply = mapping.apply_incident
    raced: list[bool] = []

    def save_meanwhile(row: object, data: object, sources: object) -> None:
        if not raced:
            raced.append(True)
            theirs = incidents.get_incident(other, created.id or "")
            incidents.update_incident(other, replace(theirs, notes="theirs"))
        apply(row, data, sources)  # type: ignore[arg-type]

    monkeypatch.setattr(mapping, "apply_incident", save_meanwhile)
    try:
        with pytest.raises(ConflictError, match="changed by") as caught:
            incidents.update_incident(db, replace(created, title="Mine"))
    finally:
        other.close()
    assert "locked" not in str(caught.value)
    stored = incidents.get_incident(db, created.id or "")
    assert (stored.title, stored.notes) == (created.title, "theirs")


def test_every_text_of_the_field_table_is_checked_for_unstorable_characters(
    make_incident: IncidentFactory,
) -> None:
    """A NUL in any text field of desktop/fields.py is named by its path: a field added to
    the table is checked without an edit in validation."""
    from desktop.fields import INCIDENT_FIELDS
    from desktop.services.validation import incident_problems

    base = make_incident(likelihood="likely", where=make_incident().where)
    checked = []
    for f in INCIDENT_FIELDS:
        if not f.simple or f.enum is not None or not isinstance(f.get(base), str):
            continue
        if "." in f.key:
            group, attribute = f.key.split(".")
            bad = replace(base, **{group: replace(getattr(base, group), **{attribute: "a\x00b"})})
        else:
            bad = replace(base, **{f.key: "a\x00b"})
        paths = [p.field for p in incident_problems(bad) if "NUL" in str(p)]
        assert paths == [f.key], f.key
        checked.append(f.key)
    assert {"title", "summary", "notes", "where.name", "casualties.note", "marking"} <= set(checked)
