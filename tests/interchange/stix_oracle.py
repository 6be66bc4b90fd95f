"""The STIX writer as it was before it streamed (the whole bundle built in memory), kept
as the oracle of tests/interchange/test_stix_stream.py: the streamed bundle must hold the
same objects. Its helpers (ids, stamps, the shapes) are the streamed writer's own."""

# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from desktop.domain import CREDIBILITY, DEFAULT_MARKING, admiralty_code, most_restrictive
from desktop.domain import normalise_marking
from desktop.formats import peers, stixlib
from desktop.formats.stix_write import (
    ACTOR_SHAPES,
    IDENTITY_CLASSES,
    MARKING_CREATED,
    PREFIX,
    STATUS_LABEL,
    SUB_TYPE_LABEL,
    TLP_COLOURS,
    TYPE_LABEL,
    _day,
    _moment_text,
    _seen,
    _stamp,
    evidence_hashes,
    object_id,
    source_id,
)


def old_bundle(document: Any) -> dict[str, Any]:
    return _Writer(document).bundle()


class _Writer:
    """Builds the bundle's objects in order; shared ones (sources, actors, markings) once."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.sources = {s.id: s for s in document.sources}
        updated = [i.audit.updated_at for i in document.incidents if i.audit is not None]
        # Shared objects change with the incidents that use them; a fixed time when no
        # incident says when (records made outside a workspace).
        self.now = _stamp(max(updated) if updated else datetime.now(UTC))
        self.markings: dict[str, dict[str, Any]] = {}
        self.shared: dict[str, dict[str, Any]] = {}
        self.shared_marks: dict[str, list[str]] = {}
        self.objects: list[dict[str, Any]] = []

    def bundle(self) -> dict[str, Any]:
        for source in self.document.sources:
            self.shared[source_id(source.id)] = self._source(source)
        for data in self.document.incidents:
            self._incident(data)
        for key, shared in self.shared.items():
            marks = self.shared_marks.get(key)
            if marks:
                shared["object_marking_refs"] = self._marking_refs(most_restrictive(marks))
        content = [*self.shared.values(), *self.objects]
        objects = [*self.markings.values(), *content]
        if content:
            objects.append(self._report(content))
        ids = sorted(i.id or "" for i in self.document.incidents)
        return {"type": "bundle", "id": object_id("bundle", *ids), "objects": objects}

    def _common(self, kind: str, ident: str, created: str, modified: str) -> dict[str, Any]:
        return {
            "type": kind,
            "spec_version": "2.1",
            "id": ident,
            "created": created,
            "modified": modified,
        }

    def _marking_refs(self, marking: str) -> list[str]:
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
        identity = self._common("identity", source_id(source.id), self.now, self.now)
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
        self.shared_marks.setdefault(key, []).append(marking)
        return key

    def _incident(self, data: IncidentData) -> None:
        created = _stamp(data.audit.created_at) if data.audit else self.now
        modified = _stamp(data.audit.updated_at) if data.audit else self.now
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
        self.objects.append(incident)
        related: list[dict[str, Any]] = []
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
            made = self._common(kind, key, self.now, self.now)
            made["name"] = actor.name
            if kind == "identity":
                made["identity_class"] = "unknown"
            self._share(key, made, data.marking)
            relation = self._relation(common, f"actor{index}", ident, verb, key)
            relation[PREFIX + "role"] = str(actor.role)
            related.append(relation)
        for index, citation in enumerate(data.citations):
            related.append(
                self._note(common("note", f"citation{index}"), ident, citation, data.marking)
            )
        self.objects.extend(related)

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
            self.shared_marks.setdefault(source_id(source.id), []).append(marking)
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

    def _report(self, content: Iterable[dict[str, Any]]) -> dict[str, Any]:
        incidents = self.document.incidents
        ids = sorted(i.id or "" for i in incidents)
        report = self._common("report", object_id("report", *ids), self.now, self.now)
        report["name"] = "Incident Desk export"
        if incidents:
            first = min(_day(i.when.start) for i in incidents)
            last = max(_day(i.when.end) for i in incidents)
            report["description"] = (
                f"{len(incidents)} incident{'s' if len(incidents) != 1 else ''}, "
                f"{first.isoformat()} to {last.isoformat()}"
            )
        report["published"] = self.now
        report["report_types"] = ["threat-report"]
        report["object_refs"] = [o["id"] for o in content]
        marking = most_restrictive([i.marking for i in incidents], DEFAULT_MARKING)
        report["object_marking_refs"] = self._marking_refs(marking)
        return report
