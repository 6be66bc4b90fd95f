"""PostgreSQL full-text search: one weighted ``tsvector`` per incident under a GIN index.

SQLite has had its FTS5 index since 0001, so this revision does nothing there. On PostgreSQL
it creates ``incident_fts_pg`` (the incident's id and its document: title weighted A, actors
and places B, summary C, notes and citation excerpts D) and fills it from the incidents
already stored; from then on the services keep it in step in each write's own transaction
(``desktop.store.fulltext``). Deleting an incident removes its entry through the foreign key.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copy of desktop.store.fulltext.PG_TABLE as of this revision.
TABLE = "incident_fts_pg"


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE TABLE {TABLE} ("
        "incident_id integer NOT NULL, "
        "document tsvector NOT NULL, "
        f"CONSTRAINT pk_{TABLE} PRIMARY KEY (incident_id), "
        f"CONSTRAINT fk_{TABLE}_incident_id_incidents FOREIGN KEY (incident_id) "
        "REFERENCES incidents (id) ON DELETE CASCADE)"
    )
    op.execute(f"CREATE INDEX ix_{TABLE}_document ON {TABLE} USING gin (document)")
    # The documents are made in Python, exactly as the services make them: the words are
    # folded there, not by the server (see desktop.store.fulltext).
    from desktop.store.fulltext import rebuild

    rebuild(connection)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
