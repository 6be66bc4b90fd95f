"""Open and Save a copy… of a large item: progress, Cancel, the window never blocked, and
nothing left behind by a cancelled copy. Driven through the detail pane's buttons."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from desktop.services import evidence, evidence_common
from desktop.services.sample import load_sample
from desktop.views import main_evidence
from desktop.views.main_window import MainWindow
from desktop.views.partials import task_runner
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from desktop.views.partials.task_runner import TaskHandle

BIG = 24 << 20  # 24 MiB: 24 stored pieces


@pytest.fixture
def window(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    """The sample, a 24 MiB video on the first incident, shown in the detail pane; then a
    slow disk (20 MB a second) for every copy out."""
    monkeypatch.setattr(main_evidence, "VERIFY_AFTER_MS", 60_000)  # no check meanwhile
    load_sample(db)
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=False)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win.table.selectRow(0)
    qtbot.waitUntil(lambda: win.detail.shown is not None)
    assert win.detail.shown is not None
    assert win.detail.shown.id is not None
    (tmp_path / "video.mp4").write_bytes(b"\x01" * BIG)
    evidence.add_evidence(db, [tmp_path / "video.mp4"], win.detail.shown.id)
    win.table.selectRow(1)
    win.table.selectRow(0)
    qtbot.waitUntil(lambda: len(win.detail.evidence.cards) == 1)
    advance = evidence_common.Reporter.advance

    def slow(self: evidence_common.Reporter, count: int) -> None:
        time.sleep(0.05)
        advance(self, count)

    monkeypatch.setattr(evidence_common.Reporter, "advance", slow)
    return win


def _cancel_when_shown(
    qtbot: QtBot, window: MainWindow, handle: TaskHandle, text: str, shots: Path
) -> None:
    qtbot.waitUntil(lambda: handle.dialog_shown, timeout=5000)
    assert handle.dialog.isVisible()
    assert text in handle.dialog.label.text()
    handle.dialog.grab().save(str(shots / f"{text.split()[-1]}.png"))
    # The window answers meanwhile: another incident can be selected and is shown.
    assert window.detail.shown is not None
    before = window.detail.shown.id
    window.table.selectRow(1 if window.table.currentIndex().row() != 1 else 0)
    qtbot.waitUntil(lambda: window.detail.shown is not None and window.detail.shown.id != before)
    assert not handle.done
    qtbot.mouseClick(handle.dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    assert task_runner.active_tasks() == []


def test_a_cancelled_save_leaves_the_destination_as_it_was(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    sha = window.detail.evidence.cards[0].item.sha256
    before = [c.action for c in evidence.custody_trail(window.db, sha)]
    out = tmp_path / "out"
    out.mkdir()
    dialogs: RecordingDialogs = window.dialogs  # type: ignore[assignment]
    # A new file: nothing at all is left.
    dialogs.save_answer = out / "copy.mp4"
    card = window.detail.evidence.cards[0]
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    assert window.evidence_viewer is not None
    handle = task_runner.active_tasks()[-1]
    _cancel_when_shown(qtbot, window, handle, "Copying copy.mp4", tmp_path)
    assert window.statusBar().currentMessage() == (
        f"Copy cancelled: nothing was written to {out / 'copy.mp4'}."
    )
    assert list(out.iterdir()) == []
    # Over an existing file: it keeps its bytes.
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: len(window.detail.evidence.cards) == 1)
    (out / "old.mp4").write_bytes(b"yesterday's copy")
    dialogs.save_answer = out / "old.mp4"
    qtbot.mouseClick(window.detail.evidence.cards[0].save_button, Qt.MouseButton.LeftButton)
    handle = task_runner.active_tasks()[-1]
    _cancel_when_shown(qtbot, window, handle, "Copying old.mp4", tmp_path)
    assert [p.name for p in out.iterdir()] == ["old.mp4"]
    assert (out / "old.mp4").read_bytes() == b"yesterday's copy"
    # Neither counts as an export in the custody trail.
    assert [c.action for c in evidence.custody_trail(window.db, sha)] == before
    assert dialogs.told == []


def test_a_cancelled_open_leaves_no_viewing_copy(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    viewer = window.evidence_viewer
    assert viewer is not None
    opened: list[Path] = []
    viewer.open_file = lambda path: opened.append(path) or True  # type: ignore[func-returns-value]
    qtbot.mouseClick(window.detail.evidence.cards[0].open_button, Qt.MouseButton.LeftButton)
    handle = task_runner.active_tasks()[-1]
    _cancel_when_shown(qtbot, window, handle, "Copying video.mp4", tmp_path)
    assert window.statusBar().currentMessage() == "Opening 'video.mp4' cancelled."
    assert opened == []
    folder = vars(evidence)["_viewing_folder"]
    assert folder is None or not any(p.is_file() for p in folder.rglob("*"))
