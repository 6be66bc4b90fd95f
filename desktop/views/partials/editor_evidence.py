"""Evidence in the incident editor: files dropped on a citation, and Add evidence….

Dropped on a citation's row, files are attached to that citation; dropped below the rows,
or added with Add evidence… while no citation is selected, to the incident. Evidence is
stored at once (desktop.views.partials.evidence_intake), linked to the incident as saved:
a new incident, or citations changed and not yet saved, are saved first, so that a file is
never linked to a citation that is not (or no longer) the one the analyst sees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop.errors import DeskError
from desktop.services import evidence
from desktop.views.partials.evidence_intake import EvidenceIntake, FileDrops, Target
from desktop.views.partials.plain_widgets import plain_label, side_button
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QWidget

    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from desktop.views.partials.citations_edit import CitationsEdit
    from desktop.views.partials.dialogs import Dialogs
    from desktop.views.partials.task_runner import TaskHandle

SAVE_FIRST = "Save the incident first, then attach files to it."
CITATIONS_CHANGED = (
    "The citations have changed since the incident was saved. Save it first, so the files "
    "are linked to the citation you see."
)


class EditorEvidence(QObject):
    """Wires evidence into the editor's citations; :attr:`intake` does the work."""

    def __init__(
        self,
        db: Database,
        dialogs: Callable[[], Dialogs],
        citations: CitationsEdit,
        saved: Callable[[], IncidentData],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._dialogs = dialogs
        self._citations = citations
        self._saved = saved
        self.intake = EvidenceIntake(lambda: db, dialogs, parent)
        self.add_button = side_button("Add e&vidence…", citations)
        self.add_button.setToolTip(
            "Attach files to the selected citation (or, with none selected, to the incident). "
            "Files dropped on a citation's row are attached to it."
        )
        self.add_button.clicked.connect(lambda: self.add())
        citations.buttons_layout.insertWidget(3, self.add_button)  # after Remove
        self.count_label = plain_label("", citations)
        self.count_label.setStyleSheet("color: palette(placeholder-text);")
        citations.buttons_layout.addWidget(self.count_label)
        self.drops = FileDrops(citations.table.viewport(), lambda _p: True, self._dropped)
        citations.table.selectionModel().selectionChanged.connect(self.show_count)
        citations.model.modelReset.connect(self.show_count)
        self.intake.attached.connect(lambda _items: self.show_count())
        self.show_count()

    def target(self, row: int | None) -> Target | None:
        """Where files go for citation ``row`` (None: the incident); None, after telling
        the analyst why, when the incident must be saved first."""
        record = self._saved()
        if record.id is None:
            self._dialogs().warning("Add evidence", SAVE_FIRST)
            return None
        if self._citations.citations() != record.citations:
            self._dialogs().warning("Add evidence", CITATIONS_CHANGED)
            return None
        if row is None:
            return Target(record.id, record.title)
        citation = record.citations[row]
        return Target(record.id, record.title, row, citation.source_name or citation.source)

    def add(self, paths: list[Path] | None = None) -> TaskHandle | None:
        """Add evidence… : to the selected citation, or to the incident."""
        target = self.target(self._citations.selected_row())
        if target is None:
            return None
        if paths is None:
            paths = self._dialogs().open_paths("Add evidence", "All files (*)")
            if not paths:
                return None
        return self.intake.attach(paths, target)

    def _dropped(self, paths: list[Path], position: QPoint) -> None:
        index = self._citations.table.indexAt(position)
        target = self.target(index.row() if index.isValid() else None)
        if target is not None:
            self.intake.attach(paths, target)

    def show_count(self) -> None:
        """How many files the incident keeps, and the selected citation."""
        record = self._saved()
        if record.id is None:
            self.count_label.setText("")
            return
        try:
            items = evidence.list_evidence(self._db, record.id)
        except DeskError:
            self.count_label.setText("")
            return
        row = self._citations.selected_row()
        text = f"{plural(len(items), 'file')} kept" if items else "no files kept"
        if row is not None:
            on_row = sum(1 for item in items if item.citation_index == row)
            text += f" · this citation: {on_row:,}"
        self.count_label.setText(text)
