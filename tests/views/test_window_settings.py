"""What the app remembers: the recent databases list and the last workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings

from desktop.services import incidents
from desktop.services.dto import IncidentQuery
from desktop.services.sample import load_sample
from desktop.store.engine import open_database
from desktop.views import app
from desktop.views.window_settings import MAX_RECENT, WindowSettings

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def settings(tmp_path: Path) -> WindowSettings:
    return WindowSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def test_recent_is_most_recent_first_without_repeats(settings: WindowSettings) -> None:
    for name in ("a", "b", "a", "c"):
        settings.remember_database(name)
    assert settings.recent_databases() == ["c", "a", "b"]
    assert settings.last_database() == "c"
    settings.forget_database("c")
    assert settings.recent_databases() == ["a", "b"]
    assert settings.last_database() is None


def test_column_choices_are_kept_by_key_and_a_damaged_value_is_ignored(
    settings: WindowSettings, tmp_path: Path
) -> None:
    assert settings.column_choices() == {}
    settings.set_column_choices({"sources": True, "place": False})
    settings.sync()
    again = WindowSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.column_choices() == {"sources": True, "place": False}
    again._settings.setValue("window/columns-chosen", "sources=yes,=1,marking=0,,place")
    assert again.column_choices() == {"marking": False}


def test_recent_is_capped(settings: WindowSettings) -> None:
    for number in range(MAX_RECENT + 3):
        settings.remember_database(f"db{number}")
    recent = settings.recent_databases()
    assert len(recent) == MAX_RECENT
    assert recent[0] == f"db{MAX_RECENT + 2}"


def test_one_entry_survives_a_round_trip(tmp_path: Path) -> None:
    path = str(tmp_path / "one.ini")
    WindowSettings(QSettings(path, QSettings.Format.IniFormat)).remember_database("only")
    again = WindowSettings(QSettings(path, QSettings.Format.IniFormat))
    assert again.recent_databases() == ["only"]


def test_the_last_workspace_reopens(
    tmp_path: Path, settings: WindowSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    last = open_database(tmp_path / "last.sqlite3")
    load_sample(last)
    last.close()
    settings.remember_database(str(tmp_path / "last.sqlite3"))
    db = app._open_workspace(None, settings)
    assert db is not None
    assert incidents.count_incidents(db, IncidentQuery()) == 7
    db.close()


def test_a_vanished_last_workspace_falls_back_with_a_warning(
    tmp_path: Path, settings: WindowSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(app, "message", lambda *args, **_kw: warnings.append(args[3]))
    (tmp_path / "corrupt.sqlite3").write_bytes(b"not a database at all" * 100)
    settings.remember_database(str(tmp_path / "corrupt.sqlite3"))
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    monkeypatch.setattr(
        "desktop.store.engine.default_database_path", lambda: tmp_path / "default.sqlite3"
    )
    db = app._open_workspace(None, settings)
    assert db is not None
    assert db.label == "default.sqlite3"
    assert warnings
    assert "default workspace opens instead" in warnings[0]
    db.close()
