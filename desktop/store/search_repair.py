"""Keeping a SQLite workspace's full-text index usable: rebuilt from the stored incidents when
it was made with other settings than this version's.

Nothing is lost: the index holds only what the incidents hold. The settings are read from
the statement that made the index (one read of the schema), so no migration is needed when
they change: opening the workspace rebuilds it once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from desktop.errors import StoreError
from desktop.store import fts5, fulltext
from desktop.store.dberrors import describe_db_error

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def check_on_open(engine: Engine, location: str) -> str:
    """Rebuild the index if its settings are not this version's.

    Returns a note for the analyst, "" when there is nothing to say (a rebuild for new
    settings is routine: there is nothing to do about it).
    """
    try:
        with engine.begin() as connection:
            if not fts5.has_current_settings(connection):
                log.info("rebuilding the search index of %s for new settings", location)
                fulltext.rebuild(connection)
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, location)) from exc
    return ""
