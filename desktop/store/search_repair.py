"""Keeping a SQLite workspace's full-text index usable: rebuilt from the stored incidents when
it was made with other settings than this version's, or when it is found damaged.

Nothing is lost either way: the index holds only what the incidents hold. The settings are
read from the statement that made the index (one read of the schema), so no migration is
needed when they change: opening the workspace rebuilds it once.

Damage inside FTS5's own blocks passes SQLite's page checks (``PRAGMA quick_check``) and
shows only when a search reads it. FTS5's own integrity check reads and splits again every
entry, a cost growing with the workspace, too slow for every opening. So opening reads only
what every search reads first (:func:`fts5.probe`: the index's structure and one word), and a
search or save that meets damage anywhere else rebuilds the index then
(:meth:`engine.Database.begin`, with :func:`rebuild_damaged`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop.errors import StoreError
from desktop.store import fts5, fulltext
from desktop.store.dberrors import describe_db_error

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

REBUILT_NOTE = (
    "The search index of this workspace was damaged and has been rebuilt from the incidents; "
    "nothing was lost."
)


def is_index_damage(exc: BaseException) -> bool:
    """Whether a database error is FTS5 finding its own blocks damaged."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlite_errorname", "") == "SQLITE_CORRUPT_VTAB"


# PostgreSQL's documents are made in Python (fulltext.lexemes), so its settings are this
# code's: a comment on the index's table names the ones it was made with.
PG_SETTINGS = "Incident Desk search index: symbols are words"
# Any constant, as long as it is only ours: several copies of the app opening one server
# workspace at once rebuild it once.
_PG_LOCK_KEY = 0x4944_6674_7331


def check_on_open(engine: Engine, location: str) -> str:
    """Rebuild the index if its settings are not this version's, or it is damaged.

    Returns :data:`REBUILT_NOTE` when damage was repaired, else "" (a rebuild for new
    settings is routine: the analyst has nothing to do about it).
    """
    try:
        if engine.dialect.name == "postgresql":
            _check_postgres(engine, location)
            return ""
        if engine.dialect.name != "sqlite":
            return ""
        with engine.begin() as connection:
            if not fts5.has_current_settings(connection):
                log.info("rebuilding the search index of %s for new settings", location)
                fulltext.rebuild(connection)
                return ""
            if _damaged(connection):
                log.warning("the search index of %s is damaged: rebuilding it", location)
                fulltext.rebuild(connection)
                return REBUILT_NOTE
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, location)) from exc
    return ""


def _pg_made_with(connection: Connection) -> str | None:
    value = connection.execute(
        text("SELECT obj_description(CAST(:table AS regclass), 'pg_class')"),
        {"table": fulltext.PG_TABLE},
    ).scalar()
    return None if value is None else str(value)


def _check_postgres(engine: Engine, location: str) -> None:
    """Rebuild a server workspace's index made with older settings, if this account owns it
    (only its owner may note the settings; a colleague's copy of the app leaves it as is)."""
    with engine.begin() as connection:
        if _pg_made_with(connection) == PG_SETTINGS:
            return
        owner = connection.execute(
            text(
                "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
                "WHERE oid = CAST(:table AS regclass)"
            ),
            {"table": fulltext.PG_TABLE},
        ).scalar()
        if not owner:
            log.info("the search index of %s is older; its owner's app rebuilds it", location)
            return
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        if _pg_made_with(connection) == PG_SETTINGS:
            return  # another copy of the app rebuilt it meanwhile
        log.info("rebuilding the search index of %s for new settings", location)
        fulltext.rebuild(connection)
        connection.execute(text(f"COMMENT ON TABLE {fulltext.PG_TABLE} IS '{PG_SETTINGS}'"))


def _damaged(connection: Connection) -> bool:
    try:
        fts5.probe(connection)
    except DBAPIError as exc:
        if is_index_damage(exc):
            return True
        raise
    except MemoryError:
        return True  # SQLITE_NOMEM: FTS5 read garbage as a size (the probe itself is tiny)
    return False


def rebuild_damaged(engine: Engine, location: str) -> None:
    """After a search or save met damage (its own transaction rolled back): rebuild."""
    log.warning("the search index of %s is damaged: rebuilding it", location)
    try:
        with engine.begin() as connection:
            fulltext.rebuild(connection)
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, location)) from exc
