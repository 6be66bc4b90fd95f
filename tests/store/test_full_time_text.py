"""Migration 0007: times stored by earlier bulk imports get SQLAlchemy's full text form."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from desktop.services import incidents, sample
from desktop.services.dto import IncidentQuery
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

COLUMNS = {
    "sources": ("created_at", "updated_at"),
    "incidents": ("created_at", "updated_at", "start_at", "end_at"),
    "incident_history": ("at",),
}


def test_short_times_are_mended_and_found_by_date_again(tmp_path: Path) -> None:
    path = tmp_path / "old-import.sqlite3"
    db = open_database(path)
    sample.load_sample(db)
    first = incidents.list_incidents(db, IncidentQuery(sort="when", descending=False))[0]
    day = first.start.date() if isinstance(first.start, datetime) else first.start
    db.close()
    # As the bulk import of revision 0006 wrote them: no microseconds.
    with sqlite3.connect(path) as connection:
        for table, columns in COLUMNS.items():
            for column in columns:
                connection.execute(f"UPDATE {table} SET {column} = substr({column}, 1, 19)")
        connection.execute("UPDATE alembic_version SET version_num = '0006'")
    connection.close()

    db = open_database(path)  # upgrades
    try:
        with sqlite3.connect(path) as connection:
            for table, columns in COLUMNS.items():
                for column in columns:
                    lengths = {
                        length
                        for (length,) in connection.execute(
                            f"SELECT DISTINCT length({column}) FROM {table}"
                        )
                    }
                    assert lengths == {26}, (table, column, lengths)
        connection.close()
        # The incident that started on `day` is found by a search from that day, and a search
        # up to the day before does not find it.
        since = incidents.list_incidents(db, IncidentQuery(since=day))
        assert first.id in {row.id for row in since}
        until = incidents.list_incidents(db, IncidentQuery(until=day - timedelta(days=1)))
        assert first.id not in {row.id for row in until}
    finally:
        db.close()
