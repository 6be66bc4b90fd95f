"""Reading STIX 2.1 bundles: our own exports back whole, and other platforms' (OpenCTI's) as
far as they say what an incident is (the format's entry is :mod:`desktop.formats.stix`).

A bundle is checked before any incident is made of it: every object an object and every id
its type's, every reference to an object in the bundle (the TLP definitions the standard
fixes excepted), no object reaching itself through references, nothing nested absurdly
deep (:mod:`desktop.formats.stix_scan`, a first reading of the file); each object we read is
allowed by the standard (:func:`desktop.formats.stixlib.check_object`) as the second reading
comes to it. The first problem is one line, located in the file (``objects[4].source_ref:
'threat-actor--…' is not in the bundle``). The file is read an object at a time, twice,
never whole; the incidents are handed on in parts as they are made.
"""

from __future__ import annotations

import io
from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from desktop.domain import (
    DEFAULT_MARKING,
    EVENT_TYPES,
    ActorRole,
    SourceKind,
    Status,
    TimePrecision,
    most_restrictive,
    normalise_marking,
)
from desktop.errors import ValidationError
from desktop.formats import peers, stix_scan, stixlib
from desktop.formats.base import PART, Part
from desktop.formats.peers import count, items, obj, text
from desktop.formats.stix_write import PREFIX, STATUS_LABEL, SUB_TYPE_LABEL, TYPE_LABEL
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
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

    from desktop.formats.base import Checks

# The types an incident is read from; others (indicators, malware …) are left aside.
READ_TYPES = frozenset(
    {
        "incident",
        "identity",
        "threat-actor",
        "intrusion-set",
        "campaign",
        "location",
        "relationship",
        "note",
        "marking-definition",
        "report",
    }
)
_ACTOR_TYPES = frozenset({"threat-actor", "intrusion-set", "campaign", "identity"})
_ROLE_OF_VERB = {"attributed-to": ActorRole.ATTRIBUTED_TO, "targets": ActorRole.TARGET}
_ROLES = {role.value: role for role in ActorRole}
_STATUSES = {status.value: status for status in Status}
_KINDS = {kind.value for kind in SourceKind}
_PRECISIONS = {p.value: p for p in TimePrecision}
_TLP_NAMES = {"white": "TLP:CLEAR", "clear": "TLP:CLEAR"}


def read_parts(
    stream: BinaryIO, size: int, checks: Checks, batch: int | None = None
) -> Iterator[Part]:
    """The bundle in ``stream`` (seekable), read twice an object at a time (see
    :mod:`desktop.formats.stix_scan`): its sources, then its incidents in parts of ``batch``
    (PART), in order."""
    return _Assembler(stix_scan.utf8(stream), checks, batch or PART).parts()


def read(raw: bytes, checks: Checks) -> Document:
    """Read and check a bundle's bytes; any problem is one ValidationError."""
    assembler = _Assembler(stix_scan.utf8(io.BytesIO(raw)), checks, PART)
    incidents = [data for part in assembler.parts() for data in part.incidents]
    book = assembler.reader.book
    return Document(book.sources(), tuple(incidents), named_only=frozenset(book.named_only))


def _at(where: str, parse: Any, *args: Any) -> Any:
    try:
        return parse(*args)
    except ValidationError as exc:
        raise exc.under(where) from None


class _Assembler:
    """The second reading: each incident made once the objects it needs have been read,
    in file order, those objects let go once the last incident needing them is made."""

    def __init__(self, stream: BinaryIO, checks: Checks, batch: int) -> None:
        self.stream, self.checks, self.batch = stream, checks, batch
        self.survey = stix_scan.Survey()
        self.reader = _Reader(self.survey, checks)
        self.held: dict[str, dict[str, Any]] = {}
        self.waiting: deque[tuple[int, dict[str, Any]]] = deque()
        self.ids: set[str] = set()
        self.made: list[IncidentData] = []
        self.given: dict[str, SourceData] = {}
        self.first = 0

    def parts(self) -> Iterator[Part]:
        for position, found in stix_scan.objects(self.stream):
            self.survey.add(position, found)
        self.survey.check()
        self.plan = self.survey.plan()
        self.reader.plan = self.plan
        self.reader.our_sources()
        self.survey.release()
        yield Part(sources=self._sources(), expected=len(self.plan.incidents), exact=True)
        self.stream.seek(0)
        for position, found in stix_scan.objects(self.stream, first=False):
            if position in self.survey.superseded:
                continue  # another version of an object given again
            ident: str = found["id"]
            kind = found.get("type")
            if kind in READ_TYPES and ident not in self.survey.kept:
                _at(f"objects[{position}]", stixlib.check_object, found)
            if ident in self.plan.users:
                self.held[ident] = found
            if kind == "incident":
                self.waiting.append((position, found))
            yield from self._ready()
        if self.waiting or self.made:
            if self.waiting:  # the file changed between the readings
                raise ValidationError("objects", "changed while it was being read")
            yield self._part()

    def _ready(self) -> Iterator[Part]:
        """Make the waiting incidents whose objects have all been read, in file order."""
        while self.waiting:
            position, found = self.waiting[0]
            needs = self.plan.needs.get(found["id"], ())
            if any(ident not in self.held for ident in needs):
                return
            self.waiting.popleft()
            data = _at(f"objects[{position}]", self.reader.incident, found, self.held)
            if data.id in self.ids:  # two ids differing only in case: one incident here
                raise ValidationError("objects", "gives an incident twice (its id in two cases)")
            self.ids.add(data.id)
            self.made.append(data)
            for ident in needs:
                self.plan.users[ident] -= 1
                if not self.plan.users[ident]:
                    del self.plan.users[ident], self.held[ident]
            if len(self.made) >= self.batch:
                yield self._part()

    def _part(self) -> Part:
        made, self.made = tuple(self.made), []
        part = Part(
            sources=self._sources(),
            incidents=made,
            first=self.first,
            expected=len(self.plan.incidents),
            exact=True,
            named_only=frozenset(self.reader.book.named_only),
        )
        self.first += len(made)
        return part

    def _sources(self) -> tuple[SourceData, ...]:
        """The sources not handed on yet (a source a part's incidents name, the first time),
        those named only checked as the workspace checks them."""
        new = []
        for source in self.reader.book.sources():
            if self.given.get(source.id) is None:
                if source.id in self.reader.book.named_only:
                    self.checks.source(source)
                self.given[source.id] = source
                new.append(source)
        return tuple(new)


def marking_label(ref: str, by_id: dict[str, dict[str, Any]]) -> str | None:
    """The handling marking a marking definition stands for, if it is one: TLP (1.0 by its
    fixed id or colour, 2.0 by OpenCTI's properties or the OASIS extension), or a statement
    we wrote for a classification line. Other statements (copyright, terms) and PAP say
    nothing of who may see an incident: None."""
    if ref in stixlib.tlp_ids():
        colour = stixlib.tlp_ids()[ref]
        return _TLP_NAMES.get(colour, f"TLP:{colour.upper()}")
    found = by_id.get(ref)
    if found is None:
        return None
    candidates: list[Any] = [found.get("x_opencti_definition"), found.get("name")]
    definition = found.get("definition")
    if isinstance(definition, dict):
        if found.get("definition_type") == "tlp":
            candidates.append(f"TLP:{definition.get('tlp')}")
        if isinstance(definition.get("statement"), str) and definition["statement"] == found.get(
            "name"
        ):
            return normalise_marking(definition["statement"])
    for extension in (found.get("extensions") or {}).values():
        if isinstance(extension, dict) and isinstance(extension.get("tlp_2_0"), str):
            candidates.append(f"TLP:{extension['tlp_2_0']}")
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.upper().startswith("TLP:"):
            colour = candidate[4:].strip().lower()
            return _TLP_NAMES.get(colour, normalise_marking(f"TLP:{colour}"))
    return None


class _Reader:
    """Makes the records of a checked bundle: its sources, then each incident from its
    object and those it needs (the objects kept whole, and those ``held`` for it)."""

    def __init__(self, survey: stix_scan.Survey, checks: Checks) -> None:
        self.checks = checks
        self.survey = survey
        self.plan = stix_scan.Plan()
        self.book = peers.SourceBook()
        self.held: dict[str, dict[str, Any]] = {}
        self.identities: dict[str, dict[str, Any]] = {}

    def our_sources(self) -> None:
        """Every source the bundle describes in full (ours), in file order."""
        positions = self.survey.positions
        for ident in sorted(self.survey.kept, key=positions.__getitem__):
            found = self.survey.kept[ident]
            if found["type"] == "identity":
                self.identities.setdefault(str(found.get("name", "")).casefold(), found)
                if PREFIX + "id" in found:
                    _at(f"objects[{positions[ident]}]", self._our_source, found)

    def _get(self, ident: Any) -> dict[str, Any] | None:
        """The object ``ident`` if it is kept whole or held for the incident being made."""
        if not isinstance(ident, str):
            return None
        return self.survey.kept.get(ident) or self.held.get(ident)

    def incident(self, found: dict[str, Any], held: dict[str, dict[str, Any]]) -> IncidentData:
        self.held = held
        return self._incident(found)

    # --- sources ------------------------------------------------------------------------

    def _our_source(self, found: dict[str, Any]) -> None:
        references = items(found.get("external_references"), "external_references")
        url = next((r.get("url") for r in references if isinstance(r, dict)), None)
        kind = text(found, PREFIX + "kind", "other")
        source = SourceData(
            id=text(found, PREFIX + "id"),
            name=text(found, "name"),
            kind=kind if kind in _KINDS else "other",
            reliability=text(found, PREFIX + "reliability", "F"),
            url=url if isinstance(url, str) else None,
            notes=text(found, "description"),
        )
        if not source.id or len(source.id) > MAX_SLUG or slugify(source.id) != source.id:
            raise ValidationError(PREFIX + "id", f"{quoted(source.id)} is not a source id")
        self.checks.source(source)
        self.book.add(source)

    def _source_of(self, identity: dict[str, Any]) -> str:
        """The id of the source an identity is (ours by its id, another's by its name)."""
        if PREFIX + "id" in identity:
            return text(identity, PREFIX + "id")
        reliability = identity.get("x_opencti_reliability")
        for extension in (identity.get("extensions") or {}).values():
            if isinstance(extension, dict) and reliability is None:
                reliability = extension.get("x_opencti_reliability") or extension.get("reliability")
        code = peers.reliability_code(reliability) if isinstance(reliability, str) else None
        return self.book.name(text(identity, "name"), code)

    # --- incidents ------------------------------------------------------------------------

    def _incident(self, found: dict[str, Any]) -> IncidentData:
        ident = found["id"]
        labels = items(found.get("labels"), "labels")
        status, event_type, tags = Status.UNVERIFIED, None, []
        sub_event_type = None
        for label in labels:
            if label.startswith(STATUS_LABEL) and label[len(STATUS_LABEL) :] in _STATUSES:
                status = _STATUSES[label[len(STATUS_LABEL) :]]
            elif label.startswith(TYPE_LABEL) and label[len(TYPE_LABEL) :] in EVENT_TYPES:
                event_type = label[len(TYPE_LABEL) :]
            elif label.startswith(SUB_TYPE_LABEL):
                sub_event_type = label[len(SUB_TYPE_LABEL) :]
            else:
                tags.append(label)
        if event_type is None or sub_event_type is None:
            named = peers.event_types(tags)
            event_type, sub_event_type = named or peers.DEFAULT_EVENT_TYPE
            if named is not None:
                tags = [t for t in tags if t.casefold() != sub_event_type.casefold()]
            if isinstance(found.get("incident_type"), str) and found["incident_type"] not in tags:
                tags.append(found["incident_type"])  # OpenCTI's kind of incident
        confidence = found.get("confidence")
        where, actors = self._related(ident, found)
        data = IncidentData(
            id=peers.canonical_uuid(ident.split("--", 1)[1], "id"),
            title=text(found, "name"),
            summary=text(found, "description"),
            notes=text(found, PREFIX + "notes"),
            when=self._when(found),
            where=where,
            event_type=event_type,
            sub_event_type=sub_event_type,
            actors=actors,
            casualties=_at(PREFIX + "casualties", _casualties, found.get(PREFIX + "casualties")),
            status=status,
            confidence=stixlib.confidence_to_analytic(confidence)
            if isinstance(confidence, int)
            else stixlib.confidence_to_analytic(0),
            likelihood=self._likelihood(found),
            tags=tuple(tags),
            marking=self._marking(found),
            citations=self._citations(ident, found),
        )
        self.checks.incident(data)
        return data

    def _likelihood(self, found: dict[str, Any]) -> str | None:
        value = peers.optional_text(found, PREFIX + "likelihood")
        return peers.likelihood_term(value) or value if value else None

    def _when(self, found: dict[str, Any]) -> When:
        ours = found.get(PREFIX + "when")
        if ours is not None:
            return _at(PREFIX + "when", _our_when, ours)
        first = found.get("first_seen") or found["created"]
        start = peers.timestamp(first, "first_seen")
        end = peers.timestamp(found.get("last_seen") or first, "last_seen")
        if start.time() == start.time().min:  # a day, as OpenCTI writes one
            return When(start.date(), max(end.date(), start.date()), TimePrecision.DAY)
        return When(start, end, TimePrecision.EXACT)

    def _marking(self, found: dict[str, Any]) -> str:
        kept = self.survey.kept
        labels = [marking_label(ref, kept) for ref in found.get("object_marking_refs", [])]
        known = [label for label in labels if label is not None]
        return most_restrictive(known, known[0]) if known else DEFAULT_MARKING

    def _related(self, ident: str, found: dict[str, Any]) -> tuple[Where, tuple[Actor, ...]]:
        place: dict[str, Any] | None = None
        actors: list[Actor] = []
        countries: list[str] = []
        for relation in (self.held[r] for r in self.plan.relations.get(ident, ())):
            target = self._get(relation["target_ref"])
            if target is None:
                continue
            role_text = relation.get(PREFIX + "role")
            if target["type"] == "location":
                if isinstance(target.get("country"), str):
                    countries.append(target["country"])
                # The place: ours says so; of another's, the one with coordinates.
                if (
                    place is None
                    or role_text == "place"
                    or ("latitude" in target and "latitude" not in place)
                ):
                    place = target
                continue
            if target["type"] not in _ACTOR_TYPES or PREFIX + "id" in target:
                continue
            role = _ROLES.get(role_text) if isinstance(role_text, str) else None
            if role is None:
                role = _ROLE_OF_VERB.get(relation["relationship_type"], ActorRole.OTHER)
            actor = Actor(text(target, "name"), role)
            if actor not in actors:
                actors.append(actor)
        where = _at(PREFIX + "where", _where, place, found.get(PREFIX + "where"))
        if not where.country and countries:  # a city's country given as a location of its own
            where = replace(where, country=countries[0].upper())
        return where, tuple(actors)

    def _citations(self, ident: str, found: dict[str, Any]) -> tuple[Citation, ...]:
        notes = [self.held[n] for n in self.plan.notes.get(ident, ())]
        if notes:
            return tuple(_at(f"note {note['id']}", self._note_citation, note) for note in notes)
        # Another platform's incident: its references are what it cites, its author vouches.
        citations: list[Citation] = []
        for reference in items(found.get("external_references"), "external_references"):
            reference = obj(reference, "external_references")
            name = text(reference, "source_name")
            url = peers.optional_text(reference, "url")
            if not url and not reference.get("description"):
                continue  # an id in another catalogue (a CVE, ATT&CK), not a report
            slug = self._named(name)
            excerpt = text(reference, "description")
            citations.append(Citation(source=slug, credibility=6, url=url, excerpt=excerpt))
        author = self._get(found.get("created_by_ref"))
        if author is not None and author["type"] == "identity":
            confidence = found.get("confidence")
            credibility = (
                stixlib.confidence_to_credibility(confidence) if isinstance(confidence, int) else 6
            )
            citations.insert(0, Citation(source=self._source_of(author), credibility=credibility))
        return tuple(citations)

    def _named(self, name: str) -> str:
        """A source named by a reference or a note's author: the bundle's identity of that
        name if it has one (so the first part to hand the source on has its grade: a part's
        sources are stored before the next part is read)."""
        found = self.identities.get(name.casefold())
        return self._source_of(found) if found is not None else self.book.name(name)

    def _note_citation(self, note: dict[str, Any]) -> Citation:
        refs = [self._get(ref) for ref in note["object_refs"]]
        identities = [ref for ref in refs if ref is not None and ref["type"] == "identity"]
        author = self._get(note.get("created_by_ref"))
        if identities:
            source = self._source_of(identities[0])
        elif author is not None and author["type"] == "identity":
            source = self._source_of(author)
        else:
            names = [a for a in items(note.get("authors"), "authors") if isinstance(a, str)]
            source = self._named(names[0] if names else "Unnamed source")
        credibility = note.get(PREFIX + "credibility")
        if credibility is None:
            confidence = note.get("confidence")
            credibility = (
                stixlib.confidence_to_credibility(confidence) if isinstance(confidence, int) else 6
            )
        elif isinstance(credibility, bool) or credibility not in (1, 2, 3, 4, 5, 6):
            raise ValidationError(PREFIX + "credibility", "must be a whole number from 1 to 6")
        references = [obj(r, "external_references") for r in items(note.get("external_references"))]
        url = next((r["url"] for r in references if isinstance(r.get("url"), str)), None)
        return Citation(
            source=source,
            credibility=credibility,
            url=url,
            published=_optional_day(note, PREFIX + "published"),
            retrieved=_optional_day(note, PREFIX + "retrieved"),
            language=text(note, "lang"),
            excerpt=text(note, "content"),
        )


def _optional_day(found: dict[str, Any], key: str) -> Any:
    value = found.get(key)
    return None if value is None else peers.day(value, key)


def _our_when(value: Any) -> When:
    record = obj(value)
    precision = _PRECISIONS.get(record.get("precision", "day"))
    if precision is None:
        raise ValidationError("precision", "must be exact, day, week or month")
    start = peers.moment(record.get("start"), "start", precision)
    end = peers.moment(record.get("end", record.get("start")), "end", precision)
    return When(start, end, precision)


def _casualties(value: Any) -> Casualties:
    if value is None:
        return Casualties()
    record = obj(value)
    return Casualties(count(record, "killed"), count(record, "injured"), text(record, "note"))


def _where(place: dict[str, Any] | None, ours: Any) -> Where:
    if place is None:
        if ours is None:
            return Where()
        record = obj(ours)
        return Where(
            name=text(record, "name"),
            admin1=text(record, "admin1"),
            precision=_geo_precision(record.get("precision", 3)),
        )
    located = place.get("latitude") is not None and place.get("longitude") is not None
    precision = place.get(PREFIX + "precision", 1 if located else 3)
    country = text(place, "country")
    return Where(
        name=text(place, "name") or text(place, "city"),
        admin1=text(place, "administrative_area"),
        country=country.upper() if len(country) == 2 else country,
        lat=peers.number(place, "latitude"),
        lon=peers.number(place, "longitude"),
        precision=_geo_precision(precision),
    )


def _geo_precision(value: Any) -> int:
    if isinstance(value, bool) or value not in (1, 2, 3):
        raise ValidationError(
            "precision", "must be 1 (exact place), 2 (near) or 3 (province or larger)"
        )
    return int(value)
