"""The first look at a workspace, read with the standard library before the services load."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from desktop.domain import TimePrecision
from desktop.services import incidents, sample
from desktop.services.dto import IncidentQuery, When
from desktop.services.preview import (
    preview_workspace,
    upgrade_due,
    workspace_from_environment,
)
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite workspace: the sample, an exact-time incident, an Arabic one, one in the trash."""
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    path = tmp_path / "workspace.sqlite3"
    db = open_database(path)
    sample.load_sample(db)
    first = incidents.list_incidents(db, IncidentQuery())[0]
    model = incidents.get_incident(db, first.id)
    exact = datetime(2024, 5, 2, 14, 30, tzinfo=UTC)
    incidents.create_incident(
        db,
        replace(
            model,
            id=None,
            version=None,
            audit=None,
            title="Exact <b>time</b> & place",
            when=When(exact, exact, TimePrecision.EXACT),
        ),
    )
    incidents.create_incident(
        db,
        replace(
            model,
            id=None,
            version=None,
            audit=None,
            title="قصف على مطار أربيل 🚀",
            when=When(
                datetime(2024, 6, 1).date(), datetime(2024, 6, 30).date(), TimePrecision.MONTH
            ),
        ),
    )
    trashed = incidents.create_incident(
        db,
        replace(
            model,
            id=None,
            version=None,
            audit=None,
            title="Newest but in the trash",
            when=When(datetime(2025, 1, 1).date(), datetime(2025, 1, 1).date()),
        ),
    )
    assert trashed.id is not None
    incidents.delete_incident(db, trashed.id)
    db.close()
    return path


def _table_rows(path: Path, limit: int) -> list[object]:
    db: Database = open_database(path)
    try:
        return list(incidents.list_incidents(db, IncidentQuery(), 0, limit))
    finally:
        db.close()


@pytest.mark.parametrize("limit", [1, 3, 200])
def test_the_preview_is_the_tables_first_page(workspace: Path, limit: int) -> None:
    preview = preview_workspace(workspace, limit)
    assert preview is not None
    assert preview.rows == _table_rows(workspace, limit)
    assert preview.label == "workspace.sqlite3"
    assert preview.location == str(workspace)


def test_the_preview_shows_the_newest_live_incidents(workspace: Path) -> None:
    preview = preview_workspace(workspace, 200)
    assert preview is not None
    titles = [row.title for row in preview.rows]
    assert "Newest but in the trash" not in titles
    assert titles[0] == "قصف على مطار أربيل 🚀"  # June 2024, the newest live one
    exact = next(row for row in preview.rows if row.title == "Exact <b>time</b> & place")
    assert exact.start == datetime(2024, 5, 2, 14, 30, tzinfo=UTC)


def test_urls_and_the_environment_name_the_same_file(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_url = preview_workspace(f"sqlite:///{workspace}", 5)
    assert by_url is not None
    assert by_url.location == str(workspace)
    monkeypatch.setenv("INCIDENT_DESK_DB", str(workspace))
    assert workspace_from_environment() == str(workspace)
    by_environment = preview_workspace(None, 5)
    assert by_environment is not None
    assert by_environment.rows == by_url.rows


def test_a_url_names_the_file_sqlalchemy_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spaced = tmp_path / "my desk.sqlite3"
    db = open_database(f"sqlite:///{tmp_path}/my%20desk.sqlite3")
    sample.load_sample(db)
    db.close()
    assert spaced.is_file()  # SQLAlchemy undid the escape
    preview = preview_workspace(f"sqlite:///{tmp_path}/my%20desk.sqlite3", 3)
    assert preview is not None
    assert preview.location == str(spaced)
    # "~" means a folder named "~" in a URL (SQLAlchemy does not expand it), a home in a path.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert preview_workspace("sqlite:///~/my%20desk.sqlite3", 3) is None
    (tmp_path / "home").mkdir()
    spaced.rename(tmp_path / "home" / "my desk.sqlite3")
    at_home = preview_workspace("~/my desk.sqlite3", 3)
    assert at_home is not None
    assert at_home.location == str(tmp_path / "home" / "my desk.sqlite3")


def test_the_default_workspace_is_previewed_when_nothing_is_named(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.store.locations.default_database_path", lambda: workspace)
    preview = preview_workspace(None, 2)
    assert preview is not None
    assert len(preview.rows) == 2


def test_the_preview_changes_nothing(workspace: Path) -> None:
    before = workspace.read_bytes()
    assert preview_workspace(workspace, 200) is not None
    assert workspace.read_bytes() == before


def test_what_needs_the_ordinary_open_is_not_previewed(tmp_path: Path) -> None:
    assert preview_workspace(tmp_path / "missing.sqlite3", 10) is None
    assert not (tmp_path / "missing.sqlite3").exists()  # never created by a look
    assert preview_workspace("postgresql://analyst@server/incidents", 10) is None
    assert preview_workspace("sqlite:///:memory:", 10) is None
    garbage = tmp_path / "notes.sqlite3"
    garbage.write_bytes(b"not a database, just notes <&> \x00" * 100)
    assert preview_workspace(garbage, 10) is None
    empty = tmp_path / "empty.sqlite3"
    open_database(empty).close()
    assert preview_workspace(empty, 10) is None  # the window offers the sample instead
    foreign = tmp_path / "other-program.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE incidents (id INTEGER)")
    connection.close()
    assert preview_workspace(foreign, 10) is None


def test_a_workspace_due_for_an_upgrade_is_not_previewed(workspace: Path) -> None:
    with sqlite3.connect(workspace) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    connection.close()
    assert preview_workspace(workspace, 10) is None


def test_an_upgrade_is_known_to_be_due_before_the_open(workspace: Path, tmp_path: Path) -> None:
    assert not upgrade_due(workspace)
    assert not upgrade_due(tmp_path / "missing.sqlite3")
    assert not upgrade_due("postgresql://analyst@server/incidents")
    with sqlite3.connect(workspace) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    connection.close()
    assert upgrade_due(workspace)
    assert upgrade_due(f"sqlite:///{workspace}")


def test_a_locked_workspace_is_left_to_the_ordinary_open(workspace: Path) -> None:
    holder = sqlite3.connect(workspace, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        assert preview_workspace(workspace, 10) is None  # at once: it does not wait
    finally:
        holder.close()
    assert preview_workspace(workspace, 10) is not None


def test_the_look_reads_the_columns_a_table_row_is_made_from() -> None:
    from desktop.services.listing import TABLE_ROW_FIELDS
    from desktop.store.peek import ROW_COLUMNS

    assert ROW_COLUMNS == TABLE_ROW_FIELDS  # the store may not import the services
