"""The incident editor: every field of one incident, its citations, and an honest Save.

The dialog assembles the partials (when, place, actors, casualties, tags, citations,
assessment) and adds what only the whole record needs: validation with the services' own
rules shown beside each field, form-wide undo, a question before unsaved work is thrown
away, and a way out when someone else saved first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import DEFAULT_MARKING, EVENT_TYPES, TLP_LABELS
from desktop.errors import ConflictError, DeskError, ValidationError
from desktop.services import incidents as incident_service
from desktop.services import merge
from desktop.services.validation import MAX_TITLE, incident_problems
from desktop.views.merge_dialog import MergeDialog
from desktop.views.partials.conflict_prompt import ConflictChoice, ask_conflict
from desktop.views.partials.dialogs import Choice, Dialogs
from desktop.views.partials.editor_form import (
    TAB_ACTORS,
    TAB_EVENT,
    TAB_SOURCES,
    TAB_WHERE,
    TEXT_FIELDS,
    EditorLayout,
    FormState,
    TextWidget,
    caption,
    new_incident,
    set_text,
    show_text,
    widget_text,
)
from desktop.views.partials.editor_problems import (
    INVALID_STYLE,
    ProblemMarker,
    plain_label,
    problem_label,
)
from desktop.views.partials.editor_undo import FormHistory, UndoKeys
from desktop.views.partials.entry_keys import EntryKeys

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from desktop.services.dto import IncidentData
    from desktop.services.merge import MergePlan
    from desktop.store.engine import Database
    from desktop.views.partials.length_counter import LengthCounter

__all__ = ["ConflictChoice", "FormState", "IncidentEditor", "ask_conflict", "new_incident"]

# Changes that are undone one by one, even several of them in a row.
_SEPARATE_STEPS = frozenset({"actors", "citations", "suggestion"})


def _as_typed(text: str) -> str:
    return text


# How a text field's typed text is saved, when not as typed: the spaces and newlines left
# around a title or a narrative are trimmed, a marking's spaces folded (TLP: AMBER stays
# recognisable as the same line however it was spaced).
_TIDY: dict[str, Callable[[str], str]] = {
    "title": str.strip,
    "summary": str.strip,
    "notes": str.strip,
    "marking": lambda text: " ".join(text.split()),
}


class IncidentEditor(EditorLayout, QDialog):
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
        self.text_widgets: dict[str, TextWidget] = {}  # filled as each widget is made
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
        top.addWidget(caption("&Title", self.title_edit, self), 0, 0)
        top.addWidget(self.title_edit, 0, 1)
        top.addWidget(caption("Mar&king", self.marking_combo, self), 0, 2)
        top.addWidget(self.marking_combo, 0, 3)
        top.addWidget(top_problem, 1, 1, 1, 3)
        top.setColumnStretch(1, 1)

        self.tabs = QTabWidget(self)
        self.summary_label = plain_label("", self)
        self.markers = ProblemMarker(self.tabs, self.summary_label)
        self.markers.add("title", self.title_edit, top_problem)
        self.markers.add("marking", self.marking_combo, top_problem)
        self.text_widgets.update(title=self.title_edit, marking=self.marking_combo)
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
        missing = set(TEXT_FIELDS) - self.text_widgets.keys()
        if missing:  # a field added to the table and not to the form
            raise RuntimeError(f"the editor has no widget for {', '.join(sorted(missing))}")

    def _connect(self) -> None:
        changed = self._changed
        for key, widget in self.text_widgets.items():
            if key == "event_type":  # a new type lists its own sub-types
                self.type_combo.activated.connect(self._on_type_chosen)
            elif isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _t, key=key: changed(key))
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(lambda key=key: changed(key))
            elif widget.isEditable():
                widget.editTextChanged.connect(lambda _t, key=key: changed(key))
            else:
                widget.activated.connect(lambda _i, key=key: changed(key))
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
            texts=tuple(widget_text(self.text_widgets[key]) for key in TEXT_FIELDS),
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
            self._show_texts(state.texts)
            set_text(self.tags_edit, state.tags)
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
            # A record saved with no marking (imported, or from an early version) shows the
            # default, which saving it then stores.
            shown = replace(data, marking=data.marking or DEFAULT_MARKING)
            self._show_texts(tuple(getattr(shown, key) for key in TEXT_FIELDS))
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
        texts: dict[str, Any] = {
            key: _TIDY.get(key, _as_typed)(state.text(key)) for key in TEXT_FIELDS
        }
        data = replace(
            self._record,
            **texts,
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

    def _show_texts(self, texts: tuple[str, ...]) -> None:
        """Show the TEXT_FIELDS' texts, the sub-types of the event type listed first."""
        self._fill_sub_types(texts[TEXT_FIELDS.index("event_type")])
        for key, text in zip(TEXT_FIELDS, texts, strict=True):
            show_text(self.text_widgets[key], text)

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
