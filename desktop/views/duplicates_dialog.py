"""Review candidate duplicates: each pair with its score and reasons; Merge, Not a duplicate
or Skip.

Opened by Edit ▸ Find duplicates… (the whole workspace), after a save in the editor (that
incident's candidates) and after an import (the new incidents' candidates). Merge keeps the
incident chosen above the buttons and merges the other into it through the merge dialog
when the two disagree on a part; Not a duplicate is remembered, so the pair never comes
back; Skip leaves the pair for another time. The window reloads when the dialog has changed
anything (:attr:`changed`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DeskError
from desktop.services import duplicates
from desktop.views.merge_dialog import MergeDialog
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.plain_widgets import plain_label

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from desktop.services.duplicates import Candidate
    from desktop.services.merge import MergePlan
    from desktop.store.engine import Database

COLUMNS = ("Score", "Incident", "Possible duplicate", "Why")


class DuplicatesDialog(QDialog):
    """The pairs, best first; the buttons act on the selected one."""

    changed = Signal()  # something was merged or dismissed: the window reads again

    def __init__(
        self,
        db: Database,
        candidates: Sequence[Candidate],
        *,
        intro: str = "",
        dialogs: Dialogs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._pairs = list(candidates)
        self.dialogs = dialogs or Dialogs(self)
        # Which conflicting parts go to the other incident (None: cancelled); tests answer.
        self.ask_merge: Callable[[MergePlan, Candidate, bool], set[str] | None] = self._ask_merge
        self.setWindowTitle("Possible duplicates")
        self.resize(1040, 520)
        layout = QVBoxLayout(self)
        self.intro = plain_label(
            intro or "Incidents that may record the same event, best first.", self, wrap=True
        )
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        keep_row = QHBoxLayout()
        keep_row.addWidget(plain_label("On merge, keep:", self))
        self.keep_first = QRadioButton("the &incident", self)
        self.keep_second = QRadioButton("the &possible duplicate", self)
        self.keep_first.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.keep_first)
        group.addButton(self.keep_second)
        keep_row.addWidget(self.keep_first)
        keep_row.addWidget(self.keep_second)
        keep_row.addStretch(1)
        layout.addLayout(keep_row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.merge_button = self._button(buttons, "&Merge…", self.merge_selected)
        self.dismiss_button = self._button(buttons, "&Not a duplicate", self.dismiss_selected)
        self.skip_button = self._button(buttons, "&Skip", self.skip_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        # Wrapped cells are as tall as their width makes them: measured again when it changes.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self._fill()

    def _button(self, box: QDialogButtonBox, text: str, slot: Callable[[], object]) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- what callers and tests use ----------------------------------------------------

    @property
    def pairs(self) -> list[Candidate]:
        return list(self._pairs)

    def selected(self) -> Candidate | None:
        row = self.table.currentRow()
        return self._pairs[row] if 0 <= row < len(self._pairs) else None

    def select(self, row: int) -> None:
        self.table.selectRow(row)

    def merge_selected(self) -> bool:
        """Merge the selected pair (into the side chosen to keep); True when merged."""
        pair = self.selected()
        if pair is None:
            return False
        keep_first = self.keep_first.isChecked()
        keep, other = (pair.a, pair.b) if keep_first else (pair.b, pair.a)
        try:
            merged = duplicates.merge_incidents(
                self._db,
                keep.id,
                other.id,
                ask=lambda plan: self.ask_merge(plan, pair, keep_first),
            )
        except DeskError as error:
            self.dialogs.warning("Could not merge", str(error))
            return False
        if merged is None:
            return False
        # The merged-away incident is in the trash: no pair with it is left to review.
        self._drop(lambda c: other.id in (c.a.id, c.b.id) or c is pair)
        self.changed.emit()
        return True

    def dismiss_selected(self) -> bool:
        """Remember the selected pair as two different events."""
        pair = self.selected()
        if pair is None:
            return False
        try:
            duplicates.mark_not_duplicate(self._db, pair.a.id, pair.b.id)
        except DeskError as error:
            self.dialogs.warning("Could not mark the pair", str(error))
            return False
        self._drop(lambda c: c is pair)
        self.changed.emit()
        return True

    def skip_selected(self) -> None:
        """Leave the pair as it is and go to the next one."""
        row = self.table.currentRow()
        if row + 1 < self.table.rowCount():
            self.table.selectRow(row + 1)

    # --- inside ------------------------------------------------------------------------

    def _fill(self) -> None:
        self.table.setRowCount(len(self._pairs))
        for row, pair in enumerate(self._pairs):
            cells = (
                f"{pair.score:.2f}",
                f"{pair.a.title}\n{pair.a.when} · {pair.a.place}",
                f"{pair.b.title}\n{pair.b.when} · {pair.b.place}",
                "\n".join(pair.reasons),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        if self._pairs:
            self.table.selectRow(0)
        self._update_buttons()

    def _drop(self, gone: Callable[[Candidate], bool]) -> None:
        row = max(self.table.currentRow(), 0)
        self._pairs = [c for c in self._pairs if not gone(c)]
        self._fill()
        if self._pairs:
            self.table.selectRow(min(row, len(self._pairs) - 1))
        else:
            self.intro.setText("No more pairs to review.")

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.merge_button, self.dismiss_button, self.skip_button):
            button.setEnabled(chosen)

    def _ask_merge(self, plan: MergePlan, pair: Candidate, keep_first: bool) -> set[str] | None:
        keep, other = (pair.a, pair.b) if keep_first else (pair.b, pair.a)
        dialog = MergeDialog(
            plan,
            "",
            self,
            intro=(
                f"Merging “{other.title}” into “{keep.title}”: its actors, tags and "
                "citations are added, and it goes to the trash. Choose, for each part the "
                "two record differently, which to keep."
            ),
            mine="Keep &this incident's",
            theirs="Take the &other's",
            ok="Merge",
        )
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.choose_theirs() if accepted else None
