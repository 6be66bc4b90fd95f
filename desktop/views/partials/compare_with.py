"""Which earlier report the SITREP's "Changes since" box compares with.

The recorded reports of the same scope, newest first (the default, as on the command line),
and "None", which leaves the box and the NEW / UPDATED marks out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.services.report_request import NONE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.services.report_records import ReportSummary

NONE_TEXT = "None: no changes box"
NOTHING_EARLIER = "None (no earlier report of this scope)"


class CompareWith(QComboBox):
    """``choice()`` is the report id chosen, or None."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self.setToolTip(
            "The report printed in this one's box “Changes since the report of …”: new, "
            "updated and no longer included incidents"
        )
        self.currentIndexChanged.connect(self.changed)
        self.set_reports(())

    def set_reports(self, reports: Sequence[ReportSummary]) -> None:
        """Offer ``reports`` (newest first); keep the one chosen if it is still offered."""
        kept = self.choice()
        none_chosen = self.currentText() == NONE_TEXT  # chosen, not merely all there was
        self.blockSignals(True)
        try:
            self.clear()
            for report in reports:
                self.addItem(report.label, report.id)
                self.setItemData(self.count() - 1, report.scope.words, Qt.ItemDataRole.ToolTipRole)
            self.addItem(NONE_TEXT if reports else NOTHING_EARLIER, NONE)
            ids = [report.id for report in reports]
            if none_chosen and reports:
                self.setCurrentIndex(self.count() - 1)
            else:
                self.setCurrentIndex(ids.index(kept) if kept in ids else 0)
        finally:
            self.blockSignals(False)
        self.changed.emit()

    def choice(self) -> str | None:
        data = self.currentData()
        return None if data in (None, NONE) else str(data)
