"""Spreadsheets from the command line: CSV and XLSX files built here, mapped with --map or
by their headers, read in their encodings and delimiters; bad rows refused by sheet row or
skipped; hostile files refused in one line; the view exported as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from openpyxl import Workbook, load_workbook

from desktop import cli
from desktop.domain import TimePrecision
from desktop.services.dto import IncidentData, IncidentQuery
from desktop.services.incidents import get_incidents
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path


def _run(*args: str) -> int:
    return cli.main(list(args))


def _incidents(db: Path) -> list[IncidentData]:
    if not db.exists():
        return []
    database = open_database(str(db))
    try:
        return get_incidents(database, IncidentQuery(sort="when", descending=False))
    finally:
        database.close()


def _xlsx(path: Path, rows: list[list[object]], title: str = "Log") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


LOG = [
    ["Security incident log, Q4 2023"],  # a title row above the headers
    [],
    ["Date", "What happened", "Town", "Country", "Dead", "Wounded", "Reported by", "Grade",
     "Link", "Keywords"],
    [datetime(2023, 10, 17), "Drone attack on al-Asad", "al-Asad", "Iraq", 0, "unknown",
     "CENTCOM", "B2", "https://www.centcom.mil/", "drone; US bases"],
    [datetime(2023, 10, 18, 6, 30), "Rockets near Erbil", "Erbil", "IQ", None, 2,
     "Rudaw; Kurdistan 24", "C3", "", "rockets, Erbil"],
    ["17 October 2023", "Protest in Baghdad", "Baghdad", "IRQ", "", "", "", "", "", ""],
]  # fmt: skip
MAP = ["--map", "title=What happened", "--map", "where.name=Town", "--map", "citation.grade=H"]


def test_an_xlsx_log_is_imported_with_its_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _xlsx(tmp_path / "log.xlsx", LOG)
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db), *MAP) == 0
    assert "3 incidents added" in capsys.readouterr().out
    asad, baghdad, erbil = sorted(_incidents(db), key=lambda i: i.title)
    assert asad.title == "Drone attack on al-Asad"
    assert asad.when.start == date(2023, 10, 17)
    assert asad.when.precision == TimePrecision.DAY
    assert (asad.where.name, asad.where.country) == ("al-Asad", "IQ")
    assert (asad.casualties.killed, asad.casualties.injured) == (0, None)  # "unknown"
    assert asad.tags == ("drone", "US bases")
    (citation,) = asad.citations
    assert (citation.source_name, citation.source_reliability, citation.credibility) == (
        "CENTCOM", "B", 2
    )  # fmt: skip
    assert citation.url == "https://www.centcom.mil/"
    assert erbil.when.start == datetime(2023, 10, 18, 6, 30, tzinfo=UTC)
    assert erbil.when.precision == TimePrecision.EXACT
    assert [c.source_name for c in erbil.citations] == ["Rudaw", "Kurdistan 24"]
    assert all(c.credibility == 3 for c in erbil.citations)
    assert erbil.tags == ("rockets", "Erbil")
    assert baghdad.when.start == date(2023, 10, 17)
    assert baghdad.where.country == "IQ"
    assert baghdad.event_type == "Strategic developments"  # no type column: for the analyst


def test_a_bad_row_refuses_the_file_naming_its_sheet_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [*LOG, [None, "No date at all", "Mosul", "Iraq"]]
    path = _xlsx(tmp_path / "log.xlsx", rows)
    db = tmp_path / "w.sqlite3"
    assert _run("sample", "--db", str(db)) == 0
    before = [i.id for i in _incidents(db)]
    capsys.readouterr()
    assert _run("import", str(path), "--db", str(db), *MAP) == 2
    err = capsys.readouterr().err
    assert err == "incident-desk: row 7: when.start: missing\n"
    assert [i.id for i in _incidents(db)] == before


def test_skip_invalid_imports_the_rest_and_lists_what_it_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [*LOG, [None, "No date", "Mosul", "Iraq"], ["2023-10-20", "x", "y", "Narnia"]]
    path = _xlsx(tmp_path / "log.xlsx", rows)
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db), *MAP, "--skip-invalid") == 0
    captured = capsys.readouterr()
    assert "3 incidents added" in captured.out
    assert "2 rows skipped" in captured.out
    assert "skipped row 7: when.start: missing" in captured.err
    assert "skipped row 8: where.country: 'Narnia' is not a country" in captured.err
    assert len(_incidents(db)) == 3


def test_dry_run_counts_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _xlsx(tmp_path / "log.xlsx", LOG)
    db = tmp_path / "w.sqlite3"
    assert _run("sample", "--db", str(db)) == 0
    before = len(_incidents(db))
    capsys.readouterr()
    assert _run("import", str(path), "--db", str(db), *MAP, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Dry run, nothing written: 3 incidents added" in out
    assert len(_incidents(db)) == before


def test_header_row_and_sheet_are_given(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.append(["nothing here"])
    second = book.create_sheet("Incidents")
    second.append(["when.start", "title"])  # row 1 looks like headers …
    second.append(["Start", "Title"])  # … but row 2 is said to be
    second.append(["2023-10-17", "From the second sheet"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    db = tmp_path / "w.sqlite3"
    args = ["import", str(path), "--db", str(db), "--sheet", "Incidents", "--header-row", "2"]
    assert _run(*args) == 0
    (only,) = _incidents(db)
    assert only.title == "From the second sheet"


def test_an_unknown_sheet_or_field_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _xlsx(tmp_path / "log.xlsx", LOG)
    db = str(tmp_path / "w.sqlite3")
    assert _run("import", str(path), "--db", db, "--sheet", "Nope") == 2
    assert "--sheet: no sheet 'Nope' (there are: 'Log')" in capsys.readouterr().err
    assert _run("import", str(path), "--db", db, "--map", "colour=Town") == 2
    assert "--map: no field 'colour'" in capsys.readouterr().err
    assert _run("import", str(path), "--db", db, "--map", "title=Headline") == 2
    assert "--map: no column 'Headline' in row 3" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ";"), ("utf-16-le", ",")],
)
def test_csv_encodings_and_delimiters_are_sniffed(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(["date", "title", "country", "killed"])
    writer.writerow(["2023-10-17", "Attaque à Café Zoé; près d'Erbil", "France", "1,000"])
    path = tmp_path / "log.csv"
    path.write_bytes(text.getvalue().encode(encoding))
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 0
    (only,) = _incidents(db)
    assert only.title == "Attaque à Café Zoé; près d'Erbil"
    assert only.where.country == "FR"
    assert only.casualties.killed == 1000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02\xff\xfe\x00garbage", "is not a text table"),
        (b"date,title\n2023-10-17," + b"x" * 200_000 + b"\n", "has a cell of more than"),
        (b"PK\x03\x04xl/" + b"\x00" * 100, "is not a readable XLSX workbook"),
        (b"title\nno date column\n", "no column for when.start"),
        (b"date,title\n17/13/2023x,a\n", "row 2: when.start: '17/13/2023x' is not a date"),
        (b"date,title\n03/04/2023,a\n", "could be either day first or month first"),
    ],
)
def test_hostile_or_broken_files_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db), "--format", "table") == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert _incidents(db) == []


def _with_saved_values(path: Path, saved: dict[str, tuple[str, str]]) -> Path:
    """The workbook as a computing spreadsheet program saves it: each cell named in
    ``saved`` (``"B2": (type, value)``) given its type and value beside its formula.
    openpyxl writes ``<c r="B2"><f>…</f><v></v></c>``; Excel writes the value in ``<v>``."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, (kind, value) in saved.items():
        found = re.search(rf'<c r="{ref}"[^>]*>(<f>.*?</f>)<v\s*/?>(</v>)?</c>', sheet)
        assert found, ref
        cell = f'<c r="{ref}" t="{kind}">{found[1]}<v>{value}</v></c>'
        sheet = sheet[: found.start()] + cell + sheet[found.end() :]
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def test_formulas_are_read_as_their_saved_values_never_run(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "f.xlsx",
        [
            ["date", "title", "killed", "wounded", "scratch"],
            ["2023-10-17", '=HYPERLINK("http://evil", "Drone attack")', "=1+1", '=""', "=1/0"],
        ],
    )
    _with_saved_values(
        path,
        {
            "B2": ("str", "Drone attack"),
            "C2": ("n", "2"),
            "D2": ("str", ""),
            "E2": ("e", "#DIV/0!"),
        },
    )
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 0
    (only,) = _incidents(db)
    assert only.title == "Drone attack"  # the saved value, the link never followed
    assert only.casualties.killed == 2
    assert only.casualties.injured is None  # a formula saved as empty text is blank


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            ["=DATE(2023, 10, 17)", "Drone attack", "=1+1"],
            "row 6: when.start: cell A6 of sheet 'Log' is a formula with no saved value — "
            "open and save the file in a spreadsheet program, or paste values",
        ),
        (
            ["2023-10-17", "Drone attack", "=1+1"],
            "row 6: casualties.killed: cell C6 of sheet 'Log' is a formula with no saved value",
        ),
    ],
)
def test_a_formula_saved_without_its_value_is_one_line_naming_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cells: list[object], message: str
) -> None:
    # openpyxl (and other programs that do not compute) save formulas with no value: not
    # read as blank, silently, but refused with where the formula is.
    rows: list[list[object]] = [["Incident log"], [], ["date", "title", "killed"]]
    rows += [["2023-10-16", "Rockets near Erbil", 1], cells]
    path = _xlsx(tmp_path / "f.xlsx", rows)
    sheet = load_workbook(path).active
    assert sheet is not None
    sheet.insert_rows(4)  # the offending row is the sheet's row 6
    sheet.parent.save(path)
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert err.count("\n") == 1
    assert _incidents(db) == []


def test_a_million_empty_rows_stop_early(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "title"])
    sheet.append(["2023-10-17", "First"])
    sheet.cell(row=1_000_000, column=1, value="2023-10-18")  # far below, after nothing
    sheet.cell(row=1_000_000, column=2, value="Lost at the bottom")
    path = tmp_path / "tall.xlsx"
    book.save(path)
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(path), "--db", str(db)) == 0
    assert [i.title for i in _incidents(db)] == ["First"]


def test_export_csv_and_xlsx_round_trip_and_guard_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "date,title,summary,lat,lon,where.precision\n"
        "2023-10-17,=cmd|' /C calc'!A0,@SUM(1),-33.5,-70.25,1\n",
        "utf-8",
    )
    db = tmp_path / "w.sqlite3"
    assert _run("import", str(source), "--db", str(db)) == 0
    for kind in ("csv", "xlsx"):
        out = tmp_path / f"out.{kind}"
        assert (
            _run("export", kind, "--db", str(db), "--out", str(out), "--since", "2023-10-01") == 0
        )
        assert "Exported 1 incident" in capsys.readouterr().out
        if kind == "csv":
            rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
            cells = rows[0]
        else:
            book = load_workbook(out, read_only=True)
            values = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
            book.close()
            cells = dict(zip(values[0], values[1], strict=True))  # type: ignore[arg-type]
        assert cells["title"] == "'=cmd|' /C calc'!A0"
        assert cells["summary"] == "'@SUM(1)"
        assert str(cells["where.lat"]) == "-33.5"  # numbers are not guarded
        # Read back into the same workspace: the same incident, unchanged.
        assert _run("import", str(out), "--db", str(db)) == 0
        assert "0 incidents added, 0 updated, 1 unchanged" in capsys.readouterr().out
    (only,) = _incidents(db)
    assert only.title == "=cmd|' /C calc'!A0"
