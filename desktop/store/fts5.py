"""SQLite's FTS5 index kept in the table's time order, with the list of the words it holds.

A search shows its matches newest first. Were the index's rowid the incident's id, the newest
matches could only be found by collecting every match and sorting them, a cost growing with
the workspace. Here each entry's rowid is a **key**
that sorts as the table's When column does (start time, then id), so FTS5 walks the matches
newest first and stops at the end of the page. :data:`KEYS_TABLE` remembers each incident's
key, for replacing or removing its entry after its time changed.

FTS5 reads a prefix (``"drone"*``, the word being typed) by first merging the lists of every
word it covers, which costs as much as collecting the matches; an ``OR`` of those words is
walked side by side instead. :data:`TERMS_TABLE` holds every word the index holds (and perhaps
some it no longer does), so a search can name them: see :func:`prefix_terms`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop.store.fts_keys import ID_MASK as ID_MASK
from desktop.store.fts_keys import incident_id_sql as incident_id_sql
from desktop.store.fts_keys import sort_key as sort_key
from desktop.store.fts_settings import FTS_TABLE as FTS_TABLE
from desktop.store.fts_settings import INDEX_SQL, tokenize_of
from desktop.store.fts_settings import TOKENIZE as TOKENIZE

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
    from datetime import datetime

    from sqlalchemy.engine import Connection

FTS_COLUMNS = ("title", "summary", "notes", "actors", "places", "excerpts")
CREATE_FTS_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    + ", ".join(FTS_COLUMNS)
    + f", tokenize = '{TOKENIZE}')"
)

# Their names start with FTS_TABLE, so Alembic's autogenerate leaves them alone (env.py).
KEYS_TABLE = "incident_fts_keys"
TERMS_TABLE = "incident_fts_terms"
VOCAB_TABLE = "incident_fts_vocab"  # FTS5's own view of its words (reads every entry)
CREATE_SQL = (
    f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} "
    "(incident_id INTEGER PRIMARY KEY, fts_key INTEGER NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {TERMS_TABLE} (term TEXT PRIMARY KEY) WITHOUT ROWID",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
)

# Up to this many entries their words are split again (see add_terms); for more, the whole
# word list is read once.
_SCRATCH_UP_TO = 500
_SCRATCH = "incident_fts_scratch"


# FTS5 merges its segments once this many of a size gather (4 by default). At 8 an import
# indexes faster, and a search reads a few more segments (docs/performance.md). Kept in the
# index itself, so every connection uses it.
AUTOMERGE = 8


def create(connection: Connection) -> None:
    for statement in (CREATE_FTS_SQL, *CREATE_SQL):
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('automerge', {AUTOMERGE})"
    )


def write(connection: Connection, rows: Sequence[Mapping[str, object]], *, new: bool) -> list[int]:
    """Add (or, unless ``new``, replace) the entries of incidents; returns their keys.

    Each row holds ``id``, ``start_at`` and the :data:`FTS_COLUMNS`. ``new`` says no entry of
    these incidents exists yet (an import's new ids), so there is nothing to delete first.
    The word list does not have their words yet: pass the keys to :func:`add_terms` before
    the transaction commits (once for all of an import's batches: see there).
    """
    if not rows:
        return []
    ids = [cast("int", row["id"]) for row in rows]
    keys = [
        sort_key(cast("datetime | str", row["start_at"]), incident_id)
        for incident_id, row in zip(ids, rows, strict=True)
    ]
    if not new:
        remove(connection, ids)
    placeholders = ", ".join("?" * (len(FTS_COLUMNS) + 1))
    columns = ", ".join(FTS_COLUMNS)
    # Straight to the driver as tuples: all text, nothing for SQLAlchemy to convert, and its
    # per-row parameter handling would cost as much as the indexing itself (bulk import).
    # In key order: FTS5 writes out what it holds in memory whenever a rowid comes lower
    # than the one before, and an import in file order did so for every other incident
    # (40% more time to import 10,000).
    connection.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} (rowid, {columns}) VALUES ({placeholders})",
        sorted(
            (key, *(row[column] for column in FTS_COLUMNS))
            for key, row in zip(keys, rows, strict=True)
        ),
    )
    connection.exec_driver_sql(
        f"INSERT OR REPLACE INTO {KEYS_TABLE} (incident_id, fts_key) VALUES (?, ?)",
        list(zip(ids, keys, strict=True)),
    )
    return keys


def insert_keyed(
    connection: Connection,
    entries: Sequence[tuple[object, ...]],
    keys: Sequence[tuple[int, int]],
) -> None:
    """Add the entries of new incidents, made ready by the caller (a bulk import): each
    entry is (key, *:data:`FTS_COLUMNS`), in key order (see :func:`write`), and ``keys``
    holds each incident's (id, key). As :func:`write`, the word list is left to
    :func:`add_terms`."""
    columns = ", ".join(FTS_COLUMNS)
    placeholders = ", ".join("?" * (len(FTS_COLUMNS) + 1))
    with _larger_pending(connection):
        connection.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE} (rowid, {columns}) VALUES ({placeholders})", entries
        )
    connection.exec_driver_sql(
        f"INSERT OR REPLACE INTO {KEYS_TABLE} (incident_id, fts_key) VALUES (?, ?)", keys
    )


# What FTS5 holds in memory before writing it out as a segment, for a bulk insert (its
# default is 1 MiB): fewer, larger segments to merge as they come (docs/performance.md).
BULK_PENDING_BYTES = 8 * 1024 * 1024
_DEFAULT_PENDING_BYTES = 1024 * 1024


@contextmanager
def _larger_pending(connection: Connection) -> Iterator[None]:
    """FTS5's ``hashsize`` at BULK_PENDING_BYTES, then as it was. Settings are rows of the
    index's own config table, written in the caller's transaction like the entries."""
    config = f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('hashsize', ?)"
    before = connection.exec_driver_sql(
        f"SELECT v FROM {FTS_TABLE}_config WHERE k = 'hashsize'"
    ).scalar()
    connection.exec_driver_sql(config, (BULK_PENDING_BYTES,))
    try:
        yield
    finally:
        connection.exec_driver_sql(config, (before or _DEFAULT_PENDING_BYTES,))


def optimize(connection: Connection) -> None:
    """Merge the index into one segment, after a rebuild.

    Written batch after batch, the index is many segments, and a search reads the end of a
    word's list in each of them: in a large workspace that was most of what a search read
    from disk. Merging rewrites the whole index, so it is kept for large changes.
    """
    connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")


def remove(connection: Connection, incident_ids: Iterable[int]) -> None:
    """Remove the entries of these incidents (none is fine)."""
    params = [(incident_id,) for incident_id in incident_ids]
    if not params:
        return
    connection.exec_driver_sql(
        f"DELETE FROM {FTS_TABLE} WHERE rowid = "
        f"(SELECT fts_key FROM {KEYS_TABLE} WHERE incident_id = ?)",
        params,
    )
    connection.exec_driver_sql(f"DELETE FROM {KEYS_TABLE} WHERE incident_id = ?", params)


def clear(connection: Connection) -> None:
    """Empty the index, its keys and its word list (before a rebuild).

    The index is made anew, so it takes the current :data:`TOKENIZE` (a workspace indexed
    with older settings, or one whose index is damaged, gets a sound one).
    """
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {VOCAB_TABLE}")
    try:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlite_errorname", "") != "SQLITE_CORRUPT_VTAB":
            raise
        _empty_blocks(connection)
        connection.exec_driver_sql(f"DROP TABLE {FTS_TABLE}")
    create(connection)
    for table in (KEYS_TABLE, TERMS_TABLE):
        connection.exec_driver_sql(f"DELETE FROM {table}")


def _empty_blocks(connection: Connection) -> None:
    """Replace a damaged index's blocks with those of an empty index.

    FTS5 reads its structure block before it does anything to its table, dropping it
    included: with that block damaged, the table could not even be dropped. A blank index
    made in the connection's temp schema lends its two blocks (structure and averages).
    """
    blank = f"temp.{FTS_TABLE}_blank"
    connection.exec_driver_sql(f"CREATE VIRTUAL TABLE {blank} USING fts5(body)")
    connection.exec_driver_sql(f"DELETE FROM {FTS_TABLE}_data")
    connection.exec_driver_sql(f"DELETE FROM {FTS_TABLE}_idx")
    connection.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE}_data (id, block) SELECT id, block FROM {blank}_data"
    )
    connection.exec_driver_sql(f"DROP TABLE {blank}")


def has_current_settings(connection: Connection) -> bool:
    """Whether the index exists and splits words as :data:`TOKENIZE` says (one read of the
    schema: the settings are in the statement that made the index)."""
    row = connection.exec_driver_sql(INDEX_SQL).first()
    return row is not None and tokenize_of(str(row[0])) == TOKENIZE


def probe(connection: Connection) -> None:
    """Read the index's structure and a word's first entries: raises the database's error
    when they are damaged. Cheap at any size; damage elsewhere shows when a search reads it."""
    term = connection.exec_driver_sql(f"SELECT term FROM {TERMS_TABLE} LIMIT 1").scalar()
    word = '"' + str(term or "a").replace('"', '""') + '"'
    connection.exec_driver_sql(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT 1", (word,)
    ).all()


def add_terms(connection: Connection, keys: Collection[int]) -> None:
    """Add the words of the entries with these keys to the word list.

    A few entries are split again by FTS5 itself, in a scratch table of the connection's temp
    schema (never in the workspace file): splitting in Python could disagree with FTS5 on
    rare characters, and a word missing from the list would be missing from searches. For
    many, reading FTS5's whole list once is cheaper (:func:`collect_terms`).
    """
    if len(keys) > _SCRATCH_UP_TO:
        collect_terms(connection)
        return
    if not keys:
        return
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_SCRATCH} USING fts5(body, "
        f"tokenize = '{TOKENIZE}')"
    )
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_SCRATCH}_terms "
        f"USING fts5vocab(temp, {_SCRATCH}, 'row')"
    )
    body = " || ' ' || ".join(FTS_COLUMNS)
    connection.exec_driver_sql(
        f"INSERT INTO temp.{_SCRATCH} (body) SELECT {body} FROM {FTS_TABLE} WHERE rowid = ?",
        [(key,) for key in keys],
    )
    connection.exec_driver_sql(
        f"INSERT OR IGNORE INTO {TERMS_TABLE} (term) SELECT term FROM temp.{_SCRATCH}_terms"
    )
    connection.exec_driver_sql(f"DELETE FROM temp.{_SCRATCH}")


def collect_terms(connection: Connection) -> None:
    """Add every word of the index to the word list: reading FTS5's own list reads every
    entry, cheaper than splitting every entry's text into words again."""
    connection.exec_driver_sql(
        f"INSERT OR IGNORE INTO {TERMS_TABLE} (term) SELECT term FROM {VOCAB_TABLE}"
    )


# A prefix covering more words than this stays a prefix: an OR of hundreds of words would
# cost more than FTS5's merge. Two letters of a reference number cover thousands.
MAX_PREFIX_TERMS = 32


def prefix_terms(connection: Connection, prefix: str) -> list[str] | None:
    """The words of the index starting with ``prefix`` (as FTS5 folds words), or None when
    there are more than :data:`MAX_PREFIX_TERMS`."""
    end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    terms = [
        term
        for (term,) in connection.execute(
            text(
                f"SELECT term FROM {TERMS_TABLE} WHERE term >= :start AND term < :end "
                "ORDER BY term LIMIT :limit"
            ),
            {"start": prefix, "end": end, "limit": MAX_PREFIX_TERMS + 1},
        )
    ]
    return None if len(terms) > MAX_PREFIX_TERMS else terms
