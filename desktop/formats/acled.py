"""ACLED CSV: the 31 columns of an ACLED download, one event a row.

Reading: the date (``2023-10-17`` or ``17 October 2023``) with ACLED's time precision (1 day,
2 week, 3 month), the place with its geo-precision, the type and sub-type, ``actor1`` and
its associated actors as perpetrators, ``actor2`` and its associated actors as targets,
each ``; ``-separated source a cited source (ungraded: F6), ``fatalities`` as killed,
``notes`` as the summary. ``event_id_cnty`` gives the incident's id (a UUIDv5 of it), so
importing a newer download updates the incidents an older one made; it and the columns with
no field of ours are kept in the incident's notes as ``acled.COLUMN: value`` lines, from
which export writes them back. ``docs/formats.md`` has the mapping and what is lost.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from desktop.domain import ActorRole, TimePrecision, country_code, country_name, country_numeric
from desktop.errors import ValidationError
from desktop.formats import cells, sheets, table, table_rows
from desktop.formats.base import Format, Outgoing, Part, document_parts
from desktop.records import Actor, Casualties, Citation, IncidentData, When, Where
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import BinaryIO

    from desktop.formats import peers
    from desktop.formats.base import Checks
    from desktop.formats.sheets import Cell
    from desktop.records import Document

_T = TypeVar("_T")
# ACLED's columns, in the order of its downloads (the ACLED codebook).
COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
# Without these a file is not read as ACLED's.
REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "country")
# ACLED's columns with no field of ours: kept in the incident's notes, written back on export.
KEPT = (
    "event_id_cnty", "disorder_type", "inter1", "inter2", "interaction", "civilian_targeting",
    "region", "admin2", "admin3", "source_scale", "timestamp",
)  # fmt: skip
# Columns of numbers: written as they are (a negative longitude is no formula).
_NUMBERS = frozenset(
    ("year", "time_precision", "iso", "latitude", "longitude", "geo_precision", "fatalities",
     "timestamp")
)  # fmt: skip
_KEPT_LINE = re.compile(r"acled\.([a-z_0-9]+): (.*)")
# Ids of incidents made from an event_id_cnty: the same event, the same incident.
NAMESPACE = uuid.UUID("b7e1c0a4-52d3-4f8e-9a61-0c3d5e7f9b28")
_TIME_PRECISION = {"1": TimePrecision.DAY, "2": TimePrecision.WEEK, "3": TimePrecision.MONTH}
_CODE_OF_PRECISION = {
    TimePrecision.EXACT: 1,
    TimePrecision.DAY: 1,
    TimePrecision.WEEK: 2,
    TimePrecision.MONTH: 3,
}
_SIDE_1 = (ActorRole.PERPETRATOR, ActorRole.CLAIMED_BY, ActorRole.ATTRIBUTED_TO)
# ACLED's disorder type of each event type (the codebook's three kinds of disorder).
_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}


def incident_id(event_id: str) -> str:
    """The incident of an ACLED event: our own export's UUID as it is, else a UUIDv5."""
    try:
        return str(uuid.UUID(event_id))
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, event_id.strip()))


def recognises(raw: bytes) -> bool:
    """True when the file's first line names ACLED's key columns."""
    head = raw[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").casefold()
    return all(name in first for name in ("event_id_cnty", "event_date", "sub_event_type"))


# --- reading -------------------------------------------------------------------------------


def _layout(rows: Iterator[tuple[int, list[Cell]]]) -> table.Layout:
    first = next(rows, None)
    if first is None:
        raise ValidationError("", "the file is empty")
    number, header = first
    headers = tuple(cells.text(c).casefold() for c in header)
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        raise ValidationError(
            f"row {number}", f"is not ACLED's header: no column {quoted(missing[0])}"
        )
    return table.Layout(number, headers, {h: i for i, h in enumerate(headers) if h})


def read(raw: bytes, checks: Checks, skip_invalid: bool = False) -> Document:
    rows = sheets.rows(raw)
    at = _layout(rows)
    return table_rows.read_rows(rows, at, checks, _incident, skip_invalid)


def read_parts(
    source: BinaryIO, size: int, checks: Checks, skip_invalid: bool = False
) -> Iterator[Part]:
    """:func:`read` as an import's parts of 500 incidents, made as the rows are read (a CSV
    read as a stream: neither its bytes nor its records ever all at once)."""
    if sheets.is_xlsx(source.read(sheets.XLSX_HEAD)):
        source.seek(0)
        yield from document_parts(read(source.read(), checks, skip_invalid))
        return
    # Rows are lines, but for the few whose notes run over several: an estimate.
    source.seek(0)
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: source.read(1 << 20), b""))
    source.seek(0)
    rows = sheets.read_rows(source)
    at = _layout(rows)
    yield from table_rows.stream_rows(rows, at, checks, _incident, skip_invalid, lines)


class _Event:
    def __init__(self, values: list[Cell], at: table.Layout) -> None:
        self.values, self.at = values, at

    def text(self, column: str) -> str:
        index = self.at.columns.get(column)
        if index is None or index >= len(self.values):
            return ""
        return cells.text(sheets.saved(self.values[index]))

    def read(self, column: str, how: Callable[[str], _T], field: str) -> _T:
        try:
            return how(self.text(column))
        except ValidationError as exc:
            raise ValidationError(field, f"{column}: {exc.problem}") from None


def _incident(values: list[Cell], at: table.Layout, book: peers.SourceBook) -> IncidentData:
    event = _Event(values, at)
    event_id = event.text("event_id_cnty")
    if not event_id:
        raise ValidationError("event_id_cnty", "missing")
    if not event.text("event_date"):
        raise ValidationError("when.start", "event_date: missing")
    day = event.read("event_date", cells.moment, "when.start")
    if isinstance(day, datetime):
        day = day.date()
    code = event.text("time_precision") or "1"
    if code not in _TIME_PRECISION:
        raise ValidationError("when.precision", f"time_precision: {quoted(code)} is not 1, 2 or 3")
    event_type, sub_event_type = _types(event)
    where = Where(
        name=event.text("location"),
        admin1=event.text("admin1"),
        country=_country(event),
        lat=event.read("latitude", cells.number, "where.lat"),
        lon=event.read("longitude", cells.number, "where.lon"),
        precision=_geo_precision(event),
    )
    return IncidentData(
        id=incident_id(event_id),
        title=f"{sub_event_type} in {where.name or country_name(where.country) or '?'}",
        summary=event.text("notes"),
        notes="\n".join(
            f"acled.{column}: {event.text(column)}" for column in KEPT if event.text(column)
        ),
        when=When(day, day, _TIME_PRECISION[code]),
        where=where,
        event_type=event_type,
        sub_event_type=sub_event_type,
        actors=_actors(event),
        casualties=Casualties(killed=event.read("fatalities", cells.count, "casualties.killed")),
        tags=tuple({t.casefold(): t for t in reversed(cells.parts(event.text("tags")))}.values())[
            ::-1
        ],
        citations=tuple(
            Citation(source=book.name(name), credibility=6)
            for name in dict.fromkeys(cells.parts(event.text("source")))
        ),
    )


def _types(event: _Event) -> tuple[str, str]:
    from desktop.formats import peers

    given = event.text("sub_event_type")
    found = peers.event_types([given])
    if found is None or found[0].casefold() != event.text("event_type").casefold():
        raise ValidationError(
            "sub_event_type",
            f"{quoted(event.text('event_type'))} / {quoted(given)} is not an ACLED event type "
            "and sub-event type",
        )
    return found


def _country(event: _Event) -> str:
    for column in ("iso", "country"):
        value = event.text(column)
        if value and value != "0" and (code := country_code(value)) is not None:
            return code
    name = event.text("country")
    raise ValidationError("where.country", f"country: {quoted(name[:60])} is not a country")


def _geo_precision(event: _Event) -> int:
    code = event.text("geo_precision") or "3"
    if code not in ("1", "2", "3"):
        raise ValidationError(
            "where.precision", f"geo_precision: {quoted(code[:20])} is not 1, 2 or 3"
        )
    return int(code)


def _actors(event: _Event) -> tuple[Actor, ...]:
    actors: dict[str, Actor] = {}
    for main, associated, role in (
        ("actor1", "assoc_actor_1", ActorRole.PERPETRATOR),
        ("actor2", "assoc_actor_2", ActorRole.TARGET),
    ):
        for name in [event.text(main), *cells.parts(event.text(associated))]:
            if name and name.casefold() not in actors:
                actors[name.casefold()] = Actor(name, role)
    return tuple(actors.values())


# --- writing -------------------------------------------------------------------------------


def _kept(data: IncidentData) -> dict[str, str]:
    """The ACLED columns an imported incident keeps in its notes; its event_id_cnty only
    while it is still the id the incident was made from (not text copied elsewhere)."""
    kept: dict[str, str] = {}
    for line in data.notes.splitlines():
        found = _KEPT_LINE.fullmatch(line.strip())
        if found and found[1] in KEPT:
            kept.setdefault(found[1], found[2].strip())
    if "event_id_cnty" in kept and incident_id(kept["event_id_cnty"]) != data.id:
        del kept["event_id_cnty"]
    return kept


def _row(data: IncidentData, names: dict[str, str], now: datetime) -> list[str]:
    kept = _kept(data)
    side_1 = [a.name for a in data.actors if a.role in _SIDE_1]
    side_2 = [a.name for a in data.actors if a.role == ActorRole.TARGET]
    side_2 += [a.name for a in data.actors if a.role == ActorRole.OTHER]
    start = data.when.start
    day = start.date() if isinstance(start, datetime) else start
    stamp = data.audit.updated_at if data.audit else now
    where = data.where
    values = {
        "event_id_cnty": kept.get("event_id_cnty") or data.id or "",
        "event_date": day.isoformat(),
        "year": str(day.year),
        "time_precision": str(_CODE_OF_PRECISION[data.when.precision]),
        "disorder_type": kept.get("disorder_type") or _DISORDER.get(data.event_type, ""),
        "event_type": data.event_type,
        "sub_event_type": data.sub_event_type,
        "actor1": side_1[0] if side_1 else "",
        "assoc_actor_1": "; ".join(side_1[1:]),
        "actor2": side_2[0] if side_2 else "",
        "assoc_actor_2": "; ".join(side_2[1:]),
        "iso": country_numeric(where.country) if where.country else "",
        "country": country_name(where.country),
        "admin1": where.admin1,
        "location": where.name,
        "latitude": "" if where.lat is None else f"{where.lat:.4f}",
        "longitude": "" if where.lon is None else f"{where.lon:.4f}",
        "geo_precision": str(where.precision),
        "source": "; ".join(dict.fromkeys(names.get(c.source, c.source) for c in data.citations)),
        "notes": data.summary,
        "fatalities": "" if data.casualties.killed is None else str(data.casualties.killed),
        "tags": "; ".join(data.tags),
        "timestamp": kept.get("timestamp") or str(int(stamp.timestamp())),
    }
    for column in KEPT:
        values.setdefault(column, kept.get(column, ""))
    return [
        values[column] if column in _NUMBERS else sheets.guarded(values[column])
        for column in COLUMNS
    ]


def write_batches(outgoing: Outgoing, out: BinaryIO) -> None:
    """ACLED's 31 columns in order, UTF-8 (no BOM, as ACLED writes), CRLF lines; a row per
    incident as each batch comes."""
    names = {s.id: s.name for s in outgoing.sources}
    now = datetime.now(UTC)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for batch in outgoing.batches:
        writer.writerows([_row(data, names, now) for data in batch.incidents])
    text.flush()
    text.detach()


def write(document: Document, out: BinaryIO) -> None:
    write_batches(Outgoing.whole(document), out)


def with_skip(skip_invalid: bool) -> Format:
    """The ACLED format, leaving invalid rows out (and listing them) when asked."""
    return replace(
        ACLED,
        read=lambda raw, checks: read(raw, checks, skip_invalid),
        read_parts=lambda source, size, checks: read_parts(source, size, checks, skip_invalid),
    )


ACLED = Format(
    name="acled",
    label="ACLED CSV",
    suffix=".csv",
    description="the incidents in ACLED's 31 CSV columns",
    read=read,
    recognises=recognises,
    write=write,
    read_parts=read_parts,
    write_batches=write_batches,
)
