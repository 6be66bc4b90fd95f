"""A workspace whose recorded revision was set back upgrades again: the revisions that add
tables and indexes create only what is missing (desktop/store/migrations/missing.py)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from desktop.services import incidents
from desktop.services.dto import IncidentQuery
from desktop.services.sample import load_sample
from desktop.store.engine import open_database
from desktop.store.locations import HEAD_REVISION

if TYPE_CHECKING:
    from pathlib import Path


def _schema(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index') "
            "AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    connection.close()
    return {name: sql for name, sql in rows}


def _set_back(path: Path, revision: str, *drop: str) -> None:
    with sqlite3.connect(path) as connection:
        for name in drop:
            kind = "INDEX" if name.startswith("ix_") else "TABLE"
            connection.execute(f"DROP {kind} {name}")
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()


@pytest.fixture
def head_file(tmp_path: Path) -> Path:
    path = tmp_path / "work.sqlite3"
    db = open_database(path)
    try:
        load_sample(db)
    finally:
        db.close()
    return path


@pytest.mark.parametrize(
    ("revision", "drop"),
    [
        ("0009", ()),  # every table and index of 0010 to 0016 there already
        ("0009", ("evidence_custody", "report_record_incidents")),  # some of them only
        ("0011", ("ix_incidents_live_places", "not_duplicates")),
        ("0013", ("ix_not_duplicates_b_uuid",)),  # opening restores the index (indexes.py)
        ("0014", ()),  # 0015's index there already, 0013's timeline index gone
        ("0015", ()),  # the indexes 0016 drops gone already
        ("0011", ("ix_incidents_live_start",)),  # 0016 leaves it; opening restores it
    ],
)
def test_a_set_back_workspace_upgrades_creating_only_what_is_missing(
    head_file: Path, revision: str, drop: tuple[str, ...]
) -> None:
    before = _schema(head_file)
    _set_back(head_file, revision, *drop)
    db = open_database(head_file)
    try:
        assert incidents.count_incidents(db, IncidentQuery()) == 7
    finally:
        db.close()
    assert _schema(head_file) == before
    with sqlite3.connect(head_file) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            HEAD_REVISION,
        )
    connection.close()
