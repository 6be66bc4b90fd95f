"""File ▸ Import… and File ▸ Export ▸ come from the registry of formats (desktop/formats)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import formats
from desktop.formats import Format, json_v1
from desktop.services.sample import load_sample
from desktop.views.main_window import MainWindow
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

    import pytest
    from pytestqt.qtbot import QtBot

    from desktop.records import Document
    from desktop.store.engine import Database


def _lines_writer(document: Document, stream: BinaryIO) -> None:
    stream.writelines(f"{i.title}\n".encode() for i in document.incidents)


LINES = Format(
    name="lines", label="Plain lines", suffix=".txt", description="titles", write=_lines_writer
)


def _window(qtbot: QtBot, db: Database) -> tuple[MainWindow, RecordingDialogs]:
    load_sample(db)
    window = MainWindow(db, offer_sample=False)
    dialogs = RecordingDialogs(answer=False)
    window.dialogs = dialogs  # type: ignore[assignment]
    qtbot.addWidget(window)
    window.show()
    return window, dialogs


def _menu_texts(window: MainWindow) -> tuple[list[str], list[str]]:
    """The File menu's entries and the Export submenu's (separators left out)."""
    file_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text() == "&File" and a.menu()
    )
    file_texts = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    export = window.actions_.export_menu
    return file_texts, [a.text() for a in export.actions() if not a.isSeparator()]


def test_the_export_submenu_lists_every_writer_then_the_sitrep(qtbot: QtBot, db: Database) -> None:
    window, _dialogs = _window(qtbot, db)
    file_texts, export_texts = _menu_texts(window)
    assert "&Import…" in file_texts
    assert "&Export" in file_texts
    assert export_texts == [f"&{w.label}…" for w in formats.writers()] + ["&SITREP (PDF)…"]
    assert export_texts[0] == "&Incident Desk JSON…"
    assert window.actions_.exports["json"].shortcut().toString() == "Ctrl+Shift+E"


def test_a_registered_writer_gets_its_entry_and_exports(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, LINES))
    window, dialogs = _window(qtbot, db)
    _file, export_texts = _menu_texts(window)
    assert export_texts == [
        "&Incident Desk JSON…",
        "&STIX 2.1 bundle…",
        "&MISP event JSON…",
        "&Plain lines…",
        "&SITREP (PDF)…",
    ]
    out = tmp_path / "titles.txt"
    dialogs.save_answer = out
    window.actions_.exports["lines"].trigger()
    assert dialogs.messages[0] == ("save_path", "Export Plain lines", "incidents.txt")
    assert dialogs.filters == ["Plain lines (*.txt)"]
    qtbot.waitUntil(lambda: bool(dialogs.told), timeout=30_000)
    assert dialogs.told[-1][0] == "Export finished"
    assert len(out.read_text(encoding="utf-8").splitlines()) == window.model.total


def test_import_asks_for_a_file_with_the_registrys_filter(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window, dialogs = _window(qtbot, db)
    window.actions_.import_file.trigger()  # the dialog is cancelled: nothing happens
    assert dialogs.filters == [formats.import_filter()]
    assert dialogs.filters[0] == (
        "Importable files (*.json);;Incident Desk JSON (*.json);;STIX 2.1 bundle (*.json);;"
        "MISP event JSON (*.json);;All files (*)"
    )
    assert dialogs.told == []

    # A file chosen under "All files" is read by its content: our JSON named .txt.
    exported = tmp_path / "all.json"
    handle = window.export_to("json", exported)
    assert handle is not None
    assert handle.wait(30_000)
    renamed = tmp_path / "from-a-colleague.txt"
    renamed.write_bytes(exported.read_bytes())
    dialogs.open_answer = renamed
    window.actions_.import_file.trigger()
    qtbot.waitUntil(lambda: dialogs.told[-1][0] != "Export finished", timeout=30_000)
    title, text = dialogs.told[-1]
    assert title == "Import finished"
    assert "7 unchanged" in text
    assert json_v1.JSON.suffix == ".json"
