"""Opening looks before it touches: another program's file, and files that cannot be written.

Root ignores file permissions, so "cannot be written" is simulated where the tests run as
root: by patching engine.writable (the decision), and, where mounting is allowed, for real on
a read-only tmpfs (os.access sees EROFS even for root).
"""

from __future__ import annotations

import sqlite3
import subprocess
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.errors import StoreError
from desktop.services import incidents, sample
from desktop.services.dto import IncidentQuery
from desktop.store import engine as engine_module
from desktop.store.engine import make_engine, open_database, resolve_url
from desktop.store.migrate import upgrade

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def _journal_mode(path: Path) -> str:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        connection.close()


def _foreign(path: Path, tables: tuple[str, ...]) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.execute("INSERT INTO alembic_version VALUES ('ab12cd34')")
        for table in tables:
            connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    connection.close()


def test_another_programs_alembic_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    _foreign(path, ("orders",))
    before = path.read_bytes()
    with pytest.raises(StoreError, match="a database of another program") as caught:
        open_database(path)
    assert "newer" not in str(caught.value)
    assert path.read_bytes() == before
    assert _journal_mode(path) == "delete"
    assert not (tmp_path / "backups").exists()


def test_only_our_tables_with_an_unknown_revision_are_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    _foreign(path, ("incidents", "sources"))
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version of Incident Desk"):
        open_database(path)
    assert path.read_bytes() == before


# --- read-only ----------------------------------------------------------------------------


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    path = tmp_path / "shelf.sqlite3"
    db = open_database(path)
    try:
        sample.load_sample(db)
    finally:
        db.close()
    return path


def _reads_and_refuses_writes(path: Path) -> None:
    before = path.read_bytes()
    db = open_database(path)
    try:
        assert db.read_only
        found = incidents.list_incidents(db, IncidentQuery(text="drone"))
        assert found
        with pytest.raises(StoreError, match="open read-only") as caught, db.begin() as session:
            session.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'v')"))
        assert "\n" not in str(caught.value)
    finally:
        db.close()
    assert path.read_bytes() == before
    assert not (path.parent / "backups").exists()


def test_a_workspace_that_cannot_be_written_opens_read_only(
    loaded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "writable", lambda _path: False)
    _reads_and_refuses_writes(loaded)


def test_writable_sees_a_file_without_write_permission(
    loaded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert engine_module.writable(loaded)
    monkeypatch.setattr(engine_module.os, "access", lambda _p, mode: mode != engine_module.os.W_OK)
    assert not engine_module.writable(loaded)


def test_an_older_workspace_cannot_be_upgraded_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(resolve_url(path))
    upgrade(engine, str(path), "0006")
    engine.dispose()
    before = path.read_bytes()
    monkeypatch.setattr(engine_module, "writable", lambda _path: False)
    with pytest.raises(StoreError, match=r"cannot be written.*upgrade it first"):
        open_database(path)
    assert path.read_bytes() == before


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs, remounted read-only once filled (needs permission to mount)."""
    mount = tmp_path / "medium"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)  # even if a file is open


def _sample_made_read_only(mount: Path) -> Path:
    """The sample workspace on ``mount``, which is then remounted read-only."""
    path = mount / "shelf.sqlite3"
    db = open_database(path)
    try:
        sample.load_sample(db)
    finally:
        db.close()
    remounted = subprocess.run(
        ["mount", "-o", "remount,ro", str(mount)], capture_output=True, check=False
    )
    if remounted.returncode != 0:
        pytest.skip("cannot remount read-only here")
    return path


def test_a_workspace_on_read_only_media_can_be_searched(read_only_mount: Path) -> None:
    path = _sample_made_read_only(read_only_mount)
    assert not engine_module.writable(path)  # os.access, not a patch: EROFS binds root too
    _reads_and_refuses_writes(path)


def test_a_report_is_written_from_a_read_only_workspace(
    loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Texts and folder are not remembered there, but the analyst still gets the report."""
    monkeypatch.setattr(engine_module, "writable", lambda _path: False)
    before = loaded.read_bytes()
    out = tmp_path / "elsewhere" / "brief.pdf"
    args = ["export", "pdf", "--db", str(loaded), "--out", str(out), "--title", "Read-only brief"]
    assert main(args) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert loaded.read_bytes() == before


def test_a_workspace_on_read_only_media_can_be_backed_up(
    read_only_mount: Path, tmp_path: Path
) -> None:
    path = _sample_made_read_only(read_only_mount)
    before = path.read_bytes()
    out = tmp_path / "copy.bak"
    assert main(["backup", "--db", str(path), "--out", str(out)]) == 0  # not "damaged"
    assert path.read_bytes() == before
    copy = sqlite3.connect(out)
    try:
        assert copy.execute("SELECT count(*) FROM incidents").fetchone() == (7,)
    finally:
        copy.close()
