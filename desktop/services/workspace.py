"""Workspace use cases for the app: open one (offering a backup when it is damaged), make
its daily backup, and say how to notice other people's changes to it.

The views reach the store only through here. When a SQLite workspace cannot be opened
(corrupt, not a database, cut short) and automatic backups of it exist, the analyst is
asked (through ``ask``) whether to restore the newest one; the damaged file is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from desktop.errors import DeskError, StoreError
from desktop.store.backup import daily_backup_if_due, restore_database, usable_backups
from desktop.store.engine import open_database, resolve_url, sqlite_path
from desktop.store.notify import Listener, listener_factory

if TYPE_CHECKING:
    import os
    from collections.abc import Callable
    from pathlib import Path

    from desktop.store.engine import Database

__all__ = [
    "Listener",
    "change_listener",
    "daily_backup",
    "new_scratch_workspace",
    "open_workspace",
    "server_url",
    "watched_files",
]


def _backup_words(path: Path) -> str:
    taken = datetime.fromtimestamp(path.stat().st_mtime)
    return f"{path.name} (made {taken:%Y-%m-%d %H:%M})"


def open_workspace(
    target: str | os.PathLike[str] | None,
    ask: Callable[[str, str], bool],
) -> tuple[Database, str]:
    """Open ``target``; on a damaged SQLite file with backups, ``ask`` whether to restore.

    Returns the database and a note for the analyst ("" unless a backup was restored).
    Raises the original :class:`DeskError` when there is nothing to offer or the analyst
    declines, and a :class:`StoreError` naming both problems when the restore fails too.
    """
    try:
        return open_database(target, daily_backup=False), ""
    except StoreError as exc:
        path = sqlite_path(resolve_url(target))
        # The newest copy that opens: a damaged one would only fail the restore.
        latest = next(usable_backups(path), None) if path is not None and path.exists() else None
        if path is None or latest is None:
            raise
        if not ask(
            "Restore the latest backup?",
            f"{exc}\n\nAn automatic backup of this workspace exists: {_backup_words(latest)}."
            "\n\nRestore it? Changes made since that backup are not in it. The damaged file "
            "is kept beside it, renamed, so nothing is deleted.",
        ):
            raise
        try:
            result = restore_database(latest, path)
        except DeskError as restore_error:
            raise StoreError(
                f"{exc}\n\nRestoring {latest.name} failed too: {restore_error}"
            ) from restore_error
        kept = f" The damaged file was kept as {result.kept.name}." if result.kept else ""
        note = f"Restored the workspace from {latest.name}.{kept}"
        return open_database(path, daily_backup=False), note


def daily_backup(db: Database) -> Path | None:
    """Make the day's automatic backup of a SQLite workspace if it is due (slow: a copy).

    None for a read-only one: its folder cannot take the copy, and nothing changes in it.
    """
    path = sqlite_path(db.url)
    return daily_backup_if_due(path) if path is not None and not db.read_only else None


def watched_files(db: Database) -> list[Path]:
    """The files whose change means someone else wrote (SQLite: the file and its log)."""
    path = sqlite_path(db.url)
    return [path, path.with_name(path.name + "-wal")] if path is not None else []


def change_listener(db: Database) -> Callable[[], Listener] | None:
    """How to hear other sessions' commits at once (PostgreSQL NOTIFY); None for SQLite."""
    return listener_factory(db.url)


def new_scratch_workspace(path: Path) -> Database:
    """A workspace for tools (screenshots): opened without the daily backup."""
    return open_database(path, daily_backup=False)


def server_url(host: str, port: int, database: str, user: str = "", password: str = "") -> str:
    """The URL of a team workspace on a PostgreSQL server (the password only to connect)."""
    url = URL.create(
        "postgresql+psycopg",
        username=user or None,
        password=password or None,
        host=host,
        port=port,
        database=database,
    )
    return url.render_as_string(hide_password=False)
