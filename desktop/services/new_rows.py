"""New incidents as the rows the database stores, made without the database.

An import's new incidents go in by a handful of ``executemany`` statements of plain tuples
(desktop.services.bulk). Their rows are made here, from the checked records alone, so that
they can be made where the records are read: in the import's reader thread or process
(desktop.services.reader_process), while the database writes the rows before. On SQLite the
incidents' ids are given by the import (the first free one, counting on), so every row is
whole; the rows of another database wait for the ids its sequence hands out
(:func:`child_rows`).

The rows written are exactly what ``mapping.apply_incident`` and ``insert_incident`` write;
tests/interchange round-trips both ways. Standard library only (with the records' modules):
the reading process makes them without loading SQLAlchemy.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from desktop.services import stored_values
from desktop.services.history_actions import IMPORTED
from desktop.store.fts_keys import sort_key

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date, datetime

    from desktop.services.dto import IncidentData

    Converter = Callable[[Any], Any]

# The columns of a new incident's row, in the order of :func:`incident_row`.
INCIDENT_ROW_COLUMNS = (
    "uuid",
    *stored_values.INCIDENT_COLUMNS,
    "deleted_at",
    "deleted_by",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)
ACTOR_COLUMNS = ("incident_id", "position", "name", "role")
TAG_COLUMNS = ("incident_id", "position", "tag")
CITATION_COLUMNS = (
    "incident_id",
    "source_id",
    "position",
    "credibility",
    "url",
    "published",
    "retrieved",
    "language",
    "excerpt",
)
HISTORY_COLUMNS = ("incident_uuid", "at", "by", "action", "field", "old", "new")


def incident_row(data: IncidentData, user: str, now: datetime | str) -> list[Any]:
    """The ``incidents`` row of a new record (:data:`INCIDENT_ROW_COLUMNS`), as
    ``mapping.apply_incident`` would fill it: a list, bound as it is. ``now`` is the time of
    the import, or already its text (:func:`new_rows`)."""
    assert data.id is not None
    return [
        data.id,
        *stored_values.incident_column_values(data),
        None,
        None,
        1,
        now,
        user,
        now,
        user,
    ]


def incident_values(data: IncidentData, user: str, now: datetime) -> dict[str, Any]:
    """:func:`incident_row` by column name."""
    return dict(zip(INCIDENT_ROW_COLUMNS, incident_row(data, user, now), strict=True))


@dataclass
class ChildRows:
    """The rows of new incidents besides their own: actors, tags, citations (each cited
    source's slug where its id goes: the database knows the ids) and history."""

    actors: list[tuple[Any, ...]]
    tags: list[tuple[Any, ...]]
    citations: list[tuple[Any, ...]]
    history: list[tuple[Any, ...]]


def child_rows(
    ids: Sequence[int], batch: Sequence[IncidentData], user: str, now: datetime | str
) -> ChildRows:
    """The other rows of the new incidents ``batch``, their ids ``ids``."""
    actors: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    citations: list[tuple[Any, ...]] = []
    for incident_id, data in zip(ids, batch, strict=True):
        stored_citations = [stored_values.stored_citation(c) for c in data.citations]
        actor_names = [actor.name.strip() for actor in data.actors]
        # List comprehensions, not generators: extend() drives a generator a call a row.
        actors += [
            (incident_id, i, name, str(actor.role))
            for i, (name, actor) in enumerate(zip(actor_names, data.actors, strict=True))
        ]
        tags += [(incident_id, i, tag.strip()) for i, tag in enumerate(data.tags)]
        citations += [
            (
                incident_id,
                c.source,
                i,
                c.credibility,
                c.url,
                c.published,
                c.retrieved,
                c.language,
                c.excerpt,
            )
            for i, c in enumerate(stored_citations)
        ]
    # Each new incident's history starts with its import, as history.record would write it.
    imported = [(data.id, now, user, IMPORTED, "", None, None) for data in batch]
    return ChildRows(actors, tags, citations, imported)


_START = INCIDENT_ROW_COLUMNS.index("start_at")


@dataclass
class NewRows:
    """New incidents as SQLite stores them, every value as the driver binds it (times as
    SQLAlchemy's text: :func:`as_bound`), ready for one ``executemany`` per table. (Made
    where they are read: a process pickles text in a fraction of the time of ``datetime``
    objects.)

    ``incidents`` are :data:`INCIDENT_ROW_COLUMNS` and then the id; each citation holds its
    source's slug where its ``source_id`` goes; ``positions`` are the incidents' places in
    the file (for messages). The full-text entries are made from these rows where they are
    written (desktop.services.bulk.entries): made in the reading process, they would double
    what crosses to the writing one.
    """

    incidents: list[list[Any]]
    actors: list[tuple[Any, ...]]
    tags: list[tuple[Any, ...]]
    citations: list[tuple[Any, ...]]
    history: list[tuple[Any, ...]]
    positions: list[int]
    # Each incident's full-text key (desktop.store.fts5.sort_key), made from its start time
    # before that became text.
    keys: list[int]

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (to the writing process) as one ``marshal`` blob: lists and tuples of text,
        # numbers and None load in two thirds of pickle's time, and the writer loads 100,000
        # incidents' rows while the reader waits. Both ends run the same Python, as marshal
        # requires.
        fields = (self.incidents, self.actors, self.tags, self.citations, self.history)
        return (_unmarshalled, (marshal.dumps((*fields, self.positions, self.keys)),))


def _unmarshalled(blob: bytes) -> NewRows:
    return NewRows(*marshal.loads(blob))


def new_rows(
    batch: Sequence[IncidentData],
    first_id: int,
    user: str,
    now: datetime,
    positions: Sequence[int],
) -> NewRows:
    """The SQLite rows of the new incidents ``batch``, given the ids ``first_id`` on."""
    # Every row's time of import, converted once rather than in each of 300,000 rows.
    stamp = now.isoformat(" ", "microseconds")  # as _datetime_text writes it
    rows = [incident_row(data, user, stamp) for data in batch]
    ids = range(first_id, first_id + len(batch))
    keys = []
    for incident_id, row in zip(ids, rows, strict=True):
        row.append(incident_id)
        keys.append(sort_key(row[_START], incident_id))
    children = child_rows(ids, batch, user, stamp)
    return NewRows(
        incidents=as_bound("incidents", (*INCIDENT_ROW_COLUMNS, "id"), rows, _STAMPED),
        actors=as_bound("incident_actors", ACTOR_COLUMNS, children.actors),
        tags=as_bound("incident_tags", TAG_COLUMNS, children.tags),
        citations=as_bound("citations", CITATION_COLUMNS, children.citations),
        history=as_bound("incident_history", HISTORY_COLUMNS, children.history, _STAMPED),
        positions=list(positions),
        keys=keys,
    )


# The columns new_rows fills already bound: the time of import, and no time in the trash.
_STAMPED = frozenset({"created_at", "updated_at", "at", "deleted_at"})


def as_bound(
    table: str, columns: Sequence[str], rows: list[Any], bound: frozenset[str] = frozenset()
) -> list[Any]:
    """``rows`` (of ``columns`` of ``table``) with each value converted as SQLAlchemy would
    before SQLite binds it, but in the columns named ``bound``, which hold such values."""
    converters = [
        (i, convert) for i, convert in _converters(table, tuple(columns)) if columns[i] not in bound
    ]
    if not converters or not rows:
        return rows
    if isinstance(rows[0], list):  # rows made here to be changed (incident_row)
        for row in rows:
            for i, convert in converters:
                row[i] = convert(row[i])
        return list(map(tuple, rows))  # what SQLAlchemy's executemany takes
    # Column by column: a few columns to convert, each in one map over the batch.
    by_column = list(zip(*rows, strict=True))
    for i, convert in converters:
        by_column[i] = tuple(map(convert, by_column[i]))
    return list(zip(*by_column, strict=True))


@cache
def _converters(table: str, columns: tuple[str, ...]) -> tuple[tuple[int, Converter], ...]:
    """(place, converter) of those ``columns`` of ``table`` that have one."""
    of_table = CONVERTERS.get(table, {})
    return tuple((i, of_table[name]) for i, name in enumerate(columns) if name in of_table)


def _datetime_text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(" ", "microseconds")


@lru_cache(maxsize=4096)  # a citation's dates: the same few hundred days again and again
def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


# What SQLAlchemy does to a value before SQLite binds it, in the columns of these tables where
# it does anything (tests/services/test_bulk_import.py holds this to the models' types and
# SQLAlchemy's own processors): coordinates made floats, times and dates made text. Those
# are written by their C ``isoformat`` as exactly the text SQLAlchemy's Python formatter
# makes (for the naive UTC times stored here), at a fraction of the cost for the 500,000
# times of a large import. Left to the driver, ``2024-07-08 00:00:00`` would be stored
# without the ``.000000``, which compares as text below the ``2024-07-08 00:00:00.000000`` a
# date filter binds, and so drops the incident from a search from its own day.
CONVERTERS: dict[str, dict[str, Converter]] = {
    "incidents": {
        "start_at": _datetime_text,
        "end_at": _datetime_text,
        "lat": _float,
        "lon": _float,
        "deleted_at": _datetime_text,
        "created_at": _datetime_text,
        "updated_at": _datetime_text,
    },
    "citations": {"published": _date_text, "retrieved": _date_text},
    "incident_history": {"at": _datetime_text},
}
