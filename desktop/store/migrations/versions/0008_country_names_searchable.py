"""The search index holds each place's country name too, not only its code.

An analyst searching "Iraq" found only the incidents that said so in their text, a fifth of
those in Iraq: the index had the place's country as its code, "IQ". fulltext.place_words now
adds the name; this rebuilds PostgreSQL's index of what is stored. SQLite's is rebuilt by
revision 0009, in a new order: rebuilding it here too would double an upgrade's longest step.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    from desktop.store.fulltext import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    pass  # an index with more words in it serves the older code just as well
