"""Migration 0016 drops seven indexes of ``incidents`` no query needs, on both databases, and
tolerates a workspace whose recorded revision was set back (they may be gone already)."""

from __future__ import annotations

import importlib
import json
from dataclasses import astuple, is_dataclass
from datetime import date
from typing import TYPE_CHECKING

import pytest
from alembic import command
from sqlalchemy import text

from benchmarks.generate import workspace
from desktop.services import aggregates, duplicates, incidents, interchange
from desktop.services.dto import IncidentQuery
from desktop.store.indexes import HEAD_INDEXES, plain_column_indexes
from desktop.store.locations import HEAD_REVISION
from desktop.store.migrate import alembic_config

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

DROPPED = set(
    importlib.import_module("desktop.store.migrations.versions.0016_fewer_incident_indexes").DROPPED
)


def _incident_indexes(db: Database) -> set[str]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents'"
        if db.is_sqlite
        else "SELECT indexname FROM pg_indexes WHERE tablename = 'incidents'"
    )
    with db.engine.connect() as connection:
        return set(connection.scalars(text(query)))


def _migrate(db: Database, step: str, revision: str) -> None:
    with db.engine.begin() as connection:
        getattr(command, step)(alembic_config(connection), revision)


def test_0016_drops_the_indexes_and_gives_them_back_on_the_way_down(
    db: Database, make_incident: IncidentFactory
) -> None:
    incidents.create_incident(db, make_incident(title="Convoy stopped"))
    head = _incident_indexes(db)
    assert not DROPPED & head
    assert not DROPPED & HEAD_INDEXES.keys()
    # Kept: the table's default order, and the map's, timeline's and period filters' reads.
    assert {
        "ix_incidents_live_start",
        "ix_incidents_live_period",
        "ix_incidents_live_end",
        "ix_incidents_live_places",
        "ix_incidents_live_timeline",
        "ix_incidents_live_nearby",
    } <= head

    _migrate(db, "downgrade", "0015")
    assert _incident_indexes(db) == head | DROPPED
    _migrate(db, "upgrade", "head")
    assert _incident_indexes(db) == head
    assert incidents.count_incidents(db, IncidentQuery(countries=("IQ",))) == 1


def test_0016_on_a_workspace_set_back_to_0015_without_some_of_them(db: Database) -> None:
    _migrate(db, "downgrade", "0015")
    with db.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_incidents_country"))
        connection.execute(text("DROP INDEX ix_incidents_live_country"))
    _migrate(db, "upgrade", "head")
    assert not DROPPED & _incident_indexes(db)
    # And once more from a revision set back with every one of them gone already.
    _migrate(db, "stamp", "0015")
    _migrate(db, "upgrade", "head")
    assert not DROPPED & _incident_indexes(db)
    with db.engine.connect() as connection:
        version = connection.scalar(text("SELECT version_num FROM alembic_version"))
    assert version == HEAD_REVISION


def test_a_sqlite_file_at_0015_loses_them_when_opened(tmp_path: Path) -> None:
    from desktop.store.engine import make_engine, open_database, resolve_url
    from desktop.store.migrate import upgrade

    path = tmp_path / "old.sqlite3"
    engine = make_engine(resolve_url(path))
    try:
        upgrade(engine, str(path), "0015")
    finally:
        engine.dispose()
    database = open_database(path)  # upgrades to the head
    try:
        assert not DROPPED & _incident_indexes(database)
    finally:
        database.close()


def _rounded(value: object) -> object:
    """``value`` with its floats to 9 places: PostgreSQL's averages of places' coordinates
    differ in their last digits with the order a plan adds them in."""
    if is_dataclass(value) and not isinstance(value, type):
        value = astuple(value)
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return value


def _reads(db: Database) -> list[object]:
    """What the table, search, trash, map, timeline, filter lists and duplicates show."""
    reads: list[object] = [incidents.facets(db)]
    for query in (
        IncidentQuery(),
        IncidentQuery(text="drone"),
        IncidentQuery(text="drone", sort="relevance"),
        IncidentQuery(countries=("IQ",), since=date(2024, 1, 1)),
        IncidentQuery(statuses=("confirmed",), confidences=("high",), sort="status"),
        IncidentQuery(markings=("TLP:GREEN",), until=date(2024, 6, 1), sort="marking"),
        IncidentQuery(event_types=("Battles",), sort="place", descending=False),
        IncidentQuery(deleted=True),
        IncidentQuery(deleted=True, countries=("IQ",), sort="title"),
    ):
        reads += [
            incidents.count_incidents(db, query),
            incidents.list_incidents(db, query, limit=1000),
            aggregates.map_counts(db, query),
            aggregates.timeline_counts(db, query, "day"),
            aggregates.timeline_counts(db, query, "month"),
        ]
    newest = incidents.list_incidents(db, IncidentQuery(), limit=20)
    reads.append(duplicates.candidates_for_many(db, [row.id for row in newest]))
    return reads


def test_the_reads_are_the_same_with_and_without_the_dropped_indexes(
    db: Database, tmp_path: Path
) -> None:
    # The benchmarks' workspace of 1,000 incidents (make bench-quick's), through the import.
    file = tmp_path / "workspace-1000.json"
    file.write_text(json.dumps(workspace(1000)), encoding="utf-8")
    interchange.import_file(db, file)
    for row in incidents.list_incidents(db, IncidentQuery(countries=("IQ",)), limit=15):
        incidents.delete_incident(db, row.id)
    without = _rounded(_reads(db))
    _migrate(db, "downgrade", "0015")
    assert DROPPED <= _incident_indexes(db)
    assert _rounded(_reads(db)) == without
    _migrate(db, "upgrade", "head")


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_alembic_finds_nothing_to_change_between_the_models_and_the_head(db: Database) -> None:
    """The models declare the head's indexes over plain columns (store/indexes.py): an
    autogenerated migration neither adds the ones 0016 dropped nor drops the covering ones."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from desktop.store.fulltext import FTS_TABLE
    from desktop.store.models import Base

    def include(obj: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
        # As migrations/env.py: the full-text tables are not in the models.
        return not (kind == "table" and name is not None and name.startswith(FTS_TABLE))

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include})
        differences = compare_metadata(context, Base.metadata)
    indexes = [(d[0], d[1].name) for d in differences if isinstance(d, tuple) and "index" in d[0]]
    # PostgreSQL reads back the indexes over expressions too, which the models leave out.
    plain = {name for name, _ in plain_column_indexes("incidents")}
    over_expressions = {
        name for name, (table, _) in HEAD_INDEXES.items() if table == "incidents"
    } - plain
    expected = [] if db.is_sqlite else [("remove_index", name) for name in over_expressions]
    assert sorted(indexes) == sorted(expected)
