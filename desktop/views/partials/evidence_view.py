"""The controller behind the detail pane's evidence: list, preview, open, save a copy.

:class:`EvidenceViewer` is given the database (as a callable: the window may open another
workspace), the dialogs and the :class:`~desktop.views.partials.evidence_list.EvidenceList`
it fills. Previews are made one at a time in a private thread pool, from the service's
read-only viewing copy (desktop.services.evidence.viewing_copy); a preview that arrives
for an incident no longer shown is dropped. Open and Save a copy… run through the task
runner with the bytes copied as progress and Cancel, so a 2 GB video copied out never freezes
the window; a cancelled copy leaves nothing behind (the service writes through a temporary
file that replaces the destination only when complete).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices

from desktop.errors import DeskError
from desktop.services import evidence
from desktop.views.partials.evidence_preview import Preview, preview_kind, render
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtWidgets import QWidget

    from desktop.services.dto import IncidentData
    from desktop.services.evidence import EvidenceItem
    from desktop.store.engine import Database
    from desktop.views.partials.dialogs import Dialogs
    from desktop.views.partials.evidence_list import EvidenceList
    from desktop.views.partials.task_runner import TaskHandle


def open_file(path: Path) -> bool:
    """Open ``path`` with the system's viewer for its type; False when none took it."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class _Made(QObject):
    made = Signal(int, str, object)  # generation, sha256, Preview


class _PreviewJob(QRunnable):
    def __init__(
        self, db: Database, item: EvidenceItem, kind: str, generation: int, out: _Made
    ) -> None:
        super().__init__()
        self._db, self._item, self._kind = db, item, kind
        self._generation, self._out = generation, out

    def run(self) -> None:
        try:
            path = evidence.viewing_copy(self._db, self._item.sha256, self._item.name)
            preview = render(path, self._kind)
        except DeskError as exc:
            preview = Preview(reason=f"No preview: {exc}")
        except Exception as exc:  # a worker must never take the app down; say what it was
            preview = Preview(reason=f"No preview: {type(exc).__name__}: {exc}")
        self._out.made.emit(self._generation, self._item.sha256, preview)


class EvidenceViewer(QObject):
    """Fills an EvidenceList for the incident shown and answers its buttons."""

    def __init__(
        self,
        db: Callable[[], Database],
        dialogs: Callable[[], Dialogs],
        view: EvidenceList,
        window: QWidget,
        say: Callable[[str], None],
    ) -> None:
        super().__init__(view)
        self._db = db
        self._dialogs = dialogs
        self.view = view
        self._window = window
        self._say = say
        self.open_file: Callable[[Path], bool] = open_file  # tests record what was opened
        self.items: list[EvidenceItem] = []
        # The evidence of an incident about to be shown, read already in the window's worker.
        self._read_ahead: tuple[str, list[EvidenceItem]] | None = None
        self._generation = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # pdfium is not thread-safe; nor is one disk
        self._made = _Made(self)
        self._made.made.connect(self._preview_made)
        view.open_requested.connect(self.open)
        view.save_requested.connect(self.save_copy)

    def show(self, data: IncidentData) -> None:
        """List the evidence of ``data`` and start its previews."""
        self._generation += 1
        self.pool.clear()  # previews of the incident shown before, not started yet
        assert data.id is not None
        ahead, self._read_ahead = self._read_ahead, None
        if ahead is not None and ahead[0] == data.id:
            self.items = ahead[1]
        else:
            try:
                self.items = evidence.list_evidence(self._db(), data.id)
            except DeskError as exc:
                self.items = []
                self.view.set_items([], {})
                self.view.hint.setText(f"Cannot read the evidence: {exc}")
                return
        names = {n: c.source_name or c.source for n, c in enumerate(data.citations)}
        self.view.set_items(self.items, names)
        started: set[str] = set()
        for item in self.items:
            kind = preview_kind(item.media_type, item.size)
            if kind is None or item.sha256 in started:
                continue
            started.add(item.sha256)
            self.pool.start(_PreviewJob(self._db(), item, kind, self._generation, self._made))

    def read_ahead(self, incident_id: str, items: list[EvidenceItem]) -> None:
        """``items``, the evidence of ``incident_id`` read off the GUI thread: the next
        :meth:`show` of that incident lists them instead of reading them again."""
        self._read_ahead = (incident_id, items)

    def forget(self) -> None:
        """Nothing shown any more: late previews are dropped."""
        self._generation += 1
        self.pool.clear()
        self.items = []

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Wait for the previews under way (tests, and the window as it closes)."""
        return self.pool.waitForDone(timeout_ms)

    @Slot(int, str, object)
    def _preview_made(self, generation: int, sha256: str, preview: Preview) -> None:
        if generation == self._generation:
            self.view.show_preview(sha256, preview)

    # --- the buttons -----------------------------------------------------------------

    def open(self, item: EvidenceItem) -> TaskHandle:
        """A read-only copy, opened with the system's viewer."""
        from desktop.views.partials.task_runner import run_task

        db = self._db()

        def opened(path: Path) -> None:
            if self.open_file(path):
                self._say(f"Opened a read-only copy of {quoted(item.name)}.")
                return
            self._dialogs().warning(
                "Cannot open the file",
                f"No program on this computer opens {quoted(item.name)} ({item.media_type}).\n\n"
                "Save a copy… and open it with a program of your choice.",
            )

        return run_task(
            self._window,
            "Opening evidence",
            lambda progress: evidence.viewing_copy(db, item.sha256, item.name, progress),
            on_done=opened,
            on_error=lambda error: self._dialogs().warning("Cannot open the file", str(error)),
            on_cancelled=lambda: self._say(f"Opening {quoted(item.name)} cancelled."),
        )

    def save_copy(self, item: EvidenceItem) -> TaskHandle | None:
        """The stored bytes, exactly, to a file the analyst names."""
        from desktop.views.partials.task_runner import run_task

        path = self._dialogs().save_path("Save a copy of evidence", item.name, "All files (*)")
        if path is None:
            return None
        db = self._db()
        return run_task(
            self._window,
            "Saving a copy of evidence",
            lambda progress: evidence.get_evidence(db, item.sha256, path, progress),
            on_done=lambda _found: self._say(
                f"Saved a copy of {quoted(item.name)} to {path} (its SHA-256 checked)."
            ),
            on_error=lambda error: self._dialogs().warning(
                "Copy not saved", f"{error}\n\nNothing was written to {path}."
            ),
            on_cancelled=lambda: self._say(f"Copy cancelled: nothing was written to {path}."),
        )
