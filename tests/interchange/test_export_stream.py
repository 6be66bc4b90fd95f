"""Exports stream: read a batch at a time, written as they come, the same bytes as before.

The oracle is the export as it was before it streamed: every record read through the ORM
(``get_incidents``), the histories and evidence gathered for all of them, one document
written by ``json.dumps`` of the whole tree. The streamed export must write those bytes,
across several batches, with every filter.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from desktop import formats
from desktop.cli.main import main
from desktop.domain import TimePrecision
from desktop.formats import json_v2
from desktop.records import Document, When
from desktop.services import evidence, exporting, history, incidents, interchange
from desktop.services.dto import IncidentQuery
from desktop.services.evidence_transfer import evidence_of
from desktop.services.sources import list_sources

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def _oracle(db: Database, query: IncidentQuery, *, with_history: bool) -> Document:
    """The records as the export gathered them before it streamed."""
    query = replace(query, sort="when", descending=False)
    records = tuple(incidents.get_incidents(db, query))
    ids = [r.id for r in records if r.id]
    histories = history.histories(db, ids) if with_history else None
    sources = tuple(sorted(list_sources(db), key=lambda s: s.id))
    return Document(sources, records, histories, evidence_of(db, set(ids)))


def _whole_text(document: Document) -> bytes:
    tree = json_v2.document_json(document)
    return (json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode()


@pytest.fixture
def workspace(db: Database, make_incident: IncidentFactory, tmp_path: Path) -> Database:
    """Seven incidents over two countries and days, one trashed, one edited twice, two with
    evidence (of the incident and of a citation)."""
    made = []
    for n in range(7):
        data = make_incident(
            title=f"Incident {n} — كتائب «{n}»",
            when=replace(
                make_incident().when, start=date(2023, 10, 10 + n), end=date(2023, 10, 10 + n)
            ),
            where=replace(make_incident().where, country="IQ" if n % 2 else "SY"),
            tags=("drone",) if n % 3 == 0 else ("protest", "night"),
            citations=make_incident().citations[: n % 3],
        )
        made.append(incidents.create_incident(db, data))
    edited = incidents.update_incident(db, replace(made[2], title="Incident 2, corrected"))
    incidents.update_incident(db, replace(edited, summary="Now with a summary \n on two lines"))
    incidents.delete_incident(db, made[5].id or "")
    (tmp_path / "statement.txt").write_text("the statement\n", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG not really")
    evidence.add_evidence(db, [tmp_path / "statement.txt"], made[1].id or "", note="é")
    evidence.add_evidence(db, [tmp_path / "photo.png"], made[4].id or "", citation_index=0)
    evidence.add_evidence(db, [tmp_path / "statement.txt"], made[4].id or "")
    return db


QUERIES = [
    IncidentQuery(),
    IncidentQuery(countries=("IQ",)),
    IncidentQuery(tags=("drone",)),
    IncidentQuery(since=date(2023, 10, 12), until=date(2023, 10, 14)),
    IncidentQuery(text="corrected"),
    IncidentQuery(countries=("XX",)),  # nothing matches
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("with_history", [False, True])
def test_json_export_writes_the_bytes_of_the_whole_document(
    workspace: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    query: IncidentQuery,
    with_history: bool,
) -> None:
    monkeypatch.setattr(exporting, "BATCH", 2)  # several batches, one of them short
    out = tmp_path / "export.json"
    count = interchange.export_file(workspace, out, query, with_history=with_history)
    expected = _oracle(workspace, query, with_history=with_history)
    assert out.read_bytes() == _whole_text(expected)
    assert count == len(expected.incidents)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert [i["id"] for i in written["incidents"]] == [i.id for i in expected.incidents]


def test_the_records_in_memory_are_the_oracles(workspace: Database) -> None:
    for query in QUERIES:
        expected = _oracle(workspace, query, with_history=True)
        # How often each source is cited is not read for an export: no writer writes it.
        uncounted = tuple(replace(s, citation_count=0, incident_count=0) for s in expected.sources)
        assert interchange.export_records(workspace, query, with_history=True) == replace(
            expected, sources=uncounted
        )


@pytest.mark.parametrize("name", ["csv", "acled", "stix", "misp"])
def test_other_formats_write_what_their_whole_document_writer_does(
    workspace: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(exporting, "BATCH", 3)
    writer = formats.writer(name)
    out = tmp_path / f"export.{name}"
    interchange.export_file(workspace, out, writer=writer)
    whole = tmp_path / f"whole.{name}"
    assert writer.write is not None
    with whole.open("wb") as handle:
        writer.write(_oracle(workspace, IncidentQuery(), with_history=False), handle)
    assert out.read_bytes() == whole.read_bytes()


def test_xlsx_streams_the_rows_of_every_batch(
    workspace: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    monkeypatch.setattr(exporting, "BATCH", 2)
    out = tmp_path / "export.xlsx"
    assert interchange.export_file(workspace, out, writer=formats.writer("xlsx")) == 6
    book = load_workbook(out, read_only=True)
    try:
        rows = list(book["Incidents"].iter_rows(values_only=True))
    finally:
        book.close()  # a read-only workbook holds its file open until closed
    expected = _oracle(workspace, IncidentQuery(), with_history=False).incidents
    assert [row[0] for row in rows[1:]] == [data.id for data in expected]
    assert rows[1][1] == expected[0].title


def test_json_from_stored_values_writes_awkward_values_as_the_records_writer(
    db: Database, make_incident: IncidentFactory, tmp_path: Path
) -> None:
    """Values the %-formats and the one-call encoding of the JSON writer could trip on: a %
    and a line break in text, quotes, exact UTC times, no place, no lists, a control
    character, emoji."""
    base = make_incident()
    incidents.create_incident(
        db,
        replace(
            base,
            title='100 %s %% "quoted" \\ slash',
            summary="line one\nline two\r\n\ttab \x1f unit separator 🚁",
            when=When(
                datetime(2024, 2, 29, 23, 59, 58, tzinfo=UTC),
                datetime(2024, 3, 1, 0, 0, 1, tzinfo=UTC),
                TimePrecision.EXACT,
            ),
            where=replace(base.where, lat=None, lon=None, admin1="", name="%(x)s"),
            actors=(),
            tags=(),
            citations=(),
            casualties=replace(base.casualties, killed=None, note="%"),
        ),
    )
    incidents.create_incident(db, replace(base, where=replace(base.where, lat=-0.5, lon=1e-7)))
    out = tmp_path / "export.json"
    interchange.export_file(db, out, with_history=True)
    expected = _oracle(db, IncidentQuery(), with_history=True)
    assert out.read_bytes() == _whole_text(expected)
    written = json.loads(out.read_text(encoding="utf-8"))["incidents"]
    assert [i["where"]["lat"] for i in written] == [-0.5, None]  # oldest first
    assert written[1]["when"]["start"] == "2024-02-29T23:59:58Z"


@pytest.mark.parametrize(
    ("name", "reader"),
    [("json", "_rows"), ("csv", "_records")],  # JSON from stored values, the rest from records
)
def test_a_failure_in_a_later_batch_leaves_the_old_file_and_no_part(
    workspace: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, reader: str
) -> None:
    monkeypatch.setattr(exporting, "BATCH", 2)
    out = tmp_path / f"export.{name}"
    out.write_text("the previous export\n", encoding="utf-8")
    calls = []
    read = getattr(exporting, reader)

    def failing(session: object, chunk: list[int]) -> object:
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("the disk went away")
        return read(session, chunk)

    monkeypatch.setattr(exporting, reader, failing)
    with pytest.raises(RuntimeError, match="the disk went away"):
        interchange.export_file(workspace, out, writer=formats.writer(name))
    assert len(calls) == 2
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_command_line_export_streams_with_its_filters(
    workspace: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sy.json"
    code = main(
        [
            "export",
            "json",
            "--db",
            workspace.url,
            "--out",
            str(out),
            "--country",
            "SY",
            "--tag",
            "protest",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == f"Exported 2 incidents to {out}"
    query = IncidentQuery(countries=("SY",), tags=("protest",))
    assert out.read_bytes() == _whole_text(_oracle(workspace, query, with_history=False))
