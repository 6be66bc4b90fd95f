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
    from tests.conftest import DbUrls


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
        "&CSV spreadsheet…",
        "&Excel workbook…",
        "&ACLED CSV…",
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
        "Importable files (*.json *.csv *.xlsx *.zip);;Incident Desk JSON (*.json);;"
        "STIX 2.1 bundle (*.json);;MISP event JSON (*.json);;CSV spreadsheet (*.csv);;"
        "Excel workbook (*.xlsx);;ACLED CSV (*.csv);;Evidence bundle (*.zip);;All files (*)"
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


def test_a_bundle_chosen_in_import_brings_incidents_and_evidence(
    qtbot: QtBot, db: Database, tmp_path: Path, new_db_url: DbUrls
) -> None:
    from desktop.services import evidence, evidence_transfer, incidents
    from desktop.services.dto import IncidentQuery
    from desktop.store.engine import open_database

    # A colleague's workspace: the sample, a photo on its first incident, sent as a bundle.
    load_sample(db)
    first = incidents.list_incidents(db, IncidentQuery())[0]
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"p" * 500)
    [item] = evidence.add_evidence(db, [tmp_path / "photo.png"], first.id)
    bundle = tmp_path / "case.zip"
    evidence_transfer.export_bundle(db, bundle)
    # An empty workspace of one's own: File ▸ Import…, the bundle chosen.
    url = new_db_url()
    mine = open_database(url)
    try:
        window = MainWindow(mine, offer_sample=False)
        dialogs = RecordingDialogs(answer=False)
        window.dialogs = dialogs  # type: ignore[assignment]
        qtbot.addWidget(window)
        window.show()
        dialogs.open_answer = bundle
        window.actions_.import_file.trigger()
        assert "Evidence bundle (*.zip)" in dialogs.filters[0].split(";;")
        assert "*.zip" in dialogs.filters[0].split(";;")[0]  # also among "Importable files"
        qtbot.waitUntil(lambda: bool(dialogs.told), timeout=30_000)
        title, text = dialogs.told[-1]
        assert title == "Import finished"
        assert "7 incidents added" in text
        qtbot.waitUntil(lambda: window.model.total == 7)
        [kept] = evidence.list_evidence(mine)
        assert (kept.sha256, kept.name, kept.incident_id) == (item.sha256, "photo.png", first.id)
        assert [c.action for c in evidence.custody_trail(mine, item.sha256)][-2:] == [
            "imported",
            "linked",
        ]
        window.close()
    finally:
        mine.close()
        new_db_url.drop(url)
