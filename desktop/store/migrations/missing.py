"""Creating only what a workspace lacks, for the revisions that add tables and indexes.

A workspace whose recorded revision was set back (the upgrade tests make such files, to run
the later revisions' data changes again) already has what those revisions add: they create
each table and index only where it is missing, and leave what exists as it is. The one place
this check is written; the revisions call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def create_table(
    name: str, *elements: sa.schema.SchemaItem, indexes: Mapping[str, Sequence[str]] | None = None
) -> None:
    """``op.create_table(name, *elements)`` and its ``indexes`` (name → columns), unless the
    table exists."""
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *elements)
    for index, columns in (indexes or {}).items():
        op.create_index(op.f(index), name, list(columns))


def create_index(name: str, table: str, columns: str) -> None:
    """An index over ``columns`` (columns or expressions, as SQL), unless it exists."""
    op.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"))
