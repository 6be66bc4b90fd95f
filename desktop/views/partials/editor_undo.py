"""Form-wide undo for the incident editor: each committed change is a snapshot of the form.

Undoing a snapshot restores the whole form, so edits of any field — a citation added, a
title typed, a suggestion applied — undo in the order they were made, whatever widget has
the focus. Consecutive changes of one field (typing, stepping through a list) merge into
one step, as in a word processor — until the analyst pauses: a pause starts a new step, so
Ctrl+Z takes back the last burst of typing, not the whole field.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterator

    from PySide6.QtWidgets import QWidget

_SNAPSHOT_ID = 0x1D17
# Typing that resumes after this long is a new undo step.
PAUSE_S = 0.5


class SnapshotCommand(QUndoCommand):
    """One step: the form before and after a change of one field."""

    def __init__(
        self, history: FormHistory, before: Hashable, after: Hashable, key: str, mergeable: bool
    ) -> None:
        super().__init__(f"edit {key}")
        self._history = history
        self.before = before
        self.after = after
        self.key = key
        self.mergeable = mergeable
        self.at = time.monotonic()
        self._first_redo = True

    def id(self) -> int:
        return _SNAPSHOT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SnapshotCommand):
            return False
        if not (self.mergeable and other.mergeable and other.key == self.key):
            return False
        if other.at - self.at > PAUSE_S:
            return False
        self.after = other.after
        self.at = other.at  # a pause is measured from the last keystroke of the step
        return True

    def redo(self) -> None:
        # The form already shows ``after`` when the command is first pushed.
        if self._first_redo:
            self._first_redo = False
            return
        self._history.restore(self.after)

    def undo(self) -> None:
        self._history.restore(self.before)


class FormHistory:
    """Keeps the form's last committed snapshot and records each change as a command.

    ``snapshot`` reads the form, ``apply`` writes one back; while it writes, the change
    signals the widgets emit are not recorded again (:attr:`restoring`).
    """

    def __init__(
        self, snapshot: Callable[[], Hashable], apply: Callable[[Hashable], None], parent: QObject
    ) -> None:
        self.stack = QUndoStack(parent)
        self._snapshot = snapshot
        self._apply = apply
        self.restoring = False
        self.last: Hashable = None

    def reset(self) -> None:
        """Forget the history: the form as it is now is the starting point."""
        self.stack.clear()
        self.last = self._snapshot()

    def commit(self, key: str, *, merge: bool = False) -> bool:
        """Record the form's change of ``key``; True when something did change.

        With ``merge``, a change of the same field as the step before (also made with
        ``merge``) extends that step instead of adding one: typing a word is one step.
        """
        if self.restoring:
            return False
        now = self._snapshot()
        if now == self.last:
            return False
        self.stack.push(SnapshotCommand(self, self.last, now, key, merge))
        self.last = now
        return True

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Changes made inside (loading a record) are not edits to undo."""
        restoring, self.restoring = self.restoring, True
        try:
            yield
        finally:
            self.restoring = restoring

    def restore(self, snapshot: Hashable) -> None:
        self.restoring = True
        try:
            self._apply(snapshot)
        finally:
            self.restoring = False
        self.last = snapshot


class UndoKeys(QObject):
    """Sends Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y in text fields to the form's history.

    Line edits and text boxes keep their own per-field undo and claim these keys first;
    taking the keys from them makes undo mean the same thing everywhere in the form.
    """

    def __init__(self, stack: QUndoStack, parent: QObject) -> None:
        super().__init__(parent)
        self._stack = stack

    def watch(self, widgets: list[QWidget]) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        undo = event.matches(QKeySequence.StandardKey.Undo)
        redo = event.matches(QKeySequence.StandardKey.Redo) or is_ctrl_y(event)
        if not (undo or redo):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Not accepted: the widget does not claim the key, so the dialog's undo/redo
            # shortcut fires instead.
            return True
        # A key press arriving here means no shortcut took it (e.g. an inactive window).
        if undo:
            self._stack.undo()
        else:
            self._stack.redo()
        return True


def is_ctrl_y(event: QKeyEvent) -> bool:
    """Ctrl+Y redoes too (Windows habit), though it is not Qt's standard Redo on Linux."""
    return event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier
