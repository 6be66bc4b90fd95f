"""Imports that stream: JSON read an incident at a time, ACLED a row at a time, written in
batches by the reader's second thread — in one transaction all the same."""

from __future__ import annotations

import copy
import csv
import io
import json
import threading
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text

from benchmarks import generate
from desktop import formats
from desktop.errors import ValidationError
from desktop.formats import acled, json_stream, json_v2, jsonscan, jsontext
from desktop.resources import resource_path
from desktop.services import filebytes, interchange
from desktop.services.progress import Cancelled, Progress
from desktop.services.readahead import read_ahead
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from desktop.store.engine import Database

SAMPLE = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))
COUNT = 1_300  # three parts and a bit


@pytest.fixture(scope="module")
def big() -> dict[str, Any]:
    return generate.workspace(COUNT)


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _exported(db: Database) -> list[dict[str, Any]]:
    incidents: list[dict[str, Any]] = json_v2.document_json(interchange.export_records(db))[
        "incidents"
    ]
    return incidents


def _streamed(raw: bytes) -> tuple[tuple[Any, ...], tuple[Any, ...], dict[str, Any]]:
    """Sources, incidents and evidence as the streaming reader gives them."""
    parts = list(json_stream.parts(io.BytesIO(raw), len(raw), interchange.CHECKS))
    evidence: dict[str, Any] = {}
    for part in parts:
        evidence.update(part.evidence)
    return (
        tuple(s for p in parts for s in p.sources),
        tuple(i for p in parts for i in p.incidents),
        evidence,
    )


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_the_stream_gives_the_records_a_whole_read_gives(
    big: dict[str, Any], chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonscan, "CHUNK", chunk)
    document = big if chunk > 1 else SAMPLE  # a byte at a time: the small file only
    raw = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    whole = json_v2.read(raw, interchange.CHECKS)
    sources, incidents, _evidence = _streamed(raw)
    assert sources == whole.sources
    assert incidents == whole.incidents


def test_version_2_evidence_entries_are_read_as_a_whole_read_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = copy.deepcopy(SAMPLE)
    document["format"] = json_v2.FORMAT
    entry = {"sha256": "a" * 64, "name": "photo.jpg", "size": 12}
    document["incidents"][2]["evidence"] = [entry]
    document["incidents"][3]["citations"][0]["evidence"] = [dict(entry, name="clip.mp4")]
    raw = json.dumps(document).encode("utf-8")
    monkeypatch.setattr(jsonscan, "CHUNK", 64)
    whole = json_v2.read(raw, interchange.CHECKS)
    sources, incidents, evidence = _streamed(raw)
    assert (sources, incidents) == (whole.sources, whole.incidents)
    assert evidence == whole.evidence
    assert [ref.citation for refs in evidence.values() for ref in refs] == [None, 0]


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "incident-desk/1", "sources": [], "incidents": [{"title": "x",}]}',
        '{"format": "incident-desk/1",\n "sources": []\n "incidents": []}',
        '{"format": "incident-desk/1", "sources": [], "incidents": [\n  {"title": "a\nb"}]}',
        '{"format": "incident-desk/1", "sources": [], "incidents": []} trailing',
        '{"format": "incident-desk/1", "sources": [], "incidents": [{"a": 1, "a": 2}]}',
        '{"format": "incident-desk/1", "sources": [], "incidents": [',
        '{"format": "incident-desk/1", "sources": [], "incidents": [' + "[" * 100_000,
        '{"format": "incident-desk/1", "format": "incident-desk/1"}',
        '{"format": "incident-desk/1", "sources": [], "incidents": [' + "9" * 5000 + "]}",
        '{"format": "incident-desk/1", 7: 1}',
    ],
)
@pytest.mark.parametrize("chunk", [3, 1 << 20])
def test_bad_json_is_refused_in_the_words_and_place_of_a_whole_read(
    text: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonscan, "CHUNK", chunk)
    raw = text.encode("utf-8")
    with pytest.raises(ValidationError) as whole:
        jsontext.load(raw)
    with pytest.raises(ValidationError) as streamed:
        _streamed(raw)
    assert str(streamed.value) == str(whole.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(extra=1, more=2), r"unknown key\(s\) 'extra', 'more'"),
        (lambda d: d.pop("sources"), r"missing key\(s\) 'sources'"),
        (lambda d: d.update(format="incident-desk/9"), "format: must be 'incident-desk/2'"),
        (lambda d: d.update(sources={}), "sources: must be a list, not an object"),
        (lambda d: d["sources"].append(dict(d["sources"][0])), r"sources\[\d+\]\.id: .* twice"),
        (
            lambda d: d["incidents"][5]["citations"][0].update(source="nobody"),
            r"incidents\[5\]\.citations\[0\]\.source: unknown source 'nobody' \(not in sources\)",
        ),
        (
            lambda d: d["incidents"].append(dict(d["incidents"][0])),
            r"incidents\[7\]\.id: .* is given twice",
        ),
    ],
)
def test_a_bad_document_is_refused_as_a_whole_read_refuses_it(change: Any, message: str) -> None:
    document = copy.deepcopy(SAMPLE)
    change(document)
    raw = json.dumps(document).encode("utf-8")
    with pytest.raises(ValidationError, match=message) as whole:
        json_v2.read(raw, interchange.CHECKS)
    with pytest.raises(ValidationError, match=message) as streamed:
        _streamed(raw)
    assert str(streamed.value) == str(whole.value)


def test_keys_in_any_order_import_the_same(
    db: Database, tmp_path: Path, big: dict[str, Any]
) -> None:
    reordered = {"incidents": big["incidents"], "sources": big["sources"], "format": big["format"]}
    result = interchange.import_file(db, _write(tmp_path / "late.json", reordered))
    assert (result.incidents_created, result.sources_created) == (COUNT, len(big["sources"]))
    in_order = open_database(tmp_path / "in-order.sqlite3")
    try:
        interchange.import_file(in_order, _write(tmp_path / "in-order.json", big))
        assert _exported(db) == _exported(in_order)
    finally:
        in_order.close()


def test_a_bad_incident_late_in_the_file_leaves_the_workspace_as_it_was(
    db: Database, tmp_path: Path, big: dict[str, Any]
) -> None:
    interchange.import_file(db, _write(tmp_path / "sample.json", SAMPLE))
    before = _exported(db)
    document = copy.deepcopy(big)
    document["incidents"][1234]["when"]["start"] = "2024-02-30"
    with pytest.raises(ValidationError) as info:
        interchange.import_file(db, _write(tmp_path / "bad.json", document))
    assert str(info.value) == "incidents[1234].when.start: '2024-02-30' is not a real date"
    assert _exported(db) == before  # the 1,234 incidents before it were written, then undone


def test_a_cancelled_import_stops_its_reader_and_changes_nothing(
    db: Database, tmp_path: Path, big: dict[str, Any]
) -> None:
    path = _write(tmp_path / "big.json", big)
    threads = threading.active_count()

    def cancel_at_second_batch(done: int, total: int, text: str) -> None:
        if done >= 1_000:
            progress.cancel()

    progress = Progress(cancel_at_second_batch)
    with pytest.raises(Cancelled):
        interchange.import_file(db, path, progress)
    assert _exported(db) == []
    assert threading.active_count() == threads


def test_streamed_import_then_reimport_and_dry_run(
    db: Database, tmp_path: Path, big: dict[str, Any]
) -> None:
    path = _write(tmp_path / "big.json", big)
    dry = interchange.import_file(db, path, dry_run=True)
    assert (dry.dry_run, dry.incidents_created) == (True, COUNT)
    assert _exported(db) == []
    steps: list[tuple[int, int, str]] = []
    first = interchange.import_file(db, path, Progress(lambda *step: steps.append(step)))
    assert first.incidents_created == COUNT
    assert steps[-1] == (COUNT, COUNT, "Indexing")
    assert any("of about" in text for _done, _total, text in steps)  # estimated as it reads
    again = interchange.import_file(db, path)
    assert (again.incidents_created, again.incidents_unchanged) == (0, COUNT)
    changed = copy.deepcopy(big)
    changed["incidents"][1299]["title"] = "Renamed at the end of the file"
    updated = interchange.import_file(db, _write(tmp_path / "changed.json", changed))
    assert (updated.incidents_updated, updated.incidents_unchanged) == (1, COUNT - 1)
    assert "Renamed at the end of the file" in {i["title"] for i in _exported(db)}


def test_a_file_that_grows_past_the_cap_while_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "sample.json", SAMPLE)
    with filebytes.opened(path) as (stream, size):
        monkeypatch.setattr(filebytes, "MAX_FILE_BYTES", size // 2)
        with pytest.raises(ValidationError, match="larger than 1 GiB; split it first"):
            stream.read(size)


def test_the_reader_threads_error_is_raised_in_the_writer_in_order() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValidationError("incidents[2]", "bad")

    ahead = read_ahead(items())
    assert [next(ahead), next(ahead)] == [1, 2]
    with pytest.raises(ValidationError, match=r"incidents\[2\]: bad"):
        next(ahead)


def test_an_acled_file_streams_and_a_bad_row_late_in_it_changes_nothing(
    db: Database, tmp_path: Path, big: dict[str, Any]
) -> None:
    interchange.import_file(db, _write(tmp_path / "big.json", big))
    path = tmp_path / "acled.csv"
    interchange.export_file(db, path, writer=formats.writer("acled"))
    fresh = open_database(tmp_path / "fresh.sqlite3")
    try:
        steps: list[tuple[int, int, str]] = []
        result = interchange.import_file(fresh, path, Progress(lambda *s: steps.append(s)))
        assert result.incidents_created == COUNT
        assert {i["id"] for i in _exported(fresh)} == {i["id"] for i in big["incidents"]}
        assert any("of about" in text for _done, _total, text in steps)
    finally:
        fresh.close()
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[1200][acled.COLUMNS.index("event_date")] = "the day after"
    broken = tmp_path / "broken.csv"
    with broken.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    other = open_database(tmp_path / "other.sqlite3")
    try:
        with pytest.raises(ValidationError, match=r"^row 1201: when.start: event_date: "):
            interchange.import_file(other, broken)
        assert _exported(other) == []
        skipping = interchange.import_file(other, broken, reader=acled.with_skip(True))
        assert skipping.incidents_created == COUNT - 1
        assert skipping.skipped[0].startswith("row 1201: when.start: event_date: ")
    finally:
        other.close()


def test_the_import_leaves_sqlites_cache_as_it_found_it(
    db: Database, tmp_path: Path, big: dict[str, Any]
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's own page cache")

    def cache_size() -> tuple[int, int]:
        with db.begin() as session:
            return (
                int(session.execute(text("PRAGMA cache_size")).scalar_one()),
                int(session.execute(text("PRAGMA threads")).scalar_one()),
            )

    before = cache_size()
    interchange.import_file(db, _write(tmp_path / "big.json", big))
    document = copy.deepcopy(big)
    document["incidents"][-1]["title"] = ""
    with pytest.raises(ValidationError, match=r"incidents\[1299\]\.title"):
        interchange.import_file(db, _write(tmp_path / "bad.json", document))
    assert cache_size() == before
