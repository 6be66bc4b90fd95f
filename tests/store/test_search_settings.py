"""A workspace whose search index was made with older settings is rebuilt when opened."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from desktop.domain import TimePrecision
from desktop.services import incidents
from desktop.services.dto import IncidentData, IncidentQuery, When
from desktop.store import fts5
from desktop.store.engine import open_database
from desktop.store.fulltext import PG_TABLE
from desktop.store.search_repair import PG_SETTINGS

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database

OLD_TOKENIZE = "unicode61 remove_diacritics 2"  # before symbols were words


FIRE = IncidentData(
    title="🔥 Fire at the fuel depot",
    when=When(date(2024, 7, 8), date(2024, 7, 8), TimePrecision.DAY),
    event_type="Explosions/Remote violence",
    sub_event_type="Remote explosive/landmine/IED",
)


def _index_sql(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as connection:
        row = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", (fts5.FTS_TABLE,)
        ).fetchone()
    connection.close()
    return str(row[0])


def test_an_index_made_with_older_settings_is_rebuilt_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    old_sql = fts5.CREATE_FTS_SQL.replace(fts5.TOKENIZE, OLD_TOKENIZE)
    with monkeypatch.context() as old:
        old.setattr(fts5, "TOKENIZE", OLD_TOKENIZE)
        old.setattr(fts5, "CREATE_FTS_SQL", old_sql)
        db = open_database(path)
        try:
            incidents.create_incident(db, FIRE)
            assert incidents.list_incidents(db, IncidentQuery(text="🔥")) == []
        finally:
            db.close()
    assert OLD_TOKENIZE + "'" in _index_sql(path)

    db = open_database(path)
    try:
        assert db.notice == ""  # routine: nothing for the analyst to do
        found = incidents.list_incidents(db, IncidentQuery(text="🔥"))
        assert [row.title for row in found] == ["🔥 Fire at the fuel depot"]
        found = incidents.list_incidents(db, IncidentQuery(text="fuel dep"))
        assert [row.title for row in found] == ["🔥 Fire at the fuel depot"]
    finally:
        db.close()
    assert "So''" in _index_sql(path)


def test_a_server_index_made_with_older_settings_is_rebuilt_on_open(
    db_url: str, db: Database
) -> None:
    """PostgreSQL: the comment on the index's table names the settings it was made with."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: a SQLite index's settings are in its own statement")
    incidents.create_incident(db, FIRE)
    with db.engine.begin() as connection:  # as an older version left it: no emoji, no note
        connection.execute(text(f"COMMENT ON TABLE {PG_TABLE} IS NULL"))
        connection.execute(
            text(f"UPDATE {PG_TABLE} SET document = CAST(:words AS tsvector)"),
            {"words": "'fire' 'fuel' 'depot'"},
        )
    assert incidents.list_incidents(db, IncidentQuery(text="🔥")) == []
    reopened = open_database(db_url)
    try:
        found = incidents.list_incidents(reopened, IncidentQuery(text="🔥"))
        assert [row.title for row in found] == ["🔥 Fire at the fuel depot"]
        with reopened.engine.begin() as connection:
            note = connection.execute(
                text("SELECT obj_description(CAST(:t AS regclass), 'pg_class')"),
                {"t": PG_TABLE},
            ).scalar()
        assert note == PG_SETTINGS
    finally:
        reopened.close()
