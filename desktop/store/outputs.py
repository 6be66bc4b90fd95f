"""Writing the files an analyst asks for: reports, exports and backups.

Every writer of the app goes through here, because three things must hold for all of them:

- **The workspace is never the target.** A report aimed at the workspace file, its ``-wal``,
  ``-shm`` or ``-journal`` companions, or one of its automatic backups is refused, however the
  path is spelled: relative, absolute, through a symbolic link or a hard link. An export (a PDF
  or JSON file) also refuses to replace any SQLite database, such as another workspace or a
  backup: nothing an export writes is ever worth one.
- **Nothing is written through a planted link.** The bytes go to a new temporary file made
  with ``O_EXCL`` (``tempfile.mkstemp``) in the target's folder, then renamed over the target:
  a symbolic link placed where the temporary file or the target would be is replaced, never
  followed. A writer that dies leaves only its temporary file, which the next export of the
  same target removes.
- **Reports stay private.** They may carry TLP:RED material: a new file is readable by its
  owner only (0600, like the workspace), a folder created for it likewise (0700); a file that
  is replaced keeps the permissions it had.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from desktop.errors import StoreError, ValidationError
from desktop.store.backup import BACKUP_DIR_NAME, SIDECARS, glob_escape, private_folder

try:  # POSIX: a writer holds a lock on its temporary file for as long as it lives.
    import fcntl
except ImportError:  # pragma: no cover - Windows: an open file cannot be deleted anyway
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import Iterator

_SQLITE_HEADER = b"SQLite format 3\x00"
_PART = ".part"


def _problem(message: str) -> ValidationError:
    return ValidationError("out", message)


def _same_file(a: Path, b: Path) -> bool:
    """Whether two spellings name one file: the same resolved path, or the same inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links, and case-insensitive file systems
    except OSError:
        return False


def _is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _workspace_files(workspace: Path) -> list[Path]:
    """The workspace, its companions and its automatic backups: what no writer may replace."""
    files = [workspace, *(workspace.with_name(workspace.name + s) for s in SIDECARS)]
    folder = Path(os.path.realpath(workspace)).parent / BACKUP_DIR_NAME
    with contextlib.suppress(OSError):
        files += [p for p in folder.iterdir() if p.name.startswith(f"{workspace.name}.")]
    return files


def check_target(target: Path, workspace: Path | None, *, replaces_databases: bool = False) -> Path:
    """``target`` made absolute, or ValidationError when writing there would destroy data.

    ``workspace`` is the open SQLite workspace file (None for a PostgreSQL one).
    ``replaces_databases`` is for backups, which may replace an older backup file; exports
    may never replace a database.
    """
    target = Path(target).expanduser().absolute()
    if target.is_dir():
        raise _problem(f"{target} is a folder; give the name of the file to write.")
    if workspace is not None:
        for protected in _workspace_files(workspace):
            if _same_file(target, protected):
                what = (
                    "the workspace itself"
                    if protected == workspace
                    else (f"part of the workspace {workspace.name}")
                )
                raise _problem(
                    f"{target} is {what}: writing there would destroy it. Choose another file."
                )
    if not replaces_databases and target.is_file() and _is_sqlite_file(target):
        raise _problem(
            f"{target} is a database (a workspace or a backup), which an export would destroy. "
            "Choose another file."
        )
    return target


def remove_stale_parts(target: Path) -> None:
    """Remove temporary files left beside ``target`` by writers that were killed.

    A live writer holds a lock on its temporary file, so only abandoned ones are removed;
    links and other users' files are left alone.
    """
    folder = target.parent
    try:
        candidates = list(folder.glob(f".{glob_escape(target.name)}*{_PART}"))
    except OSError:
        return
    for path in candidates:
        with contextlib.suppress(OSError):
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                continue
            if fcntl is None:
                path.unlink()  # fails while another writer has it open
                continue
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink()
            except BlockingIOError:
                pass  # another export of the same file is being written right now
            finally:
                os.close(fd)


def _existing_mode(target: Path) -> int | None:
    try:
        info = target.stat()
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


@contextmanager
def private_output(
    target: Path, workspace: Path | None, *, replaces_databases: bool = False
) -> Iterator[BinaryIO]:
    """A binary file to write ``target`` through; it replaces ``target`` only when complete.

    Raises ValidationError for a target that must not be written (see :func:`check_target`)
    or that cannot be, with the reason; on any failure, ``target`` is left as it was and the
    temporary file is removed.
    """
    target = check_target(target, workspace, replaces_databases=replaces_databases)
    try:
        private_folder(target.parent)
    except StoreError as exc:
        raise _problem(f"cannot write {target}: {exc}") from exc
    remove_stale_parts(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_PART, dir=target.parent)
    except OSError as exc:
        raise _problem(f"cannot write {target}: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield cast("BinaryIO", handle)
            handle.flush()
            os.fsync(handle.fileno())
            mode = _existing_mode(target)
            if mode is not None:
                os.chmod(handle.fileno(), mode)
            # Checked again just before the rename: the target may have changed meanwhile.
            check_target(target, workspace, replaces_databases=replaces_databases)
            if fcntl is not None:
                os.replace(tmp, target)  # still locked: no cleaner can take it meanwhile
        if fcntl is None:  # pragma: no cover - Windows renames only a closed file
            os.replace(tmp, target)
    except OSError as exc:
        _discard(tmp)
        raise _problem(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        _discard(tmp)  # cancelled, or the content could not be made: no half-written file
        raise


def _discard(tmp: Path) -> None:
    # The folder may be what failed (removed, read-only): nothing to remove then.
    with contextlib.suppress(OSError):
        tmp.unlink()
