"""The Incident Desk JSON interchange format, version 1 (``docs/interchange.md``).

Reading is strict and complete before anything is written: the first problem is reported
with its path (``incidents[2].when.end: before start``). Writing gives the same bytes for
the same records (``json.dumps`` indented by two, UTF-8, a final newline).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from desktop.domain import ActorRole, Confidence, SourceKind, Status, TimePrecision
from desktop.errors import ValidationError
from desktop.formats import jsontext
from desktop.formats.base import Format
from desktop.records import (
    MAX_SLUG,
    Actor,
    Casualties,
    Citation,
    Document,
    IncidentData,
    SourceData,
    When,
    Where,
    slugify,
)
from desktop.timetext import utc_text
from desktop.wording import printable, quoted

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import BinaryIO

    from desktop.formats.base import Checks
    from desktop.records import HistoryEntry
    from desktop.timetext import Moment

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
_T = TypeVar("_T")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# A UUID exactly as str(uuid.UUID(...)) writes it, the only form accepted: matching it is
# the same test as parsing and printing the UUID again, without making a UUID object.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# --- reading ---------------------------------------------------------------------------

# The format's mark, as every file written here has it near its start: how a file is known
# for this format whatever its name (``"format": "incident-desk/1"``, any spacing).
_MARK = re.compile(r'\A\s*\{.*?"format"\s*:\s*"' + re.escape(FORMAT) + '"', re.DOTALL)


def recognises(raw: bytes) -> bool:
    """True when the file's first 64 KiB hold an object with this format's mark."""
    return _MARK.match(jsontext.head_text(raw)) is not None


def read(raw: bytes, checks: Checks) -> Document:
    """Read and check a file's bytes; any problem is one ValidationError."""
    # The JSON tree is let go of item by item as the records are made from it.
    return parse_document(jsontext.load(raw), checks, consume=True)


def parse_document(value: Any, checks: Checks, *, consume: bool = False) -> Document:
    """Check a JSON value and make the records of it, each checked by ``checks`` as made.

    ``consume`` lets go of each incident's JSON object once its record is made (the caller
    must not need ``value`` afterwards), so a large file is not held twice in memory.
    """
    top = _object(value, "", _TOP, required=TOP_KEYS)
    if top["format"] != FORMAT:
        raise ValidationError("format", f"must be '{FORMAT}', not {_shown(top['format'])}")
    sources = _each(_list(top["sources"], "sources"), "sources", partial(_source, checks))
    seen: set[str] = set()
    for i, source in enumerate(sources):
        if source.id in seen:
            raise ValidationError(f"sources[{i}].id", f"{quoted(source.id)} is given twice")
        seen.add(source.id)
    incidents = _each(
        _list(top["incidents"], "incidents"), "incidents", partial(_incident, checks), consume
    )
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


def _source(checks: Checks, value: Any) -> SourceData:
    obj = _object(value, "", _SOURCE, required=("id", "name"))
    slug = _text(obj, "id")
    if len(slug) > MAX_SLUG:
        raise ValidationError("id", f"is longer than {MAX_SLUG} characters")
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
    checks.source(data)
    return data


def _incident(checks: Checks, value: Any) -> IncidentData:
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
    checks.incident(data)
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


# --- writing ---------------------------------------------------------------------------


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


def document_json(document: Document) -> dict[str, Any]:
    """The records as an interchange document, in their order; with each incident's
    ``history`` when the document has its histories."""
    records = [incident_to_json(i) for i in document.incidents]
    if document.histories is not None:
        timelines = document.histories
        for record, data in zip(records, document.incidents, strict=True):
            record["history"] = [history_to_json(c) for c in timelines.get(data.id or "", [])]
    return {
        "format": FORMAT,
        "sources": [source_to_json(s) for s in document.sources],
        "incidents": records,
    }


def history_to_json(change: HistoryEntry) -> dict[str, Any]:
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


def write(document: Document, stream: BinaryIO) -> None:
    stream.write(dumps(document_json(document)).encode("utf-8"))


# --- the registry's entry ----------------------------------------------------------------

JSON = Format(
    name="json",
    label="Incident Desk JSON",
    suffix=".json",
    description="the interchange JSON format",
    read=read,
    recognises=recognises,
    write=write,
    with_history=True,
)
