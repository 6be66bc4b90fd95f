"""The JSON format reads its incident keys from the field table (desktop/fields.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from desktop.domain import ActorRole, Confidence, Status, TimePrecision
from desktop.fields import INCIDENT_FIELDS, Field
from desktop.formats import json_v1
from desktop.formats.base import Checks
from desktop.records import (
    Actor,
    Casualties,
    Citation,
    Document,
    IncidentData,
    SourceData,
    When,
    Where,
)

NO_CHECKS = Checks(incident=lambda _data: None, source=lambda _data: None)

# Every field away from its default, so a field the format forgot cannot pass as a default.
FULL = IncidentData(
    id="0b6c1f7e-3a4d-4f0e-9c2b-5d8e1a7f3c90",
    title="Drone attack on al-Asad airbase",
    summary="Two drones.",
    notes="Check the claim.",
    when=When(
        datetime(2023, 10, 17, 21, 59, tzinfo=UTC),
        datetime(2023, 10, 18, 1, 0, tzinfo=UTC),
        TimePrecision.EXACT,
    ),
    where=Where("al-Asad airbase", "Anbar", "IQ", 33.785, 42.441, 1),
    event_type="Explosions/Remote violence",
    sub_event_type="Air/drone strike",
    actors=(Actor("Islamic Resistance in Iraq", ActorRole.CLAIMED_BY),),
    casualties=Casualties(0, 2, "minor injuries"),
    status=Status.CONFIRMED,
    confidence=Confidence.MODERATE,
    likelihood="likely",
    tags=("drone",),
    marking="TLP:AMBER",
    citations=(Citation("centcom", 2, "https://example.org/a", date(2023, 10, 18)),),
)


def _at_path(obj: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        obj = obj[part]
    return obj


@pytest.mark.parametrize("entry", INCIDENT_FIELDS, ids=lambda f: f.key)
def test_every_field_of_the_table_is_written_under_its_key(entry: Field) -> None:
    written = json_v1.incident_to_json(FULL)
    value = _at_path(written, entry.key)
    day = date(2000, 1, 1)
    blank = IncidentData(title="", when=When(day, day), event_type="", sub_event_type="")
    default = entry.get(blank)
    assert value not in (None, "", [], default), entry.key


def test_every_field_of_the_table_roundtrips() -> None:
    document = json_v1.document_json(Document((SourceData("CENTCOM", id="centcom"),), (FULL,)))
    parsed = json_v1.parse_document(json.loads(json_v1.dumps(document)), NO_CHECKS)
    (record,) = parsed.incidents
    for entry in INCIDENT_FIELDS:
        assert entry.get(record) == entry.get(FULL), entry.key
    assert record == FULL


def test_version_1_keeps_its_keys_in_their_order() -> None:
    # The table's order is the order written, so the same records give the same bytes. A key
    # added, removed or moved is a new version of the format (docs/interchange.md, Versions).
    assert json_v1.INCIDENT_KEYS == (
        "id",
        "title",
        "summary",
        "notes",
        "when",
        "where",
        "event_type",
        "sub_event_type",
        "actors",
        "casualties",
        "status",
        "confidence",
        "likelihood",
        "tags",
        "marking",
        "citations",
        "history",
    )
    assert list(json_v1.incident_to_json(FULL)) == list(json_v1.INCIDENT_KEYS[:-1])
    assert list(json_v1.incident_to_json(FULL)["where"]) == list(json_v1.WHERE_KEYS)


@dataclass(frozen=True)
class _Extended(IncidentData):
    severity: str = "minor"
    sites: int | None = None
    priority: Status = Status.REPORTED


_NEW_FIELDS = (
    Field("severity", "Severity", "Severity"),
    Field("sites", "Sites", "Severity"),
    Field("priority", "Priority", "Severity", enum=Status),
)


def test_a_field_added_to_the_table_is_written_and_read() -> None:
    shape = json_v1.incident_shape(INCIDENT_FIELDS + _NEW_FIELDS, _Extended)
    assert shape.keys[-4:] == ("severity", "sites", "priority", "history")
    record = _Extended(**{**FULL.__dict__, "severity": "major", "sites": 3})
    written = shape.write(record)
    assert (written["severity"], written["sites"], written["priority"]) == ("major", 3, "reported")
    assert json.dumps(written)  # plain JSON values
    values = shape.read(json.loads(json.dumps(written)))
    assert _Extended(id=record.id, **values) == record
    # Left out, each takes the record's default.
    for key in ("severity", "sites", "priority"):
        del written[key]
    values = shape.read(written)
    assert (values["severity"], values["sites"], values["priority"]) == (
        "minor",
        None,
        Status.REPORTED,
    )


def test_a_field_of_a_type_the_format_cannot_read_is_named() -> None:
    @dataclass(frozen=True)
    class Dated(IncidentData):
        due: date | None = None

    with pytest.raises(TypeError, match="'due'"):
        json_v1.incident_shape((*INCIDENT_FIELDS, Field("due", "Due", "When")), Dated)
