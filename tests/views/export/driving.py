"""Driving the SITREP export dialog: choosing, exporting and reading back."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pypdf import PdfReader
from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QComboBox
    from pytestqt.qtbot import QtBot

    from desktop.views.export_dialog import ExportDialog


WAIT_MS = 20_000
TODAY = date(2023, 10, 20)


def choose(combo: QComboBox, text: str) -> None:
    """Pick the entry showing ``text`` (as the analyst does from the drop-down list)."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered"
    combo.setCurrentIndex(index)


def export(qtbot: QtBot, dialog: ExportDialog) -> None:
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    task = dialog._task
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=WAIT_MS)


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
