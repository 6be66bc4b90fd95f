"""A record's values as the database stores them: each incident column's value (names
trimmed, marking canonical, enums as text, times naive UTC to the second) and each citation
as stored. ``mapping.apply_incident`` writes these to an ORM row; the bulk import binds them
as they are (desktop.services.new_rows).

Standard library only: an import's reading process makes its rows without loading
SQLAlchemy (desktop.services.reader_process).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from desktop.fields import SIMPLE_FIELDS

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.fields import Field
    from desktop.services.dto import Citation, IncidentData, Moment


def to_db_time(moment: Moment) -> datetime:
    """A stored time: naive UTC, to the second (the search index orders by whole seconds,
    see desktop.store.fts5; nothing finer means anything in an incident's time)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            utc = moment.astimezone(UTC)
            # Made, not replace()d: a fifth of the cost, for the 200,000 times of an import.
            return datetime(
                utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, fold=utc.fold
            )
        return moment.replace(microsecond=0) if moment.microsecond else moment
    return datetime(moment.year, moment.month, moment.day)


def _column_step(field: Field) -> tuple[str, Callable[[Any], Any], Callable[[Any], Any] | None]:
    """A simple field's column, how to get its value and how to store it (None: as it is):
    ``field.to_column(field.get(data))`` made once, not for each field of each incident."""
    stored, enum = field.stored, field.enum is not None
    convert: Callable[[Any], Any] | None = field.to_column if stored and enum else stored
    if enum and stored is None:
        convert = str
    return field.column_name, attrgetter(field.key), convert


_COLUMN_STEPS = tuple(_column_step(f) for f in SIMPLE_FIELDS)


# The names of :func:`incident_column_values`, in its order.
INCIDENT_COLUMNS = (
    *(name for name, _get, _convert in _COLUMN_STEPS),
    "start_at",
    "end_at",
    "time_precision",
    "source_count",
)


# The simple fields' values in one C call, and where a value is stored otherwise than as it
# is (trimmed, canonical, an enum's text): the other two thirds are not touched in Python.
_column_getter = attrgetter(*(f.key for f in SIMPLE_FIELDS))
_COLUMN_CONVERSIONS = tuple(
    (i, convert) for i, (_name, _get, convert) in enumerate(_COLUMN_STEPS) if convert is not None
)


def incident_column_values(data: IncidentData) -> list[Any]:
    """The values of :data:`INCIDENT_COLUMNS` for ``data``, in that order: the bulk import
    binds them as they are, with no dictionary per incident."""
    values = list(_column_getter(data))
    for i, convert in _COLUMN_CONVERSIONS:
        values[i] = convert(values[i])
    when = data.when
    values += (
        to_db_time(when.start),
        to_db_time(when.end),
        str(when.precision),
        len({c.source for c in data.citations}),
    )
    return values


def incident_columns(data: IncidentData) -> dict[str, Any]:
    """The ``incidents`` columns that hold ``data``'s fields, as stored (names trimmed,
    marking canonical, enums as text): the simple fields of desktop/fields.py, the times and
    the count of sources. Read by :func:`apply_incident` and the bulk insert alike."""
    return dict(zip(INCIDENT_COLUMNS, incident_column_values(data), strict=True))


def stored_citation(citation: Citation) -> Citation:
    """A citation as stored: its address and language codes trimmed, an empty URL none.

    Free text (the excerpt) is kept exactly as given: a quotation is evidence.
    """
    url, language = (citation.url or "").strip() or None, citation.language.strip()
    if url == citation.url and language == citation.language:
        return citation  # as most are: no copy (an import makes hundreds of thousands)
    return replace(citation, url=url, language=language)
