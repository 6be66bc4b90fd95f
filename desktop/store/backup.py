"""Copies of SQLite workspaces: automatic rotating backups, and backup/restore on request.

Automatic copies go to a ``backups/`` folder beside the database: one before every schema
upgrade (``NAME.before-REV-TIME.bak``) and one a day when the workspace is opened
(``NAME.daily-TIME.bak``); the newest :data:`KEEP` of each kind are kept. Copies are made
with SQLite's online backup API, so a workspace in use (with pages still in its WAL file) is
copied consistently. Every file and folder made here is readable by its owner only.

PostgreSQL databases are backed up by the server's own tools (``pg_dump``); asking for a
backup of one is refused with that advice.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from desktop.errors import StoreError

if TYPE_CHECKING:
    from desktop.store.engine import Database

BACKUP_DIR_NAME = "backups"
KEEP = 7
DAILY = "daily"
BEFORE_UPGRADE = "before"
DAILY_INTERVAL = timedelta(days=1)
_STAMP = "%Y%m%dT%H%M%S%fZ"
_SQLITE_HEADER = b"SQLite format 3\x00"
_PG_ADVICE = (
    "Back up a PostgreSQL database with the server's tools, e.g. "
    "pg_dump --format=custom --file=FILE DBNAME, and restore it with pg_restore."
)


@dataclass(frozen=True)
class RestoreResult:
    """Where the backup went, and where the copy of what it replaced was kept (if any)."""

    target: Path
    kept: Path | None


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime(_STAMP)


def create_private_file(path: Path) -> None:
    """An empty file only its owner can read; an empty file is a valid new SQLite database.

    Made before SQLite opens the path, because SQLite gives its -wal and -shm files the
    permissions of the database file.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def private_folder(folder: Path) -> Path:
    """``folder``, created readable by its owner only when it does not exist yet."""
    if not folder.is_dir():
        try:
            # mkdir(parents=True) gives the folders above the last one the default mode:
            # each missing level is made here instead, owner-only.
            missing = [folder, *(p for p in folder.parents if not p.is_dir())]
            for level in reversed(missing):
                if level.exists():
                    raise StoreError(f"{level} is a file, not a folder.")
                level.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder {folder}: {exc.strerror}") from exc
    return folder


def backup_folder(database: Path) -> Path:
    return database.parent / BACKUP_DIR_NAME


def copy_sqlite(source: Path, target: Path) -> Path:
    """Copy a live SQLite database consistently into a new owner-only file ``target``.

    The copy is written beside ``target`` first and renamed into place, so an interrupted
    copy never leaves a half-written backup under the final name.
    """
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    create_private_file(partial)
    try:
        # mode=ro: a backup must never create, upgrade or switch the journal of its source.
        origin = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                origin.backup(copy)
            finally:
                copy.close()
        finally:
            origin.close()
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return target


def _automatic(database: Path, kind: str) -> list[Path]:
    """This database's automatic backups of one kind, oldest first."""
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    # Names are NAME.KIND[-REV]-STAMP.bak: the time stamp sorts in time order.
    return sorted(folder.glob(f"{glob_escape(database.name)}.{glob_escape(kind)}-*.bak"))


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def automatic_backup(database: Path, kind: str, detail: str = "", keep: int = KEEP) -> Path:
    """Copy ``database`` into its backups folder as ``NAME.KIND[-DETAIL]-TIME.bak``.

    Only the newest ``keep`` copies of each kind stay, so the folder never grows without end.
    """
    folder = private_folder(backup_folder(database))
    reason = f"{kind}-{detail}" if detail else kind
    target = copy_sqlite(database, folder / f"{database.name}.{reason}-{_stamp()}.bak")
    for old in _automatic(database, kind)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    return target


def automatic_backups(database: Path) -> list[Path]:
    """Every automatic backup of ``database`` (daily and before upgrades), newest first.

    For the app's "restore the latest backup" offer when a workspace turns out damaged.
    """
    found = [*_automatic(database, DAILY), *_automatic(database, BEFORE_UPGRADE)]
    return sorted(found, key=lambda path: path.stat().st_mtime, reverse=True)


def daily_backup_if_due(database: Path, now: datetime | None = None) -> Path | None:
    """Make the day's automatic backup when the newest one is older than a day."""
    now = now or datetime.now(UTC)
    backups = automatic_backups(database)
    newest = datetime.fromtimestamp(backups[0].stat().st_mtime, UTC) if backups else None
    if newest is not None and now - newest < DAILY_INTERVAL:
        return None
    try:
        return automatic_backup(database, DAILY)
    except (OSError, sqlite3.Error, StoreError):
        # A missed daily copy must not keep the analyst out of their work; the next
        # opening tries again.
        return None


# --- backup and restore on request ------------------------------------------------------


def _sqlite_file(target: Database | str | os.PathLike[str] | None) -> Path:
    """The SQLite file behind a database, path or URL; PostgreSQL is refused with advice."""
    from desktop.store.engine import Database, resolve_url, sqlite_path

    url = target.url if isinstance(target, Database) else resolve_url(target)
    path = sqlite_path(url)
    if path is None:
        if make_url(url).get_backend_name() == "postgresql":
            raise StoreError(
                f"Incident Desk does not copy PostgreSQL databases itself. {_PG_ADVICE}"
            )
        raise StoreError(f"Only database files can be backed up or restored, not {url}.")
    return path


def check_workspace_file(path: Path) -> str:
    """Raise StoreError unless ``path`` is an intact Incident Desk database; its revision."""
    from desktop.store.migrate import known_revisions

    if not path.is_file():
        raise StoreError(f"{path} does not exist or is not a file.")
    with path.open("rb") as handle:
        header = handle.read(len(_SQLITE_HEADER))
    if header != _SQLITE_HEADER:
        raise StoreError(f"{path} is not an Incident Desk database (not a SQLite file).")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not {"alembic_version", "incidents", "sources"} <= tables:
                raise StoreError(f"{path} is a database of another program, not an Incident "
                                 "Desk workspace.")  # fmt: skip
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            status = connection.execute("PRAGMA integrity_check").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{path} is damaged and cannot be read: {exc}") from exc
    if status is None or status[0] != "ok":
        raise StoreError(f"{path} is damaged: the integrity check found problems.")
    if revision is None or revision[0] not in known_revisions():
        raise StoreError(
            f"{path} was written by a newer version of Incident Desk. Update Incident Desk first."
        )
    return str(revision[0])


def backup_database(db_or_path: Database | str | os.PathLike[str] | None, out: Path) -> Path:
    """Write a consistent copy of a workspace to ``out`` (owner-only); returns ``out``."""
    source = _sqlite_file(db_or_path)
    check_workspace_file(source)
    from desktop.store.outputs import check_target

    # Never over the workspace, its companions or its automatic backups, however spelled.
    out = check_target(out, source, replaces_databases=True)
    private_folder(out.parent)
    # A replaced backup keeps the permissions its owner gave it; a new one is owner-only.
    mode = stat.S_IMODE(out.stat().st_mode) if out.is_file() else None
    try:
        copy_sqlite(source, out)
        if mode is not None:
            out.chmod(mode)
        return out
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot back up {source}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"Cannot write {out}: {exc.strerror}") from exc


def _keep_copy_of(target: Path) -> Path:
    """Copy what a restore is about to replace to ``NAME.before-restore-TIME.bak`` beside it.

    A readable database is copied with the backup API (its WAL included); a damaged one
    byte for byte, with its WAL file as ``….bak-wal`` so SQLite finds it next to the copy.
    """
    kept = target.with_name(f"{target.name}.before-restore-{_stamp()}.bak")
    try:
        copy_sqlite(target, kept)
    except sqlite3.Error:
        create_private_file(kept)
        shutil.copyfile(target, kept)
        wal = target.with_name(f"{target.name}-wal")
        if wal.exists():
            kept_wal = kept.with_name(f"{kept.name}-wal")
            create_private_file(kept_wal)
            shutil.copyfile(wal, kept_wal)
    return kept


def _in_use_error(target: Path) -> StoreError:
    return StoreError(
        f"The database {target} is in use by another program. Close every Incident Desk "
        "window using it and try again."
    )


def _refuse_if_in_use(target: Path) -> None:
    """Raise StoreError when another connection has the database open (damaged is fine).

    An idle connection to a WAL database holds no lock a transaction would notice, but
    leaving WAL mode needs every other connection closed: that is the test. Replacing the
    file under an open connection would send its next writes to the old, deleted file.
    """
    try:
        connection = sqlite3.connect(target, timeout=0.5, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("ROLLBACK")
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()
        if mode is not None and str(mode[0]).lower() == "wal":
            raise _in_use_error(target)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise _in_use_error(target) from exc
    except sqlite3.DatabaseError:
        pass  # damaged: exactly what a restore is for
    finally:
        connection.close()


def restore_database(
    backup_file: str | os.PathLike[str], target: Database | str | os.PathLike[str] | None
) -> RestoreResult:
    """Replace the workspace at ``target`` with ``backup_file``, keeping a copy of the old one.

    The backup is checked first (an intact Incident Desk database); nothing is touched when it
    is not. The restored file is written beside the target and renamed over it, so the target
    is at every moment either the old workspace or the restored one. Every connection to the
    target must be closed first (a caller holding a :class:`Database` closes it); a target
    another program has open is refused.
    """
    backup = Path(backup_file).expanduser().absolute()
    destination = _sqlite_file(target)
    check_workspace_file(backup)
    if destination.exists() and destination.resolve() == backup.resolve():
        raise StoreError("The backup file is the database itself; choose another backup.")
    if destination.is_dir():
        raise StoreError(f"{destination} is a folder, not a database file.")
    private_folder(destination.parent)
    kept: Path | None = None
    try:
        if destination.exists():
            _refuse_if_in_use(destination)
            kept = _keep_copy_of(destination)
        staged = copy_sqlite(backup, destination.with_name(f".{destination.name}.restoring"))
        # The old WAL and shared-memory files belong to the old file: never replay them
        # onto the restored one.
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                destination.with_name(destination.name + suffix).unlink()
        os.replace(staged, destination)
    except OSError as exc:
        raise StoreError(f"Cannot restore into {destination}: {exc.strerror}") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot restore {backup}: {exc}") from exc
    return RestoreResult(destination, kept)
