"""STIX read and written as streams: the streamed bundle holds the objects the whole-bundle
writer made (tests/interchange/stix_oracle.py) and passes the validator whatever the batch;
the two-reading reader makes the same records whatever the order of the objects, refuses
dangling and circular references wherever they are, and hands incidents on in parts; the
plain shapes it checks without the library are ones the library allows."""

from __future__ import annotations

import copy
import io
import json
import random
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import stix2  # type: ignore[import-untyped]
from stix2validator import validate_file

from desktop import cli, formats
from desktop.formats import stix_read, stix_shapes
from desktop.formats.stix_write import NAMESPACE, object_id
from desktop.services import exporting, interchange
from desktop.services.dto import IncidentQuery
from desktop.store.engine import open_database
from tests.interchange.stix_oracle import old_bundle

if TYPE_CHECKING:
    from collections.abc import Callable

FIXTURES = Path(__file__).parent / "fixtures"
ACCEPTED_WARNINGS = {"103", "202", "302", "401"}


def _run(*args: str) -> int:
    return cli.main(list(args))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stix-stream") / "sample.sqlite3"
    assert _run("sample", "--db", str(db)) == 0
    return db


@pytest.fixture(scope="module")
def bundle_file(sample: Path) -> Path:
    out = sample.parent / "sample.stix.json"
    assert _run("export", "stix", "--db", str(sample), "--out", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def json_file(sample: Path) -> Path:
    out = sample.parent / "sample.json"
    assert _run("export", "json", "--db", str(sample), "--out", str(out)) == 0
    return out


def _objects(bundle: dict[str, Any]) -> list[str]:
    return sorted(json.dumps(o, sort_keys=True) for o in bundle["objects"])


def _report(bundle: dict[str, Any]) -> dict[str, Any]:
    (report,) = [o for o in bundle["objects"] if o["type"] == "report"]
    return report


# ------------------------------------------------------------------------------ the writer


def test_the_streamed_bundle_holds_the_old_writers_objects(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written in batches of two, read back as JSON: every object the whole-bundle writer
    made, the same bundle id, the report listing the same ids in the same order."""
    monkeypatch.setattr(exporting, "BATCH", 2)
    db = open_database(sample)
    try:
        document = interchange.export_records(db)
        out = tmp_path / "streamed.json"
        assert interchange.export_file(db, out, writer=formats.writer("stix")) == 7
    finally:
        db.close()
    old = old_bundle(document)
    new = json.loads(out.read_text("utf-8"))
    assert len(new["objects"]) == len(old["objects"]) > 40
    assert _objects(new) == _objects(old)
    assert (new["type"], new["id"]) == (old["type"], old["id"])
    assert _report(new)["object_refs"] == _report(old)["object_refs"]
    # Laid out as json.dumps(indent=2) lays out the bundle it holds.
    text = out.read_text("utf-8")
    assert text == json.dumps(new, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("batch", [1, 3, 500])
def test_the_streamed_bundle_passes_the_validator(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(exporting, "BATCH", batch)
    out = tmp_path / "streamed.json"
    db = open_database(sample)
    try:
        interchange.export_file(db, out, writer=formats.writer("stix"))
    finally:
        db.close()
    results = validate_file(str(out))
    assert results.is_valid
    codes = {
        re.search(r"\{(\d+)\}", w).group(1)  # type: ignore[union-attr]
        for o in results.object_results
        for w in o.warnings
    }
    assert codes <= ACCEPTED_WARNINGS


def test_an_empty_export_is_an_empty_bundle(tmp_path: Path) -> None:
    db = open_database(tmp_path / "empty.sqlite3")
    out = tmp_path / "empty.stix.json"
    try:
        assert interchange.export_file(db, out, writer=formats.writer("stix")) == 0
    finally:
        db.close()
    bundle = json.loads(out.read_text("utf-8"))
    assert bundle["type"] == "bundle"
    assert bundle["objects"] == []
    assert formats.reader_for(out.name, out.read_bytes()).name == "stix"


def test_a_filtered_export_lists_only_its_incidents_objects(sample: Path, tmp_path: Path) -> None:
    db = open_database(sample)
    query = IncidentQuery(countries=("IQ",))
    out = tmp_path / "iq.json"
    try:
        count = interchange.export_file(db, out, query, writer=formats.writer("stix"))
        document = interchange.export_records(db, query)
    finally:
        db.close()
    assert 0 < count < 7
    assert _objects(json.loads(out.read_text("utf-8"))) == _objects(old_bundle(document))


@pytest.mark.parametrize(
    "parts", [("incident", "x"), ("note", "3f2a", "citation0"), ("bundle",), ("identity", "é∂𝔸")]
)
def test_ids_are_uuid5_of_their_parts(parts: tuple[str, ...]) -> None:
    name = chr(31).join(parts)
    assert object_id(*parts) == f"{parts[0]}--{uuid.uuid5(NAMESPACE, name)}"


# ------------------------------------------------------------------------------ the reader


def _reordered(bundle_file: Path, order: Callable[[list[Any]], list[Any]]) -> bytes:
    bundle = json.loads(bundle_file.read_text("utf-8"))
    bundle["objects"] = order(bundle["objects"])
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")


def _report_first(objects: list[Any]) -> list[Any]:
    return sorted(objects, key=lambda o: o["type"] != "report")


def _shuffled(objects: list[Any]) -> list[Any]:
    shuffled = list(objects)
    random.Random(18).shuffle(shuffled)
    return shuffled


def _incidents_last(objects: list[Any]) -> list[Any]:
    # Every relationship and note before the incident it is about, every target after.
    rank = {"relationship": 0, "note": 1, "incident": 3, "location": 4}
    return sorted(objects, key=lambda o: rank.get(o["type"], 2))


def _unordered(incident: dict[str, Any]) -> dict[str, Any]:
    """An incident with its actors and citations sorted: STIX gives no order to the
    relationships and notes they are read from but the file's."""
    return {
        **incident,
        "actors": sorted(incident["actors"], key=json.dumps),
        "citations": sorted(incident["citations"], key=json.dumps),
    }


@pytest.mark.parametrize(
    ("order", "kept"),
    [
        (lambda o: o, True),
        (list.__reversed__, False),
        (_report_first, True),
        (_shuffled, False),
        (_incidents_last, True),
    ],
    ids=["as-written", "reversed", "report-first", "shuffled", "incidents-last"],
)
def test_any_order_of_the_objects_gives_the_same_records(
    bundle_file: Path,
    json_file: Path,
    tmp_path: Path,
    order: Callable[[list[Any]], list[Any]],
    kept: bool,
) -> None:
    """The same records; in the same order too when the notes and relationships keep theirs."""
    path = tmp_path / "reordered.json"
    path.write_bytes(_reordered(bundle_file, lambda objects: list(order(objects))))
    db, out = tmp_path / "w.sqlite3", tmp_path / "back.json"
    assert _run("import", str(path), "--db", str(db)) == 0
    assert _run("export", "json", "--db", str(db), "--out", str(out)) == 0
    back = json.loads(out.read_text("utf-8"))
    original = json.loads(json_file.read_text("utf-8"))
    assert back["sources"] == original["sources"]
    incidents = sorted(back["incidents"], key=lambda i: i["id"])
    expected = sorted(original["incidents"], key=lambda i: i["id"])
    if not kept:
        incidents, expected = list(map(_unordered, incidents)), list(map(_unordered, expected))
    assert incidents == expected


def test_incidents_come_in_parts_after_the_sources(bundle_file: Path) -> None:
    raw = bundle_file.read_bytes()
    whole = stix_read.read(raw, interchange.CHECKS)
    parts = list(stix_read.read_parts(io.BytesIO(raw), len(raw), interchange.CHECKS, batch=2))
    assert parts[0].sources == whole.sources
    assert parts[0].incidents == ()
    assert [len(p.incidents) for p in parts[1:]] == [2, 2, 2, 1]
    assert [p.first for p in parts[1:]] == [0, 2, 4, 6]
    assert all(p.expected == 7 and p.exact for p in parts)
    assert tuple(i for p in parts for i in p.incidents) == whole.incidents


@pytest.mark.parametrize("newer_first", [False, True])
def test_an_object_given_twice_is_read_in_its_latest_version(
    bundle_file: Path, tmp_path: Path, newer_first: bool
) -> None:
    bundle = json.loads(bundle_file.read_text("utf-8"))
    objects = bundle["objects"]
    incident = next(o for o in objects if o["type"] == "incident")
    newer = {**incident, "name": "Renamed later", "modified": "2099-01-01T00:00:00.000Z"}
    objects.insert(0 if newer_first else len(objects), newer)
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    document = stix_read.read(path.read_bytes(), interchange.CHECKS)
    titles = [i.title for i in document.incidents]
    assert len(titles) == 7
    assert "Renamed later" in titles
    assert incident["name"] not in titles


def test_a_utf16_bundle_is_read(bundle_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_bytes(bundle_file.read_text("utf-8").encode("utf-16"))
    assert _run("import", str(path), "--db", str(tmp_path / "w.sqlite3")) == 0


def _hostile_file(bundle_file: Path, tmp_path: Path, edit: Callable[[list[Any]], None]) -> Path:
    bundle = json.loads(bundle_file.read_text("utf-8"))
    edit(bundle["objects"])
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _relationship_first_dangling(objects: list[Any]) -> None:
    relation = next(o for o in objects if o["type"] == "relationship")
    objects.remove(relation)
    relation["target_ref"] = "location--00000000-0000-4000-8000-000000000000"
    objects.insert(0, relation)


def _report_first_dangling(objects: list[Any]) -> None:
    report = next(o for o in objects if o["type"] == "report")
    objects.remove(report)
    report["object_refs"].append("note--00000000-0000-4000-8000-000000000001")
    objects.insert(0, report)


def _report_first_circular(objects: list[Any]) -> None:
    report = next(o for o in objects if o["type"] == "report")
    objects.remove(report)
    note = next(o for o in objects if o["type"] == "note")
    note["object_refs"].append(report["id"])  # the report lists the note, the note it
    objects.insert(0, report)


def _note_last_about_itself(objects: list[Any]) -> None:
    note = next(o for o in objects if o["type"] == "note")
    objects.remove(note)
    note["object_refs"].append(note["id"])
    objects.append(note)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_relationship_first_dangling, r"objects\[0\]\.target_ref: 'location--0+-.*dangling"),
        (_report_first_dangling, r"objects\[0\]\.object_refs: 'note--0{8}-.*1' is not in"),
        (_report_first_circular, r"refers to itself through report--.* → note--.*circular"),
        (_note_last_about_itself, r"objects\[\d+\]: refers to itself through note--.*circular"),
    ],
)
def test_references_are_checked_in_any_order(
    bundle_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[list[Any]], None],
    message: str,
) -> None:
    path = _hostile_file(bundle_file, tmp_path, edit)
    db = str(tmp_path / "w.sqlite3")
    assert _run("import", str(path), "--format", "stix", "--db", db) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.search(message, err), err
    out = tmp_path / "after.json"
    assert _run("export", "json", "--db", db, "--out", str(out)) == 0
    after = json.loads(out.read_text("utf-8"))
    assert (after["incidents"], after["sources"]) == ([], [])


def test_a_bundle_without_its_type_is_refused(
    bundle_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = json.loads(bundle_file.read_text("utf-8"))
    del bundle["type"]
    path = tmp_path / "untyped.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    assert _run("import", str(path), "--format", "stix", "--db", str(tmp_path / "w")) == 2
    assert "type: must be 'bundle'" in capsys.readouterr().err


def test_a_problem_in_a_late_object_writes_nothing(
    bundle_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The last incident is refused after the first parts were stored: all undone."""
    monkeypatch.setattr(stix_read, "PART", 2)

    def edit(objects: list[Any]) -> None:
        last = [o for o in objects if o["type"] == "incident"][-1]
        last["x_incident_desk_when"] = {"start": "yesterday", "precision": "day"}

    path = _hostile_file(bundle_file, tmp_path, edit)
    db = str(tmp_path / "w.sqlite3")
    assert _run("import", str(path), "--db", db) == 2
    assert "objects[" in capsys.readouterr().err
    out = tmp_path / "after.json"
    assert _run("export", "json", "--db", db, "--out", str(out)) == 0
    assert json.loads(out.read_text("utf-8"))["incidents"] == []


# ----------------------------------------------------------------- the plain shapes, checked


_ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    101,
    1.5,
    float("nan"),
    "",
    "x",
    "2023-13-01T00:00:00Z",
    "2023-02-29T00:00:00.000Z",
    "2023-10-17T12:00:00.000Z",
    [],
    ["x"],
    [1],
    ["incident--00000000-0000-4000-8000-000000000000"],
    ["INCIDENT--00000000-0000-4000-8000-000000000000"],
    ["incident--00000000-0000-4000-0000-000000000000"],
    {},
    {"a": 1},
    [{"source_name": "s", "url": "u"}],
    [{"source_name": "s"}],
    [{"url": "u"}],
]


def _variants(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The object with each property dropped or given each odd value, and odd ones added."""
    made = []
    for key in found:
        dropped = dict(found)
        del dropped[key]
        made.append(dropped)
        for value in _ODD_VALUES:
            made.append({**found, key: copy.deepcopy(value)})
    for key in ("x_fine", "X_upper", "1x", "xy", "revoked", "granular_markings", "precision"):
        for value in _ODD_VALUES[:4]:
            made.append({**found, key: value})
    return made


def _library_allows(found: dict[str, Any]) -> bool:
    try:
        stix2.parse(found, allow_custom=True, version="2.1")
    except Exception:  # the library's refusals are of many classes
        return False
    return True


def test_the_plain_shapes_are_ones_the_library_allows(bundle_file: Path) -> None:
    ours = json.loads(bundle_file.read_text("utf-8"))["objects"]
    theirs = json.loads((FIXTURES / "opencti-incident.json").read_text("utf-8"))["objects"]
    # Every incident, place, relationship and note we write is plain: the library is not
    # asked of them (notes with an evidence hash would be).
    plain_types = {"incident", "location", "relationship", "note", "report", "threat-actor"}
    assert all(stix_shapes.plainly_valid(o) for o in ours if o["type"] in plain_types)
    samples: dict[str, dict[str, Any]] = {}
    for found in [*ours, *theirs]:
        samples.setdefault(found["type"] + str(sorted(found)), found)
    checked = accepted = 0
    for found in samples.values():
        for variant in _variants(found):
            if not isinstance(variant.get("type"), str) or not isinstance(variant.get("id"), str):
                continue  # the first reading refuses these before any check
            checked += 1
            if stix_shapes.plainly_valid(variant):
                accepted += 1
                assert _library_allows(variant), variant
    assert checked > 1000
    assert accepted > 100


def test_a_source_named_before_its_identity_keeps_the_identitys_grade() -> None:
    """A note naming its author ("Reuters") in one incident, the identity of that name (graded
    C) cited by a later one: the part that first hands the source on already has the grade,
    since an earlier part's sources are stored before the later incident is read."""
    bundle = json.loads((FIXTURES / "opencti-incident.json").read_text("utf-8"))
    objects = bundle["objects"]
    first = next(o for o in objects if o["type"] == "incident")
    first.pop("external_references", None)
    second = copy.deepcopy(first)
    second["id"] = f"incident--{uuid.uuid4()}"
    second["external_references"] = [
        {"source_name": "Reuters", "url": "https://example.org/r", "description": "Reported."}
    ]
    note = {
        "type": "note",
        "spec_version": "2.1",
        "id": f"note--{uuid.uuid4()}",
        "created": "2023-10-18T10:00:00.000Z",
        "modified": "2023-10-18T10:00:00.000Z",
        "authors": ["Reuters"],
        "content": "Drone downed near the airport.",
        "object_refs": [first["id"]],
    }
    objects += [note, second]
    raw = json.dumps(bundle).encode()
    parts = list(stix_read.read_parts(io.BytesIO(raw), len(raw), interchange.CHECKS, batch=1))
    given = [s for p in parts for s in p.sources if s.name == "Reuters"]
    assert [s.reliability for s in given] == ["C"]
    cited = [c.source for p in parts for i in p.incidents for c in i.citations]
    assert cited.count(given[0].id) == 2
