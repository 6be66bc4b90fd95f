"""The Incident Desk JSON interchange format, version 1 (``docs/interchange.md``).

Reading is strict and complete before anything is written: the first problem is reported
with its path (``incidents[2].when.end: before start``). Writing gives the same bytes for
the same records (``json.dumps`` indented by two, UTF-8, a final newline).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from desktop.domain import ActorRole, GeoPrecision, SourceKind, TimePrecision
from desktop.errors import ValidationError
from desktop.fields import INCIDENT_FIELDS
from desktop.formats import jsonout, jsontext
from desktop.formats.base import Format, Outgoing
from desktop.formats.json_shape import IncidentShape, Read, Rules, Write
from desktop.formats.jsonvalues import (
    choice,
    each,
    json_list,
    json_object,
    kind,
    optional_text,
    shown,
    text,
)
from desktop.formats.record_maker import maker
from desktop.records import (
    MAX_SLUG,
    Actor,
    Citation,
    Document,
    IncidentData,
    SourceData,
    When,
    slugify,
)
from desktop.timetext import utc_text
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import BinaryIO

    from desktop.fields import Field
    from desktop.formats.base import Batch, Checks
    from desktop.records import EvidenceRef, HistoryEntry
    from desktop.timetext import Moment

FORMAT = "incident-desk/1"

TOP_KEYS = ("format", "sources", "incidents")
SOURCE_KEYS = ("id", "name", "kind", "reliability", "url", "notes")
HISTORY_KEYS = ("at", "by", "action", "field", "old", "new")
ACTOR_KEYS = ("name", "role")
CITATION_KEYS = ("source", "credibility", "url", "published", "retrieved", "language", "excerpt")
# The same keys as sets, made once: checking an object's keys is then one C-level subset test
# instead of a Python loop over every key of the 800,000 objects of a 100,000-incident file.
_TOP = frozenset(TOP_KEYS)
_SOURCE = frozenset(SOURCE_KEYS)
_HISTORY = frozenset(HISTORY_KEYS)
_ACTOR = frozenset(ACTOR_KEYS)
_CITATION = frozenset(CITATION_KEYS)
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
    top = json_object(value, "", _TOP, required=TOP_KEYS)
    if top["format"] != FORMAT:
        raise ValidationError("format", f"must be '{FORMAT}', not {shown(top['format'])}")
    sources = each(json_list(top["sources"], "sources"), "sources", partial(_source, checks))
    seen: set[str] = set()
    for i, source in enumerate(sources):
        if source.id in seen:
            raise ValidationError(f"sources[{i}].id", f"{quoted(source.id)} is given twice")
        seen.add(source.id)
    incidents = each(
        json_list(top["incidents"], "incidents"), "incidents", partial(_incident, checks), consume
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


# The dates read already, by their text: a file's dates repeat (a few hundred days for six
# dates an incident), and a look-up costs a fraction of the pattern and the parse. Only a
# text that passed both is kept, so it is answered as it was the first time.
_DATES: dict[str, date] = {}
_DATES_KEPT = 4096


def _date(value: Any, key: str) -> date | None:
    if value is None:
        return None
    if type(value) is str and (known := _DATES.get(value)) is not None:
        return known
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValidationError(key, f"{shown(value)} is not a date (YYYY-MM-DD)")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(key, f"{quoted(value)} is not a real date") from exc
    if len(_DATES) >= _DATES_KEPT:
        _DATES.clear()
    _DATES[value] = parsed
    return parsed


def _moment(value: Any, key: str, precision: TimePrecision) -> Moment:
    if precision != TimePrecision.EXACT:
        parsed = _date(value, key)
        if parsed is None:
            raise ValidationError(key, "is required")
        return parsed
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise ValidationError(
            key,
            f"{shown(value)} is not a UTC date-time "
            "(YYYY-MM-DDTHH:MM:SSZ), which precision 'exact' needs",
        )
    try:
        # Python reads the final Z itself (3.11+) as UTC, the same timezone.utc: no second
        # datetime made by replace() for each exact time of a large file.
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(key, f"{quoted(value)} is not a real date-time") from exc


def _source(checks: Checks, value: Any) -> SourceData:
    obj = json_object(value, "", _SOURCE, required=("id", "name"))
    slug = text(obj, "id")
    if len(slug) > MAX_SLUG:
        raise ValidationError("id", f"is longer than {MAX_SLUG} characters")
    if not slug or slugify(slug) != slug:
        raise ValidationError("id", f"{quoted(slug)} is not a slug (a-z, 0-9 and hyphens)")
    data = SourceData(
        id=slug,
        name=text(obj, "name"),
        kind=choice(obj, "kind", SourceKind, "other").value,
        reliability=text(obj, "reliability", "F"),
        url=optional_text(obj, "url"),
        notes=text(obj, "notes"),
    )
    checks.source(data)
    return data


def _incident(checks: Checks, value: Any, plain_text: bool = False) -> IncidentData:
    obj = json_object(value, "", INCIDENT.keyset, required=INCIDENT.required)
    raw_id = obj.get("id")
    if raw_id is None:
        incident_id = str(uuid.uuid4())
    elif isinstance(raw_id, str) and _UUID.fullmatch(raw_id):
        incident_id = raw_id
    else:
        raise ValidationError("id", f"{shown(raw_id)} is not a UUID string")
    values = INCIDENT.read(obj)
    if "history" in obj:  # most files have none
        for i, entry in enumerate(json_list(obj["history"], "history")):
            json_object(entry, f"history[{i}]", _HISTORY, required=("at", "by", "action"))
    values["id"] = incident_id
    data = _make_incident(values)
    if plain_text and checks.incident_plain_text is not None:
        checks.incident_plain_text(data)
    else:
        checks.incident(data)
    return data


def read_source(checks: Checks, value: Any) -> SourceData:
    """One source object, checked (a problem located within it)."""
    return _source(checks, value)


def read_incident(checks: Checks, value: Any, plain_text: bool = False) -> IncidentData:
    """One incident object, checked (a problem located within it). ``plain_text``: its JSON
    text held no ``\\u`` escape, so none of its texts holds NUL or half a surrogate pair
    (desktop.formats.base.Checks.incident_plain_text)."""
    return _incident(checks, value, plain_text)


def _when(value: Any) -> When:
    # Read whole: which form ``start`` takes depends on ``precision``, and ``end`` defaults
    # to ``start``.
    obj = json_object(value, "", _WHEN, required=("start",))
    precision = choice(obj, "precision", TimePrecision, "day")
    start = _moment(obj["start"], "start", precision)
    end = _moment(obj["end"], "end", precision) if obj.get("end") is not None else start
    return _make_when({"start": start, "end": end, "precision": precision})


def _country(obj: dict[str, Any], key: str) -> str:
    country = text(obj, key)
    return country.upper() if len(country) == 2 else country


def _geo_precision(obj: dict[str, Any], key: str) -> Any:
    precision = obj.get(key, GeoPrecision.REGION)
    if isinstance(precision, bool) or precision not in (1, 2, 3):
        raise ValidationError(key, "must be 1 (exact place), 2 (near) or 3 (province or larger)")
    return precision


def _actors(obj: dict[str, Any], key: str) -> tuple[Actor, ...]:
    return each(json_list(obj.get(key, []), key), key, _actor)


def _tags(obj: dict[str, Any], key: str) -> tuple[str, ...]:
    tags = json_list(obj.get(key, []), key)
    for i, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise ValidationError(f"{key}[{i}]", f"must be text, not {kind(tag)}")
    return tuple(tags)


def _citations(obj: dict[str, Any], key: str) -> tuple[Citation, ...]:
    return each(json_list(obj.get(key, []), key), key, _citation)


def _actor(value: Any) -> Actor:
    # An object of known keys holding a name is taken as it is (no call for each of the
    # file's actors); json_object says what is wrong with any other.
    plain = type(value) is dict and _ACTOR.issuperset(value) and "name" in value
    obj = value if plain else json_object(value, "", _ACTOR, ("name",))
    name, role = obj["name"], obj.get("role", "other")
    member = _ROLES.get(role) if type(role) is str else None
    if type(name) is not str or member is None:  # the helpers say what is wrong
        return _make_actor(
            {"name": text(obj, "name"), "role": choice(obj, "role", ActorRole, "other")}
        )
    return _make_actor({"name": name, "role": member})


def _citation(value: Any) -> Citation:
    plain = (
        type(value) is dict
        and _CITATION.issuperset(value)
        and "source" in value
        and "credibility" in value
    )
    obj = value if plain else json_object(value, "", _CITATION, ("source", "credibility"))
    credibility = obj["credibility"]
    if isinstance(credibility, bool) or credibility not in (1, 2, 3, 4, 5, 6):
        raise ValidationError("credibility", "must be a whole number from 1 to 6")
    get = obj.get
    source, url, language, excerpt = (
        obj["source"],
        get("url"),
        get("language", ""),
        get("excerpt", ""),
    )
    # Most citations' texts are texts: taken as they are. Otherwise each value is read in
    # turn by its helper, so that the first problem in the key order is the one told.
    if (
        type(source) is not str
        or (url is not None and type(url) is not str)
        or type(language) is not str
        or type(excerpt) is not str
    ):
        source, url = text(obj, "source"), optional_text(obj, "url")
        _date(get("published"), "published"), _date(get("retrieved"), "retrieved")
        language, excerpt = text(obj, "language"), text(obj, "excerpt")
    return _make_citation(
        {
            "source": source,
            "credibility": credibility,
            "url": url,
            "published": _date(get("published"), "published"),
            "retrieved": _date(get("retrieved"), "retrieved"),
            "language": language,
            "excerpt": excerpt,
        }
    )


# An actor's role by its text (a look-up for each of the file's actors).
_ROLES = {role.value: role for role in ActorRole}


# --- writing ---------------------------------------------------------------------------


def _moment_text(value: Moment) -> str:
    if isinstance(value, datetime):
        return utc_text(value)
    return value.isoformat()


def incident_to_json(data: IncidentData) -> dict[str, Any]:
    return INCIDENT.write(data)


def _actors_json(actors: tuple[Actor, ...]) -> list[dict[str, Any]]:
    return [{"name": a.name, "role": str(a.role)} for a in actors]


def _date_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


# A citation's values written otherwise than as they are, by key (json_rows reads it too).
CITATION_WRITERS: dict[str, Write] = {"published": _date_text, "retrieved": _date_text}


def _citations_json(citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
    return [
        {
            "source": c.source,
            "credibility": c.credibility,
            "url": c.url,
            "published": _date_text(c.published),
            "retrieved": _date_text(c.retrieved),
            "language": c.language,
            "excerpt": c.excerpt,
        }
        for c in citations
    ]


def source_to_json(data: SourceData) -> dict[str, Any]:
    return {
        "id": data.id,
        "name": data.name,
        "kind": data.kind,
        "reliability": data.reliability,
        "url": data.url,
        "notes": data.notes,
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


@dataclass(frozen=True)
class Version:
    """What one version of the format writes differently: its mark, and (version 2) how an
    evidence entry is written, each incident and each of its citations then carrying an
    ``evidence`` list. One writer for every version, so they cannot drift apart."""

    format: str
    evidence: Callable[[EvidenceRef], dict[str, Any]] | None = None


V1 = Version(FORMAT)


def _records(version: Version, batch: Batch) -> list[dict[str, Any]]:
    """The batch's incidents as objects: with ``history`` when the export has histories,
    then (version 2) ``evidence``."""
    records = [INCIDENT.write(data) for data in batch.incidents]
    timelines, entry = batch.histories, version.evidence
    if timelines is None and entry is None:
        return records
    refs_of = batch.evidence or {}
    for record, data in zip(records, batch.incidents, strict=True):
        key = data.id or ""
        if timelines is not None:
            record["history"] = [history_to_json(c) for c in timelines.get(key, ())]
        if entry is None:
            continue
        refs = refs_of.get(key)
        if not refs:  # most incidents
            record["evidence"] = []
            for citation in record["citations"]:
                citation["evidence"] = []
            continue
        record["evidence"] = [entry(r) for r in refs if r.citation is None]
        for j, citation in enumerate(record["citations"]):
            citation["evidence"] = [entry(r) for r in refs if r.citation == j]
    return records


def document_json(document: Document, version: Version = V1) -> dict[str, Any]:
    """The records as an interchange document, in their order; with each incident's
    ``history`` when the document has its histories."""
    outgoing = Outgoing.whole(document)
    return {
        "format": version.format,
        "sources": [source_to_json(s) for s in outgoing.sources],
        "incidents": [r for b in outgoing.batches for r in _records(version, b)],
    }


def dumps(document: dict[str, Any]) -> str:
    """``json.dumps`` indented by two, not ASCII-only, with a final newline."""
    return jsonout.dumps(document) + "\n"


def stream(outgoing: Outgoing, out: BinaryIO, version: Version = V1) -> None:
    """Write the document batch by batch: the bytes of :func:`dumps` of its
    :func:`document_json`, holding only one batch's objects at a time."""
    head = {"format": version.format, "sources": [source_to_json(s) for s in outgoing.sources]}
    parts = (_records(version, batch) for batch in outgoing.batches)
    jsonout.write_document(out, head, "incidents", parts)


def write(document: Document, out: BinaryIO, version: Version = V1) -> None:
    stream(Outgoing.whole(document), out, version)


# --- an incident's fields ----------------------------------------------------------------
#
# Each field of the table (desktop/fields.py) is written and read by its type
# (desktop/formats/json_shape.py), so a field added to the table needs no change here. A new
# key is a new version of the format though (docs/interchange.md, "Versions"), which
# tests/test_docs.py makes plain by asking for the key to be described.
#
# The values below follow rules of this format's own.

_READ: dict[str, Read] = {
    "where.country": _country,
    "where.precision": _geo_precision,
    "actors": _actors,
    "tags": _tags,
    "citations": _citations,
}
_WRITE: dict[str, Write] = {
    "when.start": _moment_text,
    "when.end": _moment_text,
    "when.precision": str,
    "actors": _actors_json,
    "tags": list,
    "citations": _citations_json,
}
# Objects read whole rather than key by key (see _when).
_READ_OBJECT: dict[str, Callable[[Any], Any]] = {"when": _when}

RULES = Rules("json_v1", _READ, _WRITE, _READ_OBJECT)


def incident_shape(fields: Sequence[Field], record: type[Any]) -> IncidentShape:
    """The incident object of version 1 for a field table and its record type."""
    return IncidentShape(fields, record, RULES)


INCIDENT = incident_shape(INCIDENT_FIELDS, IncidentData)
INCIDENT_KEYS = INCIDENT.keys  # "history" among them: see _incident
WHEN_KEYS = INCIDENT.nested["when"]
_WHEN = frozenset(WHEN_KEYS)
# The keys each reader below gives (the incident's id is added to what INCIDENT reads).
_make_incident = maker(IncidentData, given=("id", *INCIDENT.fields))
_make_when = maker(When)
_make_actor = maker(Actor)
_make_citation = maker(Citation, given=CITATION_KEYS)
WHERE_KEYS = INCIDENT.nested["where"]
CASUALTY_KEYS = INCIDENT.nested["casualties"]


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
    write_batches=stream,
)
