"""Writing STIX 2.1 bundles (the format's entry is :mod:`desktop.formats.stix`).

Each incident becomes an ``incident`` with its place (a ``location``), its actors
(``threat-actor`` or ``identity`` objects and the ``relationship``s saying how they are
involved), one ``note`` per citation holding its excerpt and grade, and its TLP marking; each
source an ``identity`` carrying its Admiralty reliability; a ``report`` lists them all and a
``bundle`` wraps everything. ``docs/formats.md`` gives the whole mapping and what STIX cannot
carry.

Ids are derived from ours (an incident keeps its UUID), so exporting the same records gives
the same file, and importing it twice updates rather than duplicates.
"""

from __future__ import annotations

import hashlib
import io
import json
import json.encoder
import tempfile
import uuid
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from desktop.domain import (
    CREDIBILITY,
    DEFAULT_MARKING,
    ActorRole,
    admiralty_code,
    most_restrictive,
    normalise_marking,
)
from desktop.formats import jsonout, peers, stixlib
from desktop.formats.base import Outgoing
from desktop.timetext import utc_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import BinaryIO

    from desktop.formats.base import Batch
    from desktop.records import Citation, Document, IncidentData, SourceData

# The namespace of every id made here from one of ours (uuid5): fixed, so ids are stable.
NAMESPACE = uuid.UUID("5e0b7a52-3f0c-4c1e-9d1a-6c2f4b8e7a10")
_NAMESPACE_SHA1 = hashlib.sha1(NAMESPACE.bytes, usedforsecurity=False)
PREFIX = "x_incident_desk_"
# Labels that carry a field (the rest of an incident's labels are its tags).
STATUS_LABEL = "status:"
TYPE_LABEL = "event-type:"
SUB_TYPE_LABEL = "sub-event-type:"
# Our TLP 2.0 labels as TLP 1.0 colours (the only ones STIX 2.1 defines); CLEAR is WHITE.
TLP_COLOURS = {"TLP:CLEAR": "white", "TLP:GREEN": "green", "TLP:AMBER": "amber", "TLP:RED": "red"}
# When the marking definitions made here were "created": they never change, and a fixed
# time keeps their ids and bytes the same in every export (TLP 2.0's publication).
MARKING_CREATED = "2022-08-01T00:00:00.000Z"
# How an actor's role is said: (the object it is, the relationship from the incident).
ACTOR_SHAPES: dict[ActorRole, tuple[str, str]] = {
    ActorRole.PERPETRATOR: ("threat-actor", "attributed-to"),
    ActorRole.ATTRIBUTED_TO: ("threat-actor", "attributed-to"),
    # Claimed is not attributed: a claim is only related (OpenCTI knows no "claimed-by").
    ActorRole.CLAIMED_BY: ("threat-actor", "related-to"),
    ActorRole.TARGET: ("identity", "targets"),
    ActorRole.OTHER: ("identity", "related-to"),
}
# A source's kind as a STIX identity class.
IDENTITY_CLASSES = {"eyewitness": "individual", "claimant": "group", "social_media": "unknown"}

# The bundle's text around its objects, as json.dumps(bundle, indent=2) lays it out: the
# objects at depth 2 (desktop.formats.jsonout writes each), the report's ids at depth 4.
_HEAD = '{\n  "type": "bundle",\n  "objects": ['
_ITEM = ",\n    "
_REF = ",\n        "
# Where the report's list of ids goes in its text (no value of ours holds a NUL).
_MARK = "\x00object_refs\x00"
# The report's ids held in memory before the temporary file goes to disk (characters).
_SPOOL = 1 << 22
_string: Callable[[str], str] = json.encoder.encode_basestring


def object_id(kind: str, *parts: str) -> str:
    """``kind--<uuid5>`` from ``parts``: the same parts, the same id.

    uuid.uuid5's own steps (SHA-1 of the namespace and the name, version and variant bits
    set), from a hash of the namespace made once and without a UUID object: a bundle has
    several ids per incident."""
    digest = _NAMESPACE_SHA1.copy()
    digest.update(chr(31).join((kind, *parts)).encode("utf-8"))
    raw = bytearray(digest.digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{kind}--{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def source_id(slug: str) -> str:
    return object_id("identity", "source", slug)


def _stamp(moment: datetime) -> str:
    return utc_text(moment, timespec="milliseconds")


def _moment_text(value: date | datetime) -> str:
    return utc_text(value) if isinstance(value, datetime) else value.isoformat()


def _seen(value: date | datetime, end: bool) -> str:
    """first_seen/last_seen as OpenCTI reads them: a day spans its whole day."""
    if isinstance(value, datetime):
        return _stamp(value)
    return _stamp(datetime.combine(value, time.max if end else time.min, tzinfo=UTC))


def evidence_hashes(citation: Citation) -> dict[str, str]:
    """The hashes of the evidence kept for a citation, as STIX names them.

    Evidence files (a SHA-256 per citation) are being added to the records; until a
    citation has ``sha256`` this gives nothing, and the bundle simply carries no hash.
    """
    digest = getattr(citation, "sha256", None)
    return {"SHA-256": digest} if isinstance(digest, str) and digest else {}


class _Writer:
    """Writes the bundle's objects as the incidents come; shared ones (sources, actors,
    markings) once, at the end, when every incident that marks them has been seen.

    What the end needs is kept small: the shared objects, each one's most restrictive
    marking so far, the incidents' ids (the bundle's and the report's ids are made of
    them) and a few totals; the ids the report lists go to a temporary file meanwhile.
    """

    def __init__(self, sources: Sequence[SourceData], now: str | None, out: BinaryIO) -> None:
        self.out = out
        self.sources = {s.id: s for s in sources}
        # Shared objects change with the incidents that use them: the newest incident's
        # update, known at the end. An incident that does not say when it was made (records
        # made outside a workspace) takes ``now``, or the time of writing.
        self.now = now
        self.newest: datetime | None = None
        self.fallback = now or _stamp(datetime.now(UTC))
        self.markings: dict[str, dict[str, Any]] = {}
        self.marking_refs: dict[str, list[str]] = {}
        self.shared: dict[str, dict[str, Any]] = {}
        self.shared_marks: dict[str, str] = {}
        self.ids: list[str] = []
        self.first: date | None = None
        self.last: date | None = None
        self.marking = normalise_marking(DEFAULT_MARKING)
        self.listed = tempfile.SpooledTemporaryFile(_SPOOL, mode="w+", encoding="ascii")
        self.written = 0
        for source in sources:
            self.shared[source_id(source.id)] = self._source(source)

    def write(self, batches: Iterable[Batch]) -> None:
        self.out.write(_HEAD.encode("utf-8"))
        for batch in batches:
            made: list[dict[str, Any]] = []
            for data in batch.incidents:
                self._incident(data, made)
            self._objects(made)
            self.listed.write("".join(o["id"] + "\n" for o in made))
        self._end()

    def _objects(self, made: list[dict[str, Any]]) -> None:
        if not made:
            return
        texts = _ITEM.join([jsonout.encode(o, 2) for o in made])
        lead = _ITEM[1:] if not self.written else _ITEM
        self.out.write((lead + texts).encode("utf-8"))
        self.written += len(made)

    def _end(self) -> None:
        if self.now is None and self.newest is not None:
            self.now = _stamp(self.newest)
        stamp = self.shared_stamp
        for key, shared in self.shared.items():
            shared["created"] = shared["modified"] = stamp
            marking = self.shared_marks.get(key)
            if marking:
                shared["object_marking_refs"] = self._marking_refs(marking)
        content = bool(self.shared) or self.written > 0
        # The markings the objects use (a TLP definition the report alone would use is the
        # standard's own: a bundle may name it without holding it).
        self._objects([*self.markings.values(), *self.shared.values()])
        if content:
            self._report()
        ids = sorted(self.ids)
        self.listed.close()
        end = "\n  ]" if self.written else "]"
        bundle = _string(object_id("bundle", *ids))
        self.out.write(f'{end},\n  "id": {bundle}\n}}\n'.encode())

    @property
    def shared_stamp(self) -> str:
        """When the shared objects were made: see ``now``."""
        return self.now or self.fallback

    def _common(self, kind: str, ident: str, created: str, modified: str) -> dict[str, Any]:
        return {
            "type": kind,
            "spec_version": "2.1",
            "id": ident,
            "created": created,
            "modified": modified,
        }

    def _marking_refs(self, marking: str) -> list[str]:
        refs = self.marking_refs.get(marking)
        if refs is None:  # each marking's definition made once per export
            refs = self.marking_refs[marking] = self._definition(marking)
        return refs

    def _definition(self, marking: str) -> list[str]:
        label = normalise_marking(marking)
        colour = TLP_COLOURS.get(label)
        if colour is not None:
            definition = stixlib.tlp()[colour]
        else:
            # TLP:AMBER+STRICT (not in STIX 2.1's TLP 1.0) and classification lines are
            # statements; OpenCTI knows AMBER+STRICT by its x_opencti_ properties.
            definition = {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": object_id("marking-definition", label),
                "created": MARKING_CREATED,
                "name": label,
                "definition_type": "statement",
                "definition": {"statement": label},
            }
            if label == "TLP:AMBER+STRICT":
                definition["x_opencti_definition_type"] = "TLP"
                definition["x_opencti_definition"] = label
        self.markings.setdefault(definition["id"], definition)
        return [definition["id"]]

    def _source(self, source: SourceData) -> dict[str, Any]:
        stamp = self.shared_stamp  # set again at the end
        identity = self._common("identity", source_id(source.id), stamp, stamp)
        identity["name"] = source.name
        if source.notes:
            identity["description"] = source.notes
        identity["identity_class"] = IDENTITY_CLASSES.get(source.kind, "organization")
        if source.url:
            identity["external_references"] = [{"source_name": source.name, "url": source.url}]
        identity[PREFIX + "id"] = source.id
        identity[PREFIX + "kind"] = source.kind
        identity[PREFIX + "reliability"] = source.reliability
        identity["x_opencti_reliability"] = peers.reliability_words(source.reliability)
        return identity

    def _share(self, key: str, made: dict[str, Any], marking: str) -> str:
        self.shared.setdefault(key, made)
        self._mark(key, marking)
        return key

    def _mark(self, key: str, marking: str) -> None:
        """A shared object is used by an incident marked ``marking``: it carries the most
        restrictive of its users' markings (kept as it goes, not as a list of them all)."""
        floor = self.shared_marks.get(key)
        if floor is None:
            self.shared_marks[key] = _stricter(marking, DEFAULT_MARKING)
        elif marking != floor:  # the same marking again changes nothing
            self.shared_marks[key] = _stricter(marking, floor)

    def _incident(self, data: IncidentData, made: list[dict[str, Any]]) -> None:
        if data.audit is not None:
            created = _stamp(data.audit.created_at)
            modified = _stamp(data.audit.updated_at)
            if self.newest is None or data.audit.updated_at > self.newest:
                self.newest = data.audit.updated_at
        else:
            created = modified = self.shared_stamp
        self.ids.append(data.id or "")
        start, end = _day(data.when.start), _day(data.when.end)
        self.first = start if self.first is None else min(self.first, start)
        self.last = end if self.last is None else max(self.last, end)
        self.marking = _stricter(data.marking, self.marking)
        ident = f"incident--{data.id}"
        marking_refs = self._marking_refs(data.marking)

        def common(kind: str, *parts: str) -> dict[str, Any]:
            made = self._common(kind, object_id(kind, data.id or "", *parts), created, modified)
            made["object_marking_refs"] = marking_refs
            return made

        incident = self._common("incident", ident, created, modified)
        incident["name"] = data.title
        if data.summary:
            incident["description"] = data.summary
        incident["confidence"] = stixlib.analytic_to_confidence(data.confidence)
        incident["labels"] = [
            STATUS_LABEL + data.status,
            TYPE_LABEL + data.event_type,
            SUB_TYPE_LABEL + data.sub_event_type,
            *data.tags,
        ]
        references = [self._reference(c) for c in data.citations if c.url]
        if references:
            incident["external_references"] = references
        incident["object_marking_refs"] = marking_refs
        incident["first_seen"] = _seen(data.when.start, end=False)
        incident["last_seen"] = _seen(data.when.end, end=True)
        incident[PREFIX + "when"] = {
            "start": _moment_text(data.when.start),
            "end": _moment_text(data.when.end),
            "precision": str(data.when.precision),
        }
        if data.notes:
            incident[PREFIX + "notes"] = data.notes
        if data.likelihood:
            incident[PREFIX + "likelihood"] = data.likelihood
        incident[PREFIX + "casualties"] = {
            "killed": data.casualties.killed,
            "injured": data.casualties.injured,
            "note": data.casualties.note,
        }
        made.append(incident)
        related = made
        where = data.where
        if where.country or where.located:
            location = common("location")
            if where.name:
                location["name"] = where.name
            if where.admin1:
                location["administrative_area"] = where.admin1
            if where.country:
                location["country"] = where.country
            if where.located:
                location["latitude"], location["longitude"] = where.lat, where.lon
            location[PREFIX + "precision"] = where.precision
            related.append(location)
            # OpenCTI refuses incident → located-at; "targets" is what it takes for a place.
            relation = self._relation(common, "place", ident, "targets", location["id"])
            relation[PREFIX + "role"] = "place"
            related.append(relation)
        elif where != type(where)():
            incident[PREFIX + "where"] = {
                "name": where.name,
                "admin1": where.admin1,
                "precision": where.precision,
            }
        for index, actor in enumerate(data.actors):
            kind, verb = ACTOR_SHAPES[actor.role]
            key = object_id(kind, "actor", actor.name)
            if key not in self.shared:
                stamp = self.shared_stamp  # set again at the end
                actor_object = self._common(kind, key, stamp, stamp)
                actor_object["name"] = actor.name
                if kind == "identity":
                    actor_object["identity_class"] = "unknown"
                self.shared[key] = actor_object
            self._mark(key, data.marking)
            relation = self._relation(common, f"actor{index}", ident, verb, key)
            relation[PREFIX + "role"] = str(actor.role)
            related.append(relation)
        for index, citation in enumerate(data.citations):
            related.append(
                self._note(common("note", f"citation{index}"), ident, citation, data.marking)
            )

    def _relation(
        self, common: Any, part: str, source: str, verb: str, target: str
    ) -> dict[str, Any]:
        relation: dict[str, Any] = common("relationship", part)
        relation.update(relationship_type=verb, source_ref=source, target_ref=target)
        return relation

    def _reference(self, citation: Citation) -> dict[str, Any]:
        source = self.sources.get(citation.source)
        reference: dict[str, Any] = {
            "source_name": source.name if source else citation.source,
            "url": citation.url,
            "description": self._grade_words(citation),
        }
        if hashes := evidence_hashes(citation):
            reference["hashes"] = hashes
        return reference

    def _grade_words(self, citation: Citation) -> str:
        source = self.sources.get(citation.source)
        reliability = source.reliability if source else "F"
        name = source.name if source else citation.source
        code = admiralty_code(reliability, citation.credibility)
        return f"{name}: {code}, {CREDIBILITY[citation.credibility].label.lower()}"

    def _note(
        self, note: dict[str, Any], incident: str, citation: Citation, marking: str
    ) -> dict[str, Any]:
        source = self.sources.get(citation.source)
        note["abstract"] = self._grade_words(citation)
        note["content"] = citation.excerpt
        if source is not None:
            note["authors"] = [source.name]
            self._mark(source_id(source.id), marking)
        note["object_refs"] = [incident, source_id(citation.source)]
        confidence = stixlib.credibility_to_confidence(citation.credibility)
        if confidence is not None:
            note["confidence"] = confidence
        if citation.language:
            note["lang"] = citation.language
        if citation.url:
            note["external_references"] = [self._reference(citation)]
        note[PREFIX + "credibility"] = citation.credibility
        if citation.published:
            note[PREFIX + "published"] = citation.published.isoformat()
        if citation.retrieved:
            note[PREFIX + "retrieved"] = citation.retrieved.isoformat()
        return note

    def _report(self) -> None:
        """The report listing every object but the markings, written last: its list of ids
        copied from the temporary file."""
        ids = sorted(self.ids)
        stamp = self.shared_stamp
        report = self._common("report", object_id("report", *ids), stamp, stamp)
        report["name"] = "Incident Desk export"
        if self.first is not None and self.last is not None:
            report["description"] = (
                f"{len(ids)} incident{'s' if len(ids) != 1 else ''}, "
                f"{self.first.isoformat()} to {self.last.isoformat()}"
            )
        report["published"] = stamp
        report["report_types"] = ["threat-report"]
        report["object_refs"] = [_MARK]
        report["object_marking_refs"] = self._marking_refs(self.marking)
        head, tail = jsonout.encode(report, 2).split(_string(_MARK))
        separator = _REF
        self.out.write((_ITEM + head).encode("utf-8"))
        # As the old whole-bundle writer listed them: the shared objects, then the rest.
        self.out.write(separator.join(map(_string, self.shared)).encode("utf-8"))
        self.listed.seek(0)
        lead = separator if self.shared else ""
        while lines := self.listed.readlines(_SPOOL):
            text = separator.join(['"' + line[:-1] + '"' for line in lines])
            self.out.write((lead + text).encode("utf-8"))
            lead = separator
        self.out.write(tail.encode("utf-8"))


@lru_cache(maxsize=256)
def _stricter(marking: str, floor: str) -> str:
    # Markings are few: each pair is compared once per export, not once per citation.
    return most_restrictive([marking], floor)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def bundle(document: Document) -> dict[str, Any]:
    """The document as a STIX 2.1 bundle (a JSON object)."""
    out = io.BytesIO()
    write(document, out)
    value: dict[str, Any] = json.loads(out.getvalue())
    return value


def write_batches(outgoing: Outgoing, stream: BinaryIO) -> None:
    """The bundle, UTF-8, indented by two, written as the incidents come (see _Writer)."""
    _Writer(outgoing.sources, None, stream).write(outgoing.batches)


def write(document: Document, stream: BinaryIO) -> None:
    updated = [i.audit.updated_at for i in document.incidents if i.audit is not None]
    now = _stamp(max(updated)) if updated else None
    _Writer(document.sources, now, stream).write(Outgoing.whole(document).batches)
