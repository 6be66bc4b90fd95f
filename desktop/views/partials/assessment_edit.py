"""The analyst's judgement: status, confidence and likelihood, beside what the sources suggest.

The suggestion (``services.suggest``) is recomputed whenever the citations change and can be
taken in one click; the analyst decides, so nothing is applied without that click.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import CONFIDENCE_MEANING, LIKELIHOODS, STATUS_MEANING, Confidence, Status
from desktop.services.suggest import suggest
from desktop.views.partials.editor_problems import HINT_STYLE, plain_label, problem_label

if TYPE_CHECKING:
    from desktop.services.dto import Citation, Suggestion

AssessmentState = tuple[str, str, str]  # status, confidence, likelihood ("" for none)


def _select(combo: QComboBox, data: str) -> None:
    combo.setCurrentIndex(max(0, combo.findData(data)))


class AssessmentEdit(QWidget):
    """``changed`` carries "status", "confidence", "likelihood" or "suggestion"."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.suggestion: Suggestion | None = None

        # The suggestion sits between the evidence above it and the judgement it informs.
        panel = QFrame(self)
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.suggestion_label = plain_label("", panel)
        font = self.suggestion_label.font()
        font.setBold(True)
        self.suggestion_label.setFont(font)
        self.suggestion_reason = plain_label("", panel)
        self.suggestion_reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton("A&pply suggestion", panel)
        self.apply_button.setAutoDefault(False)
        self.apply_button.clicked.connect(self.apply_suggestion)
        words = QVBoxLayout()
        words.addWidget(self.suggestion_label)
        words.addWidget(self.suggestion_reason)
        panel_layout = QHBoxLayout(panel)
        panel_layout.addLayout(words, 1)
        panel_layout.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignTop)

        box = QGroupBox("Assessment", self)
        self.status_combo = QComboBox(box)
        for status in Status:
            self.status_combo.addItem(status.value.capitalize(), status.value)
            self.status_combo.setItemData(
                self.status_combo.count() - 1, STATUS_MEANING[status], Qt.ItemDataRole.ToolTipRole
            )
        self.confidence_combo = QComboBox(box)
        for confidence in Confidence:
            self.confidence_combo.addItem(confidence.value.capitalize(), confidence.value)
            self.confidence_combo.setItemData(
                self.confidence_combo.count() - 1,
                CONFIDENCE_MEANING[confidence],
                Qt.ItemDataRole.ToolTipRole,
            )
        self.likelihood_combo = QComboBox(box)
        self.likelihood_combo.addItem("Not assessed", "")
        for row in LIKELIHOODS:
            self.likelihood_combo.addItem(f"{row.term.capitalize()} ({row.range_text})", row.term)
            self.likelihood_combo.setItemData(
                self.likelihood_combo.count() - 1,
                f"ICD 203: {row.term} / {row.alternative}, {row.range_text}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.likelihood_combo.setToolTip("ICD 203 estimative language (optional).")
        self.hint = plain_label("", box)
        self.hint.setStyleSheet(HINT_STYLE)
        self.problem_label = problem_label(box)

        grid = QGridLayout(box)
        for column, (caption, combo) in enumerate(
            (
                ("Stat&us", self.status_combo),
                ("&Confidence", self.confidence_combo),
                ("&Likelihood", self.likelihood_combo),
            )
        ):
            label = QLabel(caption, box)
            label.setBuddy(combo)
            grid.addWidget(label, 0, column * 2)
            grid.addWidget(combo, 0, column * 2 + 1)
        grid.addWidget(self.hint, 1, 0, 1, 6)
        grid.addWidget(self.problem_label, 2, 0, 1, 6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(panel)
        layout.addWidget(box)

        for key, combo in (
            ("status", self.status_combo),
            ("confidence", self.confidence_combo),
            ("likelihood", self.likelihood_combo),
        ):
            combo.activated.connect(lambda _i, key=key: self._user_changed(key))
        self.show_suggestion(())

    def status(self) -> Status:
        return Status(self.status_combo.currentData())

    def confidence(self) -> Confidence:
        return Confidence(self.confidence_combo.currentData())

    def likelihood(self) -> str | None:
        return str(self.likelihood_combo.currentData()) or None

    def state(self) -> AssessmentState:
        return (self.status().value, self.confidence().value, self.likelihood() or "")

    def set_state(self, state: AssessmentState) -> None:
        status, confidence, likelihood = state
        _select(self.status_combo, status)
        _select(self.confidence_combo, confidence)
        _select(self.likelihood_combo, likelihood)
        self._update()

    def show_suggestion(self, citations: tuple[Citation, ...]) -> None:
        """Recompute the suggestion for these citations (with their sources' grades)."""
        suggestion = suggest(citations)
        self.suggestion = suggestion
        self.suggestion_label.setText(
            f"Suggested: {suggestion.status.value.capitalize()}, "
            f"{suggestion.confidence.value} confidence"
        )
        self.suggestion_reason.setText(suggestion.explanation)
        self._update()

    def apply_suggestion(self) -> None:
        """Take the suggested status and confidence, as one change."""
        if self.suggestion is None:
            return
        _select(self.status_combo, self.suggestion.status.value)
        _select(self.confidence_combo, self.suggestion.confidence.value)
        self._update()
        self.changed.emit("suggestion")

    def _user_changed(self, key: str) -> None:
        self._update()
        self.changed.emit(key)

    def _update(self) -> None:
        status, confidence = self.status(), self.confidence()
        self.hint.setText(
            f"{status.value.capitalize()}: {STATUS_MEANING[status]}  "
            f"{confidence.value.capitalize()} confidence: {CONFIDENCE_MEANING[confidence]}"
        )
        suggestion = self.suggestion
        matches = suggestion is not None and (status, confidence) == (
            suggestion.status,
            suggestion.confidence,
        )
        self.apply_button.setEnabled(not matches)
        self.apply_button.setToolTip(
            "Status and confidence already match the suggestion."
            if matches
            else "Set the status and confidence to the suggestion (Ctrl+Z undoes it)."
        )
