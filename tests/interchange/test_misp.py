"""MISP event JSON from the command line: what PyMISP makes of our events, what a MISP
event becomes, and malformed files refused in one line with nothing written."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from pymisp import MISPEvent

from desktop import cli

if TYPE_CHECKING:
    from pathlib import Path

# A MISP event as MISP exports one: tags of its taxonomies, links, a text, a galaxy tag and
# a geolocation object, numbers written as text.
EVENT: dict[str, Any] = {
    "Event": {
        "id": "1187",
        "uuid": "5b9c3a7e-1f2d-4c8b-9a6e-0d1c2b3a4f50",
        "info": "Rocket fire at Ain al-Asad reported by local media",
        "date": "2023-10-21",
        "published": True,
        "timestamp": "1697900000",
        "distribution": "1",
        "threat_level_id": "2",
        "analysis": "1",
        "Orgc": {"id": "3", "name": "CIRCL", "uuid": "55f6ea5e-2c60-40e5-964f-47a8950d210f"},
        "Tag": [
            {"name": "tlp:green", "colour": "#339900"},
            {"name": 'admiralty-scale:source-reliability="c"'},
            {"name": 'admiralty-scale:information-credibility="3"'},
            {"name": 'estimative-language:likelihood-probability="almost-certain"'},
            {"name": 'estimative-language:confidence-in-analytic-judgment="moderate"'},
            {"name": 'misp-galaxy:threat-actor="Kataib Hezbollah"'},
            {"name": "rockets"},
        ],
        "Attribute": [
            {
                "type": "link",
                "category": "External analysis",
                "value": "https://www.example.org/news/ain-al-asad-rockets",
                "comment": "",
                "to_ids": False,
                "Tag": [{"name": 'admiralty-scale:information-credibility="2"'}],
            },
            {
                "type": "text",
                "category": "Other",
                "value": "Two rockets landed near the base perimeter; no casualties.",
                "comment": "",
                "to_ids": False,
            },
        ],
        "Object": [
            {
                "name": "geolocation",
                "meta-category": "misc",
                "Attribute": [
                    {"object_relation": "latitude", "type": "float", "value": "33.785"},
                    {"object_relation": "longitude", "type": "float", "value": "42.441"},
                    {"object_relation": "city", "type": "text", "value": "Ain al-Asad"},
                    {"object_relation": "region", "type": "text", "value": "Anbar"},
                    {"object_relation": "country", "type": "text", "value": "Iraq"},
                    {"object_relation": "countrycode", "type": "text", "value": "iq"},
                ],
            }
        ],
    }
}


def _run(*args: str) -> int:
    return cli.main(list(args))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("misp") / "sample.sqlite3"
    assert _run("sample", "--db", str(db)) == 0
    return db


@pytest.fixture(scope="module")
def events_file(sample: Path) -> Path:
    out = sample.parent / "sample.misp.json"
    assert _run("export", "misp", "--db", str(sample), "--out", str(out)) == 0
    return out


def _export_json(db: Path, out: Path) -> dict[str, Any]:
    assert _run("export", "json", "--db", str(db), "--out", str(out)) == 0
    return json.loads(out.read_text("utf-8"))


def test_pymisp_loads_every_event(events_file: Path) -> None:
    response = json.loads(events_file.read_text("utf-8"))["response"]
    assert len(response) == 7
    loaded = []
    for item in response:
        event = MISPEvent()
        event.load(item)
        loaded.append(event)
    asad = next(e for e in loaded if "al-Asad" in e.info)
    tags = {t.name for t in asad.tags}
    assert {"tlp:clear", 'estimative-language:confidence-in-analytic-judgment="moderate"'} <= tags
    assert 'admiralty-scale:source-reliability="b"' in tags
    assert asad.distribution == 3
    (place,) = asad.get_objects_by_name("geolocation")
    values = {a.object_relation: a.value for a in place.attributes}
    assert values["countrycode"] == "IQ"
    assert values["country"] == "Iraq"
    assert float(values["latitude"]) == pytest.approx(33.785)
    texts = [a for a in asad.attributes if a.type == "text" and a.comment not in ("summary",)]
    graded = [t for a in texts for t in a.tags if t.name.startswith("admiralty-scale")]
    assert graded  # each citation carries its own grade
    amber = next(e for e in loaded if "spokesman" in e.info)
    assert "tlp:amber" in {t.name for t in amber.tags}
    assert amber.distribution == 1


def test_one_incident_is_one_event(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.json"
    assert (
        _run(
            "export", "misp", "--db", str(sample), "--out", str(out),
            "--since", "2023-10-17", "--until", "2023-10-17", "--country", "PS",
        )
        == 0
    )  # fmt: skip
    value = json.loads(out.read_text("utf-8"))
    assert set(value) == {"Event"}
    event = MISPEvent()
    event.load(value)
    assert event.date.isoformat() == "2023-10-17"


def test_our_events_come_back_with_what_misp_carries(
    sample: Path, events_file: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    assert _run("import", str(events_file), "--db", str(fresh)) == 0
    before = _export_json(sample, tmp_path / "before.json")
    after = _export_json(fresh, tmp_path / "after.json")
    by_id = {i["id"]: i for i in after["incidents"]}
    for incident in before["incidents"]:
        back = by_id[incident["id"]]
        for key in ("title", "summary", "notes", "where", "event_type", "sub_event_type"):
            assert back[key] == incident[key], key
        for key in ("actors", "casualties", "status", "confidence", "likelihood", "tags"):
            assert back[key] == incident[key], key
        assert back["marking"] == incident["marking"]
        assert back["when"] == incident["when"]  # span and precision, via the timestamp object
        assert [
            (c["source"], c["credibility"], c["url"], c["excerpt"]) for c in back["citations"]
        ] == [
            (c["source"], c["credibility"], c["url"], c["excerpt"]) for c in incident["citations"]
        ]
    grades = {s["id"]: s["reliability"] for s in after["sources"]}
    assert grades == {s["id"]: s["reliability"] for s in before["sources"]}


WHENS = [
    {"start": "2023-10-01", "end": "2023-10-31", "precision": "month"},
    {"start": "2023-10-17T06:30:00Z", "end": "2023-10-18T21:05:09Z", "precision": "exact"},
    {"start": "2023-10-09", "end": "2023-10-15", "precision": "week"},
    {"start": "2023-10-17", "end": "2023-10-19", "precision": "day"},
]


def test_every_span_and_precision_goes_through_misp_and_back(sample: Path, tmp_path: Path) -> None:
    document = _export_json(sample, tmp_path / "sample.json")
    for incident, when in zip(document["incidents"], WHENS, strict=False):
        incident["when"] = when
    edited, first = tmp_path / "edited.json", tmp_path / "first.sqlite3"
    edited.write_text(json.dumps(document), encoding="utf-8")
    assert _run("import", str(edited), "--db", str(first)) == 0
    events, second = tmp_path / "events.json", tmp_path / "second.sqlite3"
    assert _run("export", "misp", "--db", str(first), "--out", str(events)) == 0
    for item in json.loads(events.read_text("utf-8"))["response"]:
        event = MISPEvent()
        event.load(item)  # PyMISP reads the timestamp object and its first and last seen
        (stamp,) = event.get_objects_by_name("timestamp")
        values = {a.object_relation: a.value for a in stamp.attributes}
        assert values["first-seen"] == stamp.first_seen
        assert stamp.first_seen <= stamp.last_seen
        assert event.date == stamp.first_seen.date()
        if event.uuid == document["incidents"][1]["id"]:  # the exact span, to the second
            assert values["precision"] == "full"
            assert stamp.first_seen.isoformat() == "2023-10-17T06:30:00+00:00"
            assert stamp.last_seen.isoformat() == "2023-10-18T21:05:09+00:00"
    assert _run("import", str(events), "--db", str(second)) == 0
    back = {i["id"]: i["when"] for i in _export_json(second, tmp_path / "back.json")["incidents"]}
    for incident, when in zip(document["incidents"], WHENS, strict=False):
        assert back[incident["id"]] == when


def _timestamp_object(*attributes: tuple[str, str]) -> dict[str, Any]:
    return {
        "name": "timestamp",
        "meta-category": "misc",
        "Attribute": [
            {"object_relation": relation, "type": "datetime", "value": value}
            for relation, value in attributes
        ],
    }


@pytest.mark.parametrize(
    ("attributes", "when"),
    [
        (
            [("first-seen", "2023-10-21T06:30:00.000000+03:00")],
            {"start": "2023-10-21T03:30:00Z", "end": "2023-10-21T03:30:00Z", "precision": "exact"},
        ),
        (
            [("first-seen", "2023-10-20T00:00:00Z"), ("last-seen", "2023-10-21T23:59:59Z")],
            {"start": "2023-10-20", "end": "2023-10-21", "precision": "day"},
        ),
        ([], {"start": "2023-10-21", "end": "2023-10-21", "precision": "day"}),
    ],
)
def test_a_timestamp_object_from_misp_gives_the_span(
    tmp_path: Path, attributes: list[tuple[str, str]], when: dict[str, str]
) -> None:
    event = json.loads(json.dumps(EVENT))
    event["Event"]["Object"].append(_timestamp_object(*attributes))
    path, db = tmp_path / "event.json", tmp_path / "w.sqlite3"
    path.write_text(json.dumps(event), encoding="utf-8")
    assert _run("import", str(path), "--db", str(db)) == 0
    (incident,) = _export_json(db, tmp_path / "out.json")["incidents"]
    assert incident["when"] == when


def test_a_misp_event_becomes_an_incident_with_sources_and_grades(tmp_path: Path) -> None:
    path, db = tmp_path / "event.json", tmp_path / "w.sqlite3"
    path.write_text(json.dumps(EVENT), encoding="utf-8")
    assert _run("import", str(path), "--db", str(db)) == 0
    document = _export_json(db, tmp_path / "out.json")
    (incident,) = document["incidents"]
    sources = {s["id"]: s for s in document["sources"]}
    assert incident["id"] == "5b9c3a7e-1f2d-4c8b-9a6e-0d1c2b3a4f50"
    assert incident["title"] == "Rocket fire at Ain al-Asad reported by local media"
    assert incident["summary"] == "Two rockets landed near the base perimeter; no casualties."
    assert incident["when"] == {"start": "2023-10-21", "end": "2023-10-21", "precision": "day"}
    assert incident["marking"] == "TLP:GREEN"
    assert incident["likelihood"] == "almost certain"
    assert incident["confidence"] == "moderate"
    assert incident["actors"] == [{"name": "Kataib Hezbollah", "role": "attributed_to"}]
    assert incident["tags"] == ["rockets"]
    assert incident["where"] == {
        "name": "Ain al-Asad",
        "admin1": "Anbar",
        "country": "IQ",
        "lat": 33.785,
        "lon": 42.441,
        "precision": 1,
    }
    (citation,) = incident["citations"]
    assert citation["url"] == "https://www.example.org/news/ain-al-asad-rockets"
    # The attribute's own credibility; the source's reliability from the event's tags.
    assert citation["credibility"] == 2
    assert sources[citation["source"]] == {
        "id": "example-org",
        "name": "example.org",
        "kind": "other",
        "reliability": "C",
        "url": None,
        "notes": "",
    }


def test_a_response_of_events_is_read_and_an_event_citing_nothing_cites_its_creator(
    tmp_path: Path,
) -> None:
    bare = json.loads(json.dumps(EVENT))["Event"]
    bare["Attribute"] = []
    bare["uuid"] = "6c0d4b8f-2a3e-4d9c-8b7f-1e2d3c4b5a61"
    path, db = tmp_path / "events.json", tmp_path / "w.sqlite3"
    path.write_text(json.dumps({"response": [EVENT, {"Event": bare}]}), encoding="utf-8")
    assert _run("import", str(path), "--db", str(db)) == 0
    document = _export_json(db, tmp_path / "out.json")
    assert len(document["incidents"]) == 2
    second = next(i for i in document["incidents"] if i["id"] == bare["uuid"])
    sources = {s["id"]: s for s in document["sources"]}
    (citation,) = second["citations"]
    assert (sources[citation["source"]]["name"], sources[citation["source"]]["reliability"]) == (
        "CIRCL",
        "C",
    )
    assert citation["credibility"] == 3


def _edited(edit: Any) -> str:
    value = json.loads(json.dumps(EVENT))
    edit(value)
    return json.dumps(value)


def _bad_latitude(v: Any) -> None:
    v["Event"]["Object"][0]["Attribute"][0]["value"] = "north"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_edited(lambda v: v["Event"].update(date="21 October 2023")), r"date: .* not a date"),
        (_edited(lambda v: v["Event"].update(uuid="not-a-uuid")), r"uuid: .* is not a UUID"),
        (_edited(lambda v: v["Event"].update(Attribute={})), r"Attribute: must be a list"),
        (
            _edited(lambda v: v["Event"]["Attribute"][0].update(value=["x"])),
            r"Event\.Attribute\[0\]\.value: must be text",
        ),
        (_edited(_bad_latitude), r"latitude: 'north' is not a number"),
        (
            _edited(
                lambda v: v["Event"]["Object"].append(_timestamp_object(("first-seen", "the 21st")))
            ),
            r"Event\.Object\[1\]\.first-seen: 'the 21st' is not an ISO 8601 date-time",
        ),
        (json.dumps({"response": [{"event": {}}]}), r"response\[0\]: holds no 'Event'"),
        ('{"Event": ' * 60 + "{}" + "}" * 60, r"nested too deeply"),
    ],
)
def test_a_malformed_event_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path, db = tmp_path / "bad.json", tmp_path / "w.sqlite3"
    path.write_text(content, encoding="utf-8")
    assert _run("import", str(path), "--db", str(db)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.search(message, err), err
    after = _export_json(db, tmp_path / "after.json")
    assert (after["incidents"], after["sources"]) == ([], [])
