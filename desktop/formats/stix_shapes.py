"""The objects the standard plainly allows, known without the ``stix2`` library.

Checking an object with ``stix2`` (:func:`desktop.formats.stixlib.check_object`) builds the
library's object of it, property by property: about a millisecond each, most of the time of
reading a bundle of thousands of incidents. Almost every object of a bundle has one of a
few plain shapes (those our exports write, and most of OpenCTI's): an incident, a place, a
relationship, a note, a source or an actor, or the report, each with a few known properties
of the simplest kind.
:func:`plainly_valid` says True only of such an object whose every property is of a form
the library takes (a stricter rule than the library's: text that is text, a whole number
that is one, a timestamp to the letter of the standard); anything else (another type,
another property, any doubt) goes to the library, which alone refuses, in its own words.
tests/interchange/test_stix_stream.py checks that what this accepts the library accepts.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
# The types a plain reference may name: objects the library knows as domain or relationship
# objects.
_REFERABLE = ("incident", "location", "relationship", "note", "identity", "threat-actor")
_IDS = {
    kind: re.compile(f"{kind}--{_UUID}") for kind in (*_REFERABLE, "marking-definition", "report")
}
_ANY_ID = re.compile(f"(?:{'|'.join(_REFERABLE)})--{_UUID}")
_STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?Z")
_CUSTOM = re.compile(r"x_[a-z0-9_]{1,200}")


@lru_cache(maxsize=4096)
def _stamp(value: str) -> bool:
    """A timestamp as the standard writes them, of a moment that exists."""
    match = _STAMP.fullmatch(value)
    if match is None:
        return False
    try:
        year, month, day, hour, minute, second = map(int, match.groups())
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def _text(value: Any) -> bool:
    return type(value) is str


def _word(value: Any) -> bool:
    # Not empty: the library's Relationship takes an empty relationship_type for none.
    return type(value) is str and bool(value)


def _texts(value: Any) -> bool:
    return type(value) is list and bool(value) and all(type(v) is str for v in value)


def _timestamp(value: Any) -> bool:
    return type(value) is str and _stamp(value)


def _confidence(value: Any) -> bool:
    return type(value) is int and 0 <= value <= 100


def _markings(value: Any) -> bool:
    pattern = _IDS["marking-definition"]
    return (
        type(value) is list
        and bool(value)
        and all(type(v) is str and pattern.fullmatch(v) for v in value)
    )


def _references(value: Any) -> bool:
    return (
        type(value) is list
        and bool(value)
        and all(type(v) is str and _ANY_ID.fullmatch(v) for v in value)
    )


def _external(value: Any) -> bool:
    """External references of a name, a URL and words (no hashes: the library's)."""
    if type(value) is not list or not value:
        return False
    for reference in value:
        if (
            type(reference) is not dict
            or not reference.keys() <= {"source_name", "url", "description"}
            or not all(type(v) is str for v in reference.values())
            or "source_name" not in reference
            or "url" not in reference
        ):
            return False
    return True


def _id_of(*kinds: str) -> Callable[[Any], bool]:
    patterns = [_IDS[kind] for kind in kinds]
    return lambda value: type(value) is str and any(p.fullmatch(value) for p in patterns)


def _number(low: float, high: float) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        kind = type(value)
        return (kind is int or kind is float) and math.isfinite(value) and low <= value <= high

    return check


_COMMON: dict[str, Callable[[Any], bool]] = {
    "type": _text,
    "spec_version": lambda value: value == "2.1",
    "id": _text,
    "created": _timestamp,
    "modified": _timestamp,
    "description": _text,
    "labels": _texts,
    "confidence": _confidence,
    "lang": _text,
    "external_references": _external,
    "object_marking_refs": _markings,
}
# Each plain type's properties beyond the common ones, and those it must have.
_SHAPES: dict[str, tuple[dict[str, Callable[[Any], bool]], frozenset[str]]] = {
    "incident": (
        # first_seen and last_seen are custom to the library (OpenCTI's): any text.
        {"name": _text, "first_seen": _text, "last_seen": _text},
        frozenset({"name"}),
    ),
    "location": (
        {
            "name": _text,
            "country": _text,
            "administrative_area": _text,
            "city": _text,
            "latitude": _number(-90.0, 90.0),
            "longitude": _number(-180.0, 180.0),
        },
        frozenset(),
    ),
    "relationship": (
        {
            "relationship_type": _word,
            "source_ref": _id_of("incident"),
            "target_ref": _id_of("location", "threat-actor", "identity", "incident"),
        },
        frozenset({"relationship_type", "source_ref", "target_ref"}),
    ),
    "note": (
        {"abstract": _text, "content": _text, "authors": _texts, "object_refs": _references},
        frozenset({"content", "object_refs"}),
    ),
    "identity": ({"name": _text, "identity_class": _word}, frozenset({"name"})),
    "threat-actor": ({"name": _text}, frozenset({"name"})),
    "report": (
        {
            "name": _text,
            "published": _timestamp,
            "report_types": _texts,
            "object_refs": _references,
        },
        frozenset({"name", "published", "object_refs"}),
    ),
}


def plainly_valid(found: dict[str, Any]) -> bool:
    """True when ``found`` (an object with a type and an id of it, see stix_scan) is of a
    plain shape the standard allows; False says only "ask the library"."""
    shape = _SHAPES.get(found.get("type"))  # type: ignore[arg-type]
    if shape is None or found.get("spec_version") != "2.1":
        return False
    own, required = shape
    if not required <= found.keys():
        return False
    if not _IDS[found["type"]].fullmatch(found["id"]):
        return False  # an id in capitals, of another UUID variant
    for key, value in found.items():
        check = own.get(key) or _COMMON.get(key)
        if check is None:
            if not _CUSTOM.fullmatch(key):
                return False
        elif not check(value):
            return False
    if found["type"] == "location":
        located = ("latitude" in found) + ("longitude" in found)
        if located == 1 or (not located and "country" not in found):
            return False
    return True
