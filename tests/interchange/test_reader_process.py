"""A large file read in a process of its own (desktop.services.reader_process): the same
workspace as the reading thread makes, the same refusals, and nothing left behind when the
import fails, is cancelled or loses its reader."""

from __future__ import annotations

import copy
import csv
import io
import json
import subprocess
import sys
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from benchmarks import generate
from desktop import formats
from desktop.errors import ValidationError
from desktop.formats import acled
from desktop.services import bulk, interchange, reader_process
from desktop.services.progress import Cancelled, Progress
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from desktop.store.engine import Database

COUNT = 1_300  # three parts of 500 and a bit
# Every row the import writes, but for the times it was made at.
TABLES = {
    "incidents": "SELECT * FROM incidents ORDER BY id",
    "incident_actors": "SELECT * FROM incident_actors ORDER BY incident_id, position",
    "incident_tags": "SELECT * FROM incident_tags ORDER BY incident_id, position",
    "citations": "SELECT * FROM citations ORDER BY incident_id, position",
    "sources": "SELECT slug, name, kind, reliability, url, notes FROM sources ORDER BY slug",
    "history": "SELECT incident_uuid, action, field, old, new FROM incident_history ORDER BY id",
    "search": "SELECT rowid, * FROM incident_fts ORDER BY rowid",
    "search keys": "SELECT * FROM incident_fts_keys ORDER BY incident_id",
    "search words": "SELECT term FROM incident_fts_terms ORDER BY term",
}
MADE_AT = ("created_at", "updated_at")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A SQLite workspace whatever the suite's database: only SQLite's imports use a
    process (a server hands out the ids the rows need)."""
    monkeypatch.setenv("INCIDENT_DESK_USER", "tester")
    database = open_database(tmp_path / "work.sqlite3")
    try:
        yield database
    finally:
        database.close()


@pytest.fixture(scope="module")
def big() -> dict[str, Any]:
    return generate.workspace(COUNT)


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every file read by a process, whatever its size; the processes started."""
    monkeypatch.setattr(reader_process, "PROCESS_FROM_BYTES", 0)
    started: list[subprocess.Popen[bytes]] = []
    spawn = reader_process._spawn

    def recorded(errors: Any) -> subprocess.Popen[bytes]:
        started.append(spawn(errors))
        return started[-1]

    monkeypatch.setattr(reader_process, "_spawn", recorded)
    return started


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.engine.connect() as connection:
        tables = {}
        for name, query in TABLES.items():
            result = connection.execute(text(query))
            keep = [i for i, column in enumerate(result.keys()) if column not in MADE_AT]
            tables[name] = [tuple(row[i] for i in keep) for row in result]
    return tables


def _counts(db: Database) -> tuple[int, int]:
    with db.engine.connect() as connection:
        incidents = connection.execute(text("SELECT count(*) FROM incidents")).scalar()
        entries = connection.execute(text("SELECT count(*) FROM incident_fts")).scalar()
    return int(incidents or 0), int(entries or 0)


def test_a_process_writes_what_the_thread_writes(
    tmp_path: Path,
    big: dict[str, Any],
    spawned: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _write(tmp_path / "big.json", big)
    by_process = open_database(tmp_path / "process.sqlite3")
    by_thread = open_database(tmp_path / "thread.sqlite3")
    try:
        result = interchange.import_file(by_process, path)
        assert len(spawned) == 1
        assert spawned[0].returncode == 0  # ended, and well
        monkeypatch.setattr(reader_process, "PROCESS_FROM_BYTES", sys.maxsize)
        assert interchange.import_file(by_thread, path) == result
        assert len(spawned) == 1
        assert result.incidents_created == COUNT
        process_rows, thread_rows = _rows(by_process), _rows(by_thread)
        for table in TABLES:
            assert process_rows[table] == thread_rows[table], table
        assert len(process_rows["incidents"]) == COUNT
    finally:
        by_process.close()
        by_thread.close()


def test_a_large_file_is_read_by_a_process_only_on_sqlite() -> None:
    json_format, large = formats.reader("json"), reader_process.PROCESS_FROM_BYTES
    assert reader_process.suits(json_format, large, sqlite=True)
    assert not reader_process.suits(json_format, large - 1, sqlite=True)
    assert not reader_process.suits(json_format, large, sqlite=False)
    # A reader made for one import (its own options) cannot be named to a process.
    own = acled.with_skip(True)
    assert not reader_process.suits(own, large, sqlite=True)


def test_a_bad_incident_late_in_the_file_is_told_with_its_path_and_undoes_all(
    db: Database, tmp_path: Path, big: dict[str, Any], spawned: list[subprocess.Popen[bytes]]
) -> None:
    document = copy.deepcopy(big)
    document["incidents"][1234]["when"]["start"] = "2024-02-30"
    with pytest.raises(ValidationError) as info:
        interchange.import_file(db, _write(tmp_path / "bad.json", document))
    assert str(info.value) == "incidents[1234].when.start: '2024-02-30' is not a real date"
    assert _counts(db) == (0, 0)
    assert spawned[0].poll() is not None


def test_reimporting_updates_what_changed_and_counts_the_rest(
    db: Database, tmp_path: Path, big: dict[str, Any], spawned: list[subprocess.Popen[bytes]]
) -> None:
    path = _write(tmp_path / "big.json", big)
    assert interchange.import_file(db, path).incidents_created == COUNT
    again = interchange.import_file(db, path)
    assert (again.incidents_created, again.incidents_unchanged) == (0, COUNT)
    changed = copy.deepcopy(big)
    changed["incidents"][1299]["title"] = "Renamed at the end of the file"
    changed["incidents"].append({**copy.deepcopy(big["incidents"][0]), "id": str(uuid.uuid4())})
    updated = interchange.import_file(db, _write(tmp_path / "changed.json", changed))
    assert (updated.incidents_created, updated.incidents_updated) == (1, 1)
    assert updated.incidents_unchanged == COUNT - 1
    assert len(spawned) == 3
    with db.engine.connect() as connection:
        titles = {title for (title,) in connection.execute(text("SELECT title FROM incidents"))}
        found = connection.execute(
            text("SELECT count(*) FROM incident_fts WHERE incident_fts MATCH 'renamed'")
        ).scalar()
    assert "Renamed at the end of the file" in titles
    assert found == 1  # its search entry was replaced


def test_a_cancelled_import_stops_its_reading_process(
    db: Database, tmp_path: Path, big: dict[str, Any], spawned: list[subprocess.Popen[bytes]]
) -> None:
    def cancel_at_second_batch(done: int, total: int, text: str) -> None:
        if done >= 1_000:
            progress.cancel()

    progress = Progress(cancel_at_second_batch)
    with pytest.raises(Cancelled):
        interchange.import_file(db, _write(tmp_path / "big.json", big), progress)
    assert _counts(db) == (0, 0)
    assert spawned[0].poll() is not None  # stopped, not left reading


def test_a_reader_that_dies_is_told_in_its_last_words_and_changes_nothing(
    db: Database, tmp_path: Path, big: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader_process, "PROCESS_FROM_BYTES", 0)

    def dying(errors: Any) -> subprocess.Popen[bytes]:
        code = "import sys; sys.stdin.buffer.read(); sys.exit('MemoryError: out of memory')"
        return subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )

    monkeypatch.setattr(reader_process, "_spawn", dying)
    with pytest.raises(reader_process.ReaderStopped) as info:
        interchange.import_file(db, _write(tmp_path / "big.json", big))
    assert str(info.value) == (
        "The process reading the file stopped before its end: MemoryError: out of memory"
    )
    assert _counts(db) == (0, 0)


def test_a_missing_file_is_refused_by_the_process_as_by_the_thread(
    db: Database, tmp_path: Path, big: dict[str, Any], spawned: list[subprocess.Popen[bytes]]
) -> None:
    path = _write(tmp_path / "big.json", big)
    reading = reader_process.Reading(path, "json")
    path.unlink()
    with pytest.raises(ValidationError, match="no such file"):
        interchange.import_parts(db, reading, None, lambda _gathered: None, False)
    assert _counts(db) == (0, 0)


def test_an_acled_reimport_by_a_process_updates_the_same_incidents(
    db: Database, tmp_path: Path, big: dict[str, Any], spawned: list[subprocess.Popen[bytes]]
) -> None:
    first = open_database(tmp_path / "first.sqlite3")
    try:
        interchange.import_file(first, _write(tmp_path / "big.json", big))
        acled_path = tmp_path / "events.csv"
        interchange.export_file(first, acled_path, writer=formats.writer("acled"))
    finally:
        first.close()
    rows = list(csv.DictReader(io.StringIO(acled_path.read_text(encoding="utf-8"))))
    created = interchange.import_file(db, acled_path)
    assert created.incidents_created == len(rows) == COUNT
    again = interchange.import_file(db, acled_path)
    assert (again.incidents_created, again.incidents_unchanged) == (0, COUNT)
    assert _counts(db) == (COUNT, COUNT)


def test_a_process_import_keeps_the_covering_indexes_and_rebuilds_the_rest(
    db: Database,
    tmp_path: Path,
    big: dict[str, Any],
    spawned: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 100)
    schema = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    with db.engine.connect() as connection:
        defined = connection.execute(text(schema)).all()
    dropped: list[str] = []
    execute = Session.execute

    def watched(self: Session, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if str(statement).startswith("DROP INDEX"):
            dropped.append(str(statement).split('"')[1])
        return execute(self, statement, *args, **kwargs)

    monkeypatch.setattr(Session, "execute", watched)
    interchange.import_file(db, _write(tmp_path / "big.json", big))
    assert spawned
    assert "ix_incidents_live_start" in dropped
    covering = {
        "ix_incidents_live_places",
        "ix_incidents_live_nearby",
        "ix_incidents_live_timeline",
    }
    assert not covering & set(dropped)
    with db.engine.connect() as connection:
        assert connection.execute(text(schema)).all() == defined
