"""The SITREP export dialog's tests: a fixed today, the sample workspace, a dialog maker."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from desktop.services.dto import IncidentQuery
from desktop.services.sample import load_sample
from desktop.views import export_dialog
from desktop.views.export_dialog import ExportDialog
from desktop.views.partials import task_runner
from tests.views.export.driving import TODAY
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from typing import Any

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_dialog, "today", lambda: TODAY)


@pytest.fixture
def sample_db(db: Database) -> Database:
    load_sample(db)
    return db


@pytest.fixture
def fake() -> RecordingDialogs:
    return RecordingDialogs()


@pytest.fixture
def opened() -> list[Path]:
    return []


@pytest.fixture
def make_dialog(
    qtbot: QtBot, sample_db: Database, fake: RecordingDialogs, opened: list[Path]
) -> Iterator[Any]:
    def make(query: IncidentQuery | None = None) -> ExportDialog:
        dialog = ExportDialog(
            sample_db,
            query or IncidentQuery(),
            dialogs=fake,  # type: ignore[arg-type]
            opener=opened.append,
        )
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    yield make
    assert task_runner.active_tasks() == []  # no export thread left running
