"""Backups that survive a damaged workspace, a locked or unreadable file, and a full disk."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.errors import StoreError
from desktop.services import workspace
from desktop.store import backup
from desktop.store.backup import (
    DAILY,
    KEEP,
    automatic_backups,
    backup_database,
    daily_backup_if_due,
    restore_database,
)
from desktop.store.engine import open_database

PAGE = 4096


def _workspace(path: Path, rows: int = 400) -> Path:
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?)",
            ((f"key{i:05}", "x" * 300) for i in range(rows)),
        )
    connection.close()
    return path


def _damage(path: Path) -> None:
    """Garbage over a few pages of the settings table: the schema still reads, the data not."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as handle:
        for page in range(pages - 6, pages - 2):
            handle.seek(page * PAGE)
            handle.write(os.urandom(PAGE))
    assert not backup.opens_intact(path)


def _daily(path: Path) -> list[Path]:
    return sorted((path.parent / "backups").glob(f"{path.name}.{DAILY}-*.bak"))


def test_daily_backups_of_a_damaged_workspace_never_rotate_out_the_good_copy(
    tmp_path: Path,
) -> None:
    path = _workspace(tmp_path / "work.sqlite3")
    good = daily_backup_if_due(path)
    assert good is not None
    _damage(path)
    day = datetime.now(UTC)
    for _ in range(KEEP + 2):
        day += timedelta(days=1, minutes=1)
        assert daily_backup_if_due(path, now=day) is None  # the damaged copy was not kept
    assert _daily(path) == [good]
    assert not list((path.parent / "backups").glob(".*partial"))


def test_opening_a_damaged_workspace_keeps_no_copy_of_it(tmp_path: Path) -> None:
    """The command line's open makes the day's copy: of a damaged file, it keeps none."""
    path = _workspace(tmp_path / "work.sqlite3")
    _damage(path)
    open_database(path).close()  # the schema still reads; the damage is further in
    assert automatic_backups(path) == []


def test_rotation_keeps_the_last_copies_that_open(tmp_path: Path) -> None:
    """Copies that do not open (left by an earlier version) do not count among the kept."""
    path = _workspace(tmp_path / "work.sqlite3")
    oldest_good = backup.automatic_backup(path, DAILY)
    for i in range(KEEP + 1):
        broken = oldest_good.with_name(f"{path.name}.{DAILY}-29990101T0000{i:02}000000Z.bak")
        broken.write_bytes(b"SQLite format 3\x00" + os.urandom(PAGE))
    newest = backup.automatic_backup(path, DAILY)
    assert oldest_good.exists()
    assert newest.exists()
    for _ in range(KEEP - 2):
        backup.automatic_backup(path, DAILY)
    assert oldest_good.exists()  # 6 good copies so far
    backup.automatic_backup(path, DAILY)
    backup.automatic_backup(path, DAILY)
    assert not oldest_good.exists()  # now 7 newer copies open
    assert len([p for p in _daily(path) if backup.opens(p)]) == KEEP


def test_the_restore_offer_names_the_newest_backup_that_opens(tmp_path: Path) -> None:
    path = _workspace(tmp_path / "work.sqlite3")
    good = backup.automatic_backup(path, DAILY)
    damaged = good.with_name(f"{path.name}.{DAILY}-29990101T000000000000Z.bak")
    damaged.write_bytes(b"SQLite format 3\x00" + os.urandom(PAGE))
    path.write_bytes(os.urandom(3 * PAGE))  # the workspace itself: not a database any more
    asked: list[str] = []

    def ask(_title: str, text: str) -> bool:
        asked.append(text)
        return True

    db, note = workspace.open_workspace(path, ask)
    db.close()
    assert good.name in asked[0]
    assert damaged.name not in asked[0]
    assert good.name in note


# --- backup on request: locked, unreadable --------------------------------------------------


def test_backing_up_a_locked_workspace_says_it_is_busy(tmp_path: Path) -> None:
    path = _workspace(tmp_path / "held.sqlite3", rows=1)
    holder_code = (
        "import sqlite3, time, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA locking_mode=EXCLUSIVE')\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "c.execute(\"INSERT INTO settings VALUES ('held', 'x')\")\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", holder_code, str(path)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            with pytest.raises(StoreError) as caught:
                backup_database(path, tmp_path / "copy.bak")
        finally:
            holder.kill()
    assert "locked by another program" in str(caught.value)
    assert "damaged" not in str(caught.value)
    assert not (tmp_path / "copy.bak").exists()


def test_backing_up_an_unreadable_workspace_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workspace(tmp_path / "secret.sqlite3", rows=1)
    if os.geteuid() == 0:
        # Root reads any file whatever its mode: make open() fail as it does for a user.
        real_open = Path.open

        def refuse(self: Path, *args: object, **kwargs: object) -> object:
            if self == path:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
            return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "open", refuse)
    else:
        path.chmod(0)
    with pytest.raises(StoreError, match=r"^Cannot read .*secret\.sqlite3: Permission denied\.$"):
        backup_database(path, tmp_path / "copy.bak")


# --- a full disk ---------------------------------------------------------------------------


def _no_space(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_restore_on_a_full_disk_leaves_no_empty_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workspace(tmp_path / "work.sqlite3", rows=1)
    saved = backup_database(path, tmp_path / "saved.bak")
    before = _copies(tmp_path)
    # The backup API reports a full disk as "database or disk is full"; the byte copy as ENOSPC.
    real_backup = sqlite3.Connection.backup

    def full(self: sqlite3.Connection, target: sqlite3.Connection, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup.sqlite3, "connect", _connect_with_backup(full))
    monkeypatch.setattr(shutil, "copyfile", _no_space)
    with pytest.raises(StoreError, match="No space left on device"):
        restore_database(saved, path)
    assert _copies(tmp_path) == before  # no before-restore copy, empty or not
    del real_backup


def _copies(folder: Path) -> list[str]:
    """The files a backup or restore writes (not SQLite's own -wal and -shm companions)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))


class _Connection:
    """A sqlite3 connection whose backup() is replaced (sqlite3.Connection is immutable)."""

    def __init__(self, inner: sqlite3.Connection, backup_: object) -> None:
        self._inner = inner
        self._backup = backup_

    def backup(self, target: object, **kwargs: object) -> None:
        self._backup(self._inner, target, **kwargs)  # type: ignore[operator]

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def _connect_with_backup(backup_: object) -> object:
    real = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> object:
        return _Connection(real(*args, **kwargs), backup_)  # type: ignore[arg-type]

    return connect


def test_a_restore_on_a_real_full_disk_leaves_no_partial_file(tmp_path: Path) -> None:
    """On a real, tiny tmpfs (needs permission to mount: skipped otherwise)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    built = _workspace(tmp_path / "work.sqlite3", rows=300)
    saved = _workspace(tmp_path / "other.sqlite3", rows=300)
    # Room for the workspace and half of one more copy of it.
    room = (built.stat().st_size * 3 // 2 // PAGE + 1) * PAGE
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={room}", "tmpfs", str(mount)],
        capture_output=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        path = mount / built.name
        shutil.copyfile(built, path)
        before = _copies(mount)
        with pytest.raises(StoreError, match=r"Cannot restore.*No space left on device"):
            restore_database(saved, path)
        assert _copies(mount) == before
        assert all(p.stat().st_size > 0 for p in mount.iterdir())
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)  # even if a file is open


def _damage_search_index(path: Path) -> None:
    """Garbage inside FTS5's own blocks: SQLite's page checks pass, every search fails."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE incident_fts_data SET block = randomblob(length(block)) WHERE id > 1"
        )
        assert connection.execute("PRAGMA quick_check").fetchone() == ("ok",)
    connection.close()


def test_a_damaged_search_index_never_rotates_out_the_good_copies(tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    db = open_database(path)
    try:
        from desktop.services.sample import load_sample

        load_sample(db)
    finally:
        db.close()
    day = datetime.now(UTC)
    good = [backup.automatic_backup(path, DAILY) for _ in range(KEEP)]
    _damage_search_index(path)
    for _ in range(KEEP + 2):
        day += timedelta(days=1, minutes=1)
        assert daily_backup_if_due(path, now=day) is None  # the damaged copy was not kept
    assert _daily(path) == good
    assert sorted(p.name for p in (path.parent / "backups").iterdir()) == [p.name for p in good]


def test_backups_leave_no_wal_or_shm_files_beside_them(tmp_path: Path) -> None:
    path = _workspace(tmp_path / "work.sqlite3")
    for _ in range(KEEP + 2):  # rotation included
        backup.automatic_backup(path, DAILY)
    assert automatic_backups(path)
    names = [p.name for p in (path.parent / "backups").iterdir()]
    assert len(names) == KEEP
    assert all(name.endswith(".bak") for name in names), names
