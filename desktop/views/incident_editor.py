"""The incident editor: every field of one incident, its citations, and an honest Save.

The dialog assembles the partials (when, place, actors, casualties, tags, citations,
assessment) and adds what only the whole record needs: validation with the services' own
rules shown beside each field, form-wide undo, a question before unsaved work is thrown
away, and a way out when someone else saved first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import DEFAULT_MARKING, EVENT_TYPES, TLP_LABELS, TimePrecision
from desktop.errors import ConflictError, DeskError, ValidationError
from desktop.services import incidents as incident_service
from desktop.services import limits, merge
from desktop.services.dto import IncidentData, When
from desktop.services.validation import MAX_TITLE, incident_problems
from desktop.views.merge_dialog import MergeDialog
from desktop.views.partials.actors_edit import ActorsEdit, ActorsState
from desktop.views.partials.assessment_edit import AssessmentEdit, AssessmentState
from desktop.views.partials.casualties_edit import CasualtiesEdit, CasualtiesState
from desktop.views.partials.citations_edit import CitationsEdit
from desktop.views.partials.conflict_prompt import ConflictChoice, ask_conflict
from desktop.views.partials.dialogs import Choice, Dialogs
from desktop.views.partials.editor_problems import (
    HINT_STYLE,
    INVALID_STYLE,
    ProblemMarker,
    plain_label,
    problem_label,
)
from desktop.views.partials.editor_undo import FormHistory, UndoKeys
from desktop.views.partials.entry_keys import EntryKeys
from desktop.views.partials.length_counter import LengthCounter
from desktop.views.partials.place_edit import PlaceEdit, PlaceState
from desktop.views.partials.tags_edit import TagsEdit
from desktop.views.partials.when_edit import WhenEdit, WhenState

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from desktop.services.dto import Citation
    from desktop.services.merge import MergePlan
    from desktop.store.engine import Database

__all__ = ["ConflictChoice", "FormState", "IncidentEditor", "ask_conflict"]

TAB_EVENT, TAB_WHERE, TAB_ACTORS, TAB_SOURCES = range(4)
# Changes that are undone one by one, even several of them in a row.
_SEPARATE_STEPS = frozenset({"actors", "citations", "suggestion"})


@dataclass(frozen=True)
class FormState:
    """Everything the form shows, as typed (invalid text included): one undo snapshot."""

    title: str
    marking: str
    event_type: str
    sub_event_type: str
    summary: str
    notes: str
    tags: str
    when: WhenState
    place: PlaceState
    actors: ActorsState
    casualties: CasualtiesState
    assessment: AssessmentState
    citations: tuple[Citation, ...]


def new_incident() -> IncidentData:
    today = date.today()
    return IncidentData(
        title="",
        when=When(today, today, TimePrecision.DAY),
        event_type="",
        sub_event_type="",
    )


def _caption(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def _select(combo: QComboBox, data: str) -> None:
    combo.setCurrentIndex(max(0, combo.findData(data)))


def _set_text(edit: QLineEdit | QPlainTextEdit, text: str) -> None:
    """Only when it differs, so the cursor stays where it was when nothing changed."""
    if isinstance(edit, QLineEdit):
        if edit.text() != text:
            edit.setText(text)
    elif edit.toPlainText() != text:
        edit.setPlainText(text)


class IncidentEditor(QDialog):
    """Create (``incident_id`` None) or edit one incident; :attr:`saved` carries its id.

    Raises :class:`desktop.errors.NotFoundError` when ``incident_id`` names no incident.
    """

    saved = Signal(str)

    def __init__(
        self,
        db: Database,
        incident_id: str | None = None,
        *,
        dialogs: Dialogs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.dialogs = dialogs or Dialogs(self)
        # How a conflict is put to the analyst; tests answer it directly.
        self.ask_conflict: Callable[[str], ConflictChoice] = lambda message: ask_conflict(
            self, message
        )
        # Which conflicting parts go to the other version (None: the analyst cancelled).
        self.ask_merge: Callable[[MergePlan, str], set[str] | None] = self._ask_merge
        self._record = new_incident()
        self._problems: list[ValidationError] = []
        self.setStyleSheet(INVALID_STYLE)
        self.setSizeGripEnabled(True)
        self.resize(900, 720)

        self._history = FormHistory(self.state, self._restore, self)
        self._build(incident_service.facets(db).tags)
        self._connect()

        if incident_id is not None:
            self._record = incident_service.get_incident(db, incident_id)
        self._load(self._record)
        self.title_edit.setFocus()

    # --- what callers and tests use ----------------------------------------------------

    @property
    def incident_id(self) -> str | None:
        return self._record.id

    @property
    def undo_stack(self) -> QUndoStack:
        return self._history.stack

    def is_dirty(self) -> bool:
        return self.state() != self._saved_state

    def problems(self) -> list[ValidationError]:
        """What keeps the incident from being saved now."""
        return list(self._problems)

    def problem_label_for(self, field: str) -> QLabel | None:
        """The label that shows problems of ``field`` (e.g. ``where.lat``)."""
        slot = self.markers.slot(field)
        return slot[1] if slot else None

    def can_save(self) -> bool:
        return self.save_button.isEnabled()

    def incident_data(self) -> IncidentData:
        """The record as the form shows it (id and version as read)."""
        data, _widget_problems = self._collect()
        return data

    def save(self) -> bool:
        """Save through the services and close; False (and still open) when it did not.

        Whatever goes wrong, the form keeps what was typed.
        """
        data, widget_problems = self._collect()
        if data.id is not None and not self.is_dirty():
            # Nothing changed: writing would only bump the version and the audit trail.
            self.accept()
            return True
        if widget_problems or incident_problems(data):
            self.markers.touch_all()
            self._refresh()
            return False
        result: IncidentData | None
        try:
            result = self._write(data)
        except ConflictError as conflict:
            result = self._resolve_conflict(data, conflict)
        except DeskError as error:
            self.dialogs.warning("Could not save the incident", str(error))
            return False
        if result is None:
            return False
        self._record = result
        self._saved_state = self.state()
        self._update_title()
        assert result.id is not None
        self.saved.emit(result.id)
        self.accept()
        return True

    def apply_suggestion(self) -> None:
        """Set status and confidence to what the citations support, as one undoable step."""
        self.assessment.apply_suggestion()

    def reject(self) -> None:
        """Esc, Cancel and the window's close button: ask first when there are edits."""
        if not self.is_dirty():
            super().reject()
            return
        choice = self.dialogs.save_discard_cancel(
            "Unsaved changes",
            "This incident has changes that are not saved. Save them before closing?",
        )
        if choice is Choice.SAVE:
            self.save()  # closes when it worked; stays open with the text when not
        elif choice is Choice.DISCARD:
            super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Ctrl+S reaches here only when no shortcut took it (the window was not active).
        if event.matches(QKeySequence.StandardKey.Save):
            self._save_if_possible()
            return
        super().keyPressEvent(event)

    # --- building ------------------------------------------------------------------------

    def _build(self, known_tags: tuple[str, ...]) -> None:
        self.counters: dict[str, LengthCounter] = {}
        # Title and marking stay above the tabs: they name the record whatever tab is open.
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(
            "What happened, in a line: e.g. Drone attack on al-Asad airbase"
        )
        self.title_edit.setMaxLength(MAX_TITLE)
        self.marking_combo = QComboBox(self)
        self.marking_combo.setEditable(True)
        self.marking_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.marking_combo.addItems(list(TLP_LABELS))
        self.marking_combo.setToolTip(
            "Handling marking: a TLP 2.0 label, or type your organisation's classification line."
        )
        self.marking_combo.setMinimumWidth(170)
        completer = self.marking_combo.completer()
        if completer is not None:
            # Inline completion would silently turn a typed TLP:AMBER into TLP:AMBER+STRICT.
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        top_problem = problem_label(self)
        top = QGridLayout()
        top.addWidget(_caption("&Title", self.title_edit, self), 0, 0)
        top.addWidget(self.title_edit, 0, 1)
        top.addWidget(_caption("Mar&king", self.marking_combo, self), 0, 2)
        top.addWidget(self.marking_combo, 0, 3)
        top.addWidget(top_problem, 1, 1, 1, 3)
        top.setColumnStretch(1, 1)

        self.tabs = QTabWidget(self)
        self.summary_label = plain_label("", self)
        self.markers = ProblemMarker(self.tabs, self.summary_label)
        self.markers.add("title", self.title_edit, top_problem)
        self.markers.add("marking", self.marking_combo, top_problem)
        self.tabs.insertTab(TAB_EVENT, self._event_tab(known_tags), "&Event")
        self.tabs.insertTab(TAB_WHERE, self._where_tab(), "&Where && when")
        self.tabs.insertTab(TAB_ACTORS, self._actors_tab(), "&Actors && casualties")
        self.tabs.insertTab(TAB_SOURCES, self._sources_tab(), "&Sources && confidence")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._buttons())

        stack = self._history.stack
        undo = stack.createUndoAction(self, "Undo")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(self, "Redo")
        # The platform's Redo may already be one of these; a repeated key would be ambiguous.
        redo_keys = [
            *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo),
            QKeySequence("Ctrl+Shift+Z"),
            QKeySequence("Ctrl+Y"),
        ]
        redo.setShortcuts(list({key.toString(): key for key in redo_keys}.values()))
        self.addAction(undo)
        self.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.activated.connect(self._save_if_possible)
        # Text fields keep Ctrl+Z for their own undo unless the keys are taken from them.
        self._undo_keys = UndoKeys(stack, self)
        self._undo_keys.watch(self.findChildren(QWidget))
        self._entry_keys = EntryKeys(self)  # Enter moves on; only Ctrl+S and Save save
        self._entry_keys.watch(self.findChildren(QWidget))
        self.setTabOrder(self.title_edit, self.marking_combo)
        self.setTabOrder(self.marking_combo, self.tabs)

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
        types.addWidget(_caption("Su&b-type", self.sub_type_combo, page))
        types.addWidget(self.sub_type_combo, 1)
        type_problem = problem_label(page)
        tags_problem = problem_label(page)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_caption("T&ype", self.type_combo, page), types)
        form.addRow("", type_problem)
        form.addRow(_caption("Su&mmary", self.summary_edit, page), self.summary_edit)
        form.addRow("", self._length_row("summary", self.summary_edit, page))
        form.addRow(_caption("&Notes", self.notes_edit, page), self.notes_edit)
        form.addRow("", self._length_row("notes", self.notes_edit, page))
        form.addRow(_caption("Ta&gs", self.tags_edit, page), self.tags_edit)
        form.addRow("", tags_problem)
        self.markers.add("event_type", self.type_combo, type_problem, TAB_EVENT)
        self.markers.add("sub_event_type", self.sub_type_combo, type_problem, TAB_EVENT)
        self.markers.add("tags", self.tags_edit, tags_problem, TAB_EVENT)
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
        when_form.addRow(_caption("Pre&cision", precision, when_box), precision)
        when_form.addRow(_caption("&From", self.when_edit.start_edit, when_box), self.when_edit)
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

    def _connect(self) -> None:
        changed = self._changed
        self.title_edit.textEdited.connect(lambda _t: changed("title"))
        self.marking_combo.editTextChanged.connect(lambda _t: changed("marking"))
        self.type_combo.activated.connect(self._on_type_chosen)
        self.sub_type_combo.activated.connect(lambda _i: changed("sub_event_type"))
        self.summary_edit.textChanged.connect(lambda: changed("summary"))
        self.notes_edit.textChanged.connect(lambda: changed("notes"))
        self.tags_edit.textEdited.connect(lambda _t: changed("tags"))
        # A completion picked from the popup changes the text without textEdited.
        self.tags_edit.tag_completer.activated.connect(lambda _t: changed("tags"))
        self.when_edit.changed.connect(lambda: changed("when"))
        self.place_edit.typed.connect(changed)
        self.place_edit.changed.connect(changed)
        self.actors_edit.changed.connect(changed)
        self.casualties_edit.typed.connect(changed)
        self.assessment.changed.connect(changed)
        self.citations_edit.changed.connect(lambda: changed("citations"))

    # --- the form's state ----------------------------------------------------------------

    def state(self) -> FormState:
        return FormState(
            title=self.title_edit.text(),
            marking=self.marking_combo.currentText(),
            event_type=str(self.type_combo.currentData() or ""),
            sub_event_type=str(self.sub_type_combo.currentData() or ""),
            summary=self.summary_edit.toPlainText(),
            notes=self.notes_edit.toPlainText(),
            tags=self.tags_edit.text(),
            when=self.when_edit.state(),
            place=self.place_edit.state(),
            actors=self.actors_edit.state(),
            casualties=self.casualties_edit.state(),
            assessment=self.assessment.state(),
            citations=self.citations_edit.citations(),
        )

    def set_state(self, state: FormState) -> None:
        with self._history.paused():
            _set_text(self.title_edit, state.title)
            if self.marking_combo.currentText() != state.marking:
                self.marking_combo.setEditText(state.marking)
            _select(self.type_combo, state.event_type)
            self._fill_sub_types(state.event_type)
            _select(self.sub_type_combo, state.sub_event_type)
            _set_text(self.summary_edit, state.summary)
            _set_text(self.notes_edit, state.notes)
            _set_text(self.tags_edit, state.tags)
            self.when_edit.set_state(state.when)
            self.place_edit.set_state(state.place)
            self.actors_edit.set_state(state.actors)
            self.casualties_edit.set_state(state.casualties)
            if self.citations_edit.citations() != state.citations:
                self.citations_edit.set_citations(state.citations)
            self.assessment.show_suggestion(state.citations)
            self.assessment.set_state(state.assessment)

    def _restore(self, snapshot: Hashable) -> None:
        assert isinstance(snapshot, FormState)
        self.set_state(snapshot)
        self._refresh()

    def _load(self, data: IncidentData) -> None:
        """Show a record as read: the starting point for undo and for "unsaved changes"."""
        self._record = data
        with self._history.paused():
            self.title_edit.setText(data.title)
            marking = data.marking or DEFAULT_MARKING
            index = self.marking_combo.findText(marking)
            if index >= 0:
                self.marking_combo.setCurrentIndex(index)
            else:  # a free-text classification line
                self.marking_combo.setEditText(marking)
            _select(self.type_combo, data.event_type)
            self._fill_sub_types(data.event_type)
            _select(self.sub_type_combo, data.sub_event_type)
            self.summary_edit.setPlainText(data.summary)
            self.notes_edit.setPlainText(data.notes)
            self.tags_edit.set_tags(data.tags)
            self.when_edit.set_value(data.when)
            self.place_edit.set_value(data.where)
            self.actors_edit.set_actors(data.actors)
            self.casualties_edit.set_value(data.casualties)
            self.citations_edit.set_citations(data.citations)
            self.assessment.show_suggestion(data.citations)
            self.assessment.set_state(
                (data.status.value, data.confidence.value, data.likelihood or "")
            )
        # A record read from the database is judged whole; a new one only where touched.
        self.markers.untouch_all()
        if data.id is not None:
            self.markers.touch_all()
        self._saved_state = self.state()
        self._history.reset()
        self.undo_button.setEnabled(self._history.stack.canUndo())
        self.redo_button.setEnabled(self._history.stack.canRedo())
        self._update_title()
        self._refresh()

    def _collect(self) -> tuple[IncidentData, list[ValidationError]]:
        """The record as typed, and what the widgets themselves refuse in it."""
        where, problems = self.place_edit.value()
        problems = self.when_edit.problems() + problems
        state = self.state()
        data = replace(
            self._record,
            title=state.title.strip(),
            marking=" ".join(state.marking.split()),
            event_type=state.event_type,
            sub_event_type=state.sub_event_type,
            summary=state.summary.strip(),
            notes=state.notes.strip(),
            tags=self.tags_edit.tags(),
            when=self.when_edit.value(),
            where=where,
            actors=self.actors_edit.actors(),
            casualties=self.casualties_edit.value(),
            status=self.assessment.status(),
            confidence=self.assessment.confidence(),
            likelihood=self.assessment.likelihood(),
            citations=state.citations,
        )
        return data, problems

    # --- reacting to edits ---------------------------------------------------------------

    def _changed(self, key: str) -> None:
        """Record one change of the form (``key`` names the field) and re-check it."""
        if self._history.restoring:
            return
        self.markers.touch(key)
        if key == "event_type":  # a new type empties the sub-type: say so at once
            self.markers.touch("sub_event_type")
        if key == "citations":
            self.assessment.show_suggestion(self.citations_edit.citations())
        # Keystrokes, arrow steps through a list or spin box: one undo step per field in a
        # row. A citation or actor added or removed, a suggestion applied: a step each.
        self._history.commit(key, merge=key not in _SEPARATE_STEPS)
        self._refresh()

    def _on_type_chosen(self) -> None:
        self._fill_sub_types(str(self.type_combo.currentData() or ""))
        self._changed("event_type")

    def _fill_sub_types(self, event_type: str) -> None:
        combo = self.sub_type_combo
        if combo.property("event_type") == event_type and combo.count():
            return  # already listed: keep the analyst's choice
        blocked = combo.blockSignals(True)
        try:
            combo.clear()
            sub_types = EVENT_TYPES.get(event_type, ())
            combo.addItem("Choose a sub-type…" if sub_types else "Choose the type first", "")
            for sub_type in sub_types:
                combo.addItem(sub_type, sub_type)
            combo.setEnabled(bool(sub_types))
            combo.setProperty("event_type", event_type)
        finally:
            combo.blockSignals(blocked)

    def _refresh(self) -> None:
        """Re-check the record and show its problems; Save only when there are none."""
        data, widget_problems = self._collect()
        refused = {p.field for p in widget_problems}
        # What a widget refused is reported once, in the widget's own words.
        problems = widget_problems + [
            _reword(p, data) for p in incident_problems(data) if p.field not in refused
        ]
        self._problems = problems
        self.markers.show(problems)
        self.save_button.setEnabled(not problems)

    def _update_title(self) -> None:
        if self._record.id is None:
            title = "New incident"
        else:
            # "[*]" is Qt's modified-marker placeholder; doubled, it is shown as typed.
            title = f"Edit incident — {self._record.title}".replace("[*]", "[*][*]")
        self.setWindowTitle(title)

    # --- saving ----------------------------------------------------------------------------

    def _save_if_possible(self) -> None:
        if self.save_button.isEnabled():
            self.save()
        else:  # say everything that stands in the way, also in fields not yet visited
            self.markers.touch_all()
            self._refresh()

    def _write(self, data: IncidentData) -> IncidentData:
        if data.id is None:
            return incident_service.create_incident(self._db, data)
        return incident_service.update_incident(self._db, data)

    def _resolve_conflict(self, data: IncidentData, conflict: ConflictError) -> IncidentData | None:
        choice = self.ask_conflict(str(conflict))
        assert data.id is not None
        try:
            if choice is ConflictChoice.RELOAD:
                self._load(incident_service.get_incident(self._db, data.id))
                return None
            if choice is ConflictChoice.MERGE:
                return self._merge(data, conflict.changed_by or "Someone else")
            if choice is ConflictChoice.OVERWRITE:
                # Theirs is read only for its version number: what is saved is what is shown.
                current = incident_service.get_incident(self._db, data.id)
                return incident_service.update_incident(
                    self._db, replace(data, version=current.version)
                )
        except DeskError as error:  # e.g. deleted meanwhile, or changed yet again
            self.dialogs.warning("Could not save the incident", str(error))
        return None

    def _merge(self, mine: IncidentData, who: str) -> IncidentData | None:
        """Three-way merge of what was opened, what is typed and what they saved."""
        assert mine.id is not None
        theirs = incident_service.get_incident(self._db, mine.id)
        plan = merge.plan(self._record, mine, theirs)
        choose_theirs = self.ask_merge(plan, who) if plan.conflicts else set()
        if choose_theirs is None:
            return None  # still open, with everything typed
        return incident_service.update_incident(
            self._db, merge.resolve(plan, theirs, choose_theirs)
        )

    def _ask_merge(self, plan: MergePlan, who: str) -> set[str] | None:
        dialog = MergeDialog(plan, who, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.choose_theirs() if accepted else None


def _reword(problem: ValidationError, data: IncidentData) -> ValidationError:
    """Say "Type is not chosen yet" rather than "'' is not an ACLED event type"."""
    if problem.field in ("event_type", "sub_event_type") and not getattr(data, problem.field):
        return ValidationError(problem.field, "is not chosen yet")
    return problem
