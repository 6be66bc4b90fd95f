"""SQLite's index in the table's time order, and its word list (desktop.store.fts5).

A search reads its newest matches by walking the index in rowid order, and spells the word
being typed out as the words of the list: both are only right if the keys sort exactly as the
When column does and the list holds every word of the index, after every kind of write.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select, text

from desktop.domain import TimePrecision
from desktop.errors import StoreError
from desktop.records import Document
from desktop.services import incidents, interchange, sample
from desktop.services.dto import IncidentQuery, When
from desktop.store import fts5, fulltext
from desktop.store.engine import open_database
from desktop.store.locations import HEAD_REVISION
from desktop.store.migrate import alembic_config
from desktop.store.models import Incident

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


@pytest.fixture
def sqlite_db(db: Database) -> Database:
    if not db.is_sqlite:
        pytest.skip("SQLite's FTS5 index; PostgreSQL keeps a GIN index instead")
    return db


def test_keys_sort_as_start_time_then_id() -> None:
    times = [
        datetime(1, 1, 1),
        datetime(1969, 12, 31, 23, 59, 59),
        datetime(1970, 1, 1),
        datetime(2024, 1, 28, 5, 30),
        datetime(2024, 1, 28, 5, 30, tzinfo=UTC),  # aware or naive, the same moment
        datetime(9999, 12, 31, 23, 59, 59),
    ]
    pairs = [
        (moment.replace(tzinfo=None), incident_id)
        for moment in times
        for incident_id in (1, 2, 77, fts5.ID_MASK)
    ]
    keys = {pair: fts5.sort_key(*pair) for pair in pairs}
    assert sorted(pairs, key=keys.__getitem__) == sorted(pairs)
    assert all(key & fts5.ID_MASK == incident_id for (_, incident_id), key in keys.items())
    assert all(-(2**63) <= key < 2**63 for key in keys.values())  # a SQLite rowid
    assert fts5.sort_key("2024-01-28 05:30:00.000000", 5) == fts5.sort_key(times[3], 5)


def test_an_id_beyond_the_keys_bits_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="more than 16,777,215 incidents"):
        fts5.sort_key(datetime(2024, 1, 1), fts5.ID_MASK + 1)


def _index_order(db: Database) -> list[int]:
    with db.begin() as session:
        return list(
            session.scalars(
                text(f"SELECT rowid & {fts5.ID_MASK} FROM incident_fts ORDER BY rowid DESC")
            )
        )


def _when_order(db: Database) -> list[int]:
    with db.begin() as session:
        return list(
            session.scalars(text("SELECT id FROM incidents ORDER BY start_at DESC, id DESC"))
        )


def _missing_words(db: Database) -> set[str]:
    with db.begin() as session:
        return set(
            session.scalars(
                text(
                    f"SELECT term FROM {fts5.VOCAB_TABLE} "
                    f"EXCEPT SELECT term FROM {fts5.TERMS_TABLE}"
                )
            )
        )


def test_the_index_follows_the_incidents_times_through_every_write(
    sqlite_db: Database, make_incident: IncidentFactory
) -> None:
    db = sqlite_db
    rng = random.Random(5)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    made = []
    for i in range(30):
        start = base + timedelta(hours=rng.randrange(0, 72))  # many share an hour
        when = When(start, start + timedelta(hours=1), TimePrecision.EXACT)
        made.append(incidents.create_incident(db, make_incident(title=f"Raid {i}", when=when)))
    assert _index_order(db) == _when_order(db)
    # An edit that moves an incident in time moves its entry; its old entry is gone.
    moved = incidents.get_incident(db, made[3].id or "")
    later = When(base + timedelta(days=9), base + timedelta(days=9), TimePrecision.EXACT)
    incidents.update_incident(db, replace(moved, when=later, title="Raid moved"))
    assert _index_order(db) == _when_order(db)
    assert len(_index_order(db)) == 30
    # Trash keeps the entry (the trash is searched too); deleting for good removes it.
    incidents.delete_incident(db, made[5].id or "")
    assert len(_index_order(db)) == 30
    incidents.purge_incident(db, made[5].id or "")
    assert _index_order(db) == _when_order(db)
    assert len(_index_order(db)) == 29
    with db.begin() as session:
        keys = session.execute(text(f"SELECT count(*) FROM {fts5.KEYS_TABLE}")).scalar()
    assert keys == 29
    assert _missing_words(db) == set()


def test_the_word_list_holds_every_word_after_each_kind_of_write(
    sqlite_db: Database, make_incident: IncidentFactory
) -> None:
    db = sqlite_db
    incidents.create_incident(
        db,
        make_incident(
            title="Ambuscade near Ṣanʿāʾ", summary="كمين على الطريق; 🚁 sighted; Ωmega-7 unit"
        ),
    )
    assert _missing_words(db) == set()
    # A large import reads FTS5's own list once, before its transaction commits.
    model = make_incident()
    many = tuple(
        replace(
            model,
            id=f"00000000-0000-4000-8000-{i:012d}",
            title=f"Convoy attacked, reference KX{i:04d}",
        )
        for i in range(fts5._SCRATCH_UP_TO + 20)
    )
    interchange.import_document(db, Document((), many))
    assert _missing_words(db) == set()
    assert incidents.count_incidents(db, IncidentQuery(text="kx05")) == 20


@pytest.mark.parametrize(
    "typed",
    [
        "amb",
        "Amb",
        "ambusc",
        "sana",
        "كم",
        "conv",
        "convoys",
        "kx0",
        "kx",
        "a",
        "zz",
        "Ωme",
        "omeg",
        "ambuscade sa",
        "near",
        "ṣan",
    ],
)
def test_a_spelled_out_prefix_matches_what_the_prefix_matches(
    sqlite_db: Database, make_incident: IncidentFactory, typed: str
) -> None:
    db = sqlite_db
    for i, title in enumerate(
        (
            "Ambuscade near Ṣanʿāʾ",
            "Ambush on a convoy",
            "Convoys stopped near Sanaa",
            "كمين على الطريق",
            "Ωmega unit seen",
            "Omega unit seen",
            *(f"Report KX{n:03d}" for n in range(60)),  # more words than a prefix is spelled as
        )
    ):
        incidents.create_incident(db, make_incident(title=title, summary=f"Case {i}"))
    with db.begin() as session:
        plain = fulltext.search_expression(session, typed)
        walkable = fulltext.walkable_expression(session, typed)
        assert plain is not None
        assert walkable is not None

        def matches(expression: str) -> set[int]:
            return set(
                session.scalars(
                    text("SELECT rowid FROM incident_fts WHERE incident_fts MATCH :m"),
                    {"m": expression},
                )
            )

        assert matches(walkable) == matches(plain), (plain, walkable)
    if typed in ("amb", "conv", "كم"):
        assert " OR " in walkable or "*" not in walkable  # spelled out, not a prefix
    if typed == "kx":
        assert walkable == plain  # 60 words: stays a prefix


def test_upgrading_from_0008_orders_the_index_and_lists_its_words(tmp_path: Path) -> None:
    path = tmp_path / "before-0009.sqlite3"
    db = open_database(path)
    sample.load_sample(db)
    db.close()
    # The index as revision 0008 kept it: rowid = incident id, no keys, no word list; and a
    # time finer than a second, which nothing could enter but an old program might have.
    with sqlite3.connect(path) as connection:
        columns = ", ".join(fts5.FTS_COLUMNS)
        connection.execute(
            f"CREATE TEMP TABLE old AS SELECT rowid & {fts5.ID_MASK} AS id, {columns} "
            "FROM incident_fts"
        )
        connection.execute("DELETE FROM incident_fts")
        connection.execute(f"INSERT INTO incident_fts (rowid, {columns}) SELECT * FROM old")
        for table in (fts5.VOCAB_TABLE, fts5.TERMS_TABLE, fts5.KEYS_TABLE):
            connection.execute(f"DROP TABLE {table}")
        connection.execute(
            "UPDATE incidents SET start_at = substr(start_at, 1, 19) || '.250000', "
            "end_at = substr(end_at, 1, 19) || '.750000' WHERE id = 1"
        )
        connection.execute("UPDATE alembic_version SET version_num = '0008'")
    connection.close()
    db = open_database(path)
    try:
        assert _index_order(db) == _when_order(db)
        assert _missing_words(db) == set()
        with db.begin() as session:
            automerge = session.scalar(
                text("SELECT v FROM incident_fts_config WHERE k = 'automerge'")
            )
        assert automerge == fts5.AUTOMERGE  # the rebuilt index merges its segments less often
        with db.begin() as session:
            times = session.execute(
                text("SELECT start_at, end_at FROM incidents WHERE id = 1")
            ).one()
        assert all(value.endswith(".000000") for value in times)
        newest = incidents.list_incidents(db, IncidentQuery(text="drone"))
        assert newest
        # The same as read through the sort's index (a date filter takes that way).
        assert newest == incidents.list_incidents(
            db, IncidentQuery(text="drone", since=date(1900, 1, 1))
        )
        # And back: the older code reads rowids as ids.
        from alembic import command

        with db.engine.begin() as bind:
            command.downgrade(alembic_config(bind), "0008")
        with db.begin() as session:
            rowids = set(session.scalars(text("SELECT rowid FROM incident_fts")))
            ids = set(session.scalars(text("SELECT id FROM incidents")))
            tables = set(session.scalars(text("SELECT name FROM sqlite_master")))
        assert rowids == ids
        assert fts5.KEYS_TABLE not in tables
    finally:
        db.close()
    assert HEAD_REVISION == "0016"  # the downgrade above passed through every later one too


def test_a_rolled_back_savepoint_keeps_the_other_entries_words(
    sqlite_db: Database, make_incident: IncidentFactory
) -> None:
    made = incidents.create_incident(sqlite_db, make_incident(title="Convoy stopped"))
    with sqlite_db.begin() as session:
        row = session.scalars(select(Incident).where(Incident.uuid == made.id)).one()
        row.title = "Flibbertigibbet convoy"
        session.flush()
        fulltext.reindex(session, [row])
        savepoint = session.begin_nested()
        savepoint.rollback()  # something else tried and undone, in the same action
    assert _missing_words(sqlite_db) == set()
    found = incidents.list_incidents(sqlite_db, IncidentQuery(text="flibb"))
    assert [incident.id for incident in found] == [made.id]
