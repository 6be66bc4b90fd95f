"""Large imports go in by bulk inserts: same rows as before, all-or-nothing, cancellable."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event, text

from desktop.errors import StoreError, ValidationError
from desktop.records import Document
from desktop.services import aggregates, bulk, history, interchange, new_rows
from desktop.services import incidents as incident_service
from desktop.services.dto import Actor, Citation, IncidentData, IncidentQuery, SourceData
from desktop.services.progress import Cancelled, Progress
from desktop.store import checkpoint, fulltext

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

COUNT = 2_000
PLACES = ("Erbil", "Baghdad", "Mosul", "Basra")


@pytest.fixture
def document(make_incident: IncidentFactory) -> Document:
    """2,000 incidents citing the two fixture sources and a third that only the file has."""
    extra = SourceData(name="Shafaq News", kind="media", reliability="C", id="shafaq-news")
    sources = (
        SourceData(
            name="U.S. Central Command",
            kind="military",
            reliability="B",
            url="https://www.centcom.mil",
            id="u-s-central-command",
        ),
        SourceData(name="Reuters", kind="media", reliability="C", id="reuters"),
        extra,
    )
    base = make_incident()
    incidents = tuple(
        replace(
            base,
            id=str(uuid.UUID(int=i + 1, version=4)),
            title=f"Strike number{i} near {PLACES[i % len(PLACES)]}",
            actors=(*base.actors, Actor(f"Brigade {i % 7}")),
            citations=(
                *base.citations,
                *(
                    (Citation(source=extra.id, credibility=4, excerpt="شفق نيوز أفادت بهجوم"),)
                    if i % 10 == 0
                    else ()
                ),
            ),
        )
        for i in range(COUNT)
    )
    return Document(sources, incidents)


def _count(db: Database, **filters: object) -> int:
    return incident_service.count_incidents(db, IncidentQuery(**filters))  # type: ignore[arg-type]


def _table_counts(db: Database) -> dict[str, int]:
    with db.begin() as session:
        return {
            table: int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in (
                "incidents",
                "incident_actors",
                "incident_tags",
                "citations",
                "sources",
                "incident_history",
            )
        }


def test_bulk_import_adds_every_row_and_its_index_entry(db: Database, document: Document) -> None:
    result = interchange.import_document(db, document)

    assert (result.incidents_created, result.sources_created) == (COUNT, 1)
    assert _table_counts(db) == {
        "incidents": COUNT,
        "incident_actors": 3 * COUNT,
        "incident_tags": 2 * COUNT,
        "citations": 2 * COUNT + COUNT // 10,
        "sources": 3,
        "incident_history": COUNT,
    }
    assert _count(db) == COUNT
    assert _count(db, text="Erbil") == COUNT // 4
    assert _count(db, text="number1234") == 1
    assert _count(db, source="shafaq-news") == COUNT // 10
    assert _count(db, tags=("drone",)) == COUNT
    # Arabic is normalised on the way in: searched without hamza or prefix, still found.
    assert _count(db, text="افادت") == COUNT // 10
    # The stored record is the one in the file, read back in full.
    first = incident_service.get_incident(db, document.incidents[10].id or "")
    assert first.title == "Strike number10 near Mosul"
    assert [c.source for c in first.citations] == ["u-s-central-command", "reuters", "shafaq-news"]
    assert first.citations[0].source_name == "U.S. Central Command"
    assert first.version == 1
    assert first.audit is not None
    assert [c.action for c in history.incident_history(db, first.id or "")] == ["imported"]


def test_a_second_import_changes_only_what_changed(db: Database, document: Document) -> None:
    interchange.import_document(db, document)
    changed = list(document.incidents)
    changed[1500] = replace(changed[1500], title="Renamed strike in Erbil")
    new = replace(document.incidents[0], id=str(uuid.uuid4()), title="A new one")

    result = interchange.import_document(db, replace(document, incidents=(*changed, new)))

    assert (result.incidents_created, result.incidents_updated) == (1, 1)
    assert result.incidents_unchanged == COUNT - 1
    assert _count(db, text="Renamed") == 1
    assert _count(db, text="number1500") == 0
    assert _count(db) == COUNT + 1
    actions = [c.action for c in history.incident_history(db, changed[1500].id or "")]
    assert actions == ["imported", "imported"]


def test_a_bad_record_late_in_the_file_leaves_the_database_as_it_was(
    db: Database, document: Document, make_incident: IncidentFactory
) -> None:
    kept = incident_service.create_incident(db, make_incident(title="Already here"))
    before = _table_counts(db)
    records = list(document.incidents)
    records[1700] = replace(records[1700], citations=(Citation(source="nobody"),))

    with pytest.raises(ValidationError, match=r"incidents\[1700\]\.citations\[0\]\.source"):
        interchange.import_document(db, replace(document, incidents=tuple(records)))

    assert _table_counts(db) == before
    assert _count(db) == 1
    assert _count(db, text="Already") == 1
    assert incident_service.get_incident(db, kept.id or "").title == "Already here"


def test_a_database_refusal_late_in_the_file_rolls_everything_back(
    db: Database, document: Document
) -> None:
    before = _table_counts(db)
    records = list(document.incidents)
    # Files are checked when read; a record built in code can still break a constraint.
    records[1900] = replace(records[1900], tags=("same", "same"))

    with pytest.raises(StoreError):
        interchange.import_document(db, replace(document, incidents=tuple(records)))

    assert _table_counts(db) == before
    assert _count(db, text="Strike") == 0


def test_cancelling_through_progress_rolls_the_import_back(
    db: Database, document: Document
) -> None:
    steps: list[tuple[int, int, str]] = []

    def on_step(done: int, total: int, text: str) -> None:
        steps.append((done, total, text))
        if done >= 1000:
            progress.cancel()

    progress = Progress(on_step)
    before = _table_counts(db)

    with pytest.raises(Cancelled):
        interchange.import_document(db, document, progress)

    assert steps[0] == (500, COUNT, f"500 of {COUNT:,} incidents")
    assert steps[-1][0] == 1000
    assert _table_counts(db) == before


def test_progress_hears_every_batch_and_the_end(db: Database, document: Document) -> None:
    steps: list[tuple[int, int, str]] = []
    interchange.import_document(
        db, document, Progress(lambda done, total, text: steps.append((done, total, text)))
    )
    assert [done for done, _total, _text in steps] == [500, 1000, 1500, 2000, 2000]
    assert steps[-1] == (COUNT, COUNT, "Indexing")


def _indexes(db: Database) -> set[str]:
    with db.begin() as session:
        return set(
            session.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            ).scalars()
        )


def test_indexes_are_dropped_for_many_new_incidents_or_an_import_that_doubles_them(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("indexes are rebuilt only on SQLite")
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 1_000)
    monkeypatch.setattr(bulk, "REBUILD_DOUBLING_FROM", 100)
    indexes = _indexes(db)
    query = text("SELECT count(*) FROM sqlite_master WHERE name = 'ix_incidents_live_title'")
    kept: dict[tuple[int, int], bool] = {}
    with db.begin() as session:
        for new, stored in ((99, 0), (100, 100), (100, 101), (1_000, 50_000)):
            with bulk.indexes_rebuilt(session, new, stored):
                kept[new, stored] = session.execute(query).scalar_one() == 1
    assert kept == {(99, 0): True, (100, 100): False, (100, 101): True, (1_000, 50_000): False}
    assert _indexes(db) == indexes


def test_a_large_import_rebuilds_the_indexes_it_dropped(
    db: Database, document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("indexes are rebuilt only on SQLite")
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 100)
    indexes = _indexes(db)
    assert "ix_incidents_live_title" in indexes

    records = list(document.incidents)
    records[1900] = replace(records[1900], tags=("same", "same"))
    with pytest.raises(StoreError):
        interchange.import_document(db, replace(document, incidents=tuple(records)))
    assert _indexes(db) == indexes  # the rollback brought back what was dropped

    interchange.import_document(db, document)
    assert _indexes(db) == indexes
    assert _count(db, countries=("IQ",), text="Basra") == COUNT // 4
    with db.begin() as session:
        check = session.execute(text("PRAGMA integrity_check")).scalar_one()
        # FTS5's own check of its index against its entries (raises if they disagree).
        session.execute(
            text("INSERT INTO incident_fts (incident_fts, rank) VALUES ('integrity-check', 1)")
        )
    assert check == "ok"


def test_the_last_search_entries_go_in_by_shorter_runs(
    db: Database, document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Near the file's end the full-text entries are written in shorter runs, so that little
    is left to write once the last part is in; every entry is written all the same."""
    if not db.is_sqlite:
        pytest.skip("runs are SQLite's")
    monkeypatch.setattr(bulk.NewEntries, "RUN", 800)
    monkeypatch.setattr(bulk.NewEntries, "LAST_RUN", 200)
    runs: list[int] = []
    insert = fulltext.insert_keyed
    monkeypatch.setattr(
        fulltext,
        "insert_keyed",
        lambda session, entries, keys: (runs.append(len(entries)), insert(session, entries, keys)),
    )
    interchange.import_document(db, document)
    # Parts of 500: 1,000 held when 1,000 are left (a long run), then a part at a time once
    # fewer than a run are left.
    assert runs == [1000, 500, 500]
    assert _count(db, text="number1999") == 1


def test_a_citation_of_a_source_the_workspace_lacks_is_refused_at_its_place(
    db: Database, document: Document
) -> None:
    """The rows' own refusal of a slug without a stored source (on SQLite and a server
    alike): the citation's path in the file, nothing written."""
    # Three incidents citing only stored sources (every tenth cites one only the file has).
    records = [replace(r, id=str(uuid.uuid4())) for r in document.incidents[1:4]]
    records[1] = replace(
        records[1],
        citations=(*records[1].citations, Citation(source="nowhere-news", credibility=3)),
    )
    cited = len(records[1].citations) - 1

    def write() -> None:
        with db.begin() as session:
            source_ids = {
                slug: id_ for slug, id_ in session.execute(text("SELECT slug, id FROM sources"))
            }
            bulk.insert_new_incidents(
                session,
                records,
                bulk.next_incident_id(session),
                source_ids,
                "tester",
                datetime(2024, 1, 1),
                bulk.NewEntries(session),
                positions=[40, 41, 42],
            )

    with pytest.raises(ValidationError) as refused:
        write()
    assert str(refused.value) == (
        f"incidents[41].citations[{cited}].source: unknown source 'nowhere-news'"
    )
    assert _count(db) == 0


def test_bulk_rows_match_what_the_editor_path_writes(
    db: Database, make_incident: IncidentFactory
) -> None:
    """The same record saved by create_incident and by an import reads back the same."""
    record: IncidentData = make_incident(title="  Padded title  ", marking="tlp:amber")
    saved = incident_service.create_incident(db, replace(record, id=str(uuid.uuid4())))
    imported_id = str(uuid.uuid4())
    sources = tuple(
        SourceData(name=n, kind=k, reliability=r, url=u, id=i)
        for n, k, r, u, i in (
            (
                "U.S. Central Command",
                "military",
                "B",
                "https://www.centcom.mil",
                "u-s-central-command",
            ),
            ("Reuters", "media", "C", None, "reuters"),
        )
    )
    interchange.import_document(db, Document(sources, (replace(record, id=imported_id),)))
    imported = incident_service.get_incident(db, imported_id)

    def comparable(data: IncidentData) -> IncidentData:
        return replace(data, id=None, audit=None)

    assert comparable(imported) == comparable(saved)
    assert _count(db, text="Padded") == 2


@pytest.mark.parametrize(
    "table",
    [t.name for t in (bulk.INCIDENTS, bulk.ACTORS, bulk.TAGS, bulk.CITATIONS, bulk.HISTORY)],
)
def test_bulk_converts_the_columns_sqlalchemy_converts(table: str) -> None:
    """The rows are made without SQLAlchemy (in the reading process): its conversions are
    named in new_rows.CONVERTERS, which must name every column SQLAlchemy converts on SQLite,
    and no other."""
    from sqlalchemy.dialects import sqlite

    from desktop.store.models import Base

    dialect = sqlite.dialect()
    columns = Base.metadata.tables[table].c
    converted = {
        column.name
        for column in columns
        if column.type.dialect_impl(dialect).bind_processor(dialect) is not None
    }
    assert converted == set(new_rows.CONVERTERS.get(table, {}))


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("incidents", "start_at", datetime(2024, 7, 8)),
        ("incidents", "start_at", datetime(2024, 7, 8, 23, 59, 59, 999_999)),
        ("incidents", "end_at", datetime(999, 1, 2, 3, 4, 5, 6)),
        ("incidents", "deleted_at", None),
        ("incident_history", "at", datetime(2026, 12, 7, 6, 30)),
        ("citations", "published", date(2024, 2, 29)),
        ("citations", "retrieved", date(5, 1, 1)),
        ("citations", "published", None),
        ("incidents", "lat", 36),
        ("incidents", "lon", -43.25),
        ("incidents", "lat", None),
    ],
)
def test_bulk_values_are_written_as_sqlalchemy_writes_them(
    table: str, column: str, value: object
) -> None:
    from sqlalchemy.dialects import sqlite

    from desktop.store.models import Base

    dialect = sqlite.dialect()
    column_type = Base.metadata.tables[table].c[column].type
    expected = column_type.dialect_impl(dialect).bind_processor(dialect)
    assert expected is not None
    converted = new_rows.CONVERTERS[table][column](value)
    assert converted == expected(value)
    assert type(converted) is type(expected(value))


def test_the_reading_process_loads_no_sqlalchemy() -> None:
    """What the reading process imports to read and make rows (desktop.services.
    reader_process.main) leaves SQLAlchemy out: loading it cost a third of a second before
    the first part, with the writer waiting."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from desktop.services.reader_process import main\n"
        "from desktop import formats\n"
        "from desktop.services import filebytes\n"
        "from desktop.services.checks import CHECKS\n"
        "formats.reader('json')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def _stored_times(db: Database, incident_id: str) -> tuple[object, ...]:
    with db.begin() as session:
        row = session.execute(
            text(
                "SELECT start_at, end_at, created_at, updated_at FROM incidents WHERE uuid = :uuid"
            ),
            {"uuid": incident_id},
        ).one()
        at = session.execute(
            text("SELECT at FROM incident_history WHERE incident_uuid = :uuid"),
            {"uuid": incident_id},
        ).scalar_one()
    return (*row, at)


def test_bulk_rows_store_times_as_the_editor_path_does(
    db: Database, make_incident: IncidentFactory, sources: tuple[SourceData, SourceData]
) -> None:
    """Times are compared as stored text on SQLite: "2023-10-17 00:00:00" is less than the
    "2023-10-17 00:00:00.000000" a date filter binds, so a differently written time would
    drop an incident from a search from its own day."""
    record = make_incident()  # day precision: midnight, no microseconds
    saved = incident_service.create_incident(db, replace(record, id=str(uuid.uuid4())))
    imported_id = str(uuid.uuid4())
    interchange.import_document(db, Document(sources, (replace(record, id=imported_id),)))

    edited, imported = _stored_times(db, saved.id or ""), _stored_times(db, imported_id)
    if db.is_sqlite:
        # The same text format, down to the microseconds the import's clock may not have.
        assert [len(str(value)) for value in imported] == [len(str(v)) for v in edited]
        assert imported[:2] == edited[:2]
        assert imported[:2] == ("2023-10-17 00:00:00.000000", "2023-10-18 00:00:00.000000")
    # Both are found by a search from and until the incident's own days.
    assert _count(db, since=date(2023, 10, 18)) == 2
    assert _count(db, until=date(2023, 10, 17)) == 2
    assert _count(db, since=date(2023, 10, 19)) == 0
    assert _count(db, until=date(2023, 10, 16)) == 0


# --- the indexes of migration 0004 are used by the queries they were made for --------------


def _plan(db: Database, query: IncidentQuery, *, count: bool = False) -> str:
    from sqlalchemy import func, select

    from desktop.services import search
    from desktop.store.models import Incident

    with db.begin() as session:
        if count:
            stmt = search.filtered(session, query, select(func.count(Incident.id)), ranked=False)
        else:
            stmt = search.filtered(session, query, select(Incident))
            stmt = search.ordered(session, query, stmt).limit(200)
        sql = str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    return " | ".join(str(row[3]) for row in rows)


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("when", "ix_incidents_live_start"),
        ("title", "ix_incidents_live_title"),
        ("place", "ix_incidents_live_place"),
        ("type", "ix_incidents_live_sub_type"),
        ("status", "ix_incidents_live_status"),
        ("confidence", "ix_incidents_live_confidence"),
        ("sources", "ix_incidents_live_sources"),
        ("marking", "ix_incidents_live_marking"),
    ],
)
def test_every_sort_reads_its_page_from_an_index(db: Database, sort: str, index: str) -> None:
    """If search.py's sort expression and the migration's ever differ, SQLite silently sorts
    every row again for every page: this catches it."""
    if not db.is_sqlite:
        pytest.skip("query plans are SQLite's")
    for descending in (True, False):
        plan = _plan(db, IncidentQuery(sort=sort, descending=descending))
        assert index in plan
        assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize(
    "query",
    [
        IncidentQuery(deleted=True, countries=("IQ",)),
        IncidentQuery(deleted=True, event_types=("Battles",)),
        IncidentQuery(deleted=True, confidences=("high",)),
        IncidentQuery(deleted=True, markings=("TLP:GREEN",)),
        IncidentQuery(deleted=True, until=date(2024, 1, 1)),
        IncidentQuery(deleted=True, since=date(2024, 1, 1), countries=("SY",)),
    ],
)
def test_the_trash_reads_only_trashed_incidents(db: Database, query: IncidentQuery) -> None:
    """Without migration 0001's single-column indexes (dropped by 0016) a filtered trash
    reads its own range of ``deleted_at``, not every incident of the country or status."""
    if not db.is_sqlite:
        pytest.skip("query plans are SQLite's")
    for read in (incident_service.list_incidents, incident_service.count_incidents):
        plan = _plans(db, lambda read=read: read(db, query))  # as the app binds its values
        assert "(deleted_at>?)" in plan
        assert "SCAN incidents" not in plan


@pytest.mark.parametrize(
    ("query", "index"),
    [
        # 0016 dropped ix_incidents_live_country, the first two columns of these.
        (IncidentQuery(countries=("IQ",)), "ix_incidents_live_nearby (deleted_at=? AND country=?)"),
        (
            IncidentQuery(since=date(2024, 1, 1)),
            "ix_incidents_live_end (deleted_at=? AND end_at>?)",
        ),
        (
            IncidentQuery(until=date(2024, 1, 1)),
            "ix_incidents_live_period (deleted_at=? AND start_at<?)",
        ),
    ],
)
def test_live_counts_read_an_index_alone(db: Database, query: IncidentQuery, index: str) -> None:
    if not db.is_sqlite:
        pytest.skip("query plans are SQLite's")
    plan = _plans(db, lambda: incident_service.count_incidents(db, query))
    assert plan == f"SEARCH incidents USING COVERING INDEX {index}"


def test_a_text_filter_runs_its_match_once(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("query plans are SQLite's")
    plan = _plan(db, IncidentQuery(text="drone", countries=("IQ",)), count=True)
    assert "LIST SUBQUERY" in plan  # the matches are a set built once, not a MATCH per row
    plan = _plan(db, IncidentQuery(text="drone", sort="relevance"))
    assert plan.startswith("MATERIALIZE")


def test_migration_0004_goes_up_and_down(tmp_path: Path) -> None:
    from desktop.store.engine import make_engine, open_database, resolve_url
    from desktop.store.migrate import alembic_config, upgrade

    path = tmp_path / "old.sqlite3"
    engine = make_engine(resolve_url(path))
    try:
        upgrade(engine, str(path), "0003")
    finally:
        engine.dispose()
    database = open_database(path)  # upgrades to the newest revision
    try:
        assert {"ix_incidents_live_title", "ix_incidents_live_end"} <= _indexes(database)
        from alembic import command

        with database.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0003")
        left = _indexes(database)
        assert not {name for name in left if name.startswith("ix_incidents_live_")} - {
            "ix_incidents_live_start"
        }
    finally:
        database.close()


# --- a large import: indexes dropped and built again, its checkpoint in the background ------


def _index_sql(db: Database) -> dict[str, str]:
    with db.begin() as session:
        return dict(
            session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")).all()
        )


def _plans(db: Database, call: Callable[[], object]) -> str:
    """The query plans of the SELECTs ``call`` runs, as SQLite would run them now."""
    seen: list[tuple[str, object]] = []

    def record(*args: object) -> None:
        statement, parameters = str(args[2]), args[3]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    with db.engine.connect() as connection:
        return " | ".join(
            str(row[-1])
            for statement, parameters in seen
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        )


def test_a_large_import_leaves_every_index_as_defined_and_used_even_after_a_failed_one(
    db: Database, document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("indexes are rebuilt only on SQLite")
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 100)
    before = _index_sql(db)
    assert {"ix_incidents_live_places", "ix_incidents_live_timeline"} <= before.keys()

    records = list(document.incidents)
    records[1900] = replace(records[1900], tags=("same", "same"))  # refused by the database
    with pytest.raises(StoreError):
        interchange.import_document(db, replace(document, incidents=tuple(records)))
    assert _index_sql(db) == before  # same names, same definitions

    interchange.import_document(db, document)
    assert _index_sql(db) == before
    # The map's, the timeline's and the duplicates' covering indexes serve their counts.
    everything = IncidentQuery()
    assert "COVERING INDEX ix_incidents_live_places" in _plans(
        db, lambda: aggregates.map_counts(db, everything)
    )
    assert "COVERING INDEX ix_incidents_live_timeline" in _plans(
        db, lambda: aggregates.timeline_counts(db, everything, "day")
    )
    # Their entries are all there: counted from the index and from the table alike.
    with db.begin() as session:
        for index in ("ix_incidents_live_places", "ix_incidents_live_timeline"):
            indexed = session.execute(
                text(f"SELECT count(*) FROM incidents INDEXED BY {index} WHERE deleted_at IS NULL")
            ).scalar_one()
            assert indexed == COUNT, index
    # And the full-text entries, written after the rows: Latin and Arabic words found; FTS5
    # holds its default in memory again for the writes that follow.
    assert _count(db, text="number1999") == 1
    assert _count(db, text="شفق") == COUNT // 10
    with db.begin() as session:
        pending = session.execute(
            text("SELECT v FROM incident_fts_config WHERE k = 'hashsize'")
        ).scalar_one()
    assert pending == 1024 * 1024


def test_a_large_import_leaves_the_checkpoint_to_the_background(
    db: Database, document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    deferred: list[object] = []
    defer = checkpoint.defer
    monkeypatch.setattr(
        checkpoint, "defer", lambda session: (deferred.append(session), defer(session))
    )
    small = replace(document, incidents=document.incidents[:10])
    interchange.import_document(db, small)
    interchange.import_document(db, document, dry_run=True)
    assert deferred == []  # a few incidents, or nothing to commit
    interchange.import_document(db, document)
    assert len(deferred) == 1
    checkpoint.wait(db.engine)
    assert _count(db) == COUNT
