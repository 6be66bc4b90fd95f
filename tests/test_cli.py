"""The command line, run as a user runs it: a separate process, output and exit code."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from desktop import cli, formats
from desktop.formats import Format
from tests.cli_run import run

if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

    from desktop.records import Document
    from tests.conftest import DbUrls
    from tests.postgres_server import PostgresServer


def test_sample_twice_changes_nothing(cli_sample: str, tmp_path: Path) -> None:
    before = run(
        "export", "json", "--db", cli_sample, "--out", str(tmp_path / "a.json"), cwd=tmp_path
    )
    again = run("sample", "--db", cli_sample, cwd=tmp_path)
    assert again.returncode == 0
    assert "0 incidents added, 7 already present; 0 sources added, 9 already present" in (
        again.stdout
    )
    run("export", "json", "--db", cli_sample, "--out", str(tmp_path / "b.json"), cwd=tmp_path)
    assert before.returncode == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_export_shows_graded_al_asad_and_al_harir(cli_sample: str, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    result = run("export", "json", "--db", cli_sample, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    sources = {s["id"]: s for s in document["sources"]}
    by_title = {i["title"]: i for i in document["incidents"]}
    for place in ("al-Asad", "al-Harir"):
        incident = next(i for t, i in by_title.items() if place in t)
        assert len(incident["citations"]) >= 2
        for citation in incident["citations"]:
            assert sources[citation["source"]]["reliability"] in "ABCDEF"
            assert 1 <= citation["credibility"] <= 6


def test_export_import_export_is_identical(
    cli_sample: str, tmp_path: Path, new_db_url: DbUrls
) -> None:
    a, b, fresh = tmp_path / "a.json", tmp_path / "b.json", new_db_url()
    assert run("export", "json", "--db", cli_sample, "--out", str(a), cwd=tmp_path).returncode == 0
    assert run("import", str(a), "--db", fresh, cwd=tmp_path).returncode == 0
    assert run("export", "json", "--db", fresh, "--out", str(b), cwd=tmp_path).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_search_finds_arabic_and_prints_json(cli_sample: str, tmp_path: Path) -> None:
    result = run("search", "الاسد", "--db", cli_sample, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows
    assert "al-Asad" in rows[0]["title"]


def test_search_lines_show_times_as_the_table_does(cli_sample: str, tmp_path: Path) -> None:
    result = run("search", "", "--db", cli_sample, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    whens = [line.split("  ")[0] for line in result.stdout.splitlines()]
    assert whens
    # An exact time in UTC with its "Z" (as in the window), else the day alone.
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d( \d\d:\d\dZ)?", when) for when in whens), whens
    assert any(when.endswith("Z") for when in whens)


def test_database_from_environment(cli_sample: str, tmp_path: Path) -> None:
    result = run("search", "drone", cwd=tmp_path, env_db=cli_sample)
    assert result.returncode == 0
    assert "al-Asad" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"garbage", "not valid JSON"),
        (
            b'{"format": "incident-desk/1", "sources": [], "incidents": [], "x": 1}',
            "unknown key(s) 'x'",
        ),
        (b"\x00\x01\x02binary", "binary file"),
    ],
)
def test_bad_import_is_one_line_and_exit_2(
    cli_sample: str, tmp_path: Path, content: bytes, expected: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run("import", str(bad), "--db", cli_sample, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_user_errors_never_show_a_traceback(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"this is not a database" * 200)
    cases = [
        ("import", str(tmp_path / "missing.json"), "--db", str(tmp_path / "x.sqlite3")),
        ("search", "x", "--db", str(corrupt)),
        ("export", "json", "--db", str(tmp_path / "y.sqlite3")),
        ("no-such-command",),
        ("search", "x", "--limit", "0", "--db", str(tmp_path / "z.sqlite3")),
    ]
    for args in cases:
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    db, copy = tmp_path / "work.sqlite3", tmp_path / "work-copy.bak"
    assert run("sample", "--db", str(db), cwd=tmp_path).returncode == 0
    backup = run("backup", "--db", str(db), "--out", str(copy), cwd=tmp_path)
    assert backup.returncode == 0, backup.stderr
    assert f"Backed up to {copy}" in backup.stdout
    assert copy.stat().st_mode & 0o777 == 0o600

    db.write_bytes(b"overwritten by mistake" * 500)
    broken = run("search", "drone", "--db", str(db), cwd=tmp_path)
    assert broken.returncode == 2
    assert "restore a backup" in broken.stderr

    restore = run("restore", str(copy), "--db", str(db), cwd=tmp_path)
    assert restore.returncode == 0, restore.stderr
    assert "the replaced workspace was kept as" in restore.stdout
    kept = list(tmp_path.glob("work.sqlite3.before-restore-*.bak"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == b"overwritten by mistake" * 500
    found = run("search", "drone", "--db", str(db), cwd=tmp_path)
    assert found.returncode == 0
    assert "al-Asad" in found.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("backup", "--db", "{missing}", "--out", "{out}"), "does not exist"),
        (("restore", "{missing}", "--db", "{db}"), "does not exist"),
        (("restore", "{notes}", "--db", "{db}"), "not an Incident Desk database"),
        (("backup", "--db", "postgresql://me@localhost/db", "--out", "{out}"), "pg_dump"),
    ],
)
def test_backup_and_restore_errors_are_one_line(
    tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup\n")
    names = {
        "missing": str(tmp_path / "missing.sqlite3"),
        "out": str(tmp_path / "out.bak"),
        "db": str(tmp_path / "db.sqlite3"),
        "notes": str(notes),
    }
    result = run(*(arg.format(**names) for arg in args), cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.bak").exists()
    assert not (tmp_path / "db.sqlite3").exists()


def test_unreachable_postgresql_server_is_one_line(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    down = pg_server.url("postgres").replace(f"port={pg_server.port}", "port=1")
    result = run("search", "x", "--db", down, cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot be reached" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_before_the_command_name_is_honoured(tmp_path: Path) -> None:
    db, copy = tmp_path / "first.sqlite3", tmp_path / "first.bak"
    assert run("--db", str(db), "sample", cwd=tmp_path).returncode == 0
    assert run("--db", str(db), "backup", "--out", str(copy), cwd=tmp_path).returncode == 0
    db.write_bytes(b"damaged" * 100)
    restore = run("--db", str(db), "restore", str(copy), cwd=tmp_path)
    assert restore.returncode == 0, restore.stderr
    found = run("--db", str(db), "search", "drone", cwd=tmp_path)
    assert "al-Asad" in found.stdout


def test_until_the_last_day_there_is_means_no_upper_bound(cli_sample: str, tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    result = run(
        "export",
        "pdf",
        "--db",
        cli_sample,
        "--out",
        str(out),
        "--since",
        "0001-01-01",
        "--until",
        "9999-12-31",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "7 incidents" in result.stdout


@pytest.mark.parametrize(
    ("limit", "code", "expected"),
    [
        ("99999999999999999999", 0, ""),
        (str(2**63), 0, ""),
        ("0", 2, "argument --limit: must be at least 1"),
        ("-99999999999999999999", 2, "argument --limit: must be at least 1"),
        ("1e3", 2, "is not a whole number"),
    ],
)
def test_search_limit_is_capped_or_refused(
    cli_sample: str, tmp_path: Path, limit: str, code: int, expected: str
) -> None:
    result = run("search", "drone", "--db", cli_sample, "--limit", limit, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    if code == 0:
        assert "al-Asad" in result.stdout


def test_a_reader_that_goes_away_is_no_traceback(cli_sample: str, tmp_path: Path) -> None:
    env = {**os.environ, "INCIDENT_DESK_USER": "cli-test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop", "search", "", "--db", cli_sample, "--limit", "1000"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # as `| head -0` does
    with process.stderr:
        stderr = process.stderr.read()
    process.wait(timeout=120)
    assert b"Traceback" not in stderr, stderr


def test_import_warns_in_one_line_of_a_source_cited_twice(
    tmp_path: Path, new_db_url: DbUrls
) -> None:
    from desktop.resources import resource_path

    document = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))
    citations = document["incidents"][2]["citations"]
    citations.append(dict(citations[0]))
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run("import", str(path), "--db", new_db_url(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "7 incidents added" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("incident-desk: warning: incidents[2] '")
    assert f"cites source '{citations[0]['source']}' 2 times" in lines[0]


def _choices(parser: argparse.ArgumentParser, *path: str) -> list[str]:
    """The sub-command names under ``path`` (e.g. the FORMATs of ``export``)."""
    for name in path:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def test_export_formats_are_the_registered_writers_the_pdf_report_and_the_bundle() -> None:
    assert _choices(cli.build_parser(), "export") == [
        *(writer.name for writer in formats.writers()),
        "pdf",
        "bundle",
    ]
    assert _choices(cli.build_parser(), "export")[0] == "json"


def _lines_writer(document: Document, stream: BinaryIO) -> None:
    stream.writelines(f"{i.id} {i.title}\n".encode() for i in document.incidents)


LINES = Format(
    name="lines", label="Lines", suffix=".txt", description="one line each", write=_lines_writer
)


def test_a_registered_writer_is_an_export_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, LINES))
    parser = cli.build_parser()
    assert _choices(parser, "export") == [
        "json", "stix", "misp", "csv", "xlsx", "acled", "lines", "pdf", "bundle"
    ]  # fmt: skip
    db, out = str(tmp_path / "work.sqlite3"), tmp_path / "out.txt"
    assert cli.main(["sample", "--db", db]) == 0
    assert cli.main(["export", "lines", "--db", db, "--out", str(out)]) == 0
    assert "Exported 7 incidents to" in capsys.readouterr().out
    assert len(out.read_text(encoding="utf-8").splitlines()) == 7
    # --history only for a writer that writes it.
    with pytest.raises(SystemExit):
        parser.parse_args(["export", "lines", "--out", str(out), "--history"])
    assert "unrecognized arguments: --history" in capsys.readouterr().err


def test_import_recognises_our_json_by_content_and_refuses_other_files(
    cli_sample: str, tmp_path: Path
) -> None:
    exported = tmp_path / "all.json"
    assert (
        run("export", "json", "--db", cli_sample, "--out", str(exported), cwd=tmp_path).returncode
        == 0
    )
    renamed = tmp_path / "incidents.txt"
    renamed.write_bytes(exported.read_bytes())
    result = run("import", str(renamed), "--db", cli_sample, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 incidents added, 0 updated, 7 unchanged" in result.stdout
    other = tmp_path / "incidents.docx"
    other.write_text("title,date\n", encoding="utf-8")
    result = run("import", str(other), "--db", cli_sample, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"incident-desk: {other.name} is not a file Incident Desk can import; "
        f"it imports {formats.supported()}\n"
    )


def test_an_unexpected_error_is_one_line_and_a_report_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug never shows a traceback: one line naming it and where its details went."""
    cli = importlib.import_module("desktop.cli.main")
    from desktop.store import locations

    report = tmp_path / "logs" / "crash.txt"
    monkeypatch.setattr(locations, "crash_report_path", lambda: report)

    def broken(_args: object) -> int:
        raise AttributeError("'NoneType' object has no attribute 'slug'")

    monkeypatch.setattr(cli, "_dispatch", broken)
    assert cli.main(["search", "x", "--db", str(tmp_path / "w.sqlite3")]) == cli.INTERNAL_ERROR
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert "AttributeError" in err
    assert str(report) in err
    assert "Traceback (most recent call last)" in report.read_text(encoding="utf-8")


def test_an_export_of_a_workspace_with_a_dangling_citation_says_it_is_damaged(
    tmp_path: Path,
) -> None:
    import sqlite3

    db = tmp_path / "w.sqlite3"
    assert run("sample", "--db", str(db), cwd=tmp_path).returncode == 0
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute(
            "DELETE FROM sources WHERE id = (SELECT source_id FROM citations LIMIT 1)"
        )
    connection.close()
    for kind in ("json", "pdf"):
        out = tmp_path / f"out.{kind}"
        result = run("export", kind, "--db", str(db), "--out", str(out), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert "damaged" in result.stderr
        assert not out.exists()
