"""Rules a record must meet before it is saved, shared by the editor, the services and import.

Each problem names the field by the same dotted path as the interchange format
(``when.end``, ``citations[1].credibility``) so the editor can mark the widget and an import
can say ``incidents[2].when.end: before start``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from operator import attrgetter
from typing import TYPE_CHECKING

from desktop.domain import (
    CREDIBILITY,
    EVENT_TYPES,
    LIKELIHOOD_TERMS,
    MAX_MARKING_LENGTH,
    RELIABILITY,
    ActorRole,
    Confidence,
    GeoPrecision,
    SourceKind,
    Status,
    TimePrecision,
    country_codes,
)
from desktop.errors import ValidationError
from desktop.fields import FIELDS_BY_KEY, INCIDENT_FIELDS
from desktop.services import limits
from desktop.wording import quoted

if TYPE_CHECKING:
    from desktop.services.dto import Citation, IncidentData, SourceData

# Reports one problem: the field's path and what is wrong with it.
_Reporter = Callable[[str, str], None]

# The lengths of desktop/services/limits.py, under the names the editor already uses.
MAX_TITLE = limits.TITLE
MAX_NAME = limits.PLACE
MAX_TAG = limits.TAG
# Far above any real count, far below what the database's integers can hold.
MAX_CASUALTIES = 10_000_000
# Built once: validation runs for every record of a 100,000-incident import.
ROLES = frozenset(role.value for role in ActorRole)
STATUSES = frozenset(s.value for s in Status)
CONFIDENCES = frozenset(c.value for c in Confidence)
SOURCE_KINDS = frozenset(k.value for k in SourceKind)
TIME_PRECISIONS = frozenset(p.value for p in TimePrecision)


def incident_problems(data: IncidentData, plain_text: bool = False) -> list[ValidationError]:
    """Every problem with an incident, in field order (empty when it can be saved).

    ``plain_text``: the caller knows no text holds a character no database stores (a reader:
    desktop.formats.base.Checks.incident_plain_text), so none is looked for.
    """
    problems: list[ValidationError] = []

    def problem(field: str, text: str) -> None:
        problems.append(ValidationError(field, text))

    if not data.title.strip():
        problem("title", "is required")
    _check_lengths(data, problem)

    _check_when(data, problem)
    _check_where(data, problem)

    if data.event_type not in EVENT_TYPES:
        problem("event_type", f"{quoted(data.event_type)} is not an ACLED event type")
    elif data.sub_event_type not in EVENT_TYPES[data.event_type]:
        problem(
            "sub_event_type",
            f"{quoted(data.sub_event_type)} is not a sub-event type of {data.event_type}",
        )

    for index, actor in enumerate(data.actors):
        name = actor.name.strip()
        if not name:
            problem(f"actors[{index}].name", "is required")
        elif len(name) > limits.ACTOR:
            problem(f"actors[{index}].name", _too_long(limits.ACTOR))
        if actor.role not in ROLES:
            problem(f"actors[{index}].role", f"{quoted(actor.role)} is not one of {_one_of(ROLES)}")

    casualties = data.casualties
    for name, value in (("killed", casualties.killed), ("injured", casualties.injured)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problem(f"casualties.{name}", "must be a whole number or unknown")
        elif value < 0:
            problem(f"casualties.{name}", "cannot be negative")
        elif value > MAX_CASUALTIES:
            problem(f"casualties.{name}", f"is more than {MAX_CASUALTIES:,}")

    if data.status not in STATUSES:
        problem("status", f"{quoted(data.status)} is not one of {_one_of(STATUSES)}")
    if data.confidence not in CONFIDENCES:
        problem(
            "confidence",
            f"{quoted(data.confidence)} is not one of {_one_of(CONFIDENCES)}",
        )
    if data.likelihood is not None and data.likelihood not in LIKELIHOOD_TERMS:
        problem("likelihood", f"{quoted(data.likelihood)} is not an ICD 203 estimative term")

    seen_tags: set[str] = set()
    for index, tag in enumerate(data.tags):
        trimmed = tag.strip()
        folded = trimmed.casefold()
        if not trimmed:
            problem(f"tags[{index}]", "is blank")
        elif len(trimmed) > limits.TAG:
            problem(f"tags[{index}]", _too_long(limits.TAG))
        elif folded in seen_tags:
            problem(f"tags[{index}]", f"{quoted(trimmed)} is given twice")
        seen_tags.add(folded)

    if not data.marking.strip():
        problem("marking", "is required (e.g. TLP:CLEAR)")
    elif len(data.marking) > MAX_MARKING_LENGTH:
        problem("marking", f"is longer than {MAX_MARKING_LENGTH} characters")

    for index, citation in enumerate(data.citations):
        found = citation_problems(citation)
        if found:  # a generator per citation only for those with problems
            problems.extend(error.under(f"citations[{index}]") for error in found)
    if not plain_text and _any_unstorable(data):
        problems.extend(_unstorable_problems(_incident_texts(data)))
    return problems


def _check_lengths(data: IncidentData, problem: _Reporter) -> None:
    """Every text within its limit (desktop/services/limits.py), measured as stored:
    names trimmed, free text as given."""
    for path, get, stored, limit in _LENGTHS:
        value = get(data)
        if len(value if stored is None else stored(value)) > limit:
            problem(path, _too_long(limit))


def _too_long(limit: int) -> str:
    return f"is longer than {limit:,} characters"


def _any_unstorable(data: IncidentData) -> bool:
    """Whether any text of the incident holds a character no database stores, tested on all
    of them joined at once: making the path of every text (``citations[2].excerpt`` …) to
    look for what is nearly never there cost a third of the validation of a large import."""
    texts = [v for v in _TEXT_VALUES(data) if isinstance(v, str)]
    texts += data.tags
    texts += (actor.name for actor in data.actors)
    for c in data.citations:
        texts += (c.source, c.url or "", c.language, c.excerpt)
    joined = "".join(texts)
    if "\x00" in joined:
        return True
    # Most text is ASCII, told in one pass of C; the pattern's search costs several times as
    # much per character. Any other text: only a lone surrogate fails to encode as UTF-8.
    if joined.isascii():
        return False
    try:
        joined.encode()
    except UnicodeEncodeError:
        return True
    return False


def _incident_texts(data: IncidentData) -> Iterator[tuple[str, str | None]]:
    """Every text of an incident with its field path: the field table's texts, then the
    items of its lists."""
    for f in _TEXT_FIELDS:
        if isinstance(value := f.get(data), str):
            yield f.key, value
    yield from ((f"tags[{i}]", tag) for i, tag in enumerate(data.tags))
    yield from ((f"actors[{i}].name", actor.name) for i, actor in enumerate(data.actors))
    for i, c in enumerate(data.citations):
        for name in ("source", "url", "language", "excerpt"):
            yield f"citations[{i}].{name}", getattr(c, name)


# The table's fields that may hold typed text: a new text field is checked with no edit here
# (enums hold only their own values; numbers and times are no text).
_TEXT_FIELDS = tuple(f for f in INCIDENT_FIELDS if f.simple and f.enum is None)
# Their values in one C call (validation runs for every record of a large import).
_TEXT_VALUES = attrgetter(*(f.key for f in _TEXT_FIELDS))
# The texts with a limit (desktop/services/limits.py, from the fields of desktop/fields.py):
# path, getter, normaliser as stored (None: as given), limit.
_LENGTHS = tuple(
    (path, FIELDS_BY_KEY[path].get, FIELDS_BY_KEY[path].stored, limit)
    for path, limit in limits.INCIDENT_TEXTS.items()
)


# NUL, which PostgreSQL cannot store, and a lone half of a UTF-16 surrogate pair, which is no
# character at all and cannot be written as UTF-8 to either database. No analyst types them:
# they come from pasted binary or a broken file (JSON may spell one as "\ud800").
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_problems(texts: Iterable[tuple[str, str | None]]) -> list[ValidationError]:
    problems = []
    for path, value in texts:
        found = _UNSTORABLE.search(value) if value else None
        if found is not None:
            what = (
                "a NUL character"
                if found.group() == "\x00"
                else "a broken character (half of a UTF-16 pair)"
            )
            problems.append(ValidationError(path, f"contains {what}, which cannot be stored"))
    return problems


def _check_when(data: IncidentData, problem: _Reporter) -> None:
    when = data.when
    if when.precision not in TIME_PRECISIONS:
        problem(
            "when.precision",
            f"{quoted(when.precision)} is not one of {_one_of(TIME_PRECISIONS)}",
        )
        return
    exact = when.precision == TimePrecision.EXACT
    for name in ("start", "end"):
        value = getattr(when, name)
        if exact and not isinstance(value, datetime):
            problem(f"when.{name}", "needs a date and time (UTC) when the precision is exact")
            return
        if not exact and (isinstance(value, datetime) or not isinstance(value, date)):
            problem(
                f"when.{name}",
                f"needs a date without time when the precision is {quoted(when.precision)}",
            )
            return
    if isinstance(when.start, datetime) and when.start.tzinfo is None:
        problem("when.start", "needs a time zone (UTC)")
    elif isinstance(when.end, datetime) and when.end.tzinfo is None:
        problem("when.end", "needs a time zone (UTC)")
    elif when.end < when.start:  # both dates or both datetimes
        problem("when.end", "before start")


def _check_where(data: IncidentData, problem: _Reporter) -> None:
    where = data.where
    if where.country and where.country not in country_codes():
        problem("where.country", f"{quoted(where.country)} is not an ISO 3166-1 alpha-2 code")
    if (where.lat is None) != (where.lon is None):
        problem(
            "where.lat" if where.lat is None else "where.lon",
            "latitude and longitude go together: give both or neither",
        )
    for name, limit in (("lat", 90.0), ("lon", 180.0)):
        value = getattr(where, name)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            problem(f"where.{name}", "must be a number")
        elif not -limit <= value <= limit:
            problem(f"where.{name}", f"{value} is outside -{limit:g}…{limit:g}")
    if where.precision not in GeoPrecision.LABELS:
        problem("where.precision", "must be 1 (exact place), 2 (near) or 3 (province or larger)")


def citation_problems(citation: Citation) -> list[ValidationError]:
    problems: list[ValidationError] = []
    if not citation.source.strip():
        problems.append(ValidationError("source", "is required"))
    credibility = citation.credibility
    if isinstance(credibility, bool) or credibility not in CREDIBILITY:
        problems.append(ValidationError("credibility", "must be 1 to 6"))
    published, retrieved = citation.published, citation.retrieved
    if published is not None and retrieved is not None and retrieved < published:
        problems.append(ValidationError("retrieved", "before the publication date"))
    # Spelled out, not a loop over (name, value, limit): this runs for each of the 250,000
    # citations of a large import.
    if citation.url is not None and len(citation.url) > limits.URL:
        problems.append(ValidationError("url", _too_long(limits.URL)))
    if len(citation.language) > limits.LANGUAGE:
        problems.append(ValidationError("language", _too_long(limits.LANGUAGE)))
    if len(citation.excerpt) > limits.EXCERPT:
        problems.append(ValidationError("excerpt", _too_long(limits.EXCERPT)))
    return problems


def source_problems(source: SourceData) -> list[ValidationError]:
    problems: list[ValidationError] = []
    if not source.name.strip():
        problems.append(ValidationError("name", "is required"))
    elif len(source.name.strip()) > limits.SOURCE_NAME:
        problems.append(ValidationError("name", _too_long(limits.SOURCE_NAME)))
    for name, value, limit in (
        ("id", source.id or "", limits.SOURCE_ID),
        ("url", source.url or "", limits.URL),
        ("notes", source.notes, limits.SOURCE_NOTES),
    ):
        if len(value) > limit:
            problems.append(ValidationError(name, _too_long(limit)))
    if source.kind not in SOURCE_KINDS:
        kinds = _one_of(SOURCE_KINDS)
        problems.append(ValidationError("kind", f"{quoted(source.kind)} is not one of {kinds}"))
    if source.reliability not in RELIABILITY:
        problems.append(ValidationError("reliability", "must be one of A, B, C, D, E, F"))
    problems.extend(
        _unstorable_problems((("name", source.name), ("url", source.url), ("notes", source.notes)))
    )
    return problems


def check_incident(data: IncidentData, plain_text: bool = False) -> None:
    """Raise the first problem, if any (``plain_text``: see :func:`incident_problems`)."""
    problems = incident_problems(data, plain_text)
    if problems:
        raise problems[0]


def check_source(data: SourceData) -> None:
    problems = source_problems(data)
    if problems:
        raise problems[0]


def _one_of(values: Iterable[object]) -> str:
    return ", ".join(sorted(str(v) for v in values))


def doubled_sources(citations: tuple[Citation, ...]) -> dict[str, int]:
    """Each source cited more than once, with how often: allowed (two reports of one outlet
    are two citations), but as often a slip that counts one source's word twice, so the
    import and the editor point it out."""
    cited = [c.source for c in citations]
    if len(set(cited)) == len(cited):  # nearly always: one set per incident
        return {}
    return {slug: cited.count(slug) for slug in sorted(set(cited)) if cited.count(slug) > 1}


def citation_warnings(records: Sequence[IncidentData], first: int = 0) -> tuple[str, ...]:
    """A line for each source an incident cites more than once (see doubled_sources);
    ``records[0]`` is the file's incident number ``first``."""
    return tuple(
        f"incidents[{index}] {quoted(data.title.strip()[:80])}: cites source "
        f"{quoted(slug)} {times} times"
        for index, data in enumerate(records, first)
        for slug, times in doubled_sources(data.citations).items()
    )
