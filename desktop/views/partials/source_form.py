"""The form for one source: name, kind, reliability, address and notes.

It only edits: :meth:`SourceDialog.source_data` hands back what was typed and the caller
saves it, so the sources manager and the incident editor (which creates a source inline)
share one form. Problems are checked as the analyst types, with the same rules the
services apply, and shown under the field; OK stays disabled until there are none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import RELIABILITY, SOURCE_KIND_LABELS
from desktop.services.dto import SourceData
from desktop.services.validation import source_problems
from desktop.views.palette import problem_style
from desktop.views.partials.grade_combo import ReliabilityCombo
from desktop.views.partials.plain_widgets import TwoLineLabel

if TYPE_CHECKING:
    from desktop.views.partials.dialogs import Dialogs

NAME_PLACEHOLDER = "e.g. U.S. Central Command, Reuters, @channel_name"
URL_PLACEHOLDER = "https://…  (the source's home page or channel, optional)"
_FIELD_NAMES = {"name": "Name", "kind": "Kind", "reliability": "Reliability"}
_HINT_STYLE = "color: #5f6368;"


def _plain_label(
    text: str = "", parent: QWidget | None = None, kind: type[QLabel] = QLabel
) -> QLabel:
    label = kind(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    # Without an expanding policy a wrapped label in a form row keeps a narrow width.
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setText(text)
    return label


def _cited_text(source: SourceData) -> str:
    if not source.citation_count:
        return "none yet"
    incidents = "1 incident" if source.incident_count == 1 else f"{source.incident_count} incidents"
    if source.citation_count == source.incident_count:
        return incidents
    return f"{incidents} ({source.citation_count} citations)"


class SourceDialog(QDialog):
    """Create (``source`` None or without an id) or edit a source; does not save."""

    def __init__(
        self,
        parent: QWidget | None = None,
        source: SourceData | None = None,
        dialogs: Dialogs | None = None,
    ) -> None:
        super().__init__(parent)
        # Kept for symmetry with the other dialogs; the form itself asks nothing.
        self.dialogs = dialogs
        self._original = source or SourceData(name="")
        self._is_new = not self._original.id
        # A blank name is not reported on a brand-new form before the analyst types: the
        # disabled OK button is enough there, and a red line on an empty form reads as blame.
        self._touched = not self._is_new or bool(self._original.name)

        self.setWindowTitle(
            "New source" if self._is_new else f"Edit source — {self._original.name}"
        )
        self.setMinimumWidth(520)

        self.name_edit = QLineEdit(self._original.name, self)
        self.name_edit.setPlaceholderText(NAME_PLACEHOLDER)
        self.name_edit.setClearButtonEnabled(True)
        self.name_problem = self._problem_label()

        self.kind_combo = QComboBox(self)
        for kind, label in SOURCE_KIND_LABELS.items():
            self.kind_combo.addItem(label, kind.value)
        self._select_kind(self._original.kind)

        self.reliability_combo = ReliabilityCombo(self)
        self.reliability_combo.set_code(self._original.reliability)
        # Two lines kept for it whatever the grade: the rows below stay where they are.
        self.reliability_meaning = TwoLineLabel(self)
        self.reliability_meaning.setStyleSheet(_HINT_STYLE)

        self.url_edit = QLineEdit(self._original.url or "", self)
        self.url_edit.setPlaceholderText(URL_PLACEHOLDER)
        self.url_edit.setClearButtonEnabled(True)

        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setPlainText(self._original.notes)
        self.notes_edit.setPlaceholderText(
            "Why this grade, who runs it, known biases, how to reach it…"
        )
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMinimumHeight(90)

        # Problems the rules do not tie to a widget (kind, reliability) land here.
        self.form_problem = self._problem_label()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Name:", self.name_edit)
        form.addRow("", self.name_problem)
        if not self._is_new:
            slug = _plain_label(self._original.id, self)
            slug.setWordWrap(False)
            slug.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            slug.setToolTip("The source's permanent id, used in exports and imports.")
            form.addRow("Id:", slug)
            form.addRow("Cited by:", _plain_label(_cited_text(self._original), self))
        form.addRow("&Kind:", self.kind_combo)
        form.addRow("&Reliability:", self.reliability_combo)
        form.addRow("", self.reliability_meaning)
        form.addRow("&Web address:", self.url_edit)
        form.addRow("N&otes:", self.notes_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Create source" if self._is_new else "Save")
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_problem)
        layout.addWidget(self.buttons)

        self.name_edit.textEdited.connect(self._on_name_edited)
        self.name_edit.textChanged.connect(self._revalidate)
        self.kind_combo.currentIndexChanged.connect(self._revalidate)
        self.reliability_combo.currentIndexChanged.connect(self._show_meaning)
        self.reliability_combo.currentIndexChanged.connect(self._revalidate)
        self._show_meaning()
        self._revalidate()
        self.name_edit.setFocus()

    # --- what callers read -------------------------------------------------------------

    @property
    def is_new(self) -> bool:
        return self._is_new

    def source_data(self) -> SourceData:
        """The form's values, keeping the edited source's id, version and counts."""
        url = self.url_edit.text().strip()
        return replace(
            self._original,
            name=self.name_edit.text().strip(),
            kind=str(self.kind_combo.currentData()),
            reliability=self.reliability_combo.code(),
            url=url or None,
            notes=self.notes_edit.toPlainText().strip(),
        )

    def ok_button_enabled(self) -> bool:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()

    # --- inside ------------------------------------------------------------------------

    def _problem_label(self) -> QLabel:
        label = _plain_label("", self)
        label.setStyleSheet(problem_style())
        label.hide()
        return label

    def _select_kind(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index < 0:  # an unknown kind from an old file: show it rather than hide it
            self.kind_combo.addItem(kind, kind)
            index = self.kind_combo.count() - 1
        self.kind_combo.setCurrentIndex(index)

    def _on_name_edited(self) -> None:
        self._touched = True

    def _show_meaning(self) -> None:
        grade = RELIABILITY.get(self.reliability_combo.code())
        self.reliability_meaning.setText(grade.meaning if grade else "")

    def _revalidate(self) -> None:
        problems = source_problems(self.source_data())
        by_field = {problem.field: problem.problem for problem in problems}
        name_problem = by_field.pop("name", "")
        self._show(self.name_problem, f"Name {name_problem}." if name_problem else "")
        if name_problem and not self._touched:
            self.name_problem.hide()
        others = [f"{_FIELD_NAMES.get(f, f)} {text}." for f, text in by_field.items()]
        self._show(self.form_problem, " ".join(others))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)

    @staticmethod
    def _show(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _accept_if_valid(self) -> None:
        # Enter in the name field triggers the default button even when it looks disabled
        # on some styles; check again rather than trust the button state.
        if source_problems(self.source_data()):
            self._touched = True
            self._revalidate()
            return
        self.accept()
