"""Qt view tests run without a display, with settings kept in a per-test folder."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Without PySide6 (.ci/core-without-qt) the view tests are skipped, not failed; a PySide6 that
# is installed but cannot load (a missing system library) is still an error.
pytest.importorskip("PySide6", exc_type=ModuleNotFoundError)

import gc

from PySide6.QtCore import QCoreApplication, QSettings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


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
    app's whole life; a test's window is gone at its end, so later tests must not inherit it."""
    yield
    gc.unfreeze()
