"""Where the database lives, how it is opened, and the per-action session factory."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from desktop.errors import StoreError
from desktop.store.dberrors import describe_db_error
from desktop.store.migrate import upgrade

if TYPE_CHECKING:
    from collections.abc import Iterator

ENV_VAR = "INCIDENT_DESK_DB"
APP_DIR_NAME = "incident-desk"
DEFAULT_FILE_NAME = "incidents.sqlite3"
# How long a write waits for another process's lock before the user is told.
BUSY_TIMEOUT_MS = 5000


def default_database_path() -> Path:
    """The platform's per-user data folder, e.g. ``~/.local/share/incident-desk/``."""
    return platformdirs.user_data_path(APP_DIR_NAME, appauthor=False) / DEFAULT_FILE_NAME


def resolve_url(target: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from a path or URL given by the user, the environment or the default."""
    value = os.fspath(target) if target is not None else os.environ.get(ENV_VAR, "")
    if not value:
        value = os.fspath(default_database_path())
    if "://" in value:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise StoreError(f"Not a database address: {value}") from exc
        return value
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL mode is written into the file: only switch it on in files that are (or are
        # about to become) ours, never in another program's database we are about to refuse.
        cursor.execute(
            "SELECT count(*) = 0 OR sum(name = 'alembic_version') > 0 FROM sqlite_master "
            "WHERE type = 'table'"
        )
        ours = cursor.fetchone()[0]
        if ours:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine with the pragmas every SQLite connection needs."""
    path = sqlite_path(url)
    if path is not None:
        if path.exists() and path.is_dir():
            raise StoreError(f"{path} is a folder, not a database file.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder {path.parent}: {exc.strerror}") from exc
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


@dataclass
class Database:
    """An open workspace: its URL, engine and a factory of per-action sessions."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def label(self) -> str:
        """A short name for titles: the file name, or the URL without its password."""
        path = sqlite_path(self.url)
        if path is not None:
            return path.name
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def location(self) -> str:
        """The full path or password-free URL, for the status bar and messages."""
        path = sqlite_path(self.url)
        if path is not None:
            return str(path)
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One transaction for one user action; database errors become readable messages."""
        try:
            with self.sessions.begin() as session:
                yield session
        except DBAPIError as exc:
            raise StoreError(describe_db_error(exc, self.location)) from exc

    def close(self) -> None:
        self.engine.dispose()


def open_database(
    target: str | os.PathLike[str] | None = None, *, migrate: bool = True
) -> Database:
    """Open (and create or upgrade) the workspace at ``target``."""
    url = resolve_url(target)
    engine = make_engine(url)
    db = Database(url, engine, sessionmaker(engine, expire_on_commit=False))
    if migrate:
        try:
            upgrade(engine, db.location)
        except BaseException:
            engine.dispose()
            raise
    return db
