"""Adding many new incidents at once with SQLAlchemy Core, for imports of 100,000 records.

The ORM path (:func:`desktop.services.incidents.insert_incident`) builds an object per
incident, actor, tag and citation and tracks them all until the flush. Here each batch is
a handful of ``executemany`` statements of plain tuples (incidents, then their actors,
tags, citations and history), many times faster (docs/performance.md), made by
:mod:`desktop.services.new_rows` (here, or in the process reading the file); the full-text
entries go in by sorted runs (:class:`NewEntries`). Around a large import the secondary
indexes are built again rather than kept (:func:`indexes_rebuilt`).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, text

from desktop.errors import ValidationError
from desktop.services.new_rows import (
    ACTOR_COLUMNS,
    CITATION_COLUMNS,
    HISTORY_COLUMNS,
    INCIDENT_ROW_COLUMNS,
    TAG_COLUMNS,
    NewRows,
    child_rows,
    incident_row,
    new_rows,
)
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
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import datetime

    from sqlalchemy import Table
    from sqlalchemy.orm import Session

    from desktop.services.dto import IncidentData

# The Core tables behind the models (typed as Table, which ``__table__`` is not).
INCIDENTS = Base.metadata.tables[Incident.__tablename__]
ACTORS = Base.metadata.tables[IncidentActor.__tablename__]
TAGS = Base.metadata.tables[IncidentTag.__tablename__]
CITATIONS = Base.metadata.tables[Citation.__tablename__]
HISTORY = Base.metadata.tables[HistoryEntry.__tablename__]

# From this many new incidents the indexes are built again afterwards rather than kept up to
# date row by row, however many incidents are stored already.
REBUILD_INDEXES_FROM = 20_000
# ... and from this many when the import at least doubles the incidents: the rebuild then
# sorts at most twice the new rows, while the 24 indexes of ``incidents`` updated row by row
# made up most of the import's time at 10,000 incidents (docs/performance.md).
REBUILD_DOUBLING_FROM = 5_000
_REBUILT_TABLES = (
    INCIDENTS.name,
    ACTORS.name,
    TAGS.name,
    CITATIONS.name,
    HISTORY.name,
)


@contextmanager
def indexes_rebuilt(
    session: Session, new_incidents: int, stored: int = 0, *, keep_wide: bool = False
) -> Iterator[None]:
    """Drop the secondary indexes of the incident tables around a large import, then build
    them again from the sorted data: about twice as fast as updating each index for each of
    100,000 rows. SQLite only; unique indexes stay (the import looks ids up in them). DDL is
    part of the transaction (store/engine.py keeps the driver from committing on its own), so
    a failed or killed import gets its indexes back; opening a workspace also recreates any
    that a file lacks (store/indexes.py).

    ``keep_wide`` keeps the indexes of :data:`WIDE_INDEX_KEYS` keys or more (the covering
    ones the map, the timeline and the place lists read) and their upkeep row by row: for
    an import whose reading is done by a process (desktop.services.reader_process), where
    the writer has time to spare while it waits for the reader and the end of the import
    has none. They are the costliest to build again (a third of the rebuild).
    """
    large = new_incidents >= REBUILD_INDEXES_FROM or (
        new_incidents >= REBUILD_DOUBLING_FROM and new_incidents >= stored
    )
    if not large or session.get_bind().dialect.name != "sqlite":
        yield
        return
    names = ", ".join(f"'{name}'" for name in _REBUILT_TABLES)
    widest = WIDE_INDEX_KEYS if keep_wide else sys.maxsize
    indexes = session.execute(
        text(
            "SELECT m.name, m.sql FROM sqlite_master AS m WHERE m.type = 'index' "
            f"AND m.sql IS NOT NULL AND m.tbl_name IN ({names}) "
            "AND m.sql NOT LIKE 'CREATE UNIQUE%' "
            "AND (SELECT count(*) FROM pragma_index_xinfo(m.name) WHERE key) < :widest"
        ),
        {"widest": widest},
    ).all()
    for name, _sql in indexes:
        session.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _name, sql in indexes:
        session.execute(text(sql))


# An index of this many keys or more is a covering one (see indexes_rebuilt).
WIDE_INDEX_KEYS = 8


# SQLite's page cache during an import, in KiB (the default is 2 MiB): the incident tables and
# their indexes of a large import stay in it instead of being written out and read back page
# by page (a tenth of the reads at 10,000 incidents, and a sixth less CPU time). 128 MiB holds
# the ``incidents`` table of 100,000 (57 MB), which each index built again reads whole: at 64
# MiB every one of those reads went back to the WAL (docs/performance.md).
IMPORT_CACHE_KIB = 128 * 1024
# Helper threads SQLite's sorter may use for the indexes built again (indexes_rebuilt): the
# sorts of 24 indexes of ``incidents`` were single-threaded.
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
    positions: Sequence[int] = (),
) -> int:
    """Insert validated records whose ids are not in the database yet, with their rows of
    actors, tags, citations and history; their index entries are added to ``to_index``,
    written once all of the import's batches are in. ``positions`` are their places in the
    file (for messages; counted from 0 when not given).

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
    if session.get_bind().dialect.name == "sqlite":
        made = new_rows(batch, first_id, user, now, positions or range(len(batch)))
        write_new_rows(session, made, source_ids, to_index)
        return first_id + len(batch)
    # A server keeps its own sequence: it hands out the ids, in batched INSERTs.
    rows = [incident_row(data, user, now) for data in batch]
    returned = session.execute(
        insert(INCIDENTS).returning(INCIDENTS.c.id, sort_by_parameter_order=True),
        [dict(zip(INCIDENT_ROW_COLUMNS, row, strict=True)) for row in rows],
    )
    ids = [row[0] for row in returned]
    children = child_rows(ids, batch, user, now)
    for incident_id, start_at, columns in documents(ids, rows, children.actors, children.citations):
        to_index.add(incident_id, start_at, columns)
    places = dict(zip(ids, positions or range(len(batch)), strict=True))
    citations = _with_source_ids(children.citations, source_ids, places.__getitem__)
    for table, columns, table_rows in (
        (ACTORS, ACTOR_COLUMNS, children.actors),
        (TAGS, TAG_COLUMNS, children.tags),
        (CITATIONS, CITATION_COLUMNS, citations),
        (HISTORY, HISTORY_COLUMNS, children.history),
    ):
        if table_rows:
            session.execute(
                insert(table), [dict(zip(columns, row, strict=True)) for row in table_rows]
            )
    return first_id


def write_new_rows(
    session: Session, rows: NewRows, source_ids: dict[str, int], to_index: NewEntries
) -> None:
    """Insert new incidents made ready as SQLite's rows (desktop.services.new_rows), each
    table by one ``executemany``; their index entries are added to ``to_index``.
    ``source_ids`` maps every cited slug to its ``sources.id``: a slug it lacks is refused
    with the citation's path."""
    first_id = rows.incidents[0][-1]
    citations = _with_source_ids(
        rows.citations, source_ids, lambda incident_id: rows.positions[incident_id - first_id]
    )
    for table, columns, table_rows in (
        (INCIDENTS, (*INCIDENT_ROW_COLUMNS, "id"), rows.incidents),
        (ACTORS, ACTOR_COLUMNS, rows.actors),
        (TAGS, TAG_COLUMNS, rows.tags),
        (CITATIONS, CITATION_COLUMNS, citations),
        (HISTORY, HISTORY_COLUMNS, rows.history),
    ):
        _insert_bound(session, table, columns, table_rows)
    to_index.add_keyed(entries(rows))


def _with_source_ids(
    citations: Sequence[tuple[Any, ...]],
    source_ids: dict[str, int],
    position_of: Callable[[int], int],
) -> list[tuple[Any, ...]]:
    """Citation rows (desktop.services.new_rows.child_rows) with each cited slug replaced by
    its ``sources.id``; a slug ``source_ids`` lacks is refused with the citation's path
    (``position_of`` an incident id's place in the file)."""
    try:
        return [(c[0], source_ids[c[1]], *c[2:]) for c in citations]
    except KeyError:
        pass
    for incident_id, slug, position, *_rest in citations:
        if slug not in source_ids:
            raise ValidationError(
                f"incidents[{position_of(incident_id)}].citations[{position}].source",
                f"unknown source {quoted(slug)}",
            )
    raise AssertionError("every source is known")


def _insert_bound(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``INSERT`` SQLite rows ready to bind (values of ``columns``, in that order) by one
    ``executemany`` of the driver's: SQLAlchemy's per-row parameter handling would cost
    more than SQLite's work."""
    if rows:
        placeholders = ", ".join("?" * len(columns))
        session.connection().exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})", rows
        )


# Where incident_row puts the columns an index entry reads.
_ENTRY_COLUMNS = tuple(
    INCIDENT_ROW_COLUMNS.index(name)
    for name in ("title", "summary", "notes", "place_name", "admin1", "country", "start_at")
)
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


class NewEntries:
    """The full-text index entries of an import's new incidents.

    On SQLite they go in by runs of :attr:`RUN` as the import goes, each in the table's When
    order (start, then id), which is the index's own order (desktop.store.fts5): FTS5 writes
    out what it holds in memory whenever an entry comes before the one it received last, so
    batch after batch of entries spread over two years made indexing 100,000 incidents twice
    as slow, while one run in order or a few cost the same. Written as the import goes, they
    are written while a reading process reads the file (desktop.services.reader_process),
    not after it. Each entry is held as the tuple the driver binds, its key first (a
    dictionary each made 100,000 of them cost memory and time). Other databases get theirs
    all at the end (:meth:`write`).
    """

    _CHUNK = 2000
    RUN = 10_000
    # Runs this short once the file has fewer incidents left than a run: what is held when
    # the last part comes is written after it, when nothing else is left to do.
    LAST_RUN = 2_500

    def __init__(self, session: Session) -> None:
        self._session = session
        self._keyed = fulltext.backend(session) == fulltext.SQLITE
        self._entries: list[tuple[Any, ...]] = []
        # The incidents the file holds after the part being written (as its reader knows).
        self.left = 0

    def add(self, incident_id: int, start_at: datetime, columns: tuple[str, ...]) -> None:
        """A server's entry of a new incident: its :func:`fulltext.document_values` (SQLite's
        come with their keys: :meth:`add_keyed`)."""
        assert not self._keyed
        self._entries.append((start_at, incident_id, columns))

    def add_keyed(self, entries: Sequence[tuple[Any, ...]]) -> None:
        """SQLite: entries made ready, each its key and then its columns
        (desktop.services.new_rows.NewRows)."""
        self._entries += entries
        if len(self._entries) >= (self.RUN if self.left > self.RUN else self.LAST_RUN):
            self._write_run()

    def _write_run(self) -> None:
        entries, self._entries = self._entries, []
        # Keys are unique (the id is in their low bits): the sort never compares the text.
        entries.sort()
        keys = [(entry[0] & fts5.ID_MASK, entry[0]) for entry in entries]
        fulltext.insert_keyed(self._session, entries, keys)

    def write(self, session: Session) -> None:
        """Write what is left."""
        if self._keyed:
            if self._entries:
                self._write_run()
        else:
            entries, self._entries = sorted(self._entries), []
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
