"""Qt view tests run without a display, with settings kept in a per-test folder."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Without PySide6 (.ci/core-without-qt) the view tests are skipped, not failed; a PySide6 that
# is installed but cannot load (a missing system library) is still an error.
pytest.importorskip("PySide6", exc_type=ModuleNotFoundError)

import gc

from PySide6.QtCore import QCoreApplication, QSettings

from desktop.services import incidents as incident_service
from desktop.views.incident_editor import IncidentEditor
from desktop.views.partials.dialogs import Choice
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

    # Saves an incident (make_incident's, with any changes) and opens the editor on it.
    EditStored = Callable[..., tuple[IncidentData, str, IncidentEditor]]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> None:
    """QSettings() in the code under test writes to this test's folder, never to ~/.config."""
    QCoreApplication.setOrganizationName("incident-desk-tests")
    QCoreApplication.setApplicationName("Incident Desk tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    """The window's start moves what it made out of the collector's reach (gc.freeze) for the
    app's whole life, and its first map collects the young generation less often; a test's
    window is gone at its end, so later tests must not inherit either."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.fixture(scope="session")
def small_places(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A few places (tests/gazetteer_data.py) and their index, built once: (source, cache)."""
    from desktop.services import gazetteer_index
    from tests.gazetteer_data import ADMIN1, write_cities

    folder = tmp_path_factory.mktemp("places")
    source = write_cities(folder)
    cache = folder / "cache"
    name = gazetteer_index.index_name(source, gazetteer_index.source_version())
    gazetteer_index.ensure_index(cache / name, source, ADMIN1)
    return source, cache


@pytest.fixture(autouse=True)
def known_places(small_places: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Editors suggest the few test places: never the user's cache, never a half-minute build."""
    from desktop.services import gazetteer, gazetteer_index
    from tests.gazetteer_data import ADMIN1

    source, cache = small_places
    monkeypatch.setattr(gazetteer_index, "source_file", lambda: source)
    monkeypatch.setattr(gazetteer_index, "read_admin1", lambda path=None: ADMIN1)
    monkeypatch.setattr(gazetteer, "cache_folder", lambda: cache)
    return cache


@pytest.fixture
def editor_dialogs() -> RecordingDialogs:
    """The editor's questions, answered "no", and "save your changes?" with Cancel."""
    return RecordingDialogs(answer=False, choice=Choice.CANCEL)


@pytest.fixture
def open_editor(
    qtbot: QtBot, db: Database, editor_dialogs: RecordingDialogs
) -> Callable[[str | None], IncidentEditor]:
    """Opens the editor on a saved incident (by id) or a new one, at 1024×700, active."""

    def opener(incident_id: str | None = None) -> IncidentEditor:
        editor = IncidentEditor(db, incident_id, dialogs=editor_dialogs)  # type: ignore[arg-type]
        # At teardown, throw edits away rather than keep the window open asking.
        qtbot.addWidget(
            editor, before_close_func=lambda _w: setattr(editor_dialogs, "choice", Choice.DISCARD)
        )
        editor.resize(1024, 700)
        # Active, so that focus moves (Tab, Enter) and shortcuts fire as on a desktop.
        with qtbot.waitActive(editor):
            editor.show()
            editor.activateWindow()
        return editor

    return opener


@pytest.fixture
def edit_stored(
    db: Database,
    make_incident: IncidentFactory,
    open_editor: Callable[[str | None], IncidentEditor],
) -> EditStored:
    """Saves an incident (make_incident's, with any field changed) and opens the editor on it:
    the incident as saved, its id, the editor."""

    def opener(**changes: Any) -> tuple[IncidentData, str, IncidentEditor]:
        created = incident_service.create_incident(db, make_incident(**changes))
        assert created.id is not None
        return created, created.id, open_editor(created.id)

    return opener
