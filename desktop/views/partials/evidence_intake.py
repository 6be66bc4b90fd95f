"""Taking files in as evidence: where they go, an optional note, the intake off the GUI thread.

:class:`EvidenceIntake` is the controller the main window and the editor share: given the
files and their :class:`Target` (an incident, or one of its citations), it asks for the note
(:class:`NoteDialog`, replaceable in tests through ``ask_note``), then runs
:func:`desktop.services.evidence.add_evidence` in a worker with the task runner's progress
dialog and Cancel. The service stores all the files in one transaction, so a cancel or a
failure leaves nothing half-stored; the analyst is told which, in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services import evidence
from desktop.wording import plural, quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from PySide6.QtCore import QMimeData

    from desktop.errors import DeskError
    from desktop.services.evidence import EvidenceItem
    from desktop.store.engine import Database
    from desktop.views.partials.dialogs import Dialogs
    from desktop.views.partials.task_runner import TaskHandle

NOTE_HINT = "What it is and where it came from: URL, channel, capture time (optional)"


def local_files(mime: QMimeData) -> list[Path]:
    """The local files a drag carries (web addresses and the like are not files)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class FileDrops(QObject):
    """Files dropped on ``widget`` (a scroll area's viewport, say) go to ``dropped(paths,
    position)``; ``accepts(position)`` says whether a drop there is taken (the cursor
    shows it). A drag that carries no local file is never taken."""

    def __init__(
        self,
        widget: QWidget,
        accepts: Callable[[QPoint], bool],
        dropped: Callable[[list[Path], QPoint], None],
    ) -> None:
        super().__init__(widget)
        self._accepts = accepts
        self._dropped = dropped
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event, (QDragEnterEvent, QDragMoveEvent)
        ):
            position = event.position().toPoint()
            if local_files(event.mimeData()) and self._accepts(position):
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            paths = local_files(event.mimeData())
            position = event.position().toPoint()
            if not paths or not self._accepts(position):
                event.ignore()
                return True
            event.acceptProposedAction()
            # After the drop has returned: the note dialog must not run inside the drag
            # (the file manager that started it would wait for it).
            QTimer.singleShot(0, self, lambda: self._dropped(paths, position))
            return True
        return super().eventFilter(watched, event)


@dataclass(frozen=True)
class Target:
    """Where files are attached: an incident, or its citation ``citation_index`` (from 0)."""

    incident_id: str
    incident_title: str
    citation_index: int | None = None
    citation_name: str = ""

    def words(self) -> str:
        """e.g. ``citation 2 (Reuters) of 'Drone attack'`` or ``the incident 'Drone attack'``."""
        if self.citation_index is None:
            return f"the incident {quoted(self.incident_title)}"
        name = f" ({self.citation_name})" if self.citation_name else ""
        return f"citation {self.citation_index + 1}{name} of {quoted(self.incident_title)}"


class NoteDialog(QDialog):
    """What is about to be attached, where, and a note for the intake."""

    def __init__(self, target: Target, paths: Sequence[Path], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add evidence")
        self.setMinimumWidth(460)
        heading = QLabel(f"Attach {plural(len(paths), 'file')} to {target.words()}:", self)
        names = QLabel("\n".join(path.name for path in paths[:8]), self)
        if len(paths) > 8:
            names.setText(f"{names.text()}\n… and {len(paths) - 8:,} more")
        for label in (heading, names):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        names.setIndent(12)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText(NOTE_HINT)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(80)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Attach")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(names)
        layout.addWidget(QLabel("Note:", self))
        layout.addWidget(self.note_edit)
        layout.addWidget(buttons)
        self.note_edit.setFocus()

    def note(self) -> str:
        return self.note_edit.toPlainText().strip()


def ask_note(parent: QWidget, target: Target, paths: Sequence[Path]) -> str | None:
    """The note for the intake ("" for none); None when the analyst cancels."""
    dialog = NoteDialog(target, paths, parent)
    try:
        return dialog.note() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


class EvidenceIntake(QObject):
    """Attach files in the background; :attr:`attached` carries the items stored.

    ``say`` shows a short line (the status bar); problems are warnings through ``dialogs``.
    One intake at a time per controller: a second one asked for meanwhile is refused.
    """

    attached = Signal(object)  # list[EvidenceItem]

    def __init__(
        self,
        db: Callable[[], Database],
        dialogs: Callable[[], Dialogs],
        parent: QWidget,
        say: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._dialogs = dialogs
        self._widget = parent
        self._say = say or (lambda _text: None)
        self.ask_note: Callable[[QWidget, Target, Sequence[Path]], str | None] = ask_note
        self.handle: TaskHandle | None = None

    @property
    def busy(self) -> bool:
        return self.handle is not None and not self.handle.done

    def attach(self, paths: Sequence[Path], target: Target) -> TaskHandle | None:
        """Ask for the note, then start the intake; None when nothing was started."""
        from desktop.views.partials.task_runner import run_task

        paths = [Path(p) for p in paths]
        if not paths:
            self._dialogs().warning("Add evidence", "Only files can be attached: nothing to add.")
            return None
        if self.busy:
            self._dialogs().warning(
                "Add evidence", "Files are still being attached: wait until they are in."
            )
            return None
        note = self.ask_note(self._widget, target, paths)
        if note is None:
            return None
        db = self._db()

        def done(items: list[EvidenceItem]) -> None:
            self._say(f"Attached {plural(len(items), 'file')} to {target.words()}.")
            self.attached.emit(items)

        def failed(error: DeskError) -> None:
            self._dialogs().warning(
                "Evidence not attached",
                f"{error}\n\nNothing was stored: attach the files again once this is fixed.",
            )

        self.handle = run_task(
            self._widget,
            "Attaching evidence",
            lambda progress: evidence.add_evidence(
                db, paths, target.incident_id, target.citation_index, note, progress
            ),
            on_done=done,
            on_error=failed,
            on_cancelled=lambda: self._say("Attaching cancelled: nothing was stored."),
        )
        return self.handle
