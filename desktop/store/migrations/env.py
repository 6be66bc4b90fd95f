"""Alembic environment: runs on the connection the app hands over (see store/migrate.py)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from desktop.store.fulltext import FTS_TABLE
from desktop.store.models import Base

config = context.config


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # FTS5 shadow tables are not in the models; autogenerate must not propose dropping them.
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # developer use: `alembic -x url=sqlite:///x.db revision --autogenerate`
        url = context.get_x_argument(as_dictionary=True)["url"]
        with create_engine(url).begin() as own:
            _migrate(own)
    else:
        _migrate(connection)


def _migrate(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
