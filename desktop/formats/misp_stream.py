"""A MISP event file read whole or as a stream of events (:mod:`desktop.formats.misp`).

The stream reads the ``response`` list (or the single ``Event``) an event at a time
(:mod:`desktop.formats.jsonscan`), never the whole text nor the whole tree, and hands the
incidents on in parts of 500. MISP names its sources in its events rather than describing
them, and a name first met without a grade takes the grade of a later mention
(:class:`~desktop.formats.peers.SourceBook`); the sources, which must be stored before the
incidents citing them, are only known once every event has been read. So every event is
made an incident and checked first, held compressed (:mod:`desktop.formats.held`), then the
sources are handed on, then the incidents. A problem anywhere is told before anything is
handed on, the first in file order, with its path (``response[1234].Event.date: …``).

A file that is not a UTF-8 object (UTF-16 text, a list) is read whole by :func:`read`,
whose refusals say what is wrong with it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.formats import jsonscan, jsontext, peers
from desktop.formats.base import PART, Part, document_parts
from desktop.formats.held import HeldParts
from desktop.formats.misp import EventReader
from desktop.formats.peers import items, obj
from desktop.records import Document
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import BinaryIO

    from desktop.formats.base import Checks
    from desktop.records import IncidentData, SourceData

NOT_MISP = "has neither 'Event' nor 'response': not a MISP event file"
_LISTS = frozenset(("response",))


def read(raw: bytes, checks: Checks) -> Document:
    """The whole file's incidents and the sources they name, checked."""
    value = jsontext.load(raw)
    peers.check_depth(value)
    top = obj(value)
    if "Event" in top:
        found: Iterable[tuple[str, Any]] = [("Event", top["Event"])]
    elif "response" in top:
        found = (
            response_item(index, item)
            for index, item in enumerate(items(top["response"], "response"))
        )
    else:
        raise ValidationError("", NOT_MISP)
    reading = Reading(checks)
    incidents = tuple(reading.incident(where, event) for where, event in found)
    return Document(reading.sources(), incidents, named_only=frozenset(reading.book.named_only))


def response_item(index: int, item: Any) -> tuple[str, Any]:
    """Where the event of the ``response`` list's item ``index`` is, and the event."""
    where = f"response[{index}]"
    if "Event" not in obj(item, where):
        raise ValidationError(where, "holds no 'Event'")
    return f"{where}.Event", item["Event"]


class Reading:
    """A file's events made incidents one by one and checked, the sources they name
    gathered."""

    def __init__(self, checks: Checks) -> None:
        self.checks = checks
        self.book = peers.SourceBook()
        self.seen: set[str] = set()

    def incident(self, where: str, event: Any) -> IncidentData:
        try:
            data = EventReader(self.book).incident(obj(event))
            self.checks.incident(data)
        except ValidationError as exc:
            raise exc.under(where) from None
        if data.id in self.seen:
            raise ValidationError(f"{where}.uuid", f"{quoted(data.id)} is given twice")
        self.seen.add(data.id or "")
        return data

    def sources(self) -> tuple[SourceData, ...]:
        sources = self.book.sources()
        for source in sources:
            self.checks.source(source)
        # MISP carries no source records: what an event says of one only names it.
        return sources


class _ReadWhole(Exception):
    """The file is one the stream does not read as :func:`read` would: read it whole."""


def parts(stream: BinaryIO, size: int, checks: Checks, batch: int = PART) -> Iterator[Part]:
    """The file in ``stream`` (seekable) as parts: the sources, then the incidents."""
    start = stream.read(4)
    stream.seek(0)
    if json.detect_encoding(start) != "utf-8":
        yield from document_parts(read(stream.read(), checks), batch)
        return
    reading = Reading(checks)
    held = HeldParts(batch)
    try:
        for where, event in _events(stream):
            held.add(reading.incident(where, event))
    except (jsonscan.NotAnObject, _ReadWhole):
        stream.seek(0)
        yield from document_parts(read(stream.read(), checks), batch)
        return
    named = frozenset(reading.book.named_only)
    yield from held.parts(Part(sources=reading.sources(), named_only=named))


def _events(stream: BinaryIO) -> Iterator[tuple[str, Any]]:
    """Each event of the file in file order, with where it is, as :func:`read` finds them:
    the ``Event`` if there is one, else each item of the ``response`` list."""
    single: Any = _ABSENT
    response: Any = _ABSENT  # the response member's value when it is not a list
    yielded = False
    for key, index, value in jsonscan.Scanner(stream).members(_LISTS):
        if key == "response" and index is not None:
            response = _LISTED
            if index == jsonscan.END or single is not _ABSENT:  # the Event wins
                continue
            # As deep as the whole file's check counts: the object, the list, the item.
            peers.check_depth(value, peers.MAX_DEPTH - 2)
            yielded = True
            yield response_item(index, value)
            continue
        peers.check_depth(value, peers.MAX_DEPTH - 1)
        if key == "Event":
            if yielded:  # after a response list's events: read whole, where the Event wins
                raise _ReadWhole
            single = value
        elif key == "response":
            response = value
    if single is not _ABSENT:
        yield "Event", single
    elif response is _ABSENT:
        raise ValidationError("", NOT_MISP)
    elif response is not _LISTED:
        items(response, "response")  # null is an empty list, anything else is refused


_ABSENT, _LISTED = object(), object()
