"""Driving evidence in the windows as a person does: files dropped, a note typed, Attach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from desktop.views.partials.evidence_intake import NoteDialog

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QWidget
    from pytestqt.qtbot import QtBot


def drop_files(widget: QWidget, paths: list[Path], position: QPoint | None = None) -> bool:
    """Drag ``paths`` over ``widget`` and drop them at ``position``; whether it took them."""
    at = position or QPoint(20, 20)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    copy, left, none = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(at, copy, mime, left, none)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(at), copy, mime, left, none)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def answer_note(qtbot: QtBot, note: str, accept: bool = True) -> list[str]:
    """Type ``note`` in the next note dialog and click Attach (or Cancel); the dialog's
    heading and file names, as shown, once it was answered."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NoteDialog):
            QTimer.singleShot(20, answer)
            return
        seen.extend(label.text() for label in dialog.findChildren(QLabel))
        qtbot.keyClicks(dialog.note_edit, note)
        box = dialog.findChild(QDialogButtonBox)
        assert box is not None
        button = QDialogButtonBox.StandardButton
        which = button.Ok if accept else button.Cancel
        qtbot.mouseClick(box.button(which), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    return seen


def image_file(path: Path, width: int = 800, height: int = 500) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#2b6cb0"))
    for x in range(0, width, 40):
        for y in range(height):
            image.setPixelColor(x, y, QColor("#f6e05e"))
    assert image.save(str(path))
    return path


def pdf_file(path: Path, text: str = "Statement of 18 October") -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    page.setFont("Helvetica-Bold", 28)
    page.drawString(72, 700, text)
    page.rect(72, 400, 400, 200, fill=1)
    page.save()
    return path
