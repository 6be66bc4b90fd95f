"""A banner above the table when the background check found damaged or missing evidence.

It names the damaged items in one line (the first few, then how many more) and offers
Details… (every problem, one line each, as ``evidence verify`` prints them) and Dismiss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from desktop.views.palette import problem_style
from desktop.views.partials.plain_widgets import plain_label, side_button
from desktop.wording import plural, quoted

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.services.evidence import EvidenceProblem

NAMED = 3  # items named in the banner itself


def damaged_names(problems: Sequence[EvidenceProblem]) -> str:
    """e.g. ``'photo.png', 'call.mp3' and 1 more`` (a hash where an item has no name)."""
    names: list[str] = []
    for problem in problems:
        name = quoted(problem.names[0]) if problem.names else problem.sha256[:12]
        if name not in names:
            names.append(name)
    shown = ", ".join(names[:NAMED])
    if len(names) > NAMED:
        shown += f" and {len(names) - NAMED:,} more"
    return shown


def damage_summary(problems: Sequence[EvidenceProblem]) -> str:
    """e.g. ``Evidence damaged or missing: 'photo.png' (1 problem). …``"""
    return (
        f"Evidence damaged or missing: {damaged_names(problems)} "
        f"({plural(len(problems), 'problem')}). "
        "The stored bytes or their custody trail no longer match what was recorded."
    )


class DamageBanner(QFrame):
    """Hidden until :meth:`show_problems`; ``details_requested`` asks for the full list."""

    details_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence-damage")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        colour = problem_style().removeprefix("color: ").rstrip(";")
        self.setStyleSheet(
            f"#evidence-damage {{ border: 1px solid {colour}; border-radius: 4px; }}"
        )
        self.label = plain_label("", self, wrap=True, selectable=True)
        self.label.setStyleSheet(problem_style())
        self.details_button = side_button("Details…", self)
        self.details_button.clicked.connect(self.details_requested)
        self.dismiss_button = side_button("Dismiss", self)
        self.dismiss_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(self.dismiss_button)
        self.problems: tuple[EvidenceProblem, ...] = ()
        self.hide()

    def show_problems(self, problems: Sequence[EvidenceProblem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            self.hide()
            return
        self.label.setText(damage_summary(self.problems))
        self.show()

    def details(self) -> str:
        lines = [problem.line for problem in self.problems]
        return (
            "\n".join(lines)
            + "\n\nKeep the workspace as it is and restore the items from a backup or from "
            "their source. The command line's 'incident-desk evidence verify' lists the same."
        )
