"""Reading the rows of a spreadsheet (CSV or XLSX) warily, and writing them safely.

A spreadsheet comes from anywhere: a CSV in any of the encodings and delimiters office
programs write, an XLSX whose cells may hold formulas, a sheet whose used range runs a million
rows past its last entry. :func:`rows` gives its rows as ``(row number, cells)`` with the row
numbered as the program showing it counts (1 is the first line or row), whatever the file's
shape; any problem is one :class:`~desktop.errors.ValidationError`. Formulas are never
evaluated: an XLSX cell is read as the value its program last computed and saved for it, and
a formula saved without one (a file written by a program that does not compute, such as
openpyxl) is read as :class:`Uncomputed`, which :func:`saved` refuses when the cell is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from contextlib import closing
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError, iterparse

from desktop.errors import ValidationError
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator
    from typing import BinaryIO

# Reading stops after this many empty rows in a row: a sheet's used range may run far past
# its data (a million empty rows), and reading on to its end would only waste minutes.
MAX_EMPTY_RUN = 1_000
# At most this many columns are read: Excel allows 16,384, no incident table needs more than
# a few dozen, and a row of thousands of empty cells is built to exhaust a reader.
MAX_COLUMNS = 1_000
# A CSV field longer than this refuses the file (Python's csv module's own default limit):
# no field of an incident holds more than 20,000 characters.
MAX_CELL = 131_072
# How much of a CSV is looked at to tell its delimiter.
_SAMPLE = 64 * 1024
_DELIMITERS = ",;\t|"
_ZIP = b"PK\x03\x04"
XLSX_HEAD = 65536  # the bytes is_xlsx looks at: how far into a zip its workbook is looked for
# Bytes of a CSV read at a time while its encoding is checked.
_CHUNK = 1 << 20

Cell = Any  # text, a number, a date or date-time, True/False, None (empty) or Uncomputed


class Uncomputed:
    """An XLSX cell holding a formula but no saved value: blank to the eye (headers, empty
    rows), a problem when a field is read from it (:func:`saved`)."""

    __slots__ = ("cell", "sheet")

    def __init__(self, sheet: str, cell: str) -> None:
        self.sheet, self.cell = sheet, cell

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"Uncomputed({self.sheet!r}, {self.cell!r})"


def saved(value: Cell) -> Cell:
    """A cell's value as a field reads it: our exports' guarded text as it was; a formula
    with no saved value refused, rather than read as blank."""
    if isinstance(value, Uncomputed):
        raise ValidationError(
            "",
            f"cell {value.cell} of sheet {quoted(value.sheet)} is a formula with no saved value"
            " — open and save the file in a spreadsheet program, or paste values",
        )
    return unguarded(value) if isinstance(value, str) else value


def is_xlsx(raw: bytes) -> bool:
    """True when the bytes are a zip holding a workbook (an XLSX file)."""
    return raw.startswith(_ZIP) and b"xl/" in raw[:XLSX_HEAD]


def sheet_names(raw: bytes) -> list[str]:
    """The names of an XLSX workbook's sheets, in order; a CSV has none."""
    if not is_xlsx(raw):
        return []
    with _workbook(raw) as book:
        return list(book.sheetnames)


def rows(raw: bytes, sheet: str = "") -> Iterator[tuple[int, list[Cell]]]:
    """The non-empty rows of a CSV or of an XLSX workbook's sheet (the first if ``sheet`` is
    blank), each with its row number; trailing empty cells dropped."""
    return read_rows(io.BytesIO(raw), sheet)


def read_rows(stream: BinaryIO, sheet: str = "") -> Iterator[tuple[int, list[Cell]]]:
    """:func:`rows` of the file open in ``stream`` (binary, seekable, at its start): a CSV
    read as it goes, never held whole."""
    head = stream.read(XLSX_HEAD)
    stream.seek(0)
    source = _xlsx_rows(stream.read(), sheet) if is_xlsx(head) else _csv_rows(stream)
    empty_run = 0
    for number, cells in source:
        while cells and _blank(cells[-1]):
            cells.pop()
        if not cells:
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                return
            continue
        empty_run = 0
        if len(cells) > MAX_COLUMNS:
            raise ValidationError(
                f"row {number}", f"has more than {MAX_COLUMNS:,} columns: not a table of incidents"
            )
        yield number, cells


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# --- CSV ---------------------------------------------------------------------------------


def _encodings(head: bytes) -> list[str]:
    """What a CSV starting with ``head`` (its first 4 KiB) may be written in, in order: UTF-8
    with or without its BOM, UTF-16 (with its BOM, or without as Excel's "Unicode text" has
    none), else Windows-1252 as older Excel writes."""
    if head.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    if b"\x00" in head:
        # Text with a NUL in every other byte is UTF-16 without its BOM.
        zeros_odd, zeros_even = head[1::2].count(0), head[0::2].count(0)
        return ["utf-16-le" if zeros_odd > zeros_even else "utf-16-be"]
    return ["utf-8", "cp1252"]


def _encoding(stream: BinaryIO) -> tuple[str, str]:
    """The encoding of the CSV in ``stream`` (the first that decodes all of it, a chunk at a
    time) and its first :data:`_SAMPLE` characters and one more, if it has them (to tell
    its delimiter); the stream is left at its start."""
    candidates = _encodings(stream.read(4096))
    for encoding in candidates:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        sample = ""
        try:
            while chunk := stream.read(_CHUNK):
                text = decoder.decode(chunk)
                if "\x00" in text:
                    break
                if len(sample) <= _SAMPLE:
                    sample += text[: _SAMPLE + 1 - len(sample)]
            else:
                sample += decoder.decode(b"", final=True)[: _SAMPLE + 1 - len(sample)]
                stream.seek(0)
                return encoding, sample
        except UnicodeDecodeError:
            continue
        break  # a NUL character: no text table
    raise ValidationError(
        "", "is not a text table (not UTF-8, UTF-16 or Windows-1252 text without NUL characters)"
    )


def delimiter(text: str) -> str:
    """The delimiter of a CSV's text: a comma, semicolon (Excel where the decimal point is a
    comma), tab or bar, as the first lines use it."""
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE:
        sample = sample.rsplit("\n", 1)[0]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One column, or too few lines to tell: the one most used on the first line.
        first = sample.split("\n", 1)[0]
        return max(_DELIMITERS, key=lambda d: (first.count(d), d == ","))


class _Raw(io.RawIOBase):
    """A binary stream as the raw file a text wrapper reads (it closes nothing of it)."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _csv_rows(stream: BinaryIO) -> Iterator[tuple[int, list[Cell]]]:
    encoding, sample = _encoding(stream)
    text = io.TextIOWrapper(io.BufferedReader(_Raw(stream), _CHUNK), encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter(sample), strict=False)
    number = 0
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL)
    try:
        for number, cells in enumerate(reader, 1):
            yield number, [cell if cell.strip() else None for cell in cells]
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise ValidationError(
                f"row {number + 1}", f"has a cell of more than {MAX_CELL:,} characters"
            ) from None
        raise ValidationError(f"row {number + 1}", f"is not valid CSV ({exc})") from None
    finally:
        csv.field_size_limit(limit)


# --- XLSX --------------------------------------------------------------------------------


class _workbook:
    """An XLSX workbook opened read-only (streamed, cells as saved values: formulas are
    read as the value last computed, never evaluated), closed on leaving."""

    def __init__(self, raw: bytes) -> None:
        from openpyxl import load_workbook

        try:
            self.book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
            raise ValidationError("", f"is not a readable XLSX workbook ({exc})") from None
        except Exception as exc:
            raise ValidationError(
                "", f"is not a readable XLSX workbook ({type(exc).__name__})"
            ) from None

    def __enter__(self) -> Any:
        return self.book

    def __exit__(self, *_exc: object) -> None:
        self.book.close()


def _xlsx_rows(raw: bytes, sheet: str) -> Iterator[tuple[int, list[Cell]]]:
    with _workbook(raw) as book:
        names = list(book.sheetnames)
        if sheet and sheet not in names:
            listed = ", ".join(quoted(n) for n in names)
            raise ValidationError("--sheet", f"no sheet {quoted(sheet)} (there are: {listed})")
        if not names:
            raise ValidationError("", "the workbook has no sheets")
        ws = book[sheet or names[0]]
        if not hasattr(ws, "iter_rows"):
            raise ValidationError("", f"{quoted(ws.title)} is a chart, not a sheet of cells")
        try:
            path = getattr(ws, "_worksheet_path", "")
            with closing(_unsaved_formulas(raw, path)) as unsaved:
                pending = next(unsaved, None)
                # Each row as wide as its own last cell, not padded to the sheet's stated
                # size nor to MAX_COLUMNS: a sheet rarely uses more than a few dozen.
                ws.reset_dimensions()
                for number, cells in enumerate(ws.iter_rows(values_only=True), 1):
                    values = [_xlsx_cell(cell) for cell in cells[: MAX_COLUMNS + 1]]
                    while pending is not None and pending[0] < number:
                        pending = next(unsaved, None)
                    for column in pending[1] if pending and pending[0] == number else ():
                        if column <= len(values) and values[column - 1] is None:
                            where = f"{column_letter(column - 1)}{number}"
                            values[column - 1] = Uncomputed(ws.title, where)
                    yield number, values
        except ValidationError:
            raise
        except Exception as exc:
            raise ValidationError(
                "", f"is not a readable XLSX workbook ({type(exc).__name__}: {exc})"
            ) from None


# A formula element (``<f>``, ``<f t="shared" …/>``, with or without a namespace prefix).
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_TEXT_KINDS = ("str", "s", "inlineStr")


def _unsaved_formulas(raw: bytes, path: str) -> Generator[tuple[int, list[int]]]:
    """The sheet's rows (in order) with cells that hold a formula and no saved value, each
    with those cells' columns (1 is A). Such a cell reads as empty through openpyxl; only
    the sheet's XML tells it apart from a blank one. Streamed beside openpyxl's reading; a
    sheet without any formula (most) is only searched, not parsed."""
    if not path:
        return
    name = path.lstrip("/")
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if name not in archive.namelist():
            return
        with archive.open(name) as member:
            if not _has_formula(member):
                return
        with archive.open(name) as member:
            try:
                yield from _unsaved_rows(member)
            except ParseError:
                return  # openpyxl's own reading of the sheet says what is wrong with it


def _has_formula(stream: Any) -> bool:
    tail = b""
    while chunk := stream.read(1 << 20):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-64:]
    return False


def _unsaved_rows(stream: Any) -> Iterator[tuple[int, list[int]]]:
    row, column = 0, 0
    columns: list[int] = []
    rows: Any = None
    for event, element in iterparse(stream, events=("start", "end")):
        name = element.tag.rpartition("}")[2]
        if event == "start":
            if name == "row":
                row, column, columns = int(element.get("r") or row + 1), 0, []
            elif name == "sheetData":
                rows = element
            continue
        if name == "row":
            if columns:
                yield row, columns
            if rows is not None:
                rows.clear()  # the rows read so far: a million of them must not pile up
            continue
        if name != "c":
            continue
        ref = _CELL_REF.fullmatch(element.get("r") or "")
        if ref:
            column, row = _column_number(ref[1]), int(ref[2])
        else:
            column += 1
        parts = {child.tag.rpartition("}")[2]: child for child in element}
        value = parts.get("v")
        # An empty saved value is a formula's empty text (t="str", as Excel and LibreOffice
        # write it); a number cell cannot be empty: openpyxl writes its formulas so.
        kind = element.get("t") or "n"
        if "f" in parts and (value is None or (not value.text and kind not in _TEXT_KINDS)):
            columns.append(column)
        element.clear()


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letter(index: int) -> str:
    """0 → ``A``, 26 → ``AA``, as spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        # Excel's error values (a formula that failed) are cached as text like "#REF!".
        return value if value.strip() else None
    return value


# --- writing -----------------------------------------------------------------------------

# What a spreadsheet program takes for a formula at the start of a cell (OWASP's CSV
# injection list); such a text is written after an apostrophe, which shows it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guarded(text: str) -> str:
    """``text`` safe to open in a spreadsheet program: never read as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def unguarded(text: str) -> str:
    """A cell written by :func:`guarded` as it was (our own exports read back)."""
    if text.startswith("'") and text[1:2] in _FORMULA_START and text[1:2]:
        return text[1:]
    return text
