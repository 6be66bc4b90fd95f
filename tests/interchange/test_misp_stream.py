"""MISP event files written and read as streams: the writer's bytes those of the whole-list
writer it replaced (and PyMISP loads them), the reader's records those of the whole-file
reader, a grade met late in the file still given to its source, and a bad event far down a
long file refusing all of it with nothing written."""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from pymisp import MISPEvent

from desktop import cli
from desktop.formats import misp, misp_stream
from desktop.formats.base import Batch, Outgoing
from desktop.services import interchange
from desktop.services.exporting import export_records
from desktop.store.engine import open_database
from tests.interchange.test_misp import EVENT

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.records import Document


def _run(*args: str) -> int:
    return cli.main(list(args))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Document:
    db = tmp_path_factory.mktemp("misp-stream") / "sample.sqlite3"
    assert _run("sample", "--db", str(db)) == 0
    database = open_database(db)
    try:
        return export_records(database)
    finally:
        database.close()


def _export_json(db: Path, out: Path) -> dict[str, Any]:
    assert _run("export", "json", "--db", str(db), "--out", str(out)) == 0
    return json.loads(out.read_text("utf-8"))


def _event(number: int, **changes: Any) -> dict[str, Any]:
    event = json.loads(json.dumps(EVENT["Event"]))
    event["uuid"] = f"5b9c3a7e-1f2d-4c8b-9a6e-{number:012x}"
    event["info"] = f"Event number {number}"
    event.update(changes)
    return {"Event": event}


def test_the_streamed_writer_writes_what_the_whole_list_writer_wrote(
    sample: Document, tmp_path: Path
) -> None:
    # The writer it replaced: every event made first, then one json.dumps of the list.
    whole = json.dumps({"response": misp.events(sample)}, ensure_ascii=False, indent=2) + "\n"
    incidents = sample.incidents
    batches = [Batch(incidents[i : i + 2]) for i in range(0, len(incidents), 2)]
    assert len(batches) > 2
    out = io.BytesIO()
    misp.write_batches(Outgoing(sample.sources, iter(batches)), out)
    written = out.getvalue().decode("utf-8")
    assert json.loads(written) == json.loads(whole)
    assert written == whole  # to the byte, indentation and all
    loaded = []
    for item in json.loads(written)["response"]:
        event = MISPEvent()
        event.load(item)
        loaded.append(event)
    assert [e.info for e in loaded] == [i.title for i in incidents]
    assert all(e.get_objects_by_name("timestamp") for e in loaded)


def test_one_batch_of_one_incident_is_a_single_event_and_none_an_empty_response(
    sample: Document,
) -> None:
    out = io.BytesIO()
    batches = [Batch(()), Batch(sample.incidents[:1])]  # an empty batch first
    misp.write_batches(Outgoing(sample.sources, iter(batches)), out)
    value = json.loads(out.getvalue())
    assert set(value) == {"Event"}
    assert value["Event"]["uuid"] == sample.incidents[0].id
    out = io.BytesIO()
    misp.write_batches(Outgoing(sample.sources, iter([])), out)
    assert json.loads(out.getvalue()) == {"response": []}


def test_the_stream_reads_what_the_whole_file_reader_reads(sample: Document) -> None:
    out = io.BytesIO()
    misp.write(sample, out)
    raw = out.getvalue()
    whole = misp.read(raw, interchange.CHECKS)
    parts = list(misp_stream.parts(io.BytesIO(raw), len(raw), interchange.CHECKS, batch=3))
    assert parts[0].sources == whole.sources
    assert parts[0].named_only == whole.named_only
    assert tuple(i for p in parts for i in p.incidents) == whole.incidents
    assert [p.first for p in parts[1:]] == [0, 3, 6]
    assert {p.expected for p in parts} == {len(whole.incidents)}


def test_a_source_graded_only_late_in_the_file_has_that_grade(tmp_path: Path) -> None:
    # The first event names its creator with no grade; another, two parts later, grades it.
    ungraded = _event(0, Attribute=[], Tag=[{"name": "tlp:green"}])
    filler = [_event(n) for n in range(1, 1_100)]
    graded = _event(2_000, Attribute=[])  # its tags grade CIRCL C, information 3
    path, db = tmp_path / "events.json", tmp_path / "w.sqlite3"
    path.write_text(json.dumps({"response": [ungraded, *filler, graded]}), encoding="utf-8")
    assert _run("import", str(path), "--db", str(db)) == 0
    document = _export_json(db, tmp_path / "out.json")
    assert len(document["incidents"]) == 1_101
    circl = next(s for s in document["sources"] if s["name"] == "CIRCL")
    assert circl["reliability"] == "C"


def test_a_bad_event_late_in_a_long_file_refuses_it_all_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = [_event(n) for n in range(1_200)]
    events[1_150]["Event"]["date"] = "the 21st"
    path, db = tmp_path / "events.json", tmp_path / "w.sqlite3"
    path.write_text(json.dumps({"response": events}, indent=1), encoding="utf-8")
    assert _run("import", str(path), "--db", str(db)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.search(r"response\[1150\]\.Event\.date: 'the 21st' is not a date", err), err
    after = _export_json(db, tmp_path / "after.json")
    assert (after["incidents"], after["sources"]) == ([], [])
    # The same file without that event: every event imported, in the file's order.
    del events[1_150]
    path.write_text(json.dumps({"response": events}, indent=1), encoding="utf-8")
    assert _run("import", str(path), "--db", str(db)) == 0
    after = _export_json(db, tmp_path / "after.json")
    assert len(after["incidents"]) == 1_199


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"response": [' + json.dumps(EVENT) + '], "other": ' + "[" * 60 + "]" * 60 + "}",
            "nested too deeply",
        ),
        ('{"response": 3}', "response: must be a list, not a number"),
        ('{"response": [], "response": []}', "key 'response' appears twice"),
        ('{"Event": null}', "Event: must be an object, not null"),
        ('{"nothing": []}', "has neither 'Event' nor 'response'"),
        ('{"response": [' + json.dumps(EVENT) + ", ]}", "not valid JSON: line 1 column"),
    ],
)
def test_a_malformed_file_read_as_a_stream_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path, db = tmp_path / "bad.json", tmp_path / "w.sqlite3"
    path.write_text(content, encoding="utf-8")
    assert _run("import", str(path), "--db", str(db), "--format", "misp") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err, err
