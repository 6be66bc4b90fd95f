"""The main window's duplicate review: Edit ▸ Find duplicates…, and the candidates offered
after a save in the editor and after an import.

A part of :class:`~desktop.views.main_window.MainWindow` (a mixin). The workspace's scan runs
in the background (seconds at 100,000 incidents); one incident's candidates are a few
milliseconds, looked up on the GUI thread right after its save.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Sequence

    # Imported at run time by load_services(), once the first rows are painted.
    from desktop.services import duplicates  # noqa: TC004
    from desktop.services.duplicates import Candidate
    from desktop.views.duplicates_dialog import DuplicatesDialog
    from desktop.views.main_parts import WindowParts as _Base
    from desktop.views.partials.task_runner import TaskHandle
else:
    _Base = object


def load_services() -> None:
    global duplicates
    from desktop.services import duplicates


class DuplicatesPart(_Base):
    def find_duplicates(self) -> TaskHandle:
        """Scan the workspace for candidate pairs, then show them for review."""
        db = self._db

        def done(candidates: list[Candidate]) -> None:
            if not candidates:
                self.dialogs.information(
                    "No duplicates found", "No two incidents look like records of one event."
                )
                return
            self.review_duplicates(candidates)

        return self._run(
            "Looking for duplicates",
            lambda _progress: duplicates.find_pairs(db),
            done,
            "Could not look for duplicates",
            "The search for duplicates was cancelled.",
        )

    def review_duplicates(
        self, candidates: Sequence[Candidate], intro: str = ""
    ) -> DuplicatesDialog:
        """The review dialog over ``candidates``, window-modal and not blocking."""
        from desktop.views.duplicates_dialog import DuplicatesDialog

        dialog = DuplicatesDialog(
            self._db, candidates, intro=intro, dialogs=self.dialogs.for_child(), parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.reload)
        dialog.open()
        return dialog

    def offer_duplicates_of(self, incident_id: str) -> DuplicatesDialog | None:
        """After a save: the saved incident's candidates, if it has any."""
        candidates = self._attempt(
            "Cannot look for duplicates", duplicates.candidates_for, self._db, incident_id
        )
        if not candidates:
            return None
        first = candidates[0]
        title = first.a.title if first.a.id == incident_id else first.b.title
        return self.review_duplicates(
            candidates,
            f"“{title}” may record the same event as {plural(len(candidates), 'incident')} "
            "below. Merge it with one, or mark them as not duplicates.",
        )

    def offer_duplicates_after_import(self, candidates: Sequence[Candidate], new: int) -> None:
        """After an import: how many new incidents have candidates, and a way to review."""
        if not candidates or not new:
            return
        if self.dialogs.question(
            "Possible duplicates",
            f"{plural(new, 'new incident')} may record the same event as another "
            f"({plural(len(candidates), 'pair')}). Review them now?\n\n"
            "Edit ▸ Find duplicates… lists them later too.",
        ):
            self.review_duplicates(candidates, "Pairs with an incident just imported, best first.")
