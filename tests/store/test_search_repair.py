"""A damaged full-text index (garbage inside FTS5's own blocks, which SQLite's quick check
does not see) is rebuilt from the incidents, and the analyst is told in one line."""

from __future__ import annotations

import random
import sqlite3
from typing import TYPE_CHECKING

import pytest

from desktop.errors import StoreError
from desktop.services import incidents
from desktop.services.dto import IncidentQuery
from desktop.services.sample import load_sample
from desktop.store import engine as engine_module
from desktop.store.engine import open_database
from desktop.store.search_repair import REBUILT_NOTE

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database


def damage_search_index(path: Path, *, first_block: int = 1) -> None:
    """Garbage in FTS5's blocks after ``first_block`` (1: the structure too, 10: the words'
    lists only); SQLite's own check still passes. The same garbage every run (seeded by the
    block's id): random garbage now and then read as a valid list, and a test then waited
    for a damage it never met."""
    with sqlite3.connect(path) as connection:
        blocks = connection.execute(
            "SELECT id, length(block) FROM incident_fts_data WHERE id > ?", (first_block,)
        ).fetchall()
        connection.executemany(
            "UPDATE incident_fts_data SET block = ? WHERE id = ?",
            [(random.Random(ident).randbytes(size), ident) for ident, size in blocks],
        )
        assert connection.execute("PRAGMA quick_check").fetchone() == ("ok",)
    connection.close()


def integrity_ok(path: Path) -> bool:
    with sqlite3.connect(path) as connection:
        try:
            connection.execute("INSERT INTO incident_fts(incident_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError:
            return False
    connection.close()
    return True


def titles(db: Database, text: str) -> list[str]:
    return [row.title for row in incidents.list_incidents(db, IncidentQuery(text=text))]


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "work.sqlite3"
    db = open_database(path)
    try:
        load_sample(db)
        assert db.notice == ""
    finally:
        db.close()
    return path


def test_opening_rebuilds_a_damaged_index_and_says_so(sample_file: Path) -> None:
    db = open_database(sample_file)
    try:
        before = {text: titles(db, text) for text in ("drone", "Harir", "الاسد", "Iraq")}
    finally:
        db.close()
    assert all(before.values())
    damage_search_index(sample_file)
    assert not integrity_ok(sample_file)
    db = open_database(sample_file)
    try:
        assert db.notice == REBUILT_NOTE
        assert {text: titles(db, text) for text in before} == before
    finally:
        db.close()
    assert integrity_ok(sample_file)
    db = open_database(sample_file)  # sound now: nothing more to say
    try:
        assert db.notice == ""
    finally:
        db.close()


def test_a_search_meeting_damage_rebuilds_the_index(sample_file: Path) -> None:
    db = open_database(sample_file)
    try:
        before = titles(db, "drone")
        damage_search_index(sample_file, first_block=10)  # while the workspace is open
        with pytest.raises(StoreError) as failed:
            titles(db, "drone")
        assert str(failed.value) == f"{REBUILT_NOTE} Try again."
        assert "\n" not in str(failed.value)
        assert titles(db, "drone") == before
        count = incidents.count_incidents(db, IncidentQuery())
        assert count == 7  # nothing lost
    finally:
        db.close()
    assert integrity_ok(sample_file)


def test_a_read_only_workspace_with_a_damaged_index_opens_and_says_why_searches_fail(
    sample_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damage_search_index(sample_file)
    before = sample_file.read_bytes()
    monkeypatch.setattr(engine_module, "writable", lambda _path: False)
    db = open_database(sample_file)
    try:
        assert db.read_only
        assert db.notice == ""  # it cannot be repaired here
        assert incidents.count_incidents(db, IncidentQuery()) == 7
        with pytest.raises(StoreError, match=r"damaged, and .* is open read-only"):
            titles(db, "drone")
    finally:
        db.close()
    assert sample_file.read_bytes() == before
