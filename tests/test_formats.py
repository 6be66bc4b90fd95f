"""The registry of interchange formats: names, suffixes, and which reader a file gets."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import pytest

from desktop import formats
from desktop.errors import ValidationError
from desktop.formats import json_v1, json_v2, misp, stix
from desktop.resources import resource_path
from desktop.services import interchange

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database

SAMPLE = resource_path("sample", "workspace.json").read_bytes()
SUPPORTED = (
    "Incident Desk JSON (*.json), STIX 2.1 bundle (*.json), MISP event JSON (*.json), "
    "CSV spreadsheet (*.csv), Excel workbook (*.xlsx), ACLED CSV (*.csv), Evidence bundle (*.zip)"
)


def test_the_registry_lists_every_format_as_reader_and_writer() -> None:
    assert [f.name for f in formats.FORMATS] == ["json", "stix", "misp", "csv", "xlsx", "acled"]
    assert formats.readers() == formats.writers() == formats.FORMATS
    assert formats.FORMATS[:3] == (json_v2.JSON, stix.STIX, misp.MISP)
    assert json_v2.JSON.suffix == ".json"
    assert json_v2.JSON.label == "Incident Desk JSON"
    assert json_v2.JSON.dialog_filter == "Incident Desk JSON (*.json)"
    assert formats.writer("json") is json_v2.JSON
    assert formats.reader("stix") is stix.STIX


def test_names_and_suffixes_are_unique_and_well_formed() -> None:
    names = [f.name for f in formats.FORMATS]
    assert len(set(names)) == len(names)
    assert "pdf" not in names  # a report, not an interchange format
    for entry in formats.FORMATS:
        assert entry.suffix.startswith(".")
        assert entry.suffix == entry.suffix.lower()
        assert entry.read is not None or entry.write is not None
        # A reader knows its files by content, except a plain CSV's, which has no mark.
        assert entry.recognises is None or entry.read is not None
        assert entry.recognises is not None or entry.read is None or entry.suffix == ".csv"


def test_an_unknown_format_names_those_there_are() -> None:
    with pytest.raises(
        ValidationError,
        match=r"no export format 'pdf' \(there are: json, stix, misp, csv, xlsx, acled\)",
    ):
        formats.writer("pdf")
    with pytest.raises(
        ValidationError,
        match=r"no import format 'pdf' \(there are: json, stix, misp, csv, xlsx, acled\)",
    ):
        formats.reader("pdf")


@pytest.mark.parametrize("name", ["incidents.json", "INCIDENTS.JSON", "notes.txt", "export"])
def test_our_json_is_recognised_by_content_whatever_its_name(name: str) -> None:
    assert formats.reader_for(name, SAMPLE) is json_v2.JSON


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32-be"])
def test_recognised_in_every_encoding_it_reads(encoding: str) -> None:
    raw = SAMPLE.decode("utf-8").encode(encoding)
    assert formats.reader_for("sample.txt", raw) is json_v2.JSON


def test_a_broken_json_file_goes_to_the_json_reader_by_its_suffix() -> None:
    # Not recognised (no format mark), but named .json: the reader says what is wrong.
    assert formats.reader_for("broken.json", b'{"format": ') is json_v2.JSON
    assert formats.reader_for("other.json", b'{"format": "other"}') is json_v2.JSON


@pytest.mark.parametrize(
    "raw", [b"title,date\nx,2024-01-01\n", b'{"format": "other"}', b"\x89PNG\r\n\x1a\n", b""]
)
def test_an_unknown_file_is_one_line_listing_the_formats(raw: bytes) -> None:
    with pytest.raises(ValidationError) as info:
        formats.reader_for("incidents.docx", raw)
    message = str(info.value)
    assert "\n" not in message
    assert message == (
        f"incidents.docx is not a file Incident Desk can import; it imports {SUPPORTED}"
    )


def test_the_format_mark_must_be_the_top_objects() -> None:
    assert json_v1.recognises(b'  \n{"format": "incident-desk/1", "sources": []}')
    assert json_v1.recognises(b'{"sources": [], "format" : "incident-desk/1"}')
    assert not json_v1.recognises(b'["format", "incident-desk/1"]')
    assert not json_v1.recognises(b'{"format": "incident-desk/2"}')


def test_the_import_filter_lists_the_readers_then_any_file() -> None:
    assert formats.import_filter() == (
        "Importable files (*.json *.csv *.xlsx *.zip);;Incident Desk JSON (*.json);;"
        "STIX 2.1 bundle (*.json);;MISP event JSON (*.json);;CSV spreadsheet (*.csv);;"
        "Excel workbook (*.xlsx);;ACLED CSV (*.csv);;Evidence bundle (*.zip);;All files (*)"
    )


def test_writing_then_reading_gives_the_same_records() -> None:
    document = json_v1.read(SAMPLE, interchange.CHECKS)
    out = io.BytesIO()
    json_v1.write(document, out)
    assert json_v1.read(out.getvalue(), interchange.CHECKS) == document


def test_a_txt_file_holding_our_json_imports(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "from-a-colleague.txt"
    path.write_bytes(SAMPLE)
    assert interchange.import_file(db, path).incidents_created == 7


def test_an_unknown_file_is_refused_before_anything_is_written(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "incidents.docx"
    path.write_text("title,date\nx,2024-01-01\n", encoding="utf-8")
    with pytest.raises(
        ValidationError, match=re.escape("it imports Incident Desk JSON (*.json), STIX")
    ):
        interchange.import_file(db, path)
    assert interchange.export_records(db).incidents == ()
