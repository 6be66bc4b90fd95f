"""Incident Desk JSON (versions 1 and 2) written from the incidents' stored values.

An export reads each incident's columns and those of its actors, tags and citations
(desktop.services.exporting). Making records of them, then JSON objects of the records, then
text of the objects cost twice a ``json.load`` and ``json.dump`` of the file (issue 18,
item 7). Here the text is made from the values: every scalar of an incident (its own, its
actors', tags' and citations') in one call of the C encoder, then one %-format per object of
keys written once (:class:`desktop.formats.jsonout.ObjectShape`).

The keys, their order and how each value is written come from json_v1's ``INCIDENT`` (the
field table, desktop/fields.py), ``ACTOR_KEYS``, ``CITATION_KEYS`` and ``CITATION_WRITERS``:
nothing of an incident's shape is listed here, so this writes what ``json_v1.stream`` writes
for the same incidents (tests/interchange/test_export_stream.py compares the bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.formats import jsonout
from desktop.formats.json_v1 import (
    ACTOR_KEYS,
    CITATION_KEYS,
    CITATION_WRITERS,
    INCIDENT,
    V1,
    history_to_json,
    source_to_json,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import BinaryIO

    from desktop.fields import Field
    from desktop.formats.json_v1 import Version
    from desktop.records import EvidenceRef, HistoryEntry, SourceData

# The fields whose values are scalars, in the order written: an incident's values are its id
# then theirs (see IncidentRow).
LEAVES: tuple[Field, ...] = tuple(
    entry
    for group, members in INCIDENT.fields.items()
    if group not in INCIDENT.lists
    for entry in members
)

# An incident as stored: its id then the values of LEAVES (times as the record holds them,
# an enum as its text: the text it is written as), its actors' (name, role), its tags, its
# citations' values in CITATION_KEYS' order. The values' list is written over.
IncidentRow = tuple[list[Any], "Sequence[tuple[str, str]]", "Sequence[str]", "Sequence[Any]"]


@dataclass(frozen=True)
class RowBatch:
    """Some of an export's incidents, as :class:`desktop.formats.base.Batch` but as stored
    values; ``histories`` and ``evidence`` by the incident's id."""

    incidents: Sequence[IncidentRow]
    histories: Mapping[str, Sequence[HistoryEntry]] | None = None
    evidence: Mapping[str, Sequence[EvidenceRef]] | None = None


_INCIDENT_DEPTH = 2  # in the document's incidents list
_LIST_DEPTH = _INCIDENT_DEPTH + 1  # an incident's actors, tags, citations, history, evidence
_ITEM_DEPTH = _LIST_DEPTH + 1  # an actor, a citation


class _Incidents:
    """The text of incident objects of one version, with or without their history."""

    def __init__(self, version: Version, with_history: bool) -> None:
        self.evidence = version.evidence
        self.with_history = with_history
        keys = [key for key in INCIDENT.keys if key != "history"]
        keys += ["history"] if with_history else []
        keys += ["evidence"] if version.evidence is not None else []
        self.shape = jsonout.ObjectShape(keys, _INCIDENT_DEPTH, INCIDENT.nested)
        # Where each list's text goes among the scalars' texts (in writing order).
        slots: dict[str, int] = {}
        position = 0
        for key in keys:
            if key in INCIDENT.lists or key in ("history", "evidence"):
                slots[key] = position
            position += len(INCIDENT.nested.get(key, (key,)))
        self.slots = slots
        # The values written otherwise than as they are (index among the incident's values).
        # ``str`` is left out: an enum's stored text is already the text it is written as.
        self.convert = tuple(
            (i, how)
            for i, entry in enumerate(LEAVES, start=1)
            if (how := INCIDENT.writers[entry.key]) is not None and how is not str
        )
        self.citation_dates = tuple(
            (i, how) for i, key in enumerate(CITATION_KEYS) if (how := CITATION_WRITERS.get(key))
        )
        self.citation_size = len(CITATION_KEYS)
        citation_keys = (*CITATION_KEYS, "evidence") if version.evidence else CITATION_KEYS
        self.citation = jsonout.ObjectShape(citation_keys, _ITEM_DEPTH).format
        self.actor = jsonout.ObjectShape(ACTOR_KEYS, _ITEM_DEPTH).format

    def texts(self, batch: RowBatch) -> list[str]:
        return [self.text(row, batch) for row in batch.incidents]

    def text(self, row: IncidentRow, batch: RowBatch) -> str:
        values, actors, tags, citations = row
        uuid = values[0]
        for i, how in self.convert:
            values[i] = how(values[i])
        count = len(values)
        for actor in actors:
            values += actor
        values += tags
        dates = self.citation_dates
        for citation in citations:
            cited = list(citation)
            for i, how in dates:
                cited[i] = how(cited[i])
            values += cited
        texts = jsonout.scalar_texts(values)
        # Each list's text from its items' texts, which follow the incident's own.
        end = count + 2 * len(actors)
        actor_format = self.actor
        found = {
            "actors": jsonout.array_text(
                [actor_format % (texts[k], texts[k + 1]) for k in range(count, end, 2)],
                _LIST_DEPTH,
            ),
            "tags": jsonout.array_text(texts[end : end + len(tags)], _LIST_DEPTH),
        }
        start = end + len(tags)
        size = self.citation_size
        parts = [texts[k : k + size] for k in range(start, start + size * len(citations), size)]
        if self.evidence is not None:
            found["evidence"] = self._evidence(uuid, batch, parts)
        if self.with_history:
            changes = (batch.histories or {}).get(uuid, ())
            found["history"] = jsonout.encode([history_to_json(c) for c in changes], _LIST_DEPTH)
        citation = self.citation
        found["citations"] = jsonout.array_text(
            [citation % tuple(part) for part in parts], _LIST_DEPTH
        )
        own = texts[:count]
        for key, position in self.slots.items():
            own.insert(position, found[key])
        return self.shape.format % tuple(own)

    def _evidence(self, uuid: str, batch: RowBatch, citations: list[list[str]]) -> str:
        """The incident's own evidence's text; each citation's added to its texts."""
        refs = (batch.evidence or {}).get(uuid)
        if not refs:  # most incidents
            for part in citations:
                part.append("[]")
            return "[]"
        entry = self.evidence
        assert entry is not None
        for j, part in enumerate(citations):
            mine = [entry(r) for r in refs if r.citation == j]
            part.append(jsonout.encode(mine, _ITEM_DEPTH + 1))
        return jsonout.encode([entry(r) for r in refs if r.citation is None], _LIST_DEPTH)


def stream(
    sources: Sequence[SourceData],
    batches: Iterable[RowBatch],
    out: BinaryIO,
    *,
    with_history: bool = False,
    version: Version = V1,
) -> None:
    """Write the document of ``sources`` and the batches' incidents, a batch at a time: the
    bytes json_v1 (``version``) writes of their records."""
    head = {"format": version.format, "sources": [source_to_json(s) for s in sources]}
    incidents = _Incidents(version, with_history)
    jsonout.write_texts(out, head, "incidents", (incidents.texts(b) for b in batches))
