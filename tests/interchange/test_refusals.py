"""Every malformed interchange file is refused in one line, and the database stays as it was."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest

from desktop.errors import ValidationError
from desktop.formats import json_v1
from desktop.resources import resource_path
from desktop.services import interchange
from desktop.store.engine import Database, open_database

if TYPE_CHECKING:
    from pathlib import Path

SAMPLE = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))


@pytest.fixture
def loaded_db(db_url: str) -> Any:
    db = open_database(db_url)
    interchange.import_document(
        db, json_v1.parse_document(copy.deepcopy(SAMPLE), interchange.CHECKS)
    )
    yield db
    db.close()


def _snapshot(db: Database) -> str:
    return json_v1.dumps(json_v1.document_json(interchange.export_records(db)))


def _mutated(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(SAMPLE)
    change(document)
    return document


def _set(path: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is _DELETE:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return change


_DELETE = object()

CASES = [
    ("incidents.2.when.end", "2023-10-01", "incidents[2].when.end: before start"),
    ("format", "incident-desk/3", "format: must be 'incident-desk/2' or 'incident-desk/1'"),
    ("incidents.0.colour", "red", "incidents[0]: unknown key(s) 'colour'"),
    ("incidents.0.status", "rumoured", 'incidents[0].status: "rumoured" is not one of'),
    ("incidents.0.where.lat", 123.0, "incidents[0].where.lat: 123.0 is outside"),
    ("incidents.0.where.lon", None, "incidents[0].where"),
    (
        "incidents.0.when.start",
        "2023-02-30",
        "incidents[0].when.start: '2023-02-30' is not a real date",
    ),
    ("incidents.0.when.start", "18/10/2023", 'incidents[0].when.start: "18/10/2023" is not a date'),
    (
        "incidents.0.citations.0.source",
        "nobody",
        "incidents[0].citations[0].source: unknown source 'nobody'",
    ),
    ("incidents.0.citations.0.credibility", 7, "incidents[0].citations[0].credibility: must be"),
    ("incidents.0.event_type", "Bombing", "incidents[0].event_type: 'Bombing' is not an ACLED"),
    ("incidents.0.where.country", "XX", "incidents[0].where.country: 'XX' is not an ISO"),
    ("incidents.0.id", "not-a-uuid", 'incidents[0].id: "not-a-uuid" is not a UUID'),
    ("sources.0.reliability", "G", "sources[0].reliability: must be one of A"),
    ("sources.0.kind", "blog", 'sources[0].kind: "blog" is not one of'),
    ("incidents.0.casualties.killed", -1, "incidents[0].casualties.killed: cannot be negative"),
    ("incidents.0.casualties.killed", "two", "incidents[0].casualties.killed: must be a whole"),
    ("incidents.0.actors.0.role", "sponsor", 'incidents[0].actors[0].role: "sponsor" is not'),
    ("incidents.0.title", _DELETE, "incidents[0]: missing key(s) 'title'"),
    ("incidents", {}, "incidents: must be a list, not an object"),
]


@pytest.mark.parametrize(("path", "value", "message"), CASES)
def test_malformed_document_is_refused_with_its_path(
    loaded_db: Database, tmp_path: Path, path: str, value: Any, message: str
) -> None:
    before = _snapshot(loaded_db)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_mutated(_set(path, value)), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        interchange.import_file(loaded_db, bad)
    assert str(info.value).startswith(message), str(info.value)
    assert "\n" not in str(info.value)
    assert _snapshot(loaded_db) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "this is a binary file"),
        (b"{not json", "not valid JSON: line 1 column 2"),
        (b"\xff\xfe{}", "not valid JSON"),  # a UTF-16 BOM, then no JSON
        (b"\xe9t\xe9 {}", "not UTF-8 text"),
        (b"[]", "must be an object, not a list"),
        (
            b'{"format": "incident-desk/1", "format": "x", "sources": [], "incidents": []}',
            "key 'format' appears twice",
        ),
    ],
)
def test_files_that_are_not_documents_are_refused(
    loaded_db: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    before = _snapshot(loaded_db)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        interchange.import_file(loaded_db, bad)
    assert _snapshot(loaded_db) == before


def test_missing_file_is_a_clear_error(loaded_db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no such file"):
        interchange.import_file(loaded_db, tmp_path / "absent.json")


def test_a_late_problem_rolls_back_the_whole_import(loaded_db: Database, tmp_path: Path) -> None:
    """A valid first incident must not land when a later one fails at write time."""
    document = {
        "format": "incident-desk/1",
        "sources": [],
        "incidents": [
            {
                **copy.deepcopy(SAMPLE["incidents"][0]),
                "id": "00000000-0000-4000-8000-000000000001",
                "citations": [],
            },
            {**copy.deepcopy(SAMPLE["incidents"][1]), "id": "00000000-0000-4000-8000-000000000001"},
        ],
    }
    before = _snapshot(loaded_db)
    path = tmp_path / "late.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"incidents\[1\]\.id: .* is given twice"):
        interchange.import_file(loaded_db, path)
    assert _snapshot(loaded_db) == before


def test_a_malformed_history_entry_is_named(tmp_path: Path) -> None:
    from desktop.errors import ValidationError
    from desktop.services import interchange

    document = {
        "format": json_v1.FORMAT,
        "sources": [],
        "incidents": [
            {
                "title": "x",
                "when": {"start": "2023-10-17", "end": "2023-10-17", "precision": "day"},
                "event_type": "Protests",
                "sub_event_type": "Peaceful protest",
                "history": [{"at": "2023-10-17T00:00:00Z", "by": "a", "did": "?"}],
            }
        ],
    }
    with pytest.raises(ValidationError, match=r"incidents\[0\]\.history\[0\]: unknown key"):
        json_v1.parse_document(document, interchange.CHECKS)


def test_a_source_id_over_its_limit_is_named_as_too_long() -> None:
    from desktop.records import MAX_SLUG

    document = {
        "format": "incident-desk/1",
        "sources": [{"id": "a" * (MAX_SLUG + 1), "name": "Long"}],
        "incidents": [],
    }
    with pytest.raises(ValidationError, match=f"sources\\[0\\].id: is longer than {MAX_SLUG}"):
        json_v1.parse_document(document, interchange.CHECKS)
