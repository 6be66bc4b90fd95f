"""Export → import into an empty database → export reproduces the same document."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain import EVENT_TYPES
from desktop.formats import json_v1
from desktop.resources import resource_path
from desktop.services import incidents, interchange, limits
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import DbUrls, IncidentFactory

HOSTILE = '<img src="/etc/passwd"> & <b>bold</b> كتائب حزب الله 🚀👩‍👩‍👧 "quotes" \\ \u200f'


def _roundtrip(document: dict[str, object], folder: Path, databases: DbUrls) -> dict[str, object]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "in.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    target = databases()
    db = open_database(target)
    try:
        interchange.import_file(db, path)
        return json_v1.document_json(interchange.export_records(db))
    finally:
        db.close()
        databases.drop(target)


def test_sample_roundtrips_exactly(tmp_path: Path, new_db_url: DbUrls) -> None:
    sample = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))
    first = _roundtrip(sample, tmp_path / "a", new_db_url)
    second = _roundtrip(first, tmp_path / "b", new_db_url)
    assert first == second
    titles = [i["title"] for i in first["incidents"]]  # type: ignore[index]
    assert any("al-Asad" in t for t in titles)
    assert any("al-Harir" in t for t in titles)


def _incident(n: int, title: str, summary: str, day: date) -> dict[str, object]:
    # Names are stored trimmed by design, so the generated ones are trimmed here too.
    event_type = sorted(EVENT_TYPES)[n % len(EVENT_TYPES)]
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "title": title,
        "summary": summary,
        "notes": summary[:50],
        "when": {
            "start": day.isoformat(),
            "end": (day + timedelta(days=1)).isoformat(),
            "precision": "day",
        },
        "where": {
            "name": title[:40].strip(),
            "admin1": "",
            "country": "IQ",
            "lat": 33.785,
            "lon": 42.441,
            "precision": 1,
        },
        "event_type": event_type,
        "sub_event_type": EVENT_TYPES[event_type][0],
        "actors": [{"name": title[:30].strip() or "x", "role": "claimed_by"}],
        "casualties": {"killed": None, "injured": n, "note": summary[:20]},
        "status": "reported",
        "confidence": "moderate",
        "likelihood": None,
        "tags": ["t"],
        "marking": "TLP:AMBER",
        "citations": [
            {
                "source": "src",
                "credibility": 2,
                "url": None,
                "published": None,
                "retrieved": day.isoformat(),
                "language": "ar",
                "excerpt": summary,
            }
        ],
    }


def _document(incidents: list[dict[str, object]]) -> dict[str, object]:
    return {
        "format": "incident-desk/1",
        "sources": [
            {
                "id": "src",
                "name": HOSTILE,
                "kind": "media",
                "reliability": "C",
                "url": None,
                "notes": HOSTILE,
            }
        ],
        "incidents": incidents,
    }


def test_long_hostile_text_roundtrips_exactly(tmp_path: Path, new_db_url: DbUrls) -> None:
    # As long as a narrative may be (desktop/services/limits.py), and its excerpt too.
    long_text = ((HOSTILE + "\n") * (limits.SUMMARY // len(HOSTILE) + 1))[: limits.SUMMARY]
    exact = _incident(1, HOSTILE, long_text, date(2023, 10, 17))
    exact["citations"][0]["excerpt"] = long_text[: limits.EXCERPT]  # type: ignore[index]
    exact["when"] = {
        "start": "2023-10-17T15:59:00Z",
        "end": "2023-10-17T16:30:00Z",
        "precision": "exact",
    }
    document = _document([exact])
    assert _roundtrip(document, tmp_path, new_db_url) == document


# Any text but lone surrogates (not UTF-8) and NUL (refused by validation).
text_strategy = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=200,
)
title_strategy = text_strategy.filter(lambda s: s.strip() != "" and len(s.strip()) <= 500).map(
    str.strip
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=title_strategy,
    summary=text_strategy,
    day=st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)),
)
def test_arbitrary_unicode_roundtrips(
    tmp_path_factory: object, new_db_url: DbUrls, title: str, summary: str, day: date
) -> None:
    folder = Path(tmp_path_factory.mktemp("rt"))  # type: ignore[attr-defined]
    document = _document([_incident(7, title, summary, day)])
    assert _roundtrip(document, folder, new_db_url) == document


def test_exact_times_are_written_in_utc() -> None:
    moment = datetime(2023, 10, 17, 21, 59, tzinfo=UTC)
    assert json_v1._moment_text(moment) == "2023-10-17T21:59:00Z"


def test_export_with_history_lists_changes_and_reads_back(
    db: Database, make_incident: IncidentFactory, tmp_path: Path
) -> None:
    saved = incidents.create_incident(db, make_incident())
    incidents.update_incident(db, replace(saved, title="Renamed <b>&</b>"))
    out = tmp_path / "with-history.json"
    interchange.export_file(db, out, with_history=True)
    document = json.loads(out.read_text(encoding="utf-8"))
    entries = document["incidents"][0]["history"]
    assert [e["action"] for e in entries] == ["created", "updated"]
    assert entries[1]["field"] == "Title"
    assert entries[1]["new"] == "Renamed <b>&</b>"
    assert entries[1]["by"] == "tester"
    assert entries[1]["at"].endswith("Z")
    plain = json.loads(json_v1.dumps(json_v1.document_json(interchange.export_records(db))))
    assert "history" not in plain["incidents"][0]
    # A history export is still a valid interchange file: importing it changes nothing here.
    result = interchange.import_file(db, out)
    assert result.incidents_unchanged == 1


def test_years_before_1000_are_written_with_four_digits() -> None:
    # strftime("%Y") writes "999" and "1": text the import then refuses.
    assert json_v1._moment_text(datetime(999, 6, 15, 12, tzinfo=UTC)) == ("0999-06-15T12:00:00Z")
    assert json_v1._moment_text(datetime(1, 1, 1, tzinfo=UTC)) == "0001-01-01T00:00:00Z"
    assert json_v1._moment_text(date(5, 3, 1)) == "0005-03-01"


def _timed(n: int, start: str, end: str, precision: str) -> dict[str, object]:
    incident = _incident(n, f"Incident {n}", "summary", date(2023, 10, 17))
    incident["when"] = {"start": start, "end": end, "precision": precision}
    citation = incident["citations"][0]  # type: ignore[index]
    citation["retrieved"] = None
    return incident


_ANY_SECOND = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)
).map(lambda moment: moment.replace(microsecond=0, tzinfo=UTC))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moments=st.lists(_ANY_SECOND, min_size=2, max_size=2).map(sorted),
    days=st.lists(st.dates(), min_size=2, max_size=2).map(sorted),
)
def test_any_year_from_1_to_9999_roundtrips(
    tmp_path_factory: object, new_db_url: DbUrls, moments: list[datetime], days: list[date]
) -> None:
    """Every representable time and day survives export → import → export, on both
    databases: a whole export must always be restorable."""
    folder = Path(tmp_path_factory.mktemp("years"))  # type: ignore[attr-defined]
    exact = _timed(1, *(json_v1._moment_text(m) for m in moments), precision="exact")
    daily = _timed(2, *(d.isoformat() for d in days), precision="day")
    document = _document([exact, daily])
    exported = _roundtrip(document, folder, new_db_url)
    by_id = {i["id"]: i for i in exported["incidents"]}  # type: ignore[attr-defined]
    assert by_id[exact["id"]] == exact
    assert by_id[daily["id"]] == daily
    assert _roundtrip(exported, folder / "again", new_db_url) == exported
