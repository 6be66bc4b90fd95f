"""Open a workspace for the app, offering the latest automatic backup when it is damaged.

Used at start and by File ▸ Open: when a SQLite workspace cannot be opened (corrupt, not a
database, cut short) and automatic backups of it exist, the analyst is asked whether to
restore the newest one. The damaged file is kept beside it, never deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from desktop.errors import DeskError, StoreError
from desktop.store.backup import automatic_backups, restore_database
from desktop.store.engine import open_database, resolve_url, sqlite_path

if TYPE_CHECKING:
    import os
    from collections.abc import Callable
    from pathlib import Path

    from desktop.store.engine import Database


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
        backups = automatic_backups(path) if path is not None and path.exists() else []
        if path is None or not backups:
            raise
        latest = backups[0]
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
            raise StoreError(f"{exc}\n\nRestoring {latest.name} failed too: {restore_error}") \
                from restore_error
        kept = f" The damaged file was kept as {result.kept.name}." if result.kept else ""
        note = f"Restored the workspace from {latest.name}.{kept}"
        return open_database(path, daily_backup=False), note
