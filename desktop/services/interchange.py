"""The JSON interchange format, version 1 (``docs/interchange.md``): parse, import, export.

Parsing is strict and complete before anything is written: the first problem is reported
with its path (``incidents[2].when.end: before start``) and the database is left untouched.
An import is one transaction, so it either lands whole or not at all.
"""

from __future__ import annotations

import gc
import json
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desktop.domain import ActorRole, Confidence, SourceKind, Status, TimePrecision
from desktop.errors import ValidationError
from desktop.services import bulk, clashes, history, jsonread, mapping
from desktop.services.citations import doubled_sources
from desktop.services.dto import (
    Actor,
    Casualties,
    Citation,
    IncidentData,
    IncidentQuery,
    Moment,
    SourceData,
    When,
    Where,
)
from desktop.services.incidents import get_incidents, resolve_sources
from desktop.services.sources import insert_source, list_sources, slugify
from desktop.services.validation import incident_problems, source_problems
from desktop.store import fulltext
from desktop.store.engine import sqlite_path
from desktop.store.models import Citation as CitationRow
from desktop.store.models import Incident, Source
from desktop.store.outputs import check_target, private_output
from desktop.timetext import utc_text
from desktop.wording import plural, printable, quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from sqlalchemy.orm import Session

    from desktop.services.progress import Progress
    from desktop.store.engine import Database

FORMAT = "incident-desk/1"

TOP_KEYS = ("format", "sources", "incidents")
SOURCE_KEYS = ("id", "name", "kind", "reliability", "url", "notes")
INCIDENT_KEYS = (
    "id",
    "title",
    "summary",
    "notes",
    "when",
    "where",
    "event_type",
    "sub_event_type",
    "actors",
    "casualties",
    "status",
    "confidence",
    "likelihood",
    "tags",
    "marking",
    "citations",
    # Written by `export json --history`; read back for a round trip but not imported: the
    # importing workspace starts its own record of the incident ("imported").
    "history",
)
HISTORY_KEYS = ("at", "by", "action", "field", "old", "new")
WHEN_KEYS = ("start", "end", "precision")
WHERE_KEYS = ("name", "admin1", "country", "lat", "lon", "precision")
ACTOR_KEYS = ("name", "role")
CASUALTY_KEYS = ("killed", "injured", "note")
CITATION_KEYS = ("source", "credibility", "url", "published", "retrieved", "language", "excerpt")
# The same keys as sets, made once: checking an object's keys is then one C-level subset test
# instead of a Python loop over every key of the 800,000 objects of a 100,000-incident file.
_TOP = frozenset(TOP_KEYS)
_SOURCE = frozenset(SOURCE_KEYS)
_INCIDENT = frozenset(INCIDENT_KEYS)
_HISTORY = frozenset(HISTORY_KEYS)
_WHEN = frozenset(WHEN_KEYS)
_WHERE = frozenset(WHERE_KEYS)
_ACTOR = frozenset(ACTOR_KEYS)
_CASUALTY = frozenset(CASUALTY_KEYS)
_CITATION = frozenset(CITATION_KEYS)

# Incidents per batch: ids per IN (...) query well under every database's bound-parameter
# limit, and the unit of progress reports and cancel checks.
_BATCH = 500
_T = TypeVar("_T")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# A UUID exactly as str(uuid.UUID(...)) writes it, the only form accepted: matching it is
# the same test as parsing and printing the UUID again, without making a UUID object.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Document:
    sources: tuple[SourceData, ...]
    incidents: tuple[IncidentData, ...]


@dataclass(frozen=True)
class ImportResult:
    incidents_created: int = 0
    incidents_updated: int = 0
    incidents_unchanged: int = 0
    sources_created: int = 0
    sources_updated: int = 0
    # Imported all the same, but worth a look: one line each (see citation_warnings).
    warnings: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return (
            f"{plural(self.incidents_created, 'incident')} added, "
            f"{self.incidents_updated:,} updated, {self.incidents_unchanged:,} unchanged; "
            f"{plural(self.sources_created, 'source')} added, "
            f"{self.sources_updated:,} updated."
        )

    def shown_warnings(self, limit: int = 20) -> list[str]:
        """The warnings to show, at most ``limit`` and then how many more there are."""
        shown = list(self.warnings[:limit])
        if len(self.warnings) > limit:
            shown.append(f"and {len(self.warnings) - limit:,} more like these")
        return shown

    @property
    def report(self) -> str:
        """The summary, then the warnings worth a look (for a message box)."""
        lines = self.shown_warnings()
        if not lines:
            return self.summary
        return "\n\n".join([self.summary, "Worth a look:\n" + "\n".join(lines)])


# --- reading ---------------------------------------------------------------------------


def read_file(path: Path) -> Document:
    """Read and check an interchange file; any problem is one ValidationError."""
    raw = jsonread.read_bytes(path)
    # Read into a temporary: the 100+ MB of bytes and text are freed once the JSON tree
    # is built, and the tree itself item by item as the records are made from it.
    with _collector_paused():
        return parse_document(jsonread.load(raw), consume=True)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector out of a bulk read or write.

    Parsing 100,000 incidents makes millions of containers, and the collector would walk all
    of them again and again as they survive (half the parse time at that size). Nothing made
    here holds reference cycles, so reference counting frees it all anyway.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                # What outlived the pause lives on (the records just read): freezing and
                # unfreezing moves it straight to the oldest generation, so the collector
                # does not first walk its millions of objects through the young ones only
                # to find them all alive.
                # Not when something else froze objects (the app does at start): the
                # unfreeze would undo that.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def parse_bytes(raw: bytes) -> Document:
    with _collector_paused():
        return parse_document(jsonread.load(raw), consume=True)


def parse_document(value: Any, *, consume: bool = False) -> Document:
    """Check a JSON value and make the records of it.

    ``consume`` lets go of each incident's JSON object once its record is made (the caller
    must not need ``value`` afterwards), so a large file is not held twice in memory.
    """
    top = _object(value, "", _TOP, required=TOP_KEYS)
    if top["format"] != FORMAT:
        raise ValidationError("format", f"must be '{FORMAT}', not {_shown(top['format'])}")
    sources = _each(_list(top["sources"], "sources"), "sources", _source)
    seen: set[str] = set()
    for i, source in enumerate(sources):
        if source.id in seen:
            raise ValidationError(f"sources[{i}].id", f"{quoted(source.id)} is given twice")
        seen.add(source.id)
    incidents = _each(_list(top["incidents"], "incidents"), "incidents", _incident, consume)
    ids: set[str] = set()
    for i, incident in enumerate(incidents):
        assert incident.id is not None
        if incident.id in ids:
            raise ValidationError(f"incidents[{i}].id", f"{quoted(incident.id)} is given twice")
        ids.add(incident.id)
        for j, citation in enumerate(incident.citations):
            if citation.source not in seen:
                raise ValidationError(
                    f"incidents[{i}].citations[{j}].source",
                    f"unknown source {quoted(citation.source)} (not in sources)",
                )
    return Document(sources, incidents)


def _each(
    items: list[Any], where: str, parse: Callable[[Any], _T], consume: bool = False
) -> tuple[_T, ...]:
    """``parse`` of every item, a problem located at ``where[i]``.

    One ``try`` around the loop: the item's path is made only for the item that fails, not
    for each of the hundreds of thousands that do not. ``consume`` lets go of each item once
    its record is made (see :func:`parse_document`).
    """
    records: list[_T] = []
    index = 0
    try:
        for index, item in enumerate(items):
            if consume:
                items[index] = None
            records.append(parse(item))
    except ValidationError as exc:
        raise exc.under(f"{where}[{index}]") from None
    return tuple(records)


def _at(prefix: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except ValidationError as exc:
        raise exc.under(prefix) from None


def _object(
    value: Any, where: str, keys: frozenset[str], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(where, f"must be an object, not {_kind(value)}")
    # The lists for the message are made only when something is wrong.
    if not value.keys() <= keys:
        unknown = [key for key in value if key not in keys]
        raise ValidationError(where, "unknown key(s) " + ", ".join(quoted(k) for k in unknown))
    for key in required:
        if key not in value:
            missing = [k for k in required if k not in value]
            raise ValidationError(where, "missing key(s) " + ", ".join(quoted(k) for k in missing))
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError(where, f"must be a list, not {_kind(value)}")
    return value


def _shown(value: Any) -> str:
    """A value from the file as JSON writes it, safe to print (see wording.printable)."""
    return printable(json.dumps(value, ensure_ascii=False))


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "null",
        int: "a number",
        float: "a number",
    }.get(type(value), "a value")


def _text(obj: dict[str, Any], key: str, default: str = "") -> str:
    value = obj.get(key, default)
    if not isinstance(value, str):
        raise ValidationError(key, f"must be text, not {_kind(value)}")
    return value


def _optional_text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(key, f"must be text or null, not {_kind(value)}")
    return value


_MEMBERS: dict[type[Any], dict[str, Any]] = {}


def _members(choices: type[Any]) -> dict[str, Any]:
    """An enum's members by value, made once: a parse checks several per incident, and
    looking the member up is cheaper than calling the enum to find it."""
    members = _MEMBERS.get(choices)
    if members is None:
        members = _MEMBERS[choices] = {c.value: c for c in choices}
    return members


def _choice(obj: dict[str, Any], key: str, choices: type[Any], default: str | None = None) -> Any:
    value = obj.get(key, default)
    member = _members(choices).get(value) if isinstance(value, str) else None
    if member is None:
        allowed = [c.value for c in choices]
        raise ValidationError(key, f"{_shown(value)} is not one of " + ", ".join(allowed))
    return member


def _date(value: Any, key: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValidationError(key, f"{_shown(value)} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(key, f"{quoted(value)} is not a real date") from exc


def _moment(value: Any, key: str, precision: TimePrecision) -> Moment:
    if precision != TimePrecision.EXACT:
        parsed = _date(value, key)
        if parsed is None:
            raise ValidationError(key, "is required")
        return parsed
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise ValidationError(
            key,
            f"{_shown(value)} is not a UTC date-time "
            "(YYYY-MM-DDTHH:MM:SSZ), which precision 'exact' needs",
        )
    try:
        return datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC)
    except ValueError as exc:
        raise ValidationError(key, f"{quoted(value)} is not a real date-time") from exc


def _number(obj: dict[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(key, f"must be a number or null, not {_kind(value)}")
    return float(value)


def _count(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(key, f"must be a whole number or null, not {_kind(value)}")
    return value


def _source(value: Any) -> SourceData:
    obj = _object(value, "", _SOURCE, required=("id", "name"))
    slug = _text(obj, "id")
    if not slug or slugify(slug) != slug:
        raise ValidationError("id", f"{quoted(slug)} is not a slug (a-z, 0-9 and hyphens)")
    data = SourceData(
        id=slug,
        name=_text(obj, "name"),
        kind=_choice(obj, "kind", SourceKind, "other").value,
        reliability=_text(obj, "reliability", "F"),
        url=_optional_text(obj, "url"),
        notes=_text(obj, "notes"),
    )
    problems = source_problems(data)
    if problems:
        raise problems[0]
    return data


def _incident(value: Any) -> IncidentData:
    obj = _object(value, "", _INCIDENT, required=("title", "when", "event_type", "sub_event_type"))
    raw_id = obj.get("id")
    if raw_id is None:
        incident_id = str(uuid.uuid4())
    elif isinstance(raw_id, str) and _UUID.fullmatch(raw_id):
        incident_id = raw_id
    else:
        raise ValidationError("id", f"{_shown(raw_id)} is not a UUID string")
    when = _at("when", _when, obj["when"])
    where = _at("where", _where, obj.get("where", {}))
    actors = _each(_list(obj.get("actors", []), "actors"), "actors", _actor)
    casualties = _at("casualties", _casualties, obj.get("casualties", {}))
    tags = _list(obj.get("tags", []), "tags")
    for i, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise ValidationError(f"tags[{i}]", f"must be text, not {_kind(tag)}")
    citations = _each(_list(obj.get("citations", []), "citations"), "citations", _citation)
    for i, entry in enumerate(_list(obj.get("history", []), "history")):
        _object(entry, f"history[{i}]", _HISTORY, required=("at", "by", "action"))
    data = IncidentData(
        id=incident_id,
        title=_text(obj, "title"),
        summary=_text(obj, "summary"),
        notes=_text(obj, "notes"),
        when=when,
        where=where,
        event_type=_text(obj, "event_type"),
        sub_event_type=_text(obj, "sub_event_type"),
        actors=actors,
        casualties=casualties,
        status=_choice(obj, "status", Status, "unverified"),
        confidence=_choice(obj, "confidence", Confidence, "low"),
        likelihood=_optional_text(obj, "likelihood"),
        tags=tuple(tags),
        marking=_text(obj, "marking", "TLP:CLEAR"),
        citations=citations,
    )
    problems = incident_problems(data)
    if problems:
        raise problems[0]
    return data


def _when(value: Any) -> When:
    obj = _object(value, "", _WHEN, required=("start",))
    precision = _choice(obj, "precision", TimePrecision, "day")
    start = _moment(obj["start"], "start", precision)
    end = _moment(obj["end"], "end", precision) if obj.get("end") is not None else start
    return When(start, end, precision)


def _where(value: Any) -> Where:
    obj = _object(value, "", _WHERE)
    precision = obj.get("precision", 3)
    if isinstance(precision, bool) or precision not in (1, 2, 3):
        raise ValidationError(
            "precision", "must be 1 (exact place), 2 (near) or 3 (province or larger)"
        )
    country = _text(obj, "country")
    return Where(
        name=_text(obj, "name"),
        admin1=_text(obj, "admin1"),
        country=country.upper() if len(country) == 2 else country,
        lat=_number(obj, "lat"),
        lon=_number(obj, "lon"),
        precision=precision,
    )


def _actor(value: Any) -> Actor:
    obj = _object(value, "", _ACTOR, required=("name",))
    return Actor(_text(obj, "name"), _choice(obj, "role", ActorRole, "other"))


def _casualties(value: Any) -> Casualties:
    obj = _object(value, "", _CASUALTY)
    return Casualties(_count(obj, "killed"), _count(obj, "injured"), _text(obj, "note"))


def _citation(value: Any) -> Citation:
    obj = _object(value, "", _CITATION, required=("source", "credibility"))
    credibility = obj["credibility"]
    if isinstance(credibility, bool) or credibility not in (1, 2, 3, 4, 5, 6):
        raise ValidationError("credibility", "must be a whole number from 1 to 6")
    return Citation(
        source=_text(obj, "source"),
        credibility=credibility,
        url=_optional_text(obj, "url"),
        published=_date(obj.get("published"), "published"),
        retrieved=_date(obj.get("retrieved"), "retrieved"),
        language=_text(obj, "language"),
        excerpt=_text(obj, "excerpt"),
    )


# --- importing -------------------------------------------------------------------------


def _comparable(data: IncidentData) -> IncidentData:
    """The record without what the database adds, to tell an unchanged import apart."""
    return replace(
        data,
        version=None,
        audit=None,
        citations=tuple(
            replace(c, source_name="", source_reliability="", source_kind="")
            for c in data.citations
        ),
    )


def import_document(
    db: Database, document: Document, progress: Progress | None = None
) -> ImportResult:
    """Add or update everything in ``document`` in one transaction.

    Sources are matched by id and incidents by UUID; a record identical to the stored one is
    left alone, so importing the same file twice changes nothing. New incidents go in by
    batches of Core inserts (:mod:`desktop.services.bulk`); existing ones are compared and
    updated through the ORM. ``progress`` hears after every batch of 500 and may cancel:
    the :class:`~desktop.services.progress.Cancelled` it raises rolls the whole import back.
    """
    user = mapping.current_user()
    counts = dict.fromkeys(
        (
            "incidents_created",
            "incidents_updated",
            "incidents_unchanged",
            "sources_created",
            "sources_updated",
        ),
        0,
    )
    with clashes.import_clashes(), _collector_paused(), db.begin() as session:
        existing_sources = {
            s.slug: s
            for s in session.scalars(
                select(Source).where(Source.slug.in_([s.id for s in document.sources]))
            )
        }
        for source in document.sources:
            stored = existing_sources.get(source.id)
            fields = (
                source.name.strip(),
                source.kind,
                source.reliability,
                source.url or None,
                source.notes,
            )
            if stored is None:
                insert_source(session, source, user)
                counts["sources_created"] += 1
            elif (stored.name, stored.kind, stored.reliability, stored.url, stored.notes) != fields:
                stored.name, stored.kind, stored.reliability, stored.url, stored.notes = fields
                stored.updated_at, stored.updated_by = mapping.utcnow(), user
                counts["sources_updated"] += 1
        session.flush()
        session.expunge_all()

        source_ids: dict[str, int] = {
            slug: source_id for slug, source_id in session.execute(select(Source.slug, Source.id))
        }
        now = mapping.utcnow()
        next_id = bulk.next_incident_id(session)
        total = len(document.incidents)
        lookup = next_id != 1 or not db.is_sqlite  # SQLite with no incidents yet: all are new
        # An upper bound of the new incidents, good enough to choose how to keep the indexes.
        to_index = bulk.NewEntries()
        with bulk.indexes_rebuilt(session, total - (next_id - 1)):
            for start in range(0, total, _BATCH):
                if progress is not None:
                    progress.check()
                batch = document.incidents[start : start + _BATCH]
                next_id = _import_batch(
                    session,
                    batch,
                    start,
                    next_id,
                    lookup,
                    source_ids,
                    user,
                    now,
                    counts,
                    to_index,
                )
                if progress is not None:
                    done = start + len(batch)
                    progress.step(done, total, f"{done:,} of {total:,} incidents")
            if progress is not None:
                progress.step(total, total, "Indexing")
            to_index.write(session)
        if progress is not None:
            progress.check()  # a cancel during the last batch still undoes everything
    return ImportResult(**counts, warnings=citation_warnings(document.incidents))


def citation_warnings(records: tuple[IncidentData, ...]) -> tuple[str, ...]:
    """A line for each source an incident cites more than once (see doubled_sources)."""
    return tuple(
        f"incidents[{index}] {quoted(data.title.strip()[:80])}: cites source "
        f"{quoted(slug)} {times} times"
        for index, data in enumerate(records)
        for slug, times in doubled_sources(data.citations).items()
    )


def _import_batch(
    session: Session,
    batch: tuple[IncidentData, ...],
    first: int,
    next_id: int,
    lookup: bool,
    source_ids: dict[str, int],
    user: str,
    now: datetime,
    counts: dict[str, int],
    to_index: bulk.NewEntries,
) -> int:
    """Write one batch: compare and update the incidents already stored, add the others.

    ``first`` is the batch's position in the document (for error paths), ``next_id`` the
    first free incident id; ``lookup`` False skips looking for stored incidents (there were
    none when the import began). The new incidents' index entries are added to ``to_index``,
    written once all batches are in. Returns the next free id after the batch.
    """
    # One set test for the batch; the citation at fault is looked for only when there is one.
    if not {c.source for data in batch for c in data.citations} <= source_ids.keys():
        for offset, data in enumerate(batch):
            for j, citation in enumerate(data.citations):
                if citation.source not in source_ids:
                    raise ValidationError(
                        f"incidents[{first + offset}].citations[{j}].source",
                        f"unknown source {quoted(citation.source)}",
                    )
    stored: set[str] = set()
    if lookup:
        ids = [data.id for data in batch if data.id]
        stored = set(session.scalars(select(Incident.uuid).where(Incident.uuid.in_(ids))))
    if stored:
        _update_existing(session, batch, first, stored, user, counts)
    new = [data for data in batch if data.id not in stored]
    counts["incidents_created"] += len(new)
    return bulk.insert_new_incidents(session, new, next_id, source_ids, user, now, to_index)


def _update_existing(
    session: Session,
    batch: tuple[IncidentData, ...],
    first: int,
    stored: set[str],
    user: str,
    counts: dict[str, int],
) -> None:
    rows = {
        row.uuid: row
        for row in session.scalars(
            select(Incident)
            .where(Incident.uuid.in_(stored))
            .options(
                selectinload(Incident.actors),
                selectinload(Incident.tags),
                selectinload(Incident.citations).joinedload(CitationRow.source),
            )
        )
    }
    touched: list[Incident] = []
    for offset, data in enumerate(batch):
        row = rows.get(data.id or "")
        if row is None:
            continue
        try:
            before = mapping.incident_to_data(row)
            if _comparable(before) == _comparable(mapping.as_stored(data)) and not row.deleted_at:
                counts["incidents_unchanged"] += 1
                continue
            mapping.apply_incident(row, data, resolve_sources(session, data))
            after = mapping.incident_to_data(row)  # as stored: with the sources' names
            history.record(
                session, row.uuid, history.IMPORTED, history.differences(before, after), by=user
            )
        except ValidationError as exc:
            raise exc.under(f"incidents[{first + offset}]") from None
        row.deleted_at = row.deleted_by = None
        row.updated_at, row.updated_by = mapping.utcnow(), user
        touched.append(row)
        counts["incidents_updated"] += 1
    session.flush()
    fulltext.reindex(session, touched)
    # The batch's objects are written: let them go, so memory does not grow with the file.
    session.expunge_all()


def import_file(db: Database, path: Path, progress: Progress | None = None) -> ImportResult:
    """Read, check and import a file; ``progress`` hears "reading" first, then the batches."""
    if progress is not None:
        progress.step(0, 0, f"Reading {path.name}")
    # One pause of the collector for both the read and the write, and the records let go of
    # before it resumes: resuming in between makes it walk the millions of objects of a
    # 100,000-incident document once or twice only to find them all alive.
    with _collector_paused():
        return import_document(db, read_file(path), progress)


# --- exporting -------------------------------------------------------------------------


def _moment_text(value: Moment) -> str:
    if isinstance(value, datetime):
        return utc_text(value)
    return value.isoformat()


def incident_to_json(data: IncidentData) -> dict[str, Any]:
    return {
        "id": data.id,
        "title": data.title,
        "summary": data.summary,
        "notes": data.notes,
        "when": {
            "start": _moment_text(data.when.start),
            "end": _moment_text(data.when.end),
            "precision": str(data.when.precision),
        },
        "where": {
            "name": data.where.name,
            "admin1": data.where.admin1,
            "country": data.where.country,
            "lat": data.where.lat,
            "lon": data.where.lon,
            "precision": data.where.precision,
        },
        "event_type": data.event_type,
        "sub_event_type": data.sub_event_type,
        "actors": [{"name": a.name, "role": str(a.role)} for a in data.actors],
        "casualties": {
            "killed": data.casualties.killed,
            "injured": data.casualties.injured,
            "note": data.casualties.note,
        },
        "status": str(data.status),
        "confidence": str(data.confidence),
        "likelihood": data.likelihood,
        "tags": list(data.tags),
        "marking": data.marking,
        "citations": [
            {
                "source": c.source,
                "credibility": c.credibility,
                "url": c.url,
                "published": c.published.isoformat() if c.published else None,
                "retrieved": c.retrieved.isoformat() if c.retrieved else None,
                "language": c.language,
                "excerpt": c.excerpt,
            }
            for c in data.citations
        ],
    }


def source_to_json(data: SourceData) -> dict[str, Any]:
    return {
        "id": data.id,
        "name": data.name,
        "kind": data.kind,
        "reliability": data.reliability,
        "url": data.url,
        "notes": data.notes,
    }


def export_document(
    db: Database, query: IncidentQuery | None = None, *, with_history: bool = False
) -> dict[str, Any]:
    """The workspace (or the incidents matching ``query``) as an interchange document.

    Incidents come oldest first and sources by id, so the same data always gives the same
    document. ``with_history`` adds each incident's change history (who, when, what).
    """
    query = replace(query or IncidentQuery(), sort="when", descending=False)
    incidents = get_incidents(db, query)
    records = [incident_to_json(i) for i in incidents]
    if with_history:
        timelines = history.histories(db, [i.id for i in incidents if i.id])
        for record, data in zip(records, incidents, strict=True):
            record["history"] = [history_to_json(c) for c in timelines.get(data.id or "", [])]
    return {
        "format": FORMAT,
        "sources": [source_to_json(s) for s in sorted(list_sources(db), key=lambda s: s.id)],
        "incidents": records,
    }


def history_to_json(change: history.Change) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "at": utc_text(change.at, timespec="auto"),
        "by": change.by,
        "action": change.action,
    }
    if change.field:
        entry.update(field=change.field, old=change.old, new=change.new)
    return entry


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_file(
    db: Database, path: Path, query: IncidentQuery | None = None, *, with_history: bool = False
) -> int:
    """Write the document atomically, never over the workspace (see desktop.store.outputs)."""
    workspace = sqlite_path(db.url)
    path = check_target(path, workspace)
    document = export_document(db, query, with_history=with_history)
    with private_output(path, workspace) as handle:
        handle.write(dumps(document).encode("utf-8"))
    return len(document["incidents"])
