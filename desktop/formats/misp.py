"""MISP event JSON (the MISP core format), as MISP instances import and export events.

Each incident is one event: its title the ``info``, its first day the ``date``, its marking a
``tlp:`` tag (and a distribution to match), its grades and judgements MISP taxonomy tags
(``admiralty-scale``, ``estimative-language``), its citations ``link`` and ``text``
attributes tagged with their grade, its actors ``threat-actor``/``target-org`` attributes, its
place a ``geolocation`` object, its time span and precision a ``timestamp`` object (both
from misp-objects). One event is written as ``{"Event": {...}}``, several as
``{"response": [...]}`` (what MISP's API returns); both are read. ``docs/formats.md`` gives
the mapping both ways and what MISP cannot carry.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop.domain import (
    DEFAULT_MARKING,
    EVENT_TYPES,
    TLP_LABELS,
    ActorRole,
    Confidence,
    Status,
    country_name,
    most_restrictive,
    normalise_marking,
)
from desktop.errors import ValidationError
from desktop.formats import jsonout, jsontext, misp_time, peers
from desktop.formats.base import Format, Outgoing
from desktop.formats.peers import items, obj, text
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
    from collections.abc import Iterator
    from typing import BinaryIO

    from desktop.formats.base import Checks, Part
    from desktop.records import SourceData

# Ids of attributes and objects made from ours (uuid5): the same records, the same file.
NAMESPACE = uuid.UUID("8d3c6f0e-2b7a-4e51-a9c4-1f6e0b2d7c35")
# The creating organisation MISP requires: the app, as no analyst's organisation is known.
ORGC = {"name": "Incident Desk", "uuid": str(uuid.uuid5(NAMESPACE, "orgc"))}
OURS = "incident-desk"  # the namespace of our own machine tags
# MISP's geolocation object template (misp-objects), which MISP matches objects against.
GEOLOCATION = {"template_uuid": "cd6f2238-ba55-4888-82c4-104e6e1acf21", "template_version": "8"}
# Who may see the event: a marking's MISP distribution (0 this organisation only, 1 this
# community, 2 connected communities, 3 all communities). A classification line, which TLP
# cannot rank, stays in the organisation.
DISTRIBUTION = {
    "TLP:RED": 0,
    "TLP:AMBER+STRICT": 0,
    "TLP:AMBER": 1,
    "TLP:GREEN": 2,
    "TLP:CLEAR": 3,
}
# And back, when an event carries no tlp: tag (4, a sharing group, is as strict as AMBER).
MARKING_OF_DISTRIBUTION = {0: "TLP:RED", 1: "TLP:AMBER", 2: "TLP:GREEN", 3: "TLP:CLEAR"}
# How far the analysis is (0 initial, 1 ongoing, 2 complete), by the information status.
ANALYSIS = {Status.CONFIRMED: 2, Status.UNVERIFIED: 0}
# MISP's threat level 4 is "undefined": Incident Desk grades no threat level.
THREAT_LEVEL_UNDEFINED = "4"
_MACHINE_TAG = re.compile(r'([a-z0-9-]+):([a-z0-9-]+)="(.*)"', re.DOTALL)
_ROLES = {role.value: role for role in ActorRole}
_STATUSES = {status.value: status for status in Status}
_CONFIDENCES = {level.value: level for level in Confidence}

# --- reading: the registry's test of a file ------------------------------------------------

_MARK = re.compile(r'\A\s*\{\s*"(?:Event|response)"\s*:')


def recognises(raw: bytes) -> bool:
    """True when the file starts as a MISP event or a list of them (``{"Event"``,
    ``{"response"``)."""
    return _MARK.match(jsontext.head_text(raw)) is not None


# --- writing -------------------------------------------------------------------------------


def _tag(namespace: str, predicate: str, value: str) -> str:
    return f'{namespace}:{predicate}="{value}"'


def _tlp_tag(marking: str) -> str:
    label = normalise_marking(marking)
    if label in TLP_LABELS:
        return label.lower()
    return _tag(OURS, "marking", label)


def _grade_tags(reliability: str, credibility: int) -> list[str]:
    return [
        _tag("admiralty-scale", "source-reliability", reliability.lower()),
        _tag("admiralty-scale", "information-credibility", str(credibility)),
    ]


class _Event:
    """One incident as a MISP event."""

    def __init__(self, data: IncidentData, sources: dict[str, SourceData], now: datetime):
        self.data = data
        self.sources = sources
        stamp = data.audit.updated_at if data.audit else now
        self.timestamp = str(int(stamp.timestamp()))
        self.attributes: list[dict[str, Any]] = []

    def _uuid(self, *parts: str) -> str:
        return str(uuid.uuid5(NAMESPACE, chr(31).join((self.data.id or "", *parts))))

    def _attribute(
        self, key: str, kind: str, category: str, value: str, comment: str = "", tags: Any = ()
    ) -> dict[str, Any]:
        attribute: dict[str, Any] = {
            "uuid": self._uuid(key),
            "type": kind,
            "category": category,
            "value": value,
            "comment": comment,
            "to_ids": False,
            "timestamp": self.timestamp,
            "distribution": "5",  # as the event
        }
        if tags:
            attribute["Tag"] = [{"name": t} for t in tags]
        self.attributes.append(attribute)
        return attribute

    def event(self) -> dict[str, Any]:
        data = self.data
        title = data.title
        if len(title) > 256:  # MISP's limit; the whole title is kept as a text attribute
            self._attribute("title", "text", "Other", title, "title")
            title = title[:255] + "…"
        for field in ("summary", "notes"):
            if value := getattr(data, field):
                self._attribute(field, "text", "Other", value, field)
        for field in ("killed", "injured"):
            if (value := getattr(data.casualties, field)) is not None:
                self._attribute(field, "counter", "Other", str(value), field)
        if data.casualties.note:
            self._attribute("casualties", "text", "Other", data.casualties.note, "casualties")
        for index, actor in enumerate(data.actors):
            if actor.role == ActorRole.TARGET:
                kind, category = "target-org", "Targeting data"
            else:
                kind, category = "threat-actor", "Attribution"
            self._attribute(f"actor{index}", kind, category, actor.name, str(actor.role))
        best: tuple[str, int] | None = None
        for index, citation in enumerate(data.citations):
            source = self.sources.get(citation.source)
            reliability = source.reliability if source else "F"
            name = source.name if source else citation.source
            tags = [
                *_grade_tags(reliability, citation.credibility),
                _tag(OURS, "source", citation.source),
                _tag(OURS, "citation", str(index)),
            ]
            key = f"citation{index}"
            if citation.url:
                self._attribute(key + "link", "link", "External analysis", citation.url, name, tags)
            if citation.excerpt:
                self._attribute(key, "text", "External analysis", citation.excerpt, name, tags)
            if not citation.url and not citation.excerpt:
                self._attribute(key, "comment", "External analysis", name, name, tags)
            if best is None or (reliability, citation.credibility) < best:
                best = (reliability, citation.credibility)
        tags = [
            _tlp_tag(data.marking),
            _tag("estimative-language", "confidence-in-analytic-judgment", data.confidence),
        ]
        if data.likelihood:
            term = data.likelihood.replace(" ", "-")
            tags.append(_tag("estimative-language", "likelihood-probability", term))
        if best is not None:  # the event's grade: its best-graded citation's
            tags.extend(_grade_tags(*best))
        tags += [
            _tag(OURS, "status", data.status),
            _tag(OURS, "event-type", data.event_type),
            _tag(OURS, "sub-event-type", data.sub_event_type),
            *data.tags,
        ]
        day = data.when.start
        event: dict[str, Any] = {
            "uuid": data.id,
            "info": title,
            "date": (day.date() if isinstance(day, datetime) else day).isoformat(),
            "published": False,
            "timestamp": self.timestamp,
            "distribution": str(DISTRIBUTION.get(normalise_marking(data.marking), 0)),
            "threat_level_id": THREAT_LEVEL_UNDEFINED,
            "analysis": str(ANALYSIS.get(data.status, 1)),
            "Orgc": ORGC,
            "Tag": [{"name": t} for t in tags],
            "Attribute": self.attributes,
            "Object": self._objects(),
        }
        return event

    def _objects(self) -> list[dict[str, Any]]:
        return [*self._place(), self._when()]

    def _object_attribute(self, name: str, relation: str, kind: str, value: str) -> dict[str, Any]:
        return {
            "uuid": self._uuid(name, relation),
            "object_relation": relation,
            "type": kind,
            "category": "Other",
            "value": value,
            "to_ids": False,
            "timestamp": self.timestamp,
            "distribution": "5",
        }

    def _when(self) -> dict[str, Any]:
        """The incident's span: a date-time each end, a day from its first to its last
        second, and the precision that tells which (docs/formats.md)."""
        when = self.data.when
        first, last = (
            misp_time.instant_text(when.start, end=False),
            misp_time.instant_text(when.end, end=True),
        )
        values = (
            ("first-seen", "datetime", first),
            ("last-seen", "datetime", last),
            ("precision", "text", misp_time.MISP_PRECISION[when.precision]),
        )
        return {
            "uuid": self._uuid("timestamp"),
            "name": "timestamp",
            "meta-category": "misc",
            **misp_time.TIMESTAMP,
            "description": "When the incident happened",
            "first_seen": first,
            "last_seen": last,
            "timestamp": self.timestamp,
            "distribution": "5",
            "Attribute": [self._object_attribute("timestamp", *value) for value in values],
        }

    def _place(self) -> list[dict[str, Any]]:
        where = self.data.where
        relations: list[tuple[str, str, str]] = []
        if where.located:
            relations += [
                ("latitude", "float", str(where.lat)),
                ("longitude", "float", str(where.lon)),
            ]
        for relation, value in (
            ("city", where.name),
            ("region", where.admin1),
            ("countrycode", where.country),
            ("country", country_name(where.country)),
        ):
            if value:
                relations.append((relation, "text", value))
        if not relations:
            return []
        attributes = [self._object_attribute("geolocation", *value) for value in relations]
        return [
            {
                "uuid": self._uuid("geolocation"),
                "name": "geolocation",
                "meta-category": "misc",
                **GEOLOCATION,
                "description": "Where the incident happened",
                "comment": f"ACLED geo-precision {where.precision}",
                "timestamp": self.timestamp,
                "distribution": "5",
                "Attribute": attributes,
            }
        ]


def events(document: Document) -> list[dict[str, Any]]:
    """Each incident of the document as a MISP event (``{"Event": ...}``)."""
    return [e for batch in _event_batches(Outgoing.whole(document)) for e in batch]


def _event_batches(outgoing: Outgoing) -> Iterator[list[dict[str, Any]]]:
    sources = {s.id: s for s in outgoing.sources}
    now = datetime.now(UTC)
    for batch in outgoing.batches:
        yield [{"Event": _Event(data, sources, now).event()} for data in batch.incidents]


def write_batches(outgoing: Outgoing, stream: BinaryIO) -> None:
    """``{"response": [...]}`` an event at a time (one batch's in memory), or the event
    alone when there is only one (as MISP's own export of an event)."""
    batches = _event_batches(outgoing)
    held: list[dict[str, Any]] = []
    for batch in batches:  # until a second event says it is a list
        held += batch
        if len(held) > 1:
            break
    if len(held) == 1:  # the loop ran out: there is no other
        stream.write((jsonout.dumps(held[0]) + "\n").encode("utf-8"))
        return
    texts = chain([held], batches)
    jsonout.write_texts(stream, {}, "response", ([jsonout.encode(e, 2) for e in b] for b in texts))


def write(document: Document, stream: BinaryIO) -> None:
    write_batches(Outgoing.whole(document), stream)


# --- reading -------------------------------------------------------------------------------


def read(raw: bytes, checks: Checks) -> Document:
    """Read and check a MISP event, or a ``response`` list of them; any problem is one
    ValidationError located in the file (``response[2].Event.date: …``)."""
    from desktop.formats import misp_stream  # it reads each event with EventReader

    return misp_stream.read(raw, checks)


def read_parts(stream: BinaryIO, size: int, checks: Checks) -> Iterator[Part]:
    """The same, an event at a time (desktop.formats.misp_stream)."""
    from desktop.formats import misp_stream

    return misp_stream.parts(stream, size, checks)


def _tag_names(record: dict[str, Any]) -> list[str]:
    names = []
    for index, tag in enumerate(items(record.get("Tag"), "Tag")):
        names.append(_at(f"Tag[{index}]", text, obj(tag, f"Tag[{index}]"), "name"))
    return names


def _at(where: str, parse: Any, *args: Any) -> Any:
    try:
        return parse(*args)
    except ValidationError as exc:
        raise exc.under(where) from None


class _Grades:
    """What an event's or an attribute's tags say of a source and its information."""

    def __init__(self, tags: list[str]) -> None:
        self.reliability: str | None = None
        self.credibility: int | None = None
        self.ours: dict[str, str] = {}
        self.other: list[str] = []
        for tag in tags:
            found = _MACHINE_TAG.fullmatch(tag)
            namespace, predicate, value = found.groups() if found else ("", "", "")
            if namespace == "admiralty-scale" and predicate == "source-reliability":
                self.reliability = peers.reliability_code(value)
            elif namespace == "admiralty-scale" and predicate == "information-credibility":
                self.credibility = int(value) if value in ("1", "2", "3", "4", "5", "6") else None
            elif namespace == OURS:
                self.ours[predicate] = value
            else:
                self.other.append(tag)


class EventReader:
    """One event made an incident, naming its sources in ``book``."""

    def __init__(self, book: peers.SourceBook) -> None:
        self.book = book
        self.texts: dict[str, str] = {}
        self.paragraphs: list[str] = []
        self.actors: list[Actor] = []
        self.casualties: dict[str, int] = {}
        self.citations: dict[str, dict[str, Any]] = {}

    def incident(self, event: dict[str, Any]) -> IncidentData:
        grades = _Grades(_tag_names(event))
        marking, likelihood, confidence, tags = self._event_tags(grades, event)
        for index, attribute in enumerate(items(event.get("Attribute"), "Attribute")):
            _at(f"Attribute[{index}]", self._attribute, obj(attribute), index, grades)
        where, when = Where(), None
        for index, found in enumerate(items(event.get("Object"), "Object")):
            found = obj(found, f"Object[{index}]")
            if found.get("name") == "geolocation" and where == Where():
                where = _at(f"Object[{index}]", _geolocation, found)
            elif found.get("name") == "timestamp" and when is None:
                when = _at(f"Object[{index}]", misp_time.span, found)
        citations = [self._citation(c, grades) for c in self.citations.values()]
        orgc = event.get("Orgc")
        if not citations and isinstance(orgc, dict) and isinstance(orgc.get("name"), str):
            # An event citing nothing is its creator's report, graded by the event's tags.
            source = self.book.name(orgc["name"], grades.reliability)
            citations.append(Citation(source=source, credibility=grades.credibility or 6))
        ours = grades.ours
        event_type, sub_event_type = ours.get("event-type"), ours.get("sub-event-type")
        if event_type not in EVENT_TYPES or sub_event_type is None:
            named = peers.event_types(tags)
            event_type, sub_event_type = named or peers.DEFAULT_EVENT_TYPE
        day = peers.day(event.get("date"), "date")
        summary = self.texts.get("summary")
        if summary is None:
            summary = "\n\n".join(self.paragraphs)
        raw_id = event.get("uuid")
        return IncidentData(
            id=peers.canonical_uuid(raw_id, "uuid") if raw_id is not None else str(uuid.uuid4()),
            title=self.texts.get("title") or text(event, "info"),
            summary=summary,
            notes=self.texts.get("notes", ""),
            when=when or When(day, day),
            where=where,
            event_type=event_type,
            sub_event_type=sub_event_type,
            actors=tuple(self.actors),
            casualties=Casualties(
                self.casualties.get("killed"),
                self.casualties.get("injured"),
                self.texts.get("casualties", ""),
            ),
            status=_STATUSES.get(ours.get("status", ""), Status.UNVERIFIED),
            confidence=confidence,
            likelihood=likelihood,
            tags=tuple(tags),
            marking=marking,
            citations=tuple(citations),
        )

    def _event_tags(
        self, grades: _Grades, event: dict[str, Any]
    ) -> tuple[str, str | None, Confidence, list[str]]:
        markings: list[str] = []
        likelihood: str | None = None
        confidence = Confidence.LOW
        tags: list[str] = []
        for tag in grades.other:
            found = _MACHINE_TAG.fullmatch(tag)
            namespace, predicate, value = found.groups() if found else ("", "", "")
            if tag.lower().startswith("tlp:"):
                colour = tag[4:].strip().lower()
                markings.append("TLP:CLEAR" if colour == "white" else normalise_marking(tag))
            elif namespace == "estimative-language" and predicate == "likelihood-probability":
                likelihood = peers.likelihood_term(value)
            elif namespace == "estimative-language" and predicate.startswith("confidence"):
                confidence = _CONFIDENCES.get(value.lower(), Confidence.LOW)
            elif namespace == "misp-galaxy" and predicate == "threat-actor":
                self.actors.append(Actor(value, ActorRole.ATTRIBUTED_TO))
            else:
                tags.append(tag)
        if "marking" in grades.ours:
            markings.append(grades.ours["marking"])
        # Only TLP's own labels count as markings (tlp:ex:chr and the like are tags).
        markings = [m for m in markings if m in TLP_LABELS or m == grades.ours.get("marking")]
        if not markings:
            level = event.get("distribution")
            level = int(level) if isinstance(level, str) and level.isdigit() else level
            markings = (
                [MARKING_OF_DISTRIBUTION.get(level, "TLP:AMBER")] if level is not None else []
            )
        marking = most_restrictive(markings, markings[0]) if markings else DEFAULT_MARKING
        return marking, likelihood, confidence, tags

    def _attribute(self, attribute: dict[str, Any], index: int, event: _Grades) -> None:
        kind = text(attribute, "type")
        value = attribute.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValidationError("value", f"must be text, not {peers.kind(value)}")
        comment = text(attribute, "comment")
        grades = _Grades(_tag_names(attribute))
        key = grades.ours.get("citation")
        if key is not None or kind == "link":
            citation = self.citations.setdefault(key or f"link{index}", {"grades": grades})
            citation.setdefault("name", comment)
            if kind == "link":
                citation["url"] = value
            elif kind == "text":
                citation["excerpt"] = value
        elif kind == "text" and comment in ("title", "summary", "notes", "casualties"):
            self.texts[comment] = value
        elif kind in ("text", "comment"):
            self.paragraphs.append(value)
        elif kind == "threat-actor":
            self.actors.append(Actor(value, _ROLES.get(comment, ActorRole.ATTRIBUTED_TO)))
        elif kind == "target-org":
            self.actors.append(Actor(value, ActorRole.TARGET))
        elif kind == "counter" and comment in ("killed", "injured"):
            if not value.isdigit():
                raise ValidationError("value", f"{quoted(value[:40])} is not a count")
            self.casualties[comment] = int(value)

    def _citation(self, found: dict[str, Any], event: _Grades) -> Citation:
        grades: _Grades = found["grades"]
        url = found.get("url")
        name = found.get("name") or ""
        slug = grades.ours.get("source", "")
        if not slug and not name and url:
            host = urlsplit(url).hostname or url
            name = host.removeprefix("www.")
        reliability = grades.reliability or event.reliability
        source = self.book.name(name or slug or "Unnamed source", reliability, slug)
        return Citation(
            source=source,
            credibility=grades.credibility or event.credibility or 6,
            url=url,
            excerpt=found.get("excerpt", ""),
        )


def _geolocation(found: dict[str, Any]) -> Where:
    values: dict[str, Any] = {}
    for index, attribute in enumerate(items(found.get("Attribute"), "Attribute")):
        attribute = obj(attribute, f"Attribute[{index}]")
        relation = attribute.get("object_relation")
        if isinstance(relation, str) and relation not in values:
            values[relation] = attribute.get("value")
    where = f"Attribute[{len(values)}]"
    lat = _at(where, peers.number, values, "latitude")
    lon = _at(where, peers.number, values, "longitude")
    precision = re.search(r"geo-precision ([123])", str(found.get("comment", "")))
    code = text(values, "countrycode") if isinstance(values.get("countrycode"), str) else ""
    return Where(
        name=text(values, "city") if isinstance(values.get("city"), str) else "",
        admin1=text(values, "region") if isinstance(values.get("region"), str) else "",
        country=code.upper(),
        lat=lat,
        lon=lon,
        precision=int(precision[1]) if precision else 1 if lat is not None else 3,
    )


# --- the registry's entry ----------------------------------------------------------------

MISP = Format(
    name="misp",
    label="MISP event JSON",
    suffix=".json",
    description="MISP events (the MISP core format)",
    read=read,
    recognises=recognises,
    write=write,
    write_batches=write_batches,
    read_parts=read_parts,
)
