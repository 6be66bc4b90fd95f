"""A connection of its own for one worker's reads (SQLite): the map's, the timeline's.

Each read of such a worker goes through the same connection, kept between its reads, rather
than whichever the pool hands out. A common word's matches, kept in a temporary table of the
connection (:mod:`desktop.services.matched_ids`), are then there for the worker's next read
of the same search: the next filter change, a country added to it. Through the pool, which
hands out its five connections in turn, 3 to 5 of the 6 reads of three such changes found
another connection and filled its table again (docs/performance.md).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy.orm import sessionmaker

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from desktop.store.engine import Database


class OwnConnection:
    """The connection one worker reads through, for the workspace it last read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._for: Database | None = None
        self._database: Database | None = None
        self._connection: Connection | None = None

    def database(self, db: Database) -> Database:
        """``db`` with its sessions on this worker's connection (``db`` itself on PostgreSQL,
        whose server has no use for it). From the worker, one read at a time: a connection
        serves one thread at a time."""
        if not db.is_sqlite:
            return db
        with self._lock:
            if self._for is not db or self._database is None:
                self._release()
                connection = db.engine.connect()
                # Out of the pool: closing the workspace (disposing its pool) does not wait for
                # it, and closing it here closes it at once, whatever became of that pool.
                connection.detach()
                sessions = sessionmaker(**{**db.sessions.kw, "bind": connection})
                self._for, self._connection = db, connection
                self._database = replace(db, sessions=sessions)
            return self._database

    def close(self) -> None:
        """Close the connection (the window closes), once the worker's reads have ended."""
        with self._lock:
            self._release()

    def _release(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._for = self._database = self._connection = None
