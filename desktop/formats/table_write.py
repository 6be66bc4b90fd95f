"""Spreadsheets out: the incidents as CSV or XLSX, a column per field, a row per incident;
and the two spreadsheet formats of the registry (read by :mod:`desktop.formats.table`).

The columns are headed by the fields' paths (:data:`COLUMNS`), which the reader guesses
back, so an exported sheet imports as it was into the same incidents (its ``id`` column).
A text a spreadsheet program would run as a formula (``=``, ``+``, ``-``, ``@`` first) is
written after an apostrophe (:func:`desktop.formats.sheets.guarded`).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop.domain import admiralty_code
from desktop.formats import sheets, table
from desktop.formats.base import Format, Outgoing

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

    from desktop.formats.base import Part
    from desktop.records import Document, IncidentData, SourceData

# Every field a row can hold; the last, the slugs of the cited sources, lets a re-import cite
# the very sources it was exported with rather than ones made from their names.
COLUMNS: tuple[str, ...] = tuple(table.FIELDS)
# Characters no XLSX cell may hold (XML 1.0 forbids them); dropped from what is written.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _values(data: IncidentData, sources: dict[str, SourceData]) -> list[Any]:
    """An incident's row: texts, numbers and times (a date, or a UTC date-time)."""
    citations = data.citations
    first = citations[0] if citations else None

    def reliability(slug: str) -> str:
        return sources[slug].reliability if slug in sources else "F"

    return [
        data.id or "",
        data.title,
        data.summary,
        data.notes,
        data.when.start,
        data.when.end,
        data.when.precision.value,
        data.where.name,
        data.where.admin1,
        data.where.country,
        data.where.lat,
        data.where.lon,
        data.where.precision,
        data.event_type,
        data.sub_event_type,
        "; ".join(f"{a.name} ({a.role.value})" for a in data.actors),
        data.casualties.killed,
        data.casualties.injured,
        data.casualties.note,
        data.status.value,
        data.confidence.value,
        data.likelihood or "",
        "; ".join(data.tags),
        data.marking,
        "; ".join(sources[c.source].name if c.source in sources else c.source for c in citations),
        "; ".join(admiralty_code(reliability(c.source), c.credibility) for c in citations),
        "; ".join(c.url or "" for c in citations) if any(c.url for c in citations) else "",
        "; ".join(c.published.isoformat() if c.published else "" for c in citations)
        if any(c.published for c in citations)
        else None,
        first.excerpt if first else "",
        "; ".join(c.source for c in citations),
    ]


def _rows(outgoing: Outgoing) -> Iterator[list[Any]]:
    """The header, then a row per incident, batch by batch as the export reads them."""
    sources = {s.id: s for s in outgoing.sources}
    yield list(COLUMNS)
    for batch in outgoing.batches:
        for data in batch.incidents:
            yield _values(data, sources)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str):
        return sheets.guarded(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)  # numbers: never guarded, so -33.5 stays a number


def stream_csv(outgoing: Outgoing, stream: BinaryIO) -> None:
    """UTF-8 with a BOM (so Excel reads it as UTF-8), comma-separated, CRLF lines."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    for row in _rows(outgoing):
        writer.writerow([_csv_cell(v) for v in row])
    text.flush()
    text.detach()  # the caller closes the stream


def write_csv(document: Document, stream: BinaryIO) -> None:
    stream_csv(Outgoing.whole(document), stream)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones: UTC
    if isinstance(value, str):
        return sheets.guarded(_ILLEGAL_XML.sub("", value))
    return value


def stream_xlsx(outgoing: Outgoing, stream: BinaryIO) -> None:
    """One sheet, "Incidents": dates and date-times as Excel's (date-times in UTC).

    openpyxl's write-only mode writes each row to a temporary file as it is appended, so
    the rows are never all in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Incidents")
    for row in _rows(outgoing):
        cells = []
        for value in map(_xlsx_cell, row):
            cell = WriteOnlyCell(sheet, value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif hasattr(value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    book.save(stream)


def write_xlsx(document: Document, stream: BinaryIO) -> None:
    stream_xlsx(Outgoing.whole(document), stream)


def _read(raw: bytes, checks: Any) -> Document:
    return table.read(raw, checks)


def _read_parts(stream: BinaryIO, size: int, checks: Any) -> Iterator[Part]:
    return table.read_parts(stream, size, checks)


CSV = Format(
    name="csv",
    label="CSV spreadsheet",
    suffix=".csv",
    description="the incidents as a CSV spreadsheet, a column per field",
    read=_read,
    write=write_csv,
    write_batches=stream_csv,
    read_parts=_read_parts,
)

XLSX = Format(
    name="xlsx",
    label="Excel workbook",
    suffix=".xlsx",
    description="the incidents as an Excel workbook (XLSX), a column per field",
    read=_read,
    recognises=sheets.is_xlsx,
    write=write_xlsx,
    write_batches=stream_xlsx,
    read_parts=_read_parts,
)
