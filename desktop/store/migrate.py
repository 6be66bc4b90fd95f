"""Creating and upgrading databases with Alembic, with a backup before any upgrade."""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from desktop.errors import StoreError
from desktop.store.backup import before_upgrade_backup
from desktop.store.dberrors import describe_db_error
from desktop.store.locations import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The tables that make a SQLite file an Incident Desk workspace (with a revision we know).
OUR_TABLES = frozenset({"alembic_version", "incidents", "sources"})
# Any constant, as long as it is only ours: the key of the upgrade's PostgreSQL advisory lock.
_UPGRADE_LOCK_KEY = 0x494464657366


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The head according to Alembic's scripts (tests compare it with HEAD_REVISION)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


@cache
def revision_ids() -> frozenset[str]:
    """The revisions of :func:`known_revisions`, from the scripts' names (``0009_….py``).

    Without loading Alembic (a slow import): every connection asks before it touches a file.
    tests/store/test_migrations_head.py checks that both agree.
    """
    names = (path.name for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))
    return frozenset(name.split("_", 1)[0] for name in names)


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def backup_sqlite_file(path: Path, revision: str, current: str) -> Path:
    """The automatic copy made before upgrading from ``current`` to ``revision``.

    Made once: a later attempt after a failed upgrade finds it (see before_upgrade_backup).
    """
    try:
        return before_upgrade_backup(path, revision, current)
    except (OSError, sqlite3.Error) as exc:
        # Never upgrade without the copy: the upgrade is the moment data could be lost.
        raise StoreError(
            f"Cannot make the backup copy of {path} needed before upgrading it: {exc}"
        ) from exc


def upgrade(
    engine: Engine, location: str, revision: str = "head", *, read_only: bool = False
) -> None:
    """Bring the database to ``revision``: create it when empty, back it up when older.

    All or nothing: the whole upgrade is one transaction (on SQLite too, see
    engine._transactional), so a crash or a full disk midway leaves the old revision intact.
    ``read_only`` databases are only checked: one that needs an upgrade is refused.
    """
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            current = current_revision(connection)
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, location)) from exc

    target = HEAD_REVISION if revision == "head" else revision
    if current == target:
        return
    if current is None and tables - {"alembic_version"}:
        raise StoreError(
            f"{location} is a database of another program, not an Incident Desk workspace."
        )
    if current is not None and current not in revision_ids():
        if not OUR_TABLES <= tables:  # e.g. another program's own Alembic revision
            raise StoreError(
                f"{location} is a database of another program, not an Incident Desk workspace."
            )
        raise StoreError(
            f"{location} was written by a newer version of Incident Desk. "
            "Update Incident Desk to open it."
        )
    if read_only:
        raise StoreError(
            f"{location} can only be opened read-only (it or its folder cannot be written), "
            "and this version of Incident Desk must upgrade it first. Copy it to a folder "
            "you can write to and open the copy."
        )
    if current is not None and engine.dialect.name == "sqlite" and engine.url.database:
        backup_sqlite_file(Path(engine.url.database), target, current)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Team workspaces: when several copies of the app open a new or older database
                # at once, one upgrades it while the others wait, then find nothing to do.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK_KEY}
                )
                if current_revision(connection) == target:
                    return
            from alembic import command

            command.upgrade(alembic_config(connection), target)
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, location)) from exc
