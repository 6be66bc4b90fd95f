"""The command line given hostile input: devices, bytes that are not UTF-8, terminal escapes."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest

from tests.cli_run import run, run_bytes

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import DbUrls


def test_search_line_writes_years_before_1000_with_four_digits(
    tmp_path: Path, new_db_url: DbUrls
) -> None:
    from desktop.resources import resource_path

    document = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))
    document["incidents"][0]["when"] = {
        "start": "0999-06-15T12:00:00Z",
        "end": "0999-06-15T12:00:00Z",
        "precision": "exact",
    }
    title = document["incidents"][0]["title"]
    path = tmp_path / "early.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    db = new_db_url()
    assert run("import", str(path), "--db", db, cwd=tmp_path).returncode == 0
    found = run("search", "", "--db", db, "--limit", "1000", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    line = next(line for line in found.stdout.splitlines() if title in line)
    assert line.startswith("0999-06-15 12:00Z  ")
    out = tmp_path / "out.json"
    assert run("export", "json", "--db", db, "--out", str(out), cwd=tmp_path).returncode == 0
    assert run("import", str(out), "--db", new_db_url(), cwd=tmp_path).returncode == 0


_ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m"


def _no_controls(text: str) -> bool:
    return not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in text)


def test_terminal_escapes_in_titles_and_file_values_are_printed_escaped(
    tmp_path: Path, new_db_url: DbUrls
) -> None:
    from desktop.resources import resource_path

    document = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))
    document["incidents"][0]["title"] = f"Drone كتائب 🚀 {_ESCAPES}"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    db = new_db_url()
    assert run("import", str(path), "--db", db, cwd=tmp_path).returncode == 0
    for args in (("search", "Drone"), ("search", "Drone", "--json")):
        found = run(*args, "--db", db, cwd=tmp_path)
        assert found.returncode == 0, found.stderr
        assert _no_controls(found.stdout), found.stdout
        assert "كتائب 🚀" in found.stdout
    lines = run("search", "Drone", "--db", db, cwd=tmp_path).stdout
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m" in lines
    rows = run("search", "Drone", "--db", db, "--json", cwd=tmp_path).stdout.splitlines()
    assert any(json.loads(row)["title"].endswith(_ESCAPES) for row in rows)

    document["incidents"][0]["event_type"] = f"Bombing{_ESCAPES}"
    path.write_text(json.dumps(document), encoding="utf-8")
    refused = run("import", str(path), "--db", db, cwd=tmp_path)
    assert refused.returncode == 2
    assert "is not one of" in refused.stderr or "is not an ACLED event type" in refused.stderr
    assert _no_controls(refused.stderr), refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    missing = run("search", f"x{_ESCAPES}", "--db", db, cwd=tmp_path)
    assert _no_controls(missing.stderr), missing.stderr
    bad_date = run(
        "export",
        "pdf",
        "--db",
        db,
        "--out",
        str(tmp_path / "x.pdf"),
        "--since",
        f"2023{_ESCAPES}",
        cwd=tmp_path,
    )
    assert bad_date.returncode == 2
    assert _no_controls(bad_date.stderr), bad_date.stderr


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/dev/zero", "is a device"), ("/dev/urandom", "is a device"), ("{fifo}", "is a pipe")],
)
def test_import_of_devices_and_pipes_is_refused_at_once(
    cli_sample: str, tmp_path: Path, target: str, expected: str
) -> None:
    fifo = tmp_path / "pipe.json"
    if target == "{fifo}":
        os.mkfifo(fifo)
    elif not os.path.exists(target):
        pytest.skip(f"no {target} here")
    result = run("import", target.format(fifo=fifo), "--db", cli_sample, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "option",
    [
        "--title",
        "--tag",
        "--marking",
        "--author",
        "--organisation",
        "--key-point",
        "--assessment",
        "--country",
        "--type",
        "--since",
    ],
)
def test_options_that_are_not_utf8_are_refused_by_name(
    cli_sample: str, tmp_path: Path, option: str
) -> None:
    out = tmp_path / "x.pdf"
    result = run_bytes(
        "export",
        "pdf",
        "--db",
        cli_sample,
        "--out",
        str(out),
        option,
        b"bad \xff\xfe text",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    stderr = result.stderr.decode("utf-8", "replace")
    assert f"argument {option}: is not valid UTF-8 text" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_search_query_that_is_not_utf8_is_refused(cli_sample: str, tmp_path: Path) -> None:
    result = run_bytes("search", b"\xff\xfe", "--db", cli_sample, cwd=tmp_path)
    assert result.returncode == 2
    assert b"argument query: is not valid UTF-8 text" in result.stderr
    assert b"Traceback" not in result.stderr
