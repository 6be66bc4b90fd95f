"""Evidence bundles: export and import through the command line, and hostile zips refused."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import warnings
import zipfile
from typing import TYPE_CHECKING

import pytest

from desktop.cli.main import main
from desktop.services import evidence, incidents
from desktop.services.dto import IncidentQuery
from desktop.store.engine import open_database

if TYPE_CHECKING:
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
) -> tuple[Path, dict[str, bytes], str]:
    """A bundle of one incident with three files (one twice): path, bytes by hash, id."""
    created = incidents.create_incident(db, make_incident())
    assert created.id is not None
    files = {
        "video 📹.mp4": os.urandom(1_200_000),
        "<page> & more.html": b"<html>&amp;</html>",
        "بيان.txt": "بيان رسمي".encode(),
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    evidence.add_evidence(db, paths[:2], created.id, citation_index=0, note="saved 2023-10-18")
    evidence.add_evidence(db, [paths[2], paths[0]], created.id)
    out = tmp_path / "case.zip"
    code, lines, err = run(capsys, "export", "bundle", "--out", str(out), "--db", db.url)
    assert (code, err) == (0, "")
    assert lines == [f"Exported 1 incident and 3 evidence files to {out}"]
    return out, {hashlib.sha256(d).hexdigest(): d for d in files.values()}, created.id


def test_bundle_layout(exported: tuple[Path, dict[str, bytes], str]) -> None:
    path, by_sha, incident_id = exported
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == [
            "incidents.json",
            *(
                member
                for sha in sorted(by_sha)
                for member in (f"evidence/{sha}", f"custody/{sha}.json")
            ),
            "manifest.sha256",
        ]
        for sha, data in by_sha.items():
            assert archive.read(f"evidence/{sha}") == data
        document = json.loads(archive.read("incidents.json"))
        manifest = archive.read("manifest.sha256").decode().splitlines()
        assert manifest == [
            f"{hashlib.sha256(archive.read(name)).hexdigest()}  {name}" for name in names[:-1]
        ]
    assert document["format"] == "incident-desk/2"
    [incident] = document["incidents"]
    assert incident["id"] == incident_id
    assert [e["name"] for e in incident["evidence"]] == ["بيان.txt", "video 📹.mp4"]
    assert [e["name"] for e in incident["citations"][0]["evidence"]] == [
        "video 📹.mp4",
        "<page> & more.html",
    ]
    assert incident["citations"][1]["evidence"] == []
    assert incident["citations"][0]["evidence"][0]["note"] == "saved 2023-10-18"


def test_bundle_imports_into_another_workspace(
    exported: tuple[Path, dict[str, bytes], str],
    new_db_url: DbUrls,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, by_sha, incident_id = exported
    other = new_db_url()
    code, lines, err = run(capsys, "import", str(path), "--db", other)
    assert (code, err) == (0, "")
    assert lines[0].startswith(f"Imported {path}: 1 incident added")
    target = open_database(other)
    try:
        items = evidence.list_evidence(target, incident_id)
        assert [(i.name, i.citation_index, i.added_by) for i in items] == [
            ("بيان.txt", None, "tester"),
            ("video 📹.mp4", None, "tester"),
            ("video 📹.mp4", 0, "tester"),
            ("<page> & more.html", 0, "tester"),
        ]
        for sha, data in by_sha.items():
            evidence.get_evidence(target, sha, tmp_path / sha)
            assert (tmp_path / sha).read_bytes() == data
        assert evidence.verify_evidence(target).intact
        # Importing the same bundle again changes nothing.
        assert run(capsys, "import", str(path), "--db", other)[1][0].endswith(
            "0 incidents added, 0 updated, 1 unchanged; 0 sources added, 0 updated."
        )
        assert len(evidence.list_evidence(target)) == 4
    finally:
        target.close()
        new_db_url.drop(other)


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """A copy of a bundle with members replaced (None: left out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in change:
                data = change[info.filename]
                if data is not None:
                    new.writestr(info, data)
            else:
                new.writestr(info, old.read(info))


def _imports_nothing(
    capsys: pytest.CaptureFixture[str], bundle: Path, new_db_url: DbUrls, message: str
) -> None:
    other = new_db_url()
    try:
        code, lines, err = run(capsys, "import", str(bundle), "--db", other)
        assert code == 2
        assert lines == []
        assert err.count("\n") == 1
        assert message in err
        target = open_database(other)
        try:
            assert evidence.list_evidence(target) == []
            assert incidents.count_incidents(target, _all()) == 0
        finally:
            target.close()
    finally:
        new_db_url.drop(other)


def _all() -> IncidentQuery:
    return IncidentQuery()


def test_one_altered_file_refuses_the_whole_bundle(
    exported: tuple[Path, dict[str, bytes], str],
    new_db_url: DbUrls,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, by_sha, _ = exported
    sha = max(by_sha)  # the last file read: the incidents and the others went in first
    altered = tmp_path / "altered.zip"
    _rewrite(path, altered, {f"evidence/{sha}": b"X" + by_sha[sha][1:]})
    _imports_nothing(capsys, altered, new_db_url, f"evidence/{sha} does not match its SHA-256")


def _hostile_zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _bomb() -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo("incidents.json")
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, b"\x00" * (20 * 1024 * 1024)


SHA = "a" * 64


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("../../etc/evil", b"x")], "a path that climbs out of the bundle"),
        ([("evidence/../../x", b"x")], "a path that climbs out of the bundle"),
        ([("/etc/passwd", b"x")], "an absolute path"),
        ([("C:/windows/x", b"x")], "an absolute path"),
        ([("evidence\\..\\x", b"x")], "a member name with a backslash"),
        ([(_link(f"evidence/{SHA}"), b"/etc/passwd")], "a symbolic link"),
        ([("incidents.json", b"{}"), ("incidents.json", b"{}")], "the name is given twice"),
        ([("incidents.json", b"{}"), ("INCIDENTS.JSON", b"{}")], "the name is given twice"),
        ([("notes.txt", b"x")], "not a member of an Incident Desk bundle"),
        ([_bomb()], "compressed more than 200 to 1"),
        ([("incidents.json", b"{}")], "it has no manifest.sha256"),
    ],
)
def test_hostile_bundles_are_refused(
    tmp_path: Path,
    new_db_url: DbUrls,
    capsys: pytest.CaptureFixture[str],
    entries: list[tuple[zipfile.ZipInfo | str, bytes]],
    message: str,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate names it writes
        bundle = _hostile_zip(tmp_path / "hostile.zip", entries)
    _imports_nothing(capsys, bundle, new_db_url, message)
    assert not (tmp_path.parent / "etc").exists()


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_declared_size_smaller_than_actual_is_refused(
    exported: tuple[Path, dict[str, bytes], str],
    tmp_path: Path,
    new_db_url: DbUrls,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Patch one stored member's declared sizes in the central directory and local header.
    path, by_sha, _ = exported
    sha = next(s for s, d in by_sha.items() if len(d) > 1000)
    raw = bytearray(path.read_bytes())
    size = len(by_sha[sha]).to_bytes(4, "little")
    smaller = (len(by_sha[sha]) - 100).to_bytes(4, "little")
    assert raw.count(size) >= 2
    lied = tmp_path / "lied.zip"
    lied.write_bytes(bytes(raw.replace(size, smaller)))
    other = new_db_url()
    try:
        code, _lines, err = run(capsys, "import", str(lied), "--db", other)
        assert code == 2
        assert err.startswith("incident-desk: ")
        assert err.count("\n") == 1
    finally:
        new_db_url.drop(other)


def test_not_a_zip_named_zip(
    tmp_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"PK\x03\x04 but nothing after")
    code, _, err = run(capsys, "import", str(bogus), "--db", db.url)
    assert code == 2
    assert "bogus.zip is not a readable bundle (zip)" in err


def test_a_plain_json_export_names_evidence_and_relinks_it(
    exported: tuple[Path, dict[str, bytes], str],
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _path, _by_sha, incident_id = exported
    out = tmp_path / "plain.json"
    assert run(capsys, "export", "json", "--out", str(out), "--db", db.url)[0] == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["incidents"][0]["evidence"]) == 2
    # Unlink everything, then import the document: the stored bytes are linked again.
    before = evidence.list_evidence(db, incident_id)
    evidence.unlink_evidence(db, before[0].sha256, incident_id)
    code, _lines, err = run(capsys, "import", str(out), "--db", db.url)
    assert code == 0
    assert "is not in this workspace" in err  # its bytes went with the last link
    assert len(evidence.list_evidence(db, incident_id)) == 3


def test_version_1_files_still_import(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.resources import resource_path

    sample = resource_path("sample", "workspace.json")
    assert b'"incident-desk/1"' in sample.read_bytes()[:200]
    code, lines, _ = run(capsys, "import", str(sample), "--db", db.url)
    assert code == 0
    assert "7 incidents added" in lines[0]


def test_backup_and_restore_carry_evidence(
    db: Database, make_incident: IncidentFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not db.is_sqlite:
        pytest.skip("a PostgreSQL database is backed up with pg_dump")
    created = incidents.create_incident(db, make_incident())
    assert created.id is not None
    data = os.urandom(2_500_000)
    (tmp_path / "clip.mp4").write_bytes(data)
    [item] = evidence.add_evidence(db, [tmp_path / "clip.mp4"], created.id)
    backup = tmp_path / "copy.bak"
    assert run(capsys, "backup", "--db", db.url, "--out", str(backup))[0] == 0
    evidence.unlink_evidence(db, item.sha256, created.id)
    assert evidence.list_evidence(db) == []
    db.close()
    assert run(capsys, "restore", str(backup), "--db", db.url)[0] == 0
    restored = open_database(db.url)
    try:
        assert evidence.list_evidence(restored) == [item]
        evidence.get_evidence(restored, item.sha256, tmp_path / "back.mp4")
        assert (tmp_path / "back.mp4").read_bytes() == data
        assert evidence.verify_evidence(restored).intact
    finally:
        restored.close()


def test_bundle_bytes_are_reproducible(
    exported: tuple[Path, dict[str, bytes], str],
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _, _ = exported
    again = tmp_path / "again.zip"
    assert run(capsys, "export", "bundle", "--out", str(again), "--db", db.url)[0] == 0
    with zipfile.ZipFile(path) as first, zipfile.ZipFile(again) as second:
        assert first.namelist() == second.namelist()
        for name in first.namelist():
            if name.startswith("custody/"):  # each trail gained the first export's entry
                before = json.loads(first.read(name))["entries"]
                after = json.loads(second.read(name))["entries"]
                assert after[: len(before)] == before
                assert [e["action"] for e in after[len(before) :]] == ["exported"]
            elif name != "manifest.sha256":
                assert first.read(name) == second.read(name)
    assert io.BytesIO(again.read_bytes()).read(4) == b"PK\x03\x04"
