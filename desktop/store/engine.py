"""Where the database lives, how it is opened, and the per-action session factory."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from desktop.errors import ConcurrentWriteError, StoreError
from desktop.store import checkpoint
from desktop.store.backup import (
    create_private_file,
    daily_backup_if_due,
    private_folder,
    read_only_uri,
)
from desktop.store.dberrors import describe_db_error
from desktop.store.indexes import restore_missing_indexes
from desktop.store.locations import ENV_VAR, default_database_path
from desktop.store.migrate import OUR_TABLES, revision_ids, upgrade
from desktop.store.notify import install as install_change_notification
from desktop.store.search_repair import REBUILT_NOTE, is_index_damage, rebuild_damaged
from desktop.store.search_repair import check_on_open as check_search_index

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# How long a write waits for another process's lock before the user is told.
BUSY_TIMEOUT_MS = 5000
# How long to wait for a database server to answer before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10
# The PostgreSQL driver Incident Desk ships with; a bare ``postgresql://`` means it.
PG_DRIVER = "postgresql+psycopg"
READ_ONLY_MESSAGE = (
    "This workspace is open read-only ({where} or its folder cannot be written): "
    "nothing was changed. Copy it to a folder you can write to in order to change it."
)
DAMAGED_READ_ONLY = (
    "The search index of this workspace is damaged, and {where} is open read-only, so it "
    "cannot be rebuilt: open a copy in a folder you can write to, and it will be."
)


def resolve_url(target: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from a path or URL given by the user, the environment or the default."""
    value = os.fspath(target) if target is not None else os.environ.get(ENV_VAR, "")
    if not value:
        value = os.fspath(default_database_path())
    if "://" in value:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise StoreError(f"Not a database address: {value}") from exc
        if url.drivername in ("postgresql", "postgres"):
            # SQLAlchemy's default PostgreSQL driver (psycopg2) is not installed; psycopg 3 is.
            return url.set(drivername=PG_DRIVER).render_as_string(hide_password=False)
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


def _transactional(dbapi_connection: Any, _record: Any) -> None:
    """Hand transactions to SQLAlchemy: no BEGIN or COMMIT from the driver behind its back.

    pysqlite's own handling opens a transaction only before INSERT, UPDATE or DELETE, so DDL
    (an upgrade's CREATE INDEX, an import's DROP INDEX) ran outside any transaction and a
    crash midway kept half of it. With the driver in autocommit mode and an explicit BEGIN
    (:func:`_begin`), everything between SQLAlchemy's begin and commit is one transaction.
    """
    dbapi_connection.isolation_level = None


def _begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def _is_ours(cursor: Any) -> bool:
    """True for an empty file or an Incident Desk workspace of a revision this code knows."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    tables = {row[0] for row in cursor.fetchall()}
    if not tables:
        return True
    if not OUR_TABLES <= tables:
        return False
    cursor.execute("SELECT version_num FROM alembic_version")
    row = cursor.fetchone()
    return row is not None and str(row[0]) in revision_ids()


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL mode is written into the file: only switch it on in files that are (or are
        # about to become) ours, never in another program's database we are about to refuse.
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() != "wal" and _is_ours(cursor):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _set_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Every write fails at once with "readonly", which Database.begin explains.
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _server_connect_args(url: str) -> dict[str, Any]:
    """Bounded waits for a database server: to connect, and for another user's row locks."""
    query = make_url(url).query
    args: dict[str, Any] = {}
    if "connect_timeout" not in query:
        args["connect_timeout"] = CONNECT_TIMEOUT_S
    if "options" not in query:
        args["options"] = f"-c lock_timeout={BUSY_TIMEOUT_MS}"
    return args


def _prepare_sqlite_file(path: Path) -> None:
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file.")
    private_folder(path.parent)
    if not path.exists():
        try:
            # Owner-only from the first byte; SQLite gives its -wal/-shm files the same mode.
            create_private_file(path)
        except FileExistsError:
            pass  # another process created it meanwhile: it is theirs to have set up
        except OSError as exc:
            raise StoreError(f"Cannot create {path}: {exc.strerror}") from exc


def writable(path: Path) -> bool:
    """Whether SQLite may write the existing file ``path`` and its companions beside it.

    ``os.access`` sees permissions and read-only mounts; the probes see what it may not
    (network file systems, ACLs) and change nothing: the file is opened for writing without
    writing, and the folder's probe is an unnamed temporary file.
    """
    folder = path.parent
    if not (os.access(path, os.W_OK) and os.access(folder, os.W_OK)):
        return False
    try:
        os.close(os.open(path, os.O_RDWR))
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _read_only_connector(path: Path) -> Callable[[], sqlite3.Connection]:
    """Connections that never write ``path`` (see :func:`backup.read_only_uri`)."""
    uri = read_only_uri(path)
    return lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine with the pragmas every SQLite connection needs, or bounded server waits.

    ``read_only`` opens an existing SQLite file without ever writing to it.
    """
    path = sqlite_path(url)
    if path is not None and not read_only:
        _prepare_sqlite_file(path)
    backend = make_url(url).get_backend_name()
    try:
        if path is not None and read_only:
            engine = create_engine(url, creator=_read_only_connector(path))
        elif path is not None or backend == "sqlite":
            engine = create_engine(url)
        else:
            engine = create_engine(url, connect_args=_server_connect_args(url), pool_pre_ping=True)
    except (NoSuchModuleError, ImportError, ArgumentError) as exc:
        raise StoreError(
            f"Incident Desk cannot open '{backend}' databases: give a file path or a "
            f"{PG_DRIVER}://user@host/database address."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _transactional)
        pragmas = _set_read_only_pragmas if read_only else _set_sqlite_pragmas
        event.listen(engine, "connect", pragmas)
        event.listen(engine, "begin", _begin)
        if not read_only:
            checkpoint.Checkpointer(engine)
    return engine


@dataclass
class Database:
    """An open workspace: its URL, engine and a factory of per-action sessions."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    # A SQLite file opened without write access (read-only medium, folder or file): it can
    # be read and searched; every write is refused with READ_ONLY_MESSAGE.
    read_only: bool = False
    # Something the analyst should hear about that opening did (the search index repaired).
    notice: str = ""

    def __post_init__(self) -> None:
        if self.engine.dialect.name == "postgresql":
            # Every committed write tells the other open windows (desktop.store.notify).
            install_change_notification(self.sessions)

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
        # Unquoted, so a socket folder reads as /run/postgresql rather than %2Frun%2F….
        return unquote(make_url(self.url).render_as_string(hide_password=True))

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
            if getattr(exc.orig, "sqlite_errorname", "") == "SQLITE_BUSY_SNAPSHOT":
                raise ConcurrentWriteError(
                    "Someone else saved a change to this workspace while this one was being "
                    "made, so nothing was changed. Try again."
                ) from exc
            if self.read_only and "readonly" in str(exc.orig).lower():
                raise StoreError(READ_ONLY_MESSAGE.format(where=self.location)) from exc
            if is_index_damage(exc):
                if self.read_only:
                    raise StoreError(DAMAGED_READ_ONLY.format(where=self.location)) from exc
                # Damage the check on opening could not see (it reads only the structure):
                # this action was rolled back; the next one finds a sound index.
                rebuild_damaged(self.engine, self.location)
                raise StoreError(f"{REBUILT_NOTE} Try again.") from exc
            raise StoreError(describe_db_error(exc, self.location)) from exc
        except MemoryError as exc:
            # FTS5 reading a damaged index may ask for more memory than there is (SQLITE_NOMEM,
            # raised as MemoryError, which SQLAlchemy does not wrap): damage all the same.
            if not self.is_sqlite:
                raise
            if self.read_only:
                raise StoreError(DAMAGED_READ_ONLY.format(where=self.location)) from exc
            rebuild_damaged(self.engine, self.location)
            raise StoreError(f"{REBUILT_NOTE} Try again.") from exc

    def close(self) -> None:
        checkpoint.wait(self.engine)
        self.engine.dispose()


def open_database(
    target: str | os.PathLike[str] | None = None,
    *,
    migrate: bool = True,
    daily_backup: bool = True,
) -> Database:
    """Open (and create or upgrade) the workspace at ``target``.

    A SQLite workspace that already held data gets its daily automatic backup here
    (see :mod:`desktop.store.backup`), unless ``daily_backup`` is False: the app makes it
    in the background instead, so a large workspace's copy never delays the window.
    """
    url = resolve_url(target)
    path = sqlite_path(url)
    existed = path is not None and path.is_file() and path.stat().st_size > 0
    read_only = path is not None and path.is_file() and not writable(path)
    engine = make_engine(url, read_only=read_only)
    db = Database(url, engine, sessionmaker(engine, expire_on_commit=False), read_only)
    if migrate:
        try:
            upgrade(engine, db.location, read_only=read_only)
            if path is not None and not read_only:
                restore_missing_indexes(engine, db.location)
            if not read_only:
                db.notice = check_search_index(engine, db.location)
        except BaseException:
            engine.dispose()
            raise
        if daily_backup and path is not None and existed and not read_only:
            daily_backup_if_due(path)
    return db
