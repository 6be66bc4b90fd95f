"""incident-desk duplicates, through desktop.cli.main as a script runs it."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from desktop.cli import duplicates as command
from desktop.cli.main import main
from desktop.records import Actor, Where
from desktop.services import duplicate_scan, duplicates
from desktop.services import incidents as service

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def _two_reports(db: Database, make_incident: IncidentFactory) -> tuple[str, str]:
    first = service.create_incident(db, make_incident())
    second = service.create_incident(
        db,
        make_incident(
            title="Drones attack Ain al-Asad airbase",
            where=Where("Ain al-Asad", "Anbar", "IQ", 33.80, 42.47, 1),
            actors=(Actor("Islamic Resistance in Iraq"),),
        ),
    )
    far = Where("Basra", "Basra", "IQ", 30.5, 47.8, 1)  # 500 km away: never a candidate
    service.create_incident(db, make_incident(title="Protest in Basra", where=far))
    assert first.id
    assert second.id
    return first.id, second.id


def test_json_lists_the_pairs_with_the_ids_search_shows(
    db: Database, db_url: str, make_incident: IncidentFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _two_reports(db, make_incident)
    assert main(["duplicates", "--db", db_url, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 1
    [pair] = listed
    assert set(pair) == {"a", "b", "score", "reasons"}
    assert {pair["a"], pair["b"]} == {first, second}
    assert 0.8 <= pair["score"] <= 1
    assert pair["reasons"][:3] == ["same day", "3 km apart", "same event type"]
    assert main(["search", "Ain al-Asad", "--db", db_url, "--json"]) == 0
    found = json.loads(capsys.readouterr().out.splitlines()[0])
    assert found["id"] == second


def test_lines_min_score_and_limit(
    db: Database, db_url: str, make_incident: IncidentFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _two_reports(db, make_incident)
    assert main(["duplicates", "--db", db_url]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("0.")
    assert first in lines[0]
    assert second in lines[1]
    assert "same day · 3 km apart · same event type" in lines[2]
    assert "1 pair" in err
    assert main(["duplicates", "--db", db_url, "--min-score", "0.99", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["duplicates", "--db", db_url, "--min-score", "0", "--limit", "1", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


def test_dismissed_pairs_are_not_listed(
    db: Database, db_url: str, make_incident: IncidentFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _two_reports(db, make_incident)
    duplicates.mark_not_duplicate(db, first, second)
    assert main(["duplicates", "--db", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["duplicates", "--db", db_url]) == 0
    assert "No candidate pairs" in capsys.readouterr().err


def test_bad_options_are_one_line_and_exit_2(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for bad in (["--min-score", "1.5"], ["--min-score", "x"], ["--limit", "0"], ["--days", "99"]):
        with pytest.raises(SystemExit) as exit_:
            main(["duplicates", "--db", db_url, *bad])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, err


def test_the_commands_defaults_are_the_services() -> None:
    assert command.DEFAULT_MIN_SCORE == duplicates.DEFAULT_MIN_SCORE
    assert command.DEFAULT_DAYS == duplicates.DEFAULT_DAYS
    assert command.PER_INCIDENT == duplicate_scan.PER_INCIDENT


def test_a_record_edited_to_match_becomes_a_candidate(
    db: Database, db_url: str, make_incident: IncidentFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    service.create_incident(db, make_incident())
    other = service.create_incident(
        db, make_incident(title="Unrelated", where=Where("Basra", "Basra", "IQ", 30.5, 47.8, 1))
    )
    assert main(["duplicates", "--db", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    service.update_incident(db, replace(other, where=make_incident().where))
    assert main(["duplicates", "--db", db_url, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
