"""Spreadsheets (CSV and XLSX): columns mapped to an incident's fields, one row an incident.

The fields are named by their interchange paths (``when.start``, ``where.country``,
``casualties.killed``; :data:`FIELDS`), plus ``citation.*`` for the source a row cites. A
:class:`Layout` says which row holds the headers and which column feeds which field; it is
guessed from the headers (:func:`layout`) and may be given in part (``--map``,
``--header-row``, ``--sheet``, the import wizard's dropdowns). Each row is read with the cell
readers of :mod:`desktop.formats.cells` and checked with the workspace's rules; the first bad
row refuses the file (``row 6: when.start: missing``), or with ``skip_invalid`` is left out
and listed in :attr:`Document.skipped`.

Export writes a column per field under its path, so an exported sheet reads back as it was
(``docs/formats.md`` says what a row cannot hold).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from itertools import islice
from typing import TYPE_CHECKING, Any

from desktop.domain import EVENT_TYPES, ActorRole, Confidence, Status, TimePrecision
from desktop.errors import ValidationError
from desktop.fields import FIELDS_BY_KEY
from desktop.formats import cells, peers, sheets
from desktop.formats.base import Part, document_parts
from desktop.formats.held import HeldParts
from desktop.formats.sheets import column_letter  # also the import wizard's
from desktop.formats.table_rows import Reading, read_rows
from desktop.records import (
    Actor,
    Casualties,
    Citation,
    Document,
    IncidentData,
    When,
    Where,
)
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from typing import BinaryIO

    from desktop.formats.base import Checks
    from desktop.formats.sheets import Cell

# The fields of the incident table (desktop/fields.py) a column can feed, by their paths,
# then the parts of a row's citation; path → how the wizard and messages name it.
_MAPPED = (
    "title", "summary", "notes", "when.start", "when.end", "when.precision", "where.name",
    "where.admin1", "where.country", "where.lat", "where.lon", "where.precision", "event_type",
    "sub_event_type", "actors", "casualties.killed", "casualties.injured", "casualties.note",
    "status", "confidence", "likelihood", "tags", "marking",
)  # fmt: skip
FIELDS: dict[str, str] = {
    "id": "Id (a re-import updates the same incident)",
    **{key: FIELDS_BY_KEY[key].problem_name for key in _MAPPED},
    "citation.source": "Source",
    "citation.grade": "Grade (B2)",
    "citation.url": "Source URL",
    "citation.published": "Published",
    "citation.excerpt": "Excerpt",
    "citation.source_id": "Source id (as exported)",
}
# Header words (folded to letters and digits) that each field is guessed from, besides its
# path and its label: what spreadsheets, ACLED and common incident logs call them.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "uuid", "eventid", "eventidcnty", "reference", "ref"),
    "title": ("title", "headline", "incident", "event"),
    "summary": ("summary", "description", "narrative", "details"),
    "notes": ("notes", "comment", "comments", "remarks"),
    "when.start": ("date", "start", "startdate", "eventdate", "when", "datetime", "day"),
    "when.end": ("end", "enddate", "until"),
    "when.precision": ("precision", "timeprecision"),
    "where.name": ("place", "location", "city", "town", "site", "placename"),
    "where.admin1": ("province", "region", "admin1", "state", "governorate", "district"),
    "where.country": ("country", "countrycode", "iso", "iso2", "nation"),
    "where.lat": ("lat", "latitude", "y"),
    "where.lon": ("lon", "lng", "long", "longitude", "x"),
    "where.precision": ("geoprecision", "locationprecision"),
    "event_type": ("eventtype", "type", "category"),
    "sub_event_type": ("subeventtype", "subtype", "subcategory"),
    "actors": ("actors", "actor", "perpetrator", "perpetrators"),
    "casualties.killed": ("killed", "fatalities", "deaths", "dead", "deaths"),
    "casualties.injured": ("injured", "wounded", "injuries"),
    "casualties.note": ("casualtynote", "casualtiesnote"),
    "status": ("status", "claimstatus"),
    "confidence": ("confidence",),
    "likelihood": ("likelihood", "probability"),
    "tags": ("tags", "tag", "keywords", "labels"),
    "marking": ("marking", "tlp", "classification"),
    "citation.source": ("source", "sources", "citationsource", "reportedby"),
    "citation.grade": ("grade", "admiralty", "admiraltycode", "citationgrade"),
    "citation.url": ("url", "link", "sourceurl", "citationurl"),
    "citation.published": ("published", "publicationdate", "citationpublished"),
    "citation.excerpt": ("excerpt", "quote", "citationexcerpt"),
    "citation.source_id": ("citationsourceid", "sourceid"),
}
# Files up to this size are read whole (about 10,000 incidents of CSV, 150 MB of records).
WHOLE_UP_TO = 8 << 20
# The rows looked at for the header row, when it is not given.
_HEADER_SEARCH = 20
_ROLES = {r.value: r for r in ActorRole} | {r.value.replace("_", " "): r for r in ActorRole}
_ACTOR = re.compile(r"(.*?)\s*\(([a-z_ ]+)\)\s*")


@dataclass(frozen=True)
class Options:
    """What the user said of a spreadsheet: field path → column (a header's text or a column
    letter), the header row as the sheet counts it (None: detected), the sheet (blank: the
    first) and whether invalid rows are left out rather than refuse the file."""

    mapping: Mapping[str, str] = field(default_factory=dict)
    header_row: int | None = None
    sheet: str = ""
    skip_invalid: bool = False


@dataclass(frozen=True)
class Layout:
    """Where a sheet's data is: its header row and headers, and field → column index."""

    header_row: int
    headers: tuple[str, ...]
    columns: dict[str, int]

    def column_of(self, key: str) -> str:
        """How the column feeding ``key`` is named (its header, else its letter)."""
        index = self.columns[key]
        header = self.headers[index] if index < len(self.headers) else ""
        return header or column_letter(index)


def fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def _letter_index(text: str) -> int | None:
    if not re.fullmatch(r"[A-Za-z]{1,3}", text):
        return None
    index = 0
    for char in text.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def guess(header: str) -> str | None:
    """The field a column's header names, if any: its path, label or a usual synonym."""
    folded = fold(header)
    if not folded:
        return None
    for key, label in FIELDS.items():
        if folded in (fold(key), fold(label)):
            return key
    for key, words in _SYNONYMS.items():
        if folded in words:
            return key
    return None


def guessed_columns(headers: Iterable[str]) -> dict[str, int]:
    """Field → the first column whose header names it."""
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = guess(header)
        if key is not None and key not in columns:
            columns[key] = index
    return columns


def _sheet_rows(source: bytes | BinaryIO, sheet: str) -> Iterator[tuple[int, list[Cell]]]:
    if isinstance(source, bytes):
        return sheets.rows(source, sheet)
    source.seek(0)
    return sheets.read_rows(source, sheet)


def layout(raw: bytes | BinaryIO, options: Options) -> Layout:
    """The header row (given, or the one of the first rows whose headers name most fields)
    and the columns: those ``options`` map, the others guessed from the headers."""
    unknown = [key for key in options.mapping if key not in FIELDS]
    if unknown:
        raise ValidationError(
            "--map", f"no field {quoted(unknown[0])} (there are: {', '.join(FIELDS)})"
        )
    first = list(islice(_sheet_rows(raw, options.sheet), _HEADER_SEARCH))
    if not first:
        raise ValidationError("", "the sheet is empty")
    if options.header_row is not None:
        found = [cells_ for number, cells_ in first if number == options.header_row]
        if not found:
            later = [c for n, c in _sheet_rows(raw, options.sheet) if n == options.header_row]
            if not later:
                raise ValidationError("--header-row", f"row {options.header_row} is empty")
            found = later
        header_row, header_cells = options.header_row, found[0]
    else:
        header_row, header_cells = max(
            first, key=lambda row: (len(guessed_columns(map(cells.text, row[1]))), -row[0])
        )
    headers = tuple(cells.text(cell) for cell in header_cells)
    columns = guessed_columns(headers)
    by_header = {h.casefold(): i for i, h in reversed(list(enumerate(headers))) if h}
    for key, column in options.mapping.items():
        index = by_header.get(column.strip().casefold())
        if index is None:
            index = _letter_index(column.strip())
        if index is None:
            shown = ", ".join(quoted(h) for h in headers if h)
            raise ValidationError(
                "--map", f"no column {quoted(column)} in row {header_row} (it has: {shown})"
            )
        columns[key] = index
    return Layout(header_row, headers, columns)


def data_rows(
    raw: bytes | BinaryIO, options: Options, at: Layout
) -> Iterator[tuple[int, list[Cell]]]:
    """The rows below the header row."""
    return ((n, c) for n, c in _sheet_rows(raw, options.sheet) if n > at.header_row)


# --- a row → an incident -------------------------------------------------------------------

# Ids made from a sheet's own id column (not a UUID): the same id, the same incident.
NAMESPACE = uuid.UUID("3f6d2a51-8c0e-4b7a-9d13-6e2f5a4c8b90")


class _Row:
    """One row's cells by field, each read with the field's name on its problem."""

    def __init__(self, values: list[Cell], at: Layout) -> None:
        self.values, self.at = values, at

    def cell(self, key: str) -> Cell:
        index = self.at.columns.get(key)
        if index is None or index >= len(self.values):
            return None
        try:
            return sheets.saved(self.values[index])
        except ValidationError as exc:
            raise ValidationError(key, exc.problem) from None

    def text(self, key: str) -> str:
        return cells.text(self.cell(key))

    def read(self, key: str, how: Any) -> Any:
        try:
            return how(self.cell(key))
        except ValidationError as exc:
            raise ValidationError(key, exc.problem) from None


def incident(values: list[Cell], at: Layout, book: peers.SourceBook) -> IncidentData:
    """One row of a mapped sheet as an incident."""
    row = _Row(values, at)
    when = _when(row)
    event_type, sub_event_type = _event_type(row)
    where = Where(
        name=row.text("where.name"),
        admin1=row.text("where.admin1"),
        country=row.read("where.country", cells.country),
        lat=row.read("where.lat", cells.number),
        lon=row.read("where.lon", cells.number),
        precision=_geo_precision(row),
    )
    summary = row.text("summary")
    title = row.text("title") or _made_title(summary, sub_event_type, where)
    return IncidentData(
        id=_id(row.text("id")),
        title=title,
        summary=summary,
        notes=row.text("notes"),
        when=when,
        where=where,
        event_type=event_type,
        sub_event_type=sub_event_type,
        actors=tuple(_actor(part) for part in cells.parts(row.cell("actors"))),
        casualties=Casualties(
            killed=row.read("casualties.killed", cells.count),
            injured=row.read("casualties.injured", cells.count),
            note=row.text("casualties.note"),
        ),
        status=_choice(row, "status", Status, Status.UNVERIFIED),
        confidence=_choice(row, "confidence", Confidence, Confidence.LOW),
        likelihood=_likelihood(row),
        tags=tags(row.cell("tags")),
        marking=row.text("marking") or "TLP:CLEAR",
        citations=_citations(row, book),
    )


def _id(value: str) -> str:
    if not value:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, value))


def _made_title(summary: str, sub_event_type: str, where: Where) -> str:
    """A title for a row without one: the summary's first line, else the sub-event type
    and the place (``Air/drone strike in al-Asad``)."""
    first = summary.strip().split("\n", 1)[0]
    if first:
        return first if len(first) <= 120 else first[:119].rstrip() + "…"
    place = where.name or where.admin1 or where.country
    return f"{sub_event_type} in {place}" if place else sub_event_type


def _when(row: _Row) -> When:
    if row.cell("when.start") is None:
        raise ValidationError("when.start", "missing")
    start = row.read("when.start", cells.moment)
    end = row.read("when.end", cells.moment) if row.cell("when.end") is not None else start
    given = row.text("when.precision").casefold()
    if given:
        precision = TIME_CODES.get(given) or next(
            (p for p in TimePrecision if p.value == given), None
        )
        if precision is None:
            raise ValidationError(
                "when.precision", f"{quoted(given)} is not exact, day, week or month"
            )
    else:
        timed = any(isinstance(m, datetime) for m in (start, end))
        precision = TimePrecision.EXACT if timed else TimePrecision.DAY
    if precision == TimePrecision.EXACT:
        start, end = _as_time(start, end_of_day=False), _as_time(end, end_of_day=True)
    else:
        start, end = _as_day(start), _as_day(end)
    return When(start, end, precision)


# ACLED's time-precision codes, also accepted in a spreadsheet's precision column.
TIME_CODES = {"1": TimePrecision.DAY, "2": TimePrecision.WEEK, "3": TimePrecision.MONTH}


def _as_time(moment: Any, *, end_of_day: bool) -> Any:
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(23, 59, 59) if end_of_day else time(0), tzinfo=UTC)


def _as_day(moment: Any) -> Any:
    return moment.date() if isinstance(moment, datetime) else moment


def _event_type(row: _Row) -> tuple[str, str]:
    given_type, given_sub = row.text("event_type"), row.text("sub_event_type")
    if not given_type and not given_sub:
        return peers.DEFAULT_EVENT_TYPE
    event_type = next((t for t in EVENT_TYPES if t.casefold() == given_type.casefold()), None)
    if given_type and event_type is None:
        raise ValidationError("event_type", f"{quoted(given_type[:60])} is not an ACLED event type")
    if not given_sub:
        if event_type == "Strategic developments":
            return event_type, "Other"
        raise ValidationError("sub_event_type", "missing")
    found = peers.event_types([given_sub])
    if found is None or (event_type is not None and found[0] != event_type):
        kinds = ", ".join(EVENT_TYPES[event_type]) if event_type else "see the ACLED codebook"
        raise ValidationError(
            "sub_event_type", f"{quoted(given_sub[:60])} is not a sub-event type of it ({kinds})"
        )
    return found


def _geo_precision(row: _Row) -> int:
    given = row.read("where.precision", cells.count)
    if given is not None:
        return given
    # Coordinates typed into a sheet are taken as near the place, not as exact: a claim of
    # precision the sheet does not make would be worse than one too modest.
    return 2 if row.cell("where.lat") is not None else 3


def _actor(text: str) -> Actor:
    found = _ACTOR.fullmatch(text)
    if found and found[2].casefold() in _ROLES:
        return Actor(found[1], _ROLES[found[2].casefold()])
    return Actor(text)


def tags(cell: Cell) -> tuple[str, ...]:
    """A tags cell split on ``;`` or ``,``, each once (ignoring case)."""
    unique: dict[str, str] = {}
    for tag in cells.parts(cell, ";,"):
        unique.setdefault(tag.casefold(), tag)
    return tuple(unique.values())


def _choice(row: _Row, key: str, choices: Any, default: Any) -> Any:
    value = row.text(key).casefold()
    if not value:
        return default
    for member in choices:
        if member.value == value:
            return member
    allowed = ", ".join(m.value for m in choices)
    raise ValidationError(key, f"{quoted(value[:40])} is not one of {allowed}")


def _likelihood(row: _Row) -> str | None:
    value = row.text("likelihood")
    if not value:
        return None
    term = peers.likelihood_term(value)
    if term is None:
        raise ValidationError("likelihood", f"{quoted(value[:40])} is not an ICD 203 term")
    return term


def _citations(row: _Row, book: peers.SourceBook) -> tuple[Citation, ...]:
    names = cells.parts(row.cell("citation.source"))
    if not names:
        return ()
    grades = [g.strip() for g in row.text("citation.grade").split(";")]
    if len(grades) == 1:
        grades *= len(names)  # one grade for every source of the row
    if len(grades) != len(names):
        raise ValidationError(
            "citation.grade", f"gives {len(grades)} grades for {len(names)} sources"
        )
    urls = _each(row.text("citation.url"), len(names))
    published = [
        row.read("citation.published", lambda _c, d=d: _published(d or None))
        for d in _each(row.text("citation.published"), len(names))
    ]
    slugs = cells.parts(row.cell("citation.source_id"))
    citations = []
    for i, name in enumerate(names):
        letter, digit = row.read("citation.grade", lambda _cell, i=i: cells.grade(grades[i]))
        slug = slugs[i] if len(slugs) == len(names) else ""
        citations.append(
            Citation(
                source=book.name(name, letter, slug),
                credibility=digit or 6,
                url=urls[i] or None,
                published=published[i],
                excerpt=row.text("citation.excerpt") if i == 0 else "",
            )
        )
    return tuple(citations)


def _each(value: str, count: int) -> list[str]:
    """A citation part for each of ``count`` sources: ``; ``-separated, one each (as
    export writes them), else the whole value for the first source alone."""
    items = [item.strip() for item in value.split(";")] if value else []
    if len(items) != count:
        items = [value.strip()] if value else []
    return items + [""] * (count - len(items))


def _published(cell: Cell) -> Any:
    return None if cell is None else _as_day(cells.moment(cell))


def read(raw: bytes, checks: Checks, options: Options | None = None) -> Document:
    """A spreadsheet's rows as records (see the module's description)."""
    options = options or Options()
    at = _layout_with_date(raw, options)
    return read_rows(data_rows(raw, options, at), at, checks, incident, options.skip_invalid)


def read_parts(
    stream: BinaryIO, size: int, checks: Checks, options: Options | None = None
) -> Iterator[Part]:
    """:func:`read` as an import's parts, a CSV read as a stream: every row read and checked
    first (a row may grade a source an earlier one named; desktop.formats.held). A file of
    up to :data:`WHOLE_UP_TO` bytes is read whole: its records take less memory than
    packing them takes time."""
    options = options or Options()
    if size <= WHOLE_UP_TO:
        stream.seek(0)
        yield from document_parts(read(stream.read(), checks, options))
        return
    at = _layout_with_date(stream, options)
    reading = Reading(checks, incident, options.skip_invalid)
    held = HeldParts()
    for data in reading.records(data_rows(stream, options, at), at):
        held.add(data)
    named = frozenset(reading.book.named_only)
    yield from held.parts(
        Part(sources=reading.sources(), named_only=named, skipped=tuple(reading.skipped))
    )


def _layout_with_date(raw: bytes | BinaryIO, options: Options) -> Layout:
    at = layout(raw, options)
    if "when.start" not in at.columns:
        raise ValidationError(
            "",
            f"no column for when.start (the date) in row {at.header_row}: map one with "
            "--map when.start=COLUMN",
        )
    return at


def with_options(fmt: Any, options: Options) -> Any:
    """The format ``fmt`` reading with ``options`` (the command line's and the wizard's)."""
    return replace(
        fmt,
        read=lambda raw, checks: read(raw, checks, options),
        read_parts=lambda stream, size, checks: read_parts(stream, size, checks, options),
    )
