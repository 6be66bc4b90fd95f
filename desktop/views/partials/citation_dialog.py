"""Add or edit one citation: which source, how credible this item is, and where it is.

The dialog only edits: :meth:`CitationDialog.citation` hands back the record, with the
source's name, reliability and kind filled in so the editor can show the grade and suggest a
status before anything is saved.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import CREDIBILITY, RELIABILITY, admiralty_code, admiralty_words
from desktop.errors import ValidationError
from desktop.services import limits
from desktop.services.dto import Citation
from desktop.services.validation import citation_problems
from desktop.views.palette import problem_style
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.editor_problems import (
    HINT_STYLE,
    INVALID_STYLE,
    mark_invalid,
    plain_label,
)
from desktop.views.partials.entry_keys import EntryKeys
from desktop.views.partials.grade_combo import CredibilityCombo
from desktop.views.partials.length_counter import LengthCounter
from desktop.views.partials.plain_widgets import TwoLineLabel
from desktop.views.partials.source_picker import SourcePicker, source_line

if TYPE_CHECKING:
    from desktop.services.dto import SourceData
    from desktop.store.engine import Database

_FIELD_NAMES = {
    "source": "Source",
    "credibility": "Credibility",
    "published": "Published",
    "retrieved": "Retrieved",
    "language": "Language",
    "excerpt": "Excerpt",
    "url": "URL",
}


def parse_optional_date(text: str) -> date | None:
    """``None`` for a blank field; ValueError for text that is not a YYYY-MM-DD date."""
    text = text.strip()
    return date.fromisoformat(text) if text else None


class _DateEdit(QLineEdit):
    """An optional date typed as YYYY-MM-DD; blank means not known."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setPlaceholderText("YYYY-MM-DD")
        self.setMaximumWidth(130)
        self.setClearButtonEnabled(True)


class CitationDialog(QDialog):
    def __init__(
        self,
        db: Database,
        citation: Citation | None = None,
        dialogs: Dialogs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._dialogs = dialogs or Dialogs(self)
        self._original = citation
        self.setWindowTitle("Edit citation" if citation else "Add citation")
        self.setStyleSheet(INVALID_STYLE)
        self.resize(640, 600)

        self.source_picker = SourcePicker(db, self._dialogs, self)
        self.source_picker.source_changed.connect(self._on_source)
        self.source_picker.chosen.connect(self._accept_if_valid)
        self.chosen_label = plain_label("", self)
        self.credibility_combo = CredibilityCombo(self)
        self.credibility_combo.setToolTip(
            "How credible this piece of information is (1–6), judged apart from the source."
        )
        # Two lines kept for it whatever the grade: the rows below stay where they are.
        self.grade_label = TwoLineLabel(self)
        self.grade_label.setStyleSheet(HINT_STYLE)
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("https://…  (the article, post or statement)")
        self.url_edit.setMaxLength(limits.URL)
        self.published_edit = _DateEdit(self)
        self.retrieved_edit = _DateEdit(self)
        self.language_edit = QLineEdit(self)
        self.language_edit.setPlaceholderText("e.g. en, ar")
        self.language_edit.setMaxLength(limits.LANGUAGE)
        self.language_edit.setMaximumWidth(90)
        self.excerpt_edit = QPlainTextEdit(self)
        self.excerpt_edit.setPlaceholderText(
            "The words of the source that support the incident, quoted as published."
        )
        self.excerpt_edit.setTabChangesFocus(True)
        self.excerpt_counter = LengthCounter(self.excerpt_edit, limits.EXCERPT, self)
        self.problem_label = plain_label("", self)
        self.problem_label.setStyleSheet(problem_style())
        self.problem_label.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        source_box = QVBoxLayout()
        source_box.addWidget(self.source_picker, 1)
        source_box.addWidget(self.chosen_label)
        source_caption = QLabel("&Source", self)
        source_caption.setBuddy(self.source_picker.search_edit)
        form.addRow(source_caption, source_box)
        credibility_caption = QLabel("C&redibility", self)
        credibility_caption.setBuddy(self.credibility_combo)
        credibility_row = QVBoxLayout()
        credibility_row.addWidget(self.credibility_combo)
        credibility_row.addWidget(self.grade_label)
        form.addRow(credibility_caption, credibility_row)
        url_caption = QLabel("&URL", self)
        url_caption.setBuddy(self.url_edit)
        form.addRow(url_caption, self.url_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.published_edit)
        retrieved_caption = QLabel("Re&trieved", self)
        retrieved_caption.setBuddy(self.retrieved_edit)
        dates.addSpacing(12)
        dates.addWidget(retrieved_caption)
        dates.addWidget(self.retrieved_edit)
        language_caption = QLabel("&Language", self)
        language_caption.setBuddy(self.language_edit)
        dates.addSpacing(12)
        dates.addWidget(language_caption)
        dates.addWidget(self.language_edit)
        dates.addStretch(1)
        published_caption = QLabel("&Published", self)
        published_caption.setBuddy(self.published_edit)
        form.addRow(published_caption, dates)
        excerpt_caption = QLabel("E&xcerpt", self)
        excerpt_caption.setBuddy(self.excerpt_edit)
        form.addRow(excerpt_caption, self.excerpt_edit)
        form.addRow("", self.excerpt_counter)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

        if citation is None:
            # Nothing is known about a new item until the analyst judges it.
            self.credibility_combo.set_code(6)
        else:
            self.source_picker.select(citation.source)
            self.credibility_combo.set_code(citation.credibility)
            self.url_edit.setText(citation.url or "")
            self.published_edit.setText(
                citation.published.isoformat() if citation.published else ""
            )
            self.retrieved_edit.setText(
                citation.retrieved.isoformat() if citation.retrieved else ""
            )
            self.language_edit.setText(citation.language)
            self.excerpt_edit.setPlainText(citation.excerpt)
        for edit in (self.url_edit, self.published_edit, self.retrieved_edit, self.language_edit):
            edit.textChanged.connect(self._revalidate)
        self.excerpt_edit.textChanged.connect(self._revalidate)
        self.credibility_combo.currentIndexChanged.connect(self._revalidate)
        # Alt+letter without a mnemonic types nothing; Enter keeps meaning OK here.
        self._entry_keys = EntryKeys(self, enter_moves_on=False)
        self._entry_keys.watch(self.findChildren(QWidget))
        self._on_source(self.source_picker.source())
        self.source_picker.search_edit.setFocus()

    @property
    def ok_button(self) -> QWidget:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def citation(self) -> Citation:
        """The citation as entered; raises ValueError while a date cannot be read."""
        source = self.source_picker.source()
        original = self._original
        return Citation(
            source=source.id if source else (original.source if original else ""),
            credibility=self.credibility_combo.code(),
            url=self.url_edit.text().strip() or None,
            published=parse_optional_date(self.published_edit.text()),
            retrieved=parse_optional_date(self.retrieved_edit.text()),
            language=self.language_edit.text().strip(),
            excerpt=self.excerpt_edit.toPlainText().strip(),
            source_name=source.name if source else (original.source_name if original else ""),
            source_reliability=(
                source.reliability if source else (original.source_reliability if original else "")
            ),
            source_kind=source.kind if source else (original.source_kind if original else ""),
        )

    def problems(self) -> list[ValidationError]:
        """What keeps OK disabled, by field (``source``, ``published``, ``retrieved``…)."""
        found: list[ValidationError] = []
        for name, edit in (("published", self.published_edit), ("retrieved", self.retrieved_edit)):
            try:
                parse_optional_date(edit.text())
            except ValueError:
                found.append(ValidationError(name, "must be a date written YYYY-MM-DD"))
        if found:  # the record cannot be built to check the rest
            return found
        if self.source_picker.source() is None:
            found.append(ValidationError("source", "choose it in the list, or add a new one"))
        found += [p for p in citation_problems(self.citation()) if p.field != "source"]
        return found

    def _on_source(self, source: SourceData | None) -> None:
        self.chosen_label.setText(
            f"Chosen: {source_line(source)}" if source else "No source chosen yet."
        )
        self._revalidate()

    def _revalidate(self) -> None:
        problems = self.problems()
        self.ok_button.setEnabled(not problems)
        # "No source yet" is what a fresh dialog starts with: not worth red ink.
        shown = [p for p in problems if p.field != "source"]
        self.problem_label.setText(
            " ".join(f"{_FIELD_NAMES.get(p.field, p.field)} {p.problem}." for p in shown)
        )
        self.problem_label.setVisible(bool(shown))
        fields = {p.field for p in shown}
        for name, edit in (
            ("published", self.published_edit),
            ("retrieved", self.retrieved_edit),
            ("language", self.language_edit),
        ):
            mark_invalid(edit, name in fields)
        source = self.source_picker.source()
        credibility = self.credibility_combo.code()
        if source and source.reliability in RELIABILITY and credibility in CREDIBILITY:
            self.grade_label.setText(
                f"Grade {admiralty_code(source.reliability, credibility)}: "
                f"{admiralty_words(source.reliability, credibility)}. "
                f"{CREDIBILITY[credibility].meaning}"
            )
        else:
            self.grade_label.setText(CREDIBILITY[credibility].meaning)

    def _accept_if_valid(self) -> None:
        if self.problems():
            self._revalidate()
            return
        self.accept()
