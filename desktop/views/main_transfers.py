"""The main window's background transfers: import and export of interchange files, and the
SITREP dialog, run through the task runner while the window stays usable.

A part of :class:`~desktop.views.main_window.MainWindow` (a mixin): ``import_file``,
``export_to`` and the ``_run`` that runs them moved here as a unit from main_window.py. The
formats come from the registry (:mod:`desktop.formats`): File ▸ Import… reads any of them,
File ▸ Export ▸ has one entry per writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt

from desktop.errors import DeskError
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    # Imported at run time by load_services(), once the first rows are painted.
    from desktop import formats  # noqa: TC004
    from desktop.formats.base import Format
    from desktop.services import duplicates, interchange  # noqa: TC004
    from desktop.services.duplicates import Candidate
    from desktop.services.progress import Progress
    from desktop.views.export_dialog import ExportDialog
    from desktop.views.import_wizard import ImportWizard
    from desktop.views.main_parts import WindowParts as _Base
    from desktop.views.partials.task_runner import TaskHandle
else:
    _Base = object

R = TypeVar("R")
# Files File ▸ Import… opens in the import wizard, to map their columns first.
SPREADSHEETS = (".csv", ".xlsx")


def load_services() -> None:
    global duplicates, formats, interchange
    from desktop import formats
    from desktop.services import duplicates, interchange


class TransfersPart(_Base):
    # --- interchange and reports (in the background) ---------------------------------

    def import_file(self, path: Path | None = None) -> TaskHandle | ImportWizard | None:
        """Import a file chosen in File ▸ Import…: a spreadsheet through the import wizard
        (which then starts the import), any other format at once."""
        path = path or self.dialogs.open_path("Import", formats.import_filter())
        if path is None:
            return None
        if path.suffix.lower() in SPREADSHEETS:
            return self._import_wizard(path)
        return self.start_import(path)

    def _import_wizard(self, path: Path) -> ImportWizard | None:
        from desktop.services.filebytes import read_bytes
        from desktop.views.import_wizard import ImportWizard

        try:
            raw = read_bytes(path)
        except DeskError as exc:
            self.dialogs.warning("Import failed", str(exc))
            return None
        wizard = ImportWizard(path, raw, interchange.read_data, parent=self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.accepted.connect(lambda: self.start_import(path, wizard.reader()))
        wizard.open()  # window-modal, without blocking the caller
        return wizard

    def start_import(self, path: Path, reader: Format | None = None) -> TaskHandle:
        """Import ``path`` in the background (with ``reader``, else as its content says)."""
        db = self._db

        def work(progress: Progress) -> tuple[interchange.ImportResult, list[Candidate], int]:
            mark = duplicates.newest_mark(db)
            result = interchange.import_file(db, path, progress, reader)
            progress.step(0, 0, "Looking for duplicates of the new incidents")
            return (result, *duplicates.since_mark(db, mark))

        def done(outcome: tuple[interchange.ImportResult, list[Candidate], int]) -> None:
            result, candidates, new = outcome
            self.reload()
            self.dialogs.information("Import finished", result.report)
            self.offer_duplicates_after_import(candidates, new)

        return self._run(
            "Importing incidents",
            work,
            done,
            "Import failed",
            "Import cancelled: the workspace is unchanged.",
            f"Nothing was imported from {path.name}: the workspace is unchanged.\n\n"
            + (
                "The problem (incidents are counted from 0, in file order):\n"
                if reader is None
                else "The problem:\n"
            ),
        )

    def export_to(self, name: str, path: Path | None = None) -> TaskHandle | None:
        """Export the incidents shown in the registered format ``name`` (File ▸ Export ▸)."""
        writer = formats.writer(name)
        path = path or self.dialogs.save_path(
            f"Export {writer.label}", f"incidents{writer.suffix}", writer.dialog_filter
        )
        if path is None:
            return None
        db, query = self._db, self.model.query

        def done(count: int) -> None:
            written = f"{plural(count, 'incident')} written to {path}."
            self.dialogs.information("Export finished", written)

        return self._run(
            "Exporting incidents",
            lambda _progress: interchange.export_file(db, path, query, writer=writer),
            done,
            "Export failed",
            "Export cancelled.",
        )

    def _run(
        self,
        title: str,
        work: Callable[[Progress], R],
        done: Callable[[R], None],
        failure: str,
        cancelled: str,
        explain: str = "",
    ) -> TaskHandle:
        """Run long work off the GUI thread; the actions wait until it is over."""
        from desktop.views.partials.task_runner import run_task

        busy = self.actions_.where(waits_for_tasks=True)
        for action in busy:
            action.setEnabled(False)
        self.news.task_started()

        def finished() -> None:
            for action in busy:
                action.setEnabled(True)
            self.news.task_finished()

        handle = run_task(
            self,
            title,
            work,
            on_done=done,
            on_error=lambda error: self.dialogs.warning(failure, f"{explain}{error}"),
            on_cancelled=lambda: self.statusBar().showMessage(cancelled, 10000),
        )
        handle.finished.connect(finished)
        return handle

    def export_sitrep(self) -> ExportDialog:
        """The SITREP dialog, starting from the table's filters."""
        from desktop.views.export_dialog import ExportDialog

        dialog = ExportDialog(
            self._db, self.model.query, dialogs=self.dialogs.for_child(), parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, without blocking the caller
        return dialog
