"""File ▸ Open database takes a workspace file or a PostgreSQL server's address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy.engine import make_url

from desktop.views.open_database_dialog import OpenDatabaseDialog

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot


def _open_enabled(dialog: OpenDatabaseDialog) -> bool:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Open).isEnabled()


def test_a_file_must_exist(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = OpenDatabaseDialog()
    qtbot.addWidget(dialog)
    assert not _open_enabled(dialog)
    qtbot.keyClicks(dialog.path_edit, str(tmp_path / "missing.sqlite3"))
    assert "No such file" in dialog.problem.text()
    assert dialog.target() is None
    existing = tmp_path / "work.sqlite3"
    existing.write_bytes(b"")
    dialog.path_edit.setText(str(existing))
    assert _open_enabled(dialog)
    assert dialog.target() == existing


def test_a_server_address_becomes_a_url(qtbot: QtBot) -> None:
    dialog = OpenDatabaseDialog()
    qtbot.addWidget(dialog)
    dialog.server_choice.setChecked(True)
    assert not dialog.path_edit.isEnabled()
    assert "database name is required" in dialog.problem.text()
    qtbot.keyClicks(dialog.database_edit, "desk")
    qtbot.keyClicks(dialog.user_edit, "amira")
    qtbot.keyClicks(dialog.password_edit, "p@ss/word")
    dialog.port_edit.setValue(5433)
    assert _open_enabled(dialog)
    target = dialog.target()
    assert isinstance(target, str)
    url = make_url(target)
    assert (url.drivername, url.host, url.port, url.database) == (
        "postgresql+psycopg",
        "localhost",
        5433,
        "desk",
    )
    assert (url.username, url.password) == ("amira", "p@ss/word")
