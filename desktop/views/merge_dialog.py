"""Choose, part by part, between my edit and the one someone else saved first.

Shown by the editor when a save is refused as a conflict and the analyst asks to merge.
Parts changed on one side only are already merged (listed at the top); for each part both
sides changed, the analyst picks a side. Nothing typed is lost: "mine" is the default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.views.partials.plain_widgets import plain_label

if TYPE_CHECKING:
    from desktop.services.merge import MergePlan


class MergeDialog(QDialog):
    def __init__(
        self,
        plan: MergePlan,
        who: str,
        parent: QWidget | None = None,
        *,
        intro: str = "",
        mine: str = "Keep &mine",
        theirs: str = "Take &theirs",
        ok: str = "Save merged",
    ) -> None:
        """``intro``, ``mine``, ``theirs`` and ``ok`` reword it for another merge (two
        duplicate incidents: views/duplicates_dialog.py)."""
        super().__init__(parent)
        self.setWindowTitle("Merge your changes with theirs" if not intro else "Merge incidents")
        self.resize(860, 560)
        self._groups: dict[str, QButtonGroup] = {}
        layout = QVBoxLayout(self)
        if intro:
            taken = ", ".join(plan.taken_from_theirs).lower()
            intro += f" Taken from the other, blank here: {taken}." if taken else ""
        else:
            intro = self._edit_intro(plan, who)
        layout.addWidget(plain_label(intro, self, wrap=True))
        self._parts(plan, layout, mine, theirs, ok)

    @staticmethod
    def _edit_intro(plan: MergePlan, who: str) -> str:
        intro = f"{who} saved this incident after you opened it."
        if plan.taken_from_theirs:
            intro += (
                " Their changes to "
                + ", ".join(plan.taken_from_theirs).lower()
                + " are merged in, since you did not change those parts."
            )
        if plan.conflicts:
            intro += " You both changed the parts below: choose which version to keep."
        return intro

    def _parts(
        self, plan: MergePlan, layout: QVBoxLayout, mine_text: str, theirs_text: str, ok: str
    ) -> None:
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        for conflict in plan.conflicts:
            box = QGroupBox(conflict.part, body)
            grid = QGridLayout(box)
            mine = QRadioButton(mine_text, box)
            theirs = QRadioButton(theirs_text, box)
            mine.setChecked(True)
            group = QButtonGroup(box)
            group.addButton(mine, 0)
            group.addButton(theirs, 1)
            self._groups[conflict.part] = group
            grid.addWidget(mine, 0, 0)
            grid.addWidget(theirs, 0, 1)
            grid.addWidget(plain_label(conflict.mine, box, wrap=True, selectable=True), 1, 0)
            grid.addWidget(plain_label(conflict.theirs, box, wrap=True, selectable=True), 1, 1)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 1)
            body_layout.addWidget(box)
        body_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setText(ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choose(self, part: str, theirs: bool) -> None:
        self._groups[part].button(1 if theirs else 0).setChecked(True)

    def choose_theirs(self) -> set[str]:
        """The parts the analyst gave to the other version."""
        return {part for part, group in self._groups.items() if group.checkedId() == 1}
