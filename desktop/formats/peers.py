"""What the formats of other tools (STIX 2.1, MISP) share: reading their JSON warily, and
saying our vocabulary in theirs.

Their files come from systems that know nothing of our rules, so every value is checked for
its type before use and a problem is one :class:`~desktop.errors.ValidationError` located
by its path in the file (``objects[3].name: must be text, not a number``). Sources named by
such a file but not described by it (a MISP link's site) are made by :class:`SourceBook`.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from desktop.domain import EVENT_TYPES, LIKELIHOODS, RELIABILITY, TimePrecision
from desktop.errors import ValidationError

# The same strict readers as our own JSON's, re-exported for the peer formats' modules.
from desktop.formats.jsonvalues import count as count
from desktop.formats.jsonvalues import kind as kind
from desktop.records import MAX_SLUG, SourceData, slugify
from desktop.wording import quoted

# Where an incident goes whose file says nothing of its ACLED type: the codebook's own
# catch-all, for the analyst to sort out.
DEFAULT_EVENT_TYPE = ("Strategic developments", "Other")
# Objects and lists inside each other at most this deep: both formats need fewer than ten,
# and a deeper file is built to exhaust a reader, not to carry incidents.
MAX_DEPTH = 48

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# RFC 3339 as STIX writes it: always UTC, fractions of a second optional.
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z")


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse a JSON value nested deeper than ``limit`` (iteratively: no recursion)."""
    # A level of containers at a time: one list comprehension per level, not a push and a
    # pop per value.
    level = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            raise ValidationError(
                "", f"is nested too deeply (more than {limit} levels of lists and objects)"
            )
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]


def obj(value: Any, where: str = "") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(where, f"must be an object, not {kind(value)}")
    return value


def items(value: Any, where: str = "") -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(where, f"must be a list, not {kind(value)}")
    return value


def text(record: dict[str, Any], key: str, default: str = "") -> str:
    """``record[key]`` as text (``default`` when absent or null)."""
    value = record.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValidationError(key, f"must be text, not {kind(value)}")
    return value


def optional_text(record: dict[str, Any], key: str) -> str | None:
    return text(record, key) if record.get(key) is not None else None


def number(record: dict[str, Any], key: str) -> float | None:
    """A number, or text holding one (MISP writes coordinates either way)."""
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise ValidationError(key, f"{quoted(value[:40])} is not a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(key, f"must be a number, not {kind(value)}")
    return float(value)


def day(value: Any, key: str) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValidationError(key, f"{quoted(str(value)[:40])} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(key, f"{quoted(value)} is not a real date") from None


def timestamp(value: Any, key: str) -> datetime:
    """A STIX timestamp (``2023-10-17T06:30:00.000Z``) as an aware UTC datetime, to the
    second (the precision Incident Desk keeps)."""
    found = _TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise ValidationError(
            key, f"{quoted(str(value)[:40])} is not a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)"
        )
    try:
        return datetime.fromisoformat(f"{found[1]}T{found[2]}").replace(tzinfo=UTC)
    except ValueError:
        raise ValidationError(key, f"{quoted(value)} is not a real date-time") from None


def moment(value: Any, key: str, precision: TimePrecision) -> date | datetime:
    """A time as the interchange format writes it: a date, or for ``exact`` a date-time."""
    if precision == TimePrecision.EXACT:
        return timestamp(value, key)
    return day(value, key)


def canonical_uuid(value: Any, key: str) -> str:
    """A UUID in the one form incident ids take (lowercase, hyphenated)."""
    try:
        return str(uuid.UUID(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError(key, f"{quoted(str(value)[:60])} is not a UUID") from None


def reliability_words(code: str) -> str:
    """``B`` → ``B - Usually reliable``, as OpenCTI writes a source's reliability."""
    return f"{code} - {RELIABILITY[code].label}"


def reliability_code(value: str) -> str | None:
    """The letter of ``B``, ``b``, ``B - Usually reliable``; None if there is none."""
    found = re.match(r"\s*([A-Fa-f])(?:\s|-|$)", value)
    return found[1].upper() if found else None


def likelihood_term(value: str) -> str | None:
    """The ICD 203 term for a likelihood written either way of its row, with spaces or
    hyphens (``almost-no-chance``, ``Probable``); None if it is none of them."""
    words = " ".join(value.replace("-", " ").split()).casefold()
    for row in LIKELIHOODS:
        if words in (row.term, row.alternative):
            return row.term
    return None


def event_types(labels: list[str]) -> tuple[str, str] | None:
    """An ACLED type and sub-type for the first of ``labels`` that names a sub-type (any
    case; no two types share a sub-type's name)."""
    for label in labels:
        wanted = label.casefold()
        for event_type, subs in EVENT_TYPES.items():
            for sub in subs:
                if sub.casefold() == wanted:
                    return event_type, sub
    return None


class SourceBook:
    """The sources a file names, each once, with an id that is unique in the file.

    A source the file describes in full (our own export) is ``add``-ed with its id; one it
    only names (``name``) gets an id made from its name, ``-2`` added when another name
    made the same. Those named only are listed in :attr:`named_only`: the import adds them
    when new but never writes over a stored source of that id with what little it knows.
    """

    def __init__(self) -> None:
        self._sources: dict[str, SourceData] = {}
        self._by_name: dict[str, str] = {}
        self.named_only: set[str] = set()

    def add(self, source: SourceData) -> str:
        self._sources.setdefault(source.id, source)
        self._by_name.setdefault(source.name.casefold(), source.id)
        return source.id

    def name(self, name: str, reliability: str | None = None, slug: str = "") -> str:
        """The id of the source called ``name`` (made on first mention: ``slug`` if the
        file gives one that is free, else one made from the name)."""
        key = " ".join(name.split()).casefold()
        known = self._by_name.get(key)
        if known is not None:
            stored = self._sources[known]
            if known in self.named_only and reliability and stored.reliability == "F":
                self._sources[known] = SourceData(
                    id=known, name=stored.name, reliability=reliability
                )
            return known
        base = slug if slug and len(slug) <= MAX_SLUG and slugify(slug) == slug else slugify(name)
        slug, n = base, 1
        while slug in self._sources:
            n += 1
            suffix = f"-{n}"
            slug = base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
        self._sources[slug] = SourceData(
            id=slug, name=" ".join(name.split()), reliability=reliability or "F"
        )
        self._by_name[key] = slug
        self.named_only.add(slug)
        return slug

    def sources(self) -> tuple[SourceData, ...]:
        return tuple(self._sources.values())
