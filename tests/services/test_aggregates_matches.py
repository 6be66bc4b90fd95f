"""The map's and timeline's counts of a common word: its matches read once into the
connection's temporary table (SQLite), probed by each read, filled again after any change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from desktop.domain import Status, TimePrecision
from desktop.services import aggregates, incidents, matched_ids, search
from desktop.services.dto import IncidentQuery, When, Where
from desktop.services.own_connection import OwnConnection
from desktop.store import engine as engine_module
from desktop.store.engine import open_database
from desktop.store.models import Incident

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services.dto import SourceData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

BINS = ("day", "week", "month")
DRONE = IncidentQuery(text="drone")


@pytest.fixture
def varied(db: Database, make_incident: IncidentFactory) -> None:
    """Drone attacks and protests, in two countries, known to the day, week and month."""
    made = [
        make_incident(),
        make_incident(title="Drone over Erbil", status=Status.REPORTED,
                      where=Where("Erbil", "Erbil", "IQ", 36.19, 44.01, 2)),
        make_incident(title="Drone strike near Deir ez-Zor", tags=("drone",),
                      where=Where("Deir ez-Zor", "Deir ez-Zor", "SY", 35.33, 40.14, 1),
                      when=When(date(2023, 11, 2), date(2023, 11, 2), TimePrecision.WEEK)),
        make_incident(title="Drones reported over the province", tags=(),
                      where=Where("", "", "SY", None, None, 3),
                      when=When(date(2023, 9, 20), date(2023, 10, 5), TimePrecision.MONTH)),
        make_incident(title="Sit-in at the port", summary="A sit-in.", tags=("protest",),
                      event_type="Protests", sub_event_type="Peaceful protest", citations=()),
    ]  # fmt: skip
    for data in made:
        incidents.create_incident(db, data)


def _all_counts(db: Database, query: IncidentQuery) -> tuple[object, ...]:
    return (
        aggregates.map_counts(db, query),
        *(aggregates.timeline_counts(db, query, kind) for kind in BINS),  # type: ignore[arg-type]
    )


def _shapes(sources: tuple[SourceData, SourceData]) -> list[IncidentQuery]:
    return [
        DRONE,
        replace(DRONE, countries=("IQ",)),
        replace(DRONE, countries=("SY",), statuses=("confirmed",)),
        replace(DRONE, tags=("drone",)),
        replace(DRONE, source=sources[0].id),
        replace(DRONE, since=date(2023, 10, 1), until=date(2023, 10, 31)),
        replace(DRONE, area=(40.0, 33.0, 45.0, 37.0)),
        replace(DRONE, event_types=("Protests",)),  # none left
        IncidentQuery(text="drone attack"),
        IncidentQuery(text="port"),
        IncidentQuery(text="nothingmatchesthis"),
    ]


def test_counts_from_the_table_equal_those_of_the_set_built_per_statement(
    db: Database,
    varied: None,
    sources: tuple[SourceData, SourceData],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every filter shape: map, day, week and month the same whether the words' matches come
    from the connection's table or from the set each statement builds (the way before)."""
    monkeypatch.setattr(search, "LOOKUP_SHARE", 0.0)  # every set of words is "common" here
    shapes = _shapes(sources)
    from_table = [_all_counts(db, q) for q in shapes]
    again = [_all_counts(db, q) for q in reversed(shapes)][::-1]  # each read refills or reuses
    monkeypatch.setattr(aggregates, "matched_ids", lambda _session, _expression: None)
    per_statement = [_all_counts(db, q) for q in shapes]
    assert from_table == per_statement == again
    totals = [(counts[0].total, counts[1].total) for counts in from_table]  # type: ignore[attr-defined]
    assert [map_total for map_total, _ in totals] == [4, 2, 2, 3, 4, 3, 3, 0, 3, 1, 0]
    assert [timeline_total for _, timeline_total in totals] == [4, 2, 2, 3, 4, 3, 3, 0, 3, 1, 0]


def _counting_fills(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    fills: list[str] = []
    fill: Callable[..., None] = matched_ids._fill

    def counted(session: object, expression: str, version: int) -> None:
        fills.append(expression)
        fill(session, expression, version)

    monkeypatch.setattr(matched_ids, "_fill", counted)
    return fills


@pytest.fixture
def on_sqlite(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    if not db.is_sqlite:
        pytest.skip("the table is SQLite's: PostgreSQL reads its index as before")
    monkeypatch.setattr(search, "LOOKUP_SHARE", 0.0)
    return db


def test_a_search_is_filled_once_and_again_after_any_change(
    on_sqlite: Database,
    varied: None,
    make_incident: IncidentFactory,
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
) -> None:
    db = on_sqlite
    fills = _counting_fills(monkeypatch)
    assert aggregates.map_counts(db, DRONE).total == 4
    # The same words with a country added (one connection here: the test's only thread).
    assert aggregates.timeline_counts(db, replace(DRONE, countries=("IQ",))).total == 2
    assert aggregates.map_counts(db, replace(DRONE, countries=("SY",))).total == 2
    assert len(fills) == 1
    # A save on this connection: the words may match another incident now.
    incidents.create_incident(db, make_incident(title="Drone debris found"))
    assert aggregates.map_counts(db, DRONE).total == 5
    assert len(fills) == 2
    # A save by another connection (another window, another analyst): also seen.
    other = open_database(db_url, daily_backup=False)
    try:
        incidents.create_incident(other, make_incident(title="Drone shot down"))
    finally:
        other.close()
    assert aggregates.timeline_counts(db, DRONE, "month").total == pytest.approx(6)
    assert len(fills) == 3
    # Other words replace them in the table, and the first come back when asked again.
    assert aggregates.map_counts(db, IncidentQuery(text="port")).total == 1
    assert aggregates.map_counts(db, DRONE).total == 6
    assert len(fills) == 5
    assert fills[4] == fills[0] != fills[3]


def _fill_and_fail(db: Database) -> None:
    with db.begin() as session:
        assert aggregates.place_counts(session, IncidentQuery(text="port")).total == 1
        raise RuntimeError("the read fails after filling the table")


def test_a_read_rolled_back_takes_its_words_back_with_it(
    on_sqlite: Database, varied: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table and the record of what fills it are one transaction's: a read that fails
    after filling them with other words leaves neither those words nor a wrong record."""
    db = on_sqlite
    fills = _counting_fills(monkeypatch)
    with pytest.raises(RuntimeError, match="after filling"):
        _fill_and_fail(db)  # the very first fill, rolled back
    assert aggregates.map_counts(db, DRONE).total == 4  # filled with "drone", committed
    with pytest.raises(RuntimeError, match="after filling"):
        _fill_and_fail(db)
    assert aggregates.map_counts(db, DRONE).total == 4
    assert aggregates.map_counts(db, IncidentQuery(text="port")).total == 1
    # The connection's changes went on counting through the rollbacks: each read refilled.
    assert len(fills) == 5


def test_the_table_is_probed_by_id_while_walking_the_index(
    on_sqlite: Database, varied: None
) -> None:
    with on_sqlite.begin() as session:
        stmt = aggregates._aggregated(
            session, replace(DRONE, countries=("IQ",)), select(func.count()).select_from(Incident)
        )
        sql = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        details = " ".join(str(row[-1]) for row in plan)
    assert f"USING ROWID SEARCH ON TABLE {matched_ids.MATCHES} FOR IN-OPERATOR" in details
    assert "incident_fts" not in details  # no MATCH in the read itself


def test_a_read_only_workspace_counts_without_the_table(
    on_sqlite: Database, varied: None, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Temporary tables cannot be written there (query_only): the set is built per statement."""
    expected = _all_counts(on_sqlite, replace(DRONE, countries=("SY",)))
    monkeypatch.setattr(engine_module, "writable", lambda _path: False)
    read_only = open_database(db_url, daily_backup=False)
    try:
        assert read_only.read_only
        assert _all_counts(read_only, replace(DRONE, countries=("SY",))) == expected
        with read_only.begin() as session:
            assert matched_ids.matched_ids(session, '"drone"') is None
    finally:
        read_only.close()


def test_a_workers_own_connection_keeps_the_search_between_its_reads(
    db: Database, varied: None, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the pool hands the other reads meanwhile, the worker's next read of the same
    words finds them on its connection; another workspace gets a connection of its own."""
    monkeypatch.setattr(search, "LOOKUP_SHARE", 0.0)
    fills = _counting_fills(monkeypatch)
    own = OwnConnection()
    reader = own.database(db)
    if not db.is_sqlite:
        assert reader is db  # PostgreSQL: the pool's connections, nothing kept
        return
    assert own.database(db) is reader
    assert aggregates.map_counts(reader, DRONE).total == 4
    with db.engine.connect():  # the pool's connection busy elsewhere (the table's page)
        assert aggregates.timeline_counts(reader, replace(DRONE, countries=("SY",))).total == 2
        assert len(fills) == 1
        assert aggregates.map_counts(db, DRONE).total == 4  # through the pool: another one
        assert len(fills) == 2
    kept = reader.sessions.kw["bind"]
    other = open_database(db_url, daily_backup=False)
    try:
        assert aggregates.map_counts(own.database(other), DRONE).total == 4
        assert len(fills) == 3
        assert kept.closed  # the first workspace's, given up
    finally:
        own.close()
        other.close()
    assert reader.engine is db.engine  # the workspace's engine, not closed with it
    assert aggregates.map_counts(db, DRONE).total == 4


def test_kept_words_read_the_days_and_the_spans_as_two_ranges(
    on_sqlite: Database, varied: None
) -> None:
    """Probing the table costs no set built per statement: the timeline reads its days
    without their ends, and the spans apart, as without words."""
    with on_sqlite.begin() as session:
        arms = aggregates._day_rows(session, replace(DRONE, countries=("IQ",)))
        assert len(arms) == 2
        plans = []
        for arm in arms:
            sql = arm.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            plans.append(" ".join(str(row[-1]) for row in plan))
    assert "ix_incidents_live_timeline (deleted_at=? AND <expr>=?)" in plans[0]
    assert "ix_incidents_live_timeline (deleted_at=? AND <expr>>?)" in plans[1]
    assert all(f"ON TABLE {matched_ids.MATCHES} FOR IN-OPERATOR" in plan for plan in plans)


def test_the_tables_count_of_a_common_word_probes_the_kept_matches(
    on_sqlite: Database,
    varied: None,
    sources: tuple[SourceData, SourceData],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The count beside the table (a common word and other filters) reads the connection's
    kept matches, filled once for the words, and counts what the set built per statement
    counts."""
    db = on_sqlite
    monkeypatch.setattr(search, "few_matches", lambda _rows, _stored: 0)  # none are "few"
    monkeypatch.setattr(search, "COMMON_MATCHES_SHARE", 10**6)  # every word is "common"
    fills = _counting_fills(monkeypatch)
    filtered_shapes = [q for q in _shapes(sources) if not search._text_only(q)]
    kept = [incidents.count_incidents(db, q) for q in filtered_shapes]
    assert fills == [fills[0]]  # the same words all along: filled by the first count only
    monkeypatch.setattr(search, "matched_ids", lambda _session, _expression: None)
    assert [incidents.count_incidents(db, q) for q in filtered_shapes] == kept
    assert kept == [2, 2, 3, 4, 3, 3, 0]  # as the map's and timeline's totals above
