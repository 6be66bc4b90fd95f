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
import errno
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
from desktop.store.dberrors import describe_db_error

if TYPE_CHECKING:
    from collections.abc import Iterator

    from desktop.store.engine import Database

BACKUP_DIR_NAME = "backups"
# The companions SQLite keeps beside a database file while it is in use.
SIDECARS = ("-wal", "-shm", "-journal")
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
                    raise StoreError(
                        f"Cannot create the folder {folder}: {level} is a file, not a folder."
                    )
                level.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder {folder}: {exc.strerror}") from exc
    return folder


def backup_folder(database: Path) -> Path:
    return database.parent / BACKUP_DIR_NAME


def read_only_uri(path: Path) -> str:
    """A SQLite URI that never writes ``path``: ``mode=ro``, or ``immutable=1`` when SQLite
    could not even make its shared-memory file beside it (a read-only folder or medium) and
    no WAL file holds changes that ``immutable`` would ignore."""
    path = path.resolve()
    wal = path.with_name(f"{path.name}-wal")
    folder_writable = os.access(path.parent, os.W_OK)
    flag = "mode=ro" if folder_writable or wal.exists() else "immutable=1"
    return f"{path.as_uri()}?{flag}"


def _drop_sidecars(path: Path) -> None:
    for suffix in SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


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
        # Read-only: a backup must never create, upgrade or switch the journal of its source
        # (and a workspace on read-only media is backed up like any other).
        origin = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                origin.backup(copy)
                # A copy is a file at rest: out of WAL mode, reading it later leaves no
                # -wal and -shm files beside it in the backups folder.
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            origin.close()
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    finally:
        _drop_sidecars(partial)
    return target


def _automatic(database: Path, kind: str) -> list[Path]:
    """This database's automatic backups of one kind, oldest first."""
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    # Names are NAME.KIND[-REV]-STAMP.bak: the time stamp (after the last "-") sorts in time
    # order; the whole name would put every copy before an old revision's upgrade first.
    found = folder.glob(f"{glob_escape(database.name)}.{glob_escape(kind)}-*.bak")
    return sorted(found, key=lambda path: path.name.rsplit("-", 1)[-1])


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def automatic_backup(database: Path, kind: str, detail: str = "", keep: int = KEEP) -> Path:
    """Copy ``database`` into its backups folder as ``NAME.KIND[-DETAIL]-TIME.bak``.

    The finished copy must pass SQLite's quick check, or it is deleted and StoreError raised:
    a damaged workspace must never push its good copies out. The copy is checked rather than
    the live file because its pages are the ones kept, and reading it costs the same. Only
    the newest ``keep`` copies of each kind that open stay, so the folder never grows
    without end and the last good copy is never the one deleted.
    """
    folder = private_folder(backup_folder(database))
    reason = f"{kind}-{detail}" if detail else kind
    target = copy_sqlite(database, folder / f"{database.name}.{reason}-{_stamp()}.bak")
    try:
        _read_workspace(target, "quick_check")
        _check_search_index(target)
    except StoreError as exc:
        target.unlink(missing_ok=True)
        _drop_sidecars(target)
        raise StoreError(
            f"No backup of {database} was kept: the copy fails SQLite's check, so the "
            "workspace itself is probably damaged."
        ) from exc
    _rotate(database, kind, keep)
    return target


def _rotate(database: Path, kind: str, keep: int) -> None:
    """Delete the copies of ``kind`` older than the newest ``keep`` that open."""
    good = 0
    for old in reversed(_automatic(database, kind)):
        if good >= keep:
            old.unlink(missing_ok=True)
            _drop_sidecars(old)
        elif opens(old):
            good += 1


def before_upgrade_backup(database: Path, revision: str, current: str) -> Path:
    """The copy of ``database`` (at ``current``) to keep before upgrading it to ``revision``.

    Made once: after a failed upgrade the file is still at ``current`` and unchanged since
    the newest such copy, so a retry reuses that copy instead of adding another (and, day
    after day, rotating the good ones out).
    """
    for old in reversed(_automatic(database, BEFORE_UPGRADE)):
        found = backup_revision(old)
        if found is None:
            continue  # damaged or not ours: look at the one before
        if found == current and old.stat().st_mtime >= database.stat().st_mtime:
            return old
        break
    return automatic_backup(database, BEFORE_UPGRADE, revision)


def automatic_backups(database: Path) -> list[Path]:
    """Every automatic backup of ``database`` (daily and before upgrades), newest first."""
    found = [*_automatic(database, DAILY), *_automatic(database, BEFORE_UPGRADE)]
    return sorted(found, key=lambda path: path.stat().st_mtime, reverse=True)


def usable_backups(database: Path) -> Iterator[Path]:
    """The automatic backups of ``database`` that open as workspaces, newest first.

    For the app's "restore the latest backup" offer when a workspace turns out damaged, and
    for deciding whether the day's copy is due. Lazy: the caller usually needs the first.
    """
    return (path for path in automatic_backups(database) if opens(path))


def daily_backup_if_due(database: Path, now: datetime | None = None) -> Path | None:
    """Make the day's automatic backup when the newest one that opens is older than a day."""
    now = now or datetime.now(UTC)
    latest = next(usable_backups(database), None)
    newest = datetime.fromtimestamp(latest.stat().st_mtime, UTC) if latest else None
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
    return _read_workspace(path, "integrity_check")


def backup_revision(path: Path) -> str | None:
    """The revision of the workspace at ``path``; None unless it opens and is ours."""
    try:
        return _read_workspace(path)
    except StoreError:
        return None


def opens_intact(path: Path) -> bool:
    """Whether ``path`` opens as a workspace and passes SQLite's quick check (reads it all)."""
    try:
        _read_workspace(path, "quick_check")
    except StoreError:
        return False
    return True


def opens(path: Path) -> bool:
    """Cheaply: whether ``path`` opens as an Incident Desk workspace (no page-by-page check)."""
    return backup_revision(path) is not None


def _read_workspace(path: Path, check: str = "") -> str:
    """The revision of the Incident Desk workspace at ``path``, or StoreError saying why not.

    ``check`` is "" (it opens and is ours: a few milliseconds), or "quick_check" or
    "integrity_check": SQLite reads every page (seconds for hundreds of megabytes).
    """
    from desktop.store.migrate import OUR_TABLES, revision_ids

    if not path.is_file():
        raise StoreError(f"{path} does not exist or is not a file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror}.") from exc
    if header != _SQLITE_HEADER:
        raise StoreError(f"{path} is not an Incident Desk database (not a SQLite file).")
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not OUR_TABLES <= tables:
                raise StoreError(f"{path} is a database of another program, not an Incident "
                                 "Desk workspace.")  # fmt: skip
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            status = connection.execute(f"PRAGMA {check}").fetchone() if check else ("ok",)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        if _is_lock_error(exc):
            raise StoreError(describe_db_error(exc, str(path))) from exc
        raise StoreError(f"{path} is damaged and cannot be read: {exc}") from exc
    if status is None or status[0] != "ok":
        raise StoreError(f"{path} is damaged: the integrity check found problems.")
    if revision is None or revision[0] not in revision_ids():
        raise StoreError(
            f"{path} was written by a newer version of Incident Desk. Update Incident Desk first."
        )
    return str(revision[0])


def _check_search_index(copy: Path) -> None:
    """StoreError when the copy's full-text index is damaged.

    SQLite's quick check does not read inside FTS5's own structures: a workspace whose
    search index is damaged passes it, then refuses every search. Such a copy must not push
    a good one out. The copy is ours (a fresh backup), so the check may run read-write.
    """
    from desktop.store.fts5 import FTS_TABLE

    try:
        connection = sqlite3.connect(copy)
        try:
            exists = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (FTS_TABLE,)
            ).fetchone()
            if exists:
                with connection:
                    connection.execute(
                        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('integrity-check')"
                    )
        finally:
            connection.close()
    # FTS5 reading garbage as sizes may ask for more memory than there is (SQLITE_NOMEM, which
    # Python raises as MemoryError) rather than report corruption: damage all the same.
    except (sqlite3.Error, MemoryError) as exc:
        raise StoreError(f"{copy} is damaged: its search index fails its check ({exc}).") from exc
    finally:
        _drop_sidecars(copy)


def _is_lock_error(exc: sqlite3.Error) -> bool:
    lowered = str(exc).lower()
    return "locked" in lowered or "busy" in lowered


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
        if _is_lock_error(exc):
            raise StoreError(describe_db_error(exc, str(source))) from exc
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
    except sqlite3.DatabaseError as exc:
        if "full" in str(exc).lower():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from exc
        _copy_bytes(target, kept)
        wal = target.with_name(f"{target.name}-wal")
        if wal.exists():
            try:
                _copy_bytes(wal, kept.with_name(f"{kept.name}-wal"))
            except BaseException:
                kept.unlink(missing_ok=True)
                raise
    return kept


def _copy_bytes(source: Path, target: Path) -> None:
    """Copy ``source`` byte for byte into a new owner-only file; nothing is left on failure."""
    create_private_file(target)
    try:
        shutil.copyfile(source, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


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


def _remove_kept(kept: Path | None) -> None:
    if kept is not None:
        for path in (kept, kept.with_name(f"{kept.name}-wal")):
            path.unlink(missing_ok=True)


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
        try:
            staged = copy_sqlite(backup, destination.with_name(f".{destination.name}.restoring"))
        except BaseException:
            # Nothing was replaced, so the copy of what would have been is not needed.
            _remove_kept(kept)
            raise
        # The old WAL and shared-memory files belong to the old file: never replay them
        # onto the restored one.
        _drop_sidecars(destination)
        os.replace(staged, destination)
    except OSError as exc:
        raise StoreError(f"Cannot restore into {destination}: {exc.strerror}") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot restore {backup}: {exc}") from exc
    return RestoreResult(destination, kept)
