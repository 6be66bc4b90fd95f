"""New incidents as the rows the database stores, made without the database.

An import's new incidents go in by a handful of ``executemany`` statements of plain tuples
(desktop.services.bulk). Their rows are made here, from the checked records alone, so that
they can be made where the records are read: in the import's reader thread or process
(desktop.services.reader_process), while the database writes the rows before. On SQLite the
incidents' ids are given by the import (the first free one, counting on), so every row is
whole; the rows of another database wait for the ids its sequence hands out
(:func:`child_rows`).

The rows written are exactly what ``mapping.apply_incident`` and ``insert_incident`` write;
tests/interchange round-trips both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from desktop.services import history, mapping
from desktop.store import fts5, fulltext
from desktop.store.models import (
    Base,
    Citation,
    HistoryEntry,
    Incident,
    IncidentActor,
    IncidentTag,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date, datetime

    from sqlalchemy import Table
    from sqlalchemy.engine import Dialect
    from sqlalchemy.types import TypeEngine

    from desktop.services.dto import IncidentData

# The Core tables behind the models (typed as Table, which ``__table__`` is not).
INCIDENTS = Base.metadata.tables[Incident.__tablename__]
ACTORS = Base.metadata.tables[IncidentActor.__tablename__]
TAGS = Base.metadata.tables[IncidentTag.__tablename__]
CITATIONS = Base.metadata.tables[Citation.__tablename__]
HISTORY = Base.metadata.tables[HistoryEntry.__tablename__]

# The columns of a new incident's row, in the order of :func:`incident_row`.
INCIDENT_ROW_COLUMNS = (
    "uuid",
    *mapping.INCIDENT_COLUMNS,
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
# Where incident_row puts the columns an index entry reads.
_ENTRY_COLUMNS = tuple(
    INCIDENT_ROW_COLUMNS.index(name)
    for name in ("title", "summary", "notes", "place_name", "admin1", "country", "start_at")
)


def incident_row(data: IncidentData, user: str, now: datetime | str) -> list[Any]:
    """The ``incidents`` row of a new record (:data:`INCIDENT_ROW_COLUMNS`), as
    ``mapping.apply_incident`` would fill it: a list, bound as it is. ``now`` is the time of
    the import, or already its text (:func:`new_rows`)."""
    assert data.id is not None
    return [data.id, *mapping.incident_column_values(data), None, None, 1, now, user, now, user]


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
        stored_citations = [mapping.stored_citation(c) for c in data.citations]
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
    imported = [(data.id, now, user, history.IMPORTED, "", None, None) for data in batch]
    return ChildRows(actors, tags, citations, imported)


_START = INCIDENT_ROW_COLUMNS.index("start_at")
_ACTOR_NAME = ACTOR_COLUMNS.index("name")
_EXCERPT = CITATION_COLUMNS.index("excerpt")


def documents(
    ids: Sequence[int],
    incidents: Sequence[Sequence[Any]],
    actors: Sequence[Sequence[Any]],
    citations: Sequence[Sequence[Any]],
) -> list[tuple[int, Any, tuple[str, ...]]]:
    """The full-text entries of new incidents made from their rows (:func:`incident_row`,
    :func:`child_rows`, bound or not), each as (id, start time,
    :func:`fulltext.document_values`): what the index holds is what was stored."""
    names: dict[int, list[str]] = {}
    for actor in actors:
        names.setdefault(actor[0], []).append(actor[_ACTOR_NAME])
    excerpts: dict[int, list[str]] = {}
    for citation in citations:
        excerpts.setdefault(citation[0], []).append(citation[_EXCERPT])
    title, summary, notes, place, admin1, country, start_at = _ENTRY_COLUMNS
    return [
        (
            incident_id,
            row[start_at],
            fulltext.document_values(
                row[title],
                row[summary],
                row[notes],
                names.get(incident_id, ()),
                fulltext.place_words(row[place], row[admin1], row[country]),
                excerpts.get(incident_id, ()),
            ),
        )
        for incident_id, row in zip(ids, incidents, strict=True)
    ]


@dataclass
class NewRows:
    """New incidents as SQLite stores them, every value as the driver binds it (times as
    SQLAlchemy's text: :func:`as_bound`), ready for one ``executemany`` per table. (Made
    where they are read: a process pickles text in a fraction of the time of ``datetime``
    objects.)

    ``incidents`` are :data:`INCIDENT_ROW_COLUMNS` and then the id; each citation holds its
    source's slug where its ``source_id`` goes; ``positions`` are the incidents' places in
    the file (for messages). The full-text entries are made from these rows where they are
    written (:func:`entries`): made in the reading process, they would double what crosses
    to the writing one.
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
        keys.append(fts5.sort_key(row[_START], incident_id))
    children = child_rows(ids, batch, user, stamp)
    return NewRows(
        incidents=as_bound(INCIDENTS, (*INCIDENT_ROW_COLUMNS, "id"), rows, _STAMPED),
        actors=as_bound(ACTORS, ACTOR_COLUMNS, children.actors),
        tags=as_bound(TAGS, TAG_COLUMNS, children.tags),
        citations=as_bound(CITATIONS, CITATION_COLUMNS, children.citations),
        history=as_bound(HISTORY, HISTORY_COLUMNS, children.history, _STAMPED),
        positions=list(positions),
        keys=keys,
    )


# The columns new_rows fills already bound: the time of import, and no time in the trash.
_STAMPED = frozenset({"created_at", "updated_at", "at", "deleted_at"})


def entries(rows: NewRows) -> list[tuple[Any, ...]]:
    """The full-text entries of ``rows``' incidents, each its index key
    (desktop.store.fts5.sort_key) and then its columns."""
    ids = [row[-1] for row in rows.incidents]
    return [
        (key, *columns)
        for key, (_id, _start, columns) in zip(
            rows.keys, documents(ids, rows.incidents, rows.actors, rows.citations), strict=True
        )
    ]


def as_bound(
    table: Table, columns: Sequence[str], rows: list[Any], bound: frozenset[str] = frozenset()
) -> list[Any]:
    """``rows`` (of ``columns`` of ``table``) with each value converted as SQLAlchemy would
    before SQLite binds it, but in the columns named ``bound``, which hold such values."""
    converters = [
        (i, convert)
        for i, convert in sqlite_converters(table, tuple(columns))
        if columns[i] not in bound
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


_SQLITE = SQLiteDialect_pysqlite()


@cache
def sqlite_converters(
    table: Table, columns: tuple[str, ...]
) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    """The conversions of ``columns`` of ``table`` before SQLite binds them: (the column's
    place, its converter) for those that have one."""
    return tuple(
        (i, convert)
        for i, name in enumerate(columns)
        if (convert := sqlite_converter(table.c[name].type, _SQLITE)) is not None
    )


def sqlite_converter(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """What SQLAlchemy does to a value of this type before SQLite gets it (None: nothing).

    The dialect's own processor, except for times and dates: those are written by their
    C ``isoformat`` as exactly the text SQLAlchemy's Python formatter makes (for the naive
    UTC times stored here), at a fraction of the cost for the 500,000 times of a large
    import. Leaving them to the driver would store ``2024-07-08 00:00:00`` without the
    ``.000000``, which compares as text below the ``2024-07-08 00:00:00.000000`` a date
    filter binds, and so drops the incident from a search from its own day.
    """
    if isinstance(column_type, DateTime):
        return _datetime_text
    if isinstance(column_type, Date):
        return _date_text
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _datetime_text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(" ", "microseconds")


@lru_cache(maxsize=4096)  # a citation's dates: the same few hundred days again and again
def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
