"""The incident editor's form: its state, its tabs and its button row.

:class:`FormState` is one undo snapshot of everything the form shows; :class:`EditorLayout`
builds the four tabs and the Undo/Redo/Save/Cancel row of
:class:`~desktop.views.incident_editor.IncidentEditor` (a mixin: the editor keeps the
record, validation, saving and the way out of a conflict).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, get_type_hints

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import EVENT_TYPES, TimePrecision
from desktop.fields import INCIDENT_FIELDS
from desktop.services import limits
from desktop.services.dto import IncidentData, When
from desktop.views.partials.actors_edit import ActorsEdit, ActorsState
from desktop.views.partials.assessment_edit import AssessmentEdit, AssessmentState
from desktop.views.partials.casualties_edit import CasualtiesEdit, CasualtiesState
from desktop.views.partials.citations_edit import CitationsEdit
from desktop.views.partials.editor_problems import HINT_STYLE, plain_label, problem_label
from desktop.views.partials.length_counter import LengthCounter
from desktop.views.partials.place_edit import PlaceEdit, PlaceState
from desktop.views.partials.tags_edit import TagsEdit
from desktop.views.partials.when_edit import WhenEdit, WhenState

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from desktop.services.dto import Citation
    from desktop.store.engine import Database
    from desktop.views.partials.dialogs import Dialogs
    from desktop.views.partials.editor_problems import ProblemMarker
    from desktop.views.partials.editor_undo import FormHistory

    _Base = QDialog
else:
    _Base = object

TAB_EVENT, TAB_WHERE, TAB_ACTORS, TAB_SOURCES = range(4)


# The incident's plain fields: those of the field table that are one text of the record
# itself (title, summary, notes, event type, sub-type, marking), each shown by one widget
# whose text is the value (see TextWidget). A text field added to the table joins the form's
# state, undo and save with no change here; its widget is made and laid out by hand (where
# it goes and how it helps is the form's design) and put in ``text_widgets`` where it is
# made; the editor refuses to open without it.
# The other parts have widgets of their own that keep their own state: when, place, actors,
# casualties, the assessment (status, confidence and likelihood, which follow the
# citations' suggestion), the citations, and the tags (a list typed as one text).
_HINTS = get_type_hints(IncidentData)
TEXT_FIELDS: tuple[str, ...] = tuple(
    f.key
    for f in INCIDENT_FIELDS
    if f.simple and f.enum is None and f.key == f.group and _HINTS[f.key] is str
)

TextWidget = QLineEdit | QPlainTextEdit | QComboBox


@dataclass(frozen=True)
class FormState:
    """Everything the form shows, as typed (invalid text included): one undo snapshot."""

    texts: tuple[str, ...]  # of TEXT_FIELDS, in their order
    tags: str
    when: WhenState
    place: PlaceState
    actors: ActorsState
    casualties: CasualtiesState
    assessment: AssessmentState
    citations: tuple[Citation, ...]

    def text(self, key: str) -> str:
        return self.texts[TEXT_FIELDS.index(key)]


def widget_text(widget: TextWidget) -> str:
    """A text field's value as typed: a fixed list's choice is its item's data."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if widget.isEditable():
        return widget.currentText()
    return str(widget.currentData() or "")


def show_text(widget: TextWidget, text: str) -> None:
    """Show ``text`` in a text field's widget, leaving it alone when it already shows it."""
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        set_text(widget, text)
    elif not widget.isEditable():
        select_data(widget, text)
    elif widget.currentText() != text:
        index = widget.findText(text)
        if index >= 0:
            widget.setCurrentIndex(index)
        else:  # typed text that is none of the items (a classification line)
            widget.setEditText(text)


def new_incident() -> IncidentData:
    today = date.today()
    return IncidentData(
        title="",
        when=When(today, today, TimePrecision.DAY),
        event_type="",
        sub_event_type="",
    )


def caption(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def select_data(combo: QComboBox, data: str) -> None:
    combo.setCurrentIndex(max(0, combo.findData(data)))


def set_text(edit: QLineEdit | QPlainTextEdit, text: str) -> None:
    """Only when it differs, so the cursor stays where it was when nothing changed."""
    if isinstance(edit, QLineEdit):
        if edit.text() != text:
            edit.setText(text)
    elif edit.toPlainText() != text:
        edit.setPlainText(text)


class EditorLayout(_Base):
    """The editor's tabs and button row (see IncidentEditor._build, which lays them out)."""

    _db: Database
    dialogs: Dialogs
    markers: ProblemMarker
    _history: FormHistory
    counters: dict[str, LengthCounter]
    text_widgets: dict[str, TextWidget]  # the widget of each of TEXT_FIELDS
    summary_label: QLabel

    if TYPE_CHECKING:

        def save(self) -> bool: ...

    def _buttons(self) -> QHBoxLayout:
        stack = self._history.stack
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.setToolTip("Undo the last change (Ctrl+Z)")
        self.undo_button.clicked.connect(stack.undo)
        stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.redo_button = QPushButton("Redo", self)
        self.redo_button.setToolTip("Redo (Ctrl+Shift+Z or Ctrl+Y)")
        self.redo_button.clicked.connect(stack.redo)
        stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.save_button = QPushButton("Save", self)
        self.save_button.setToolTip("Save the incident and close (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.undo_button, self.redo_button, self.cancel_button):
            button.setAutoDefault(False)
        # Not the default button: Enter in a field would save a half-typed incident.
        self.save_button.setDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addWidget(self.redo_button)
        row.addSpacing(8)
        row.addWidget(self.summary_label, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        return row

    def _event_tab(self, known_tags: tuple[str, ...]) -> QWidget:
        page = QWidget(self)
        self.type_combo = QComboBox(page)
        self.type_combo.addItem("Choose an event type…", "")
        for event_type in EVENT_TYPES:
            self.type_combo.addItem(event_type, event_type)
        self.type_combo.setToolTip("ACLED event type.")
        self.sub_type_combo = QComboBox(page)
        self.sub_type_combo.setToolTip("ACLED sub-event type; the list follows the type.")
        self.summary_edit = QPlainTextEdit(page)
        self.summary_edit.setPlaceholderText(
            "The narrative: what happened, as the sources establish it."
        )
        self.notes_edit = QPlainTextEdit(page)
        self.notes_edit.setPlaceholderText("Analyst notes: gaps, doubts, what to check next.")
        # The narrative is the longer text: it gets more of the height than the notes.
        for edit, stretch in ((self.summary_edit, 3), (self.notes_edit, 2)):
            edit.setTabChangesFocus(True)
            policy = edit.sizePolicy()
            policy.setVerticalStretch(stretch)
            edit.setSizePolicy(policy)
        self.tags_edit = TagsEdit(known_tags, page)

        types = QHBoxLayout()
        types.addWidget(self.type_combo, 1)
        types.addSpacing(12)
        types.addWidget(caption("Su&b-type", self.sub_type_combo, page))
        types.addWidget(self.sub_type_combo, 1)
        type_problem = problem_label(page)
        tags_problem = problem_label(page)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(caption("T&ype", self.type_combo, page), types)
        form.addRow("", type_problem)
        form.addRow(caption("Su&mmary", self.summary_edit, page), self.summary_edit)
        form.addRow("", self._length_row("summary", self.summary_edit, page))
        form.addRow(caption("&Notes", self.notes_edit, page), self.notes_edit)
        form.addRow("", self._length_row("notes", self.notes_edit, page))
        form.addRow(caption("Ta&gs", self.tags_edit, page), self.tags_edit)
        form.addRow("", tags_problem)
        self.markers.add("event_type", self.type_combo, type_problem, TAB_EVENT)
        self.markers.add("sub_event_type", self.sub_type_combo, type_problem, TAB_EVENT)
        self.markers.add("tags", self.tags_edit, tags_problem, TAB_EVENT)
        self.text_widgets.update(
            event_type=self.type_combo,
            sub_event_type=self.sub_type_combo,
            summary=self.summary_edit,
            notes=self.notes_edit,
        )
        return page

    def _length_row(self, field: str, edit: QPlainTextEdit, page: QWidget) -> QWidget:
        """Under a free-text field: its problem, and its length beside its limit."""
        row = QWidget(page)
        problem = problem_label(row)
        self.counters[field] = LengthCounter(edit, limits.INCIDENT_TEXTS[field], row)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(problem, 1)
        layout.addWidget(self.counters[field])
        self.markers.add(field, edit, problem, TAB_EVENT)
        return row

    def _where_tab(self) -> QWidget:
        page = QWidget(self)
        self.when_edit = WhenEdit(page)
        self.place_edit = PlaceEdit(page)
        when_problem = problem_label(page)
        where_problem = problem_label(page)

        when_box = QGroupBox("When", page)
        when_form = QFormLayout(when_box)
        when_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        precision = self.when_edit.precision_combo
        when_form.addRow(caption("Pre&cision", precision, when_box), precision)
        when_form.addRow(caption("&From", self.when_edit.start_edit, when_box), self.when_edit)
        when_form.addRow("", when_problem)
        where_box = QGroupBox("Where", page)
        where_layout = QVBoxLayout(where_box)
        where_layout.addWidget(self.place_edit)
        where_layout.addWidget(where_problem)

        layout = QVBoxLayout(page)
        layout.addWidget(when_box)
        layout.addWidget(where_box)
        layout.addStretch(1)
        when = self.when_edit
        when_fields: tuple[tuple[str, QWidget], ...] = (
            ("when.start", when.start_edit),
            ("when.end", when.end_edit),
            ("when.precision", when.precision_combo),
        )
        for key, widget in when_fields:
            self.markers.add(key, widget, when_problem, TAB_WHERE)
        place = self.place_edit
        place_fields: tuple[tuple[str, QWidget], ...] = (
            ("where.name", place.name_edit),
            ("where.admin1", place.admin1_edit),
            ("where.country", place.country_combo),
            ("where.lat", place.lat_edit),
            ("where.lon", place.lon_edit),
            ("where.precision", place.precision_combo),
        )
        for key, widget in place_fields:
            self.markers.add(key, widget, where_problem, TAB_WHERE)
        return page

    def _actors_tab(self) -> QWidget:
        page = QWidget(self)
        self.actors_edit = ActorsEdit(page)
        actors_problem = problem_label(page)
        actors_box = QGroupBox("Actors", page)
        actors_layout = QVBoxLayout(actors_box)
        hint = plain_label(
            "Who did it, who claimed it, who it was attributed to and who was "
            "targeted. A claim is not an attribution.",
            actors_box,
        )
        hint.setStyleSheet(HINT_STYLE)
        actors_layout.addWidget(hint)
        actors_layout.addWidget(self.actors_edit, 1)
        actors_layout.addWidget(actors_problem)

        self.casualties_edit = CasualtiesEdit(page)
        casualties_box = QGroupBox("Casualties", page)
        QVBoxLayout(casualties_box).addWidget(self.casualties_edit)

        layout = QVBoxLayout(page)
        layout.addWidget(actors_box, 1)
        layout.addWidget(casualties_box)
        casualties = self.casualties_edit
        self.markers.add("actors", self.actors_edit.table, actors_problem, TAB_ACTORS)
        self.markers.add(
            "casualties.killed", casualties.killed_spin, casualties.problem_label, TAB_ACTORS
        )
        self.markers.add(
            "casualties.injured", casualties.injured_spin, casualties.problem_label, TAB_ACTORS
        )
        return page

    def _sources_tab(self) -> QWidget:
        page = QWidget(self)
        self.citations_edit = CitationsEdit(self._db, self.dialogs, page)
        citations_problem = problem_label(page)
        citations_box = QGroupBox("Citations", page)
        citations_layout = QVBoxLayout(citations_box)
        citations_layout.addWidget(self.citations_edit, 1)
        citations_layout.addWidget(citations_problem)
        self.assessment = AssessmentEdit(page)

        layout = QVBoxLayout(page)
        layout.addWidget(citations_box, 1)
        layout.addWidget(self.assessment)
        assessment = self.assessment
        self.markers.add("citations", self.citations_edit.table, citations_problem, TAB_SOURCES)
        for key, combo in (
            ("status", assessment.status_combo),
            ("confidence", assessment.confidence_combo),
            ("likelihood", assessment.likelihood_combo),
        ):
            self.markers.add(key, combo, assessment.problem_label, TAB_SOURCES)
        # Short names for what the analyst (and a test) reaches for most.
        self.status_combo = assessment.status_combo
        self.confidence_combo = assessment.confidence_combo
        self.apply_button = assessment.apply_button
        self.suggestion_label = assessment.suggestion_label
        self.suggestion_reason = assessment.suggestion_reason
        return page
