"""Custody trails travel in bundles: written, checked on the way in, restored, refused when
broken; bundles written before trails travelled still import."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from desktop.cli.main import main
from desktop.services import custody, evidence, incidents
from desktop.services.dto import IncidentQuery
from desktop.store.engine import open_database
from desktop.store.models import CustodyEntry

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import DbUrls, IncidentFactory


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


@pytest.fixture
def exported(
    db: Database, make_incident: IncidentFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str, str]:
    """A bundle of one incident with one file attached twice: path, the file's hash, id."""
    created = incidents.create_incident(db, make_incident())
    assert created.id is not None
    (tmp_path / "photo.png").write_bytes(os.urandom(50_000))
    [item] = evidence.add_evidence(db, [tmp_path / "photo.png"], created.id)
    evidence.add_evidence(db, [tmp_path / "photo.png"], created.id, citation_index=0)
    out = tmp_path / "case.zip"
    assert run(capsys, "export", "bundle", "--out", str(out), "--db", db.url)[0] == 0
    return out, item.sha256, created.id


def _resigned(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of a bundle with members changed (None: left out) and the manifest rewritten
    to match, as someone covering their tracks would."""
    lines = []
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename == "manifest.sha256":
                continue
            data = change(info.filename, old.read(info))
            if data is None:
                continue
            new.writestr(info, data)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {info.filename}")
        new.writestr("manifest.sha256", "".join(f"{line}\n" for line in lines))
    return target


def _trail_json(path: Path, sha: str) -> dict[str, object]:
    with zipfile.ZipFile(path) as archive:
        document: dict[str, object] = json.loads(archive.read(f"custody/{sha}.json"))
    return document


def test_the_bundle_carries_the_trail_ending_with_its_export(
    exported: tuple[Path, str, str], db: Database
) -> None:
    path, sha, _ = exported
    carried = _trail_json(path, sha)
    assert carried["format"] == "incident-desk/custody-1"
    assert carried["sha256"] == sha
    entries = carried["entries"]
    assert isinstance(entries, list)
    # The workspace's own trail is the bundle's, entry for entry (the same hashes).
    stored = evidence.custody_trail(db, sha)
    assert [(e["action"], e["by"], e["entry_hash"]) for e in entries] == [
        (c.action, c.by, c.entry_hash) for c in stored
    ]
    assert [c.action for c in stored] == ["added", "linked", "linked", "exported"]
    assert stored[-1].detail == "in bundle case.zip"


def test_import_restores_the_trail_and_appends_imported(
    exported: tuple[Path, str, str],
    db: Database,
    new_db_url: DbUrls,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, sha, _ = exported
    before = evidence.custody_trail(db, sha)
    other = new_db_url()
    monkeypatch.setenv("INCIDENT_DESK_USER", "receiver")
    try:
        assert run(capsys, "import", str(path), "--db", other)[0] == 0
        target = open_database(other)
        try:
            after = evidence.custody_trail(target, sha)
            assert [c.entry_hash for c in after[: len(before)]] == [c.entry_hash for c in before]
            imported, *linked = after[len(before) :]
            assert (imported.action, imported.by) == ("imported", "receiver")
            assert imported.detail == (
                "photo.png, 50,000 bytes, from bundle case.zip, with its custody trail of 4 entries"
            )
            assert [c.action for c in linked] == ["linked", "linked"]
            assert evidence.verify_evidence(target).intact  # the restored chain is whole
        finally:
            target.close()
    finally:
        new_db_url.drop(other)


def test_a_bundle_without_trails_still_imports(
    exported: tuple[Path, str, str],
    tmp_path: Path,
    new_db_url: DbUrls,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, sha, incident_id = exported
    old = _resigned(
        path, tmp_path / "old.zip", lambda name, data: None if name.startswith("custody/") else data
    )
    other = new_db_url()
    try:
        code, _lines, err = run(capsys, "import", str(old), "--db", other)
        assert (code, err) == (0, "")
        target = open_database(other)
        try:
            assert len(evidence.list_evidence(target, incident_id)) == 2
            trail = evidence.custody_trail(target, sha)
            assert [c.action for c in trail] == ["added", "linked", "linked"]
            assert trail[0].detail == "photo.png, 50,000 bytes, from bundle old.zip"
        finally:
            target.close()
    finally:
        new_db_url.drop(other)


def _altered_entry(data: bytes, change: Callable[[list[dict[str, object]]], None]) -> bytes:
    document = json.loads(data)
    change(document["entries"])
    return json.dumps(document).encode()


def _set_by(entries: list[dict[str, object]]) -> None:
    entries[0]["by"] = "someone else"


def _drop_second(entries: list[dict[str, object]]) -> None:
    del entries[1]
    for number, entry in enumerate(entries):  # renumbered, to hide the gap
        entry["seq"] = number


def _cut_second(entries: list[dict[str, object]]) -> None:
    del entries[1]


def _swap(entries: list[dict[str, object]]) -> None:
    entries[1], entries[2] = entries[2], entries[1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set_by, "the chain is broken (custody entry 0 (added) was altered)"),
        (_drop_second, "the chain is broken (custody entry 1 does not follow entry 0)"),
        (_cut_second, "the chain is broken (custody entry 1 is missing)"),
        (_swap, "the chain is broken (custody entry 1 is missing)"),
        (lambda e: e[0].update(action="stolen"), "entry 0: the action is not one of"),
        (lambda e: e[0].update(at="yesterday"), "entry 0: at is not a UTC date-time"),
        (lambda e: e[0].pop("detail"), "entry 0 is not seq, at, by, action"),
        (lambda e: e.clear(), "it has no entries"),
    ],
)
def test_a_broken_or_malformed_trail_refuses_the_bundle(
    exported: tuple[Path, str, str],
    tmp_path: Path,
    new_db_url: DbUrls,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[list[dict[str, object]]], None],
    message: str,
) -> None:
    path, sha, _ = exported
    member = f"custody/{sha}.json"
    bad = _resigned(
        path,
        tmp_path / "bad.zip",
        lambda name, data: _altered_entry(data, change) if name == member else data,
    )
    _imports_nothing(capsys, bad, new_db_url, f"refused {member}: {message}")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: b"not json", "not a custody trail (JSON)"),
        (lambda data: data.replace(b"custody-1", b"custody-9"), "its format is not"),
        (lambda data: json.dumps({}).encode(), "its format is not"),
    ],
)
def test_a_trail_that_is_not_one_refuses_the_bundle(
    exported: tuple[Path, str, str],
    tmp_path: Path,
    new_db_url: DbUrls,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[bytes], bytes],
    message: str,
) -> None:
    path, sha, _ = exported
    member = f"custody/{sha}.json"
    bad = _resigned(
        path, tmp_path / "bad.zip", lambda name, data: change(data) if name == member else data
    )
    _imports_nothing(capsys, bad, new_db_url, message)


def test_hostile_custody_members_are_refused(
    exported: tuple[Path, str, str],
    tmp_path: Path,
    new_db_url: DbUrls,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, sha, _ = exported
    member = f"custody/{sha}.json"
    # A trail whose file is not in the bundle.
    orphan = _resigned(
        path,
        tmp_path / "orphan.zip",
        lambda name, data: None if name == f"evidence/{sha}" else data,
    )
    _imports_nothing(capsys, orphan, new_db_url, "the trail of a file not in the bundle")
    # A trail changed without the manifest: its SHA-256 no longer matches.
    unsigned = tmp_path / "unsigned.zip"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(unsigned, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(
                info, data.replace(b'"tester"', b'"mallory"') if info.filename == member else data
            )
    _imports_nothing(capsys, unsigned, new_db_url, f"{member} does not match its SHA-256")
    # A trail given under another file's name.
    other_sha = "b" * 64
    wrong = _resigned(
        path,
        tmp_path / "wrong.zip",
        lambda name, data: (
            data.replace(sha.encode(), other_sha.encode()) if name == member else data
        ),
    )
    _imports_nothing(capsys, wrong, new_db_url, "it is the trail of another file")
    # Not a trail's name, nor a bomb.
    for name, data, message in (
        (f"custody/{sha}.txt", b"x", "not a member of an Incident Desk bundle"),
        (f"custody/{sha[:10]}.json", b"x", "not a member of an Incident Desk bundle"),
        (f"custody/{sha}.json/../x", b"x", "climbs out of the bundle"),
    ):
        hostile = tmp_path / "hostile.zip"
        with zipfile.ZipFile(hostile, "w") as archive:
            archive.writestr("incidents.json", b"{}")
            archive.writestr(name, data)
            archive.writestr("manifest.sha256", b"")
        _imports_nothing(capsys, hostile, new_db_url, message)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(bomb, "w") as new:
        for info in old.infolist():
            if info.filename == member:
                info.compress_type = zipfile.ZIP_DEFLATED
                new.writestr(info, b" " * (20 * 1024 * 1024))
            else:
                new.writestr(info, old.read(info))
    _imports_nothing(capsys, bomb, new_db_url, "compressed more than 200 to 1")


def test_export_refuses_a_broken_trail(
    exported: tuple[Path, str, str],
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, sha, _ = exported
    with db.begin() as session:
        first = session.scalars(
            select(CustodyEntry).where(CustodyEntry.sha256 == sha, CustodyEntry.seq == 0)
        ).one()
        first.by = "someone else"
    out = tmp_path / "again.zip"
    code, lines, err = run(capsys, "export", "bundle", "--out", str(out), "--db", db.url)
    assert (code, lines) == (2, [])
    assert f"evidence {sha}: custody entry 0 (added) was altered" in err
    assert err.count("\n") == 1
    assert not out.exists()


def _imports_nothing(
    capsys: pytest.CaptureFixture[str], bundle: Path, new_db_url: DbUrls, message: str
) -> None:
    other = new_db_url()
    try:
        code, lines, err = run(capsys, "import", str(bundle), "--db", other)
        assert (code, lines) == (2, [])
        assert err.count("\n") == 1, err
        assert message in err
        target = open_database(other)
        try:
            assert evidence.list_evidence(target) == []
            assert incidents.count_incidents(target, IncidentQuery()) == 0
            with target.begin() as session:
                assert session.scalars(select(CustodyEntry)).first() is None
        finally:
            target.close()
    finally:
        new_db_url.drop(other)


def test_a_workspace_that_held_the_file_once_keeps_its_own_trail(
    exported: tuple[Path, str, str],
    new_db_url: DbUrls,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, sha, incident_id = exported
    other = new_db_url()
    try:
        assert run(capsys, "import", str(path), "--db", other)[0] == 0
        target = open_database(other)
        try:
            for index in (None, 0):  # both links gone: so are the bytes, not the trail
                evidence.unlink_evidence(target, sha, incident_id, index)
            assert evidence.list_evidence(target) == []
            with target.begin() as session:
                own = [c.entry_hash for c in custody.trail(session, sha)]
            assert own
            assert run(capsys, "import", str(path), "--db", other)[0] == 0
            after = evidence.custody_trail(target, sha)
            assert [c.entry_hash for c in after[: len(own)]] == own
            imported = after[len(own)]
            assert imported.action == "imported"
            assert imported.detail.endswith("was checked and stays in the bundle")
            assert "from bundle case.zip; the bundle's trail (4 entries, ending " in (
                imported.detail
            )
            assert evidence.verify_evidence(target).intact
        finally:
            target.close()
    finally:
        new_db_url.drop(other)
