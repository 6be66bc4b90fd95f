"""Spreadsheets read as streams: an ACLED CSV in Windows-1252, UTF-16 or with semicolons read
through a text stream a chunk at a time (its encoding still judged on the whole file), and an
XLSX row that is wide but sparse read at its used width."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import Workbook

from desktop import cli
from desktop.formats import sheets, table
from desktop.services.dto import IncidentData, IncidentQuery
from desktop.services.incidents import get_incidents
from desktop.services.sources import list_sources
from desktop.store.engine import open_database
from tests.interchange.test_acled import CODEBOOK, ROWS

if TYPE_CHECKING:
    from pathlib import Path

# Rows enough for the file to run past the sample its delimiter is told from (64 KiB) and
# past the first chunk its encoding is checked in (1 MiB).
_ROWS = 2_600


def _run(*args: str) -> int:
    return cli.main(list(args))


def _incidents(db: Path) -> list[IncidentData]:
    database = open_database(str(db))
    try:
        return get_incidents(database, IncidentQuery())
    finally:
        database.close()


def _acled(delimiter: str, last_note: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CODEBOOK, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for n in range(_ROWS):
        row = dict(ROWS[0], event_id_cnty=f"IRQ{n:06d}", notes=f"Row {n}: " + "x" * 400)
        if n == _ROWS - 1:
            row["notes"] = last_note
        writer.writerow(row)
    return out.getvalue()


class _Watched(io.BytesIO):
    """A file that remembers the most bytes read from it at once."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.largest = max(self.largest, len(data))
        return data


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1252", ";"), ("utf-16", "\t"), ("utf-16-le", ","), ("utf-8-sig", ";"), ("utf-8", "|")],
)
def test_an_acled_csv_is_read_through_a_stream_in_its_encoding(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    # The only letter outside ASCII is in the last row: UTF-8 fails there, not before, so
    # a Windows-1252 file is told from the whole of it, as when it was decoded whole.
    note = "Attaque près du Café Zoé; “quoted”, and\na second line"
    raw = _acled(delimiter, note).encode(encoding)
    assert len(raw) > 1 << 20
    stream = _Watched(raw)
    rows = list(sheets.read_rows(stream))
    assert stream.largest <= 1 << 20  # never the whole file at once
    assert len(rows) == _ROWS + 1
    assert rows[-1][1][CODEBOOK.index("notes")] == note
    path, db = tmp_path / "acled.csv", tmp_path / "w.sqlite3"
    path.write_bytes(raw)
    assert _run("import", str(path), "--db", str(db), "--format", "acled") == 0
    found = _incidents(db)
    assert len(found) == _ROWS
    assert any(i.summary.startswith(note) for i in found)


def test_a_nul_or_undecodable_byte_far_down_still_refuses_the_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = _acled(",", "fine").encode("utf-8")
    for bad in (raw + b"IRQ9,\x00\n", raw + b"IRQ9,\x81\x8d\n"):  # NUL; not even cp1252
        path, db = tmp_path / "acled.csv", tmp_path / "w.sqlite3"
        path.write_bytes(bad)
        assert _run("import", str(path), "--db", str(db), "--format", "acled") == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "is not a text table" in err
        assert not db.exists() or _incidents(db) == []


def _sparse_book(path: Path, columns: dict[int, Any], far: int = 0) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (1, 2):
        for column, values in columns.items():
            sheet.cell(row=row, column=column, value=values[row - 1])
        if far:  # a formatted but empty cell far to the right
            sheet.cell(row=row, column=far).number_format = "0.00"
    book.save(path)
    return path


def test_a_wide_but_sparse_xlsx_row_is_read_at_its_used_width(tmp_path: Path) -> None:
    path = _sparse_book(
        tmp_path / "wide.xlsx",
        {1: ("date", "2023-10-17"), 40: ("title", "Far to the right"), 999: ("tags", "far")},
        far=16_000,
    )
    rows = list(sheets.rows(path.read_bytes()))
    assert [len(cells) for _n, cells in rows] == [999, 999]  # trailing empty cells dropped
    assert rows[1][1][39] == "Far to the right"
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 0
    (only,) = _incidents(db)
    assert (only.title, only.tags) == ("Far to the right", ("far",))


def test_an_xlsx_row_past_the_column_limit_is_still_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sparse_book(
        tmp_path / "wider.xlsx",
        {1: ("date", "2023-10-17"), 2: ("title", "x"), sheets.MAX_COLUMNS + 1: ("y", "y")},
    )
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 2
    err = capsys.readouterr().err
    assert "row 1: has more than 1,000 columns" in err
    assert err.count("\n") == 1


def _log(rows: list[tuple[str, str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "title", "source", "grade"])
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture(params=["whole", "streamed"])
def csv_read(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A small CSV is read whole; with no size read whole, the same file is streamed."""
    if request.param == "streamed":
        monkeypatch.setattr(table, "WHOLE_UP_TO", 0)
    return str(request.param)


def test_a_spreadsheet_source_graded_only_rows_later_has_that_grade(
    tmp_path: Path, csv_read: str
) -> None:
    rows = [("2023-10-17", "First, ungraded", "CIRCL", "")]
    rows += [("2023-10-18", f"Row {n}", "Rudaw", "B2") for n in range(1_100)]
    rows += [("2023-10-19", "Last, graded", "CIRCL", "C3")]
    path, db = tmp_path / "log.csv", tmp_path / "w.sqlite3"
    path.write_text(_log(rows), "utf-8")
    assert _run("import", str(path), "--db", str(db)) == 0
    database = open_database(str(db))
    try:
        grades = {s.name: s.reliability for s in list_sources(database)}
    finally:
        database.close()
    assert grades == {"CIRCL": "C", "Rudaw": "B"}
    assert len(_incidents(db)) == 1_102


def test_a_bad_row_far_down_a_spreadsheet_refuses_it_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], csv_read: str
) -> None:
    rows = [("2023-10-18", f"Row {n}", "Rudaw", "B2") for n in range(1_200)]
    rows[1_150] = ("the 18th", "Bad", "Rudaw", "B2")
    path, db = tmp_path / "log.csv", tmp_path / "w.sqlite3"
    path.write_text(_log(rows), "utf-8")
    assert _run("import", str(path), "--db", str(db)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "row 1152: when.start: 'the 18th' is not a date" in err, err
    assert not db.exists() or _incidents(db) == []
