"""ACLED CSV from the command line: an ACLED download imported (both date forms, precision
codes, actors with roles, sources, fatalities), re-imported onto the same incidents, exported
in ACLED's 31 columns, and malformed files refused in one line with nothing written."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import TYPE_CHECKING

import pytest

from desktop import cli
from desktop.domain import ActorRole, TimePrecision
from desktop.formats.acled import COLUMNS, incident_id
from desktop.services.dto import IncidentData, IncidentQuery
from desktop.services.incidents import get_incidents
from desktop.services.sources import list_sources
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

# ACLED's columns as its codebook lists them: the export must match them exactly, in order.
CODEBOOK = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
    "source,source_scale,notes,fatalities,tags,timestamp"
).split(",")

ROWS = [
    {
        "event_id_cnty": "IRQ31012",
        "event_date": "2023-10-17",
        "year": "2023",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Islamic Resistance in Iraq",
        "assoc_actor_1": "Kataib Hezbollah; Harakat al-Nujaba",
        "inter1": "Political militia",
        "actor2": "Military Forces of the United States (2021-)",
        "assoc_actor_2": "",
        "inter2": "External/Other forces",
        "interaction": "Political militia-External/Other forces",
        "civilian_targeting": "",
        "iso": "368",
        "region": "Middle East",
        "country": "Iraq",
        "admin1": "Al Anbar",
        "admin2": "Hit",
        "admin3": "",
        "location": "Ain al-Asad Airbase",
        "latitude": "33.7856",
        "longitude": "42.4412",
        "geo_precision": "1",
        "source": "Shafaq News; Rudaw; Shafaq News",
        "source_scale": "National",
        "notes": "On 17 October 2023, two drones targeted Ain al-Asad airbase.",
        "fatalities": "0",
        "tags": "",
        "timestamp": "1698105600",
    },
    {
        "event_id_cnty": "SYR98765",
        "event_date": "12 November 2023",
        "year": "2023",
        "time_precision": "2",
        "disorder_type": "Political violence",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group (Syria)",
        "assoc_actor_1": "",
        "inter1": "Political militia",
        "actor2": "Civilians (Syria)",
        "assoc_actor_2": "Farmers (Syria)",
        "inter2": "Civilians",
        "interaction": "Political militia-Civilians",
        "civilian_targeting": "Civilian targeting",
        "iso": "760",
        "region": "Middle East",
        "country": "Syria",
        "admin1": "Deir ez Zor",
        "admin2": "",
        "admin3": "",
        "location": "Deir ez Zor",
        "latitude": "35.3359",
        "longitude": "40.1408",
        "geo_precision": "3",
        "source": "SOHR",
        "source_scale": "Other",
        "notes": "Gunmen shot two farmers.",
        "fatalities": "2",
        "tags": "local administrators",
        "timestamp": "1700000000",
    },
]


def _csv(rows: list[dict[str, str]], columns: list[str] = CODEBOOK) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _run(*args: str) -> int:
    return cli.main(list(args))


def _incidents(db: Path) -> list[IncidentData]:
    database = open_database(str(db))
    try:
        return get_incidents(database, IncidentQuery())
    finally:
        database.close()


def test_an_acled_download_is_imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(_csv(ROWS), "utf-8")
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 0  # known by its header
    assert "2 incidents added" in capsys.readouterr().out
    by_id = {i.id: i for i in _incidents(db)}
    asad = by_id[incident_id("IRQ31012")]
    assert asad.title == "Air/drone strike in Ain al-Asad Airbase"
    assert asad.summary.startswith("On 17 October 2023")
    assert asad.when.start == date(2023, 10, 17)
    assert asad.when.precision == TimePrecision.DAY
    assert (asad.where.country, asad.where.admin1, asad.where.precision) == ("IQ", "Al Anbar", 1)
    assert asad.where.lat == pytest.approx(33.7856)
    assert [(a.name, a.role) for a in asad.actors] == [
        ("Islamic Resistance in Iraq", ActorRole.PERPETRATOR),
        ("Kataib Hezbollah", ActorRole.PERPETRATOR),
        ("Harakat al-Nujaba", ActorRole.PERPETRATOR),
        ("Military Forces of the United States (2021-)", ActorRole.TARGET),
    ]
    assert [c.source_name for c in asad.citations] == ["Shafaq News", "Rudaw"]  # each once
    assert asad.casualties.killed == 0
    assert "acled.event_id_cnty: IRQ31012" in asad.notes
    assert "acled.admin2: Hit" in asad.notes
    farm = by_id[incident_id("SYR98765")]
    assert farm.when.start == date(2023, 11, 12)  # "12 November 2023"
    assert farm.when.precision == TimePrecision.WEEK
    assert farm.where.country == "SY"
    assert farm.casualties.killed == 2
    assert farm.tags == ("local administrators",)
    assert [(a.name, a.role) for a in farm.actors][-1] == ("Farmers (Syria)", ActorRole.TARGET)


def test_a_newer_download_updates_the_same_incidents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(_csv(ROWS), "utf-8")
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 0
    newer = [dict(ROWS[0], fatalities="3", timestamp="1699000000"), ROWS[1]]
    path.write_text(_csv(newer), "utf-8")
    capsys.readouterr()
    assert _run("import", str(path), "--db", str(db)) == 0
    assert "0 incidents added, 1 updated, 1 unchanged" in capsys.readouterr().out
    incidents = _incidents(db)
    assert len(incidents) == 2
    assert {i.casualties.killed for i in incidents} == {3, 2}


def test_export_writes_acleds_31_columns_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(_csv(ROWS), "utf-8")
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 0
    out = tmp_path / "out.csv"
    assert _run("export", "acled", "--db", str(db), "--out", str(out)) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert list(COLUMNS) == CODEBOOK
    assert list(rows[0]) == CODEBOOK
    asad = next(r for r in rows if r["event_id_cnty"] == "IRQ31012")  # the original id back
    for column in ("event_date", "time_precision", "actor1", "assoc_actor_1", "actor2", "iso",
                   "country", "admin1", "admin2", "location", "geo_precision", "notes",
                   "fatalities", "source_scale", "inter1", "timestamp"):  # fmt: skip
        assert asad[column] == ROWS[0][column], column
    assert asad["source"] == "Shafaq News; Rudaw"
    # Read back into another workspace: the same incidents.
    other = tmp_path / "other.sqlite3"
    assert _run("import", str(out), "--db", str(other)) == 0
    assert sorted(i.id for i in _incidents(other)) == sorted(i.id for i in _incidents(db))


def test_our_own_incidents_export_with_their_ids(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    assert _run("sample", "--db", str(db)) == 0
    out = tmp_path / "out.csv"
    assert _run("export", "acled", "--db", str(db), "--out", str(out), "--country", "IQ") == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    ids = {i.id for i in _incidents(db)}
    assert rows
    assert {r["event_id_cnty"] for r in rows} <= ids
    assert all(r["iso"] == "368" and r["country"] == "Iraq" for r in rows)
    # A re-import finds the same incidents: nothing added.
    assert _run("import", str(out), "--db", str(db)) == 0
    assert len(_incidents(db)) == len(ids)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"event_date": "17/10/2023x"},
            "row 3: when.start: event_date: '17/10/2023x' is not a date",
        ),
        ({"event_date": ""}, "row 3: when.start: event_date: missing"),
        ({"time_precision": "4"}, "row 3: when.precision: time_precision: '4' is not 1, 2 or 3"),
        ({"sub_event_type": "Picnic"}, "row 3: sub_event_type:"),
        ({"fatalities": "many"}, "row 3: casualties.killed: fatalities: 'many' is not a number"),
        ({"iso": "", "country": "Narnia"}, "row 3: where.country: country: 'Narnia'"),
    ],
)
def test_a_bad_row_refuses_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, str], message: str
) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(_csv([ROWS[0], dict(ROWS[1], **change)]), "utf-8")
    db = tmp_path / "w.sqlite3"
    assert _run("sample", "--db", str(db)) == 0
    before = len(_incidents(db))
    assert _run("import", str(path), "--db", str(db)) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert len(_incidents(db)) == before


def test_skip_invalid_imports_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(_csv([ROWS[0], dict(ROWS[1], event_date="soon")]), "utf-8")
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db), "--skip-invalid") == 0
    captured = capsys.readouterr()
    assert "1 incident added" in captured.out
    assert "1 row skipped" in captured.out
    assert "skipped row 3: when.start" in captured.err
    assert [i.id for i in _incidents(db)] == [incident_id("IRQ31012")]


def test_a_file_without_acleds_columns_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acled.csv"
    path.write_text("event_id_cnty,event_date\nX1,2023-10-17\n", "utf-8")
    assert _run("import", str(path), "--db", str(tmp_path / "w.sqlite3"), "--format", "acled") == 2
    assert "row 1: is not ACLED's header: no column 'event_type'" in capsys.readouterr().err


def test_sources_are_named_once(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(_csv(ROWS), "utf-8")
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 0
    database = open_database(str(db))
    try:
        names = sorted(s.name for s in list_sources(database))
    finally:
        database.close()
    assert names == ["Rudaw", "SOHR", "Shafaq News"]
