"""``incident-desk evidence …`` as a user runs it: exit codes, the lines printed, the files."""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import update

from desktop.cli.main import main
from desktop.services import incidents
from desktop.store.models import EvidenceChunk

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


@pytest.fixture
def workspace(db: Database, make_incident: IncidentFactory) -> tuple[str, str]:
    """The workspace's --db value and an incident's id."""
    created = incidents.create_incident(db, make_incident())
    assert created.id is not None
    return db.url, created.id


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's refusals
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_add_list_get_verify(
    workspace: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, incident = workspace
    photo = tmp_path / "<b>&amp; قصف 💥.jpg"
    photo.write_bytes(os.urandom(70_000))
    page = tmp_path / "statement.html"
    page.write_bytes(b"<html>statement</html>")
    sha_photo = hashlib.sha256(photo.read_bytes()).hexdigest()
    sha_page = hashlib.sha256(page.read_bytes()).hexdigest()

    code, lines, err = run(
        capsys, "evidence", "add", str(photo), str(page), "--incident", incident,
        "--citation", "2", "--note", "saved from the channel", "--db", url,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert lines == [f"{sha_photo}  <b>&amp; قصف 💥.jpg", f"{sha_page}  statement.html"]

    code, lines, _ = run(capsys, "evidence", "list", "--incident", incident, "--db", url)
    assert code == 0
    assert lines == [
        f"{sha_photo}  70000  {incident}  citation-2  <b>&amp; قصف 💥.jpg",
        f"{sha_page}  22  {incident}  citation-2  statement.html",
    ]

    out = tmp_path / "back.jpg"
    code, lines, _ = run(capsys, "evidence", "get", sha_photo, "--out", str(out), "--db", url)
    assert code == 0
    assert out.read_bytes() == photo.read_bytes()

    code, lines, _ = run(capsys, "evidence", "verify", "--db", url)
    assert (code, lines) == (0, ["2 evidence files intact (70,022 bytes)"])


def test_verify_names_damage_and_exits_1(
    workspace: tuple[str, str], db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, incident = workspace
    path = tmp_path / "claim.txt"
    path.write_bytes(b"we did it")
    assert run(capsys, "evidence", "add", str(path), "--incident", incident, "--db", url)[0] == 0
    with db.begin() as session:
        session.execute(update(EvidenceChunk).values(data=b"we didn't"))
    code, lines, _ = run(capsys, "evidence", "verify", "--db", url)
    sha = hashlib.sha256(b"we did it").hexdigest()
    assert code == 1
    assert lines == [f"damaged: 'claim.txt' {sha}: the stored bytes no longer match their SHA-256"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "missing.txt: no such file"),
        (["."], "is a folder; attach the files in it instead"),
        (["empty.txt"], "is empty (0 bytes): there is nothing to keep"),
        (["--citation", "3"], "has no citation 3 (it has 2)"),
        (["--citation", "0"], "counts from 1"),
    ],
)
def test_add_refusals(
    workspace: tuple[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    url, incident = workspace
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "ok.txt").write_bytes(b"ok")
    code, lines, err = run(
        capsys, "evidence", "add", "ok.txt", *args, "--incident", incident, "--db", url
    )
    assert code == 2
    assert lines == []
    assert err.count("\n") == 1
    assert message in err
    assert run(capsys, "evidence", "list", "--db", url)[1] == []


def test_get_unknown_and_malformed(
    workspace: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = workspace
    out = str(tmp_path / "x")
    code, _, err = run(capsys, "evidence", "get", "0" * 64, "--out", out, "--db", url)
    assert code == 2
    assert err == f"incident-desk: No evidence with SHA-256 {'0' * 64} in this workspace.\n"
    code, _, err = run(capsys, "evidence", "get", "nope", "--out", out, "--db", url)
    assert code == 2
    assert "is not a SHA-256" in err
