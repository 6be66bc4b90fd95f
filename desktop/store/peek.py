"""The newest live incidents of a SQLite workspace, read with the standard library alone.

The app shows these rows while SQLAlchemy and the services are still loading (together about
five times as long as starting Qt itself). The read never writes the database (SQLite may add
its usual -wal/-shm companions, as for any reader) and gives up at the first obstacle — a
missing, locked, damaged or older-schema file, or anything but a plain local file — so that
the ordinary way of opening, with its messages and repairs, takes over. Its order is the
table's default, newest first (``search.ordered`` for ``sort="when"``), and
tests/services/test_preview.py checks the rows against ``incidents.list_incidents``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from desktop.store.fts_settings import INDEX_SQL, TOKENIZE, tokenize_of
from desktop.store.locations import HEAD_REVISION

if TYPE_CHECKING:
    from pathlib import Path

# The columns of a table row (services/listing.py's TABLE_ROW_FIELDS are these).
ROW_COLUMNS = (
    "uuid",
    "start_at",
    "end_at",
    "time_precision",
    "title",
    "place_name",
    "admin1",
    "country",
    "event_type",
    "sub_event_type",
    "status",
    "confidence",
    "source_count",
    "marking",
    "killed",
    "injured",
    "deleted_at",
)
_NEWEST = (
    f"SELECT {', '.join(ROW_COLUMNS)} FROM incidents WHERE deleted_at IS NULL "
    "ORDER BY start_at DESC, id DESC LIMIT ?"
)


def schema_revision(path: Path) -> str | None:
    """The schema revision of the workspace at ``path``; None if there is none to read."""
    connection = _open(path)
    if connection is None:
        return None
    try:
        return _revision(connection)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def search_index_outdated(path: Path) -> bool:
    """Whether the workspace at ``path`` has a search index made with other settings than
    this version's, which opening rebuilds (a minute at 100,000 incidents)."""
    connection = _open(path)
    if connection is None:
        return False
    try:
        row = connection.execute(INDEX_SQL).fetchone()
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return row is not None and tokenize_of(str(row[0])) != TOKENIZE


def _revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def _open(path: Path) -> sqlite3.Connection | None:
    try:
        if not path.is_file():
            return None
        # mode=ro: never create, migrate or otherwise touch the file; timeout=0: a file
        # locked by another program is left to the ordinary open, which waits and explains.
        return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0)
    except (OSError, sqlite3.Error, ValueError):  # e.g. a folder on the way not searchable
        return None


def newest_rows(path: Path, limit: int) -> list[tuple[Any, ...]] | None:
    """The ``limit`` newest live incidents at ``path`` (values in :data:`ROW_COLUMNS` order).

    None when they cannot be read this way (see above).
    """
    connection = _open(path)
    if connection is None:
        return None
    try:
        if _revision(connection) != HEAD_REVISION:
            return None  # an upgrade is due: that is the ordinary open's work
        # No count: at 100,000 incidents it costs half as much as the rows; attach() reads it.
        return connection.execute(_NEWEST, (limit,)).fetchall()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
