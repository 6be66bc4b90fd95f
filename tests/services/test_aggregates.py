"""The map's and timeline's counts: grouped in SQL by place and by day, filters honoured."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event, func, select

from desktop.domain import Status, TimePrecision
from desktop.services import aggregates, incidents, search
from desktop.services.aggregates import AREA, NEAR, POINT, PlaceKey, span_of
from desktop.services.dto import IncidentQuery, When, Where
from desktop.store.models import Incident

if TYPE_CHECKING:
    from desktop.services.dto import SourceData
    from desktop.services.timeline_bins import BinKind
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

BINS: tuple[BinKind, ...] = ("day", "week", "month")
ASAD = Where("al-Asad airbase", "Anbar", "IQ", 33.785, 42.441, 1)


@pytest.fixture
def placed(db: Database, make_incident: IncidentFactory) -> list[str]:
    """Two exact at al-Asad (slightly different points), one near Erbil, two country-level."""
    made = [
        make_incident(where=ASAD),
        make_incident(
            where=replace(ASAD, lat=33.795, lon=42.451), status=Status.REPORTED,
            when=When(date(2023, 10, 20), date(2023, 10, 20), TimePrecision.DAY),
        ),
        make_incident(
            where=Where("Erbil", "Erbil", "IQ", 36.19, 44.01, 2), event_type="Protests",
            sub_event_type="Peaceful protest",
        ),
        make_incident(where=Where("", "", "SY", None, None, 3)),
        make_incident(
            where=Where("Damascus", "Damascus", "SY", 33.51, 36.29, 3),
            when=When(date(2023, 10, 9), date(2023, 10, 9), TimePrecision.WEEK),
        ),
    ]  # fmt: skip
    return [str(incidents.create_incident(db, data).id) for data in made]


def test_places_are_grouped_with_their_mean_point_and_counts(
    db: Database, placed: list[str]
) -> None:
    counts = aggregates.map_counts(db, IncidentQuery())
    assert counts.total == 5
    places = {p.key: p for p in counts.places}
    asad = places[PlaceKey("IQ", "al-Asad airbase", "Anbar", POINT)]
    assert asad.total == 2
    assert asad.lat == pytest.approx(33.79)
    assert asad.lon == pytest.approx(42.446)
    assert asad.counts("event_type") == (("Explosions/Remote violence", 2),)
    assert asad.counts("status") == (("confirmed", 1), ("reported", 1))
    erbil = places[PlaceKey("IQ", "Erbil", "Erbil", NEAR)]
    assert erbil.counts("event_type") == (("Protests", 1),)
    # A province or larger, or no coordinates: the country is shaded instead.
    assert [(c.country, c.total) for c in counts.countries] == [("SY", 2)]
    assert AREA not in {p.key.precision for p in counts.places}


def test_the_map_follows_the_filters(db: Database, placed: list[str]) -> None:
    only_syria = aggregates.map_counts(db, IncidentQuery(countries=("SY",)))
    assert only_syria.places == ()
    assert only_syria.total == 2
    box = aggregates.map_counts(db, IncidentQuery(area=(43.0, 35.0, 45.0, 37.0)))
    assert [p.key.name for p in box.places] == ["Erbil"]
    assert box.countries == ()


def test_days_and_spans(db: Database, placed: list[str]) -> None:
    counts = aggregates.timeline_counts(db, IncidentQuery())
    assert counts.total == 5
    assert {(d.day, d.event_type, d.incidents) for d in counts.days} == {
        (date(2023, 10, 17), "Explosions/Remote violence", 2),
        (date(2023, 10, 17), "Protests", 1),
        (date(2023, 10, 20), "Explosions/Remote violence", 1),
    }
    (span,) = counts.spans
    assert (span.first, span.last, span.precision) == (
        date(2023, 10, 9),
        date(2023, 10, 15),
        TimePrecision.WEEK,
    )
    assert counts.extent == (date(2023, 10, 9), date(2023, 10, 20))
    period = IncidentQuery(since=date(2023, 10, 19), until=date(2023, 10, 31))
    assert aggregates.timeline_counts(db, period).total == 1


def test_a_month_spans_its_whole_months() -> None:
    assert span_of(date(2024, 2, 10), date(2024, 2, 10), TimePrecision.MONTH) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )
    assert span_of(date(2024, 2, 10), date(2024, 2, 10), TimePrecision.DAY) == (
        date(2024, 2, 10),
        date(2024, 2, 10),
    )


def test_a_markers_incidents_newest_first(db: Database, placed: list[str]) -> None:
    key = PlaceKey("IQ", "al-Asad airbase", "Anbar", POINT)
    ids = aggregates.place_incidents(db, IncidentQuery(), (key,))
    assert ids == (placed[1], placed[0])  # 20 Oct before 17 Oct
    filtered = aggregates.place_incidents(db, IncidentQuery(statuses=("confirmed",)), (key,))
    assert filtered == (placed[0],)
    assert aggregates.place_incidents(db, IncidentQuery(), ()) == ()


def test_deleted_incidents_are_not_counted(db: Database, placed: list[str]) -> None:
    incidents.delete_incident(db, placed[0])
    assert aggregates.map_counts(db, IncidentQuery()).total == 4
    assert aggregates.timeline_counts(db, IncidentQuery()).total == 4


def _when(start: date, end: date, precision: TimePrecision) -> When:
    return When(start, end, precision)


@pytest.fixture
def across_bins(db: Database, make_incident: IncidentFactory) -> None:
    """Incidents whose days, weeks and months cross the bins' edges."""
    made = [
        # Day and exact: Sunday 31 Dec 2023 and Monday 1 Jan 2024 (two weeks, two months).
        _when(date(2023, 12, 31), date(2023, 12, 31), TimePrecision.DAY),
        _when(date(2024, 1, 1), date(2024, 1, 2), TimePrecision.DAY),
        _when(date(2024, 1, 1), date(2024, 1, 1), TimePrecision.DAY),
        # A week from Thursday 29 Feb: 29 Feb..6 Mar, across a week's and a month's edge.
        _when(date(2024, 2, 29), date(2024, 2, 29), TimePrecision.WEEK),
        # Months: January alone; January to March (three months, 91 days).
        _when(date(2024, 1, 10), date(2024, 1, 10), TimePrecision.MONTH),
        _when(date(2024, 1, 20), date(2024, 3, 5), TimePrecision.MONTH),
    ]
    for when in made:
        incidents.create_incident(db, make_incident(when=when))


def _shares(counts: aggregates.TimelineCounts) -> dict[date, float]:
    shares: dict[date, float] = {}
    for share in counts.shares:
        shares[share.start] = shares.get(share.start, 0.0) + share.incidents
    return shares


def test_months_are_summed_in_sql_and_spans_spread_by_their_days(
    db: Database, across_bins: None
) -> None:
    months = aggregates.timeline_counts(db, IncidentQuery(), "month")
    assert months.bin == "month"
    assert months.spans == ()
    assert [(d.day, d.incidents) for d in months.days] == [
        (date(2023, 12, 1), 1),
        (date(2024, 1, 1), 2),
    ]
    shares = _shares(months)
    # January alone: 1 in January. January..March: 31, 29 and 31 of its 91 days. The week of
    # 29 Feb: 1 of its 7 days in February, 6 in March.
    assert shares[date(2024, 1, 1)] == pytest.approx(1 + 31 / 91)
    assert shares[date(2024, 2, 1)] == pytest.approx(29 / 91 + 1 / 7)
    assert shares[date(2024, 3, 1)] == pytest.approx(31 / 91 + 6 / 7)
    assert months.total == pytest.approx(6)
    assert months.extent == (date(2023, 12, 1), date(2024, 3, 31))


def test_weeks_are_summed_in_sql_as_python_sums_the_days(db: Database, across_bins: None) -> None:
    weeks = aggregates.timeline_counts(db, IncidentQuery(), "week")
    assert [(d.day, d.incidents) for d in weeks.days] == [
        (date(2023, 12, 25), 1),  # the Monday of Sunday 31 Dec
        (date(2024, 1, 1), 2),
    ]
    with db.begin() as session:
        days = aggregates.day_counts(session, IncidentQuery())
    for kind in ("week", "month"):
        in_sql = aggregates.timeline_counts(db, IncidentQuery(), kind)  # type: ignore[arg-type]
        in_python = aggregates.rebinned(days, kind)  # type: ignore[arg-type]
        assert in_sql.days == in_python.days
        assert _shares(in_sql) == pytest.approx(_shares(in_python))
    assert _shares(weeks)[date(2024, 2, 26)] == pytest.approx(4 / 7 + 7 / 91)  # 29 Feb..3 Mar
    filtered = aggregates.timeline_counts(db, IncidentQuery(since=date(2024, 2, 1)), "week")
    assert filtered.total == pytest.approx(2)  # the week of 29 Feb and January..March


def test_the_days_and_spans_are_read_from_the_index_in_its_order(db: Database) -> None:
    """Day and span kind written into the SQL as migration 0015 indexes them: each of the
    two reads is a range of that index, in its order: no sort, no table."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL groups the days with a hash")
    with db.begin() as session:
        for stmt in aggregates._day_rows(session, IncidentQuery(countries=("IQ",))):
            sql = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            details = " ".join(str(row[-1]) for row in plan)
            assert "COVERING INDEX ix_incidents_live_timeline (deleted_at=? AND <expr>" in details
            assert "TEMP B-TREE" not in details


def test_a_small_set_of_ids_is_read_by_id_with_the_same_counts(
    db: Database,
    placed: list[str],
    make_incident: IncidentFactory,
    sources: tuple[SourceData, SourceData],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tag, source or words filter: its incidents looked up by id (a set of at most
    LOOKUP_SHARE of them) or the index walked and the set probed count the same."""
    incidents.create_incident(
        db,
        make_incident(
            title="Sit-in at the port",
            summary="A sit-in.",
            tags=("protest",),
            event_type="Protests",
            sub_event_type="Peaceful protest",
        ),
    )
    cases = (
        IncidentQuery(tags=("drone", "US bases")),  # both tags on each: counted once
        IncidentQuery(tags=("protest",)),
        IncidentQuery(source=sources[0].id, countries=("SY",)),
        IncidentQuery(text="drone", countries=("IQ",)),
        IncidentQuery(text="port", tags=("protest", "drone")),
    )
    read: dict[float, list[object]] = {}
    for share in (0.0, 1.0):  # 0: always walked; 1: always read by id (SQLite)
        monkeypatch.setattr(search, "LOOKUP_SHARE", share)
        read[share] = [
            (aggregates.map_counts(db, q), *(aggregates.timeline_counts(db, q, k) for k in BINS))
            for q in cases
        ]
    assert read[0.0] == read[1.0]
    totals = [(counts[0].total, counts[1].total) for counts in read[1.0]]  # type: ignore[attr-defined]
    assert totals == [(5, 5), (1, 1), (2, 2), (4, 4), (1, 1)]
    if db.engine.dialect.name == "sqlite":
        with db.begin() as session:
            stmt = search.aggregated(session, cases[1], select(func.count()).select_from(Incident))
            sql = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            assert "INTEGER PRIMARY KEY (rowid=?)" in " ".join(str(row[-1]) for row in plan)


def test_week_and_month_sums_compute_each_spans_bins_once(db: Database, across_bins: None) -> None:
    """The spans' first and last days, and their bins, are computed in subqueries SQLite keeps
    (co-routines): flattened into the sums, each use of a column ran its date functions again."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL sums the bins in Python")
    statements: list[tuple[str, object]] = []

    def record(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        months = aggregates.timeline_counts(db, IncidentQuery(), "month")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert months.total == pytest.approx(6)
    statement, parameters = next((s, p) for s, p in statements if "UNION ALL" in s)
    with db.begin() as session:
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        details = [str(row[-1]) for row in plan]
    assert "CO-ROUTINE s" in details
    assert "CO-ROUTINE c" in details


def test_the_map_of_one_event_type_is_read_in_the_index_order(
    db: Database, placed: list[str]
) -> None:
    """One type, alone or with a country: the places index read in its order (SQLite sorted
    the groups again when the type was a plain equality), the counts as the filter says."""
    protests = IncidentQuery(event_types=("Protests",))
    assert [(p.key.name, p.total) for p in aggregates.map_counts(db, protests).places] == [
        ("Erbil", 1)
    ]
    both = aggregates.map_counts(db, IncidentQuery(event_types=("Protests", "Battles")))
    assert both.total == 1
    types = replace(protests, event_types=("Explosions/Remote violence",), countries=("SY",))
    assert aggregates.map_counts(db, types).total == 2
    if db.engine.dialect.name != "sqlite":
        return
    statements: list[tuple[str, object]] = []

    def record(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        aggregates.map_counts(db, replace(protests, countries=("IQ",)))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = next((s, p) for s, p in statements if "GROUP BY" in s)
    with db.begin() as session:
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        details = " ".join(str(row[-1]) for row in plan)
    assert "COVERING INDEX ix_incidents_live_places" in details
    assert "TEMP B-TREE" not in details
