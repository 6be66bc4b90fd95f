"""Adding many new incidents at once with SQLAlchemy Core, for imports of 100,000 records.

The ORM path (:func:`desktop.services.incidents.insert_incident`) builds an object per
incident, actor, tag and citation and tracks them all until the flush. Here each batch is
a handful of ``executemany`` statements of plain tuples (incidents, then their actors,
tags, citations and history), many times faster (docs/performance.md); only the full-text
entries outlive the batch, written once all are in.

The rows written are exactly what ``mapping.apply_incident`` and ``insert_incident`` write;
tests/interchange round-trips both ways.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime, func, insert, select, text

from desktop.services import history, mapping
from desktop.store import fts5, fulltext
from desktop.store.fts5 import FTS_COLUMNS
from desktop.store.models import (
    Base,
    Citation,
    HistoryEntry,
    Incident,
    IncidentActor,
    IncidentTag,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import date, datetime

    from sqlalchemy import Table
    from sqlalchemy.engine import Dialect
    from sqlalchemy.orm import Session
    from sqlalchemy.types import TypeEngine

    from desktop.services.dto import IncidentData

# The Core tables behind the models (typed as Table, which ``__table__`` is not).
_INCIDENTS = Base.metadata.tables[Incident.__tablename__]
_ACTORS = Base.metadata.tables[IncidentActor.__tablename__]
_TAGS = Base.metadata.tables[IncidentTag.__tablename__]
_CITATIONS = Base.metadata.tables[Citation.__tablename__]
_HISTORY = Base.metadata.tables[HistoryEntry.__tablename__]


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


def incident_row(data: IncidentData, user: str, now: datetime) -> list[Any]:
    """The ``incidents`` row of a new record (:data:`INCIDENT_ROW_COLUMNS`), as
    ``mapping.apply_incident`` would fill it: a list, bound as it is."""
    assert data.id is not None
    return [data.id, *mapping.incident_column_values(data), None, None, 1, now, user, now, user]


def incident_values(data: IncidentData, user: str, now: datetime) -> dict[str, Any]:
    """:func:`incident_row` by column name."""
    return dict(zip(INCIDENT_ROW_COLUMNS, incident_row(data, user, now), strict=True))


# From this many new incidents the indexes are built again afterwards rather than kept up to
# date row by row, however many incidents are stored already.
REBUILD_INDEXES_FROM = 20_000
# ... and from this many when the import at least doubles the incidents: the rebuild then
# sorts at most twice the new rows, while the 24 indexes of ``incidents`` updated row by row
# made up most of the import's time at 10,000 incidents (docs/performance.md).
REBUILD_DOUBLING_FROM = 5_000
_REBUILT_TABLES = (
    _INCIDENTS.name,
    _ACTORS.name,
    _TAGS.name,
    _CITATIONS.name,
    _HISTORY.name,
)


@contextmanager
def indexes_rebuilt(session: Session, new_incidents: int, stored: int = 0) -> Iterator[None]:
    """Drop the secondary indexes of the incident tables around a large import, then build
    them again from the sorted data: about twice as fast as updating each index for each of
    100,000 rows. SQLite only; unique indexes stay (the import looks ids up in them). DDL is
    part of the transaction (store/engine.py keeps the driver from committing on its own), so
    a failed or killed import gets its indexes back; opening a workspace also recreates any
    that a file lacks (store/indexes.py).
    """
    large = new_incidents >= REBUILD_INDEXES_FROM or (
        new_incidents >= REBUILD_DOUBLING_FROM and new_incidents >= stored
    )
    if not large or session.get_bind().dialect.name != "sqlite":
        yield
        return
    names = ", ".join(f"'{name}'" for name in _REBUILT_TABLES)
    indexes = session.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({names}) AND sql NOT LIKE 'CREATE UNIQUE%'"
        )
    ).all()
    for name, _sql in indexes:
        session.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _name, sql in indexes:
        session.execute(text(sql))


# SQLite's page cache during an import, in KiB (the default is 2 MiB): the incident tables and
# their indexes of a large import stay in it instead of being written out and read back page
# by page (a tenth of the reads at 10,000 incidents, and a sixth less CPU time).
IMPORT_CACHE_KIB = 64 * 1024
# Helper threads SQLite's sorter may use for the indexes built again (indexes_rebuilt) and
# the full-text merge: the sorts of 24 indexes of ``incidents`` were single-threaded.
SORTER_THREADS = 2


@contextmanager
def large_cache(session: Session) -> Iterator[None]:
    """SQLite's page cache at IMPORT_CACHE_KIB for the import, as it was afterwards (the
    connection goes back to the pool)."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    # The driver's own connection: set back even after a failed flush, when the session
    # would refuse to run anything until rolled back.
    driver = session.connection().connection.dbapi_connection
    assert driver is not None
    before = int(driver.execute("PRAGMA cache_size").fetchone()[0])
    threads = int(driver.execute("PRAGMA threads").fetchone()[0])
    driver.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    driver.execute(f"PRAGMA threads = {SORTER_THREADS}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA cache_size = {before}")
        driver.execute(f"PRAGMA threads = {threads}")


def next_incident_id(session: Session) -> int:
    """The first free ``incidents.id``, for :func:`insert_new_incidents` to count on from."""
    return int(session.scalar(select(func.max(Incident.id))) or 0) + 1


def insert_new_incidents(
    session: Session,
    batch: Sequence[IncidentData],
    first_id: int,
    source_ids: dict[str, int],
    user: str,
    now: datetime,
    to_index: NewEntries,
) -> int:
    """Insert validated records whose ids are not in the database yet, with their rows of
    actors, tags, citations and history; their index entries are added to ``to_index``,
    written once all of the import's batches are in.

    The incidents get the ids ``first_id``, ``first_id + 1`` … (from :func:`next_incident_id`
    at the start of the transaction); the next free id is returned. Giving the ids ourselves
    lets every table go in by one plain ``executemany``: asking SQLite for the ids instead
    (RETURNING in parameter order) makes SQLAlchemy insert one row per statement. Should
    another program add an incident meanwhile, the primary key refuses the insert and the
    caller's transaction rolls back. Other databases hand out the ids from their sequence
    (``first_id`` is then unused). ``source_ids`` maps every cited slug to its
    ``sources.id``.
    """
    if not batch:
        return first_id
    rows = [incident_row(data, user, now) for data in batch]
    ids: Sequence[int]
    if session.get_bind().dialect.name == "sqlite":
        ids = range(first_id, first_id + len(batch))
        for incident_id, row in zip(ids, rows, strict=True):
            row.append(incident_id)
        _executemany(session, _INCIDENTS, (*INCIDENT_ROW_COLUMNS, "id"), rows)
        next_id = first_id + len(batch)
    else:  # a server keeps its own sequence: it hands out the ids, in batched INSERTs
        returned = session.execute(
            insert(_INCIDENTS).returning(_INCIDENTS.c.id, sort_by_parameter_order=True),
            [dict(zip(INCIDENT_ROW_COLUMNS, row, strict=True)) for row in rows],
        )
        ids = [row[0] for row in returned]
        next_id = first_id
    actors: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    citations: list[tuple[Any, ...]] = []
    # Where incident_row put the columns the index entry reads.
    title, summary, notes, place, admin1, country, start_at = _ENTRY_COLUMNS
    for incident_id, data, row in zip(ids, batch, rows, strict=True):
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
                source_ids[c.source],
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
        to_index.add(
            incident_id,
            row[start_at],
            fulltext.document_values(
                row[title],
                row[summary],
                row[notes],
                actor_names,
                fulltext.place_words(row[place], row[admin1], row[country]),
                [c.excerpt for c in stored_citations],
            ),
        )
    # Each new incident's history starts with its import, as history.record would write it.
    imported = [(data.id, now, user, history.IMPORTED, "", None, None) for data in batch]
    _executemany(session, _ACTORS, _ACTOR_COLUMNS, actors)
    _executemany(session, _TAGS, _TAG_COLUMNS, tags)
    _executemany(session, _CITATIONS, _CITATION_COLUMNS, citations)
    _executemany(session, _HISTORY, _HISTORY_COLUMNS, imported)
    return next_id


_ENTRY_COLUMNS = tuple(
    INCIDENT_ROW_COLUMNS.index(name)
    for name in ("title", "summary", "notes", "place_name", "admin1", "country", "start_at")
)
_ACTOR_COLUMNS = ("incident_id", "position", "name", "role")
_TAG_COLUMNS = ("incident_id", "position", "tag")
_CITATION_COLUMNS = (
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
_HISTORY_COLUMNS = ("incident_uuid", "at", "by", "action", "field", "old", "new")


class NewEntries:
    """The full-text index entries of an import's new incidents, written as its last step.

    All at once, in the table's When order (start, then id), which is the index's own order on
    SQLite (desktop.store.fts5): FTS5 writes out what it holds in memory whenever an entry
    comes before the one it received last, so batch after batch of entries spread over two
    years made indexing 100,000 incidents twice as slow. On SQLite each entry is held as the
    tuple the driver binds, its key first (a dictionary each made 100,000 of them cost
    memory and time).
    """

    _CHUNK = 2000
    # From this many new entries the index is then merged into one segment (fts5.optimize):
    # at 10,000 a search read twice as much without it. The merge rewrites the whole index,
    # too much for an import of a few hundred.
    MERGE_FROM = 5_000

    def __init__(self, session: Session) -> None:
        self._keyed = fulltext.backend(session) == fulltext.SQLITE
        self._entries: list[tuple[Any, ...]] = []
        self._keys: list[tuple[int, int]] = []

    def add(self, incident_id: int, start_at: datetime, columns: tuple[str, ...]) -> None:
        """The entry of a new incident: its :func:`fulltext.document_values`."""
        if self._keyed:
            key = fts5.sort_key(start_at, incident_id)
            self._entries.append((key, *columns))
            self._keys.append((incident_id, key))
        else:
            self._entries.append((start_at, incident_id, columns))

    def write(self, session: Session) -> None:
        entries, self._entries = self._entries, []
        keys, self._keys = self._keys, []
        # Keys are unique (the id is in their low bits): the sort never compares the text.
        entries.sort()
        if self._keyed:
            if entries:
                fulltext.insert_keyed(session, entries, keys)
        else:
            for start in range(0, len(entries), self._CHUNK):
                fulltext.insert_documents(
                    session,
                    [
                        {
                            "id": incident_id,
                            "start_at": at,
                            **dict(zip(FTS_COLUMNS, columns, strict=True)),
                        }
                        for at, incident_id, columns in entries[start : start + self._CHUNK]
                    ],
                )
        if len(entries) >= self.MERGE_FROM:
            fulltext.optimize(session)


def _executemany(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``INSERT`` every row (values of ``columns``, in that order) in one ``executemany``.

    On SQLite the rows go straight to the driver's ``executemany``, with each column's own
    conversion (times to SQLAlchemy's text format) applied first: SQLAlchemy's per-row
    parameter handling would otherwise cost more than SQLite's work. Other databases take
    the portable Core ``insert()``.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    converters = [
        (i, convert)
        for i, name in enumerate(columns)
        if (convert := _sqlite_converter(table.c[name].type, dialect)) is not None
    ]
    params: Sequence[Sequence[Any]] = rows
    if converters:
        # Column by column: a few columns to convert, each in one map over the batch.
        by_column = list(zip(*rows, strict=True))
        for i, convert in converters:
            by_column[i] = tuple(map(convert, by_column[i]))
        params = list(zip(*by_column, strict=True))
    placeholders = ", ".join("?" * len(columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})", params
    )


def _sqlite_converter(
    column_type: TypeEngine[Any], dialect: Dialect
) -> Callable[[Any], Any] | None:
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


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
