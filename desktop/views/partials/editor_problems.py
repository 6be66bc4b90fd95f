"""Showing validation problems where they are: under the field, on its tab, in a summary.

Problems arrive as :class:`ValidationError` with the services' dotted paths
(``where.lat``, ``citations[0].source``). :class:`ProblemMarker` knows which widget and
which message label each path belongs to, marks the widget with the ``invalid`` dynamic
property (the editor's style sheet draws it red), and writes the message in words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle

from desktop.fields import INCIDENT_FIELDS
from desktop.views.palette import HINT_STYLE, problem_style
from desktop.views.partials.plain_widgets import plain_label as wrapping_label

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTabWidget, QWidget

    from desktop.errors import ValidationError

INVALID_PROPERTY = "invalid"
INVALID_STYLE = (
    'QLineEdit[invalid="true"], QComboBox[invalid="true"], QDateTimeEdit[invalid="true"], '
    'QSpinBox[invalid="true"], QTableView[invalid="true"], QTableWidget[invalid="true"] '
    "{ border: 1px solid #b00020; border-radius: 2px; }"
)

# How each field path reads in a message, and each list's item (desktop/fields.py).
FIELD_LABELS: dict[str, str] = {f.key: f.problem_name for f in INCIDENT_FIELDS if not f.list_noun}
_LIST_NOUNS = {f.key: f.list_noun for f in INCIDENT_FIELDS if f.list_noun}
_LIST_ITEM = re.compile(rf"^({'|'.join(_LIST_NOUNS)})\[(\d+)\]\.?(.*)$")
# Problems that read as a continuation of the field's name ("Title is required").
_CONTINUES = re.compile(r"^(is |are |before |needs |must |cannot |-?\d)")


def problem_text(error: ValidationError) -> str:
    """``where.lat: 123.0 is outside -90…90`` → ``Latitude 123.0 is outside -90…90.``"""
    field = error.field
    match = _LIST_ITEM.match(field)
    if match:
        label = f"{_LIST_NOUNS[match.group(1)]} {int(match.group(2)) + 1}"
        if match.group(3):
            label = f"{label} {match.group(3)}"
    else:
        label = FIELD_LABELS.get(field, field)
    problem = error.problem
    if problem.casefold().startswith(label.casefold()):  # names the field itself
        text = problem[0].upper() + problem[1:]
    else:
        joiner = " " if _CONTINUES.match(problem) else ": "
        text = f"{label}{joiner}{problem}"
    return text if text.endswith((".", "!", "?")) else f"{text}."


def field_root(field: str) -> str:
    """``citations[0].source`` → ``citations``; ``where.lat`` → ``where``."""
    return re.split(r"[.\[]", field, maxsplit=1)[0]


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A wrapping label that shows user text as typed, never as markup."""
    label = wrapping_label(text, parent, wrap=True)
    # Without an expanding policy a wrapped label in a form row keeps a narrow width.
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


def problem_label(parent: QWidget) -> QLabel:
    """A red line of text under a field, hidden until there is something to say."""
    label = plain_label("", parent)
    label.setStyleSheet(problem_style())
    label.hide()
    return label


class ProblemMarker:
    """Maps field paths to widgets and message labels, and shows a list of problems.

    A new record is judged only where the analyst has been (:meth:`touch`): a red line on
    a form nobody has typed in yet reads as blame. The summary still lists everything.
    """

    def __init__(self, tabs: QTabWidget, summary: QLabel) -> None:
        self._tabs = tabs
        self._summary = summary
        self._slots: dict[str, tuple[QWidget, QLabel]] = {}
        self._tab_of: dict[QLabel, int] = {}
        self._touched: set[str] = set()

    def add(self, field: str, widget: QWidget, label: QLabel, tab: int = -1) -> None:
        """``field`` is a path or a list's name (``citations``); ``tab`` -1 is no tab."""
        self._slots[field] = (widget, label)
        self._tab_of[label] = tab

    def slot(self, field: str) -> tuple[QWidget, QLabel] | None:
        return self._slots.get(field) or self._slots.get(field_root(field))

    def touch(self, field: str) -> None:
        self._touched.add(field_root(field))

    def touch_all(self) -> None:
        self._touched.add("*")

    def untouch_all(self) -> None:
        self._touched.clear()

    def shown(self, field: str) -> bool:
        return "*" in self._touched or field_root(field) in self._touched

    def show(self, problems: list[ValidationError]) -> None:
        messages: dict[QLabel, list[str]] = {}
        marked: set[QWidget] = set()
        for problem in problems:
            slot = self.slot(problem.field)
            if slot is None or not self.shown(problem.field):
                continue
            widget, label = slot
            marked.add(widget)
            messages.setdefault(label, []).append(problem_text(problem))
        for widget, label in self._slots.values():
            mark_invalid(widget, widget in marked)
            texts = list(dict.fromkeys(messages.get(label, [])))
            label.setText(" ".join(texts))
            label.setVisible(bool(texts))
        # Tabs point at every problem the summary lists, also in fields not visited yet,
        # so "Type is not chosen yet" always says where to go.
        pending = (self.slot(p.field) for p in problems)
        self._mark_tabs({self._tab_of[slot[1]] for slot in pending if slot is not None})
        self._summarise(problems)

    def _mark_tabs(self, tabs: set[int]) -> None:
        warning = self._tabs.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for tab in range(self._tabs.count()):
            self._tabs.setTabIcon(tab, warning if tab in tabs else QIcon())

    def _summarise(self, problems: list[ValidationError]) -> None:
        summary = self._summary
        if not problems:
            summary.setText("")
            summary.setToolTip("")
            return
        texts = [problem_text(p) for p in problems]
        head = (
            "1 thing to fix before saving: "
            if len(texts) == 1
            else f"{len(texts)} things to fix before saving: "
        )
        more = f" (and {len(texts) - 2} more)" if len(texts) > 2 else ""
        summary.setText(head + " ".join(texts[:2]) + more)
        summary.setToolTip("\n".join(texts))
        # Grey while none of it is shown in red yet (a fresh form), red once it is.
        shown = any(self.shown(p.field) for p in problems)
        summary.setStyleSheet(problem_style() if shown else HINT_STYLE)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Set or clear the ``invalid`` property that :data:`INVALID_STYLE` draws in red."""
    if bool(widget.property(INVALID_PROPERTY)) == invalid:
        return
    widget.setProperty(INVALID_PROPERTY, invalid)
    # A dynamic property only restyles after the style is applied again.
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
