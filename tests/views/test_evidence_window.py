"""Evidence in the main window, driven as an analyst would: Add evidence…, files dropped on
the detail pane, Cancel during a slow intake, previews, Open, Save a copy…, and the
background check's banner. What the store holds is checked through the service."""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from sqlalchemy import select, update

from desktop.services import evidence
from desktop.services.sample import load_sample
from desktop.store.models import EvidenceChunk, EvidenceContent
from desktop.views import main_evidence
from desktop.views.main_window import MainWindow
from desktop.views.partials import task_runner
from tests.views.evidence_driving import answer_note, drop_files, image_file, pdf_file
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from desktop.views.partials.evidence_intake import Target


@pytest.fixture
def window(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(main_evidence, "VERIFY_AFTER_MS", 0)
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win.table.selectRow(0)
    qtbot.waitUntil(lambda: win.detail.shown is not None)
    return win


def _notes(window: MainWindow, answers: list[str | None]) -> list[tuple[str, list[str]]]:
    """Answer the note dialogs with ``answers`` in turn; what each was asked about."""
    asked: list[tuple[str, list[str]]] = []
    assert window.evidence_intake is not None

    def ask(_parent: object, target: Target, paths: list[Path]) -> str | None:
        asked.append((target.words(), [p.name for p in paths]))
        return answers.pop(0)

    window.evidence_intake.ask_note = ask  # type: ignore[assignment]
    return asked


def _finish(qtbot: QtBot, window: MainWindow) -> None:
    intake = window.evidence_intake
    assert intake is not None
    qtbot.waitUntil(lambda: intake.handle is not None and intake.handle.done, timeout=30_000)


def _shown_id(window: MainWindow) -> str:
    assert window.detail.shown is not None
    assert window.detail.shown.id is not None
    return window.detail.shown.id


def test_add_evidence_attaches_many_files_with_the_typed_note(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    incident_id = _shown_id(window)
    title = window.detail.shown.title  # type: ignore[union-attr]
    files = [image_file(tmp_path / "crater.png"), tmp_path / "بيان <b>&.txt"]
    files[1].write_text("بيان رسمي\nStatement <b> & more", encoding="utf-8")
    dialogs: RecordingDialogs = window.dialogs  # type: ignore[assignment]
    dialogs.open_answers = files
    shown = answer_note(qtbot, "from the Telegram channel, captured 2023-10-18 09:12")
    window.actions_.add_evidence.trigger()
    _finish(qtbot, window)
    assert f"Attach 2 files to the incident '{title}':" in shown
    assert "crater.png\nبيان <b>&.txt" in shown
    stored = evidence.list_evidence(window.db, incident_id)
    assert [(i.name, i.citation_index) for i in stored] == [
        ("crater.png", None),
        ("بيان <b>&.txt", None),
    ]
    assert {i.note for i in stored} == {"from the Telegram channel, captured 2023-10-18 09:12"}
    assert stored[0].sha256 == hashlib.sha256(files[0].read_bytes()).hexdigest()
    assert window.statusBar().currentMessage() == f"Attached 2 files to the incident '{title}'."
    # The pane shows them at once, with the text previewed as plain text.
    viewer = window.evidence_viewer
    assert viewer is not None
    assert viewer.wait()
    qtbot.waitUntil(lambda: "Statement <b> & more" in window.detail.text())
    text = window.detail.text()
    assert "Evidence (2)" in text
    assert f"SHA-256 {stored[0].sha256[:12]}…" in text
    assert "image/png · the incident" in text
    assert "Note: from the Telegram channel, captured 2023-10-18 09:12" in text
    card = window.detail.evidence.cards[0]
    qtbot.waitUntil(lambda: not card.preview_label.pixmap().isNull())
    assert card.preview_label.pixmap().width() <= 360
    qtbot.mouseClick(card.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == stored[0].sha256


def test_files_dropped_on_the_detail_pane_go_to_the_incident_shown(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    incident_id = _shown_id(window)
    pdf = pdf_file(tmp_path / "statement.pdf")
    asked = _notes(window, ["saved from centcom.mil"])
    assert drop_files(window.detail.viewport(), [pdf])
    qtbot.waitUntil(lambda: bool(asked))
    _finish(qtbot, window)
    [item] = evidence.list_evidence(window.db, incident_id)
    assert (item.name, item.media_type, item.note) == (
        "statement.pdf",
        "application/pdf",
        "saved from centcom.mil",
    )
    card = window.detail.evidence.cards[0]
    qtbot.waitUntil(lambda: not card.preview_label.pixmap().isNull(), timeout=10_000)
    page = card.preview_label.pixmap()
    assert max(page.width(), page.height()) == 360  # the first page, scaled


def test_a_drag_without_files_is_refused_and_a_folder_is_explained(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    incident_id = _shown_id(window)
    assert not drop_files(window.detail.viewport(), [])
    _notes(window, [""])
    assert drop_files(window.detail.viewport(), [tmp_path])
    _finish(qtbot, window)
    dialogs: RecordingDialogs = window.dialogs  # type: ignore[assignment]
    [(title, text)] = dialogs.told
    assert title == "Evidence not attached"
    assert "is a folder; attach the files in it instead" in text
    assert "Nothing was stored" in text
    assert evidence.list_evidence(window.db, incident_id) == []


def test_cancel_during_a_slow_intake_stores_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services import evidence_common

    incident_id = _shown_id(window)
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\x01" * (24 << 20))
    advance = evidence_common.Reporter.advance

    def slow(self: evidence_common.Reporter, count: int) -> None:
        time.sleep(0.05)  # a slow disk: 20 MB a second
        advance(self, count)

    monkeypatch.setattr(evidence_common.Reporter, "advance", slow)
    _notes(window, [""])
    handle = window.add_evidence([big])
    assert handle is not None
    qtbot.waitUntil(lambda: handle.dialog_shown, timeout=5000)
    assert handle.dialog.isVisible()
    assert "Adding video.mp4 (1 of 1)" in handle.dialog.label.text()
    qtbot.mouseClick(handle.dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    assert window.statusBar().currentMessage() == "Attaching cancelled: nothing was stored."
    assert evidence.list_evidence(window.db, incident_id) == []
    with window.db.begin() as session:
        assert session.scalars(select(EvidenceContent)).all() == []
    assert task_runner.active_tasks() == []


def test_open_uses_a_read_only_copy_and_save_a_copy_writes_the_exact_bytes(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    data = bytes(range(256)) * 100
    (tmp_path / "capture.bin").write_bytes(data)
    _notes(window, [""])
    window.add_evidence([tmp_path / "capture.bin"])
    _finish(qtbot, window)
    viewer = window.evidence_viewer
    assert viewer is not None
    opened: list[Path] = []
    viewer.open_file = lambda path: opened.append(path) or True  # type: ignore[func-returns-value]
    card = window.detail.evidence.cards[0]
    qtbot.mouseClick(card.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened))
    assert opened[0].name == "capture.bin"
    assert opened[0].read_bytes() == data
    assert not opened[0].stat().st_mode & 0o222  # read-only
    dialogs: RecordingDialogs = window.dialogs  # type: ignore[assignment]
    dialogs.save_answer = tmp_path / "out" / "copy.bin"
    (tmp_path / "out").mkdir()
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved a copy" in window.statusBar().currentMessage())
    assert (tmp_path / "out" / "copy.bin").read_bytes() == data
    # No program for the type: said plainly, with what to do instead.
    viewer.open_file = lambda _path: False
    qtbot.mouseClick(card.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs.told))
    title, text = dialogs.told[-1]
    assert title == "Cannot open the file"
    assert "No program on this computer opens 'capture.bin'" in text


def test_damage_found_by_the_background_check_is_shown_in_a_banner(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_evidence, "VERIFY_AFTER_MS", 0)
    load_sample(db)
    [first, *_rest] = evidence_list_ids(db)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 100)
    [item] = evidence.add_evidence(db, [tmp_path / "photo.png"], first)
    with db.begin() as session:
        content = session.scalars(select(EvidenceContent)).one()
        content_id = content.id
        original = session.scalars(
            select(EvidenceChunk.data).where(EvidenceChunk.content_id == content_id)
        ).one()
        session.execute(
            update(EvidenceChunk)
            .where(EvidenceChunk.content_id == content.id)
            .values(data=b"tampered")
        )
    win = MainWindow(db, offer_sample=False)
    dialogs = RecordingDialogs()
    win.dialogs = dialogs  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(
        lambda: win.verify_handle is not None and win.verify_handle.done, timeout=10_000
    )
    banner = win.damage_banner
    assert banner.isVisible()
    assert banner.label.text().startswith("Evidence damaged or missing: 'photo.png' (1 problem).")
    assert "photo.png" in win.statusBar().currentMessage()
    qtbot.mouseClick(banner.details_button, Qt.MouseButton.LeftButton)
    [(title, text)] = dialogs.told
    assert title == "Evidence damaged or missing"
    assert f"damaged: 'photo.png' {item.sha256}" in text
    checked = evidence.last_verified(db)
    assert checked is not None
    # Dismissed, it is gone from this window, but the workspace remembers the damage.
    qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    win.close()
    # Checked today: opening again does not check again, and shows the damage again.
    again = MainWindow(db, offer_sample=False)
    again_dialogs = RecordingDialogs()
    again.dialogs = again_dialogs  # type: ignore[assignment]
    qtbot.addWidget(again)
    again.resize(1100, 700)
    again.show()
    qtbot.waitUntil(lambda: again.verify_handle is not None and again.verify_handle.done)
    assert evidence.last_verified(db) == checked
    assert again.damage_banner.isVisible()
    assert again.damage_banner.label.text() == banner.label.text()
    assert "photo.png" in again.statusBar().currentMessage()
    again.damage_banner.grab().save(str(tmp_path / "banner-again.png"))
    # Dismissed again: Edit ▸ Damaged evidence… lists it and brings the banner back.
    qtbot.mouseClick(again.damage_banner.dismiss_button, Qt.MouseButton.LeftButton)
    edit_menu = next(
        a.menu() for a in again.menuBar().actions() if a.text() == "&Edit" and a.menu()
    )
    assert "Da&maged evidence…" in [a.text() for a in edit_menu.actions()]
    again.actions_.damaged_evidence.trigger()
    [(title, text)] = again_dialogs.told
    assert title == "Evidence damaged or missing"
    assert f"damaged: 'photo.png' {item.sha256}" in text
    assert again.damage_banner.isVisible()
    # Repaired (the bytes put back): Check evidence now finds it intact; the banner goes
    # and stays gone on the next open.
    with db.begin() as session:
        session.execute(
            update(EvidenceChunk)
            .where(EvidenceChunk.content_id == content_id)
            .values(data=original)
        )
    again.actions_.check_evidence.trigger()
    assert again.verify_handle is not None
    qtbot.waitUntil(lambda: again.verify_handle is not None and again.verify_handle.done)
    assert not again.damage_banner.isVisible()
    assert again.statusBar().currentMessage().startswith("Evidence checked:")
    assert evidence.last_problems(db) == ()
    again.actions_.damaged_evidence.trigger()
    kind, title, text = again_dialogs.messages[-1]
    assert (kind, title) == ("information", "No damaged evidence")
    assert "found every item intact" in text


def test_an_intact_workspace_says_so_and_shows_no_banner(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("report")
    evidence.add_evidence(window.db, [tmp_path / "a.txt"], _shown_id(window))
    handle = window.check_evidence()
    assert handle is not None
    qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    assert window.statusBar().currentMessage() == "Evidence checked: 1 item intact."
    assert not window.damage_banner.isVisible()


def evidence_list_ids(db: Database) -> list[str]:
    from desktop.services import incidents
    from desktop.services.dto import IncidentQuery

    return [row.id for row in incidents.list_incidents(db, IncidentQuery())]
