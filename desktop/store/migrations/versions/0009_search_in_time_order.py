"""SQLite: the search index in the table's time order, with the list of its words.

A search lists its matches newest first. The index's rowids were the incidents' ids, so the
newest matches of a common word could only be found by collecting all of them (4-6 ms at
100,000 incidents). The rowids are now keys that sort as the When column does (start time,
then id), and a list of the index's words lets the word being typed be named rather than
merged as a prefix: see desktop.store.fts5. This rebuilds the index with those keys.

Incident times are kept to the second from now on (the keys order whole seconds): times
finer than that, which no form or file could enter, are cut to the second first.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_WHOLE = 19  # len("2024-07-08 00:00:00"), before SQLAlchemy's ".000000"
# Frozen copies of desktop.store.fts5's names and id bits as of this revision.
_FTS = "incident_fts"
_COLUMNS = "title, summary, notes, actors, places, excerpts"
_TABLES = ("incident_fts_vocab", "incident_fts_terms", "incident_fts_keys")
_ID_MASK = (1 << 24) - 1


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(
            "UPDATE incidents SET start_at = date_trunc('second', start_at), "
            "end_at = date_trunc('second', end_at) "
            "WHERE start_at <> date_trunc('second', start_at) "
            "OR end_at <> date_trunc('second', end_at)"
        )
        return
    # Both times in one statement, so the period check (end_at >= start_at) holds throughout.
    op.execute(
        f"UPDATE incidents SET start_at = substr(start_at, 1, {_WHOLE}) || '.000000', "
        f"end_at = substr(end_at, 1, {_WHOLE}) || '.000000' "
        f"WHERE substr(start_at, {_WHOLE + 1}) <> '.000000' "
        f"OR substr(end_at, {_WHOLE + 1}) <> '.000000'"
    )
    from desktop.store.fulltext import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # The older code reads the rowids as incident ids: put the entries back under them.
    op.execute(
        f"CREATE TEMP TABLE fts_by_id AS SELECT (rowid & {_ID_MASK}) AS id, {_COLUMNS} "
        f"FROM {_FTS}"
    )
    op.execute(f"DELETE FROM {_FTS}")
    op.execute(f"INSERT INTO {_FTS} (rowid, {_COLUMNS}) SELECT id, {_COLUMNS} FROM fts_by_id")
    op.execute("DROP TABLE fts_by_id")
    for table in _TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
