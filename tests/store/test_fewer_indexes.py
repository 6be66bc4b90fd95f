"""Migration 0016 drops seven indexes of ``incidents`` no query needs, on both databases, and
tolerates a workspace whose recorded revision was set back (they may be gone already)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from alembic import command
from sqlalchemy import text

from desktop.services import incidents
from desktop.services.dto import IncidentQuery
from desktop.store.indexes import HEAD_INDEXES
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
