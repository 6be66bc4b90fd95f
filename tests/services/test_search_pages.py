"""A text search in the table's order: both ways of reading a page, and the cheap counts.

services/search.py reads a page of a text search either by walking the sort's index and
probing the set of matches, or by sorting the matches (few of them); and counts from the
full-text index (less the trashed matches) when the text is the only filter. Every way must
give exactly what the plain query gives: the same rows, in the same order, page after page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event, select

from desktop.domain import Confidence, Status, TimePrecision
from desktop.services import incidents, search
from desktop.services.dto import SORT_KEYS, Citation, IncidentQuery, When, Where
from desktop.services.listing import place_label
from desktop.store.models import Incident

if TYPE_CHECKING:
    from collections.abc import Iterator

    from desktop.services.dto import IncidentData, SourceData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

TITLES = (
    "Drone strike near {place}",
    "Shelling of {place}",
    "Protest in {place}",
)
PLACES = ("al-Asad", "Erbil", "Aden", "Kismayo", "Zabadani", "baghdad", "Idlib")
COUNTRIES = ("IQ", "SY", "YE", "SO")
STATUSES = (Status.CONFIRMED, Status.REPORTED, Status.UNVERIFIED)
CONFIDENCES = (Confidence.HIGH, Confidence.MODERATE, Confidence.LOW)
MARKINGS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:RED")
# Arabic with and without hamza, in the summary of some incidents.
ARABIC = ("قصف على قاعدة عين الأسد", "قصف على قاعدة عين الاسد", "")
COUNT = 36
TEXTS = ("drone", "dro", "shelling of", "قصف", "الاسد", "الأسد", "kismayo", "zzzqx", "in")


@pytest.fixture
def varied(
    db: Database, make_incident: IncidentFactory, sources: tuple[SourceData, SourceData]
) -> list[IncidentData]:
    """36 incidents sharing dates, words and values, so that only the ids break most ties;
    every seventh is in the trash."""
    centcom, reuters = sources
    citing = (
        (),
        (Citation(source=centcom.id, credibility=2),),
        (
            Citation(source=centcom.id, credibility=2),
            Citation(source=reuters.id, credibility=3),
        ),
    )
    made = []
    for i in range(COUNT):
        place = PLACES[i % len(PLACES)]
        if i % 5 == 0:
            when = When(
                datetime(2023, 10, 1 + i % 4, 6, tzinfo=UTC),
                datetime(2023, 10, 1 + i % 4, 7, tzinfo=UTC),
                TimePrecision.EXACT,
            )
        else:
            when = When(date(2023, 10, 1 + i % 4), date(2023, 10, 1 + i % 4), TimePrecision.DAY)
        record = incidents.create_incident(
            db,
            make_incident(
                title=TITLES[i % len(TITLES)].format(place=place),
                summary=ARABIC[i % len(ARABIC)],
                when=when,
                where=Where(name=place, country=COUNTRIES[i % len(COUNTRIES)]),
                sub_event_type=("Air/drone strike", "Shelling/artillery/missile attack")[i % 2],
                status=STATUSES[(i // 3) % 3],
                confidence=CONFIDENCES[i % 3],
                marking=MARKINGS[i % len(MARKINGS)],
                tags=("drone",) if i % 2 else (),
                citations=citing[i % 3],
                actors=(),
            ),
        )
        made.append(record)
        if i % 7 == 3:
            incidents.delete_incident(db, record.id or "")
    return made


def reference(db: Database, query: IncidentQuery) -> list[str]:
    """The ids the plain query gives (the filters, the set of matches, the order)."""
    with db.begin() as session:
        stmt = search.filtered(session, query, select(Incident.uuid), ranked=False)
        return list(session.scalars(search.ordered(session, query, stmt)))


@pytest.fixture(params=["walk", "sort"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Force every page of a text search one way: walking the sort's index, or sorting."""
    if request.param == "walk":
        monkeypatch.setattr(search, "FEW_MATCHES_FLOOR", 0)
        monkeypatch.setattr(search, "FEW_MATCHES_FACTOR", 0.0)
    else:
        monkeypatch.setattr(search, "FEW_MATCHES_FLOOR", 10**9)
    return str(request.param)


def ids(db: Database, query: IncidentQuery, offset: int = 0, limit: int = 200) -> list[str]:
    return [row.id for row in incidents.list_incidents(db, query, offset, limit)]


def paged(db: Database, query: IncidentQuery, size: int) -> list[str]:
    seen: list[str] = []
    for offset in range(0, COUNT + size, size):
        seen.extend(ids(db, query, offset, size))
    return seen


def test_both_ways_give_the_rows_of_the_plain_query(
    db: Database, varied: list[IncidentData], way: str
) -> None:
    for text in TEXTS:
        for sort in (key for key in SORT_KEYS if key != "relevance"):
            for descending in (True, False):
                query = IncidentQuery(text=text, sort=sort, descending=descending)
                expected = reference(db, query)
                assert ids(db, query) == expected, (text, sort, descending)
                assert incidents.count_incidents(db, query) == len(expected)
    # The texts find what they should: prefixes, both spellings of the Arabic, nothing.
    assert (
        len(reference(db, IncidentQuery(text="dro")))
        == len(reference(db, IncidentQuery(text="drone")))
        > 0
    )
    assert reference(db, IncidentQuery(text="الاسد")) == reference(db, IncidentQuery(text="الأسد"))
    assert len(reference(db, IncidentQuery(text="الاسد"))) > 6
    assert reference(db, IncidentQuery(text="zzzqx")) == []


def test_paging_is_stable_both_ways(db: Database, varied: list[IncidentData], way: str) -> None:
    for text in ("in", "drone", "قصف"):
        for sort in ("when", "status", "sources", "marking", "title"):
            query = IncidentQuery(text=text, sort=sort)
            expected = reference(db, query)
            assert paged(db, query, 5) == expected, (text, sort)
            assert len(set(expected)) == len(expected)


@pytest.mark.parametrize(
    "filters",
    [
        {"countries": ("IQ",)},
        {"countries": ("SO", "YE")},
        {"statuses": ("confirmed",)},
        {"confidences": ("high", "low")},
        {"markings": ("TLP:AMBER",)},
        {"tags": ("drone",)},
        {"source": "reuters"},
        {"since": date(2023, 10, 3)},
        {"until": date(2023, 10, 2)},
        {"countries": ("IQ", "SY"), "statuses": ("reported", "unverified"), "tags": ("drone",)},
    ],
)
def test_text_with_other_filters(
    db: Database, varied: list[IncidentData], way: str, filters: dict[str, Any]
) -> None:
    for text in ("in", "drone", "قصف", "zzzqx"):
        for sort in ("when", "place"):
            query = IncidentQuery(text=text, sort=sort, **filters)
            expected = reference(db, query)
            alone = set(reference(db, IncidentQuery(**filters)))
            assert set(expected) == alone & set(reference(db, IncidentQuery(text=text)))
            assert ids(db, query) == expected
            assert paged(db, query, 4) == expected
            assert incidents.count_incidents(db, query) == len(expected)


@pytest.fixture(params=["from the matches", "common word", "as SQLite plans"])
def count_way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Force how a text search with other filters is counted."""
    if request.param == "from the matches":
        monkeypatch.setattr(search, "FEW_MATCHES_FLOOR", 10**9)
    else:
        monkeypatch.setattr(search, "FEW_MATCHES_FLOOR", 0)
        monkeypatch.setattr(search, "FEW_MATCHES_FACTOR", 0.0)
        share = 10**9 if request.param == "common word" else 0
        monkeypatch.setattr(search, "COMMON_MATCHES_SHARE", share)
    return str(request.param)


def test_every_way_of_counting_agrees(
    db: Database, varied: list[IncidentData], count_way: str
) -> None:
    for text in ("in", "drone", "قصف", "zzzqx"):
        for filters in (
            {"countries": ("IQ", "SO")},
            {"tags": ("drone",)},
            {"source": "u-s-central-command", "since": date(2023, 10, 2)},
            {"markings": ("tlp:red",)},
        ):
            query = IncidentQuery(text=text, **filters)
            assert incidents.count_incidents(db, query) == len(reference(db, query))


def test_counts_leave_out_trashed_matches(db: Database, make_incident: IncidentFactory) -> None:
    kept = [
        incidents.create_incident(db, make_incident(title=f"Convoy ambush {i}")) for i in range(5)
    ]
    incidents.create_incident(db, make_incident(title="Unrelated"))
    for record in kept[:2]:
        incidents.delete_incident(db, record.id or "")
    assert incidents.count_incidents(db, IncidentQuery(text="convoy")) == 3
    assert incidents.count_incidents(db, IncidentQuery(text="convoy amb")) == 3
    assert incidents.count_incidents(db, IncidentQuery(text="convoy", deleted=True)) == 2
    assert incidents.count_incidents(db, IncidentQuery(text="convoy", countries=("IQ",))) == 3
    assert incidents.count_incidents(db, IncidentQuery(text="convoy", countries=("SY",))) == 0
    assert len(incidents.list_incidents(db, IncidentQuery(text="convoy"))) == 3
    assert len(incidents.list_incidents(db, IncidentQuery(text="convoy", deleted=True))) == 2
    incidents.restore_incident(db, kept[0].id or "")
    assert incidents.count_incidents(db, IncidentQuery(text="convoy")) == 4
    incidents.empty_trash(db)
    assert incidents.count_incidents(db, IncidentQuery(text="convoy")) == 4
    assert incidents.count_incidents(db, IncidentQuery(text="convoy", deleted=True)) == 0


def test_a_count_from_before_an_import_only_changes_the_way(
    db: Database, make_incident: IncidentFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The number of matches a page remembers from the last count chooses the way to read;
    when it is out of date the page is still right."""
    incidents.create_incident(db, make_incident(title="Checkpoint one"))
    query = IncidentQuery(text="checkpoint")
    assert incidents.count_incidents(db, query) == 1  # remembered: one match
    monkeypatch.setattr(search, "FEW_MATCHES_FLOOR", 2)
    monkeypatch.setattr(search, "FEW_MATCHES_FACTOR", 0.0)
    for i in range(4):
        incidents.create_incident(db, make_incident(title=f"Checkpoint {i}"))
    assert ids(db, query) == reference(db, query)
    assert len(ids(db, query)) == 5
    assert incidents.count_incidents(db, query) == 5


def test_relevance_still_ranks_with_trashed_matches(
    db: Database, make_incident: IncidentFactory
) -> None:
    incidents.create_incident(db, make_incident(title="Notes only", summary="", notes="Sniper."))
    best = incidents.create_incident(db, make_incident(title="Sniper fire", summary="A sniper."))
    gone = incidents.create_incident(db, make_incident(title="Sniper sniper", summary="Sniper."))
    incidents.delete_incident(db, gone.id or "")
    query = IncidentQuery(text="snip", sort="relevance")
    rows = incidents.list_incidents(db, query)
    assert [row.title for row in rows] == ["Sniper fire", "Notes only"]
    assert rows[0].id == best.id
    assert incidents.count_incidents(db, query) == 2


def test_table_rows_are_the_records_fields(db: Database, varied: list[IncidentData]) -> None:
    """Rows read as plain columns carry the records' own fields."""
    for deleted in (False, True):
        query = IncidentQuery(deleted=deleted)
        with db.begin() as session:
            stmt = search.ordered(session, query, search.filtered(session, query, select(Incident)))
            expected_ids = [row.uuid for row in session.scalars(stmt)]
        rows = incidents.list_incidents(db, query)
        assert [row.id for row in rows] == expected_ids
        for row in rows:
            data = incidents.get_incident(db, row.id)
            where = data.where
            assert (row.title, row.start, row.end, row.precision) == (
                data.title,
                data.when.start,
                data.when.end,
                data.when.precision,
            )
            assert row.place == place_label(where.name, where.admin1, where.country)
            assert (row.country, row.event_type, row.sub_event_type) == (
                where.country,
                data.event_type,
                data.sub_event_type,
            )
            assert (row.status, row.confidence, row.marking) == (
                data.status,
                data.confidence,
                data.marking,
            )
            assert (row.killed, row.injured) == (data.casualties.killed, data.casualties.injured)
            assert row.source_count == len(data.citations)
    rows = incidents.list_incidents(db, IncidentQuery(sort="when", descending=False))
    exact = [row for row in rows if row.precision == TimePrecision.EXACT]
    assert exact
    assert all(isinstance(row.start, datetime) and row.start.tzinfo == UTC for row in exact)
    trashed = incidents.list_incidents(db, IncidentQuery(deleted=True))
    assert trashed
    assert all(row.deleted_at is not None and row.deleted_at.tzinfo == UTC for row in trashed)


# --- SQLite's plans: what makes these cheap at 100,000 incidents ----------------------------


class Statements:
    """The statements (and parameters) run against a database while collecting."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def __call__(self, _conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        self.seen.append((sql, params))


@pytest.fixture
def statements(db: Database) -> Iterator[Statements]:
    collected = Statements()
    event.listen(db.engine, "before_cursor_execute", collected)
    try:
        yield collected
    finally:
        event.remove(db.engine, "before_cursor_execute", collected)


def _plans(db: Database, statements: Statements) -> list[str]:
    plans = []
    with db.engine.connect() as connection:
        for sql, params in statements.seen:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
            plans.append(" | ".join(str(row[3]) for row in rows))
    return plans


def test_a_text_count_reads_the_index_and_the_trash_only(
    db: Database, varied: list[IncidentData], statements: Statements
) -> None:
    if not db.is_sqlite:
        pytest.skip("query plans are SQLite's")
    assert incidents.count_incidents(db, IncidentQuery(text="drone")) > 0
    (plan,) = [p for p in _plans(db, statements) if "incident_fts VIRTUAL" in p]
    # The trashed incidents through an index on deleted_at, never every incident or match.
    assert "(deleted_at>?)" in plan
    assert "SCAN incidents" not in plan
    assert "INTEGER PRIMARY KEY" not in plan


def test_each_way_reads_its_page_as_designed(
    db: Database, varied: list[IncidentData], way: str, statements: Statements
) -> None:
    if not db.is_sqlite:
        pytest.skip("query plans are SQLite's")
    incidents.list_incidents(db, IncidentQuery(text="drone", sort="title"))
    plan = [p for p in _plans(db, statements) if "ix_incidents_live" in p or "MATERIALIZE" in p]
    assert plan
    if way == "walk":  # the sort's index, in order, probing the set of matches
        assert "ix_incidents_live_title" in plan[-1]
        assert "LIST SUBQUERY" in plan[-1]
        assert "TEMP B-TREE" not in plan[-1]
    else:  # the matches, each looked up by id, sorted
        assert plan[-1].startswith("MATERIALIZE")
        assert "INTEGER PRIMARY KEY" in plan[-1]
        assert "TEMP B-TREE" in plan[-1]


def test_the_crossover_grows_with_the_workspace() -> None:
    assert search.few_matches(200, 0) == search.FEW_MATCHES_FLOOR
    small, large = search.few_matches(200, 10_000), search.few_matches(200, 100_000)
    assert small < large < 100_000 // 10
    assert search.few_matches(2000, 100_000) > large  # deep pages walk further
    assert replace(IncidentQuery(text="x"), text="").is_filtered is False


def test_a_search_in_time_order_goes_on_where_its_last_page_ended(
    db: Database, varied: list[IncidentData], statements: Statements
) -> None:
    if not db.is_sqlite:
        pytest.skip("the index keeps the time order on SQLite")
    query = IncidentQuery(text="in")  # most of them
    expected = reference(db, query)
    first = ids(db, query, 0, 5)
    statements.seen.clear()
    second = ids(db, query, 5, 5)
    assert first + second == expected[:10]
    # The second page started after the first one's last row instead of passing over it.
    sql = next(sql for sql, _params in statements.seen if "MATCH" in sql)
    assert "incident_fts.rowid <" in sql
    # A change between two pages neither repeats a row nor skips one of the list being read.
    incidents.delete_incident(db, first[0])
    third = ids(db, query, 10, 5)
    assert third == expected[10:15]
    assert ids(db, query, 0, 10) == expected[1:11]  # read afresh: the list as it is now
