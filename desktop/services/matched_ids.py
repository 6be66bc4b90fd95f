"""A common word's matches kept in a temporary table of the connection (SQLite).

The map's and the timeline's reads filter by the words' set of matching ids while walking an
index; for a common word (tens of thousands of ids at 100,000) SQLite built that set anew for
each statement, a quarter to a third of such a read. Written once into a temporary table keyed by
id, each read of the search on this connection probes the table instead, and so does the next
filter change of the same search (a country added to it): the words match the same incidents.

The table belongs to one connection and holds one search's matches. What it was filled from
is recorded beside it, in the same transaction (a rollback takes both back): the words, the
workspace's ``data_version`` (another connection's commit changes it) and the connection's
``total_changes()`` (its own writes do): a change to either fills it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, column, select, table, text

from desktop.store import fulltext

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Session

MATCHES = "desk_matches"
FILLED_FROM = "desk_matches_of"
_MATCHES = table(MATCHES, column("id", Integer), schema="temp")

_STATE = text(
    "SELECT (SELECT data_version FROM pragma_data_version), total_changes(), "
    "(SELECT query_only FROM pragma_query_only), "
    "(SELECT count(*) FROM temp.sqlite_master WHERE name = :filled_from)"
).bindparams(filled_from=FILLED_FROM)
_FILLED_FROM = text(f"SELECT expression, version, changes FROM temp.{FILLED_FROM}")
_CREATE = (
    f"CREATE TEMP TABLE IF NOT EXISTS {MATCHES} (id INTEGER PRIMARY KEY)",
    f"CREATE TEMP TABLE IF NOT EXISTS {FILLED_FROM} "
    "(expression TEXT NOT NULL, version INTEGER NOT NULL, changes INTEGER NOT NULL)",
    f"DELETE FROM temp.{MATCHES}",
    f"DELETE FROM temp.{FILLED_FROM}",
)
# Recorded by the last statement: its own row is counted once it completes, hence the 1.
_RECORD = text(f"INSERT INTO temp.{FILLED_FROM} SELECT :expression, :version, total_changes() + 1")


def matched_ids(session: Session, expression: str) -> Select[Any] | None:
    """A select of the ids (live or trashed) matching ``expression``, from the connection's
    temporary table, filled first unless it holds them already; None where temporary tables
    cannot be written (a workspace opened read-only)."""
    version, changes, query_only, known = session.execute(_STATE).one()
    if query_only:
        return None
    if not known or tuple(session.execute(_FILLED_FROM).one_or_none() or ()) != (
        expression,
        version,
        changes,
    ):
        _fill(session, expression, int(version))
    return select(_MATCHES.c.id)


def _fill(session: Session, expression: str, version: int) -> None:
    connection = session.connection()
    for statement in _CREATE:
        connection.exec_driver_sql(statement)
    # In id order, the table's own order: each row is appended, no page split.
    matches = fulltext.matches_sql(session, ranked=False)
    fill = text(f"INSERT OR IGNORE INTO temp.{MATCHES} (id) {matches} ORDER BY id")
    connection.execute(fill.bindparams(match=expression))
    connection.execute(_RECORD.bindparams(expression=expression, version=version))
