"""Since the last report, in the export dialog: the report to compare with, and a bottom
line drafted from the data for when none is typed.

One row for the dialog to add: it lists the recorded reports of the dialog's scope
(:class:`CompareWith`) and drafts from the incidents the report would hold, compared with
the one chosen (:class:`BlufDraft`). ``refresh()`` follows the dialog's filters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QWidget

from desktop.errors import DeskError
from desktop.services import bluf, report_records
from desktop.services.report_settings import ReportScope
from desktop.views.partials.bluf_draft import BlufDraft
from desktop.views.partials.compare_with import CompareWith

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services.dto import IncidentQuery
    from desktop.store.engine import Database


class SinceLastReport(QWidget):
    """``choice()``: the report to compare with (an id, or None); ``chosen``: the draft the
    analyst took for the key points."""

    chosen = Signal(str)

    def __init__(
        self,
        db: Database,
        query: Callable[[], IncidentQuery],
        release: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._query = query
        self._release = release  # a releasable version's level, or ""
        self.compare = CompareWith(self)
        self.draft = BlufDraft(self._drafted, self)
        self.draft.chosen.connect(self.chosen)
        self.compare.changed.connect(self.draft.outdated)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Compare with", self.compare)
        form.addRow("Bottom line", self.draft)

    def refresh(self) -> None:
        """Offer the reports of the dialog's scope (at or below its release level) now; a
        draft for another scope is dropped."""
        try:
            scope = ReportScope.of(self._query())
            reports = report_records.comparable(self._db, scope, self._release())
        except DeskError:
            reports = []  # only an offer: without it, the report is compared with nothing
        self.compare.set_reports(reports)

    def choice(self) -> str | None:
        return self.compare.choice()

    def _drafted(self) -> tuple[str, ...]:
        return bluf.draft_for(self._db, self._query(), self.choice(), release=self._release())
