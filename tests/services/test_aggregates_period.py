"""The map's and timeline's counts of a period read as a range of the incidents' start
(SQLite, services/period_range.py): the same counts as the overlap test over every incident."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from desktop.domain import Status, TimePrecision
from desktop.services import aggregates, incidents, period_range
from desktop.services.dto import IncidentQuery, When, Where
from desktop.services.own_connection import OwnConnection
from desktop.store.engine import open_database
from desktop.store.models import Incident

if TYPE_CHECKING:
    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

BINS = ("day", "week", "month")
OCTOBER = IncidentQuery(since=date(2023, 10, 1), until=date(2023, 10, 31))
ERBIL = Where("Erbil", "Erbil", "IQ", 36.19, 44.01, 2)


def _day(day: date, precision: TimePrecision = TimePrecision.DAY) -> When:
    return When(day, day, precision)


@pytest.fixture
def spread(db: Database, make_incident: IncidentFactory) -> dict[str, str]:
    """Incidents around October 2023: one lasting from January into it, a week and a month
    known only so, one to the minute on its last evening, one in the trash, and others
    before and after (enough that a month is a small share of them)."""
    named = {
        "long": make_incident(
            title="Siege", when=When(date(2023, 1, 5), date(2023, 10, 20), TimePrecision.DAY)
        ),
        "week": make_incident(when=_day(date(2023, 9, 28), TimePrecision.WEEK), where=ERBIL),
        "month": make_incident(
            when=When(date(2023, 9, 20), date(2023, 10, 5), TimePrecision.MONTH),
            where=Where("", "", "SY", None, None, 3),
        ),
        "evening": make_incident(
            when=When(
                datetime(2023, 10, 31, 23, 30, tzinfo=UTC),
                datetime(2023, 10, 31, 23, 30, tzinfo=UTC),
                TimePrecision.EXACT,
            ),
            status=Status.REPORTED,
        ),
        "trashed": make_incident(when=_day(date(2023, 10, 12)), title="Drone seen, trashed"),
        "ends before": make_incident(when=When(date(2023, 8, 1), date(2023, 9, 30))),
        "after": make_incident(
            when=_day(date(2023, 11, 1)), event_type="Protests", sub_event_type="Peaceful protest"
        ),
    }
    ids = {name: str(incidents.create_incident(db, data).id) for name, data in named.items()}
    for n in range(40):  # the rest of the years around it
        year, month = (2022, 1 + n % 12) if n < 20 else (2024, 1 + n % 12)
        incidents.create_incident(db, make_incident(when=_day(date(year, month, 1 + n % 28))))
    incidents.delete_incident(db, ids["trashed"])
    return ids


def _queries() -> list[IncidentQuery]:
    return [
        OCTOBER,
        IncidentQuery(since=date(2023, 10, 20)),  # "since" alone
        IncidentQuery(until=date(2023, 9, 30)),  # "until" alone
        IncidentQuery(since=date(2023, 10, 20), until=date(2023, 10, 20)),  # one day
        IncidentQuery(since=date(2023, 10, 31), until=date(2023, 10, 31)),  # its evening
        IncidentQuery(since=date(2021, 1, 1), until=date(2022, 3, 1)),  # the data's start
        IncidentQuery(since=date(2024, 12, 1)),  # its end
        IncidentQuery(since=date(2030, 1, 1)),  # none
        IncidentQuery(since=date(1, 1, 1), until=date(9999, 12, 31)),  # every one
        replace(OCTOBER, text="drone"),
        replace(OCTOBER, text="siege"),
        replace(OCTOBER, countries=("IQ",), statuses=("confirmed",)),
        replace(OCTOBER, tags=("drone",)),
        replace(OCTOBER, event_types=("Explosions/Remote violence",)),
        replace(OCTOBER, deleted=True),
        IncidentQuery(deleted=True, since=date(2023, 10, 13)),
    ]


def _all_counts(db: Database, query: IncidentQuery) -> tuple[object, ...]:
    return (
        aggregates.map_counts(db, query),
        *(aggregates.timeline_counts(db, query, kind) for kind in BINS),  # type: ignore[arg-type]
    )


def test_a_period_read_as_a_range_counts_what_the_overlap_test_counts(
    db: Database, spread: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _queries()
    by_range = [_all_counts(db, q) for q in queries]
    monkeypatch.setattr(period_range, "LOOKUP_SHARE", 1.0)  # the map: every period by id
    by_id = [_all_counts(db, q) for q in queries]
    monkeypatch.setattr(period_range, "start_range", lambda _session, _query: None)
    every_incident = [_all_counts(db, q) for q in queries]  # the reads before
    assert by_range == every_incident
    assert by_id == every_incident
    totals = [counts[0].total for counts in every_incident]  # type: ignore[attr-defined]
    # October: the siege from January, the month known only so (its stored end in October)
    # and the evening; not the week (it ends in September as stored), nor the trash.
    assert totals == [3, 23, 24, 1, 1, 4, 2, 0, 46, 3, 1, 1, 3, 3, 1, 0]
    for counts in every_incident:  # the timeline shows the same incidents as the map
        assert all(c.total == pytest.approx(counts[0].total) for c in counts[1:])  # type: ignore[attr-defined]


def _lengthen(db: Database, incident_id: str) -> IncidentData:
    data = incidents.get_incident(db, incident_id)
    assert data is not None
    return replace(data, when=When(date(2020, 1, 1), date(2023, 10, 20), TimePrecision.DAY))


def test_a_longer_span_saved_meanwhile_is_found(
    db: Database, spread: dict[str, str], db_url: str
) -> None:
    """The longest span is kept per connection: a save lengthening one, on the same
    connection or by another, is seen by the next read of a period it now reaches (from
    2020: the siege's 288 days, or 141, kept, would not reach back to it from 2022)."""
    own = OwnConnection()
    reader = own.database(db)
    march_2022 = IncidentQuery(since=date(2022, 3, 2), until=date(2022, 3, 31))
    try:
        assert aggregates.map_counts(reader, march_2022).total == 2
        assert aggregates.timeline_counts(reader, march_2022).total == 2
        # Saved through the reader's own connection: its total_changes() moves.
        incidents.update_incident(reader, _lengthen(reader, spread["long"]))
        assert aggregates.map_counts(reader, march_2022).total == 3
        assert aggregates.timeline_counts(reader, march_2022, "week").total == pytest.approx(3)
        data = incidents.get_incident(reader, spread["long"])
        assert data is not None
        shorter = replace(data, when=When(date(2023, 6, 1), date(2023, 10, 20), TimePrecision.DAY))
        incidents.update_incident(reader, shorter)
        assert aggregates.map_counts(reader, march_2022).total == 2  # 141 days kept now
        # Saved by another connection (another window, another analyst): data_version moves.
        other = open_database(db_url, daily_backup=False)
        try:
            incidents.update_incident(other, _lengthen(other, spread["long"]))
        finally:
            other.close()
        assert aggregates.map_counts(reader, march_2022).total == 3
        assert aggregates.timeline_counts(reader, march_2022, "month").total == pytest.approx(3)
    finally:
        own.close()


def _plan(db: Database, stmt: object) -> str:
    with db.begin() as session:
        sql = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        return " | ".join(str(row[-1]) for row in plan)


def test_the_reads_seek_the_period_in_an_index(
    db: Database, spread: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's plans: PostgreSQL reads a period as before")
    monkeypatch.setattr(period_range, "LOOKUP_SHARE", 1.0)  # a few dozen incidents here
    with db.begin() as session:
        arms = aggregates._day_rows(session, OCTOBER)
        assert len(arms) == 2
        few = aggregates._few_of_period(session, OCTOBER)
        assert few is not None
        stmt = select(func.count()).select_from(Incident).join(few, few.c.id == Incident.id)
    days = "ix_incidents_live_timeline (deleted_at=? AND <expr>=? AND <expr>>? AND <expr><?)"
    for arm in arms:  # the days, then the spans: each a range of its days
        assert days in _plan(db, arm)
    by_id = _plan(db, stmt)
    starts = "COVERING INDEX ix_incidents_live_period (deleted_at=? AND start_at>? AND start_at<?)"
    assert starts in by_id
    assert "USING INTEGER PRIMARY KEY" in by_id


def test_a_period_holding_many_of_the_incidents_walks_the_index(
    db: Database, spread: dict[str, str]
) -> None:
    with db.begin() as session:
        assert aggregates._few_of_period(session, IncidentQuery(since=date(2023, 10, 1))) is None
        assert aggregates._few_of_period(session, IncidentQuery()) is None
