"""The shortcuts that make a 100,000-incident import fast still refuse every bad input with
the same message and path as the plain checks they stand in for."""

from __future__ import annotations

import copy
import gc
import json
from typing import TYPE_CHECKING, Any

import pytest

from desktop.errors import ValidationError
from desktop.formats import json_v1
from desktop.services import incidents as incident_service
from desktop.services import interchange, validation
from desktop.services.dto import IncidentQuery

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from desktop.store.engine import Database

SOURCE = {"id": "reuters", "name": "Reuters", "kind": "media", "reliability": "C"}


def _incident(number: int, **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "title": f"Drone strike {number} near Erbil",
        "summary": "Two drones targeted the base.",
        "when": {"start": "2023-10-17", "end": "2023-10-18", "precision": "day"},
        "where": {
            "name": "Erbil",
            "admin1": "Erbil",
            "country": "IQ",
            "lat": 36.19,
            "lon": 44.01,
            "precision": 1,
        },
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actors": [
            {"name": "Islamic Resistance in Iraq", "role": "claimed_by"},
            {"name": "U.S. forces", "role": "target"},
        ],
        "casualties": {"killed": 0, "injured": None, "note": ""},
        "status": "confirmed",
        "confidence": "moderate",
        "tags": ["drone", "US bases"],
        "citations": [
            {
                "source": "reuters",
                "credibility": 3,
                "url": "https://example.org/a",
                "published": "2023-10-18",
                "retrieved": "2023-10-19",
                "language": "en",
                "excerpt": "Reuters reported the attack.",
            },
            {"source": "reuters", "credibility": 2, "excerpt": "A second report."},
        ],
    }
    record.update(changes)
    return record


def _document(*incidents: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": json_v1.FORMAT,
        "sources": [dict(SOURCE), {**SOURCE, "id": "afp", "name": "AFP"}],
        "incidents": [copy.deepcopy(i) for i in incidents],
    }


def _refusal(document: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        json_v1.parse_document(document, interchange.CHECKS)
    return str(info.value)


def _with(number: int, path: str, value: Any) -> dict[str, Any]:
    """Incident ``number`` with the value at a dotted path (list indexes as numbers)."""
    return _set(_incident(number), path, value)


def _set(record: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    target: Any = record
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    target[int(last) if last.isdigit() else last] = value
    return record


def test_a_good_document_reads_whole() -> None:
    document = json_v1.parse_document(
        _document(*(_incident(n) for n in range(5))), interchange.CHECKS
    )
    assert [i.title for i in document.incidents] == [
        f"Drone strike {n} near Erbil" for n in range(5)
    ]
    first = document.incidents[0]
    assert first.id == "00000000-0000-4000-8000-000000000000"
    assert [a.role for a in first.actors] == ["claimed_by", "target"]
    assert first.citations[1].credibility == 2
    assert first.status == "confirmed"


def test_a_citations_first_problem_in_key_order_is_the_one_told() -> None:
    """A bad date before a bad language: the date is told, as the keys are read in order."""
    incident = _set(_with(3, "citations.1.published", "2023-1-01"), "citations.1.language", 7)
    document = _document(*(_incident(n) for n in range(3)), incident)
    assert _refusal(document).startswith(
        'incidents[3].citations[1].published: "2023-1-01" is not a date'
    ), _refusal(document)


def test_numbers_read_as_the_record_holds_them() -> None:
    """A whole latitude is a float in the record, as a written one is; counts stay whole."""
    incident = _set(_with(0, "where.lat", 36), "casualties.killed", 3)
    document = json_v1.parse_document(_document(incident), interchange.CHECKS)
    where, casualties = document.incidents[0].where, document.incidents[0].casualties
    assert (where.lat, type(where.lat)) == (36.0, float)
    assert (casualties.killed, type(casualties.killed)) == (3, int)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        # Problems in a later item of a list are reported at that item.
        ("actors.1.role", "sponsor", 'incidents[3].actors[1].role: "sponsor" is not one of'),
        ("actors.1.role", 3, "incidents[3].actors[1].role: 3 is not one of"),
        ("actors.1.role", ["target"], 'incidents[3].actors[1].role: ["target"] is not one of'),
        ("actors.1", "U.S. forces", "incidents[3].actors[1]: must be an object, not text"),
        (
            "citations.1.published",
            "2023-13-01",
            "incidents[3].citations[1].published: '2023-13-01' is not a real date",
        ),
        (
            "citations.1.published",
            "2023-1-01",
            'incidents[3].citations[1].published: "2023-1-01" is not a date (YYYY-MM-DD)',
        ),
        (
            "citations.1.retrieved",
            "20231019",
            'incidents[3].citations[1].retrieved: "20231019" is not a date (YYYY-MM-DD)',
        ),
        (
            "citations.1.credibility",
            True,
            "incidents[3].citations[1].credibility: must be a whole number from 1 to 6",
        ),
        ("citations.1.excerpt", 12, "incidents[3].citations[1].excerpt: must be text, not a"),
        ("where.country", "ZZ", "incidents[3].where.country: 'ZZ' is not an ISO 3166-1"),
        ("where.country", "iq", None),  # two letters are upper-cased, then accepted
        ("when.precision", "hour", 'incidents[3].when.precision: "hour" is not one of'),
        (
            "when.start",
            "2023-10-17T10:00:00+03:00",
            'incidents[3].when.start: "2023-10-17T10:00:00+03:00" is not a date',
        ),
        ("status", None, "incidents[3].status: null is not one of"),
        ("confidence", ["high"], 'incidents[3].confidence: ["high"] is not one of'),
        ("title", ["Strike"], "incidents[3].title: must be text, not a list"),
        ("likelihood", 5, "incidents[3].likelihood: must be text or null, not a number"),
        ("where.lat", "36.2", "incidents[3].where.lat: must be a number or null, not text"),
        ("where.lon", True, "incidents[3].where.lon: must be a number or null, not true/false"),
        ("where.name", None, "incidents[3].where.name: must be text, not null"),
        ("casualties.killed", 2.5, "incidents[3].casualties.killed: must be a whole number or"),
        ("casualties.injured", False, "incidents[3].casualties.injured: must be a whole number"),
        ("actors.1.name", 5, "incidents[3].actors[1].name: must be text, not a number"),
        ("citations.1.source", None, "incidents[3].citations[1].source: must be text, not null"),
        ("citations.1.url", 5, "incidents[3].citations[1].url: must be text or null, not a"),
        ("citations.1.language", {}, "incidents[3].citations[1].language: must be text, not an"),
        ("tags.1", 7, "incidents[3].tags[1]: must be text, not a number"),
        ("tags.1", "Drone ", "incidents[3].tags[1]: 'Drone' is given twice"),
    ],
)
def test_a_bad_value_is_named_by_its_full_path(path: str, value: Any, message: str | None) -> None:
    document = _document(*(_incident(n) for n in range(3)), _with(3, path, value), _incident(4))
    if message is None:
        assert (
            json_v1.parse_document(document, interchange.CHECKS).incidents[3].where.country == "IQ"
        )
    else:
        assert _refusal(document).startswith(message), _refusal(document)


def test_unknown_and_missing_keys_are_listed_in_a_stable_order() -> None:
    extra = _incident(1, colour="red", size=3)
    assert _refusal(_document(_incident(0), extra)) == (
        "incidents[1]: unknown key(s) 'colour', 'size'"
    )
    bare = _incident(1)
    for key in ("event_type", "title"):
        del bare[key]
    assert _refusal(_document(_incident(0), bare)) == (
        "incidents[1]: missing key(s) 'title', 'event_type'"
    )
    citation = _incident(0)
    del citation["citations"][1]["credibility"]
    assert _refusal(_document(citation)) == (
        "incidents[0].citations[1]: missing key(s) 'credibility'"
    )
    assert _refusal({"format": json_v1.FORMAT}) == "missing key(s) 'sources', 'incidents'"


@pytest.mark.parametrize(
    "value",
    [
        "00000000-0000-4000-8000-00000000000A",  # upper case
        "{00000000-0000-4000-8000-000000000001}",
        "urn:uuid:00000000-0000-4000-8000-000000000001",
        "00000000000040008000000000000001",  # no hyphens
        "00000000-0000-4000-8000-0000000000001",  # one digit too many
        " 00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-00000000000g",
        "",  # was let through before (UUID("") failed, and "" == "" passed the check)
        7,
        None,  # null is fine: a new id is made
    ],
)
def test_only_a_uuid_as_written_by_the_app_is_an_id(value: Any) -> None:
    document = _document(_incident(0, id=value))
    if value is None:
        made = json_v1.parse_document(document, interchange.CHECKS).incidents[0].id
        assert made is not None
        assert len(made) == 36
        return
    assert _refusal(document) == f"incidents[0].id: {json.dumps(value)} is not a UUID string"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("title", "title"),
        ("summary", "summary"),
        ("notes", "notes"),
        ("where.name", "where.name"),
        ("where.admin1", "where.admin1"),
        ("casualties.note", "casualties.note"),
        ("marking", "marking"),
        ("tags.1", "tags[1]"),
        ("actors.1.name", "actors[1].name"),
        ("citations.1.excerpt", "citations[1].excerpt"),
        ("citations.0.url", "citations[0].url"),
        ("citations.0.language", "citations[0].language"),
    ],
)
def test_a_nul_character_anywhere_is_refused_at_its_field(path: str, field: str) -> None:
    document = _document(_incident(0), _with(1, path, "bad\x00text"))
    assert _refusal(document) == (
        f"incidents[1].{field}: contains a NUL character, which cannot be stored"
    )


def test_every_nul_character_of_a_record_is_reported_in_field_order() -> None:
    record = json_v1.parse_document(_document(_incident(0)), interchange.CHECKS).incidents[0]
    from dataclasses import replace

    from desktop.services.dto import Actor

    bad = replace(
        record,
        summary="a\x00",
        tags=("x", "y\x00"),
        actors=(*record.actors, Actor("\x00")),
        citations=(record.citations[0], replace(record.citations[1], excerpt="\x00")),
    )
    problems = validation.incident_problems(bad)
    assert [p.field for p in problems] == [
        "summary",
        "tags[1]",
        "actors[2].name",
        "citations[1].excerpt",
    ]
    assert validation.incident_problems(record) == []


def test_a_repeated_key_deep_inside_a_record_is_refused(tmp_path: Path) -> None:
    text = json.dumps(_document(_incident(0)))
    # The second citation gets its "source" key twice.
    text = text.replace(
        '{"source": "reuters", "credibility": 2',
        '{"source": "reuters", "source": "afp", "credibility": 2',
    )
    path = tmp_path / "twice.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=r"^key 'source' appears twice in one object$"):
        interchange.read_file(path)


def test_a_broken_character_in_a_file_is_refused_at_its_field(tmp_path: Path) -> None:
    # JSON can spell half of a UTF-16 pair ("\ud800"); no database can store it.
    text = json.dumps(_document(_incident(0), _incident(1)))
    text = text.replace('"summary": "', '"summary": "broken \\ud800 ', 1)
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        interchange.read_file(path)
    assert str(info.value) == (
        "incidents[0].summary: contains a broken character (half of a UTF-16 pair), which "
        "cannot be stored"
    )


ARABIC = "هجوم بطائرة مسيّرة على قاعدة عين الأسد"
EMOJI = "Drone 🛩️ strike 💥 near Erbil"


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector as the app runs it, whatever the test runner did."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_arabic_and_emoji_text_goes_in_whole_and_the_collector_resumes(
    db: Database, tmp_path: Path
) -> None:
    record = _incident(
        0,
        title=ARABIC,
        summary=EMOJI,
        tags=["طائرة مسيرة", "🛩️"],
        actors=[{"name": "المقاومة الإسلامية في العراق", "role": "claimed_by"}],
    )
    record["citations"][0]["excerpt"] = "أفادت شفق نيوز بهجوم 💥"
    path = tmp_path / "arabic.json"
    path.write_text(json.dumps(_document(record), ensure_ascii=False), encoding="utf-8")

    result = interchange.import_file(db, path)

    assert gc.isenabled()
    assert result.incidents_created == 1
    stored = incident_service.get_incident(db, record["id"])
    assert (stored.title, stored.summary) == (ARABIC, EMOJI)
    assert stored.tags == ("طائرة مسيرة", "🛩️")
    assert stored.actors[0].name == "المقاومة الإسلامية في العراق"
    assert stored.citations[0].excerpt == "أفادت شفق نيوز بهجوم 💥"
    count = incident_service.count_incidents(db, IncidentQuery(text="عين الاسد"))
    assert count == 1


@pytest.mark.usefixtures("collector_on")
def test_a_refused_file_leaves_the_collector_running(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_document(_with(0, "where.country", "XX"))), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"incidents\[0\]\.where\.country"):
        interchange.import_file(db, path)
    assert gc.isenabled()
    gc.disable()
    try:  # and a caller that paused it itself finds it still paused
        with pytest.raises(ValidationError):
            interchange.import_file(db, path)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_handed_back_as_it_was_found(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_text(json.dumps(_document(_incident(0), _incident(1))), encoding="utf-8")
    assert gc.get_freeze_count() == 0
    interchange.import_file(db, path)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing is left out of the collector's reach

    gc.freeze()  # as the app does once started (views/app.py)
    try:
        interchange.import_document(db, interchange.read_file(path))
        # What the app froze stays frozen (an unfreeze would have emptied it all).
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()
