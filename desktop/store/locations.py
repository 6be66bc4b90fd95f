"""Where workspaces live by default, and which schema revision this code expects.

Kept free of SQLAlchemy so that the app's first rows can be read before it is loaded
(see :mod:`desktop.store.peek`).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

ENV_VAR = "INCIDENT_DESK_DB"
APP_DIR_NAME = "incident-desk"
DEFAULT_FILE_NAME = "incidents.sqlite3"
# The newest revision, known without loading Alembic: opening an up-to-date workspace (every
# start but the first after an update) then costs one query, not Alembic's slow import.
# tests/store/test_migrations_head.py fails when a new migration forgets to move it.
HEAD_REVISION = "0016"
_SQLITE_URL_PREFIX = "sqlite:///"


def default_database_path() -> Path:
    """The platform's per-user data folder, e.g. ``~/.local/share/incident-desk/``."""
    import platformdirs  # here: a start on a named workspace need not load it

    return platformdirs.user_data_path(APP_DIR_NAME, appauthor=False) / DEFAULT_FILE_NAME


def crash_report_path() -> Path:
    """A new file for the traceback of an unexpected error, in the per-user log folder."""
    from datetime import UTC, datetime

    import platformdirs

    folder = platformdirs.user_log_path(APP_DIR_NAME, appauthor=False)
    return folder / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{os.getpid()}.txt"


def local_file(target: str | os.PathLike[str] | None) -> Path | None:
    """The SQLite file ``target`` names (as :func:`engine.resolve_url` reads it), if it is one.

    None for a server URL or anything else that is not plainly a local file: callers then
    take the ordinary, complete way of opening it.
    """
    value = os.fspath(target) if target is not None else os.environ.get(ENV_VAR, "")
    if not value:
        return default_database_path()
    if "://" not in value:
        return Path(value).expanduser().resolve()  # as resolve_url() makes its URL
    if not value.startswith(_SQLITE_URL_PREFIX) or "?" in value:
        return None
    # As SQLAlchemy reads a SQLite URL: percent-escapes undone, "~" left as it is.
    name = unquote(value[len(_SQLITE_URL_PREFIX) :])
    if not name or name == ":memory:":
        return None
    return Path(name).resolve()
