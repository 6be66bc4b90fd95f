"""Every writer refuses the workspace, never follows a planted link, and keeps reports private.

The attacks come from an adversarial run: an export aimed at the workspace (however the path is
spelled) replaced it; a planted ``.NAME.part`` link sent an export into another file; exports
were world-readable; a killed export left a complete-looking hidden file behind.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from typing import TYPE_CHECKING

import pytest

from desktop.cli import main
from desktop.errors import ValidationError
from desktop.store.backup import daily_backup_if_due
from desktop.store.engine import open_database
from desktop.store.outputs import check_target, private_output, remove_stale_parts

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from desktop.store.engine import Database


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A sample workspace file in the current folder, as an analyst's would be."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INCIDENT_DESK_USER", "outputs-test")
    path = tmp_path / "w.sqlite3"
    assert main(["sample", "--db", str(path)]) == 0
    assert daily_backup_if_due(path) is not None
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _incident_count(path: Path) -> int:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM incidents").fetchone()[0])
    finally:
        connection.close()


def _spellings(workspace: Path) -> dict[str, Callable[[], str]]:
    """Ways to name the workspace (or a part of it) that are not its plain path."""
    folder = workspace.parent

    def symlink() -> str:
        (folder / "link.pdf").symlink_to(workspace)
        return "link.pdf"

    def hardlink() -> str:
        os.link(workspace, folder / "hard.pdf")
        return "hard.pdf"

    def linked_folder() -> str:
        (folder / "elsewhere").symlink_to(folder, target_is_directory=True)
        return "elsewhere/w.sqlite3"

    def automatic_backup() -> str:
        backups = sorted((folder / "backups").glob("w.sqlite3.*.bak"))
        assert backups, "opening the sample workspace makes its first daily backup"
        return str(backups[0])

    return {
        "relative": lambda: "./w.sqlite3",
        "absolute": lambda: str(workspace),
        "dotted": lambda: f"{folder}/../{folder.name}/w.sqlite3",
        "symlink": symlink,
        "hard link": hardlink,
        "through a linked folder": linked_folder,
        "wal": lambda: "w.sqlite3-wal",
        "shm": lambda: "w.sqlite3-shm",
        "automatic backup": automatic_backup,
    }


SPELLINGS = [
    "relative",
    "absolute",
    "dotted",
    "symlink",
    "hard link",
    "through a linked folder",
    "wal",
    "shm",
    "automatic backup",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("command", ["pdf", "json", "backup"])
def test_no_writer_replaces_the_workspace(
    workspace: Path, spelling: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Keep a -wal and -shm in place, as while the app has the workspace open.
    holder = sqlite3.connect(workspace)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TEMP TABLE t (x)")
    try:
        target = _spellings(workspace)[spelling]()
        protected = workspace.parent / target
        before = {p.name: _digest(p) for p in workspace.parent.rglob("w.sqlite3*") if p.is_file()}
        args = (
            ["backup", "--db", str(workspace), "--out", target]
            if command == "backup"
            else ["export", command, "--db", str(workspace), "--out", target]
        )
        capsys.readouterr()
        assert main(args) == 2
        error = capsys.readouterr().err
        assert "destroy" in error, error
        assert "Traceback" not in error
        after = {p.name: _digest(p) for p in workspace.parent.rglob("w.sqlite3*") if p.is_file()}
        assert after == before
        assert protected.exists() or spelling in ("wal", "shm")
    finally:
        holder.close()
    assert _incident_count(workspace) == 7


@pytest.mark.parametrize("command", ["pdf", "json"])
def test_an_export_never_replaces_another_database(
    workspace: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other-workspace.sqlite3"
    assert main(["sample", "--db", str(other)]) == 0
    before = _digest(other)
    capsys.readouterr()
    assert main(["export", command, "--db", str(workspace), "--out", str(other)]) == 2
    assert "is a database" in capsys.readouterr().err
    assert _digest(other) == before


def test_a_backup_may_replace_an_older_backup_of_its_own(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "weekly.bak"
    assert main(["backup", "--db", str(workspace), "--out", str(out)]) == 0
    assert main(["backup", "--db", str(workspace), "--out", str(out)]) == 0
    assert _incident_count(out) == 7


@pytest.mark.parametrize("command", ["pdf", "json"])
def test_a_planted_part_link_is_not_followed(workspace: Path, tmp_path: Path, command: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("the victim's file\n")
    out = tmp_path / f"report.{command}"
    # Every name the writer might use for its temporary file, planted ahead of it.
    for name in (f".{out.name}.part", f".{out.name}.tmp"):
        (tmp_path / name).symlink_to(victim)
    assert main(["export", command, "--db", str(workspace), "--out", str(out)]) == 0
    assert victim.read_text() == "the victim's file\n"
    assert out.is_file()
    assert not out.is_symlink()


@pytest.mark.parametrize("command", ["pdf", "json"])
def test_a_link_planted_as_the_target_is_replaced_not_followed(
    workspace: Path, tmp_path: Path, command: str
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("the victim's file\n")
    out = tmp_path / f"report.{command}"
    out.symlink_to(victim)
    assert main(["export", command, "--db", str(workspace), "--out", str(out)]) == 0
    assert victim.read_text() == "the victim's file\n"
    assert not out.is_symlink()


@pytest.mark.parametrize("command", ["pdf", "json", "backup"])
def test_new_files_and_folders_are_private(workspace: Path, tmp_path: Path, command: str) -> None:
    previous = os.umask(0o022)
    out = tmp_path / "new-folder" / "deeper" / f"out.{command}"
    args = (
        ["backup", "--db", str(workspace), "--out", str(out)]
        if command == "backup"
        else ["export", command, "--db", str(workspace), "--out", str(out)]
    )
    try:
        assert main(args) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    for folder in (out.parent, out.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644])
@pytest.mark.parametrize("command", ["pdf", "json", "backup"])
def test_a_replaced_file_keeps_its_mode(
    workspace: Path, tmp_path: Path, command: str, mode: int
) -> None:
    out = tmp_path / f"out.{command}"
    args = (
        ["backup", "--db", str(workspace), "--out", str(out)]
        if command == "backup"
        else ["export", command, "--db", str(workspace), "--out", str(out)]
    )
    assert main(args) == 0
    out.chmod(mode)
    assert main(args) == 0
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_stale_parts_of_killed_exports_are_removed(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    stale = [tmp_path / ".brief.pdf.part", tmp_path / ".brief.pdf.k1ll3d.part"]
    for path in stale:
        path.write_bytes(b"%PDF-1.4 a complete-looking report")
    unrelated = tmp_path / ".other.pdf.x.part"
    unrelated.write_bytes(b"another export's")
    assert main(["export", "pdf", "--db", str(workspace), "--out", str(out)]) == 0
    assert not any(path.exists() for path in stale)
    assert unrelated.exists()
    assert sorted(p.name for p in tmp_path.glob(".brief*")) == []


def test_a_live_writers_part_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    with private_output(out, None) as handle:
        handle.write(b"{}")
        (live,) = tmp_path.glob(".brief.json.*.part")
        remove_stale_parts(out)  # what another export of the same file does meanwhile
        assert live.exists()
    assert out.read_bytes() == b"{}"
    assert not live.exists()


def test_a_failed_write_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    out.write_bytes(b"the previous export")

    def fail_midway() -> None:
        with private_output(out, None) as handle:
            handle.write(b"half")
            raise RuntimeError("the content could not be made")

    with pytest.raises(RuntimeError):
        fail_midway()
    assert out.read_bytes() == b"the previous export"
    assert list(tmp_path.iterdir()) == [out]


def test_a_full_disk_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "brief.json"

    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)

    def write() -> None:
        with private_output(out, None) as handle:
            handle.write(b"{}")

    with pytest.raises(ValidationError, match="No space left on device"):
        write()
    assert list(tmp_path.iterdir()) == []


def test_check_target_names_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is a folder"):
        check_target(tmp_path, None)


def test_without_a_workspace_file_only_databases_are_refused(tmp_path: Path) -> None:
    database = tmp_path / "some.sqlite3"
    db: Database = open_database(database)
    db.close()
    assert check_target(tmp_path / "a.pdf", None) == tmp_path / "a.pdf"
    with pytest.raises(ValidationError, match="is a database"):
        check_target(database, None)
