"""The JSON interchange format, version 2: version 1 plus each incident's evidence.

Version 2 adds one key, ``evidence``, to every incident (the evidence of the incident as a
whole) and to every citation (the files behind that citation): a list of entries naming a
stored file by its SHA-256 with its name, size, media type, note, who added it and when.
The bytes are not in the document; an evidence bundle carries them beside it
(desktop.formats.bundle). Everything else is version 1's, read and written by
desktop.formats.json_v1, so the two cannot drift apart: this module takes the evidence
entries out of a version 2 document and hands the rest to version 1's reader, and version
1's one writer writes both versions, told what version 2 adds (:data:`VERSION`).

This reader reads both versions (``incident-desk/1`` as it always was); the writer writes
only version 2 (docs/interchange.md, "Versions").
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.formats import json_rows, json_stream, json_v1, jsontext
from desktop.records import Document, EvidenceRef
from desktop.timetext import utc_text
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import BinaryIO

    from desktop.formats.base import Checks, Outgoing
    from desktop.formats.json_rows import RowBatch
    from desktop.records import SourceData

FORMAT = "incident-desk/2"
EVIDENCE_KEYS = ("sha256", "name", "size", "media_type", "note", "added_by", "added_at")
_EVIDENCE = frozenset(EVIDENCE_KEYS)
_SHA = re.compile(r"[0-9a-f]{64}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# The limits of the workspace's columns (desktop.store.models, desktop.services.evidence).
MAX_NAME = 255  # most file systems' limit for one name
MAX_MEDIA_TYPE = 200
MAX_NOTE = 2_000
MAX_BY = 120
_MARK = re.compile(r'\A\s*\{.*?"format"\s*:\s*"' + re.escape(FORMAT) + '"', re.DOTALL)


def recognises(raw: bytes) -> bool:
    """True for a document of either version (by the format's mark in its first 64 KiB)."""
    return _MARK.match(jsontext.head_text(raw)) is not None or json_v1.recognises(raw)


def read(raw: bytes, checks: Checks) -> Document:
    """Read a version 1 or version 2 document; any problem is one ValidationError."""
    value = jsontext.load(raw)
    if isinstance(value, dict) and value.get("format") == json_v1.FORMAT:
        return json_v1.parse_document(value, checks, consume=True)
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        shown = quoted(value.get("format")) if isinstance(value, dict) else "nothing"
        if isinstance(value, dict) and "format" in value:
            raise ValidationError(
                "format", f"must be '{FORMAT}' or '{json_v1.FORMAT}', not {shown}"
            )
        return json_v1.parse_document(value, checks, consume=True)  # its own refusal
    evidence = _take_evidence(value)
    value["format"] = json_v1.FORMAT
    document = json_v1.parse_document(value, checks, consume=True)
    refs = {
        incident.id: evidence[index]
        for index, incident in enumerate(document.incidents)
        if incident.id is not None and evidence.get(index)
    }
    return Document(document.sources, document.incidents, evidence=refs)


def _take_evidence(top: dict[str, Any]) -> dict[int, tuple[EvidenceRef, ...]]:
    """Remove the evidence keys from a version 2 document; each incident's entries by its
    position. Where a key is missing the entry is version 1's (it is optional)."""
    found: dict[int, tuple[EvidenceRef, ...]] = {}
    incidents = top.get("incidents")
    if not isinstance(incidents, list):
        return found  # version 1's reader says what is wrong
    for i, incident in enumerate(incidents):
        if isinstance(incident, dict):
            found[i] = take_evidence(incident, f"incidents[{i}]")
    return found


def take_evidence(incident: dict[str, Any], where: str) -> tuple[EvidenceRef, ...]:
    """Remove the evidence keys from one incident object (at ``where`` in the file): its
    entries, version 1's object left."""
    refs = list(_entries(incident.pop("evidence", []), f"{where}.evidence", None))
    citations = incident.get("citations")
    if isinstance(citations, list):
        for j, citation in enumerate(citations):
            if isinstance(citation, dict):
                refs += _entries(
                    citation.pop("evidence", []), f"{where}.citations[{j}].evidence", j
                )
    _no_doubles(refs, where)
    return tuple(refs)


def _no_doubles(refs: list[EvidenceRef], where: str) -> None:
    seen: set[tuple[str, int | None]] = set()
    for ref in refs:
        key = (ref.sha256, ref.citation)
        if key in seen:
            place = "the incident" if ref.citation is None else f"citation {ref.citation}"
            raise ValidationError(f"{where}.evidence", f"{ref.sha256} is given twice for {place}")
        seen.add(key)


def _entries(value: Any, where: str, citation: int | None) -> list[EvidenceRef]:
    if not isinstance(value, list):
        raise ValidationError(where, "must be a list")
    return [_entry(item, f"{where}[{k}]", citation) for k, item in enumerate(value)]


def _text(obj: dict[str, Any], key: str, where: str, limit: int, default: str = "") -> str:
    value = obj.get(key, default)
    if not isinstance(value, str):
        raise ValidationError(f"{where}.{key}", "must be text")
    if len(value) > limit:
        raise ValidationError(f"{where}.{key}", f"longer than {limit:,} characters")
    if "\x00" in value:
        raise ValidationError(f"{where}.{key}", "holds a NUL character")
    return value


def _entry(value: Any, where: str, citation: int | None) -> EvidenceRef:
    if not isinstance(value, dict):
        raise ValidationError(where, "must be an object")
    unknown = sorted(set(value) - _EVIDENCE)
    if unknown:
        raise ValidationError(where, f"unknown key {quoted(unknown[0])}")
    for key in ("sha256", "name", "size"):
        if key not in value:
            raise ValidationError(where, f"{quoted(key)} is required")
    sha = value["sha256"]
    if not isinstance(sha, str) or not _SHA.fullmatch(sha):
        raise ValidationError(f"{where}.sha256", "must be 64 lowercase hexadecimal digits")
    size = value["size"]
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValidationError(f"{where}.size", "must be a whole number of bytes, at least 1")
    name = _text(value, "name", where, MAX_NAME)
    if not name.strip():
        raise ValidationError(f"{where}.name", "must not be blank")
    added_at = value.get("added_at")
    moment = None
    if added_at is not None:
        if not isinstance(added_at, str) or not _DATETIME.fullmatch(added_at):
            raise ValidationError(f"{where}.added_at", "must be a date-time YYYY-MM-DDTHH:MM:SSZ")
        try:
            moment = datetime.strptime(added_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise ValidationError(f"{where}.added_at", "is not a real date-time") from None
    return EvidenceRef(
        sha256=sha,
        name=name,
        size=size,
        media_type=_text(value, "media_type", where, MAX_MEDIA_TYPE, "application/octet-stream")
        or "application/octet-stream",
        note=_text(value, "note", where, MAX_NOTE),
        added_by=_text(value, "added_by", where, MAX_BY),
        added_at=moment,
        citation=citation,
    )


# --- writing ---------------------------------------------------------------------------


def _entry_json(ref: EvidenceRef) -> dict[str, Any]:
    return {
        "sha256": ref.sha256,
        "name": ref.name,
        "size": ref.size,
        "media_type": ref.media_type,
        "note": ref.note,
        "added_by": ref.added_by,
        "added_at": utc_text(ref.added_at) if ref.added_at is not None else None,
    }


# What version 2 writes differently from version 1 (json_v1's one writer).
VERSION = json_v1.Version(FORMAT, evidence=_entry_json)


def document_json(document: Document) -> dict[str, Any]:
    """Version 1's document with the format named 2 and every ``evidence`` key added."""
    return json_v1.document_json(document, VERSION)


def stream(outgoing: Outgoing, out: BinaryIO) -> None:
    json_v1.stream(outgoing, out, VERSION)


def write(document: Document, out: BinaryIO) -> None:
    json_v1.write(document, out, VERSION)


def stream_rows(
    sources: Sequence[SourceData], batches: Iterable[RowBatch], out: BinaryIO, with_history: bool
) -> None:
    json_rows.stream(sources, batches, out, with_history=with_history, version=VERSION)


# --- the registry's entry ----------------------------------------------------------------

# Version 1's entry (name, label, suffix, description) with this version's reading and writing.
JSON = replace(
    json_v1.JSON,
    read=read,
    recognises=recognises,
    write=write,
    write_batches=stream,
    read_parts=json_stream.parts,
    stream_rows=stream_rows,
)
